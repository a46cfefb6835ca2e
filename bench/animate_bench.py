"""Watch it travel: what the pushes cost (time and map size) against the idea's animation alone.

For the Havndal example (45 variables, 1,000 draws, seed 0) and, with ``--synthetic N``, a synthetic map of
N variables: the time of the idea's trajectories (the reference, same process), of every variable's push,
their ratio, and the animated map.html's size without and with the pushes. Say the machine's load
(printed from ``os.getloadavg``) with any figure you quote.

    PYTHONPATH=$PWD /work/venv/bin/python bench/animate_bench.py [--synthetic 200] [--runs 1000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _measure(name, model, graph, interventions, horizon, runs) -> None:
    from gmb.views.animate import pushes, trajectories
    from gmb.views.map import write_map

    trajectories(model, interventions, horizon=horizon, runs=16)  # compile (numba) before timing
    t = time.perf_counter()
    anim = trajectories(model, interventions, horizon=horizon, runs=runs, name=name)
    t_idea = time.perf_counter() - t
    t = time.perf_counter()
    p = pushes(model, horizon=horizon, runs=runs)
    t_push = time.perf_counter() - t
    out = Path(tempfile.mkdtemp(prefix="gmb-anim-bench-"))
    size = {k: write_map(graph, out / f"{k}.html", animation=a).stat().st_size
            for k, a in (("idea", anim), ("pushes", {**anim, "pushes": p}))}  # fmt: skip
    print(f"{name}: {len(p['items'])} pushes x {len(p['times'])} frames, {runs} draws | idea {t_idea:.2f} s, "
          f"all pushes {t_push:.2f} s (x{t_push / t_idea:.1f} the idea; {t_push / max(1, len(p['items'])):.3f} s "
          f"a push) | map.html {size['idea'] / 1e3:.0f} kB -> {size['pushes'] / 1e3:.0f} kB "
          f"(+{100 * (size['pushes'] / size['idea'] - 1):.0f} %) | load {os.getloadavg()[0]:.1f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=0, help="also a synthetic map of this many variables")
    ap.add_argument("--runs", type=int, default=1000)
    args = ap.parse_args()
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.scenarios.settings import default_scenarios
    from gmb.stockflow.convert import to_stockflow

    G = to_graph(load_example("havndal"))
    model, sc = to_stockflow(G), default_scenarios(G)
    t = model.time
    _measure("havndal", model, G, sc.interventions(["faellesspisning"]), sc.horizon_for(t.unit, t.start, t.stop),
             args.runs)  # fmt: skip
    if args.synthetic:
        import networkx as nx

        from gmb.simulate.interventions import Intervention
        from gmb.simulate.synthetic import synthetic_model

        m = synthetic_model(args.synthetic, seed=1)
        g = nx.DiGraph()
        g.add_nodes_from(v.variable for v in m.variables)
        _measure(f"synthetic-{args.synthetic}", m, g, [Intervention(variable="v1")], 36.0, args.runs)


if __name__ == "__main__":
    main()
