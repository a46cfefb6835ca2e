"""Calibration: what the observations say about the uncertain parameters, under what was implemented.

**Importance resampling** (default, ``method="is"``): the ensemble engine runs ``runs`` prior
draws (:func:`gmb.simulate.sampling.draw`: elasticities, adjustment and delay times, the
implemented doses, and the links' presence and sign) with every implemented idea active
(:func:`gmb.simulate.ensemble.run_parameters`). Each draw gets the weight of its likelihood:
observations are Gaussian in comparison space (:mod:`gmb.calibration.records`) with their
error covariance ``Σ``: ``log w = −½ ‖L⁻¹(y − m(θ))‖²``, ``Σ = L Lᵀ``. The posterior is the
weighted draws; ``ess = (Σ w)² / Σ w²`` says how many independent draws they are worth.

* posterior intervals (5–95 %) per parameter from the weighted draws, and **narrowing** =
  posterior width / prior width (1: the data said nothing; a parameter whose width
  falls by less than :data:`IDENTIFIABLE` is reported as *not identifiable from these data*);
* uncertain links: P(present) and P(sign as drawn), prior and posterior;
* **posterior predictive p-value** of the χ² discrepancy ``T = ‖L⁻¹(y − m)‖²``: under the
  model, ``T(y_rep, θ) ~ χ²_K``, so ``p = E_post[P(χ²_K ≥ T(y, θ))]``; below :data:`P_MISFIT`
  the model cannot reproduce the data (flagged, with the best draw's χ²);
* ESS below :data:`MIN_ESS` is warned about, with what to do.

**Least squares** (``method="lsq"``, a point fit like Vensim's calibration):
:func:`scipy.optimize.least_squares` over the continuous parameters within their ranges
(links as drawn), with a Laplace approximation ``(JᵀJ)⁻¹`` for intervals (it ignores the
bounds and the structure: say so).

>>> from gmb.calibration.synthetic import tiny_problem
>>> prob, truth = tiny_problem(seed=3)
>>> post = calibrate_problem(prob, runs=2000, seed=1)
>>> post["ess"] > 50, post["fit"]["p_value"] > 0.01
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gmb.errors import InputError
from gmb.simulate.ensemble import Study, run_parameters
from gmb.simulate.sampling import VARY, draw, structural, varying

__all__ = ["IDENTIFIABLE", "MIN_ESS", "P_MISFIT", "Problem", "build_problem", "calibrate_problem", "weighted_quantile"]

#: a parameter whose 90 % interval shrinks to more than this share of its prior width is "not identifiable"
IDENTIFIABLE = 0.8
#: below this effective sample size the posterior is warned about
MIN_ESS = 100
#: a posterior predictive p-value below this flags a model that cannot reproduce the data
P_MISFIT = 0.05


@dataclass(frozen=True, eq=False)
class Problem:
    """A model under the implemented activities, and the observation series to fit."""

    study: Study  # scenarios: baseline, implemented
    series: tuple[Any, ...]
    plans: Mapping[str, Any]
    vary: tuple[str, ...]
    y: np.ndarray  # (K,) comparison-space data
    L: np.ndarray  # (K, K) Cholesky factor of the error covariance
    times: np.ndarray  # model times kept

    @property
    def k(self) -> int:
        return len(self.y)

    def predict(self, values: np.ndarray) -> np.ndarray:
        """Comparison-space model values ``(K, runs)`` from run output ``(variables, times, runs)``."""
        rows = []
        for s in self.series:
            v = list(self.study.variables).index(s.variable)

            def at(t, v=v):
                return values[v, int(np.argmin(np.abs(self.times - t)))]

            rows.append(s.model_values(at))
        return np.concatenate(rows, axis=0)

    def chi2(self, m: np.ndarray) -> np.ndarray:
        """``‖L⁻¹(y − m)‖²`` per run (``inf`` for a broken run)."""
        from scipy.linalg import solve_triangular

        z = solve_triangular(self.L, self.y[:, None] - m, lower=True)
        c = np.sum(z * z, axis=0)
        return np.where(np.isfinite(c), c, np.inf)

    def run(self, P: np.ndarray, scenario: int = 1) -> np.ndarray:
        """Run parameter sets ``P`` under the implemented activities: ``(variables, times, runs)``."""
        return run_parameters(self.study, P, scenarios=[scenario])[0]


def build_problem(model: Any, plans: Mapping[str, Any], observations: Sequence[Any], *, seed: int = 0,
                  vary: Sequence[str] = VARY, engine: str = "auto") -> Problem:  # fmt: skip
    """The :class:`Problem` of ``model`` with the implemented ``plans`` ({idea: IdeaPlan}) and ``observations``."""
    from gmb.calibration.records import check_observation, series_of

    if not observations:
        raise InputError("there are no observations to calibrate to", field="observations",
                         hint="gmb observe add NAME VARIABLE --time T --value V --se S (or import a CSV)")  # fmt: skip
    t0, t1 = float(model.time.start), float(model.time.stop)
    for ob in observations:
        check_observation(ob, [el.variable for el in model.variables if el.variable], (t0, t1))
    series = series_of(observations)
    ivs = [iv for idea, plan in plans.items() for iv in plan.interventions_for(idea)]
    scen = {"implemented": ivs} if ivs else {"implemented": []}
    tmax = max(o.time for o in observations)
    horizon = max(tmax - t0, float(model.time.dt))
    variables = sorted({s.variable for s in series})
    study = Study.build(model, scen, seed=seed, horizon=min(horizon, t1 - t0), variables=variables, vary=vary,
                        engine=engine)  # fmt: skip
    p = study.program
    steps = sorted({p.step_of(o.time) for o in observations} | {0})
    study = replace(study, save_steps=np.array(steps, dtype=np.int64), horizon_step=max(steps))
    y = np.concatenate([s.values for s in series])
    K = len(y)
    cov = np.zeros((K, K))
    i = 0
    for s in series:
        n = len(s.values)
        cov[i : i + n, i : i + n] = s.cov
        i += n
    if K == 0:
        raise InputError("no data points: each relative series needs two observations", field="observations")
    return Problem(study, tuple(series), dict(plans), tuple(vary), y, np.linalg.cholesky(cov),
                   p.times[np.array(steps)])  # fmt: skip


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Quantiles of ``x`` under weights ``w`` (the weighted empirical distribution, midpoint rule).

    >>> weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0]), [0.05, 0.95]).tolist()
    [2.0, 2.0]
    """
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    keep = ws > 0
    xs, ws = xs[keep], ws[keep]
    c = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return np.interp(q, c, xs)


