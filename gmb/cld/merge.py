"""Merge several participants' maps (or one map's duplicate variables) into one, keeping provenance.

Variables are matched by id after a user's synonym table is applied (keys are variable ids or
labels, values the id — or label — of the variable they mean). For every merged link the
result counts who proposed it (included it in their map) and who supports it, lists the signs
each person gave, and flags links proposed with conflicting polarity; a conflicting link gets
the unknown sign ``?`` in the merged map — the group decides, gmb does not guess.

>>> from gmb.session.model import Session, Variable, Link
>>> def one_map(who, sign, name="Søvn"):
...     return Session(title=who, variables=(Variable(id="a", labels={"da": name}), Variable(id="b")),
...                    links=(Link(id="L1", cause="a", effect="b", polarity=sign),))
>>> m = merge_maps([one_map("p1", "+"), one_map("p2", "+"), one_map("p3", "-")])
>>> link = m.links[0]
>>> link.support, link.polarity, link.conflict, link.signs["-"]
(3, '?', True, ('p3',))
>>> m.session.links[0].proposed_by, m.session.links[0].supporters
('p1', ('p2', 'p3'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from gmb.errors import InputError
from gmb.io.ids import make_id
from gmb.session.model import Session
from gmb.session.parse import parse_session

__all__ = ["MergeResult", "MergedLink", "merge_maps"]


@dataclass(frozen=True, slots=True)
class MergedLink:
    """One link of the merged map and where it came from.

    ``proposers``: people who put it in their map (or proposed it); ``supporters``: others who
    supported it; ``signs``: who gave which sign; ``sources``: ``(map, link id)`` pairs.
    """

    id: str
    cause: str
    effect: str
    polarity: str
    proposers: tuple[str, ...]
    supporters: tuple[str, ...]
    disputers: tuple[str, ...]
    signs: Mapping[str, tuple[str, ...]]
    sources: tuple[tuple[str, str], ...]

    @property
    def conflict(self) -> bool:
        """True when some gave it ``+`` and others ``-``."""
        return bool(self.signs.get("+")) and bool(self.signs.get("-"))

    @property
    def support(self) -> int:
        """Distinct people who proposed or support the link."""
        return len(set(self.proposers) | set(self.supporters))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "cause": self.cause, "effect": self.effect, "polarity": self.polarity,
            "proposers": list(self.proposers), "supporters": list(self.supporters),
            "disputers": list(self.disputers), "support": self.support, "conflict": self.conflict,
            "signs": {k: list(v) for k, v in self.signs.items()},
            "sources": [{"map": m, "link": lid} for m, lid in self.sources],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged map as a session, each link's provenance, and what the merge changed."""

    session: Session
    links: tuple[MergedLink, ...]
    renamed: Mapping[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    unused_synonyms: tuple[str, ...] = ()

    @property
    def conflicts(self) -> tuple[MergedLink, ...]:
        return tuple(link for link in self.links if link.conflict)

    def to_json(self) -> dict[str, Any]:
        return {
            "variables": len(self.session.variables), "links": [link.to_json() for link in self.links],
            "conflicts": [link.id for link in self.conflicts], "renamed": dict(self.renamed),
            "dropped": list(self.dropped), "unused_synonyms": list(self.unused_synonyms),
        }  # fmt: skip


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _resolver(maps: Sequence[Session], synonyms: Mapping[str, str]):
    """A function from (map's variable) to the merged id, and the synonym keys never used."""
    ids = {v.id for s in maps for v in s.variables}
    by_label: dict[str, str] = {}
    for s in maps:
        for v in s.variables:
            for text in v.labels.values():
                by_label.setdefault(_norm(text), v.id)
    table = {_norm(k): v for k, v in synonyms.items()}
    used: set[str] = set()

    def canonical(name: str) -> str:
        if name in ids:
            return name
        return by_label.get(_norm(name)) or make_id(name, set())

    def resolve(var_id: str, labels: Sequence[str]) -> str:
        seen = []
        current, keys = var_id, [var_id, *labels]
        while True:
            key = next((_norm(k) for k in keys if _norm(k) in table), None)
            if key is None:
                return current
            used.add(key)
            current = canonical(table[key])
            if current in seen:
                raise InputError(f"the synonym table goes round in a circle at '{table[key]}'", field="synonyms")
            seen.append(current)
            keys = [current]

    return resolve, lambda: tuple(k for k in synonyms if _norm(k) not in used)


def merge_maps(
    maps: Sequence[Session | nx.DiGraph],
    *,
    contributors: Sequence[str] | None = None,
    synonyms: Mapping[str, str] | None = None,
    names: Sequence[str] | None = None,
    title: str | None = None,
) -> MergeResult:
    """Merge ``maps`` into one session; none of the inputs is changed.

    Variables are matched by id, then by label, after ``synonyms``; a link drawn on several maps
    becomes one link that records who proposed it and with which sign.

    Parameters
    ----------
    maps : sequence of Session or networkx.DiGraph
        The maps to merge.
    contributors : sequence of str, optional
        ``contributors[i]`` is whose map ``maps[i]`` is (default: its links' ``proposed_by``, else the
        map's title).
    synonyms : mapping of str to str, optional
        Variable id or label -> the id it stands for.
    names : sequence of str, optional
        ``names[i]`` is how provenance names map ``i`` (default: its title).
    title : str, optional
        The merged session's title.

    Returns
    -------
    MergeResult
        The merged ``session``, per link who drew it with which sign (``links``), renamed variables,
        dropped items and synonyms no map used.

    Raises
    ------
    gmb.errors.InputError
        The synonym table goes round in a circle.

    Examples
    --------
    >>> import networkx as nx
    >>> a = nx.DiGraph([("tv", "sleep", {"sign": -1})])
    >>> b = nx.DiGraph([("tv", "sleep", {"sign": -1}), ("sleep", "mood", {"sign": 1})])
    >>> m = merge_maps([a, b], contributors=["Ann", "Bo"])
    >>> [(link.cause, link.effect, link.proposers) for link in m.links]
    [('tv', 'sleep', ('Ann', 'Bo')), ('sleep', 'mood', ('Bo',))]
    """
    from gmb.cld.graph import from_graph

    if not maps:
        raise InputError("nothing to merge: give at least one map", field="maps")
    sessions = [from_graph(m) if isinstance(m, nx.DiGraph) else m for m in maps]
    if contributors is not None and len(contributors) != len(sessions):
        raise InputError(f"{len(contributors)} contributors for {len(sessions)} maps", field="contributors")
    names = list(names) if names is not None else [s.title for s in sessions]
    if len(names) != len(sessions):
        raise InputError(f"{len(names)} names for {len(sessions)} maps", field="names")
    resolve, unused = _resolver(sessions, dict(synonyms or {}))

    g = _Gathered()
    for i, s in enumerate(sessions):
        data = s.model_dump(mode="json")
        for p in data["participants"]:
            g.people.setdefault(p["id"], p)
        for t in data["themes"]:
            g.themes.setdefault(t["id"], t)
        owner = contributors[i] if contributors is not None else make_id(s.title, set())
        mapping = _gather_variables(g, data["variables"], names[i], resolve)
        _gather_links(g, data["links"], i, names[i], owner, mapping)
    out_links, result_links = _merged_links(g.merged)

    stories, ideas, initiatives = _carry_over(sessions, resolve_ids=lambda i, v: resolve(v, []), link_ids=g.link_ids,
                                             merged=g.merged, variables=g.variables)  # fmt: skip
    for v in g.variables.values():
        if v.get("proposed_by"):
            g.people.setdefault(v["proposed_by"], {"id": v["proposed_by"], "name": v["proposed_by"]})
    first = sessions[0]
    outcome = resolve(first.outcome, []) if first.outcome else None
    session = parse_session({
        "title": title or "merged: " + ", ".join(names), "languages": list(first.languages),
        "focus": first.focus, "place": first.place, "outcome": outcome if outcome in g.variables else None,
        "participants": list(g.people.values()), "themes": list(g.themes.values()),
        "variables": list(g.variables.values()), "links": out_links,
        "stories": stories, "ideas": ideas, "initiatives": initiatives,
    })  # fmt: skip
    return MergeResult(session=session, links=tuple(result_links), renamed=g.renamed, dropped=tuple(g.dropped),
                       unused_synonyms=unused())  # fmt: skip


@dataclass
class _Gathered:
    """What the maps hold, merged so far, in the order first seen (the merged map keeps that order)."""

    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    merged: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (cause, effect) -> the link so far
    link_ids: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)  # (map, link id) -> (cause, effect)
    dropped: list[str] = field(default_factory=list)


