"""A least-squares point fit (``gmb calibrate NAME --method lsq``), like Vensim's calibration.

:func:`scipy.optimize.least_squares` (trust-region reflective, within each parameter's range)
minimises the whitened residuals ``L⁻¹(y − m(θ))`` over the continuous parameters that vary
(elasticities' magnitudes, adjustment and delay times, implemented doses); the links stay as
drawn (no structural draws). The Jacobian is taken by forward differences, all columns in one
engine call. Intervals are the Laplace approximation ``θ̂ ± 1.645·sd`` with ``cov = (JᵀJ)⁻¹``:
they ignore the ranges' bounds and the structure, and say so.

>>> from gmb.calibration.synthetic import tiny_problem
>>> prob, truth = tiny_problem(seed=2, se=0.002, vary=("adjustment_time",))
>>> fit = least_squares_fit(prob, identifiable=0.8)
>>> fit["success"], fit["chi2"] < 20
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gmb.simulate.sampling import varying

__all__ = ["least_squares_fit"]


def least_squares_fit(prob: Any, *, identifiable: float) -> dict[str, Any]:
    """The point fit of :class:`~gmb.calibration.core.Problem` ``prob`` (module docstring).

    A parameter whose interval narrows to at most ``identifiable`` of its prior width counts as
    identifiable (the caller passes :data:`gmb.calibration.core.IDENTIFIABLE`).
    """
    from scipy.linalg import solve_triangular
    from scipy.optimize import least_squares

    p = prob.study.program
    idx = varying(p, [k for k in prob.vary if k != "structure"])
    lo, hi = p.param_low[idx].astype(float), p.param_high[idx].astype(float)
    base = p.param_nominal.astype(float).copy()
    x0 = np.clip(base[idx], lo, hi)
    scale = hi - lo

    def matrix(X: np.ndarray) -> np.ndarray:
        P = np.repeat(base[:, None], X.shape[1], axis=1)
        P[idx] = X
        return P

    def resid(X: np.ndarray) -> np.ndarray:
        m = prob.predict(prob.run(matrix(X)))
        return solve_triangular(prob.L, prob.y[:, None] - m, lower=True)

    def f(x):
        r = resid(x[:, None])[:, 0]
        return np.where(np.isfinite(r), r, 1e6)

    def jac(x):
        h = 1e-4 * scale
        step = np.where(x + h > hi, -h, h)
        X = np.column_stack([x, *(x + np.eye(len(x))[k] * step[k] for k in range(len(x)))])
        R = resid(X)
        return (R[:, 1:] - R[:, :1]) / step[None, :]

    fit = least_squares(f, x0, jac=jac, bounds=(lo, hi), x_scale=scale, method="trf")
    J = fit.jac
    cov = np.linalg.pinv(J.T @ J)
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    rows = []
    for k, i in enumerate(idx):
        a, b = fit.x[k] - 1.645 * sd[k], fit.x[k] + 1.645 * sd[k]
        width = (hi[k] - lo[k]) * 0.9  # a uniform prior's 90 % width
        narrowing = float(min((b - a) / width, 9.99)) if width > 0 else 1.0
        rows.append({"parameter": p.param_names[i], "ref": p.param_ref[i], "kind": p.param_kind[i],
                     "prior": [float(lo[k]), float(hi[k])], "estimate": float(fit.x[k]),
                     "posterior": [float(a), float(fit.x[k]), float(b)], "narrowing": narrowing,
                     "identifiable": narrowing <= identifiable, "at_bound": bool(np.isclose(fit.x[k], lo[k])
                                                                               or np.isclose(fit.x[k], hi[k]))})  # fmt: skip
    from scipy.stats import chi2 as chi2_dist

    c = float(2 * fit.cost)
    dof = max(prob.k - len(idx), 1)
    warnings = [
        (
            "point fit: intervals are a Laplace approximation (JᵀJ)⁻¹ that ignores the ranges' bounds; links as "
            "drawn (no structural uncertainty). Use --method is for a posterior."
        )
    ]
    flat = [r["ref"] or r["parameter"] for r in rows if not r["identifiable"]]
    if flat:
        warnings.append("not identifiable from these data: " + ", ".join(flat[:8]) + ("…" if len(flat) > 8 else ""))
    p_value = float(chi2_dist.sf(c, dof)) if prob.k > len(idx) else float("nan")
    if prob.k <= len(idx):
        warnings.append(f"{prob.k} data points for {len(idx)} parameters: the fit cannot be judged and the point "
                        "is one of many that fit equally well")  # fmt: skip
    if p_value < 0.05:
        warnings.append(f"the model cannot reproduce the data: χ² = {c:.1f} on {dof} degrees of freedom "
                        f"(p = {p_value:.3f})")  # fmt: skip
    return {"method": "least squares (scipy.optimize.least_squares, trf)", "success": bool(fit.success),
            "chi2": c, "data_points": prob.k, "evaluations": int(fit.nfev), "parameters": rows,
            "fit": {"p_value": p_value, "chi2": c, "dof": dof, "misfit": bool(p_value < 0.05),
                    "statistic": "chi-square goodness of fit at the point estimate"},
            "warnings": warnings, "_point": matrix(fit.x[:, None])}  # fmt: skip
