"""What a loop search returns: :class:`Loop`, :class:`LoopResult`, and the indexed map loops read from.

The search itself (:func:`gmb.cld.loops.find_loops` and friends) is in :mod:`gmb.cld.loops`, which
re-exports these names; they live apart so the search module is about searching.

Examples
--------
>>> Loop(variables=("a", "b"), polarity="R", id="R1").length
2
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from gmb.cld.lookup import edge_sign, label, link_id

__all__ = ["Loop", "LoopPolarity", "LoopResult"]

LoopPolarity = Literal["R", "B", "unsigned"]


@dataclass(frozen=True, slots=True)
class Loop:
    """One feedback loop: variables in causal order (each causes the next, the last the first).

    ``links``, ``labels``, ``themes`` and ``delays`` are read from the map on demand, so that
    listing a million loops costs little more than finding them.
    """

    variables: tuple[str, ...]
    polarity: LoopPolarity
    id: str = ""
    name: str | None = None
    stories: tuple[str, ...] = ()
    _cycle: tuple[int, ...] = field(default=(), repr=False, compare=False)
    _map: _Indexed | None = field(default=None, repr=False, compare=False)

    @property
    def length(self) -> int:
        """Number of links (= number of variables)."""
        return len(self.variables)

    @property
    def links(self) -> tuple[str, ...]:
        """Link ids in causal order: the first goes from ``variables[0]`` to ``variables[1]``."""
        return tuple(map(self._map.edge_id.__getitem__, _pairs(self._cycle))) if self._map else ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(map(self._map.labels.__getitem__, self._cycle)) if self._map else self.variables

    @property
    def themes(self) -> tuple[str, ...]:
        """The themes of the loop's variables, in order of first appearance."""
        if not self._map:
            return ()
        return tuple(dict.fromkeys(t for i in self._cycle for t in self._map.themes[i]))

    @property
    def delays(self) -> int:
        """How many of the loop's links have a delay."""
        return len(self._map.delayed.intersection(_pairs(self._cycle))) if self._map else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "polarity": self.polarity, "length": self.length,
            "variables": list(self.variables), "labels": list(self.labels), "links": list(self.links),
            "themes": list(self.themes), "delays": self.delays, "stories": list(self.stories),
        }  # fmt: skip


def _pairs(cycle: Sequence[int]) -> Iterator[tuple[int, int]]:
    return zip(cycle, (*cycle[1:], cycle[0]))