def _gather_variables(g: _Gathered, variables: list[dict], name: str, resolve) -> dict[str, str]:
    """Add one map's variables (labels, themes and kind fill what the first map left open); return old id -> new."""
    mapping = {}
    for v in variables:
        new = resolve(v["id"], list(v["labels"].values()))
        mapping[v["id"]] = new
        if new != v["id"]:
            g.renamed[f"{name}:{v['id']}"] = new
        if new not in g.variables:
            g.variables[new] = {**v, "id": new, "notes": v["notes"]}
        else:
            kept = g.variables[new]
            for lang, text in v["labels"].items():
                kept["labels"].setdefault(lang, text)
            kept["themes"] = list(dict.fromkeys([*kept["themes"], *v["themes"]]))
            if kept["kind"] == "unknown":
                kept["kind"] = v["kind"]
        if new != v["id"]:
            alias = f"merged '{v['labels'] and next(iter(v['labels'].values())) or v['id']}' ({name})"
            note = g.variables[new]["notes"]
            g.variables[new]["notes"] = f"{note}; {alias}" if note else alias
    return mapping


def _gather_links(g: _Gathered, links: list[dict], i: int, name: str, owner: str, mapping: dict[str, str]) -> None:
    """Add map ``i``'s links: who drew each with which sign; a link that became a self-loop is dropped and listed."""
    for link in links:
        cause, effect = mapping[link["cause"]], mapping[link["effect"]]
        if cause == effect:
            what = f"{link['cause']} -> {link['effect']}: same variable after synonyms"
            g.dropped.append(f"{name}:{link['id']} ({what})")
            continue
        who = link["proposed_by"] or owner
        g.people.setdefault(who, {"id": who, "name": who})
        m = g.merged.setdefault((cause, effect), {
            "cause": cause, "effect": effect, "proposers": [], "supporters": [], "disputers": [],
            "signs": {"+": [], "-": [], "?": []}, "sources": [], "delay": False, "strengths": set(),
            "evidence": [], "first": link,
        })  # fmt: skip
        m["proposers"].append(who)
        m["supporters"].extend(link["supporters"])
        m["disputers"].extend(link["disputers"])
        m["signs"][link["polarity"]].append(who)
        m["sources"].append((name, link["id"]))
        m["delay"] = m["delay"] or link["delay"]
        m["strengths"].add(link["strength"])
        if link["evidence"]:
            m["evidence"].append(link["evidence"])
        g.link_ids[i, link["id"]] = (cause, effect)


