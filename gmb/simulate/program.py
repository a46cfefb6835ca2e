"""A :class:`StockFlowModel` compiled once into index arrays, for the ensemble engine.

The engine never looks at element names while it runs. Compiling numbers every
value the model computes into *slots* — stocks, then smooth outputs, then
auxiliaries in evaluation order — and turns each effect into an *edge*
``source slot → auxiliary`` with the index of its elasticity parameter. In log
space (``y = log x``) an auxiliary is then a sparse sum over its edges,

    y_aux = log(input) + Σ_edges sign · e[param] · y[source]

(through ``log L(exp(...))`` for a bounded effect; then ``B·tanh(y_aux / B)`` for a
saturating auxiliary, with ``B`` the parameter ``aux_sat`` points to), which is what
:mod:`gmb.simulate.ensemble` evaluates for all runs at once.

Parameters are one matrix ``P`` of shape ``(n_params, runs)``: the model's
constants in model order, then the doses: one per intervention term, and for a
term that is a share of its idea's dose (``Intervention.share``) the idea's dose
factors once per idea, from which :meth:`Program.derive_doses` computes the term's
dose in every run (so all targets of an idea share one draw). Interventions
come either from the model's inputs (``Input.shape``, see
:mod:`gmb.simulate.interventions`) or are passed to :func:`compile_model`; each
becomes a *term* with a profile ``g`` precomputed at every step's time.

>>> from gmb.simulate.synthetic import chain_model
>>> p = compile_model(chain_model(3))
>>> p.n_stocks, p.n_aux, len(p.param_names), p.edge_src.tolist()  # 3 elasticities, 3 times, the ceiling B
(3, 3, 7, [0, 1, 2])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import numpy as np

from gmb.errors import NotFoundError, SimulationError

__all__ = ["Program", "compile_model", "step_times"]


def _rebuild_model(cls, fields):
    return cls(**fields)


def _reduce_model(model):
    # StockFlowModel keeps a read-only name index (a mappingproxy, which pickle refuses): pickle the
    # fields and rebuild, so a Study (and its model) can travel to other processes (e.g. dask workers)
    from dataclasses import fields

    return _rebuild_model, (type(model), {f.name: getattr(model, f.name) for f in fields(model) if f.init})


def _register_pickling() -> None:
    import copyreg

    from gmb.stockflow.model import StockFlowModel

    copyreg.pickle(StockFlowModel, _reduce_model)


_register_pickling()


def step_times(start: float, dt: float, steps: int) -> np.ndarray:
    """The clock at each step, accumulated as pysd (and the reference simulator) do: ``t + dt``."""
    out = np.empty(steps + 1)
    t = start
    for k in range(steps + 1):
        out[k] = t
        t = t + dt
    return out


@dataclass(frozen=True, eq=False)
class Program:
    """The compiled model (see the module docstring). Arrays are read-only; build with :func:`compile_model`."""

    name: str
    dt: float
    steps: int
    times: np.ndarray  # (steps + 1,)
    unit: str
    # slots: stocks [0, ns), smooth outputs [ns, ns + nm), auxiliaries [ns + nm, ...)
    n_stocks: int
    n_smooths: int
    n_aux: int
    slot_names: tuple[str, ...]
    # edges, grouped by target auxiliary (CSR: aux_ptr[a]..aux_ptr[a+1]) in evaluation order
    aux_ptr: np.ndarray
    edge_src: np.ndarray  # source slot
    edge_param: np.ndarray  # elasticity parameter index
    edge_sign: np.ndarray  # +1.0 / -1.0
    edge_lookup: np.ndarray  # lookup index or -1 (power)
    aux_level: np.ndarray  # dependency level of each auxiliary (0: only states)
    aux_base: np.ndarray  # log of the auxiliary's constant input value
    aux_sat: np.ndarray  # saturation parameter index (B) of each auxiliary, or -1 (no bound)
    lookup_x: tuple[np.ndarray, ...]
    lookup_y: tuple[np.ndarray, ...]
    # stocks
    stock_initial: np.ndarray
    stock_indicated: np.ndarray  # aux index (0-based among auxiliaries) of each stock's indicated value
    stock_tau: np.ndarray  # adjustment-time parameter index
    stock_inflow: np.ndarray  # constant inflow (the inflow input's value)
    # smooths: one entry per smooth; its stages are rows stage_ptr[m]..stage_ptr[m]+order-1 of the stage array
    smooth_src: np.ndarray  # slot of the smoothed value
    smooth_order: np.ndarray
    smooth_param: np.ndarray  # delay-time parameter index
    smooth_initial: np.ndarray
    stage_ptr: np.ndarray
    # intervention terms
    term_channel: np.ndarray  # 0: multiplies an auxiliary (level / indicated), 1: adds to a stock's inflow
    term_target: np.ndarray  # aux index or stock index
    term_param: np.ndarray  # dose parameter index
    term_sign: np.ndarray
    term_profile: np.ndarray  # (n_terms, steps + 1): g at each step's time
    term_profile_mid: np.ndarray  # (n_terms, steps + 1): g half a step later (for RK4)
    term_keys: tuple[str, ...]
    # parameters: model constants, then doses
    param_names: tuple[str, ...]
    param_nominal: np.ndarray
    param_low: np.ndarray
    param_high: np.ndarray
    param_kind: tuple[str, ...]  # elasticity / adjustment_time / delay_time / other / dose
    param_ref: tuple[str | None, ...]
    # where each CLD variable's value lives (slot), and the outcome
    variables: dict[str, int] = field(default_factory=dict)
    outcome_slot: int = -1
    outcome: str | None = None
    model: Any = field(default=None, repr=False)
    # per parameter: P(present) and P(sign as drawn) of an elasticity's link (1 for every other parameter);
    # the sampler draws presence and sign per link where the "structure" kind varies
    param_present: np.ndarray | None = None
    param_sign: np.ndarray | None = None
    # terms whose dose is a share of their idea's dose: term index, factor parameter rows, weight, '-' reciprocal
    term_shares: tuple[tuple[int, tuple[int, ...], float, bool], ...] = ()

    def derive_doses(self, P: np.ndarray) -> np.ndarray:
        """``P`` with each share term's dose row computed from its idea's factor rows (a copy; ``P`` if none).

        ``x = weight · Π factors``; the row is ``x`` (``+``, or the inflow) or ``x / (1 + x)`` (``-`` on a
        multiplicative channel, so the multiplier ``1 - x/(1 + x)`` is ``1 / (1 + x)``).
        """
        if not self.term_shares:
            return P
        P = np.array(P, dtype=float, copy=True)
        for t, rows, weight, recip in self.term_shares:
            x = weight * np.prod(P[list(rows)], axis=0)
            P[self.term_param[t]] = x / (1.0 + x) if recip else x
        return P

    @property
    def outcome_variable(self) -> str | None:
        """The outcome's CLD variable id (``None`` without an outcome)."""
        return next((v for v, s in self.variables.items() if s == self.outcome_slot), self.outcome)

    @property
    def n_slots(self) -> int:
        return self.n_stocks + self.n_smooths + self.n_aux

    @property
    def n_stages(self) -> int:
        return int(self.stage_ptr[-1]) if len(self.stage_ptr) else 0

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    @property
    def n_terms(self) -> int:
        return len(self.term_param)

    def slot(self, name: str) -> int:
        """The slot of a CLD variable id or an element name (stock, smooth, auxiliary)."""
        if name in self.variables:
            return self.variables[name]
        try:
            return self.slot_names.index(name)
        except ValueError:
            known = ", ".join(list(self.variables)[:12])
            raise NotFoundError(f"the model has no variable {name!r}", field="variable",
                                hint=f"variables: {known}…") from None  # fmt: skip

    def param(self, name: str) -> int:
        try:
            return self.param_names.index(name)
        except ValueError:
            raise NotFoundError(f"the model has no parameter {name!r}", field="parameter") from None

    def step_of(self, time: float) -> int:
        """The step whose clock is nearest to ``time`` (SimulationError beyond the model's time)."""
        if time < self.times[0] - 1e-9 or time > self.times[-1] + 1e-9:
            raise SimulationError(
                f"time {time:g} is outside the model's {self.times[0]:g}–{self.times[-1]:g} {self.unit}",
                field="horizon",
            )
        return int(np.argmin(np.abs(self.times - time)))

    def nominal(self, runs: int = 1) -> np.ndarray:
        """The nominal parameter matrix ``(n_params, runs)``."""
        return np.repeat(self.param_nominal[:, None], runs, axis=1)


