"""Which loops drive a scenario: Loops That Matter on a scenario's runs, named as the group named them.

:func:`loop_dominance` runs a model under a scenario (interventions) and its baseline with
the ensemble engine, rebuilds every element from the recorded states with the model's own
equations (:mod:`gmb.simulate.ltm`), and scores every feedback loop over time.

**Baseline and deviation.** gmb's baseline rests (every index stays 1), so the scenario's
change over time *is* the change of its deviation from the baseline, and the scores are
those of the scenario's run. If the baseline moves (a model whose inputs are not neutral),
each ``Δz_x`` is the scenario's minus the baseline's, i.e. the scores explain the deviation.

**Which loops.** Every element-level loop: the map's loops (named ``R1``, ``B2``… and after
the group's stories, as ``gmb loops`` names them) and each stock's own *adjustment* loop (a
stock moving towards its indicated value: balancing, not drawn on the map). A smooth's inner
stage loops are its mechanics and left out (as Simlin does). Beyond ``exhaustive_limit``
elements the loops are *discovered* (the strongest loops through each stock at sampled
times, Eberlein & Schoenberg 2020) and ``complete`` is False. Relative scores are normalised
within the cycle partition of the outcome (or of the largest set of stocks joined by feedback).

**Dominance.** At each time the dominant loop is the one with the largest ``|relative score|``;
periods are runs of equal dominance and shifts their boundaries. Over an ensemble each draw
gets its own dominant loop per period (largest mean ``|relative score|`` over the period), and
the answer is the share of draws in which each loop dominates.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> d = loop_dominance(chain_model(3), [Intervention(variable="v2", dose=0.2)], horizon=12.0)
>>> [lp["id"] for lp in d["loops"]], d["complete"]
(['adj:v2', 'adj:v1', 'adj:v0', 'B1'], True)
>>> d["periods_map"]
[{'loops': [None], 'start': 0.0, 'end': 0.75}, {'loops': ['B1'], 'start': 1.0, 'end': 12.0}]
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError
from gmb.simulate import ltm

# scenario_values is re-exported: ``gmb.simulate.dominance`` stays its import path.
from gmb.simulate.dominance_runs import _scores, _study, scenario_values
from gmb.simulate.result_types import Dominance

if TYPE_CHECKING:
    from gmb.cld.loops import LoopResult
    from gmb.simulate.interventions import Bundle, Intervention
    from gmb.stockflow.model import StockFlowModel

__all__ = [
    "EXHAUSTIVE_LIMIT",
    "LoopInfo",
    "describe_loops",
    "loop_dominance",
    "merge_short",
    "periods_of",
    "scenario_values",
]

#: above this many elements in one strongly connected part, loops are discovered, not enumerated
#: (Havndal's has about 300 and 172 loops, listed in 0.1 s; a 200-stock map's about 1,100 and astronomically many)
EXHAUSTIVE_LIMIT = 600
LoopInfo = dict


def _loops(graph, scores, time_limit: float | None, exhaustive_limit: int) -> ltm.LoopSet:
    import networkx as nx

    started = time.perf_counter()
    biggest = max((len(c) for c in nx.strongly_connected_components(graph.digraph())), default=0)
    if biggest <= exhaustive_limit:  # try to list them all within half the time; else discover
        found = ltm.find_loops(graph, time_limit=None if time_limit is None else time_limit / 2)
        if found.complete:
            return found
    left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - started))
    return ltm.discover_loops(graph, scores, time_limit=left)


def describe_loops(graph: Any, model: Any, loops: Sequence[ltm.LtmLoop], named: Any = None,
                   lang: str | None = None) -> list[LoopInfo]:  # fmt: skip
    """Each element loop as the group knows it: its map loop (id, name, stories, links) or a stock's adjustment."""
    labels = {el.variable: (el.label or el.variable) for el in model.variables}
    signs = {e.link: e.sign for e in model.effects}
    by_links = {frozenset(lp.links): lp for lp in (named.loops if named is not None else ())}
    out, fresh = [], {"R": 0, "B": 0}
    for lp in loops:
        variables = [graph.nodes[n].variable for n in lp.nodes if graph.nodes[n].variable]
        links = [graph.nodes[n].link for n in lp.nodes if graph.nodes[n].link]
        if not links:
            v = variables[0] if variables else lp.nodes[0]
            out.append({"id": f"adj:{v}", "kind": "adjustment", "polarity": "B", "name": None, "stories": [],
                        "variables": [v], "labels": [labels.get(v, v)], "links": [],
                        "describe": f"{labels.get(v, v)} adjusts towards its indicated value"})  # fmt: skip
            continue
        k = variables.index(min(variables)) if variables else 0  # start where the map's loop listing would
        variables = variables[k:] + variables[:k]
        links = links[k:] + links[:k]
        polarity = "R" if np.prod([signs[x] for x in links]) > 0 else "B"
        known = by_links.get(frozenset(links))
        if known is not None:
            ident, name, stories = known.id, known.name, list(known.stories)
            variables, links = list(known.variables), list(known.links)
        else:
            fresh[polarity] += 1
            ident, name, stories = f"{polarity}*{fresh[polarity]}", None, []
        out.append({"id": ident, "kind": "map", "polarity": polarity, "name": name, "stories": stories,
                    "variables": variables, "labels": [labels.get(v, v) for v in variables], "links": links,
                    "describe": " → ".join(labels.get(v, v) for v in variables)})  # fmt: skip
    return out


