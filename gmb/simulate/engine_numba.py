"""The ensemble engine compiled with numba: the numpy engine's steps, fused, for speed.

Same program, same order of evaluation, same Euler as :mod:`gmb.simulate.engine_numpy`
(tests hold both to the reference simulator within 1e-12). The difference is
that one step for a block of runs is a handful of tight loops with the runs
innermost, which LLVM turns into AVX vector code — no temporary arrays, no
passes over memory between operations. Three things make it fast:

* ``exp`` and ``log`` are written out (:func:`~gmb.simulate.numba_math.fexp`,
  :func:`~gmb.simulate.numba_math.flog`, in :mod:`gmb.simulate.numba_math`): numba
  calls the C library for ``math.exp``/``math.log`` one number at a time, which
  stops the loops from being vectorised; these versions are plain arithmetic and vectorise.
* Stocks are kept as their logs ``u = log S`` — what the effects use. Euler's
  ``S + (S* - S) dt/tau`` is, exactly, ``u + log1p(k expm1(d))`` with ``k = dt/tau``
  and ``d = log S* - u``; near the indicated value (``|d| <= 0.2``) two short
  series give both to full precision with no range reduction; elsewhere, per
  run, the general formula runs. So a stock costs about one exp-sized series
  per step instead of an exp and a log.
* A run whose stocks leave [1e-300, 1e300] is marked broken (NaN), as in the
  numpy engine; the hot loops then need no special cases for 0, inf or NaN.

The only ``fastmath`` flag is ``contract`` (fused multiply-add), which LLVM applies
alike to the vector and the scalar code paths, and every choice above is made
run by run, so a run's result does not depend on which block or lane it ran in
(a test checks this bit for bit).

``bench/engine_vs_pysd.py`` shows this pays: about 4–6× the numpy engine.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.program import compile_model
>>> p = compile_model(chain_model(2))
>>> out = run_numba(p, p.nominal(3), save_slots=[0], save_steps=[0, p.steps])
>>> out.shape, bool((out == 1.0).all())  # no intervention: the model rests
((1, 2, 3), True)
"""

from __future__ import annotations

import numpy as np

# a run whose state leaves [GUARD_LOW, GUARD_HIGH] has broken down: the same rule as the numpy engine
from gmb.simulate.engine_numpy import GUARD_HIGH, GUARD_LOW

# the kernel's numerics: module globals here, so numba inlines them into the kernel (and caches it)
from gmb.simulate.numba_math import (
    _D_MAX,
    _HAVE_NUMBA,
    _T_MAX,
    _X_MAX,
    available,
    vexp,
    vlog,
    vtanh,
)

__all__ = ["LANES", "available", "run_numba", "vexp", "vlog", "vtanh"]

#: runs advanced together inside the kernel (fits the working set in the L1/L2 cache)
LANES = 128

# log(GUARD_LOW), log(GUARD_HIGH): the guard on the log of a stock
_U_LOW, _U_HIGH = -690.7755278982137, 690.7755278982137
# the guard as one unsigned comparison of the bits (positive doubles order like their bit patterns;
# negative numbers and NaN fall outside): GUARD_LOW <= v <= GUARD_HIGH
_GUARD_LOW_BITS = int(np.array(GUARD_LOW).view(np.int64))
_GUARD_SPAN = np.uint64(int(np.array(GUARD_HIGH).view(np.int64)) - _GUARD_LOW_BITS)

