"""Has the outcome settled at the horizon? The share of the long-run effect reached by then.

An effect read at the horizon ``T`` may be a small part of what the same idea does
in the long run: stocks adjust over months, delays hold effects back, and loops
near the edge of stability settle slowly. :func:`settled_shares` says how far:

    settled share = E[effect at T] / E[effect in the long run]

(ratios of means over the same draws — common random numbers — so a draw with a
near-zero long-run effect cannot blow the ratio up). The long run is *run*, not
derived: the same draws are simulated on the model with its time extended to
``L = T · 2^k`` and the effect read at ``L``. This holds for any response shape
(a closed form such as ``(I − W)⁻¹u`` holds only in the log-linear regime: :func:`log_linear_long_run`
gives it for the nominal draw where it holds, beside the nominal draw's long run, as a check).
``L`` is the first doubling of ``T`` at which the nominal draw's effects change by
less than :data:`SETTLE_TOLERANCE` between ``L/2`` and ``L`` (at most
``T · 2^MAX_DOUBLINGS``). A draw whose effect still moves at ``L`` (a slow mode) is
extrapolated from ``L/2``, ``3L/4`` and ``L`` by Aitken's Δ² (exact for one exponential
mode; ``draws_extrapolated``); a draw that does not converge that way (loops at or past
the edge of stability) has no long-run level: it is counted (``draws_not_settling``)
and left out of the shares.

A share below :data:`WARN_BELOW` is flagged: the outcome is still moving at
the horizon, so the effect there understates (or, with overshoot, overstates) the
long-run effect.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> s = settled_shares(chain_model(2), {"push": [Intervention(variable="v1", dose=0.2, shape="step")]},
...                    horizon=6.0, seed=0, draws=50)
>>> 0 < s["scenarios"]["push"]["share"] < 1, s["long_run_time"] > 6.0
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

__all__ = [
    "MAX_DOUBLINGS",
    "SETTLE_DRAWS",
    "SETTLE_TOLERANCE",
    "WARN_BELOW",
    "extended_model",
    "log_linear_long_run",
    "settled_shares",
]

#: flag a settled share below this
WARN_BELOW = 0.5
#: relative change between L/2 and L under which the long run counts as settled
SETTLE_TOLERANCE = 0.01
#: the long run is at most T · 2^MAX_DOUBLINGS
MAX_DOUBLINGS = 6
#: draws used for the long run (the first ones of the ensemble: the same common random numbers)
SETTLE_DRAWS = 100


def extended_model(model: Any, span: float) -> Any:
    """``model`` with its time running ``span`` (rounded up to whole steps) after its start."""
    t = model.time
    steps = int(np.ceil(span / t.dt - 1e-9))
    if t.start + steps * t.dt <= t.stop + 1e-12:
        return model
    return replace(model, time=replace(t, stop=t.start + steps * t.dt))


def log_linear_long_run(model: Any, interventions: Sequence[Any]) -> float | None:
    """The long-run effect at nominal values in closed form: ``exp(y∞[outcome]) − 1``, ``y∞ = (I − W)⁻¹ u``.

    Exact for the ``power`` response shape (in log space the model is then linear: ``y* = W y + u``, with
    ``u = ln(1 ± dose)`` on each intervention's variable), when ``W``'s spectral radius is below 1 and every
    intervention stays on (step or ramp without end, on a ``level`` or ``indicated`` channel). ``None``
    otherwise (bounded shapes, runaway loops, pulses, inflows): then only the long run tells.

    >>> from gmb.simulate.synthetic import chain_model
    >>> from gmb.simulate.interventions import Intervention
    >>> m = chain_model(2)
    >>> e = log_linear_long_run(m, [Intervention(variable="v1", dose=0.2, shape="step")])
    >>> e is not None and e > 0
    True
    """
    from gmb.simulate.interventions import resolve_channel
    from gmb.stockflow.stability import log_linear, spectral_radius

    if any(e.lookup for e in model.effects) or model.outcome is None:
        return None
    ids, W = log_linear(model)
    if spectral_radius(W) >= 1:
        return None
    u = np.zeros(len(ids))
    pos = {v: i for i, v in enumerate(ids)}
    for iv in interventions:
        if iv.shape == "pulse" or iv.end is not None or resolve_channel(model, iv.variable, iv.channel) == "inflow":
            return None
        u[pos[iv.variable]] += np.log1p(iv.sign * iv.dose)
    y = np.linalg.solve(np.eye(len(ids)) - W, u)
    return float(np.expm1(y[pos[model.element(model.outcome).variable]]))


def _effects(study, P) -> np.ndarray:
    """Effects of every scenario, ``(scenarios - 1, saved times, draws)``, for parameter sets ``P``."""
    from gmb.simulate.ensemble import run_parameters

    slot = list(study.save_slots).index(study.program.outcome_slot)
    out = run_parameters(study, P)[:, slot]
    return out[1:] - out[0]


def _rel_change(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.abs(b - a) / np.maximum(np.abs(b), 1e-12)


def settled_shares(model: Any, scenarios: Mapping[str, Sequence[Any]], *, horizon: float, seed: int = 0,
                   method: str = "mc", draws: int = SETTLE_DRAWS, engine: str = "auto", integration: str = "euler",
                   vary: Any = None) -> dict[str, Any]:  # fmt: skip
    """For each scenario ({name: interventions}), the share of its long-run effect reached at ``horizon``.

    Returns ``{"horizon", "long_run_time", "draws", "method", "scenarios": {name: {"share", "effect_at_horizon",
    "long_run_effect", "warning"}}}`` (effects are means over the draws).
    """
    from gmb.simulate.ensemble import Study
    from gmb.simulate.sampling import VARY, draw

    T = float(horizon)
    L_max = T * 2**MAX_DOUBLINGS
    kw = {
        "seed": seed,
        "method": method,
        "vary": VARY if vary is None else vary,
        "engine": engine,
        "integration": integration,
    }
    # the long run's length from the nominal draw (one run, cheap): the first doubling of T after which its
    # effects stop changing
    study = Study.build(extended_model(model, L_max), scenarios, horizon=L_max, every=T, **kw)
    times = study.times - study.program.times[0]
    marks = [int(np.argmin(np.abs(times - T * 2**k))) for k in range(MAX_DOUBLINGS + 1)]
    e0 = _effects(study, np.asarray(study.program.param_nominal, dtype=float)[:, None])[:, :, 0]
    closed = {name: log_linear_long_run(model, ivs) for name, ivs in scenarios.items()}
    k_long = MAX_DOUBLINGS
    for k in range(1, MAX_DOUBLINGS + 1):
        change = _rel_change(e0[:, marks[k - 1]], e0[:, marks[k]])
        if np.all(np.isfinite(change)) and np.all(change <= SETTLE_TOLERANCE):
            k_long = k
            break
    L = T * 2**k_long
    study = Study.build(extended_model(model, L), scenarios, horizon=L, every=T, **kw)
    times = study.times - study.program.times[0]
    iT, iH, i3, iL = (int(np.argmin(np.abs(times - t))) for t in (T, L / 2, 3 * L / 4, L))
    n = max(1, int(draws))
    P = draw(study.program, seed=study.seed, start=0, runs=n, method=study.method, vary=study.vary)
    E = _effects(study, P)
    at_T, at_half, at_3q, at_L = E[:, iT], E[:, iH], E[:, i3], E[:, iL]
    finite = np.isfinite(E[:, [iT, iH, i3, iL]]).all(axis=(0, 1))
    # a draw still moving at L: its slowest mode decays geometrically over equal steps (L/2, 3L/4, L), so
    # Aitken's extrapolation gives its level (exact for one exponential mode); a draw that does not converge
    # that way (loops at or past the edge of stability) has no long-run level: counted, left out
    moving = finite & (_rel_change(at_half, at_L) > SETTLE_TOLERANCE).any(axis=0)
    d1, d2 = at_3q - at_half, at_L - at_3q
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = d2 / d1
        extrapolated = at_L + d2 * ratio / (1 - ratio)
    converging = (np.abs(d2) < 1e-14) | ((ratio > 0) & (ratio < 0.9))
    runaway = moving & ~converging.all(axis=0)
    at_L = np.where(moving & ~runaway, np.where(np.abs(d2) < 1e-14, at_L, extrapolated), at_L)
    ok = finite & ~runaway
    out: dict[str, Any] = {
        "horizon": T, "long_run_time": float(L), "draws": n, "draws_broken": int((~finite).sum()),
        "draws_extrapolated": int((moving & ~runaway).sum()), "draws_not_settling": int(runaway.sum()),
        "method": f"the first {n} draws run on to {L:g} {study.program.unit} (the nominal draw's effects change "
                  f"by < {SETTLE_TOLERANCE:.0%} from {L / 2:g} to {L:g}); draws still moving there are extrapolated "
                  f"from {L / 2:g}, {3 * L / 4:g} and {L:g} (Aitken), draws that do not settle (runaway loops) are "
                  "counted and left out; share = mean effect at the horizon / mean long-run effect (ratio of means)",
        "scenarios": {},
    }  # fmt: skip
    for s, name in enumerate(study.scenarios[1:]):
        mT, mL = (float(x[s, ok].mean()) if ok.any() else float("nan") for x in (at_T, at_L))
        share = mT / mL if ok.any() and abs(mL) > 1e-12 else float("nan")
        warning = None
        if np.isnan(share):
            warning = "no long-run effect to compare with (it is zero, or no draw settled)"
        elif share < WARN_BELOW:
            warning = (f"only {share:.0%} of the long-run effect is reached at the horizon: the outcome is still "
                       "moving, so the effect at the horizon is an early part of it")  # fmt: skip
        elif share > 1 / WARN_BELOW:
            warning = (f"the effect at the horizon is {share:.1f} times its long-run level: it overshoots and "
                       "falls back later")  # fmt: skip
        out["scenarios"][name] = {"share": share, "effect_at_horizon": mT, "long_run_effect": mL,
                                  "warning": warning, "nominal_long_run": float(e0[s, marks[k_long]]),
                                  "nominal_closed_form": closed.get(name)}  # fmt: skip
    return out
