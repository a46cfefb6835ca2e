"""Calibration speed: Havndal-sized (45 variables) and Roskilde, default method (importance resampling).

Prints the wall time and the effective sample size; the targets (issue 18) are <= 60 s for Havndal-sized
models with a handful of observations and <= 20 s for Roskilde on the 2-core machine.

    PYTHONPATH=$PWD /work/venv/bin/python bench/calibrate.py
"""

from __future__ import annotations

import os
import tempfile
import time


def main() -> None:
    from rich.console import Console

    from gmb.calibration.core import calibrate_problem
    from gmb.commands import common
    from gmb.session.model import Observation
    from gmb.workflow.calibration import calibrate, problem_for
    from gmb.workflow.examples import install_example

    root = tempfile.mkdtemp()
    os.environ["GMB_SESSIONS_DIR"] = root
    common.set_sessions_dir(None)
    with open(os.devnull, "w") as null:
        for name in ("roskilde", "havndal"):
            install_example(name, Console(file=null))
    t = time.perf_counter()
    r = calibrate("roskilde", runs=4000, out=__import__("pathlib").Path(root))
    print(
        f"roskilde: {time.perf_counter() - t:.1f} s (target <= 20 s), 4000 draws, ESS {r['ess']:.0f}, "
        f"{len(r['parameters'])} uncertain parameters, {r['data_points']} data points"
    )
    # Havndal-sized: the Havndal map (45 variables) with every idea implemented as planned and five
    # synthetic observations of the outcome (no real data: this measures speed only)
    from gmb.session.store import Store

    store = Store(root)
    s = store.load("havndal")
    changes = [("add", {"kind": "implementation", "item": {"id": i.id, "idea": i.id, "start": 0}}) for i in s.ideas]
    changes += [("add", {"kind": "observation", "item": Observation(
        id=f"o{k}", variable=s.outcome, time=t_, value=1.0 + 0.01 * k, se=0.02).model_dump(mode="json")})
        for k, t_ in enumerate((6, 12, 24, 30, 36))]  # fmt: skip
    store.commit_many("havndal", changes)
    t = time.perf_counter()
    prob, _ = problem_for("havndal", out=__import__("pathlib").Path(root))
    r = calibrate_problem(prob, runs=4000, seed=0)
    total = time.perf_counter() - t
    n = len(r["parameters"])
    print(
        f"havndal-sized (45 variables): {total:.1f} s (target <= 60 s), 4000 draws, "
        f"ESS {r['ess']:.0f}, {n} uncertain parameters, {r['data_points']} data points"
    )
    # reference in the same process: the ensemble engine alone on the same 4000 prior draws
    from gmb.simulate.sampling import draw

    P = draw(prob.study.program, seed=0, runs=4000, vary=prob.vary)
    t = time.perf_counter()
    prob.run(P)
    engine = time.perf_counter() - t
    t = time.perf_counter()
    calibrate_problem(prob, runs=4000, seed=0)
    again = time.perf_counter() - t
    print(
        f"havndal-sized: calibration {again:.2f} s vs the engine alone on the same draws {engine:.2f} s "
        f"(ratio {again / engine:.1f}: likelihood, weights, intervals and predictive draws on top)"
    )


if __name__ == "__main__":
    main()