if _HAVE_NUMBA:
    import numba

    from gmb.simulate.numba_math import (
        _OPTS,
        _expm1_small,
        _f2i,
        _fexp_fast,
        _flog_fast,
        _interp,
        _interp_even,
        _log1p_small,
        _tanh,
        _tanh_series,
        fexp,
        flog,
    )

    @numba.njit(**_OPTS)
    def _kernel(P, last, dt, save_slot, save_at, out, o0,
                ns, nm, na, aux_ptr, edge_src, edge_param, edge_sign, edge_lookup, aux_base, aux_sat,
                lut_x, lut_y, lut_n, lut_h, stock_initial, stock_indicated, stock_tau, stock_inflow,
                smooth_src, smooth_order, smooth_param, smooth_initial, stage_ptr,
                aux_term_ptr, aux_term, stock_term_ptr, stock_term, term_param, term_sign, prof,
                log_state):  # fmt: skip
        R = P.shape[1]
        off = ns + nm
        ne = edge_src.shape[0]
        nst = stage_ptr[nm]
        W = np.empty((ne, R))
        for e in range(ne):
            for r in range(R):
                W[e, r] = P[edge_param[e], r] * edge_sign[e]
        tau = np.empty((ns, R))
        y = np.zeros((off + na, R))
        for s in range(ns):
            u0 = flog(stock_initial[s])
            for r in range(R):
                tau[s, r] = dt / P[stock_tau[s], r]  # k = dt/tau: one multiply per step, no division
                y[s, r] = u0  # stocks are kept as their logs u = log S (what the effects use)
        stages = np.empty((nst, R))
        srate = np.empty((nm, R))
        for m in range(nm):
            for r in range(R):
                srate[m, r] = smooth_order[m] / P[smooth_param[m], r] * dt  # stage rate times dt
            for j in range(stage_ptr[m], stage_ptr[m + 1]):
                for r in range(R):
                    stages[j, r] = smooth_initial[m]
        nt = term_param.shape[0]
        dose = np.empty((nt, R))
        for t in range(nt):
            for r in range(R):
                dose[t, r] = P[term_param[t], r] * term_sign[t]
        acc = np.empty(R)
        src = np.empty(R)
        ok = np.ones(R, dtype=np.bool_)
        binv = np.zeros((na, R))  # 1 / B of each saturating auxiliary (a multiply per step instead of a division)
        for a in range(na):
            if aux_sat[a] >= 0:
                for r in range(R):
                    binv[a, r] = 1.0 / P[aux_sat[a], r]
        # 1. logs of the delayed values that feed effects (stocks are kept as logs); afterwards they are
        # updated where the stages move (step 3): nothing reads them between there and the next step's effects
        for m in range(nm):
            if log_state[ns + m]:
                j = stage_ptr[m + 1] - 1
                for r in range(R):
                    y[ns + m, r] = _flog_fast(stages[j, r])
        for k in range(last + 1):
            # 2. auxiliaries in evaluation order
            for a in range(na):
                b = aux_base[a]
                e = aux_ptr[a]
                end = aux_ptr[a + 1]
                # power edges two at a time (one pass over acc for both), the first pair starting from b
                first = True
                while e + 1 < end and edge_lookup[e] < 0 and edge_lookup[e + 1] < 0:
                    s1 = edge_src[e]
                    s2 = edge_src[e + 1]
                    if first:
                        for r in range(R):
                            acc[r] = b + W[e, r] * y[s1, r] + W[e + 1, r] * y[s2, r]
                        first = False
                    else:
                        for r in range(R):
                            acc[r] += W[e, r] * y[s1, r] + W[e + 1, r] * y[s2, r]
                    e += 2
                if first:
                    for r in range(R):
                        acc[r] = b
                for e in range(e, end):  # noqa: B020 - the rest of this auxiliary's edges, after the pairs
                    s = edge_src[e]
                    li = edge_lookup[e]
                    if li < 0:
                        for r in range(R):
                            acc[r] += W[e, r] * y[s, r]
                    else:
                        n = lut_n[li]
                        h = lut_h[li]
                        xs = lut_x[li]
                        ys = lut_y[li]
                        # three separate loops: fused, LLVM's code for exp -> interp -> log is ~7x slower
                        for r in range(R):
                            src[r] = fexp(W[e, r] * y[s, r])
                        if h > 0.0:
                            for r in range(R):
                                src[r] = _interp_even(src[r], xs, ys, n, h)
                        else:
                            for r in range(R):
                                src[r] = _interp(src[r], xs, ys, n)
                        for r in range(R):
                            acc[r] += flog(src[r])
                for q in range(aux_term_ptr[a], aux_term_ptr[a + 1]):
                    t = aux_term[q]
                    g = prof[t, k]
                    if g != 0.0:
                        for r in range(R):
                            mult = 1.0 + dose[t, r] * g  # the reference multiplies by 1 + dose g
                            ok[r] &= mult > 0.0  # no logarithm: the run is broken (as in the numpy engine)
                            acc[r] += _flog_fast(max(mult, 1e-300))
                bi = aux_sat[a]
                if bi >= 0:  # saturating: y = B tanh(y / B); near baseline a short odd series, no exp or division
                    far = False
                    for r in range(R):
                        x = acc[r] * binv[a, r]
                        far |= abs(x) > _T_MAX
                        y[off + a, r] = P[bi, r] * (x * _tanh_series(x * x))
                    if far:  # some run is far from baseline: the general formula for it (per run)
                        for r in range(R):
                            x = acc[r] * binv[a, r]
                            if abs(x) > _T_MAX:
                                y[off + a, r] = P[bi, r] * _tanh(x)
                else:
                    for r in range(R):
                        y[off + a, r] = acc[r]
            j = save_at[k]
            if j >= 0:
                for i in range(save_slot.shape[0]):
                    s = save_slot[i]
                    if s < ns:
                        for r in range(R):
                            out[i, j, o0 + r] = fexp(y[s, r])
                    elif s < off:
                        st = stage_ptr[s - ns + 1] - 1
                        for r in range(R):
                            out[i, j, o0 + r] = stages[st, r]
                    else:
                        for r in range(R):
                            out[i, j, o0 + r] = fexp(y[s, r])
            if k == last:
                break
            # 3. smooth stages first (they read the stocks' values at this step), last stage first
            for m in range(nm):
                p0 = stage_ptr[m]
                for jj in range(stage_ptr[m + 1] - 1, p0, -1):
                    for r in range(R):
                        stages[jj, r] = stages[jj, r] + (stages[jj - 1, r] - stages[jj, r]) * srate[m, r]
                s = smooth_src[m]  # a stock (its log, guarded) or an auxiliary (a log; extremes are clamped)
                for r in range(R):
                    stages[p0, r] = stages[p0, r] + (_fexp_fast(y[s, r]) - stages[p0, r]) * srate[m, r]
                if log_state[ns + m]:  # the delayed value's log for the next step's effects, and its guard
                    j = stage_ptr[m + 1] - 1
                    for r in range(R):
                        v = stages[j, r]
                        y[ns + m, r] = _flog_fast(v)
                        ok[r] &= np.uint64(_f2i(v) - _GUARD_LOW_BITS) <= _GUARD_SPAN
            # 4. stocks: each flow reads only its own stock and the auxiliaries
            for s in range(ns):
                ia = off + stock_indicated[s]
                inflow = stock_inflow[s] * dt
                active = False
                for q in range(stock_term_ptr[s], stock_term_ptr[s + 1]):
                    active = active or prof[stock_term[q], k] != 0.0
                if active or inflow != 0.0:  # an inflow: S + ((S* - S) / tau + inflow) dt, in linear space
                    for r in range(R):
                        acc[r] = inflow
                    for q in range(stock_term_ptr[s], stock_term_ptr[s + 1]):
                        t = stock_term[q]
                        g = prof[t, k] * dt
                        if g != 0.0:
                            for r in range(R):
                                acc[r] += dose[t, r] * g
                    for r in range(R):
                        sv = fexp(y[s, r])
                        u = flog(sv + (fexp(y[ia, r]) - sv) * tau[s, r] + acc[r])
                        y[s, r] = u
                        ok[r] &= (u >= _U_LOW) & (u <= _U_HIGH)
                    continue
                # S + (S* - S) k = S (1 + k (S*/S - 1)): in logs u + log1p(k expm1(log S* - u))
                far = False
                for r in range(R):
                    d = y[ia, r] - y[s, r]
                    x = tau[s, r] * _expm1_small(d)
                    acc[r] = x
                    far |= (abs(d) > _D_MAX) | (abs(x) > _X_MAX)
                if far:  # some run is far from its indicated value: the general formula for it (per run)
                    for r in range(R):
                        d = y[ia, r] - y[s, r]
                        x = acc[r]
                        near = y[s, r] + _log1p_small(x)
                        sv = fexp(y[s, r])
                        general = flog(sv + (fexp(y[ia, r]) - sv) * tau[s, r])
                        u = general if (abs(d) > _D_MAX) | (abs(x) > _X_MAX) else near
                        y[s, r] = u
                        ok[r] &= (u >= _U_LOW) & (u <= _U_HIGH)
                else:
                    for r in range(R):
                        u = y[s, r] + _log1p_small(acc[r])
                        y[s, r] = u
                        ok[r] &= (u >= _U_LOW) & (u <= _U_HIGH)
        for r in range(R):
            if not ok[r]:  # a state left the guarded range: the run broke down (as the reference would)
                for i in range(out.shape[0]):
                    for jj in range(out.shape[1]):
                        out[i, jj, o0 + r] = np.nan

    # The parallel path (run_numba(..., parallel=True)): numba's own threads over the blocks of runs, each block
    # copied contiguous and run by the same kernel (the same machine code as the serial path: bit-identical).
    @numba.njit(parallel=True, **_OPTS)
    def _blocks(P, lanes, last, dt, save_slot, save_at, out,
                ns, nm, na, aux_ptr, edge_src, edge_param, edge_sign, edge_lookup, aux_base, aux_sat,
                lut_x, lut_y, lut_n, lut_h, stock_initial, stock_indicated, stock_tau, stock_inflow,
                smooth_src, smooth_order, smooth_param, smooth_initial, stage_ptr,
                aux_term_ptr, aux_term, stock_term_ptr, stock_term, term_param, term_sign, prof,
                log_state):  # fmt: skip
        R = P.shape[1]
        nb = (R + lanes - 1) // lanes
        for b in numba.prange(nb):
            r0 = b * lanes
            block = np.ascontiguousarray(P[:, r0 : min(R, r0 + lanes)])
            _kernel(block, last, dt, save_slot, save_at, out, r0,
                    ns, nm, na, aux_ptr, edge_src, edge_param, edge_sign, edge_lookup, aux_base, aux_sat,
                    lut_x, lut_y, lut_n, lut_h, stock_initial, stock_indicated, stock_tau, stock_inflow,
                    smooth_src, smooth_order, smooth_param, smooth_initial, stage_ptr,
                    aux_term_ptr, aux_term, stock_term_ptr, stock_term, term_param, term_sign, prof,
                    log_state)  # fmt: skip


