"""The stock-flow model as data: one typed, immutable intermediate model.

Like PySD 3, gmb translates a CLD once into this intermediate model and then
*builds* everything else from it: the XMILE file, the Vensim ``.mdl`` file, the
``assumptions.md`` listing, the native reference simulator and (issue 6) the
vectorised ensemble engine. Nothing downstream reads the CLD again.

Formulation (normalised indices; described in the README's stock-flow section)
------------------------------------------------------------------------------
Every CLD variable is an index that is **1.0 at baseline**. For a link
``j -> i`` with polarity ``s = ±1`` and elasticity ``e > 0``:

* :class:`Effect` ``effect_ji = x_j' ** (s*e)`` (shape ``power``), or
  ``L(x_j' ** (s*e))`` through a saturating :class:`Lookup` ``L`` with
  ``L(1) = 1``, slope 1 at 1 and values in (0, 2) (shape ``bounded``).
  ``x_j'`` is the cause itself, or a :class:`Smooth` of it when the link is
  delayed (first- or third-order exponential smooth, initial value 1).
  A negative link ``x ** -e`` is the CBSD lab's ``1/Δ``.
* :class:`Auxiliary` (role ``variable``): ``x_i = input_i * Π effect_ji``.
  A variable without causes (exogenous) is just ``input_i`` (1 at baseline).
  Under the ``saturating`` shape (the default) the auxiliary names a
  ``saturation`` constant ``B`` and bounds that product ``p`` symmetrically in
  log space: ``x_i = exp(B · tanh(ln p / B))``, written without ``ln`` and
  ``tanh`` (which XMILE lacks) as
  ``EXP(B * (p^(1/B) - p^(-1/B)) / (p^(1/B) + p^(-1/B)))``. Its slope at
  baseline is the group's elasticities, ``y*(−z) = −y*(z)`` with ``y = ln x``,
  and ``e^-B <= x_i <= e^B``; a multiplier ``p <= 0`` has no logarithm (a broken run).
* Stock variable: :class:`Auxiliary` (role ``indicated``)
  ``x_i* = input_i * Π effect_ji`` (saturated the same way); :class:`Flow`
  ``dx_i/dt = (x_i* - x_i) / tau_i + inflow_i``; :class:`Stock` ``x_i(0) = 1``.

At baseline every effect is 1, every input neutral, so the model rests.

Contract
--------
* **Immutable**: every element and the model are frozen dataclasses holding
  tuples. Change values with :meth:`StockFlowModel.with_values`, which returns a
  new model. Names are unique, lowercase, ``[a-z][a-z0-9_]*`` identifiers, valid
  unquoted in XMILE, Vensim and Python (see :mod:`gmb.stockflow.names`).
* **Provenance**: every element carries ``links`` (the CLD link ids it came
  from) and ``doc`` (a sentence with the original labels). Variable elements
  carry ``variable`` (the CLD id) and ``label`` (the original label).
* **Parameters** are :class:`Constant` elements addressable by name, each with a
  ``role`` (``elasticity`` | ``adjustment_time`` | ``delay_time``), ``ref`` (the link
  or variable id it belongs to) and a ``(low, high)`` range for sampling.
  ``model.parameter("elasticity", "L3")`` finds one by role and reference; an
  elasticity's ``category`` is its strength class. An ensemble substitutes
  arrays: every evaluator must broadcast a constant's value (a float or a 1-D
  array of runs) through the equations (``gmb.simulate.simulate`` does; arrays
  agree with single runs to round-off, not always bit for bit).
* **Links as data**: each :class:`Effect` names its link, ``cause`` and
  ``target`` (CLD ids), ``sign`` and elasticity constant, so the log-linear
  matrix ``W[target, cause] = sign * e`` is read off directly
  (:func:`gmb.stockflow.stability.log_linear`). :class:`Stock` says why it is a
  stock (``chosen``: marked in the CLD, automatic, or given in the assumptions).
* **Intervention hooks** are :class:`Input` elements, one per variable and
  channel, neutral by default: channel ``level`` (multiplies an auxiliary or
  exogenous variable's value), ``indicated`` (multiplies a stock's indicated
  value) and ``inflow`` (added to a stock's net flow, index units per time unit;
  a one-off jump of a stock by ``d`` is an inflow pulse of ``d/dt`` for one
  step). ``model.input_for(variable_id, channel)`` finds the hook; for an
  auxiliary, channel ``indicated`` is the same hook as ``level`` (its value *is*
  its indicated value). Inputs are constant here; issue 6 gives them time shapes
  (step, ramp, pulse) by setting ``Input.shape`` to an object with
  ``at(t, constant)`` (the value at time ``t``) and ``equation(input, dialect)``
  (its XMILE/Vensim right-hand side): evaluators call :meth:`Input.at`, and
  :func:`gmb.stockflow.equations.equation` renders the shape when present.
* **Evaluation order** at time ``t`` (native, pysd and Vensim agree):
  1. states are known: stock levels and smooth stages;
  2. constants; inputs at ``t``; smooth outputs (their last stage);
  3. effects and auxiliaries in ``model.order`` (a topological order: a
     loop without a stock is refused at conversion, so the order exists);
  4. flows, and smooth stage derivatives;
  5. Euler: every state ``s(t+dt) = s(t) + dt * ds/dt(t)``, all at once.
  Reported values at ``t`` are those of steps 1–4 (pysd's and Vensim's rule);
  time advances by adding ``dt`` (pysd's clock). Every number in the files is a
  float literal (pysd would truncate a SMOOTH whose initial value is an integer).
* **Builders**: :func:`gmb.stockflow.equations.equation` (one element's
  right-hand side in XMILE or Vensim), :func:`gmb.stockflow.write_xmile.to_xmile`,
  :func:`gmb.stockflow.write_mdl.to_mdl`, :func:`gmb.stockflow.files.write_model`,
  :func:`gmb.simulate.reference.simulate`; :func:`describe` for readable text.

>>> m = StockFlowModel(
...     name="m", time=TimeSpec(stop=2, dt=1),
...     constants=(Constant("elasticity_l1", 0.5, role="elasticity", ref="L1", low=0.3, high=0.6),
...                Constant("adjustment_time_b", 4.0, role="adjustment_time", ref="b")),
...     inputs=(Input("input_a", variable="a", channel="level"),
...             Input("input_b", variable="b", channel="indicated"),
...             Input("inflow_b", variable="b", channel="inflow")),
...     effects=(Effect("effect_of_a_on_b", link="L1", source="a", elasticity="elasticity_l1",
...                     sign=1, cause="a", target="b", links=("L1",)),),
...     auxiliaries=(Auxiliary("a", variable="a", label="A", input="input_a"),
...                  Auxiliary("indicated_b", variable="b", label="B", role="indicated",
...                            factors=("effect_of_a_on_b",), input="input_b", links=("L1",))),
...     stocks=(Stock("b", variable="b", label="B", flow="change_in_b"),),
...     flows=(Flow("change_in_b", stock="b", indicated="indicated_b",
...                 adjustment_time="adjustment_time_b", input="inflow_b"),),
...     order=("a", "effect_of_a_on_b", "indicated_b"), outcome="b")
>>> m.parameter("elasticity", "L1").value
0.5
>>> m.with_values({"elasticity_l1": 0.9}).element("elasticity_l1").value
0.9
>>> m.input_for("b", "inflow").name, m.variable_element("a").kind
('inflow_b', 'auxiliary')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from gmb.errors import ConversionError, NotFoundError

# The element types live in gmb.stockflow.elements; re-exported here, where everything imports them.
from gmb.stockflow.elements import (
    CHANNELS,
    Auxiliary,
    Constant,
    Effect,
    Element,
    Flow,
    Input,
    Lookup,
    Smooth,
    Stock,
    TimeSpec,
)

__all__ = [
    "CHANNELS",
    "Auxiliary",
    "Constant",
    "Effect",
    "Element",
    "Flow",
    "Input",
    "Lookup",
    "Smooth",
    "Stock",
    "StockFlowModel",
    "TimeSpec",
]


_GROUPS = ("constants", "inputs", "lookups", "smooths", "effects", "auxiliaries", "stocks", "flows")


@dataclass(frozen=True)
class StockFlowModel:
    """A complete stock-flow model in normalised indices (see the module docstring for the contract).

    Built by :func:`gmb.stockflow.convert.to_stockflow`; every element is an index, 1 at the start.

    Parameters
    ----------
    name : str
        The model's name (a file-name-safe identifier).
    time : TimeSpec, optional
        Start, stop, step and unit.
    constants, inputs, lookups, smooths, effects, auxiliaries, stocks, flows : tuple, optional
        The elements, by kind.
    order : tuple of str, optional
        Every effect and auxiliary in evaluation order.
    outcome : str, optional
        The outcome variable's element.
    title : str, optional
        A title for people.
    notes : tuple of str, optional
        Human-readable remarks from the conversion (stocks chosen automatically, links left out,
        stability).
    elasticity_scale : float, optional
        The factor the elasticities were scaled by for stability (1: not scaled).
    stability : StabilityReport, optional
        The conversion's stability check.

    Examples
    --------
    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)  # three stocks v2 -> v1 -> v0 with a balancing link back
    >>> model.outcome, [s.name for s in model.stocks], model.time.unit
    ('v0', ['v0', 'v1', 'v2'], 'month')
    """

    name: str
    time: TimeSpec = TimeSpec()  # noqa: RUF009 (TimeSpec is frozen: one shared default is safe)
    constants: tuple[Constant, ...] = ()
    inputs: tuple[Input, ...] = ()
    lookups: tuple[Lookup, ...] = ()
    smooths: tuple[Smooth, ...] = ()
    effects: tuple[Effect, ...] = ()
    auxiliaries: tuple[Auxiliary, ...] = ()
    stocks: tuple[Stock, ...] = ()
    flows: tuple[Flow, ...] = ()
    order: tuple[str, ...] = ()
    outcome: str | None = None
    title: str = ""
    notes: tuple[str, ...] = ()
    #: the factor every elasticity was multiplied by (assumption ``stability: scale``; 1 = the group's own)
    elasticity_scale: float = 1.0
    #: the conversion's stability report (:class:`gmb.stockflow.stability.StabilityReport`), if any
    stability: Any = field(default=None, compare=False)
    _index: Mapping[str, Element] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Element] = {}
        for group in _GROUPS:
            for el in getattr(self, group):
                if el.name in index:
                    raise ConversionError(f"two elements are named {el.name!r}", field=group)
                index[el.name] = el
        object.__setattr__(self, "_index", MappingProxyType(index))
        self._check(index)

    # -- checks: every reference resolves to the right kind, order is complete and topological
    def _check(self, index: Mapping[str, Element]) -> None:
        def need(name: str | None, kinds: tuple[str, ...], where: str) -> None:
            if name is None:
                return
            el = index.get(name)
            if el is None or el.kind not in kinds:
                raise ConversionError(f"{where} refers to {name!r}, which is not a {'/'.join(kinds)}", field=where)

        values = ("auxiliary", "stock")
        for s in self.smooths:
            need(s.source, values, s.name)
            need(s.delay_time, ("constant",), s.name)
        for e in self.effects:
            need(e.source, (*values, "smooth"), e.name)
            need(e.elasticity, ("constant",), e.name)
            need(e.lookup, ("lookup",), e.name)
        for a in self.auxiliaries:
            for f in a.factors:
                need(f, ("effect",), a.name)
            need(a.input, ("input",), a.name)
            need(a.saturation, ("constant",), a.name)
        for s in self.stocks:
            need(s.flow, ("flow",), s.name)
        for f in self.flows:
            need(f.stock, ("stock",), f.name)
            need(f.indicated, ("auxiliary",), f.name)
            need(f.adjustment_time, ("constant",), f.name)
            need(f.input, ("input",), f.name)
        need(self.outcome, values, "outcome")
        ordered = {e.name for e in (*self.effects, *self.auxiliaries)}
        if sorted(self.order) != sorted(ordered):
            raise ConversionError("order must list every effect and auxiliary exactly once", field="order")
        seen: set[str] = set()
        for name in self.order:
            el = index[name]
            deps = (el.source,) if el.kind == "effect" else el.factors
            for dep in deps:
                if dep in ordered and dep not in seen:
                    raise ConversionError(f"{name} is evaluated before {dep}, which it uses", field="order")
            seen.add(name)

    # -- lookup
    def __iter__(self) -> Iterator[Element]:
        return iter(self._index.values())

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def element(self, name: str) -> Element:
        """The element called ``name`` (NotFoundError if none)."""
        try:
            return self._index[name]
        except KeyError:
            raise NotFoundError(f"the model has no element {name!r}", field="name") from None

    @property
    def parameters(self) -> tuple[Constant, ...]:
        """Every constant (elasticities, adjustment times, delay times)."""
        return self.constants

    def parameter(self, role: str, ref: str) -> Constant:
        """The constant with this ``role`` for link/variable ``ref``."""
        for c in self.constants:
            if c.role == role and c.ref == ref:
                return c
        raise NotFoundError(f"no {role} parameter for {ref!r}", field="ref")

    def variable_element(self, variable: str) -> Auxiliary | Stock:
        """The element holding CLD variable ``variable``'s value (its stock, or its auxiliary)."""
        for el in (*self.stocks, *self.auxiliaries):
            if el.variable == variable and (el.kind == "stock" or el.role == "variable"):
                return el
        raise NotFoundError(f"the model has no variable {variable!r}", field="variable")

    @property
    def variables(self) -> tuple[Auxiliary | Stock, ...]:
        """The elements holding CLD variables, stocks first, then auxiliaries in definition order."""
        return (*self.stocks, *(a for a in self.auxiliaries if a.role == "variable"))

    def input_for(self, variable: str, channel: str) -> Input:
        """The intervention hook on ``variable``'s ``channel`` (see the module docstring)."""
        if channel not in CHANNELS:
            raise NotFoundError(f"unknown channel {channel!r}", field="channel", hint="level, indicated or inflow")
        el = self.variable_element(variable)
        if el.kind == "auxiliary" and channel == "indicated":
            channel = "level"
        for inp in self.inputs:
            if inp.variable == variable and inp.channel == channel:
                return inp
        raise NotFoundError(
            f"variable {variable!r} ({el.kind}) has no {channel} input",
            field="channel",
            hint="auxiliaries take level; stocks take indicated and inflow",
        )

    def with_values(self, values: Mapping[str, Any]) -> StockFlowModel:
        """A copy with constants' and inputs' values replaced (``{name: value}``)."""
        unknown = [n for n in values if n not in self._index or self._index[n].kind not in ("constant", "input")]
        if unknown:
            raise NotFoundError(f"not a constant or input: {', '.join(map(repr, unknown))}", field="values")
        return replace(
            self,
            constants=tuple(replace(c, value=values[c.name]) if c.name in values else c for c in self.constants),
            inputs=tuple(replace(i, value=values[i.name]) if i.name in values else i for i in self.inputs),
        )

    def equations(self) -> Iterator[tuple[Element, str]]:
        """Every element with a readable equation (the notation of ``assumptions.md``)."""
        for el in self:
            yield el, describe(el, self)


