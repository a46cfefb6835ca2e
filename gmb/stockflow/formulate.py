"""The elements a CLD becomes: one link's elasticity, delay and effect; one variable's auxiliary, or
its stock, flow and indicated value.

:func:`gmb.stockflow.convert.to_stockflow` decides *what* to build (stocks, links, notes) and calls
these to build it, in a fixed order: names are claimed first come, first served
(:class:`~gmb.stockflow.names.Namer`), so the order is part of the output. Kept apart from the
conversion's decisions so each part reads on its own.

Examples
--------
>>> SATURATION[10]  # the bounded shape's lookup passes through (1, 1)
(1.0, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from gmb.stockflow.assumptions import Assumptions, Range
from gmb.stockflow.model import Auxiliary, Constant, Effect, Flow, Input, Lookup, Smooth, Stock
from gmb.stockflow.names import Namer

__all__ = ["SATURATION"]


def _saturation_points() -> tuple[tuple[float, float], ...]:
    # f(z) = 2 z^2 / (1 + z^2): f(1) = 1, slope 1 at z = 1 (elasticity kept), values in (0, 2).
    # Rounded to 8 decimals because pysd writes lookup tables with numpy's 8-digit
    # formatting; with these values its table is bit-for-bit ours.
    zs = [round(0.1 * i, 10) for i in range(41)]
    return tuple((z, round(2 * z * z / (1 + z * z), 8)) for z in zs)


#: the bounded effect shape's lookup: ``L(z) = 2z²/(1+z²)`` sampled on 0, 0.1, …, 4
SATURATION = _saturation_points()


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _doc(G: nx.DiGraph, node: str) -> str:
    data = G.nodes[node]
    labels = data.get("labels") or {}
    text = "; ".join(f"{lang}: {t}" for lang, t in labels.items()) or _label(G, node)
    if data.get("description"):
        text += f". {data['description']}"
    return text


@dataclass
class _Elements:
    """The elements built so far, by kind, in the order they are built (the order the files list them)."""

    namer: Namer
    base: dict[str, str]  # CLD variable id -> the name of the element holding its value
    constants: list[Constant] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    smooths: list[Smooth] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    auxiliaries: list[Auxiliary] = field(default_factory=list)
    stocks: list[Stock] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    lookups: list[Lookup] = field(default_factory=list)
    saturation: str | None = None  # the bounded shape's lookup
    ceiling: str | None = None  # the saturating shape's constant B


def _shape_elements(els: _Elements, a: Assumptions) -> None:
    """The effect shape's shared element: the bounded lookup, or the saturating ceiling ``B``."""
    if a.effect_shape == "bounded":
        els.saturation = els.namer.claim("saturation")
        els.lookups.append(Lookup(els.saturation, SATURATION, doc="bounded effect: L(z) = 2 z^2 / (1 + z^2), L(1) = 1"))
    elif a.effect_shape == "saturating":
        els.ceiling = els.namer.claim("saturation")
        els.constants.append(
            Constant(els.ceiling, a.saturation, role="saturation", low=a.saturation, high=a.saturation, unit="dmnl",
                     doc=f"ceiling of every variable in log units: an index stays within e^-B .. e^B "
                         f"({math.exp(-a.saturation):.3g} .. {math.exp(a.saturation):.3g} times its baseline)")
        )  # fmt: skip


