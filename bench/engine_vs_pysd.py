"""The ensemble engine against pysd, and its throughput, measured in one process.

1. **Engine vs pysd.** The same model — a synthetic 50-variable CLD, every variable a
   stock, converted with gmb's default assumptions (the saturating response, the group's
   strengths as drawn) —
   and the same 1,000 Monte Carlo parameter sets. pysd translates the written XMILE
   once (not timed) and runs a subset of the parameter sets one by one (``model.run``
   with every constant set); its time per run is scaled to 1,000 runs (stated below).
   The synthetic idea bank is switched on (ramped interventions at their default doses),
   so every parameter set has its own trajectory. gmb's engine runs all 1,000 at once,
   after a warm-up call (numba compiles once per machine; not timed). Both return the
   outcome at every step. The pysd runs are checked against the engine's runs with the
   same parameters: they must agree within 1e-9 (relative).
2. **Throughput.** A 200-stock synthetic model (the same defaults) on one core (numpy and BLAS threads
   pinned to 1): stock-updates per second = runs × steps × stocks / seconds.
3. **Exact Shapley.** The 7 Havndal ideas: all 128 sub-bundles × 1,000 parameter draws
   (128,000 runs to the 36-month horizon), end to end (draws, runs, Shapley values).

Times are wall-clock, best of a few repeats; the machine may be shared, so the
script prints the load average and the CPU time as well.

Run: ``python bench/engine_vs_pysd.py [--pysd-runs 5] [--quick]``
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: before numpy is imported
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from gmb.simulate.ensemble import engine_for
from gmb.simulate.program import compile_model
from gmb.simulate.sampling import draw
from gmb.simulate.synthetic import synthetic_model

#: the conversion's defaults (issue 13): the saturating response at the group's strengths
DEFAULTS = {"effect_shape": "saturating", "stability": "report"}


def timed(fn, repeats=3):
    """(best wall seconds, CPU seconds of that repeat, last result)."""
    best, cpu, out = float("inf"), 0.0, None
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        w, c = time.perf_counter() - w, time.process_time() - c
        if w < best:
            best, cpu = w, c
    return best, cpu, out


def run_engine(p, P, engine, slots, steps):
    if engine == "numba":
        from gmb.simulate.engine_numba import NumbaPlan, run_numba

        plan = NumbaPlan(p)
        return lambda: run_numba(p, P, save_slots=slots, save_steps=steps, plan=plan)
    from gmb.simulate.engine_numpy import Plan, run_numpy

    plan = Plan(p)
    return lambda: run_numpy(p, P, save_slots=slots, save_steps=steps, plan=plan)


def engine_vs_pysd(pysd_runs: int, runs: int = 1000) -> None:
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.interventions import with_interventions
    from gmb.simulate.pysd_runner import load_pysd
    from gmb.simulate.synthetic import synthetic_cld
    from gmb.stockflow.write_xmile import to_xmile

    # the synthetic idea bank switched on (default doses), so each parameter set gives its own trajectories
    sc = default_scenarios(synthetic_cld(50, seed=7, ideas=5))
    m = with_interventions(synthetic_model(50, seed=7, **DEFAULTS), sc.interventions(sc.ideas))
    p = compile_model(m)
    P = draw(p, seed=1, runs=runs, vary=("elasticity", "adjustment_time", "delay_time"))  # doses: as written
    steps = np.arange(p.steps + 1)
    slot = [p.outcome_slot]
    engine = engine_for("auto")
    fn = run_engine(p, P, engine, slot, steps)
    fn()  # warm-up (numba: load or compile the kernel)
    t_engine, cpu_engine, ours = timed(fn, repeats=10)
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as work:
        path = Path(folder) / "model.xmile"
        path.write_text(to_xmile(m), encoding="utf-8")
        t0 = time.perf_counter()
        model = load_pysd(path, work)
        t_translate = time.perf_counter() - t0
        names = [n for i, n in enumerate(p.param_names) if p.param_kind[i] != "dose"]
        worst, t_pysd = 0.0, []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.run(params={n: float(P[i, 0]) for i, n in enumerate(names)}, return_columns=[m.outcome])  # warm-up
            for r in range(pysd_runs):
                params = {n: float(P[i, r]) for i, n in enumerate(names)}
                t0 = time.perf_counter()
                frame = model.run(params=params, return_columns=[m.outcome])
                t_pysd.append(time.perf_counter() - t0)
                theirs = frame[m.outcome].to_numpy(dtype=float)
                worst = max(worst, float(np.max(np.abs(ours[0, :, r] - theirs) / np.abs(theirs))))
    per_run = float(np.median(t_pysd))
    scaled = per_run * runs
    print(
        "1. engine vs pysd: synthetic 50-variable CLD, all stocks, "
        f"{len(p.edge_src)} links ({p.n_stages} delay stages), {p.steps} Euler steps, {runs} Monte Carlo runs"
    )
    print(f"   gmb engine ({engine}): {t_engine * 1e3:.1f} ms for {runs} runs (CPU {cpu_engine * 1e3:.1f} ms)")
    print(
        f"   pysd: {per_run * 1e3:.1f} ms per run (median of {pysd_runs} runs of the same parameter sets; "
        f"translation {t_translate:.1f} s not counted) -> {scaled:.1f} s for {runs} runs (scaled)"
    )
    print(f"   speed-up: {scaled / t_engine:,.0f}x   (target >= 5,000x)")
    spread = float(np.ptp(ours[0, -1, :]))
    print(
        f"   same answers: largest relative difference over {pysd_runs} runs x {p.steps + 1} times: {worst:.1e} "
        f"(required <= 1e-9) {'OK' if worst <= 1e-9 else 'FAILED'}; the outcome at the end spreads over "
        f"{spread:.3f} across the runs, so the runs do differ"
    )


def throughput(runs: int = 4096) -> None:
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.interventions import with_interventions
    from gmb.simulate.synthetic import synthetic_cld

    for delays in (0.0, 0.1):
        # the synthetic idea bank switched on, so the stocks move (not a model at rest)
        sc = default_scenarios(synthetic_cld(200, seed=1, delay_share=delays, ideas=10))
        m = with_interventions(synthetic_model(200, seed=1, delay_share=delays, **DEFAULTS),
                               sc.interventions(sc.ideas))  # fmt: skip
        p = compile_model(m)
        P = draw(p, seed=2, runs=runs)
        print(
            f"2. throughput: synthetic 200-stock model, {len(p.edge_src)} links, "
            f"{'no delayed links' if not delays else f'{p.n_smooths} delayed links ({p.n_stages} smooth stages)'}, "
            f"10 ideas on, {runs} runs x {p.steps} steps, one core"
        )
        for engine in dict.fromkeys([engine_for("auto"), "numpy"]):
            n = runs if engine != "numpy" else runs // 8
            fn = run_engine(p, P[:, :n], engine, [p.outcome_slot], [p.steps])
            fn()
            wall, cpu, _ = timed(fn, repeats=3 if engine != "numpy" else 1)
            updates = n * p.steps * p.n_stocks
            print(
                f"   {engine:6s}: {updates / wall / 1e9:.2f} billion stock-updates/s "
                f"(by CPU time: {updates / cpu / 1e9:.2f})   (target >= 0.5 billion)"
            )


def shapley(runs: int = 1000) -> None:
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.scenarios.answers import attribute
    from gmb.scenarios.settings import default_scenarios
    from gmb.stockflow.convert import to_stockflow

    s = load_example("havndal")
    G = to_graph(s)
    m = to_stockflow(G)
    sc = default_scenarios(G)
    ideas = [i.id for i in s.ideas]
    attribute(m, G, sc, ideas[:2], runs=8, seed=0, settle=False)  # warm-up
    # the Shapley runs alone (settle=False: the settled share's long run is timed separately below)
    wall, cpu, r = timed(lambda: attribute(m, G, sc, ideas, runs=runs, seed=0, settle=False), repeats=2)
    print(
        f"3. exact Shapley: {len(ideas)} Havndal ideas, {2 ** len(ideas)} sub-bundles x {runs} draws "
        f"= {2 ** len(ideas) * runs:,} runs to {r['horizon']:g} {r['unit']}"
    )
    print(
        f"   {wall:.2f} s (CPU {cpu:.2f} s)   (target <= 10 s); efficiency: shares add up to the bundle effect "
        f"within {r['meta']['efficiency_max_error']:.1e} (relative)"
    )
    from gmb.scenarios.answers import rank_ideas

    rank_ideas(m, G, sc, runs=8, seed=0, settle=False)  # warm-up
    base, _, _ = timed(lambda: rank_ideas(m, G, sc, runs=runs, seed=0, settle=False), repeats=2)
    settled, _, _ = timed(lambda: rank_ideas(m, G, sc, runs=runs, seed=0), repeats=2)
    from gmb.stockflow.assumptions import Assumptions

    both, _, _ = timed(lambda: rank_ideas(m, G, sc, runs=runs, seed=0, variants=True, assumptions=Assumptions()),
                       repeats=2)  # fmt: skip
    print(
        f"4. ranking {len(ideas)} Havndal ideas x {runs} draws: {base:.2f} s; with the settled shares (long run, "
        f"100 draws) {settled:.2f} s ({settled / base:.1f}x); with the assumption variants too (4 x 300 draws) "
        f"{both:.2f} s ({both / base:.1f}x)"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pysd-runs", type=int, default=5, help="pysd runs to time (scaled to 1,000)")
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    a = ap.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} (a shared machine slows every figure)")
    engine_vs_pysd(2 if a.quick else a.pysd_runs, runs=100 if a.quick else 1000)
    throughput(runs=512 if a.quick else 4096)
    shapley(runs=50 if a.quick else 1000)
