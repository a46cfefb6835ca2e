"""The reference simulator: a :class:`StockFlowModel` run with Euler in plain numpy.

It follows the evaluation order of :mod:`gmb.stockflow.model` and pysd's Euler
semantics exactly, so that it agrees with pysd running the written XMILE or
Vensim file to round-off:

* at each saved time the states (stocks, smooth stages) are known; constants,
  inputs, smooth outputs (last stage), effects and auxiliaries (``model.order``)
  and flows are computed from them and recorded;
* then every state moves at once: ``state + ddt * dt``, with a smooth of order
  ``n`` having ``ddt = (target - stage) * n / delay_time`` (pysd's ``Smooth``);
* time advances by adding ``dt`` (pysd's clock), and the final time is recorded too.

Values can be overridden with floats or 1-D arrays (one value per run): every
array broadcasts through the equations, so one call runs a small ensemble.

>>> from gmb.stockflow.model import *
>>> m = StockFlowModel(name="m", time=TimeSpec(stop=2, dt=1),
...     constants=(Constant("tau", 2.0, role="adjustment_time", ref="b"),),
...     inputs=(Input("ind", variable="b", channel="indicated"), Input("inf", variable="b", channel="inflow")),
...     auxiliaries=(Auxiliary("indicated_b", variable="b", role="indicated", input="ind"),),
...     stocks=(Stock("b", variable="b", flow="change_b"),),
...     flows=(Flow("change_b", stock="b", indicated="indicated_b", adjustment_time="tau", input="inf"),),
...     order=("indicated_b",))
>>> simulate(m, {"ind": 2.0})["b"].tolist()
[1.0, 1.5, 1.75]
>>> simulate(m, {"ind": np.array([1.0, 3.0])})["b"][-1].tolist()
[1.0, 2.5]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from gmb.errors import NotFoundError, SimulationError
from gmb.simulate.results import Trajectories
from gmb.stockflow.model import StockFlowModel

__all__ = ["simulate"]


def _as_value(value: Any, name: str) -> Any:
    arr = np.asarray(value, dtype=float)
    if arr.ndim > 1:
        raise SimulationError(f"{name}: give a number or a 1-D array of runs", field=name)
    return float(arr) if arr.ndim == 0 else arr


def simulate(
    model: StockFlowModel,
    values: Mapping[str, float | np.ndarray] | None = None,
    *,
    names: Iterable[str] | None = None,
) -> Trajectories:
    """Run ``model`` from start to stop; ``values`` overrides constants and inputs by name.

    Returns every constant, input, smooth, effect, auxiliary, stock and flow
    (or only ``names``) at every step, like pysd with ``SAVEPER = TIME STEP``.
    ``gmb.simulate(model)`` calls this function.

    Parameters
    ----------
    model : StockFlowModel
        The model.
    values : mapping of str to float or 1-D array, optional
        Constants and inputs to override; an array of ``n`` values runs ``n`` runs at once.
    names : iterable of str, optional
        The elements to return (default: all).

    Returns
    -------
    Trajectories
        ``time`` and ``values[name]`` (first axis time; a second axis for runs when ``values``
        holds arrays).

    Raises
    ------
    gmb.errors.NotFoundError
        ``values`` or ``names`` names no element of the model.
    gmb.errors.SimulationError
        A value is neither a number nor a 1-D array, or the run overflows.

    Examples
    --------
    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)  # three stocks v2 -> v1 -> v0 with a balancing link back
    >>> import gmb
    >>> tr = gmb.simulate(model, names=["v0", "v2"])
    >>> len(tr.time), float(tr["v0"][0])
    (241, 1.0)
    """
    values = dict(values or {})
    for key in values:
        if key not in model or model.element(key).kind not in ("constant", "input"):
            raise NotFoundError(f"not a constant or input of the model: {key!r}", field="values")
    const = {c.name: _as_value(values.get(c.name, c.value), c.name) for c in model.constants}
    fixed_inputs = {i.name: _as_value(values[i.name], i.name) for i in model.inputs if i.name in values}
    run = _Run(model, const, fixed_inputs)
    t = model.time.start
    record: dict[str, list] = {}
    times = []
    keep = None if names is None else set(names)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            for k in range(model.time.steps + 1):
                v = run.evaluate(t)
                times.append(t)
                for name, value in v.items():
                    if keep is None or name in keep:
                        record.setdefault(name, []).append(value)
                if k == model.time.steps:
                    break
                run.advance(v)
                t = t + model.time.dt
        except FloatingPointError as exc:
            raise SimulationError(
                f"the run broke down at time {t:g} ({exc}): a value overflowed or became undefined",
                hint="check the stability report; try smaller elasticities or effect_shape 'bounded'",
            ) from None
    if keep is not None and keep - set(record):
        raise NotFoundError(f"no such element: {', '.join(sorted(keep - set(record)))}", field="names")
    shape = np.broadcast_shapes(*(np.shape(x) for vals in record.values() for x in vals[:1]))
    out = {name: np.array([np.broadcast_to(x, shape) for x in vals]) for name, vals in record.items()}
    return Trajectories(np.array(times), out)


class _Run:
    """One run's state (stocks, smooth stages) and the values computed from it, step by step."""

    def __init__(self, model: StockFlowModel, const: dict[str, Any], fixed_inputs: dict[str, Any]) -> None:
        self.model = model
        self.lookups = {lk.name: (np.array([p[0] for p in lk.points]), np.array([p[1] for p in lk.points]))
                        for lk in model.lookups}  # fmt: skip
        self.aux_plan = []  # (name, kind, args) in evaluation order
        for name in model.order:
            el = model.element(name)
            if el.kind == "effect":
                self.aux_plan.append((name, "effect", (el.source, el.elasticity, el.sign, el.lookup)))
            else:
                self.aux_plan.append((name, "aux", (el.input, el.factors, el.saturation)))
        self.stocks = {s.name: np.asarray(s.initial, dtype=float) for s in model.stocks}
        self.smooth_state = {s.name: [np.asarray(s.initial, dtype=float)] * s.order for s in model.smooths}
        self.v: dict[str, Any] = dict(const)  # reused every step: constants stay, the rest is overwritten
        self.timed = []  # inputs whose value depends on time (issue 6 shapes)
        for inp in model.inputs:
            if inp.name in fixed_inputs:
                self.v[inp.name] = fixed_inputs[inp.name]
            elif inp.shape is None:
                self.v[inp.name] = inp.constant
            else:
                self.timed.append(inp)
        self.flows = [(f.name, f.indicated, f.stock, f.adjustment_time, f.input) for f in model.flows]
        self.multipliers = [i.name for i in model.inputs if i.channel != "inflow"]

    def evaluate(self, t: float) -> dict[str, Any]:
        """Every value at time ``t`` from the current states (the same dict each step, overwritten)."""
        v = self.v
        for inp in self.timed:
            v[inp.name] = inp.at(t)
        for name in self.multipliers:  # a multiplier <= 0 has no logarithm: the run is broken, as in the engines
            if np.any(np.asarray(v[name]) <= 0):
                raise FloatingPointError(f"input {name} multiplies by {np.min(v[name]):g} <= 0")
        v.update(self.stocks)
        for s in self.model.smooths:
            v[s.name] = self.smooth_state[s.name][-1]
        for name, kind, args in self.aux_plan:
            v[name] = self._effect(v, *args) if kind == "effect" else self._auxiliary(v, *args)
        for name, indicated, stock, tau, inflow in self.flows:
            flow = (v[indicated] - v[stock]) / v[tau]
            v[name] = flow + v[inflow] if inflow is not None else flow
        return v

    def _effect(self, v: dict[str, Any], source: str, elasticity: str, sign: float, lookup: str | None) -> Any:
        power = v[source] ** (-v[elasticity] if sign < 0 else v[elasticity])
        if lookup is not None:
            xs, ys = self.lookups[lookup]
            power = np.interp(power, xs, ys)
        return power

    @staticmethod
    def _auxiliary(v: dict[str, Any], inp: str | None, factors: Iterable[str], sat: str | None) -> Any:
        out = v[inp] if inp is not None else 1.0
        for f in factors:  # left to right, as the files write it
            out = out * v[f]
        if sat is not None:  # exp(B tanh(ln p / B)), in the files' order of operations
            b = v[sat]
            up, down = out ** (1 / b), out ** (-1 / b)
            out = np.exp(b * (up - down) / (up + down))
        return out

    def advance(self, v: dict[str, Any]) -> None:
        """Every state moves at once, from the values at this step (pysd: ``state + ddt * dt``)."""
        dt = self.model.time.dt
        new_stocks = {s.name: self.stocks[s.name] + v[s.flow] * dt for s in self.model.stocks}
        for s in self.model.smooths:
            stages = self.smooth_state[s.name]
            targets = [v[s.source], *stages[:-1]]
            rate = [(tg - st) * s.order / v[s.delay_time] for tg, st in zip(targets, stages)]
            self.smooth_state[s.name] = [st + r * dt for st, r in zip(stages, rate)]
        self.stocks = new_stocks
