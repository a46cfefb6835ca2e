"""Loops That Matter (Schoenberg, Davidsen & Eberlein 2020): link, loop and relative loop scores.

Everything here works on an :class:`EquationGraph` — named elements, each either a
*stock* (with inflows and outflows) or an *auxiliary* given by an equation over other
elements — built from a :class:`~gmb.stockflow.model.StockFlowModel`'s own XMILE
equations (:func:`from_model`, so any response shape the converter writes is scored
without changes here) or from hand-written equations (:func:`from_equations`).

Definitions (the published ones), for a step from saved time ``t-1`` to ``t``:

* link ``x → z`` into an auxiliary: ``LS = |Δz_x / Δz| · sign(Δz_x / Δx)``, where
  ``Δz_x = f(x_t, others_{t-1}) - f(x_{t-1}, others_{t-1})`` is the change ``z`` would
  have had if only ``x`` had changed; 0 when ``Δz`` or ``Δx`` is 0;
* link ``flow → stock``: ``LS = ±|Δflow / Δnet|``, ``Δnet`` the change of the stock's net
  flow (``+`` for an inflow, ``-`` for an outflow); 1 for a stock's only flow;
* loop score: the product of its link scores; relative loop score: the loop score
  over the sum of ``|loop score|`` of every loop in its *cycle partition* (the stocks
  joined by feedback: a strongly connected part of the graph), signed, in [-1, 1].

Scores at the first saved time are 0 (no step yet), as in Stella and Simlin. Arrays
may carry extra trailing axes (runs): every score is computed for all runs at once.

>>> g = from_equations({"births": "p * frac", "frac": "r * (1 - p / k)"}, stocks={"p": (["births"], [])},
...                    constants={"r": 0.5, "k": 100.0})
>>> v = g.simulate({"p": 1.0}, dt=0.25, steps=80)
>>> loops = find_loops(g).loops
>>> rel = relative_scores(g, loops, link_scores(g, v))
>>> [tuple(lp.nodes) for lp in loops], [round(float(x), 3) for x in rel[:, 1]]
([('births', 'p'), ('births', 'p', 'frac')], [0.99, -0.01])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from gmb.errors import SimulationError
from gmb.simulate.expr import Expression, parse

# Re-exported: ``gmb.simulate.ltm`` stays the one import path for the whole method.
from gmb.simulate.ltm_loops import (
    LoopSet,
    LtmLoop,
    discover_loops,
    find_loops,
    loop_scores,
    partitions,
    relative_scores,
)

__all__ = [
    "EquationGraph",
    "LoopSet",
    "LtmLoop",
    "Node",
    "complete_values",
    "discover_loops",
    "find_loops",
    "from_equations",
    "from_model",
    "link_scores",
    "loop_scores",
    "partitions",
    "relative_scores",
]  # fmt: skip


@dataclass(frozen=True)
class Node:
    """One element: ``kind`` is ``stock`` (``inflows``/``outflows``) or ``aux`` (``fn`` of ``causes``)."""

    name: str
    kind: str
    causes: tuple[str, ...] = ()  # the elements whose change moves this one (constants excluded)
    fn: Expression | None = None
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    initial: float = 1.0
    variable: str | None = None  # the CLD variable this element holds, if any
    link: str | None = None  # the CLD link this element carries (an effect), if any
    internal: str | None = None  # the builtin (a smooth) this element is an inner part of


@dataclass(frozen=True, eq=False)
class EquationGraph:
    """Elements in evaluation order, constants, and exogenous series (inputs: change, but on no loop)."""

    nodes: Mapping[str, Node]
    order: tuple[str, ...]  # auxiliaries in evaluation order
    constants: Mapping[str, Any] = field(default_factory=dict)
    exogenous: frozenset[str] = frozenset()

    @property
    def stocks(self) -> tuple[str, ...]:
        return tuple(n for n, node in self.nodes.items() if node.kind == "stock")

    def edges(self) -> Iterable[tuple[str, str]]:
        """Causal links between elements (cause, target), flows into their stocks included."""
        for node in self.nodes.values():
            if node.kind == "stock":
                yield from ((f, node.name) for f in (*node.inflows, *node.outflows))
            else:
                yield from ((c, node.name) for c in node.causes if c in self.nodes)

    def digraph(self) -> nx.DiGraph:
        return nx.DiGraph(list(self.edges()))

    def simulate(self, initial: Mapping[str, float], *, dt: float, steps: int,
                 exogenous: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:  # fmt: skip
        """Euler run of a hand-written graph (tests, examples): every element at every step."""
        stocks = {s: np.asarray(initial.get(s, self.nodes[s].initial), float) for s in self.stocks}
        out: dict[str, list] = {}
        for k in range(steps + 1):
            v: dict[str, Any] = {**self.constants, **stocks}
            for name, series in (exogenous or {}).items():
                v[name] = series[k]
            for name in self.order:
                v[name] = self.nodes[name].fn(v)
            for name in (*self.stocks, *self.order):
                out.setdefault(name, []).append(v[name])
            stocks = {s: stocks[s] + dt * (sum(v[f] for f in self.nodes[s].inflows)
                                           - sum(v[f] for f in self.nodes[s].outflows)) for s in self.stocks}  # fmt: skip
        return {k: np.array(x) for k, x in out.items()}


def from_equations(equations: Mapping[str, str], *, stocks: Mapping[str, tuple[Sequence[str], Sequence[str]]],
                   constants: Mapping[str, float] | None = None, initial: Mapping[str, float] | None = None,
                   exogenous: Iterable[str] = ()) -> EquationGraph:  # fmt: skip
    """A graph from XMILE-style equations ``{name: rhs}`` and ``{stock: (inflows, outflows)}``."""
    constants = dict(constants or {})
    exo = frozenset(exogenous)
    parsed = {name: parse(text, element=name) for name, text in equations.items()}
    nodes: dict[str, Node] = {}
    for s, (ins, outs) in stocks.items():
        nodes[s] = Node(s, "stock", inflows=tuple(ins), outflows=tuple(outs), initial=(initial or {}).get(s, 1.0))
    for name, fn in parsed.items():
        nodes[name] = Node(name, "aux", tuple(sorted(n for n in fn.names if n not in constants)), fn)
    return EquationGraph(nodes, _order(nodes, parsed), constants, exo)


def _order(nodes: Mapping[str, Node], parsed: Mapping[str, Expression]) -> tuple[str, ...]:
    D = nx.DiGraph()
    D.add_nodes_from(parsed)
    D.add_edges_from((c, n) for n in parsed for c in nodes[n].causes if c in parsed)
    try:
        return tuple(nx.topological_sort(D))
    except nx.NetworkXUnfeasible:
        raise SimulationError("a loop of auxiliaries without a stock", field="equations") from None


def from_model(model: Any) -> EquationGraph:
    """The graph of a :class:`StockFlowModel`, read from the equations its XMILE file holds.

    A smooth of order ``n`` becomes its ``n`` stages (stocks ``NAME__s1`` … the last is ``NAME``
    itself, each with a flow ``NAME__f1`` … ``(input - stage) * n / delay``), as LTM expands it.
    """
    from gmb.stockflow.equations import equation

    lookups = {lk.name: ([p[0] for p in lk.points], [p[1] for p in lk.points]) for lk in model.lookups}
    constants = {c.name: c.value for c in model.constants}
    exogenous = frozenset(i.name for i in model.inputs)
    nodes: dict[str, Node] = {}
    parsed: dict[str, Expression] = {}

    def aux(name: str, text: str, **kw: Any) -> None:
        fn = parse(text, lookups=lookups, element=name)
        parsed[name] = fn
        nodes[name] = Node(name, "aux", tuple(sorted(n for n in fn.names if n not in constants)), fn, **kw)

    for el in (*model.effects, *model.auxiliaries, *model.flows):
        kw = {"link": el.link} if el.kind == "effect" else {}
        if el.kind == "auxiliary" and el.role == "variable":
            kw = {"variable": el.variable}
        aux(el.name, equation(el, "xmile"), **kw)
    for s in model.stocks:
        nodes[s.name] = Node(s.name, "stock", inflows=(s.flow,), initial=s.initial, variable=s.variable)
    for sm in model.smooths:
        stages = [f"{sm.name}__s{i}" for i in range(1, sm.order)] + [sm.name]
        source = sm.source
        for i, stage in enumerate(stages, start=1):
            flow = f"{sm.name}__f{i}"
            aux(flow, f"({source} - {stage}) * {float(sm.order)!r} / {sm.delay_time}", internal=sm.name)
            nodes[stage] = Node(stage, "stock", inflows=(flow,), initial=sm.initial, internal=sm.name)
            source = stage
    # a smooth's stage flows feed only its stages: evaluate them last, stage by stage
    inner = [n for n in parsed if nodes[n].internal]
    outer = _order(nodes, {n: f for n, f in parsed.items() if not nodes[n].internal})
    return EquationGraph(nodes, (*outer, *inner), constants, exogenous)


def complete_values(graph: EquationGraph, values: Mapping[str, Any], *, dt: float,
                    constants: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """Add what a run does not record: auxiliaries (from the states, all times at once) and a smooth's
    inner stages (by the simulator's own Euler steps).

    ``values`` holds at least every stock and smooth output and every input at every step (first axis
    time); ``constants`` may be arrays of runs.
    """
    out = {k: np.asarray(v, float) for k, v in values.items()}
    c = {**graph.constants, **(constants or {})}
    missing = [n for n in graph.order if n not in out]  # evaluation order: a smooth's stages come in order
    if not missing:
        return out
    T = len(next(iter(out.values())))
    shape = np.broadcast_shapes(*(np.shape(v)[1:] for v in out.values()), *(np.shape(x) for x in c.values()))
    for name in missing:
        node = graph.nodes[name]
        stage = next((s for s in graph.nodes.values() if s.kind == "stock" and name in s.inflows), None)
        if stage is not None and stage.name not in out:  # an inner stage: step it as the simulator does
            level = np.empty((T, *shape))
            level[0] = stage.initial
            flow = np.empty((T, *shape))
            fixed = {n: c[n] for n in node.fn.names if n in c}
            for k in range(T):
                v = {**fixed, **{n: out[n][k] for n in node.causes if n != stage.name}, stage.name: level[k]}
                flow[k] = node.fn(v)
                if k + 1 < T:
                    level[k + 1] = level[k] + dt * flow[k]
            out[stage.name], out[name] = level, flow
        else:
            v = {**c, **{n: out[n] for n in node.causes}}
            out[name] = np.broadcast_to(node.fn(v), (T, *shape)).copy()
    return out


def _at(values: Mapping[str, np.ndarray], names: Iterable[str], sl: slice) -> dict[str, Any]:
    return {n: values[n][sl] for n in names}


def link_scores(graph: EquationGraph, values: Mapping[str, np.ndarray], *,
                constants: Mapping[str, Any] | None = None,
                base: Mapping[str, np.ndarray] | None = None,
                rows: np.ndarray | None = None) -> dict[tuple[str, str], np.ndarray]:  # fmt: skip
    """Every link's score at every saved time, ``{(cause, target): array}`` (first axis time).

    ``rows``: only at these time indices (each >= 1; the step ending there), e.g. to thin an ensemble.

    ``base``: a second run (the baseline); when given, changes are changes of the *deviation*
    ``values - base`` (each ``Δz_x`` is the scenario's minus the baseline's), which is the plain
    definition when the baseline rests.
    """
    c = {**graph.constants, **(constants or {})}
    runs = [values] if base is None else [values, base]
    if rows is not None:  # keep the steps ending at ``rows``: pairs (k-1, k) side by side
        rows = np.asarray(rows, int)
        pick = np.stack([rows - 1, rows], axis=1).reshape(-1)
        runs = [{k: np.asarray(x)[pick].reshape(len(rows), 2, *np.shape(x)[1:]).swapaxes(0, 1) for k, x in v.items()}
                for v in runs]  # (2, rows, ...): diff along axis 0 is the step  # fmt: skip
    out: dict[tuple[str, str], np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for name in graph.order:
            node = graph.nodes[name]
            endo = [x for x in node.causes if x in graph.nodes]
            if not endo:
                continue
            parts = {x: 0.0 for x in endo}
            dz: Any = 0.0
            dxs = {x: 0.0 for x in endo}
            for sign, v in zip((1.0, -1.0), runs):
                prev = {**c, **_at(v, node.causes, slice(None, -1))}
                f0 = node.fn(prev)
                for x in endo:
                    parts[x] = parts[x] + sign * (node.fn({**prev, x: v[x][1:]}) - f0)
                    dxs[x] = dxs[x] + sign * np.diff(v[x], axis=0)
                dz = dz + sign * np.diff(v[name], axis=0)
            for x in endo:
                ok = (dz != 0) & (dxs[x] != 0)
                s = np.where(ok, np.abs(parts[x] / dz) * np.sign(parts[x]) * np.sign(dxs[x]), 0.0)
                out[(x, name)] = _pad(s) if rows is None else s[0]
        for s in graph.stocks:
            node = graph.nodes[s]
            flows = [(f, 1.0) for f in node.inflows] + [(f, -1.0) for f in node.outflows]
            d = {f: sum(sg * np.diff(v[f], axis=0) for sg, v in zip((1.0, -1.0), runs)) for f, _ in flows}
            net = sum(sg * d[f] for f, sg in flows)
            for f, sg in flows:
                score = (
                    np.where(net != 0, sg * np.abs(d[f] / net), 0.0) if len(flows) > 1 else np.where(net != 0, sg, 0.0)
                )
                out[(f, s)] = _pad(score) if rows is None else score[0]
    return out


def _pad(a: Any) -> np.ndarray:
    a = np.asarray(a, float)
    return np.concatenate([np.zeros((1, *a.shape[1:])), a], axis=0)
