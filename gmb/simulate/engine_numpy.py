"""The ensemble engine in plain numpy: every run of a block advanced together.

State arrays are shaped ``(stocks, runs)`` internally (a row per stock, runs
contiguous, so each operation is one long vector operation); the public API in
:mod:`gmb.simulate.ensemble` speaks ``(runs, …)``. Per step:

1. ``y = log`` of the stocks and smooth outputs that feed effects;
2. auxiliaries level by level: ``y_aux = log input + A_l @ (w ∘ y[src])`` — a
   sparse matrix ``A_l`` (edges → targets) times the edge terms, where ``w`` is
   ``sign · elasticity`` per edge and run; bounded edges pass through their lookup;
   a saturating auxiliary then becomes ``B·tanh(y_aux / B)``; an intervention multiplier
   ``1 + dose·g <= 0`` marks its run broken (NaN), as in the numba engine;
3. flows ``(exp(y_indicated) - S) / tau + inflow`` and smooth stage rates;
4. Euler, all states at once — the reference simulator's (and pysd's) order.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.program import compile_model
>>> p = compile_model(chain_model(2))
>>> out = run_numpy(p, p.nominal(3), save_slots=[0], save_steps=[0, p.steps])
>>> out.shape, bool((out == 1.0).all())  # no intervention: the model rests
((1, 2, 3), True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["GUARD_HIGH", "GUARD_LOW", "Plan", "run_numpy"]

#: a run in which a stock (or a delayed value feeding an effect) leaves this range has broken down: all its
#: values are NaN (the reference simulator stops with an error where a value overflows or its log is undefined)
GUARD_LOW, GUARD_HIGH = 1e-300, 1e300


class Plan:
    """Per-program structures the numpy engine reuses (sparse level matrices, index sets)."""

    def __init__(self, p) -> None:
        import scipy.sparse as sp

        self.p = p
        off = p.n_stocks + p.n_smooths
        self.levels = []
        lv = np.asarray(p.aux_level)
        for level in np.unique(lv) if len(lv) else []:
            aux = np.flatnonzero(lv == level)
            a0, a1 = int(aux[0]), int(aux[-1]) + 1  # contiguous: compile_model sorts by level
            e0, e1 = int(p.aux_ptr[a0]), int(p.aux_ptr[a1])
            ptr = np.asarray(p.aux_ptr[a0 : a1 + 1]) - e0
            A = sp.csr_matrix((np.ones(e1 - e0), np.arange(e1 - e0), ptr), shape=(a1 - a0, e1 - e0))
            lut = np.asarray(p.edge_lookup[e0:e1])
            power = np.flatnonzero(lut < 0)
            bounded = [(int(i), np.flatnonzero(lut == i)) for i in np.unique(lut[lut >= 0])]
            terms = np.flatnonzero((np.asarray(p.term_channel) == 0) & (np.asarray(p.term_target) >= a0)
                                   & (np.asarray(p.term_target) < a1))  # fmt: skip
            sat = np.asarray(p.aux_sat[a0:a1])
            saturating = np.flatnonzero(sat >= 0)
            self.levels.append((off + a0, off + a1, e0, e1, A, power, bounded, terms, saturating, sat[saturating]))
        src = np.asarray(p.edge_src)
        state_src = np.unique(src[src < off])
        smooth_src = np.asarray(p.smooth_src)
        self.log_stocks = state_src[state_src < p.n_stocks]
        self.log_smooths = state_src[state_src >= p.n_stocks]
        self.smooth_from_stock = smooth_src < p.n_stocks
        self.inflow_terms = np.flatnonzero(np.asarray(p.term_channel) == 1)
        self.last_stage = np.asarray(p.stage_ptr[1:]) - 1 if p.n_smooths else np.zeros(0, dtype=np.int64)
        # stage j of smooth m follows stage j-1 (or the source for j = 0)
        self.stage_smooth = np.repeat(np.arange(p.n_smooths), np.asarray(p.smooth_order))
        self.stage_first = np.zeros(p.n_stages, dtype=bool)
        if p.n_smooths:
            self.stage_first[np.asarray(p.stage_ptr[:-1])] = True


def run_numpy(
    p,
    P: np.ndarray,
    *,
    save_slots: Sequence[int],
    save_steps: Sequence[int],
    plan: Plan | None = None,
    integration: str = "euler",
) -> np.ndarray:
    """Run program ``p`` for parameter matrix ``P`` ``(n_params, runs)``.

    Returns the values of ``save_slots`` at ``save_steps`` (ascending), shaped
    ``(len(save_slots), len(save_steps), runs)``. Runs stop after the last saved step.
    ``integration`` is ``euler`` (pysd's; the default) or ``rk4`` (classic Runge–Kutta, same step).
    """
    if integration not in ("euler", "rk4"):
        raise ValueError(f"unknown integration {integration!r}")
    plan = plan or Plan(p)
    P = np.asarray(P, dtype=float)
    R = P.shape[1]
    save_slots = np.asarray(save_slots, dtype=np.int64)
    save_steps = np.asarray(save_steps, dtype=np.int64)
    out = np.empty((len(save_slots), len(save_steps), R))
    last = int(save_steps[-1]) if len(save_steps) else 0
    save_at = {int(k): i for i, k in enumerate(save_steps)}
    ns, nm, dt = p.n_stocks, p.n_smooths, p.dt
    ev = _Evaluator(p, plan, P)
    prof = np.asarray(p.term_profile)
    mid = np.asarray(p.term_profile_mid)
    S = np.repeat(np.asarray(p.stock_initial)[:, None], R, axis=1)
    stages = np.repeat(np.repeat(np.asarray(p.smooth_initial), np.asarray(p.smooth_order))[:, None], R, axis=1)
    ok = np.ones(R, dtype=bool)
    guarded = plan.last_stage[plan.log_smooths - ns] if len(plan.log_smooths) else np.zeros(0, dtype=np.int64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(last + 1):
            y, flow, rate = ev.evaluate(S, stages, prof[:, k])
            if k in save_at:
                _save(out, save_at[k], save_slots, p, plan, S, stages, y)
            if k == last:
                break
            if integration == "euler":  # 4. every state moves at once, from the rates at this step
                S = S + flow * dt
                if nm:
                    stages = stages + rate * dt
            else:  # classic fourth-order Runge-Kutta over the same step
                h = dt / 2
                _, f2, r2 = ev.evaluate(S + h * flow, stages + h * rate if nm else stages, mid[:, k])
                _, f3, r3 = ev.evaluate(S + h * f2, stages + h * r2 if nm else stages, mid[:, k])
                _, f4, r4 = ev.evaluate(S + dt * f3, stages + dt * r3 if nm else stages, prof[:, k + 1])
                S = S + (dt / 6) * (flow + 2 * f2 + 2 * f3 + f4)
                if nm:
                    stages = stages + (dt / 6) * (rate + 2 * r2 + 2 * r3 + r4)
            if len(guarded):
                v = stages[guarded]
                ok &= ((v >= GUARD_LOW) & (v <= GUARD_HIGH)).all(axis=0)
            if ns:
                ok &= ((S >= GUARD_LOW) & (S <= GUARD_HIGH)).all(axis=0)
    ok &= ~ev.broken
    out[..., ~ok] = np.nan  # a run whose state left the guarded range (or was multiplied by <= 0) broke down
    return out


def _save(out: np.ndarray, j: int, save_slots: np.ndarray, p, plan: Plan, S, stages, y) -> None:
    """Write the saved slots' values (stocks, smooth outputs, auxiliaries) as saved time ``j``."""
    ns, off = p.n_stocks, p.n_stocks + p.n_smooths
    for i, s in enumerate(save_slots):
        if s < ns:
            out[i, j] = S[s]
        elif s < off:
            out[i, j] = stages[plan.last_stage[s - ns]]
        else:
            out[i, j] = np.exp(y[s])


class _Evaluator:
    """Values and rates at given states, for one block of runs (the parameters ``P`` fixed)."""

    def __init__(self, p, plan: Plan, P: np.ndarray) -> None:
        R = P.shape[1]
        self.p, self.plan, self.P, self.R = p, plan, P, R
        self.W = P[p.edge_param] * p.edge_sign[:, None]  # (edges, runs)
        self.tau = P[p.stock_tau]
        self.stage_rate = (np.asarray(p.smooth_order, dtype=float)[:, None] / P[p.smooth_param])[plan.stage_smooth] \
            if p.n_smooths else np.zeros((0, R))  # fmt: skip
        self.dose = P[p.term_param] * p.term_sign[:, None]  # (terms, runs)
        self.inflow = np.repeat(np.asarray(p.stock_inflow)[:, None], R, axis=1)
        self.base = np.asarray(p.aux_base)[:, None]
        self.src = np.asarray(p.edge_src)
        self.ind_slots = p.n_stocks + p.n_smooths + np.asarray(p.stock_indicated)
        self.sm_src = np.asarray(p.smooth_src)
        self.rest = ~plan.stage_first
        self.previous = np.flatnonzero(self.rest) - 1
        self.broken = np.zeros(R, dtype=bool)  # runs in which a multiplier was <= 0 (set by evaluate)

    def evaluate(self, S, stages, g):
        """Values (logs, ``y``) and rates (stock flows, stage rates) at states ``S``, ``stages``; ``g``: profiles."""
        p, plan, ns = self.p, self.plan, self.p.n_stocks
        y = np.zeros((p.n_slots, self.R))
        # 1. logs of the states that feed effects
        if len(plan.log_stocks):
            y[plan.log_stocks] = np.log(S[plan.log_stocks])
        if len(plan.log_smooths):
            y[plan.log_smooths] = np.log(stages[plan.last_stage[plan.log_smooths - ns]])
        # 2. auxiliaries, level by level
        for level in plan.levels:
            self._level(y, g, *level)
        # 3. rates
        flow = (np.exp(y[self.ind_slots]) - S) / self.tau
        flow += self.inflow
        for t in plan.inflow_terms:
            if g[t]:
                flow[p.term_target[t]] += self.dose[t] * g[t]
        rate = None
        if p.n_smooths:
            source = np.where(plan.smooth_from_stock[:, None], S[np.minimum(self.sm_src, ns - 1)] if ns else 0.0,
                              np.exp(y[self.sm_src]))  # fmt: skip
            target = np.empty_like(stages)
            target[plan.stage_first] = source
            target[self.rest] = stages[self.previous]
            rate = (target - stages) * self.stage_rate
        return y, flow, rate

    def _level(self, y, g, s0, s1, e0, e1, A, power, bounded, terms, saturating, sat_param) -> None:
        """One level's auxiliaries into ``y``: edge terms, lookups, interventions, then saturation."""
        p, off, dose = self.p, self.p.n_stocks + self.p.n_smooths, self.dose
        C = self.W[e0:e1] * y[self.src[e0:e1]]
        for li, edges in bounded:
            C[edges] = np.log(np.interp(np.exp(C[edges]), p.lookup_x[li], p.lookup_y[li]))
        y[s0:s1] = self.base[s0 - off : s1 - off] + A @ C
        for t in terms:
            if g[t]:
                m = 1.0 + dose[t] * g[t]  # the reference multiplies by 1 + dose g
                self.broken |= ~(m > 0)  # no logarithm: the run is broken (in every engine)
                y[off + p.term_target[t]] += np.log(np.where(m > 0, m, np.nan))
        if len(saturating):  # y = B tanh(y / B): bounded within [-B, B], slope 1 at 0, odd
            rows = s0 + saturating
            B = self.P[sat_param]
            y[rows] = B * np.tanh(y[rows] / B)
