"""The checks that finish a conversion: the evaluation order, the time step and stability.

They run on the elements :func:`gmb.stockflow.convert.to_stockflow` has built, not on the CLD, so
they live apart from the conversion's choices.

Examples
--------
>>> from gmb.stockflow.model import Constant, TimeSpec
>>> _check_step(TimeSpec(stop=12, dt=0.25), [Constant("t", 6.0, role="adjustment_time")], 1) is None
False
"""

from __future__ import annotations

import math

import networkx as nx

from gmb.errors import ConversionError
from gmb.stockflow.assumptions import Assumptions
from gmb.stockflow.model import Auxiliary, Constant, Effect, StockFlowModel, TimeSpec

__all__: list[str] = []


def _evaluation_order(G, effects: list[Effect], auxiliaries: list[Auxiliary]) -> tuple[str, ...]:
    D = nx.DiGraph()
    rank = {}
    for el in (*auxiliaries, *effects):
        D.add_node(el.name)
        rank[el.name] = len(rank)
    for e in effects:
        if e.source in rank:
            D.add_edge(e.source, e.name)
    for aux in auxiliaries:
        for f in aux.factors:
            D.add_edge(f, aux.name)
    try:
        return tuple(nx.lexicographical_topological_sort(D, key=rank.get))
    except nx.NetworkXUnfeasible:
        cycle = [u for u, _ in nx.find_cycle(D)]
        raise ConversionError("equations depend on each other in a loop without a stock: " + " -> ".join(cycle),
                              field="stocks") from None  # fmt: skip


def _check_step(time: TimeSpec, constants: list[Constant], order: int) -> str | None:
    """Refuse a step above half the shortest *sampled* time constant; return a note on Euler's error there.

    Euler is only faithful when the step is well below every time constant — every one an ensemble
    samples, so the low end of each range counts, not only the nominal value (a smooth of order n has
    stages of delay / n). Below the refusal limit the fastest draws still move faster than the model
    says: a decay with time constant T stepped by dt runs at ``-ln(1 - dt/T) / dt``, about
    ``1 + dt/(2T)`` times its rate; the note says how much.
    """
    shortest_all, which = math.inf, None
    for c in constants:
        if c.role in ("adjustment_time", "delay_time"):
            low = min(c.value, c.value if c.low is None else c.low)
            shortest = low / (order if c.role == "delay_time" else 1)
            if time.dt > shortest / 2:
                what = f"{c.value:g}" if low == c.value else f"{c.value:g} (sampled down to {low:g})"
                raise ConversionError(
                    f"the time step {time.dt:g} is too large for {c.name} = {what} {time.unit}",
                    field="time.step",
                    hint=f"use a step of at most {shortest / 2:g}",
                )
            if shortest < shortest_all:
                shortest_all, which = shortest, c
    if which is None:
        return None
    k = time.dt / shortest_all
    excess = -math.log(1 - k) / k - 1
    if excess < 0.01:
        return None
    stage = f" (a delay stage: {which.name} / {order})" if which.role == "delay_time" else f" ({which.name})"
    return (
        f"time step: the shortest sampled time constant is {shortest_all:g} {time.unit}{stage}; Euler with "
        f"step {time.dt:g} runs it about {excess:.1%} fast in the draws that reach it (RK4, or a step of "
        f"{shortest_all * 0.019:.2g}, keeps that below 1 %)"
    )


def _stabilise(model: StockFlowModel, a: Assumptions, stories=None) -> StockFlowModel:
    """Check the nominal strengths; under ``stability: scale`` multiply every elasticity by one factor.

    The default (``report``) keeps the group's elasticities and names the reinforcing loops that
    would run away (see :func:`gmb.stockflow.stability.check_stability`); ``scale`` records its
    factor in ``model.elasticity_scale`` and the notes.
    """
    from dataclasses import replace

    from gmb.stockflow.stability import check_stability

    report = check_stability(model, stories=stories)
    notes = list(model.notes)
    factor = 1.0
    if report.radius >= 1 and a.stability == "scale":
        factor = a.stability_target / report.radius
        constants = tuple(
            replace(c, value=c.value * factor, low=c.low * factor, high=c.high * factor)
            if c.role == "elasticity" else c
            for c in model.constants
        )  # fmt: skip
        notes.append(report.text)
        notes.append(
            f"stability: scale — every elasticity (nominal and range) multiplied by {factor:.4g} so that the "
            f"spectral radius is {a.stability_target:g}; the group's strengths are not what is simulated"
        )
        model = replace(model, constants=constants)
        report = check_stability(model, stories=stories)
    notes.append(report.text)
    if report.question:
        notes.append("stability: " + report.question)
    return replace(model, notes=tuple(notes), elasticity_scale=factor, stability=report)
