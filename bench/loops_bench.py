"""Benchmark: loop finding on a synthetic signed map of 108 variables and 296 links.

The map (deterministic, seed 1) has 12 themes of 9 variables: a ring inside each theme, a ring
of themes, and random extra links (80 % inside a theme), so all 108 variables form one strongly
connected component with far more than a million elementary loops.

Prints, for ``gmb.cld.find_loops`` and for a plain ``networkx.simple_cycles`` call with the
same bound in the same process: loops found, seconds, loops per second, and their ratio.
Run: ``python bench/loops_bench.py [--time-limit S]``. Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gmb.cld.loops import covering_loops, cycle_rank, find_loops


def synthetic_map(seed: int = 1, themes: int = 12, size: int = 9, links: int = 296, inner: float = 0.8) -> nx.DiGraph:
    """A signed CLD-like graph: ``themes * size`` variables, ``links`` links, one big SCC."""
    rng = random.Random(seed)
    n = themes * size
    names = [f"v{i:03d}" for i in range(n)]
    G = nx.DiGraph(title="synthetic")
    for i, name in enumerate(names):
        G.add_node(name, label=name, themes=[f"t{i // size}"])

    def add(u: int, v: int) -> None:
        if u != v and not G.has_edge(names[u], names[v]):
            sign = rng.choice((1, 1, -1))
            G.add_edge(names[u], names[v], sign=sign, polarity="+" if sign > 0 else "-",
                       id=f"L{G.number_of_edges() + 1}")  # fmt: skip

    for t in range(themes):
        for j in range(size):
            add(t * size + j, t * size + (j + 1) % size)
        add(t * size, ((t + 1) % themes) * size + rng.randrange(size))
    while G.number_of_edges() < links:
        u = rng.randrange(n)
        add(u, (u // size) * size + rng.randrange(size) if rng.random() < inner else rng.randrange(n))
    return G


def timed(func, repeat: int = 1):
    """The value of ``func()`` and its best time over ``repeat`` runs (the machine may be shared)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return value, best


def plain_count(G: nx.DiGraph, bound: int | None, limit: float | None = None, stop_at: int | None = None) -> int:
    """Count ``nx.simple_cycles`` output, with the same clock check as ours (or a count cap)."""
    deadline = None if limit is None else time.perf_counter() + limit
    n = 0
    for _ in nx.simple_cycles(G, length_bound=bound):
        n += 1
        if stop_at is not None and n >= stop_at:
            break
        if deadline is not None and time.perf_counter() > deadline:
            break
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=2.0, help="limit of the unbounded query (s)")
    parser.add_argument("--million", action="store_true", help="also count the first 1,000,001 loops (slow)")
    args = parser.parse_args()

    G = synthetic_map()
    sccs = [c for c in nx.strongly_connected_components(G) if len(c) > 1]
    print(f"map: {G.number_of_nodes()} variables, {G.number_of_edges()} links, "
          f"largest strongly connected component {max(map(len, sccs))} variables, cycle rank {cycle_rank(G)}")  # fmt: skip

    print("\n1. bounded queries, complete enumeration (best of 5 runs each)")
    for k in (8, 10, 12):
        ours, t_ours = timed(lambda k=k: find_loops(G, max_length=k, time_limit=None), repeat=5)
        plain, t_plain = timed(lambda k=k: plain_count(G, k), repeat=5)
        assert ours.complete and ours.count == plain, (ours.count, plain)
        print(f"   max length {k:2d}: {ours.count:6d} loops ({ours.reinforcing} R, {ours.balancing} B) "
              f"in {t_ours:.3f} s = {ours.count / t_ours:,.0f} loops/s; plain simple_cycles {t_plain:.3f} s; "
              f"ratio ours/plain {t_ours / t_plain:.2f}")  # fmt: skip

    print(f"\n2. unbounded query, time limit {args.time_limit} s")
    ours, t_ours = timed(lambda: find_loops(G, time_limit=args.time_limit))
    plain = plain_count(G, None, limit=args.time_limit)
    print(f"   ours: {ours.count:,} loops, complete: {str(ours.complete).lower()} (stopped by {ours.stopped_by}), "
          f"returned after {t_ours:.3f} s (overrun {t_ours - args.time_limit:+.3f} s), "
          f"{ours.count / t_ours:,.0f} loops/s")  # fmt: skip
    print(f"   plain simple_cycles in the same time: {plain:,} loops = {plain / args.time_limit:,.0f} loops/s; "
          f"ratio of rates ours/plain {ours.count / t_ours / (plain / args.time_limit):.2f}")  # fmt: skip

    print("\n3. covering loop set (every link on a loop, shortest loops first)")
    cover, t_cover = timed(lambda: covering_loops(G, time_limit=None))
    on_loops = {lid for loop in cover.loops for lid in loop.links}
    print(f"   {cover.count} loops cover {len(on_loops)} links in {t_cover:.3f} s "
          f"(longest {max(loop.length for loop in cover.loops)})")  # fmt: skip

    if args.million:
        print("\n4. more than a million loops in all")
        n, t = timed(lambda: plain_count(G, None, stop_at=1_000_001))
        print(f"   plain simple_cycles reached {n:,} loops after {t:.1f} s (stopped there)")


if __name__ == "__main__":
    main()