def describe(el: Element, model: StockFlowModel | None = None) -> str:
    """A readable equation for one element.

    >>> describe(Effect("e1", link="L1", source="a", elasticity="k", sign=-1, cause="a", target="b"))
    'e1 = a ^ (-k)'
    """
    if el.kind == "constant":
        return f"{el.name} = {el.value:g}"
    if el.kind == "input":
        return f"{el.name} = {el.constant:g}  ({el.channel} input, neutral {el.neutral:g})"
    if el.kind == "lookup":
        pts = ", ".join(f"({x:g}, {y:.4g})" for x, y in el.points)
        return f"{el.name}(x) = piecewise linear through {pts}"
    if el.kind == "smooth":
        return f"{el.name} = SMOOTH{'3' if el.order == 3 else ''}({el.source}, {el.delay_time}, {el.initial:g})"
    if el.kind == "effect":
        power = f"{el.source} ^ ({'-' if el.sign < 0 else ''}{el.elasticity})"
        return f"{el.name} = {el.lookup}({power})" if el.lookup else f"{el.name} = {power}"
    if el.kind == "auxiliary":
        terms = [*([el.input] if el.input else []), *el.factors]
        product = " * ".join(terms) if terms else "1"
        if el.saturation:
            return f"{el.name} = exp({el.saturation} * tanh(ln({product}) / {el.saturation}))"
        return f"{el.name} = {product}"
    if el.kind == "stock":
        return f"d {el.name}/dt = {el.flow}, {el.name}(0) = {el.initial:g}"
    if el.kind == "flow":
        tail = f" + {el.input}" if el.input else ""
        return f"{el.name} = ({el.indicated} - {el.stock}) / {el.adjustment_time}{tail}"
    raise TypeError(el)  # pragma: no cover
