"""Native reference simulator vs pysd on the same converted model, timed in the same process.

Uses the Havndal example when it is there, else a random 45-variable CLD of the same size.
Prints seconds and ratios: pysd (translate + run) / native; native 1000-run ensemble / one native run.

Run: python bench/stockflow_bench.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

from gmb.simulate.pysd_runner import run_pysd
from gmb.simulate.reference import simulate
from gmb.stockflow.assumptions import Assumptions
from gmb.stockflow.convert import to_stockflow
from gmb.stockflow.files import write_model


def graph():
    try:
        from gmb.cld.graph import to_graph
        from gmb.examples import load_example

        return to_graph(load_example("havndal")), "havndal"
    except Exception:  # noqa: BLE001 - a bench without the example runs on a random map instead
        rng = np.random.default_rng(1)
        G = nx.gnm_random_graph(45, 80, seed=1, directed=True)
        H = nx.DiGraph(outcome=0)
        for i, (u, v) in enumerate(G.edges, start=1):
            H.add_edge(u, v, id=f"L{i}", sign=int(rng.choice([1, -1])), strength="weak", delay=bool(i % 4 == 0))
        for n in H:
            H.nodes[n]["label"] = f"v{n}"
        return H, "random-45"


def best(fn, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


if __name__ == "__main__":
    G, what = graph()
    m = to_stockflow(G, Assumptions())
    with tempfile.TemporaryDirectory() as d:
        files = write_model(m, Assumptions(), Path(d))
        run_pysd(files["xmile"])  # warm-up: the first pysd import costs seconds
        native = best(lambda: simulate(m))
        pysd = best(lambda: run_pysd(files["xmile"]))
    draws = {c.name: np.full(1000, c.value) * np.random.default_rng(0).uniform(0.9, 1.1, 1000) for c in m.parameters}
    ensemble = best(lambda: simulate(m, draws), n=1)
    print(f"model            : {what}, {len(m.variables)} variables, {len(m.effects)} links, {m.time.steps} steps")
    print(f"native, one run  : {native * 1000:.0f} ms")
    print(f"pysd, one run    : {pysd * 1000:.0f} ms (translate + run)   ratio pysd/native: {pysd / native:.1f}x")
    print(f"native, 1000 runs: {ensemble * 1000:.0f} ms              ratio 1000 runs/one run: {ensemble / native:.1f}x")