def _model_loops(model: Any, time_limit: float | None):
    import networkx as nx

    from gmb.cld.loops import find_loops

    G = nx.DiGraph()
    G.add_nodes_from((el.variable, {"label": el.label or el.variable}) for el in model.variables)
    G.add_edges_from((e.cause, e.target, {"id": e.link, "sign": e.sign}) for e in model.effects)
    return find_loops(G, time_limit=time_limit)


def periods_of(dominant: Sequence[int], times: Sequence[float]) -> list[dict[str, Any]]:
    """Runs of equal dominant loop index ``[(loop, start, end)]`` (``-1``: nothing moves yet)."""
    out: list[dict[str, Any]] = []
    for k, (d, t) in enumerate(zip(dominant, times)):
        if out and out[-1]["loop"] == int(d):
            out[-1]["end"] = float(t)
        else:
            out.append({"loop": int(d), "start": float(t), "end": float(t)})
    return out


def merge_short(periods: Sequence[dict[str, Any]], shortest: float) -> list[dict[str, Any]]:
    """Periods for words: runs shorter than ``shortest`` join their neighbours (``loops`` lists who alternated)."""
    out: list[dict[str, Any]] = []
    for p in periods:
        short = p["end"] - p["start"] < shortest
        if out and (short or out[-1]["short"]) and p["loop"] is not None and out[-1]["loops"] != [None]:
            last = out[-1]
            last["end"] = p["end"]
            last["loops"] = list(dict.fromkeys([*last["loops"], p["loop"]]))
            last["short"] = last["end"] - last["start"] < shortest
        else:
            out.append({"loops": [p["loop"]], "start": p["start"], "end": p["end"], "short": short})
    for p in out:
        p.pop("short")
    return out


def _focus(graph, model, loops) -> np.ndarray:
    """Loops in the partition that holds the outcome (else the one with most loops)."""
    part = np.array(ltm.partitions(graph, loops)) if loops else np.zeros(0, int)
    if not len(part):
        return np.zeros(0, bool)
    target = part[0]
    if model.outcome and model.outcome in graph.nodes:
        for i, lp in enumerate(loops):
            if model.outcome in lp.nodes:
                target = part[i]
                break
        else:
            target = np.bincount(part).argmax()
    else:
        target = np.bincount(part).argmax()
    return part == target