def _merged_links(merged: dict[tuple[str, str], dict[str, Any]]) -> tuple[list[dict], list[MergedLink]]:
    """Each merged link as session data and as a :class:`MergedLink`; a conflicting sign becomes ``?``.

    A link keeps its first map's id unless another link took it; then it gets the next free ``L<n>``.
    Sets ``"id"`` on each entry of ``merged`` (the stories carried over refer to links by it).
    """
    taken: set[str] = set()
    out_links, result_links = [], []
    for (cause, effect), m in merged.items():
        lid = m["first"]["id"] if m["first"]["id"] not in taken else None
        if lid is None:
            n = len(taken) + 1
            while f"L{n}" in taken:
                n += 1
            lid = f"L{n}"
        taken.add(lid)
        m["id"] = lid
        proposers = tuple(dict.fromkeys(m["proposers"]))
        supporters = tuple(p for p in dict.fromkeys(m["supporters"]) if p not in proposers)
        disputers = tuple(dict.fromkeys(m["disputers"]))
        signs = {k: tuple(dict.fromkeys(v)) for k, v in m["signs"].items() if v}
        known = [k for k in ("+", "-") if k in signs]
        polarity = known[0] if len(known) == 1 else "?"
        result = MergedLink(lid, cause, effect, polarity, proposers, supporters, disputers, signs, tuple(m["sources"]))
        result_links.append(result)
        provenance = "; ".join(f"{mp} {ml}" for mp, ml in m["sources"])
        sign_note = ", ".join(f"{k} by {' '.join(v)}" for k, v in signs.items())
        notes = f"merged from {provenance}" + (f"; signs: {sign_note}" if len(signs) > 1 else "")
        if result.conflict:
            notes += "; CONFLICTING POLARITY"
        out_links.append({
            "id": lid, "cause": cause, "effect": effect, "polarity": polarity, "delay": m["delay"],
            "strength": next(iter(m["strengths"])) if len(m["strengths"]) == 1 else "unknown",
            "proposed_by": proposers[0], "supporters": [*proposers[1:], *supporters],
            "disputers": [p for p in disputers if p not in proposers[:1]],
            "evidence": " | ".join(dict.fromkeys(m["evidence"])), "notes": notes, "stage": m["first"]["stage"],
        })  # fmt: skip
    return out_links, result_links


def _carry_over(sessions, *, resolve_ids, link_ids, merged, variables):
    """Stories, ideas and initiatives of every map, with ids made unique and references remapped."""
    stories, ideas, initiatives = [], [], []
    used: dict[str, set[str]] = {"stories": set(), "ideas": set(), "initiatives": set()}

    def unique(kind: str, ident: str) -> str:
        new = make_id(ident, used[kind]) if ident in used[kind] else ident
        used[kind].add(new)
        return new

    for i, s in enumerate(sessions):
        data = s.model_dump(mode="json")
        for st in data["stories"]:
            links = [merged[link_ids[i, lid]]["id"] for lid in st["links"] if (i, lid) in link_ids]
            stories.append({**st, "id": unique("stories", st["id"]), "links": links,
                            "variables": list(dict.fromkeys(resolve_ids(i, v) for v in st["variables"]))})  # fmt: skip
        for idea in data["ideas"]:
            targets = [{**t, "variable": resolve_ids(i, t["variable"])} for t in idea["targets"]]
            ideas.append({**idea, "id": unique("ideas", idea["id"]), "targets": targets})
        for ini in data["initiatives"]:
            variables = list(dict.fromkeys(resolve_ids(i, v) for v in ini["variables"]))
            initiatives.append({**ini, "id": unique("initiatives", ini["id"]), "variables": variables})
    return stories, ideas, initiatives
