"""CLD graph + assumptions → :class:`StockFlowModel` (pure: nothing is read, written or changed).

The formulation is the normalised-index one described in :mod:`gmb.stockflow.model`.
What the conversion decides, and reports in ``model.notes``:

* which variables are stocks (marked ones, plus a small feedback vertex set
  where a loop would otherwise have no stock — see :func:`choose_stocks`);
* how sure each link is (P(present), P(sign as drawn): :mod:`gmb.stockflow.structure`), and
  what happens to links of polarity ``?`` without a sign in the assumptions: with
  ``unknown_polarity: sample`` (default) they are modelled with nominal elasticity 0 and
  a sign drawn + or − in ensembles; with ``exclude`` they are left out;
* whether the nominal strengths are stable (spectral radius of the log-linear
  matrix, naming the runaway loops).

>>> import networkx as nx
>>> G = nx.DiGraph(outcome="b")
>>> G.add_node("a", label="A"); G.add_node("b", label="B")
>>> G.add_edge("a", "b", id="L1", sign=1, strength="strong", delay=False)
>>> G.add_edge("b", "a", id="L2", sign=-1, strength="weak", delay=True)
>>> m = to_stockflow(G)
>>> [s.name for s in m.stocks], m.parameter("elasticity", "L1").value
(['b'], 0.8)
>>> m.notes[0]
'stocks: b (B) chosen automatically so that every feedback loop contains a stock'
"""

from __future__ import annotations

import math

import networkx as nx

from gmb.cld.lookup import edge_sign
from gmb.errors import ConversionError
from gmb.stockflow.assumptions import Assumptions, Range
from gmb.stockflow.model import (
    Auxiliary,
    Constant,
    Effect,
    Flow,
    Input,
    Lookup,
    Smooth,
    Stock,
    StockFlowModel,
    TimeSpec,
)
from gmb.stockflow.names import Namer
from gmb.stockflow.structure import link_doubt

__all__ = ["SATURATION", "choose_stocks", "included_links", "resolve_assumptions", "to_stockflow"]


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


def included_links(G: nx.DiGraph, assumptions: Assumptions) -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    """The CLD restricted to the links that are modelled.

    A link is modelled when it has a sign (from the CLD or the assumptions' ``polarities``),
    or when its polarity is ``?`` and ``unknown_polarity`` is ``sample`` (then it carries
    ``sign`` +1 and ``unsigned`` True: its sign is drawn in ensembles). Returns the graph of
    modelled links (edge attribute ``sign`` ±1) and the ``(link id, cause, effect)`` of every
    link left out.
    """
    M = nx.DiGraph()
    M.add_nodes_from(G.nodes)
    left_out = []
    for u, v, data in G.edges(data=True):
        lid = str(data.get("id") or f"{u}->{v}")
        sign = edge_sign(G, u, v)
        if sign == 0 and lid in assumptions.polarities:
            sign = 1 if assumptions.polarities[lid] == "+" else -1
        if sign == 0 and assumptions.unknown_polarity == "exclude":
            left_out.append((lid, u, v))
            continue
        M.add_edge(u, v, **{**data, "id": lid, "sign": sign or 1, "unsigned": sign == 0})
    return M, left_out


def _loop_without(M: nx.DiGraph, stocks: set[str]) -> list[str] | None:
    rest = M.subgraph(n for n in M if n not in stocks)
    try:
        return [u for u, _ in nx.find_cycle(rest)]
    except nx.NetworkXNoCycle:
        return None


