"""Causal paths from where an idea acts to the outcome, each with its sign, and the net verdict.

A path's sign is the product of its links' signs (``?`` if any is unknown). An idea that
*raises* a variable (direction ``+``) has the path's sign as its effect on the outcome; one that
*lowers* it the opposite. The verdict over all paths is ``positive`` or ``negative`` when every
path agrees, ``mixed`` when some raise and some lower the outcome, ``unknown`` when no two
signed paths disagree but some path has a link of unknown sign, and ``none`` without a path.

>>> import networkx as nx
>>> G = nx.DiGraph(outcome="wellbeing")
>>> G.add_edge("bike paths", "cycling", sign=1)
>>> G.add_edge("cycling", "wellbeing", sign=1)
>>> G.add_edge("cycling", "accidents", sign=1)
>>> G.add_edge("accidents", "wellbeing", sign=-1)
>>> p = paths_to_outcome(G, "bike paths")
>>> [(path.variables, path.sign) for path in p.paths]
[(('bike paths', 'cycling', 'wellbeing'), '+'), (('bike paths', 'cycling', 'accidents', 'wellbeing'), '-')]
>>> p.verdict, p.complete
('mixed', True)
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from gmb.cld.lookup import SIGN_SYMBOL, check_graph, check_limit, check_variable, edge_sign, label, link_id
from gmb.errors import AnalysisError, InputError, NotFoundError

__all__ = ["CausalPath", "IdeaPaths", "PathSet", "Verdict", "idea_paths", "paths_to_outcome", "verdict"]

Verdict = Literal["positive", "negative", "mixed", "unknown", "none"]

#: default time limit of one path enumeration, in seconds
DEFAULT_TIME_LIMIT = 5.0


@dataclass(frozen=True, slots=True)
class CausalPath:
    """A simple causal path; ``sign`` is ``+``, ``-`` or ``?`` (a link of unknown sign)."""

    variables: tuple[str, ...]
    links: tuple[str, ...]
    sign: str
    labels: tuple[str, ...] = ()

    @property
    def length(self) -> int:
        return len(self.links)

    def to_json(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "labels": list(self.labels), "links": list(self.links),
                "sign": self.sign, "length": self.length}  # fmt: skip


def verdict(effects: Iterable[str]) -> Verdict:
    """The net verdict over path effects given as ``+``/``-``/``?``.

    >>> verdict(["+", "+"]), verdict(["+", "-", "?"]), verdict(["-", "?"]), verdict([])
    ('positive', 'mixed', 'unknown', 'none')
    """
    seen = set(effects)
    if not seen:
        return "none"
    if "+" in seen and "-" in seen:
        return "mixed"
    if "?" in seen:
        return "unknown"
    return "positive" if "+" in seen else "negative"


def _flip(sign: str, direction: str) -> str:
    if direction == "+" or sign == "?":
        return sign
    return "-" if sign == "+" else "+"


@dataclass(frozen=True, slots=True)
class PathSet:
    """All simple paths from ``source`` to ``outcome`` found, and what they add up to.

    ``direction`` is how the source is pushed (``+`` raise, ``-`` lower); ``effects`` are the
    paths' signs times the direction. ``complete`` is false when the time limit, ``max_paths``
    or a ``cutoff`` shorter than the longest possible path may have left paths out.
    """

    source: str
    outcome: str
    direction: str
    paths: tuple[CausalPath, ...]
    complete: bool
    stopped_by: str | None = None
    cutoff: int | None = None

    @property
    def effects(self) -> tuple[str, ...]:
        return tuple(_flip(p.sign, self.direction) for p in self.paths)

    @property
    def verdict(self) -> Verdict:
        return verdict(self.effects)

    def counts(self) -> dict[str, int]:
        """How many paths raise (``+``), lower (``-``) or have an unknown effect on the outcome."""
        effects = self.effects
        return {s: effects.count(s) for s in ("+", "-", "?")}

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "direction": self.direction, "outcome": self.outcome,
            "verdict": self.verdict, "counts": self.counts(), "complete": self.complete,
            "stopped_by": self.stopped_by, "cutoff": self.cutoff,
            "paths": [{**p.to_json(), "effect": e} for p, e in zip(self.paths, self.effects)],
        }  # fmt: skip


def _outcome(G: nx.DiGraph, outcome: str | None) -> str:
    outcome = outcome if outcome is not None else G.graph.get("outcome")
    if outcome is None:
        raise AnalysisError("the map has no outcome variable", field="outcome",
                            hint="set the session's outcome (or give one)")  # fmt: skip
    return check_variable(G, outcome, "outcome")


def paths_to_outcome(
    G: nx.DiGraph,
    source: str,
    outcome: str | None = None,
    *,
    direction: str = "+",
    cutoff: int | None = None,
    max_paths: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    lang: str | None = None,
) -> PathSet:
    """Every simple path from ``source`` to ``outcome`` (default: the map's), shortest first.

    Only variables that lie between the two are searched. ``cutoff`` bounds a path's number
    of links; the result says when a bound or the clock cut the list short.

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    source : str
        Variable id (or label) the paths start at.
    outcome : str, optional
        Where they end (default ``G.graph["outcome"]``).
    direction : {"+", "-"}, optional
        The direction ``source`` is pushed, which sets each path's sign of effect on the outcome.
    cutoff : int, optional
        Longest path, in links.
    max_paths : int, optional
        Stop after this many paths.
    time_limit : float, optional
        Seconds the search may take (default 5).
    lang : str, optional
        Language of the labels.

    Returns
    -------
    PathSet
        The paths (each with ``variables``, ``links`` and ``sign``), ``complete`` and ``stopped_by``.

    Raises
    ------
    gmb.errors.AnalysisError
        No outcome given and the map has none.
    gmb.errors.InputError
        ``direction`` is not ``+`` or ``-``.
    gmb.errors.NotFoundError
        ``source`` or ``outcome`` is not in ``G``.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> ps = paths_to_outcome(G, "screen_time", cutoff=4)
    >>> ps.outcome, len(ps.paths), ps.paths[0].variables[0]
    ('mental_wellbeing', 4, 'screen_time')
    """
    check_graph(G)
    check_variable(G, source, "source")
    outcome = _outcome(G, outcome)
    if direction not in ("+", "-"):
        raise InputError(f"direction must be + or -, got {direction!r}", field="direction")
    cutoff = check_limit(cutoff, "cutoff", integer=True)
    max_paths = check_limit(max_paths, "max_paths", integer=True)
    time_limit = check_limit(time_limit, "time_limit")
    deadline = None if time_limit is None else time.perf_counter() + time_limit

    def make(nodes: list) -> CausalPath:
        pairs = list(itertools.pairwise(nodes))
        signs = [edge_sign(G, u, v) for u, v in pairs]
        product = 0 if 0 in signs else (-1 if sum(s < 0 for s in signs) % 2 else 1)
        return CausalPath(
            variables=tuple(str(n) for n in nodes), links=tuple(link_id(G, u, v) for u, v in pairs),
            sign=SIGN_SYMBOL[product], labels=tuple(label(G, n, lang) for n in nodes),
        )  # fmt: skip

    if source == outcome:
        return PathSet(source, outcome, direction, (make([source]),), complete=True, cutoff=cutoff)
    between = (nx.descendants(G, source) | {source}) & (nx.ancestors(G, outcome) | {outcome})
    found: list[CausalPath] = []
    stopped_by = None
    if outcome in between:
        paths = nx.all_simple_paths(G.subgraph(between), source, outcome, cutoff=cutoff)
        for nodes in paths:
            found.append(make(nodes))
            if max_paths is not None and len(found) >= max_paths:
                stopped_by = "max paths" if next(paths, None) is not None else None
                break
            if deadline is not None and time.perf_counter() > deadline:
                stopped_by = "time limit" if next(paths, None) is not None else None
                break
    if stopped_by is None and cutoff is not None and cutoff < len(between) - 1:
        stopped_by = "cutoff"  # longer paths may exist; we did not look
    found.sort(key=lambda p: p.length)
    return PathSet(source, outcome, direction, tuple(found), complete=stopped_by is None,
                   stopped_by=stopped_by, cutoff=cutoff)  # fmt: skip


@dataclass(frozen=True, slots=True)
class IdeaPaths:
    """The paths from each of an idea's target variables to the outcome, and the net verdict."""

    idea: str
    label: str
    outcome: str
    targets: tuple[PathSet, ...]

    @property
    def paths(self) -> tuple[CausalPath, ...]:
        return tuple(p for t in self.targets for p in t.paths)

    @property
    def effects(self) -> tuple[str, ...]:
        return tuple(e for t in self.targets for e in t.effects)

    @property
    def verdict(self) -> Verdict:
        return verdict(self.effects)

    @property
    def shortest_verdict(self) -> Verdict:
        """The verdict over each target's shortest paths only: the most direct effect, a hint
        where the full verdict is ``mixed`` (structure alone cannot say which paths dominate)."""
        effects = []
        for t in self.targets:
            if t.paths:
                least = min(p.length for p in t.paths)
                effects.extend(e for p, e in zip(t.paths, t.effects) if p.length == least)
        return verdict(effects)

    @property
    def complete(self) -> bool:
        return all(t.complete for t in self.targets)

    def counts(self) -> dict[str, int]:
        effects = self.effects
        return {s: effects.count(s) for s in ("+", "-", "?")}

    def to_json(self) -> dict[str, Any]:
        return {"idea": self.idea, "label": self.label, "outcome": self.outcome, "verdict": self.verdict,
                "shortest_verdict": self.shortest_verdict, "counts": self.counts(), "complete": self.complete,
                "targets": [t.to_json() for t in self.targets]}  # fmt: skip


def _idea(G: nx.DiGraph, idea: str) -> dict[str, Any]:
    ideas = G.graph.get("ideas") or {}
    if idea not in ideas:
        known = ", ".join(list(ideas)[:12])
        hint = f"known ideas: {known}" if known else "the map has no ideas"
        raise NotFoundError(f"unknown idea '{idea}'", field="idea", hint=hint)
    return ideas[idea]


def idea_paths(
    G: nx.DiGraph, idea: str, outcome: str | None = None, *, lang: str | None = None, **options: Any
) -> IdeaPaths:
    """The paths from idea ``idea``'s targets (``G.graph["ideas"]``) to the outcome.

    Parameters
    ----------
    G : networkx.DiGraph
        The map, with its idea bank (:func:`gmb.cld.to_graph` puts it in ``G.graph["ideas"]``).
    idea : str
        Idea id.
    outcome : str, optional
        Where the paths end (default: the map's outcome).
    lang : str, optional
        Language of the labels.
    **options
        As :func:`paths_to_outcome` (``cutoff``, ``max_paths``, ``time_limit``: the time limit
        applies to each target).

    Returns
    -------
    IdeaPaths
        One :class:`PathSet` per target of the idea, in ``targets``.

    Raises
    ------
    gmb.errors.NotFoundError
        No idea called ``idea``.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> ip = idea_paths(G, "bike_paths", cutoff=4)
    >>> [(t.source, len(t.paths)) for t in ip.targets]
    [('safe_bike_paths', 1), ('safety', 2)]
    """
    check_graph(G)
    data = _idea(G, idea)
    outcome = _outcome(G, outcome)
    labels = data.get("labels") or {}
    name = labels.get(lang) if lang in labels else next(iter(labels.values()), idea)
    sets = tuple(
        paths_to_outcome(G, t["variable"], outcome, direction=t.get("direction", "+"), lang=lang, **options)
        for t in data.get("targets") or ()
    )
    return IdeaPaths(idea=idea, label=name, outcome=outcome, targets=sets)