class NumbaPlan:
    """The program's arrays in the layout the kernel takes (built once per program)."""

    def __init__(self, p) -> None:
        i64 = np.int64
        self.p = p
        nl = len(p.lookup_x)
        width = max([len(x) for x in p.lookup_x] + [1])
        self.lut_x = np.zeros((max(nl, 1), width))
        self.lut_y = np.zeros((max(nl, 1), width))
        self.lut_n = np.zeros(max(nl, 1), dtype=i64)
        self.lut_h = np.zeros(max(nl, 1))
        for i, (x, y) in enumerate(zip(p.lookup_x, p.lookup_y)):
            self.lut_x[i, : len(x)] = x
            self.lut_y[i, : len(y)] = y
            self.lut_n[i] = len(x)
            gaps = np.diff(x)
            if len(x) > 1 and np.allclose(gaps, gaps[0], rtol=1e-9, atol=0):
                self.lut_h[i] = (x[-1] - x[0]) / (len(x) - 1)
        ch, tg = np.asarray(p.term_channel), np.asarray(p.term_target)
        self.aux_term_ptr, self.aux_term = _csr(tg, ch == 0, p.n_aux)
        self.stock_term_ptr, self.stock_term = _csr(tg, ch == 1, p.n_stocks)
        off = p.n_stocks + p.n_smooths
        log_state = np.zeros(max(off, 1), dtype=np.bool_)
        src = np.asarray(p.edge_src)
        log_state[src[src < off]] = True
        self.log_state = log_state
        prof = np.asarray(p.term_profile, dtype=float)
        self.prof = prof if prof.size else np.zeros((0, p.steps + 1))
        self.args = tuple(np.array(a) if isinstance(a, np.ndarray) else a for a in (
            p.n_stocks, p.n_smooths, p.n_aux, np.asarray(p.aux_ptr, i64), np.asarray(p.edge_src, i64),
            np.asarray(p.edge_param, i64), np.asarray(p.edge_sign, float), np.asarray(p.edge_lookup, i64),
            np.asarray(p.aux_base, float), np.asarray(p.aux_sat, i64), self.lut_x, self.lut_y, self.lut_n, self.lut_h,
            np.asarray(p.stock_initial, float), np.asarray(p.stock_indicated, i64), np.asarray(p.stock_tau, i64),
            np.asarray(p.stock_inflow, float), np.asarray(p.smooth_src, i64), np.asarray(p.smooth_order, i64),
            np.asarray(p.smooth_param, i64), np.asarray(p.smooth_initial, float), np.asarray(p.stage_ptr, i64),
            self.aux_term_ptr, self.aux_term, self.stock_term_ptr, self.stock_term,
            np.asarray(p.term_param, i64), np.asarray(p.term_sign, float), np.ascontiguousarray(self.prof),
            self.log_state,
        ))  # fmt: skip  # writable copies: numba compiles read-only arrays separately