def _levels(order: Sequence[str], index: dict[str, Any], aux_pos: dict[str, int]) -> dict[str, int]:
    level: dict[str, int] = {}
    for name in order:
        el = index[name]
        if el.kind != "auxiliary":
            continue
        lv = 0
        for f in el.factors:
            src = index[f].source
            if src in aux_pos:
                lv = max(lv, level[src] + 1)
        level[name] = lv
    return level


class _Params:
    """The parameter table as :func:`compile_model` builds it: the model's constants, then the doses."""

    def __init__(self, consts: Sequence[Any]) -> None:
        # one list per column (Program's param_* fields): name, nominal, low, high, kind, ref, P(present), P(sign)
        self.columns: tuple[list, ...] = tuple([] for _ in range(8))
        for c in consts:
            self.add(c.name, float(c.value), float(c.value if c.low is None else c.low),
                     float(c.value if c.high is None else c.high), c.role, c.ref,
                     float(getattr(c, "p_present", 1.0)), float(getattr(c, "p_sign", 1.0)))  # fmt: skip
        self.index = {n: i for i, n in enumerate(self.columns[0])}  # the constants by name (doses are found by row)

    def add(self, name: str, nominal: float, low: float, high: float, kind: str = "dose", ref: str | None = None,
            present: float = 1.0, sign: float = 1.0) -> int:  # fmt: skip
        """Append one parameter; returns its row."""
        for column, value in zip(self.columns, (name, nominal, low, high, kind, ref, present, sign)):
            column.append(value)
        return len(self.columns[0]) - 1


