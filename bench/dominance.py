"""Loop dominance: Havndal's bundle over 1,000 draws, and a 200-stock synthetic map in discovery mode.

Ratios are against the plain ensemble run of the same study (same draws, same engine) measured in the
same process, so they travel across machines; absolute seconds are printed too.
Targets (issue 16): Havndal bundle × 1,000 draws ≤ 5 s; the 200-stock map returns within its time limit.

Run: python bench/dominance.py
"""

import time

import numpy as np


def best(fn, n=3):
    out, times = None, []
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def havndal(runs=1000):
    from gmb.cld.graph import to_graph
    from gmb.examples import load_example
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.dominance import loop_dominance
    from gmb.simulate.ensemble import Study, run_study
    from gmb.stockflow.convert import to_stockflow

    G = to_graph(load_example("havndal"))
    sc = default_scenarios(G)
    model = to_stockflow(G, name="havndal")
    ivs = sc.interventions(list(sc.ideas))
    loop_dominance(model, ivs, horizon=36.0, runs=20)  # warm-up (numba compiles once per process)
    study = Study.build(model, {"bundle": list(ivs)}, seed=0, horizon=36.0)
    t_ens, _ = best(lambda: run_study(study, runs))
    t_dom, d = best(lambda: loop_dominance(model, ivs, horizon=36.0, runs=runs))
    print(
        f"Havndal bundle, {runs} draws: dominance {t_dom:.2f} s (target <= 5 s); plain ensemble {t_ens:.2f} s;"
        f" ratio {t_dom / t_ens:.1f}x; {d['loops_scored']} loops scored, complete={d['complete']}"
    )


def synthetic(n=200, time_limit=10.0):
    from gmb.simulate.dominance import loop_dominance
    from gmb.simulate.interventions import Intervention
    from gmb.simulate.synthetic import synthetic_model

    model = synthetic_model(n, seed=0, horizon=36.0)
    ivs = [Intervention(variable="v7", dose=0.2)]
    t, d = best(lambda: loop_dominance(model, ivs, horizon=36.0, time_limit=time_limit), n=1)
    print(
        f"synthetic {n} stocks ({len(model.effects)} links): {t:.2f} s with a {time_limit:g} s limit "
        f"(within: {t <= time_limit}); mode {d['mode']}, {d['loops_found']} loops found, {d['loops_scored']} "
        f"scored in the outcome's partition, search truncated={d['truncated']}, complete={d['complete']}"
    )
    top = d["loops"][0] if d["loops"] else None
    if top:
        print(f"  strongest: {top['id']} ({len(top['links'])} links), mean |relative score| {top['mean_abs']:.2f}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    havndal()
    synthetic()