def _param_table(prob: Problem, P: np.ndarray, w: np.ndarray) -> list[dict[str, Any]]:
    p = prob.study.program
    rows = []
    struct = set(structural(p, prob.vary).tolist()) if "structure" in prob.vary else set()
    uniform = np.full(P.shape[1], 1.0 / P.shape[1])
    for i in varying(p, prob.vary):
        x = P[i]
        if i in struct:
            x = np.abs(x)  # the magnitude; presence and sign are reported apart
        lo, hi = weighted_quantile(x, uniform, [0.05, 0.95])
        a, med, b = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        width = hi - lo
        narrowing = float((b - a) / width) if width > 0 else 1.0
        row = {"parameter": p.param_names[i], "ref": p.param_ref[i], "kind": p.param_kind[i],
               "prior": [float(lo), float(hi)], "posterior": [float(a), float(med), float(b)],
               "narrowing": narrowing, "identifiable": narrowing <= IDENTIFIABLE}  # fmt: skip
        if i in struct:
            nom = np.sign(p.param_nominal[i]) or 1.0
            present = P[i] != 0
            row["p_present"] = [float(present.mean()), float(np.sum(w * present) / w.sum())]
            same = present & (np.sign(P[i]) == nom)
            row["p_sign"] = [float(same.sum() / max(present.sum(), 1)),
                             float(np.sum(w * same) / max(np.sum(w * present), 1e-300))]  # fmt: skip
        rows.append(row)
    return rows


