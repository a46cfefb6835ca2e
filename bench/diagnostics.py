"""The per-draw stability diagnostic against the ensemble run it accompanies, in one process.

A synthetic 200-stock CLD (10 % delayed links, 10 ideas, each idea a scenario plus the baseline),
converted with the default assumptions (saturating shape, the group's strengths). For every chunk
of 2,048 draws (the ensemble's chunk size) it times the engine run of all scenarios and the
stability diagnostic (:func:`gmb.simulate.ensemble.spectral_radii`: Perron–Frobenius bound and
power iteration, exact eigenvalues only near 1), and reports diagnostic time / run time. The old
diagnostic (exact eigenvalues of every strongly connected block, every draw) is timed on the
first 256 draws and scaled. The runaway counts of the cheap and the exact path are compared on
those draws. Target (issue 13): diagnostics <= 10 % of the run time at 200 stocks x 20,000 runs.

Run: ``PYTHONPATH=. python bench/diagnostics.py [--runs 20000] [--stocks 200]``
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: before numpy is imported
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import time

import numpy as np


def main() -> None:
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.ensemble import CHUNK, Study, run_parameters, spectral_radii
    from gmb.simulate.sampling import draw
    from gmb.simulate.synthetic import synthetic_cld, synthetic_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20_000)
    ap.add_argument("--stocks", type=int, default=200)
    a = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} (a shared machine slows every figure)")
    n = a.stocks
    sc = default_scenarios(synthetic_cld(n, seed=1, delay_share=0.1, ideas=10))
    m = synthetic_model(n, seed=1, delay_share=0.1, effect_shape="saturating", stability="report")
    study = Study.build(m, {i: list(sc.interventions([i])) for i in sc.ideas}, seed=0, horizon=60.0)
    p = study.program
    run_parameters(study, draw(p, seed=0, runs=8))  # warm-up (numba: load or compile the kernel)
    t_run = t_diag = 0.0
    runaway = 0
    for start in range(0, a.runs, CHUNK):
        P = draw(p, seed=0, start=start, runs=min(CHUNK, a.runs - start))
        t0 = time.perf_counter()
        run_parameters(study, P)
        t1 = time.perf_counter()
        radius = spectral_radii(study, P)
        t2 = time.perf_counter()
        t_run += t1 - t0
        t_diag += t2 - t1
        runaway += int((radius >= 1).sum())
    P = draw(p, seed=0, runs=256)
    t0 = time.perf_counter()
    exact = spectral_radii(study, P, exact=True)
    t_exact = (time.perf_counter() - t0) / 256 * a.runs
    cheap = spectral_radii(study, P)
    same = bool(np.array_equal(cheap >= 1, exact >= 1))
    print(
        f"{n}-stock synthetic map, {len(p.edge_src)} links, {len(study.scenarios)} scenarios x {a.runs:,} draws "
        f"x {p.steps} steps ({study.engine} engine)"
    )
    print(
        f"   ensemble run: {t_run:.1f} s; diagnostic: {t_diag:.2f} s = {t_diag / t_run:.1%} of the run (target <= 10 %)"
    )
    print(
        f"   old diagnostic (exact eigenvalues, every draw): {t_exact:.1f} s = {t_exact / t_run:.0%} of the run "
        f"(scaled from 256 draws)"
    )
    print(
        f"   runaway draws (radius >= 1): {runaway} of {a.runs:,}; cheap = exact on the first 256 draws: "
        f"{'yes' if same else 'NO'}; largest radius difference {np.max(np.abs(cheap - exact)):.3f}"
    )


if __name__ == "__main__":
    main()