def _link_elements(els: _Elements, G: nx.DiGraph, u: str, v: str, d: dict, a: Assumptions, doubt) -> str:
    """One link's elasticity, its delay (time constant and smooth) if delayed, and its effect; returns the effect."""
    namer = els.namer
    lid, sign = d["id"], d["sign"]
    strength = d.get("strength") or "unknown"
    rng: Range = a.strengths[strength]
    why = f"link {lid}: {_label(G, u)} -> {_label(G, v)} ({'?' if d['unsigned'] else '+' if sign > 0 else '-'}, "
    why += f"{strength}, delayed)" if d.get("delay") else f"{strength})"
    e_name = namer.claim(lid, prefix="elasticity_")
    # a '?' link is neutral at its nominal value (0), so files and nominal runs do not guess its sign
    nominal = 0.0 if d["unsigned"] else a.elasticities.get(lid, rng.nominal)
    els.constants.append(
        Constant(e_name, nominal, role="elasticity", ref=lid, low=rng.low, high=rng.high, unit="dmnl",
                 category=strength, doc=f"elasticity of {why}", links=(lid,), p_present=doubt.present,
                 p_sign=doubt.sign)
    )  # fmt: skip
    source = els.base[u]
    if d.get("delay"):
        t_name = namer.claim(lid, prefix="delay_time_")
        dt_rng = a.delay.time
        els.constants.append(
            Constant(t_name, a.delay_times.get(lid, dt_rng.nominal), role="delay_time", ref=lid,
                     low=dt_rng.low, high=dt_rng.high, unit=a.time.unit, doc=f"delay time of {why}",
                     links=(lid,))
        )  # fmt: skip
        s_name = namer.claim(f"delayed {_label(G, u)} for {_label(G, v)}")
        els.smooths.append(
            Smooth(s_name, source=source, delay_time=t_name, order=a.delay.order,
                   doc=f"{_label(G, u)} as perceived by {_label(G, v)} after a delay ({why})", links=(lid,))
        )  # fmt: skip
        source = s_name
    eff = namer.claim(f"effect of {_label(G, u)} on {_label(G, v)}")
    els.effects.append(
        Effect(eff, link=lid, source=source, elasticity=e_name, sign=sign, cause=u, target=v,
               lookup=els.saturation, doc=f"effect of {why}", links=(lid,))
    )  # fmt: skip
    return eff


def _stock_elements(
    els: _Elements, n: str, label: str, doc: str, factors: list[str], links: tuple[str, ...], a: Assumptions, why: str
) -> None:
    """A stock variable: its adjustment time, indicated and inflow inputs, indicated value, stock and flow."""
    namer = els.namer
    ind, flow = namer.claim(f"indicated {label}"), namer.claim(f"change in {label}")
    tau = namer.claim(f"adjustment time {label}")
    i_ind, i_in = namer.claim(f"indicated input {label}"), namer.claim(f"inflow input {label}")
    rng = a.adjustment_time
    els.constants.append(
        Constant(tau, a.adjustment_times.get(n, rng.nominal), role="adjustment_time", ref=n, low=rng.low,
                 high=rng.high, unit=a.time.unit, doc=f"adjustment time of {label}")
    )  # fmt: skip
    els.inputs.append(Input(i_ind, variable=n, channel="indicated", doc=f"intervention on the indicated {label}"))
    els.inputs.append(Input(i_in, variable=n, channel="inflow", doc=f"intervention on the inflow of {label}"))
    els.auxiliaries.append(
        Auxiliary(ind, variable=n, label=label, role="indicated", factors=tuple(factors), input=i_ind,
                  saturation=els.ceiling, doc=f"indicated value of {label}: where it is heading", links=links)
    )  # fmt: skip
    els.stocks.append(Stock(els.base[n], variable=n, flow=flow, label=label, chosen=why, doc=doc, links=links))
    els.flows.append(
        Flow(flow, stock=els.base[n], indicated=ind, adjustment_time=tau, input=i_in,
             doc=f"net change of {label}: closes the gap to its indicated value", links=links)
    )  # fmt: skip


def _variable_elements(
    els: _Elements,
    G: nx.DiGraph,
    n: str,
    stocks: dict[str, str],
    factors: list[str],
    incoming: list[str],
    a: Assumptions,
) -> None:
    """One CLD variable's elements: a stock with its flow, or an auxiliary with its level input."""
    label, doc = _label(G, n), _doc(G, n)
    links = tuple(incoming)
    if n in stocks:
        _stock_elements(els, n, label, doc, factors, links, a, stocks[n])
    else:
        i_lvl = els.namer.claim(f"level input {label}")
        els.inputs.append(Input(i_lvl, variable=n, channel="level", doc=f"intervention on the level of {label}"))
        els.auxiliaries.append(
            Auxiliary(els.base[n], variable=n, label=label, factors=tuple(factors), input=i_lvl, doc=doc,
                      saturation=els.ceiling, links=links)
        )  # fmt: skip