def calibrate_problem(prob: Problem, *, runs: int = 4000, seed: int = 0, method: str = "is",
                      keep: int = 1000, chunk: int = 2048) -> dict[str, Any]:  # fmt: skip
    """The posterior (``method="is"``) or point fit (``"lsq"``) of ``prob``; a JSON-ready dict (module docstring)."""
    if method == "lsq":
        from gmb.calibration.lsq import least_squares_fit

        return least_squares_fit(prob, identifiable=IDENTIFIABLE)
    if method != "is":
        raise InputError(f"unknown calibration method {method!r}", field="method", hint="is or lsq")
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 10:
        raise InputError(f"need at least 10 prior draws, got {runs!r}", field="runs")
    p = prob.study.program
    P = draw(p, seed=seed, start=0, runs=runs, vary=prob.vary)
    m = np.concatenate([prob.predict(prob.run(P[:, a : a + chunk])) for a in range(0, runs, chunk)], axis=1)
    chi2 = prob.chi2(m)
    broken = int(np.sum(~np.isfinite(chi2)))
    logw = -0.5 * chi2
    if not np.isfinite(logw).any():
        raise InputError("every prior draw is broken (overflow) under the implemented activities", field="runs")
    w = np.exp(logw - np.max(logw))
    w /= w.sum()
    ess = float(1.0 / np.sum(w * w))
    rng = np.random.default_rng([seed, 18])
    n_keep = min(keep, runs)
    idx = np.searchsorted(np.cumsum(w), (rng.random() + np.arange(n_keep)) / n_keep)  # systematic resampling
    idx = np.minimum(idx, runs - 1)
    from scipy.stats import chi2 as chi2_dist

    K = prob.k
    p_value = float(np.sum(w * chi2_dist.sf(np.where(np.isfinite(chi2), chi2, 1e300), K)))
    best = float(np.min(chi2))
    warnings = []
    if ess < MIN_ESS:
        warnings.append(f"effective sample size {ess:.0f} of {runs} draws is small: the intervals are rough. "
                        f"Run more draws (--runs {runs * 10}) or use --method lsq for a point fit.")  # fmt: skip
    misfit = p_value < P_MISFIT
    if misfit:
        warnings.append(f"the model cannot reproduce the data: posterior predictive p-value {p_value:.3f} "
                        f"(best draw χ² = {best:.1f} on {K} data points). Check the map, the implemented "
                        "activities and the observations' uncertainty before reading the attribution.")  # fmt: skip
    params = _param_table(prob, P, w)
    flat = [r["ref"] or r["parameter"] for r in params if not r["identifiable"]]
    if flat:
        warnings.append(
            f"not identifiable from these data ({len(flat)} of {len(params)} parameters narrowed by "
            f"less than {1 - IDENTIFIABLE:.0%}): " + ", ".join(flat[:8]) + ("…" if len(flat) > 8 else "")
        )
    pred = m[:, idx]
    noise = prob.L @ rng.standard_normal((K, n_keep))
    rep = pred + noise
    data = []
    i = 0
    for s in prob.series:
        for j, t in enumerate(s.times):
            q = np.quantile(rep[i][np.isfinite(rep[i])], [0.05, 0.5, 0.95])
            data.append({"variable": s.variable, "series": s.key, "transform": s.transform, "time": float(t),
                         "observed": float(prob.y[i]), "se": float(math.sqrt(prob.L[i] @ prob.L[i])),
                         "predicted": [float(x) for x in q]})  # fmt: skip
            i += 1
    return {
        "method": "importance resampling of prior draws", "runs": runs, "seed": seed, "ess": ess,
        "broken": broken, "data_points": K, "parameters": params, "predictive": data,
        "fit": {"p_value": p_value, "best_chi2": best, "misfit": misfit,
                "statistic": "posterior predictive p-value of the chi-square discrepancy"},
        "warnings": warnings, "identifiable_threshold": IDENTIFIABLE,
        "_draws": P[:, idx], "_weights": w,
    }  # fmt: skip
