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

import networkx as nx

from gmb.cld.lookup import edge_sign
from gmb.errors import ConversionError
from gmb.stockflow.assumptions import Assumptions
from gmb.stockflow.convert_checks import _check_step, _evaluation_order, _stabilise
from gmb.stockflow.formulate import (
    SATURATION,
    _Elements,
    _label,
    _link_elements,
    _shape_elements,
    _variable_elements,
)
from gmb.stockflow.model import StockFlowModel, TimeSpec
from gmb.stockflow.names import Namer
from gmb.stockflow.structure import link_doubt

__all__ = ["SATURATION", "choose_stocks", "included_links", "resolve_assumptions", "to_stockflow"]


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
    doubts = {d["id"]: link_doubt(G.edges[u, v], a, d["id"], unsigned=d["unsigned"]) for u, v, d in M.edges(data=True)}
    notes = _stock_notes(G, stocks) + _link_notes(G, M, left_out, doubts)

    # Names are claimed first come, first served: variables, the shape, links, then the variables' elements.
    namer = Namer()
    els = _Elements(namer, {n: namer.claim(_label(G, n)) for n in G})
    _shape_elements(els, a)
    factors: dict[str, list[str]] = {n: [] for n in G}
    incoming: dict[str, list[str]] = {n: [] for n in G}
    for u, v, d in M.edges(data=True):
        factors[v].append(_link_elements(els, G, u, v, d, a, doubts[d["id"]]))
        incoming[v].append(d["id"])
    for n in G:
        _variable_elements(els, G, n, stocks, factors[n], incoming[n], a)

    order = _evaluation_order(G, els.effects, els.auxiliaries)
    time = TimeSpec(start=a.time.start, stop=a.time.start + a.time.horizon, dt=a.time.step, unit=a.time.unit)
    step_note = _check_step(time, els.constants, a.delay.order)
    if step_note:
        notes.append(step_note)
    model = StockFlowModel(
        name=name or els.base[outcome], title=str(G.graph.get("title") or ""), time=time,
        constants=tuple(els.constants), inputs=tuple(els.inputs), lookups=tuple(els.lookups),
        smooths=tuple(els.smooths), effects=tuple(els.effects), auxiliaries=tuple(els.auxiliaries),
        stocks=tuple(els.stocks), flows=tuple(els.flows), order=order, outcome=els.base[outcome],
        notes=tuple(notes),
    )  # fmt: skip
    return _stabilise(model, a, G.graph.get("stories"))


def _stock_notes(G: nx.DiGraph, stocks: dict[str, str]) -> list[str]:
    """Which variables are stocks, grouped by why: marked in the CLD, chosen automatically, assumed."""
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
    return notes


def _link_notes(G: nx.DiGraph, M: nx.DiGraph, left_out, doubts) -> list[str]:
    """What happened to unsure links: left out, unknown polarity, maybe absent; causes of exogenous variables."""
    notes: list[str] = []
    for lid, u, v in left_out:
        notes.append(
            f"link {lid} ({_label(G, u)} -> {_label(G, v)}) left out: its polarity is unknown "
            "(give it in the assumptions' 'polarities' to include it)"
        )
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
    return notes