def choose_stocks(M: nx.DiGraph, marked: set[str] = frozenset(), prefer: tuple[str, ...] = ()) -> list[str]:
    """A small set of extra stocks so that every cycle of ``M`` passes through a stock.

    Greedy feedback vertex set: while a strongly connected part without stocks
    remains, take its variable with the most loops through it (in-degree × out-degree
    inside the part; ties go to ``prefer`` — e.g. the outcome, which usually
    accumulates — then node order); then drop any choice that is not needed.

    >>> M = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")])
    >>> choose_stocks(M)
    ['b']
    >>> choose_stocks(M, marked={"a"})
    ['b']
    """
    position = {n: i for i, n in enumerate(M)}
    chosen: list[str] = []
    stocks = set(marked)
    while True:
        rest = M.subgraph(n for n in M if n not in stocks)
        parts = [p for p in nx.strongly_connected_components(rest) if len(p) > 1]
        if not parts:
            break
        part = min(parts, key=lambda p: min(position[n] for n in p))
        sub = rest.subgraph(part)
        ranked = sorted(part, key=lambda n: (n not in prefer, position[n]))
        best = max(ranked, key=lambda n: sub.in_degree(n) * sub.out_degree(n))
        chosen.append(best)
        stocks.add(best)
    for node in reversed(list(chosen)):  # minimal: drop choices the others make redundant
        if _loop_without(M, stocks - {node}) is None:
            stocks.discard(node)
            chosen.remove(node)
    return sorted(chosen, key=position.get)


def _outcome(G: nx.DiGraph, a: Assumptions) -> str:
    outcome = a.outcome or G.graph.get("outcome")
    if not outcome:
        raise ConversionError(
            "the CLD has no outcome variable",
            field="outcome",
            hint="choose one: gmb var set NAME VAR --kind outcome, --outcome VAR, or 'outcome' in the assumptions",
        )
    if outcome not in G:
        raise ConversionError(f"no variable {outcome!r} in the CLD", field="outcome")
    return outcome


def _check_references(G: nx.DiGraph, a: Assumptions) -> None:
    links = {str(d.get("id")): (u, v) for u, v, d in G.edges(data=True)}
    for i, v in enumerate(a.stocks or ()):
        if v not in G:
            raise ConversionError(f"no variable {v!r} in the CLD", field=f"stocks[{i}]")
    for v in a.adjustment_times:
        if v not in G:
            raise ConversionError(f"no variable {v!r} in the CLD", field=f"adjustment_times.{v}")
    for group in ("elasticities", "delay_times", "polarities", "link_presence", "link_sign"):
        for lid in getattr(a, group):
            if lid not in links:
                raise ConversionError(f"no link {lid!r} in the CLD", field=f"{group}.{lid}")
    for lid in a.delay_times:
        if not G.edges[links[lid]].get("delay"):
            raise ConversionError(f"link {lid} is not marked as delayed", field=f"delay_times.{lid}")
    for lid in a.polarities:
        if edge_sign(G, *links[lid]) != 0:
            raise ConversionError(
                f"link {lid} already has polarity {G.edges[links[lid]].get('polarity')}; only '?' links take one here",
                field=f"polarities.{lid}",
            )
    for lid, p in a.link_sign.items():
        if p in (0.0, 1.0) and edge_sign(G, *links[lid]) == 0 and lid not in a.polarities:
            raise ConversionError(
                f"link {lid} has unknown polarity; a sure sign ({'+' if p else '-'}) belongs in 'polarities'",
                field=f"link_sign.{lid}",
                hint=f'"polarities": {{"{lid}": "{"+" if p else "-"}"}}',
            )
    for u, v, d in G.edges(data=True):
        strength = d.get("strength") or "unknown"
        if strength not in a.strengths:
            raise ConversionError(
                f"link {d.get('id')} ({_label(G, u)} -> {_label(G, v)}) has strength {strength!r}, "
                "which the assumptions give no range for",
                field=f"links.{d.get('id')}.strength",
                hint=f"known classes: {', '.join(a.strengths)}",
            )


