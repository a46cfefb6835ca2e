"""Loops That Matter, the loop half: finding a graph's feedback loops and scoring them.

:func:`find_loops` lists every element-level loop (Johnson's algorithm);
:func:`discover_loops` finds the strongest ones at sampled times where listing
them all would take too long (Eberlein & Schoenberg 2020). :func:`loop_scores`
multiplies a loop's link scores and :func:`relative_scores` divides by the sum
over its cycle partition (definitions in :mod:`gmb.simulate.ltm`).

They sit apart from :mod:`gmb.simulate.ltm` (the equation graph and its link
scores) because they need only a graph's structure and a table of link scores;
:mod:`gmb.simulate.ltm` re-exports them.

>>> from gmb.simulate.ltm import from_equations
>>> g = from_equations({"change": "(goal - x) / tau"}, stocks={"x": (["change"], [])},
...                    constants={"goal": 1.0, "tau": 4.0})
>>> [lp.nodes for lp in find_loops(g).loops]
[('change', 'x')]
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    from gmb.simulate.ltm import EquationGraph

__all__ = ["LoopSet", "LtmLoop", "discover_loops", "find_loops", "loop_scores", "partitions", "relative_scores"]


@dataclass(frozen=True)
class LtmLoop:
    """An element-level feedback loop: ``nodes`` in causal order (each causes the next, the last the first)."""

    nodes: tuple[str, ...]

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip(self.nodes, (*self.nodes[1:], self.nodes[0])))


@dataclass(frozen=True)
class LoopSet:
    """Loops found, whether that is all of them, and how (``exhaustive`` or ``discovery``)."""

    loops: tuple[LtmLoop, ...]
    complete: bool
    mode: str
    elapsed: float = 0.0
    truncated: bool = False  # discovery: the time limit stopped the search before every sampled time


def _canonical(cycle: Sequence[str]) -> tuple[str, ...]:
    i = min(range(len(cycle)), key=lambda j: cycle[j])
    return tuple(cycle[i:]) + tuple(cycle[:i])


def find_loops(graph: EquationGraph, *, time_limit: float | None = 10.0, max_loops: int = 20_000) -> LoopSet:
    """Every element-level loop (Johnson's algorithm), stopping at the time limit or ``max_loops``.

    A smooth's inner stage loops are its mechanics, not feedback of the map: they are left out (as
    Simlin does), while links *through* a smooth score as the product along its stages.
    """
    started = time.perf_counter()
    found, complete = [], True
    for cycle in nx.simple_cycles(graph.digraph()):
        if _inner(graph, cycle):
            continue
        found.append(LtmLoop(_canonical(cycle)))
        if len(found) >= max_loops or (time_limit is not None and time.perf_counter() - started > time_limit):
            complete = False
            break
    found.sort(key=lambda lp: (len(lp.nodes), lp.nodes))
    return LoopSet(tuple(found), complete, "exhaustive", time.perf_counter() - started)


def _spread(n: int) -> list[int]:
    """0..n-1 ordered middle first, then quarters, eighths… (van der Corput order)."""
    order, seen = [], set()
    k = 1
    while len(order) < n:
        for j in range(1, 2 * k, 2):
            i = min(n - 1, int(j * n / (2 * k)))
            if i not in seen:
                seen.add(i)
                order.append(i)
        k *= 2
        if k > 4 * n:
            order += [i for i in range(n) if i not in seen]
    return order


def _inner(graph: EquationGraph, cycle: Sequence[str]) -> bool:
    owners = {graph.nodes[n].internal for n in cycle}
    return len(owners) == 1 and None not in owners


def discover_loops(graph: EquationGraph, scores: Mapping[tuple[str, str], np.ndarray], *,
                   time_limit: float | None = 10.0, samples: int = 12, refine: int = 8) -> LoopSet:  # fmt: skip
    """The strongest loops through each stock at sampled times (Eberlein & Schoenberg 2020's discovery).

    At each sampled time, a depth-first search from each stock follows links in order of
    ``|link score|`` and abandons a path whose score is below the best seen at that element; every
    path back to the start is a loop. Scores of several runs are averaged in absolute value.

    ``samples`` times spread over the run are searched first. Then, up to ``refine`` rounds, the
    found loops are scored at every step and the steps on both sides of each change of the strongest
    found loop (per cycle partition) are searched too: a loop that leads only briefly, between two
    sampled times, shows there as a shift among the loops found so far. Rounds stop when one adds
    no loop. Still a heuristic: a loop that leads inside a period without any shift is missed.
    """
    started = time.perf_counter()
    T = len(next(iter(scores.values())))
    times = np.unique(np.linspace(1, T - 1, min(samples, T - 1)).round().astype(int)) if T > 1 else []
    times = [int(times[i]) for i in _spread(len(times))]  # coarse to fine, so a cut-off search still spans the run
    edges = list(scores)
    mag = np.array([np.abs(scores[e]).reshape(T, -1).mean(axis=1) for e in edges])  # (edges, times)
    found: dict[tuple[str, ...], LtmLoop] = {}
    searched: set[int] = set()
    complete = True
    for _ in range(refine + 1):
        before = len(found)
        for k in times:
            if k in searched:
                continue
            searched.add(k)
            if not _search(graph, edges, mag[:, k], found, started, time_limit):
                complete = False
                break
        if not complete or (searched and len(found) == before) or not found:
            break
        times = [k for k in _shift_steps(graph, list(found.values()), edges, mag) if k not in searched]
        if not times:
            break
    loops = sorted(found.values(), key=lambda lp: (len(lp.nodes), lp.nodes))
    # discovery never proves it found every loop: complete is False, truncated says whether time ran out
    return LoopSet(tuple(loops), False, "discovery", time.perf_counter() - started, truncated=not complete)


def _search(graph: EquationGraph, edges: list, weights: np.ndarray, found: dict, started: float,
            time_limit: float | None) -> bool:  # fmt: skip
    """One time's search from every stock (adds to ``found``); False when the time limit cut it short."""
    adj: dict[str, list[tuple[str, float]]] = {}  # this time's links, strongest last (popped first), zero dropped
    for (u, v), w in zip(edges, weights.tolist()):
        if w > 0:
            adj.setdefault(u, []).append((v, w))
    for out in adj.values():
        out.sort(key=lambda vw: vw[1])
    for start in graph.stocks:
        best: dict[str, float] = {}
        stack = [(start, 1.0, (start,))]
        while stack:
            node, score, path = stack.pop()
            for w, weight in adj.get(node, ()):
                sc = score * weight
                if w == start:
                    if not _inner(graph, path):
                        key = _canonical(path)
                        found.setdefault(key, LtmLoop(key))
                elif sc > best.get(w, 0.0) and w not in path:
                    best[w] = sc
                    stack.append((w, sc, (*path, w)))
        if time_limit is not None and time.perf_counter() - started > time_limit:
            return False
    return True


def _shift_steps(graph: EquationGraph, loops: list[LtmLoop], edges: list, mag: np.ndarray) -> list[int]:
    """Steps on both sides of each change of the strongest of ``loops`` (per partition), by |loop score|."""
    where = {e: i for i, e in enumerate(edges)}
    strength = np.array([np.prod(mag[[where[e] for e in lp.edges]], axis=0) for lp in loops])  # (loops, times)
    part = np.array(partitions(graph, loops))
    out: set[int] = set()
    for p in np.unique(part):
        sub = strength[part == p]
        lead = np.where(sub.max(axis=0) > 0, sub.argmax(axis=0), -1)
        for k in np.flatnonzero(lead[1:] != lead[:-1]) + 1:
            out.update((int(k) - 1, int(k)))
    return sorted(out - {0})


def loop_scores(loops: Sequence[LtmLoop], scores: Mapping[tuple[str, str], np.ndarray]) -> np.ndarray:
    """``(loops, times, …)``: each loop's score, the product of its link scores."""
    if not loops:
        return np.zeros((0,))
    shape = np.broadcast_shapes(*(np.shape(scores[e]) for lp in loops for e in lp.edges[:1]))
    out = np.ones((len(loops), *shape))
    for i, lp in enumerate(loops):
        for e in lp.edges:
            np.multiply(out[i], scores[e], out=out[i])
    return out


def partitions(graph: EquationGraph, loops: Sequence[LtmLoop]) -> list[int]:
    """The cycle partition of each loop: the strongly connected part of the graph it lies in."""
    where = {}
    for i, comp in enumerate(nx.strongly_connected_components(graph.digraph())):
        for n in comp:
            where[n] = i
    return [where[lp.nodes[0]] for lp in loops]


def relative_scores(graph: EquationGraph, loops: Sequence[LtmLoop], scores: Mapping[tuple[str, str], np.ndarray],
                    *, absolute: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """``(loops, times, …)``: loop score over the partition's sum of ``|loop score|`` (0 where that is 0)."""
    ls = loop_scores(loops, scores) if absolute is None else np.array(absolute, float)
    if not len(loops):
        return ls
    part = np.array(partitions(graph, loops))
    for p in np.unique(part):
        idx = part == p
        total = np.abs(ls[idx]).sum(axis=0)
        ls[idx] = ls[idx] / np.where(total > 0, total, 1.0)  # where the total is 0 every score is 0 already
    return ls
