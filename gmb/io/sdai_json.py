"""sd-ai model JSON (isee systems' ``sd-ai`` evaluation files): variables, relationships, Stella's loops.

The files hold ``model`` (``variables`` with ``name``/``type``/``equation``, ``relationships``
with ``from``/``to`` and sometimes ``polarity``) and, in the feedback-explanation set,
``feedback.feedbackLoops``: the loops Stella found, each with signed ``links``.

A link's sign comes from its relationship's ``polarity``; where that is missing and
``loop_signs`` is true, from the sign Stella gives the same link inside a loop (noted on the
link); otherwise it stays unknown (``?``) — never guessed. Each Stella loop becomes a
:class:`~gmb.session.Story` listing its links, so ``gmb loops`` names the loops as Stella did.

>>> import json, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.json"
>>> _ = p.write_text(json.dumps({"model": {"variables": [
...     {"name": "Stock", "type": "stock"}, {"name": "flow", "type": "flow"}],
...     "relationships": [{"from": "Stock", "to": "flow"}, {"from": "flow", "to": "Stock", "polarity": "+"}]},
...     "feedback": {"feedbackLoops": [{"identifier": "R1", "name": "R1 growth", "polarity": "+", "links": [
...         {"from": "Stock", "to": "flow", "polarity": "+"}, {"from": "flow", "to": "Stock", "polarity": "+"}]}]}}))
>>> s = read_sdai_json(p)
>>> [(l.cause, l.effect, l.polarity.value) for l in s.links], s.stories[0].links
([('stock', 'flow', '+'), ('flow', 'stock', '+')], ('L1', 'L2'))
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, ValidationError
from gmb.io.build import read_utf8
from gmb.io.ids import make_id
from gmb.io.limits import check_depth, check_items, json_depth, lenient
from gmb.session.model import Session
from gmb.session.parse import parse_session

__all__ = ["read_sdai_json"]

_KINDS = {"stock": "stock", "flow": "auxiliary", "variable": "auxiliary"}
_SIGNS = {"+": "+", "-": "-"}


def _name(value: Any, file: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("expected a variable name", file=file, field=field)
    return " ".join(value.split())  # Stella breaks long names with "\n"


def read_sdai_json(
    path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None, loop_signs: bool = True
) -> Session:
    """Read an sd-ai model JSON file into an in-memory :class:`Session` (nothing is written).

    Parameters
    ----------
    path : str or pathlib.Path
        The file: ``{"model": {"relationships": [{"from", "to", "polarity"}, ...]}}``.
    lang : str, optional
        Language of the labels.
    title : str, optional
        The session's title.
    by : str, optional
        Who the links are proposed by.
    loop_signs : bool, optional
        Keep the file's loop polarities to check against (default True).

    Returns
    -------
    gmb.session.Session
        The map.

    Raises
    ------
    gmb.errors.FormatError
        Not an sd-ai model file.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> _ = path.write_text(json.dumps({"model": {"relationships": [{"from": "A", "to": "B", "polarity": "+"}]}}))
    >>> [(link.cause, link.effect, link.polarity.value) for link in read_sdai_json(path).links]
    [('a', 'b', '+')]
    """
    path = Path(path)
    file = str(path)
    data, model = _load(path, file)
    ids: dict[str, str] = {}
    taken: set[str] = set()
    counters: dict[str, int] = {}
    variables: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def var(name: str, spec: dict[str, Any] | None = None) -> str:
        if name not in ids:
            check_items(len(variables) + len(links) + 1, file)
            ids[name] = make_id(name, taken, counters=counters)
            spec = spec or {}
            variables.append({
                "id": ids[name], "labels": {lang: name}, "kind": _KINDS.get(spec.get("type"), "unknown"),
                "description": str(spec.get("equation") or ""), "proposed_by": by,
            })  # fmt: skip
        return ids[name]

    for i, spec in enumerate(model.get("variables") or []):
        var(_name(spec.get("name") if isinstance(spec, dict) else None, file, f"model.variables[{i}].name"), spec)
    loops, stella_sign = _stella_loops(data, file)
    link_of: dict[tuple[str, str], str] = {}
    for i, rel in enumerate(model["relationships"]):
        where = f"model.relationships[{i}]"
        if not isinstance(rel, dict):
            raise ValidationError("expected an object with from/to", file=file, field=where)
        cause, effect = _name(rel.get("from"), file, f"{where}.from"), _name(rel.get("to"), file, f"{where}.to")
        if (cause, effect) in link_of:
            lenient(f"relationship {cause} -> {effect} appears again", file=file, field=where,
                    action="kept as one link, with a note of the repetition")  # fmt: skip
            item = links[int(link_of[cause, effect][1:]) - 1]
            item["notes"] = "; ".join(x for x in (item["notes"], f"listed again as {where}") if x)
            continue
        check_items(len(variables) + len(links) + 1, file)
        polarity, note = _SIGNS.get(rel.get("polarity"), "?"), ""
        if polarity == "?" and loop_signs and (cause, effect) in stella_sign:
            polarity, note = stella_sign[cause, effect], "sign from Stella's loop analysis"
        link_of[cause, effect] = f"L{len(links) + 1}"
        links.append({
            "id": link_of[cause, effect], "cause": var(cause), "effect": var(effect), "polarity": polarity,
            "proposed_by": by, "notes": note,
        })  # fmt: skip
    session = {"title": title or path.stem, "languages": [lang], "variables": variables, "links": links,
               "stories": _stories(loops, link_of, file)}  # fmt: skip
    if by:
        session["participants"] = [{"id": by, "name": by}]
    return parse_session(session, file=file)


def _load(path: Path, file: str) -> tuple[Any, dict[str, Any]]:
    """The parsed file and its ``model`` object; anything else is no sd-ai model file."""
    text = read_utf8(path)  # bounded by the size limit
    check_depth(json_depth(text), file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    model = data.get("model") if isinstance(data, dict) else None
    if not isinstance(model, dict) or not isinstance(model.get("relationships"), list):
        raise FormatError('not an sd-ai model file: expected {"model": {"relationships": [...]}}', file=file)
    return data, model


def _stella_loops(data: dict[str, Any], file: str) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """Stella's loops (each with its ``links`` kept to objects) and the first sign each loop gives a link."""
    feedback = data.get("feedback") if isinstance(data.get("feedback"), dict) else {}
    loops = [loop for loop in feedback.get("feedbackLoops") or [] if isinstance(loop, dict)]
    stella_sign: dict[tuple[str, str], str] = {}
    for i, loop in enumerate(loops):
        loop["links"] = [k for k in loop.get("links") or [] if isinstance(k, dict)]
        for j, link in enumerate(loop["links"]):
            where = f"feedback.feedbackLoops[{i}].links[{j}]"
            key = (_name(link.get("from"), file, f"{where}.from"), _name(link.get("to"), file, f"{where}.to"))
            if link.get("polarity") in _SIGNS:
                stella_sign.setdefault(key, link["polarity"])
    return loops, stella_sign


def _stories(loops: list[dict[str, Any]], link_of: dict[tuple[str, str], str], file: str) -> list[dict[str, Any]]:
    """Each Stella loop as a story of its links; a loop through a link that is no relationship is left out."""
    stories, used = [], set()
    for i, loop in enumerate(loops):
        pairs = [(" ".join(str(k.get("from")).split()), " ".join(str(k.get("to")).split())) for k in loop["links"]]
        missing = [f"{a} -> {b}" for a, b in pairs if (a, b) not in link_of]
        if missing:
            lenient(f"Stella's loop uses a link that is not a relationship: {missing[0]}", file=file,
                    field=f"feedback.feedbackLoops[{i}]", action="the loop is not kept as a story")  # fmt: skip
            continue
        sid = make_id(str(loop.get("identifier") or f"loop{i + 1}"), used)
        used.add(sid)
        stories.append({
            "id": sid, "title": str(loop.get("name") or sid), "links": [link_of[p] for p in pairs],
            "text": f"feedback loop listed by Stella, polarity {loop.get('polarity') or 'unknown'}",
        })  # fmt: skip
    return stories
