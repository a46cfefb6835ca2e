"""What structural sampling costs, and what leave-one-link-out costs, measured in one process.

1. **Draws.** A 200-stock synthetic model (400 links) whose every link is uncertain
   (``link_presence`` 0.8 for all): the time to draw 20,480 runs' parameters with and
   without the ``structure`` kind, against the numba engine's time for the same runs
   (one scenario, outcome at the end only). Structure draws come from one small
   generator per link and block (keyed by the link id, so common random numbers hold
   across models); their cost grows with the number of *uncertain* links, not runs × links
   of engine work.
2. **Leave-one-link-out on Havndal.** ``link_robustness`` for all seven ideas at 200
   draws (one ensemble per link that can reach an idea), after a warm-up (numba compiles).

Run: ``python bench/structure_bench.py [--quick]``
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import time


def best(fn, repeats=3):
    out, t = None, float("inf")
    for _ in range(repeats):
        w = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - w)
    return t, out


def draws(runs: int) -> None:
    from gmb.simulate.ensemble import engine_for
    from gmb.simulate.program import compile_model
    from gmb.simulate.sampling import VARY, draw
    from gmb.simulate.synthetic import synthetic_cld
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    G = synthetic_cld(200, seed=1)
    links = [d["id"] for _, _, d in G.edges(data=True)]
    p = compile_model(to_stockflow(G, Assumptions(link_presence={lid: 0.8 for lid in links})))
    off = tuple(k for k in VARY if k != "structure")
    t_off, _ = best(lambda: draw(p, seed=0, runs=runs, vary=off))
    t_on, P = best(lambda: draw(p, seed=0, runs=runs))
    line = f"200 stocks, {len(links)} uncertain links, {runs} runs: draw {t_off:.2f} s without structure, " \
           f"{t_on:.2f} s with (+{t_on - t_off:.2f} s)"  # fmt: skip
    if engine_for("auto") == "numba":
        from gmb.simulate.engine_numba import NumbaPlan, run_numba

        plan = NumbaPlan(p)
        run_numba(p, P[:, :64], save_slots=[p.outcome_slot], save_steps=[p.steps], plan=plan)  # compile
        t_eng, _ = best(lambda: run_numba(p, P, save_slots=[p.outcome_slot], save_steps=[p.steps], plan=plan), 1)
        line += f"; numba engine {t_eng:.2f} s for one scenario: structure adds {(t_on - t_off) / t_eng:.0%} of it"
    print(line)


def robustness(runs: int) -> None:
    from gmb.cld import to_graph
    from gmb.examples import example_dir, load_example
    from gmb.scenarios.robustness import link_robustness
    from gmb.scenarios.settings import load_scenarios
    from gmb.stockflow.convert import to_stockflow

    G = to_graph(load_example("havndal"))
    sc = load_scenarios(example_dir("havndal") / "scenarios.json")
    m = to_stockflow(G, name="havndal")
    link_robustness(m, G, sc, runs=16)  # warm-up
    t, r = best(lambda: link_robustness(m, G, sc, runs=runs), 1)
    depends = {row["idea"]: row["depends_on"] for row in r["ideas"] if row["depends_on"]}
    print(f"Havndal leave-one-link-out, 7 ideas, {r['meta']['links_checked']} links, {runs} draws: {t:.2f} s "
          f"({r['meta']['simulations']} runs); rest on one uncertain link: {depends}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    draws(2048 if a.quick else 20480)
    robustness(64 if a.quick else 200)


if __name__ == "__main__":
    main()