def _edges(model: Any, index: dict[str, Any], auxes: list[Any], slot: dict[str, int], pidx: dict[str, int]):
    """Each auxiliary's edges (CSR over ``aux_ptr``), its log base (the input's value) and saturation row."""
    lookups = {lk.name: i for i, lk in enumerate(model.lookups)}
    ptr, src, par, sgn, lut = [0], [], [], [], []
    base = np.zeros(len(auxes))
    sat = np.array([pidx[a.saturation] if getattr(a, "saturation", None) else -1 for a in auxes], dtype=np.int64)
    inputs = {i.name: i for i in model.inputs}
    for a_i, a in enumerate(auxes):
        for f in a.factors:
            eff = index[f]
            src.append(slot[eff.source])
            par.append(pidx[eff.elasticity])
            sgn.append(float(eff.sign))
            lut.append(lookups[eff.lookup] if eff.lookup else -1)
        ptr.append(len(src))
        if a.input is not None:
            value = inputs[a.input].constant
            if not value > 0:
                raise SimulationError(f"input {a.input} must be > 0 (it multiplies), got {value:g}", field=a.input)
            base[a_i] = np.log(value)
    return ptr, src, par, sgn, lut, base, sat


def _stock_flows(model: Any, stocks: list[Any], aux_index: dict[str, int], pidx: dict[str, int]):
    """Per stock: its indicated value's auxiliary, its adjustment-time row and its constant inflow."""
    flows = {f.name: f for f in model.flows}
    inputs = {i.name: i for i in model.inputs}
    s_ind, s_tau, s_in = [], [], []
    for s in stocks:
        f = flows[s.flow]
        s_ind.append(aux_index[f.indicated])
        s_tau.append(pidx[f.adjustment_time])
        s_in.append(inputs[f.input].constant if f.input else 0.0)
    return s_ind, s_tau, s_in


