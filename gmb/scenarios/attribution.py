"""Attribution that reads right: Shapley values of the *expected* effect, and interaction in log units.

Shapley values are linear in the value function, so the mean over draws of the
per-draw Shapley values ``φ_i`` *is* the Shapley value of the expected effects, and
``Σ_i E[φ_i] = E[v(N)]`` (the expected bundle effect) exactly. What is unstable is
averaging per-draw *shares* ``φ_i / v(N)``: a draw with a small bundle effect gives
huge shares. So an idea's share is the ratio of means

    share_i = E[φ_i] / E[v(N)]

(shares add up to 1), with per-draw intervals of ``φ_i`` beside it.

The "interaction" of a bundle on the outcome index, ``v(N) − Σ v({i})``, is mostly
the model's multiplicative form: effects combine as products of ratios, so even
ideas that do not interact at all give ``Π r_i − 1 − Σ (r_i − 1) ≠ 0`` (``r_i`` the
outcome with idea i over the baseline, same draw). :func:`interaction_parts` splits it:

* ``log_units``: ``ln(outcome_bundle / baseline) − Σ ln(outcome_i / baseline)`` — zero
  when ideas combine purely multiplicatively (no interaction in the model's own terms);
* ``multiplicative_form``: the index interaction that pure multiplication of the solo
  ratios would give, ``baseline · (Π r_i − 1 − Σ (r_i − 1))``;
* ``index``: the interaction on the index, as before.

>>> import numpy as np
>>> base = np.ones(4); solo = np.array([[1.1] * 4, [1.2] * 4]); bundle = 1.1 * 1.2 * base
>>> p = interaction_parts(base, solo, bundle)
>>> round(p["index"]["mean"], 6), round(p["multiplicative_form"]["mean"], 6), round(p["log_units"]["mean"], 12)
(0.02, 0.02, 0.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["expected_shapley", "interaction_parts"]


def _summary(x: np.ndarray) -> dict[str, float]:
    ok = x[np.isfinite(x)]
    if not len(ok):
        return {"mean": float("nan"), "median": float("nan"), "p5": float("nan"), "p95": float("nan")}
    q = np.quantile(ok, [0.05, 0.5, 0.95])
    return {"mean": float(ok.mean()), "median": float(q[1]), "p5": float(q[0]), "p95": float(q[2])}


def expected_shapley(phi: np.ndarray, full: np.ndarray) -> dict[str, Any]:
    """``E[φ_i]``, shares ``E[φ_i] / E[v(N)]`` and the expected bundle effect, over draws finite everywhere.

    >>> phi = np.array([[1.0, 3.0], [1.0, -1.0]]); full = phi.sum(axis=0)
    >>> r = expected_shapley(phi, full)
    >>> r["expected"], r["shares"], r["bundle"]
    ([2.0, 0.0], [1.0, 0.0], 2.0)
    """
    ok = np.isfinite(full) & np.isfinite(phi).all(axis=0)
    if not ok.any():
        n = phi.shape[0]
        return {"expected": [float("nan")] * n, "shares": [float("nan")] * n, "bundle": float("nan"), "draws": 0}
    e_phi = phi[:, ok].mean(axis=1)
    e_full = float(full[ok].mean())
    shares = e_phi / e_full if abs(e_full) > 1e-300 else np.full(len(e_phi), np.nan)
    return {"expected": e_phi.tolist(), "shares": shares.tolist(), "bundle": e_full, "draws": int(ok.sum())}


def interaction_parts(base: np.ndarray, solo: np.ndarray, bundle: np.ndarray) -> dict[str, Any]:
    """The bundle's interaction on the index, in log units, and the part the multiplicative form makes.

    ``base`` ``(draws,)`` is the outcome at baseline, ``solo`` ``(ideas, draws)`` with each idea alone,
    ``bundle`` ``(draws,)`` with all of them (all at the horizon, same draws).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        r = solo / base
        rb = bundle / base
        index = (bundle - base) - (solo - base).sum(axis=0)
        mult = base * (np.prod(r, axis=0) - 1 - (r - 1).sum(axis=0))
        logs = np.log(rb) - np.log(r).sum(axis=0)
    ok = np.isfinite(index) & np.isfinite(mult) & np.isfinite(logs)
    out = {"index": _summary(np.where(ok, index, np.nan)), "multiplicative_form": _summary(np.where(ok, mult, np.nan)),
           "log_units": _summary(np.where(ok, logs, np.nan)), "draws": int(ok.sum())}  # fmt: skip
    i, m, lg = out["index"]["mean"], out["multiplicative_form"]["mean"], out["log_units"]["mean"]
    if not np.isnan(i) and abs(i) > 1e-12:
        out["text"] = (f"Of the bundle's interaction on the index ({i:+.3f}, mean), {m:+.3f} ({100 * m / i:.0f} %) "
                       "follows from "
                       f"the multiplicative form alone (ideas that do not interact still multiply); in log units the "
                       f"interaction is {lg:+.3f}.")  # fmt: skip
    else:
        out["text"] = f"The bundle shows no interaction on the index; in log units it is {lg:+.3f}."
    return out