@dataclass(frozen=True, slots=True)
class LoopResult:
    """The loops found, and whether that is all of them.

    ``stopped_by`` is ``None`` when complete, else ``"time limit"``, ``"max count"`` or ``"list cap"``
    (the search ended, but only the ``keep`` shortest loops are listed). ``unlisted`` counts loops
    found but not kept, as ``((length, polarity), n)`` pairs: ``count`` and the R/B/? counts include
    them, so they are the true counts found so far.

    Parameters
    ----------
    loops : tuple of Loop
        The listed loops (each with ``id``, ``variables``, ``polarity``, ``name``).
    complete : bool
        Whether every loop within the bounds was found.
    stopped_by : str, optional
        Why the search ended early.
    max_length, time_limit, max_count, through : optional
        The bounds the search ran with.
    elapsed : float, optional
        Seconds the search took.
    unlisted : tuple, optional
        Counts of loops found but not listed.

    Examples
    --------
    >>> import networkx as nx
    >>> from gmb.cld.loops import find_loops
    >>> r = find_loops(nx.DiGraph([("a", "b", {"sign": 1}), ("b", "a", {"sign": -1})]))
    >>> r.complete, r.count, [(loop.id, loop.variables) for loop in r.loops]
    (True, 1, [('B1', ('a', 'b'))])
    """

    loops: tuple[Loop, ...]
    complete: bool
    stopped_by: str | None = None
    max_length: int | None = None
    time_limit: float | None = None
    max_count: int | None = None
    through: str | None = None
    elapsed: float = 0.0
    unlisted: tuple[tuple[tuple[int, str], int], ...] = ()
    _counts: Counter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        counts = Counter(loop.polarity for loop in self.loops)
        for (_, polarity), n in self.unlisted:
            counts[polarity] += n
        object.__setattr__(self, "_counts", counts)

    @property
    def count(self) -> int:
        """Loops found (listed or not)."""
        return sum(self._counts.values())

    @property
    def listed(self) -> int:
        """Loops in :attr:`loops` (fewer than :attr:`count` when the list was capped)."""
        return len(self.loops)

    @property
    def reinforcing(self) -> int:
        return self._counts["R"]

    @property
    def balancing(self) -> int:
        return self._counts["B"]

    @property
    def unsigned(self) -> int:
        return self._counts["unsigned"]

    def by_length(self) -> dict[int, dict[str, int]]:
        """``{length: {"R": n, "B": n, "unsigned": n}}`` in increasing length."""
        out: dict[int, dict[str, int]] = {}
        for loop in self.loops:
            row = out.setdefault(loop.length, {"R": 0, "B": 0, "unsigned": 0})
            row[loop.polarity] += 1
        for (length, polarity), n in self.unlisted:
            out.setdefault(length, {"R": 0, "B": 0, "unsigned": 0})[polarity] += n
        return dict(sorted(out.items()))

    def through_variable(self, variable: str) -> tuple[Loop, ...]:
        """The loops of this result that pass through ``variable``."""
        return tuple(loop for loop in self.loops if variable in loop.variables)

    def to_json(self) -> dict[str, Any]:
        """``{"count", "reinforcing", "balancing", "unsigned", "complete", "loops"}`` — the CLI's shape.

        A capped list adds ``"listed"`` (how many are in ``loops``) and ``"stopped_by"``.
        """
        out = {
            "count": self.count, "reinforcing": self.reinforcing, "balancing": self.balancing,
            "unsigned": self.unsigned, "complete": self.complete, "loops": [loop.to_json() for loop in self.loops],
        }  # fmt: skip
        if self.unlisted:
            out.update(listed=self.listed, stopped_by=self.stopped_by)
        return out


class _Indexed:
    """The graph relabelled to 0..n-1 in node order, with what loops need to know about it.

    Integer nodes make the enumeration order independent of string hashing (so truncated
    results are reproducible) and let loops be rotated to start at their first-listed
    variable. Signs are kept as sets of links so a loop's polarity is two set operations.
    """

    def __init__(self, G: nx.DiGraph, lang: str | None) -> None:
        self.nodes = list(G)
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.H = nx.DiGraph()
        self.H.add_nodes_from(range(len(self.nodes)))
        self.edge_id: dict[tuple[int, int], str] = {}
        self.negative: set[tuple[int, int]] = set()
        self.unknown: set[tuple[int, int]] = set()
        self.delayed: set[tuple[int, int]] = set()
        for u, v in G.edges:
            if u == v:  # a self-loop is not a causal link a CLD can hold; skip rather than count it
                continue
            e = (self.index[u], self.index[v])
            self.H.add_edge(*e)
            self.edge_id[e] = link_id(G, u, v)
            sign = edge_sign(G, u, v)
            (self.negative if sign < 0 else self.unknown if sign == 0 else set()).add(e)
            if G.edges[u, v].get("delay"):
                self.delayed.add(e)
        self.names = [str(n) for n in self.nodes]
        self.labels = [label(G, n, lang) for n in self.nodes]
        self.themes = [tuple(G.nodes[n].get("themes") or ()) for n in self.nodes]

    def loop(self, cycle: Sequence[int]) -> Loop:
        start = cycle.index(min(cycle))
        c = (*cycle[start:], *cycle[:start])
        if self.unknown and not self.unknown.isdisjoint(_pairs(c)):
            polarity: LoopPolarity = "unsigned"
        else:
            polarity = "B" if self.negative and len(self.negative.intersection(_pairs(c))) % 2 else "R"
        return Loop(variables=tuple(map(self.names.__getitem__, c)), polarity=polarity, _cycle=c, _map=self)