def _gather_terms(model: Any, interventions: Iterable[Any]) -> list[tuple[Any, str, Any]]:
    """The intervention terms ``(intervention, channel, input element)``: the model's own shapes, then the extra."""
    from gmb.simulate.interventions import InputShape, check_resolved, resolve_channel

    terms: list[tuple[Any, str, Any]] = []
    for inp in model.inputs:
        if isinstance(inp.shape, InputShape):
            doses = inp.shape._doses()
            for iv, dose in zip(inp.shape.interventions, doses):
                if np.ndim(dose):
                    raise SimulationError("compile a model with one dose per intervention", field=inp.name)
                fixed = {"dose": float(dose)}
                if iv.share is not None and float(dose) != iv.dose:  # a replayed draw: that dose, not the share's
                    fixed.update(share=None, low=None, high=None)
                terms.append((iv.model_copy(update=fixed), inp.channel, inp))
        elif inp.shape is not None:
            raise SimulationError(f"input {inp.name} has a shape the engine does not know", field=inp.name)
    for iv in interventions:
        channel = resolve_channel(model, iv.variable, iv.channel)
        terms.append((check_resolved(iv, channel), channel, model.input_for(iv.variable, channel)))
    return terms


def _share_rows(iv: Any, params: _Params, factor_row: dict[str, tuple[int, tuple]]) -> tuple[int, ...]:
    """The parameter rows of a share term's idea factors (added once per idea and plan)."""
    rows = []
    for f in iv.share.factors:
        rng = (f.low, f.nominal, f.high)
        fkey = f.key
        while fkey in factor_row and factor_row[fkey][1] != rng:  # another plan for the same idea
            fkey += "'"
        if fkey not in factor_row:
            row = params.add(f"dose[{fkey}]", float(f.nominal), float(f.low), float(f.high), ref=fkey)
            factor_row[fkey] = (row, rng)
        rows.append(factor_row[fkey][0])
    return tuple(rows)


def _term_arrays(model: Any, terms, stocks, auxes, aux_index, params: _Params, times: np.ndarray) -> dict[str, Any]:
    """Each term's channel, target, dose row, sign and profiles (and the share terms); adds the dose rows."""
    t_ch, t_tg, t_par, t_sg, t_prof, t_mid, t_keys, t_shares = [], [], [], [], [], [], [], []
    factor_row: dict[str, tuple[int, tuple[float, float, float]]] = {}
    stock_pos = {s.name: i for i, s in enumerate(stocks)}
    for n, (iv, channel, inp) in enumerate(terms):
        if channel == "inflow":
            flow = next(f for f in model.flows if f.input == inp.name)
            t_ch.append(1)
            t_tg.append(stock_pos[flow.stock])
        else:
            aux = next(a for a in auxes if a.input == inp.name)
            t_ch.append(0)
            t_tg.append(aux_index[aux.name])
        key = iv.key
        while key in t_keys:  # the same idea acting twice on one input: keep keys unique
            key += "'"
        t_keys.append(key)
        lo, hi = iv.dose_range
        if iv.share is not None:  # the row is derived from the idea's factors: a point range, never sampled
            lo = hi = iv.dose
        t_par.append(params.add(f"dose[{key}]", float(iv.dose), float(lo), float(hi), ref=key))
        if iv.share is not None:
            rows = _share_rows(iv, params, factor_row)
            t_shares.append((n, rows, float(iv.share.weight), iv.direction == "-" and channel != "inflow"))
        t_sg.append(iv.sign)
        t_prof.append(np.asarray(iv.profile(times, model.time.dt), dtype=float))
        t_mid.append(np.asarray(iv.profile(times + model.time.dt / 2, model.time.dt), dtype=float))
    shape = (len(terms), len(times))
    return {"term_channel": _ro(t_ch, np.int64), "term_target": _ro(t_tg, np.int64), "term_param": _ro(t_par, np.int64),
            "term_sign": _ro(t_sg), "term_profile": _ro(np.array(t_prof).reshape(shape)),
            "term_profile_mid": _ro(np.array(t_mid).reshape(shape)), "term_keys": tuple(t_keys),
            "term_shares": tuple(t_shares)}  # fmt: skip