def loop_dominance(model: StockFlowModel, interventions: Sequence[Intervention] | Bundle = (), *,
                   horizon: float | None = None, runs: int = 0, seed: int = 0, method: str = "mc", period: float | None = None,
                   named: LoopResult | None = None,
                   time_limit: float | None = 10.0, exhaustive_limit: int = EXHAUSTIVE_LIMIT, chunk: int = 250,
                   engine: str = "auto", name: str = "scenario", every: float | None = None) -> Dominance:  # fmt: skip
    """Loop dominance of ``interventions`` (or a :class:`~gmb.scenarios.Bundle`) on ``model``, as JSON-ready data.

    See the module docstring for the method.

    Parameters
    ----------
    model : StockFlowModel
        The model.
    interventions : sequence of Intervention, or Bundle, optional
        The scenario (default: the baseline).
    horizon : float, optional
        Up to when (default: the model's stop time).
    runs : int, optional
        > 0 adds the ensemble answer: the share of ``runs`` parameter draws in which each loop
        dominates each ``period``.
    seed : int, optional
        Seed of the draws.
    method : {"mc", "lhs"}, optional
        How the draws are made.
    period : float, optional
        Length of a period (default: a year in months, else a sixth of the horizon).
    named : LoopResult, optional
        The map's loops (after ``name_loops``) for ids, names, stories (default: loops numbered on
        the model's own links, which match ``gmb loops`` unless links were left out).
    time_limit : float, optional
        Seconds the loop search may take.
    exhaustive_limit : int, optional
        Up to this many loops, every loop is scored.
    chunk : int, optional
        Runs per chunk.
    engine : {"auto", "numba", "numpy"}, optional
        The engine for the ensemble answer.
    name : str, optional
        The scenario's name in the answer.
    every : float, optional
        Report the series at this spacing (default: one time unit; scores use every step).

    Returns
    -------
    Dominance
        Typed and frozen (:class:`gmb.simulate.result_types.Dominance`): ``scenario``, ``time``, ``loops``
        (with their scores), ``dominant`` per time, ``shifts``, ``periods``, ``complete`` …

    Examples
    --------
    >>> from gmb.simulate.synthetic import chain_model
    >>> d = loop_dominance(chain_model(3))  # the stocks' adjustment loops and the map's loop B1
    >>> [loop["id"] for loop in d["loops"]], d["complete"]
    (['adj:v0', 'adj:v1', 'adj:v2', 'B1'], True)
    """
    started = time.perf_counter()
    if hasattr(interventions, "interventions"):  # a Bundle: its interventions, under its name
        name = getattr(interventions, "name", None) or name
        interventions = interventions.interventions
    graph, study, vals, consts = scenario_values(model, interventions, horizon=horizon, engine=engine)
    scores, moving = _scores(graph, vals, consts)
    # the time limit bounds the whole call: the search gets what is left after the run, less a tenth for scoring
    left = None if time_limit is None else max(0.0, 0.9 * time_limit - (time.perf_counter() - started))
    found = _loops(graph, scores, left, exhaustive_limit)
    loops = list(found.loops)
    focus = _focus(graph, model, loops)
    loops = [lp for lp, f in zip(loops, focus) if f]
    times = study.program.times[study.save_steps] - study.program.times[0]
    rel = ltm.relative_scores(graph, loops, scores)[..., 0] if loops else np.zeros((0, len(times)))
    if named is None and found.complete:  # number the loops as gmb loops would on the modelled links
        named = _model_loops(
            model, None if time_limit is None else max(0.5, time_limit - (time.perf_counter() - started))
        )
    info = describe_loops(graph, model, loops, named)
    order = np.argsort(-np.abs(rel).mean(axis=1), kind="stable")
    info = [info[i] for i in order]
    rel = rel[order]
    loops = [loops[i] for i in order]
    dominant = (
        np.where(np.abs(rel).max(axis=0) > 0, np.abs(rel).argmax(axis=0), -1) if len(rel) else np.full(len(times), -1)
    )
    is_map = np.array([i["kind"] == "map" for i in info])
    map_rel = np.where(is_map[:, None], np.abs(rel), 0.0) if len(rel) else rel
    dom_map = np.where(map_rel.max(axis=0) > 0, map_rel.argmax(axis=0), -1) if len(rel) else dominant
    stride = max(1, round((1.0 if every is None else every) / study.program.dt))
    shown = np.unique(np.append(np.arange(0, len(times), stride), len(times) - 1))
    for i, lp in enumerate(info):
        lp["relative"] = [round(float(x), 6) for x in rel[i, shown]]
        lp["mean_abs"] = float(np.abs(rel[i]).mean())
        lp["elements"] = list(loops[i].nodes)

    def named_periods(dom):
        return [{**p, "loop": info[p["loop"]]["id"] if p["loop"] >= 0 else None} for p in periods_of(dom, times)]

    out: dict[str, Any] = {
        "scenario": name, "time": [float(times[k]) for k in shown], "unit": study.program.unit,
        "loops": info, "dominant": named_periods(dominant), "dominant_map": named_periods(dom_map),
        "shifts": [p["start"] for p in named_periods(dominant)[1:]],
        "periods": merge_short(named_periods(dominant), 1.0),
        "periods_map": merge_short(named_periods(dom_map), 1.0),
        "complete": found.complete, "mode": found.mode, "truncated": found.truncated,
        "baseline_moves": moving, "loops_found": len(found.loops), "loops_scored": len(loops),
        "method": "Loops That Matter (Schoenberg, Davidsen & Eberlein 2020): relative loop scores within the "
                  "outcome's cycle partition, from the scenario's change over each time step "
                  + ("(the baseline rests, so that change is the deviation from it)" if not moving
                     else "(minus the baseline's change: scores explain the deviation)"),
    }  # fmt: skip
    if runs:
        if runs < 1:
            raise InputError(f"need at least one run, got {runs}", field="runs")
        out["ensemble"] = _ensemble(model, interventions, loops, info, horizon, runs, seed, method, period,
                                    chunk, engine, graph, times)  # fmt: skip
    out["elapsed"] = time.perf_counter() - started
    return Dominance.from_dict(out)


