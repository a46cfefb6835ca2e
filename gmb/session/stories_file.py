"""Map stories (presentations) in a file: ``sessions/<name>/stories.json``, next to the event log.

The file is a plain copy a facilitator can edit in a text editor or keep in version control; the
session's event log stays the record. :func:`save_stories` writes the session's presentations there
(atomically); :func:`read_stories` reads them back, validated against the session (every variable,
link and idea a step names must exist), with errors naming the file and the field; and
:func:`story_changes` turns what was read into ``add``/``update`` events for the presentations that
are new or changed (unchanged ones give none, so loading the same file twice logs nothing).

>>> import tempfile, pathlib
>>> from gmb.session.model import Presentation, PresentationStep, Session, Variable
>>> s = Session(title="T", variables=(Variable(id="a"),),
...             presentations=(Presentation(id="p", steps=(PresentationStep(variables=("a",)),)),))
>>> path = save_stories(s, pathlib.Path(tempfile.mkdtemp()) / FILE)
>>> [p.id for p in read_stories(path, s)], story_changes(s, read_stories(path, s))
(['p'], [])
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, ValidationError
from gmb.session.model import Presentation, Session

__all__ = ["FILE", "FORMAT", "read_stories", "save_stories", "stories_json", "story_changes"]

FILE = "stories.json"
FORMAT = "gmb-stories"


def stories_json(session: Session) -> str:
    """The session's presentations as the text of ``stories.json`` (UTF-8, Danish letters kept)."""
    data = {"format": FORMAT, "version": 1, "session": session.title,
            "presentations": [p.model_dump(mode="json", exclude_defaults=True) for p in session.presentations]}  # fmt: skip
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def save_stories(session: Session, path: str | Path) -> Path:
    """Write :func:`stories_json` to ``path`` atomically (a reader never sees half a file)."""
    from gmb.files import atomic_write_text

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, stories_json(session))
    return path


def read_stories(path: str | Path, session: Session) -> tuple[Presentation, ...]:
    """The presentations in ``path``, each checked against ``session``.

    Raises
    ------
    gmb.errors.FormatError
        Not JSON, or not a stories file (the field says which part).
    gmb.errors.ValidationError
        A presentation that does not fit (bad field, unknown variable, link or idea, a repeated id);
        ``file`` is ``path`` and ``field`` e.g. ``presentations[0].steps[1].whatif.ideas.x.dose``.
    """
    from pydantic import ValidationError as PydanticError

    from gmb.files import read_json
    from gmb.session.validate import RuleBroken, check_references, pydantic_to_gmb

    file = str(path)
    data = read_json(path)
    if not isinstance(data, dict) or data.get("format", FORMAT) != FORMAT:
        raise FormatError(f"not a stories file: expected an object with \"format\": \"{FORMAT}\"", file=file,
                          field="format")  # fmt: skip
    items = data.get("presentations")
    if not isinstance(items, list):
        raise FormatError("expected a list of presentations", file=file, field="presentations")
    found: list[Presentation] = []
    for i, item in enumerate(items):
        try:
            found.append(Presentation.model_validate(item))
        except PydanticError as exc:
            raise pydantic_to_gmb(exc, file=file, prefix=f"presentations[{i}]") from None
    ids = [p.id for p in found]
    for i, pid in enumerate(ids):
        if pid in ids[:i]:
            raise ValidationError(f"the id '{pid}' appears twice", file=file, field=f"presentations[{i}].id")
    kept = tuple(p for p in session.presentations if p.id not in set(ids))
    try:
        check_references(session.model_copy(update={"presentations": (*found, *kept)}))
    except RuleBroken as exc:
        raise ValidationError(exc.message, file=file, field=exc.field, hint=exc.hint) from None
    return tuple(found)


def story_changes(session: Session, presentations: tuple[Presentation, ...]) -> list[tuple[str, dict[str, Any]]]:
    """``add`` events for new presentations, ``update`` events (all fields) for changed ones; none for the same."""
    have = {p.id: p for p in session.presentations}
    out: list[tuple[str, dict[str, Any]]] = []
    for p in presentations:
        item = p.model_dump(mode="json", exclude_defaults=True)
        old = have.get(p.id)
        if old is None:
            out.append(("add", {"kind": "presentation", "item": item}))
        elif old != p:
            # every field, defaults included, so a field the file leaves out is reset rather than kept
            changes = {k: v for k, v in p.model_dump(mode="json").items() if k != "id"}
            out.append(("update", {"kind": "presentation", "id": p.id, "changes": changes}))
    return out