def _csr(target: np.ndarray, mask: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.flatnonzero(mask)
    order = idx[np.argsort(target[idx], kind="stable")]
    counts = np.bincount(target[idx], minlength=n) if len(idx) else np.zeros(n, dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ptr, order.astype(np.int64)


def run_numba(p, P: np.ndarray, *, save_slots, save_steps, plan: NumbaPlan | None = None,
              lanes: int = LANES, parallel: bool = False) -> np.ndarray:  # fmt: skip
    """:func:`gmb.simulate.engine_numpy.run_numpy`, compiled (same arguments, same result to round-off).

    ``parallel``: the blocks of ``lanes`` runs are spread over numba's threads (``prange``) instead of run
    one after the other; every run's numbers are the same bit for bit (each block runs the same kernel).
    """
    if not _HAVE_NUMBA:  # pragma: no cover
        raise ImportError("numba is not installed")
    plan = plan or NumbaPlan(p)
    P = np.ascontiguousarray(P, dtype=float)
    R = P.shape[1]
    save_slots = np.asarray(save_slots, dtype=np.int64)
    save_steps = np.asarray(save_steps, dtype=np.int64)
    last = int(save_steps[-1]) if len(save_steps) else 0
    save_at = np.full(last + 1, -1, dtype=np.int64)
    save_at[save_steps] = np.arange(len(save_steps))
    out = np.empty((len(save_slots), len(save_steps), R))
    if parallel:
        _blocks(P, lanes, last, p.dt, save_slots, save_at, out, *plan.args)
        return out
    for r0 in range(0, R, lanes):
        block = np.ascontiguousarray(P[:, r0 : r0 + lanes])
        _kernel(block, last, p.dt, save_slots, save_at, out, r0, *plan.args)
    return out