def _period_edges(times: np.ndarray, unit: str, period: float | None) -> np.ndarray:
    span = float(times[-1])
    if period is None:
        period = 12.0 if unit.startswith("month") and span >= 24 else span / 6
    if not period > 0:
        raise InputError(f"the period must be > 0, got {period:g}", field="period")
    edges = np.arange(0.0, span + 1e-9, period)
    return np.append(edges, span) if edges[-1] < span - 1e-9 else edges


def _ensemble(model, interventions, loops, info, horizon, runs, seed, method, period, chunk, engine, graph,
              times) -> dict[str, Any]:  # fmt: skip
    from gmb.simulate.sampling import draw

    study = _study(model, interventions, horizon, engine, seed=seed)
    edges = _period_edges(times, study.program.unit, period)
    # scores at each whole time unit (the step ending there): a quarter of the work at dt = 0.25
    stride = max(1, round(1.0 / study.program.dt))
    rows = np.arange(stride, len(times), stride)
    if not len(rows) or rows[-1] != len(times) - 1:
        rows = np.append(rows, len(times) - 1)
    at = times[rows]
    slots = [(at > a) & (at <= b + 1e-9) for a, b in pairwise(edges)]
    counts = np.zeros((len(slots), len(loops) + 1))  # last column: nothing moves
    for start in range(0, runs, chunk):
        n = min(chunk, runs - start)
        P = draw(study.program, seed=seed, start=start, runs=n, method=method)
        g, _, vals, consts = scenario_values(model, interventions, P, horizon=horizon, engine=engine, graph=graph)
        scores, _ = _scores(g, vals, consts, rows=rows)
        rel = np.abs(ltm.relative_scores(g, loops, scores))  # (loops, rows, runs)
        for j, sel in enumerate(slots):
            m = rel[:, sel].mean(axis=1)  # (loops, runs)
            winner = np.where(m.max(axis=0) > 0, m.argmax(axis=0), len(loops))
            counts[j] += np.bincount(winner, minlength=len(loops) + 1)
    share = counts / runs
    return {
        "runs": runs, "seed": seed, "method": method,
        "periods": [{"start": float(a), "end": float(b),
                     "shares": {info[i]["id"]: round(float(share[j, i]), 4) for i in np.argsort(-share[j, :-1])
                                if share[j, i] > 0},
                     "none": round(float(share[j, -1]), 4)} for j, (a, b) in enumerate(pairwise(edges))],
        "note": "share of parameter draws in which each loop has the largest mean |relative score| in the period "
                "(scores at each whole time unit, each from the step ending there)",
    }  # fmt: skip
