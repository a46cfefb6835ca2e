"""What made the observed change: Shapley shares among the implemented activities, drift and residual.

For one observed series (default: the outcome's, else the longest), between its first time
``t0`` and last time ``t1``, in comparison space ``g`` (the level, or ``ln`` for a series read
relative to its first value):

* ``Δ_S = g(x_S(t1)) − g(x_S(t0))`` — the model's change with the activities ``S`` running
  (as implemented), for every subset ``S`` and every posterior draw (common draws);
* **baseline drift** ``Δ_∅`` — the change the calibrated model shows with none of them
  (attributed to nothing the group did);
* **Shapley values** ``φ_i`` of ``v(S) = Δ_S − Δ_∅`` (exact over all ``2ⁿ`` subsets);
* **residual** ``Δ_obs − Δ_N``: the observed change the calibrated model does not explain.

Per draw ``Δ_obs = drift + Σ φ_i + residual`` exactly. Shares are ratios of means
``E[φ_i] / Δ_obs`` (stable when activities pull apart); intervals are 5–95 % over the
posterior draws. The observed change itself carries the measurement error ``se``.

>>> from gmb.calibration.synthetic import tiny_problem
>>> from gmb.calibration.core import calibrate_problem
>>> prob, _ = tiny_problem(seed=3, se=0.005)
>>> a = attribute_change(prob, calibrate_problem(prob, runs=1000, seed=0))
>>> abs(a["check"]) < 1e-9
True
"""

from __future__ import annotations

import math
from dataclasses import replace
from itertools import combinations
from typing import Any

import numpy as np

from gmb.errors import InputError
from gmb.simulate.ensemble import Study, run_parameters

__all__ = ["MAX_ACTIVITIES", "attribute_change"]

#: exact Shapley values over all subsets up to this many activities
MAX_ACTIVITIES = 8


def _pick(prob: Any, variable: str | None) -> Any:
    series = list(prob.series)
    if variable is not None:
        chosen = [s for s in series if s.variable == variable]
        if not chosen:
            raise InputError(f"no observations of {variable!r}", field="variable",
                             hint="observed: " + ", ".join(sorted({s.variable for s in series})))  # fmt: skip
        return chosen[0]
    outcome = prob.study.program.outcome_variable
    return next((s for s in series if s.variable == outcome), max(series, key=lambda s: len(s.raw)))


def _interval(x: np.ndarray) -> list[float]:
    q = np.quantile(x[np.isfinite(x)], [0.05, 0.5, 0.95]) if np.isfinite(x).any() else [math.nan] * 3
    return [float(v) for v in q]


def attribute_change(prob: Any, posterior: dict[str, Any], *, variable: str | None = None) -> dict[str, Any]:
    """Attribute the observed change of one series (module docstring) using ``posterior['_draws']``."""
    s = _pick(prob, variable)
    ideas = list(prob.plans)
    n = len(ideas)
    if n > MAX_ACTIVITIES:
        raise InputError(
            f"{n} implemented activities: exact attribution stops at {MAX_ACTIVITIES}", field="implemented"
        )
    P = posterior["_draws"]
    subsets = [frozenset(c) for k in range(n + 1) for c in combinations(range(n), k)]
    scen = {"+".join(ideas[i] for i in sorted(S)) or "none": [iv for i in sorted(S)
                                                              for iv in prob.plans[ideas[i]].interventions_for(ideas[i])]
            for S in subsets[1:]}  # fmt: skip
    base = prob.study
    study = Study.build(base.program.model, scen, seed=base.seed, horizon=base.horizon, variables=[s.variable],
                        vary=base.vary, engine=base.engine)  # fmt: skip
    if study.program.n_params != base.program.n_params:
        raise InputError("the attribution's model differs from the calibrated one", field="implemented")
    p = study.program
    t0 = s.ref_time if s.transform == "relative_to_first" else float(s.times[0])
    t1 = float(s.times[-1])
    steps = np.array(sorted({p.step_of(t0), p.step_of(t1)}), dtype=np.int64)
    study = replace(study, save_steps=steps, horizon_step=int(steps[-1]))
    out = run_parameters(study, P)  # (subsets, variables, times, runs)
    v = list(study.variables).index(s.variable)
    x0, x1 = out[:, v, 0, :], out[:, v, -1, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(x1) - np.log(x0) if s.transform == "relative_to_first" else x1 - x0
    off = 0
    for other in prob.series:  # the data as the problem holds them (comparison space)
        if other is s:
            break
        off += len(other.values)
    k = len(s.values)
    y = prob.y[off : off + k]
    cov = (prob.L @ prob.L.T)[off : off + k, off : off + k]
    if s.transform == "relative_to_first":  # y already ln(y_t / y0)
        observed, obs_se = float(y[-1]), math.sqrt(cov[-1, -1])
    else:
        observed, obs_se = float(y[-1] - y[0]), math.sqrt(cov[0, 0] + cov[-1, -1] - 2 * cov[0, -1])
    drift = delta[0]
    value = {S: delta[k] - drift for k, S in enumerate(subsets)}
    phi = np.zeros((n, P.shape[1]))
    for i in range(n):
        for S in subsets:
            if i in S:
                continue
            w = math.factorial(len(S)) * math.factorial(n - len(S) - 1) / math.factorial(n)
            phi[i] += w * (value[S | {i}] - value[S])
    model_change = delta[-1]
    residual = observed - model_change
    ok = np.isfinite(model_change)
    mean = {"drift": float(drift[ok].mean()), "residual": float(residual[ok].mean())}
    rows = []
    for i, idea in enumerate(ideas):
        m = float(phi[i][ok].mean())
        rows.append({"idea": idea, "contribution": _interval(phi[i]), "mean": m,
                     "share": m / observed if observed else math.nan, "implemented": prob.plans[idea].summary(idea)})  # fmt: skip
    check = observed - (mean["drift"] + sum(r["mean"] for r in rows) + mean["residual"])
    units = "log ratio ln(x(t1)/x(t0))" if s.transform == "relative_to_first" else "index units"
    return {
        "variable": s.variable, "series": s.key, "transform": s.transform, "t0": t0, "t1": t1, "units": units,
        "observed": {"change": observed, "se": obs_se, "interval": [observed - 1.645 * obs_se, observed + 1.645 * obs_se]},
        "model_change": {"mean": float(model_change[ok].mean()), "interval": _interval(model_change)},
        "activities": rows,
        "drift": {"mean": mean["drift"], "interval": _interval(drift),
                  "share": mean["drift"] / observed if observed else math.nan},
        "residual": {"mean": mean["residual"], "interval": _interval(residual),
                     "share": mean["residual"] / observed if observed else math.nan},
        "draws": int(P.shape[1]), "broken": int((~ok).sum()), "check": check,
        "rule": "Shapley values of the calibrated model's change with the activities as implemented, over all "
                "subsets, per posterior draw; shares are ratios of means E[φ]/observed change; "
                "observed = drift + Σ activities + residual",
    }  # fmt: skip