def _stocks(G: nx.DiGraph, M: nx.DiGraph, a: Assumptions, outcome: str | None = None) -> dict[str, str]:
    """{variable: why it is a stock}, in node order."""
    if a.stocks is not None:
        loop = _loop_without(M, set(a.stocks))
        if loop:
            raise ConversionError(
                "this loop has no stock: " + " -> ".join(_label(G, n) for n in [*loop, loop[0]]),
                field="stocks",
                hint="add one of its variables to 'stocks', or set 'stocks' to null to choose automatically",
            )
        why = {v: "assumed" for v in a.stocks}
    else:
        marked = {n for n in G if G.nodes[n].get("kind") == "stock"}
        why = {v: "marked" for v in marked}
        prefer = (outcome,) if outcome else ()
        why.update({v: "automatic" for v in choose_stocks(M, marked, prefer)})
    return {n: why[n] for n in G if n in why}


def resolve_assumptions(G: nx.DiGraph, assumptions: Assumptions | None = None) -> Assumptions:
    """``assumptions`` with everything the conversion decided made explicit (stocks, outcome).

    Saving this and converting again gives the same model.

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    assumptions : Assumptions, optional
        The starting assumptions (default ``Assumptions()``).

    Returns
    -------
    Assumptions
        A copy with ``outcome`` and ``stocks`` filled in.

    Raises
    ------
    gmb.errors.ConversionError
        As :func:`to_stockflow`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph(outcome="b")  # a balancing loop a -> b -> a
    >>> G.add_edges_from([("a", "b", {"sign": 1, "strength": "medium"}), ("b", "a", {"sign": -1, "strength": "weak"})])
    >>> a = resolve_assumptions(G)
    >>> a.outcome, a.stocks
    ('b', ('b',))
    """
    a = assumptions or Assumptions()
    _check_references(G, a)
    M, _ = included_links(G, a)
    outcome = _outcome(G, a)
    return a.edit(stocks=list(_stocks(G, M, a, outcome)), outcome=outcome)


def _doc(G: nx.DiGraph, node: str) -> str:
    data = G.nodes[node]
    labels = data.get("labels") or {}
    text = "; ".join(f"{lang}: {t}" for lang, t in labels.items()) or _label(G, node)
    if data.get("description"):
        text += f". {data['description']}"
    return text