def _ro(x: Any, dtype: Any = float) -> np.ndarray:
    """``x`` as a read-only array (a Program's arrays never change)."""
    a = np.asarray(x, dtype=dtype)
    a.setflags(write=False)
    return a


def compile_model(model: Any, interventions: Iterable[Any] = ()) -> Program:
    """Compile ``model`` (and extra ``interventions``, each adding a dose parameter) into a :class:`Program`.

    Interventions already on the model's inputs (``Input.shape``) are compiled
    too, with their doses as parameters (nominal = the dose, range = its range).
    """
    index = {el.name: el for el in model}
    stocks, smooths = list(model.stocks), list(model.smooths)
    auxes = [index[n] for n in model.order if index[n].kind == "auxiliary"]
    levels = _levels(model.order, index, {a.name: i for i, a in enumerate(auxes)})
    auxes.sort(key=lambda a: levels[a.name])  # stable, by level: evaluation order within a level (topological)
    slot_names = tuple([s.name for s in stocks] + [m.name for m in smooths] + [a.name for a in auxes])
    slot = {n: i for i, n in enumerate(slot_names)}
    aux_index = {a.name: i for i, a in enumerate(auxes)}
    params = _Params(model.constants)
    lx = tuple(np.array([p[0] for p in lk.points], dtype=float) for lk in model.lookups)
    ly = tuple(np.array([p[1] for p in lk.points], dtype=float) for lk in model.lookups)
    ptr, src, par, sgn, lut, base, sat = _edges(model, index, auxes, slot, params.index)
    s_ind, s_tau, s_in = _stock_flows(model, stocks, aux_index, params.index)
    stage_ptr = list(accumulate((int(m.order) for m in smooths), initial=0))  # each smooth's first stage row
    times = step_times(model.time.start, model.time.dt, model.time.steps)
    terms = _term_arrays(model, _gather_terms(model, interventions), stocks, auxes, aux_index, params, times)
    variables = {el.variable: slot[el.name] for el in model.variables}
    names, nominal, low, high, kind, ref, present, sign = params.columns
    return Program(
        name=model.name, dt=float(model.time.dt), steps=int(model.time.steps), times=_ro(times), unit=model.time.unit,
        n_stocks=len(stocks), n_smooths=len(smooths), n_aux=len(auxes), slot_names=slot_names,
        aux_ptr=_ro(ptr, np.int64), edge_src=_ro(src, np.int64), edge_param=_ro(par, np.int64),
        edge_sign=_ro(sgn), edge_lookup=_ro(lut, np.int64),
        aux_level=_ro([levels[a.name] for a in auxes], np.int64), aux_base=_ro(base), aux_sat=_ro(sat, np.int64),
        lookup_x=lx, lookup_y=ly,
        stock_initial=_ro([s.initial for s in stocks]), stock_indicated=_ro(s_ind, np.int64),
        stock_tau=_ro(s_tau, np.int64), stock_inflow=_ro(s_in),
        smooth_src=_ro([slot[m.source] for m in smooths], np.int64),
        smooth_order=_ro([m.order for m in smooths], np.int64),
        smooth_param=_ro([params.index[m.delay_time] for m in smooths], np.int64),
        smooth_initial=_ro([m.initial for m in smooths]), stage_ptr=_ro(stage_ptr, np.int64),
        **terms,
        param_names=tuple(names), param_nominal=_ro(nominal), param_low=_ro(low), param_high=_ro(high),
        param_kind=tuple(kind), param_ref=tuple(ref),
        variables=variables, outcome_slot=slot[model.outcome] if model.outcome else -1, outcome=model.outcome,
        model=model, param_present=_ro(present), param_sign=_ro(sign),
    )  # fmt: skip
