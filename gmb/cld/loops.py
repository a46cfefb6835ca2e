"""Feedback loops: exact where possible, bounded always, honest about which.

:func:`find_loops` lists the elementary cycles of a map with ``networkx.simple_cycles``
(Johnson's algorithm; Gupta–Suzumura's when a maximum length is given). Both have
polynomial delay between loops, so checking the clock after each loop keeps a query
within its time limit on any map; the result says whether it is complete.

A loop's polarity is ``R`` (reinforcing: an even number of ``-`` links), ``B`` (balancing:
odd), or ``unsigned`` when any link's sign is unknown — never guessed.

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_edge("births", "population", sign=1, id="L1")
>>> G.add_edge("population", "births", sign=1, id="L2")
>>> G.add_edge("population", "deaths", sign=1, id="L3")
>>> G.add_edge("deaths", "population", sign=-1, id="L4")
>>> r = find_loops(G)
>>> r.complete, r.count, r.reinforcing, r.balancing
(True, 2, 1, 1)
>>> [(loop.id, loop.variables, loop.links) for loop in r.loops]
[('R1', ('births', 'population'), ('L1', 'L2')), ('B1', ('population', 'deaths'), ('L3', 'L4'))]
>>> [loop.id for loop in find_loops(G, through="L4").loops]
['B1']
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from gmb.cld.lookup import check_graph, check_limit, find_link, find_variable

# The loop values and the naming after stories live in their own modules; re-exported here,
# where everything imports them from (loop_namer and _pairs too: other modules and tests use them).
from gmb.cld.loop_names import loop_namer, name_loops  # noqa: F401
from gmb.cld.loop_values import Loop, LoopPolarity, LoopResult, _Indexed, _pairs  # noqa: F401
from gmb.errors import NotFoundError

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "Loop",
    "LoopPolarity",
    "LoopResult",
    "covering_loops",
    "cycle_rank",
    "find_loops",
    "loops_through",
    "name_loops",
    "stream_loops",
]

#: seconds a loop query may take unless told otherwise
DEFAULT_TIME_LIMIT = 10.0

_PREFIX = {"R": "R", "B": "B", "unsigned": "U"}
#: seconds per loop kept for sorting and numbering after the search stops (measured: ~2.5 µs)
_FINISH_PER_LOOP = 4e-6
#: up to this many loops are ordered by length and then by their variables' order in the map;
#: longer lists only by length (then in the order found, which is reproducible), to keep sorting cheap
_FULL_SORT = 20_000


def _cycles_through(H: nx.DiGraph, prefix: list[int], bound: int | None) -> Iterator[list[int]]:
    """Cycles of ``H`` that start with ``prefix`` (one node, or the two ends of a link)."""
    scc = next(c for c in nx.strongly_connected_components(H) if prefix[0] in c)
    if len(scc) < 2 or not all(p in scc for p in prefix):
        return
    S = H.subgraph(scc)
    try:  # networkx's own search from a fixed prefix: polynomial delay, as simple_cycles uses it
        from networkx.algorithms.cycles import _bounded_cycle_search, _johnson_cycle_search
    except ImportError:  # pragma: no cover - older/newer networkx: simple paths back to the start
        yield from _cycles_by_paths(S, prefix, bound)
        return
    if bound is None:
        yield from _johnson_cycle_search(S, list(prefix))
    elif bound >= len(prefix):
        yield from _bounded_cycle_search(S, list(prefix), bound)


def _cycles_by_paths(S: nx.DiGraph, prefix: list[int], bound: int | None) -> Iterator[list[int]]:
    """Fallback: a cycle through ``prefix`` is a simple path from its last node back to its first."""
    start, last = prefix[0], prefix[-1]
    if len(prefix) == 1:
        for pred in S.predecessors(start):
            if bound is None or bound >= 2:
                cutoff = None if bound is None else bound - 1
                yield from (p for p in nx.all_simple_paths(S, start, pred, cutoff=cutoff))
        return
    cutoff = None if bound is None else bound - 1
    for path in nx.all_simple_paths(S, last, start, cutoff=cutoff):
        yield [start, *path[:-1]]


def _cycles(G: nx.DiGraph, idx: _Indexed, through: str | None, max_length: int | None) -> Iterable[list[int]]:
    if through is None:
        return nx.simple_cycles(idx.H, length_bound=max_length)
    if (node := find_variable(G, through)) is not None:
        return _cycles_through(idx.H, [idx.index[node]], max_length)
    try:
        u, v = find_link(G, through)
    except NotFoundError:
        raise NotFoundError(
            f"no variable or link '{through}' in the map",
            field="through",
            hint="give a variable id or label, or a link id such as L3",
        ) from None
    return _cycles_through(idx.H, [idx.index[u], idx.index[v]], max_length)


def find_loops(
    G: nx.DiGraph,
    *,
    max_length: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_count: int | None = None,
    through: str | None = None,
    lang: str | None = None,
    keep: int | None = None,
    finish_per_link: float = 0.0,
) -> LoopResult:
    """The feedback loops of ``G``, at most ``max_length`` links long, found within ``time_limit`` s.

    ``through`` restricts to loops through a variable (id or label) or a link (id, or ``cause->effect``).
    Loops are numbered R1, B1, U1… in order of length, then of their variables in the map
    (beyond 20,000 loops: of length, then as found).
    The result is ``complete`` unless the time limit or ``max_count`` stopped the search.

    Parameters
    ----------
    G : networkx.DiGraph
        The map (a :func:`gmb.cld.to_graph` graph, or any DiGraph; edges without ``sign`` are unknown).
    max_length : int, optional
        Longest loop searched, in links (default: no bound).
    time_limit : float, optional
        Seconds the search may take (default 10; None: no limit).
    max_count : int, optional
        Stop after this many loops.
    through : str, optional
        Only loops through this variable (id or label) or link (id or ``cause->effect``).
    lang : str, optional
        Language of the labels in the loops' names.
    keep : int, optional
        Bounds memory: only the ``keep`` shortest loops found are listed, the others are
        counted (by length and polarity) and the result is not ``complete``.
    finish_per_link : float, optional
        Time (s) kept back per link of each listed loop, for a caller that writes them out
        afterwards within the same time limit.

    Returns
    -------
    LoopResult
        The loops, their counts by polarity and whether the search was complete.

    Raises
    ------
    gmb.errors.NotFoundError
        ``through`` names no variable or link of ``G``.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
    >>> r = find_loops(G, keep=1)
    >>> r.count, r.listed, r.complete, r.stopped_by, [loop.variables for loop in r.loops]
    (2, 1, False, 'list cap', [('a', 'b')])
    """
    check_graph(G)
    max_length = check_limit(max_length, "max_length", integer=True)
    time_limit = check_limit(time_limit, "time_limit")
    max_count = check_limit(max_count, "max_count", integer=True)
    keep = check_limit(keep, "keep", integer=True)
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    idx = _Indexed(G, lang)
    cycles = iter(_cycles(G, idx, through, max_length))
    found: list[Loop] = []
    heap: list[tuple[int, int, Loop]] = []  # (-length, -order found, loop): the longest, latest on top
    unlisted: Counter = Counter()
    n = links = 0  # loops found; links of the loops listed
    stopped_by = None
    for cycle in cycles:
        loop = idx.loop(cycle)
        n += 1  # noqa: SIM113 - counts loops found, also those not kept
        links += loop.length
        if keep is None:
            found.append(loop)
        elif len(heap) < keep:
            heapq.heappush(heap, (-loop.length, -n, loop))
        else:
            dropped = heapq.heappushpop(heap, (-loop.length, -n, loop))[2]
            unlisted[dropped.length, dropped.polarity] += 1
            links -= dropped.length
        if max_count is not None and n >= max_count:
            if next(cycles, None) is not None:
                stopped_by = "max count"
            break
        # stop early enough to sort and number what was found before the deadline
        finish = _FINISH_PER_LOOP * min(n, keep or n) + finish_per_link * links
        if deadline is not None and time.perf_counter() + finish > deadline:
            if next(cycles, None) is not None:
                stopped_by = "time limit"
            break
    if keep is not None:
        found = [item[2] for item in heap]
    if unlisted and stopped_by is None:
        stopped_by = "list cap"
    found.sort(key=_order if len(found) <= _FULL_SORT else _length)
    return LoopResult(
        loops=_numbered(found), complete=stopped_by is None, stopped_by=stopped_by, max_length=max_length,
        time_limit=time_limit, max_count=max_count, through=through, elapsed=time.perf_counter() - started,
        unlisted=tuple(sorted(unlisted.items())),
    )  # fmt: skip


def stream_loops(
    G: nx.DiGraph,
    write,
    *,
    max_length: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_count: int | None = None,
    through: str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """Hand each loop to ``write`` as it is found (numbered in the order found); return the summary.

    Memory stays constant however many loops there are; the time limit covers the writing too.

    >>> out = []
    >>> stream_loops(nx.DiGraph([("a", "b"), ("b", "a")]), out.append)["count"], [loop.id for loop in out]  # unsigned
    (1, ['U1'])
    """
    check_graph(G)
    max_length = check_limit(max_length, "max_length", integer=True)
    time_limit = check_limit(time_limit, "time_limit")
    max_count = check_limit(max_count, "max_count", integer=True)
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    idx = _Indexed(G, lang)
    cycles = iter(_cycles(G, idx, through, max_length))
    numbers: Counter = Counter()
    stopped_by = None
    for cycle in cycles:
        loop = idx.loop(cycle)
        numbers[loop.polarity] += 1
        object.__setattr__(loop, "id", f"{_PREFIX[loop.polarity]}{numbers[loop.polarity]}")
        write(loop)
        if max_count is not None and sum(numbers.values()) >= max_count:
            stopped_by = "max count" if next(cycles, None) is not None else None
            break
        if deadline is not None and time.perf_counter() > deadline:
            stopped_by = "time limit" if next(cycles, None) is not None else None
            break
    return {
        "count": sum(numbers.values()), "reinforcing": numbers["R"], "balancing": numbers["B"],
        "unsigned": numbers["unsigned"], "complete": stopped_by is None, "stopped_by": stopped_by,
        "elapsed": round(time.perf_counter() - started, 3),
    }  # fmt: skip


def _order(loop: Loop) -> tuple:
    return (len(loop._cycle), loop._cycle)


def _length(loop: Loop) -> int:
    return len(loop._cycle)


def _numbered(loops: list[Loop]) -> tuple[Loop, ...]:
    """Give freshly made loops their ids R1, B1, U1… (they are not shared yet, so set in place)."""
    n: Counter = Counter()
    for loop in loops:
        n[loop.polarity] += 1
        object.__setattr__(loop, "id", f"{_PREFIX[loop.polarity]}{n[loop.polarity]}")
    return tuple(loops)


def loops_through(G: nx.DiGraph, variable_or_link: str, **options: Any) -> LoopResult:
    """The loops through one variable or one link (same options as :func:`find_loops`).

    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")])
    >>> [l.variables for l in loops_through(G, "c").loops]
    [('b', 'c')]
    """
    return find_loops(G, through=variable_or_link, **options)


def cycle_rank(G: nx.DiGraph) -> int:
    """Links minus variables plus one, summed over the strongly connected parts with loops.

    The size of a cycle basis: how many loops Vensim's shortest *independent* loop set holds.

    >>> cycle_rank(nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]))
    2
    """
    total = 0
    for comp in nx.strongly_connected_components(G):
        if len(comp) > 1:
            S = G.subgraph(comp)
            total += S.number_of_edges() - sum(1 for u, v in S.edges if u == v) - len(comp) + 1
    return total


def covering_loops(
    G: nx.DiGraph, *, time_limit: float | None = DEFAULT_TIME_LIMIT, lang: str | None = None
) -> LoopResult:
    """A small set of short loops that together use every link that lies on any loop.

    In the spirit of Vensim's shortest independent loop set (Oliva 2004): for each link on a
    loop (a link inside a strongly connected part), the shortest loop through it (a breadth-first
    shortest path from its effect back to its cause); shortest first, a loop is kept only if it
    uses a link no kept loop uses, so every kept loop is independent of the ones before it.
    Polynomial (one BFS per link), so useful where the full list is astronomically long.

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    time_limit : float, optional
        Seconds the search may take (default 10; None: no limit).
    lang : str, optional
        Language of the labels in the loops' names.

    Returns
    -------
    LoopResult
        The covering loops (``complete`` unless the time limit stopped the search).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
    >>> [l.variables for l in covering_loops(G).loops]
    [('a', 'b'), ('a', 'b', 'c')]
    """
    check_graph(G)
    time_limit = check_limit(time_limit, "time_limit")
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    idx = _Indexed(G, lang)
    candidates: dict[frozenset, list[int]] = {}
    stopped_by = None
    for comp in nx.strongly_connected_components(idx.H):
        if len(comp) < 2:
            continue
        S = idx.H.subgraph(comp)
        for u, v in S.edges:
            path = nx.shortest_path(S, v, u)  # v ... u, closed by the link u -> v
            cycle = [u, *path[:-1]]
            key = frozenset(zip(cycle, (*cycle[1:], cycle[0])))
            candidates.setdefault(key, cycle)
            if deadline is not None and time.perf_counter() > deadline:
                stopped_by = "time limit"
                break
        if stopped_by:
            break
    covered: set = set()
    kept = []
    for key, cycle in sorted(candidates.items(), key=lambda kv: (len(kv[1]), sorted(kv[1]))):
        if not key <= covered:
            covered |= key
            kept.append(idx.loop(cycle))
    kept.sort(key=_order)
    return LoopResult(
        loops=_numbered(kept), complete=stopped_by is None, stopped_by=stopped_by, time_limit=time_limit,
        elapsed=time.perf_counter() - started,
    )  # fmt: skip