def to_stockflow(G: nx.DiGraph, assumptions: Assumptions | None = None, *, name: str | None = None) -> StockFlowModel:
    """Convert a CLD (``gmb.cld.to_graph`` schema) into a stock-flow model under ``assumptions``.

    Parameters
    ----------
    G : networkx.DiGraph
        The map, with an outcome (``G.graph["outcome"]`` or ``assumptions.outcome``).
    assumptions : Assumptions, optional
        The conversion's assumptions (default ``Assumptions()``).
    name : str, optional
        The model's name (default: from the map's title).

    Returns
    -------
    StockFlowModel
        The model, with ``notes`` saying what the conversion decided.

    Raises
    ------
    gmb.errors.ConversionError
        No outcome, no path to the outcome, a link strength class without a range, assumptions
        naming a missing variable or link, a loop without a stock in an explicit stock list, or a
        time step too coarse for the adjustment and delay times.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph(outcome="b")  # a balancing loop a -> b -> a
    >>> G.add_edges_from([("a", "b", {"sign": 1, "strength": "medium"}), ("b", "a", {"sign": -1, "strength": "weak"})])
    >>> model = to_stockflow(G, name="demo")
    >>> model.outcome, [s.name for s in model.stocks]
    ('b', ['b'])
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise ConversionError("expected the CLD as a networkx.DiGraph (gmb.cld.to_graph)", field="graph")
    a = assumptions or Assumptions()
    outcome = _outcome(G, a)
    _check_references(G, a)
    M, left_out = included_links(G, a)
    if not nx.ancestors(M, outcome):
        extra = f" (after leaving out {len(left_out)} link(s) of unknown polarity)" if left_out else ""
        raise ConversionError(
            f"no variable has a path to the outcome {_label(G, outcome)!r}{extra}",
            field="outcome",
            hint="add links towards the outcome, or choose another outcome",
        )
    stocks = _stocks(G, M, a, outcome)
    notes: list[str] = []
    for kind in ("marked", "automatic", "assumed"):
        chosen = [v for v, why in stocks.items() if why == kind]
        if chosen:
            what = {
                "marked": "marked as stocks in the CLD",
                "automatic": "chosen automatically so that every feedback loop contains a stock",
                "assumed": "given as stocks in the assumptions",
            }[kind]
            notes.append(f"stocks: {', '.join(f'{v} ({_label(G, v)})' for v in chosen)} {what}")
    for lid, u, v in left_out:
        notes.append(
            f"link {lid} ({_label(G, u)} -> {_label(G, v)}) left out: its polarity is unknown "
            "(give it in the assumptions' 'polarities' to include it)"
        )
    doubts = {d["id"]: link_doubt(G.edges[u, v], a, d["id"], unsigned=d["unsigned"]) for u, v, d in M.edges(data=True)}
    for u, v, d in M.edges(data=True):
        if d["unsigned"]:
            notes.append(
                f"link {d['id']} ({_label(G, u)} -> {_label(G, v)}) has unknown polarity: nominal elasticity 0 "
                f"(no effect in the model files and nominal runs); ensembles that vary structure draw it + with "
                f"probability {doubts[d['id']].sign:g}, else -"
            )
    unsure = [(d["id"], u, v) for u, v, d in M.edges(data=True) if doubts[d["id"]].present < 1]
    if unsure:
        notes.append("structure: links that ensembles leave out in some draws (P(present) < 1): " + "; ".join(
            f"{lid} ({_label(G, u)} -> {_label(G, v)}) {doubts[lid].present:.2f} ({doubts[lid].why})"
            for lid, u, v in unsure))  # fmt: skip
    for n in G:
        if G.nodes[n].get("kind") == "exogenous" and M.in_degree(n):
            notes.append(f"{n} ({_label(G, n)}) is marked exogenous but has causes in the CLD; they are modelled")

    namer = Namer()
    base = {n: namer.claim(_label(G, n)) for n in G}
    constants: list[Constant] = []
    inputs: list[Input] = []
    smooths: list[Smooth] = []
    effects: list[Effect] = []
    auxiliaries: list[Auxiliary] = []
    stock_els: list[Stock] = []
    flows: list[Flow] = []
    lookups: list[Lookup] = []
    saturation = None  # the bounded shape's lookup
    ceiling = None  # the saturating shape's constant B
    if a.effect_shape == "bounded":
        saturation = namer.claim("saturation")
        lookups.append(Lookup(saturation, SATURATION, doc="bounded effect: L(z) = 2 z^2 / (1 + z^2), L(1) = 1"))
    elif a.effect_shape == "saturating":
        ceiling = namer.claim("saturation")
        constants.append(
            Constant(ceiling, a.saturation, role="saturation", low=a.saturation, high=a.saturation, unit="dmnl",
                     doc=f"ceiling of every variable in log units: an index stays within e^-B .. e^B "
                         f"({math.exp(-a.saturation):.3g} .. {math.exp(a.saturation):.3g} times its baseline)")
        )  # fmt: skip

    factors: dict[str, list[str]] = {n: [] for n in G}
    incoming: dict[str, list[str]] = {n: [] for n in G}
    for u, v, d in M.edges(data=True):
        lid, sign = d["id"], d["sign"]
        strength = d.get("strength") or "unknown"
        rng: Range = a.strengths[strength]
        why = f"link {lid}: {_label(G, u)} -> {_label(G, v)} ({'?' if d['unsigned'] else '+' if sign > 0 else '-'}, "
        why += f"{strength}, delayed)" if d.get("delay") else f"{strength})"
        e_name = namer.claim(lid, prefix="elasticity_")
        # a '?' link is neutral at its nominal value (0), so files and nominal runs do not guess its sign
        nominal = 0.0 if d["unsigned"] else a.elasticities.get(lid, rng.nominal)
        doubt = doubts[lid]
        constants.append(
            Constant(e_name, nominal, role="elasticity", ref=lid, low=rng.low, high=rng.high, unit="dmnl",
                     category=strength, doc=f"elasticity of {why}", links=(lid,), p_present=doubt.present,
                     p_sign=doubt.sign)
        )  # fmt: skip
        source = base[u]
        if d.get("delay"):
            t_name = namer.claim(lid, prefix="delay_time_")
            dt_rng = a.delay.time
            constants.append(
                Constant(t_name, a.delay_times.get(lid, dt_rng.nominal), role="delay_time", ref=lid,
                         low=dt_rng.low, high=dt_rng.high, unit=a.time.unit, doc=f"delay time of {why}",
                         links=(lid,))
            )  # fmt: skip
            s_name = namer.claim(f"delayed {_label(G, u)} for {_label(G, v)}")
            smooths.append(
                Smooth(s_name, source=source, delay_time=t_name, order=a.delay.order,
                       doc=f"{_label(G, u)} as perceived by {_label(G, v)} after a delay ({why})", links=(lid,))
            )  # fmt: skip
            source = s_name
        eff = namer.claim(f"effect of {_label(G, u)} on {_label(G, v)}")
        effects.append(
            Effect(eff, link=lid, source=source, elasticity=e_name, sign=sign, cause=u, target=v,
                   lookup=saturation, doc=f"effect of {why}", links=(lid,))
        )  # fmt: skip
        factors[v].append(eff)
        incoming[v].append(lid)

    for n in G:
        label, doc = _label(G, n), _doc(G, n)
        links = tuple(incoming[n])
        if n in stocks:
            ind, flow = namer.claim(f"indicated {label}"), namer.claim(f"change in {label}")
            tau = namer.claim(f"adjustment time {label}")
            i_ind, i_in = namer.claim(f"indicated input {label}"), namer.claim(f"inflow input {label}")
            rng = a.adjustment_time
            constants.append(
                Constant(tau, a.adjustment_times.get(n, rng.nominal), role="adjustment_time", ref=n, low=rng.low,
                         high=rng.high, unit=a.time.unit, doc=f"adjustment time of {label}")
            )  # fmt: skip
            inputs.append(Input(i_ind, variable=n, channel="indicated", doc=f"intervention on the indicated {label}"))
            inputs.append(Input(i_in, variable=n, channel="inflow", doc=f"intervention on the inflow of {label}"))
            auxiliaries.append(
                Auxiliary(ind, variable=n, label=label, role="indicated", factors=tuple(factors[n]), input=i_ind,
                          saturation=ceiling, doc=f"indicated value of {label}: where it is heading", links=links)
            )  # fmt: skip
            stock_els.append(Stock(base[n], variable=n, flow=flow, label=label, chosen=stocks[n], doc=doc, links=links))
            flows.append(
                Flow(flow, stock=base[n], indicated=ind, adjustment_time=tau, input=i_in,
                     doc=f"net change of {label}: closes the gap to its indicated value", links=links)
            )  # fmt: skip
        else:
            i_lvl = namer.claim(f"level input {label}")
            inputs.append(Input(i_lvl, variable=n, channel="level", doc=f"intervention on the level of {label}"))
            auxiliaries.append(
                Auxiliary(base[n], variable=n, label=label, factors=tuple(factors[n]), input=i_lvl, doc=doc,
                          saturation=ceiling, links=links)
            )  # fmt: skip

    order = _evaluation_order(G, effects, auxiliaries)
    time = TimeSpec(start=a.time.start, stop=a.time.start + a.time.horizon, dt=a.time.step, unit=a.time.unit)
    step_note = _check_step(time, constants, a.delay.order)
    if step_note:
        notes.append(step_note)
    model = StockFlowModel(
        name=name or base[outcome], title=str(G.graph.get("title") or ""), time=time,
        constants=tuple(constants), inputs=tuple(inputs), lookups=tuple(lookups), smooths=tuple(smooths),
        effects=tuple(effects), auxiliaries=tuple(auxiliaries), stocks=tuple(stock_els), flows=tuple(flows),
        order=order, outcome=base[outcome], notes=tuple(notes),
    )  # fmt: skip
    return _stabilise(model, a, G.graph.get("stories"))


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
