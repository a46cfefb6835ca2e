"""Scale-out: one process vs a 2-worker Dask LocalCluster, on a 200-stock model and 20,000 runs.

Prints, measured in this one run:

* the local one-process time and the LocalCluster (2 single-threaded worker
  processes) time for the same ensemble — outcome at the horizon for the
  baseline and each idea, 20,000 parameter draws, common random numbers — and
  their ratio (the speed-up), after checking that both gave identical numbers;
* the overhead per Dask task, from a trivial task mapped many times;
* the cluster's start-up and shut-down time;
* what the per-draw loop-radius diagnostic would add (an n × n eigenvalue
  problem per draw; measured on a sample of draws and projected);
* from these, the rough size above which the cluster pays.

Both timings are the best of ``--repeat`` interleaved runs (other processes on a
shared machine slow one or the other at random).

Run: python bench/scale_out.py [--runs 20000] [--stocks 200] [--workers 2] [--chunk 1024] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np


def _trivial(shared, spec):
    return spec


def _warm(study):
    """Load the compiled engine (numba's on-disk cache) in a worker before the clock starts."""
    from gmb.scale.ensemble_jobs import horizon_values

    horizon_values(study, 16, chunk=16, radius=False)
    return os.getpid()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20_000)
    ap.add_argument("--stocks", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=1024, help="runs per grain (the engine's chunk)")
    ap.add_argument("--tasks", type=int, default=400, help="trivial tasks for the overhead figure")
    ap.add_argument("--repeat", type=int, default=3, help="timings interleaved, best of this many")
    args = ap.parse_args()

    import cloudpickle

    from gmb.scale import open_backend
    from gmb.scale.ensemble_jobs import horizon_values
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.ensemble import Study, spectral_radii
    from gmb.simulate.sampling import draw
    from gmb.simulate.synthetic import synthetic_cld, synthetic_model

    G = synthetic_cld(args.stocks, seed=1)
    model = synthetic_model(args.stocks, seed=1)
    sc = default_scenarios(G)
    study = Study.build(model, {i: sc.interventions([i]) for i in sc.ideas}, seed=7, horizon=36.0, every=10**9)
    n_scen = len(study.scenarios)
    steps = study.horizon_step
    print(
        f"model: {len(model.stocks)} stocks, {len(model.effects)} links; {n_scen} scenarios (baseline + ideas); "
        f"{steps} Euler steps to the horizon; engine {study.engine}; {args.runs} runs in grains of {args.chunk}"
    )
    _warm(study)

    def local_run():
        return horizon_values(study, args.runs, chunk=args.chunk, backend="local", radius=False)[0]

    t = time.perf_counter()
    with open_backend("dask", workers=args.workers) as be:
        t_start = time.perf_counter() - t
        be.client.run(_warm, study)  # every worker: engine loaded, like the local process above
        from distributed import get_task_stream

        # interleaved, best of --repeat: other processes on a shared machine slow one or the other at random
        t_local, t_dask = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            local = local_run()
            t_local.append(time.perf_counter() - t)
            t = time.perf_counter()
            with get_task_stream(client=be.client) as stream:
                remote, _ = horizon_values(study, args.runs, chunk=args.chunk, backend=be, radius=False)
            t_dask.append(time.perf_counter() - t)
            n_tasks = len(stream.data)
        t_local, t_dask = min(t_local), min(t_dask)
        be.map(_trivial, list(range(20)))  # warm the path
        t = time.perf_counter()
        be.map(_trivial, list(range(args.tasks)))
        per_task = (time.perf_counter() - t) / args.tasks
        t = time.perf_counter()
        be.map(_trivial, list(range(args.tasks)), shared=study)
        per_task_study = (time.perf_counter() - t) / args.tasks
        t = time.perf_counter()
    t_stop = time.perf_counter() - t

    same = np.array_equal(local, remote, equal_nan=True)
    updates = args.runs * n_scen * len(model.stocks) * steps
    print(f"local, one process          : {t_local:8.2f} s   ({updates / t_local / 1e9:.2f} billion stock-updates/s)")
    print(f"LocalCluster, {args.workers} workers     : {t_dask:8.2f} s   ({n_tasks} tasks)")
    print(
        f"ratio local / cluster       : {t_local / t_dask:8.2f}x  (ideal {args.workers}x; identical results: "
        f"{'yes' if same else 'NO'})"
    )
    print(
        f"overhead per task           : {per_task * 1e3:8.2f} ms  (a trivial task, {args.tasks} of them; "
        f"{per_task_study * 1e3:.2f} ms carrying the study, {len(cloudpickle.dumps(study)) / 1e3:.0f} kB)"
    )
    print(f"cluster start / close       : {t_start:8.2f} s / {t_stop:.2f} s")

    sample = draw(study.program, seed=7, start=0, runs=32)
    t = time.perf_counter()
    spectral_radii(study, sample)
    per_draw = (time.perf_counter() - t) / sample.shape[1]
    print(
        f"loop-radius diagnostic      : {per_draw * 1e3:8.2f} ms per draw (n x n eigenvalues, n = "
        f"{len(model.variables)}); {args.runs} draws would add {per_draw * args.runs:.0f} s on one core "
        "(excluded above; rank/attribute include it)"
    )

    per_run = t_local / args.runs
    fixed = t_start + t_stop
    # cluster time ~ fixed + tasks * overhead / workers + work / workers; it pays when that beats the work
    gain = 1 - 1 / args.workers
    pays = (fixed / (per_run * gain)) if per_run > 0 else float("inf")
    print(
        f"where it pays               : ~{per_run * 1e3:.3f} ms per run here; a fresh local cluster pays back its "
        f"start-up above ~{pays:,.0f} runs of this model if each worker gets a whole core (an existing "
        f"--scheduler: from a few grains of {args.chunk} runs per worker)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared machines blur the ratio)")


if __name__ == "__main__":
    main()
