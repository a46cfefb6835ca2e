"""Pathways of an idea: which causal paths carry its effect on the outcome, and when.

**Decomposition** (exact: the paths add up to the idea's effect at every time). Over each time
step, every element's change is split over its causes by the Loops That Matter increments —
``Δz_x``, the change ``z`` would have had if only ``x`` had changed — with the small remainder
(interaction within one step) shared in proportion to ``|Δz_x|``, so the parts sum to ``Δz``
exactly. An input that an idea pushes starts a path at its variable; a cause's part is passed on
in the proportions by which that cause's own change was made up, and a variable appends itself to
the path. A stock's change over a step is ``dt ×`` its net flow, so it is made up like the flow's
deviation (the sum of the flow's earlier parts). A path that comes back to a variable already on it
(feedback) is credited to the path that first reached that variable, so every path is a simple
path from an idea's target to the outcome; beyond ``keep`` paths per element the smallest are
pooled as ``other routes``. The outcome's deviation from the baseline is then the sum of its
paths' parts, step by step.

**Knockout check.** For the top paths' links, the scenario is run again with that link's
elasticity set to 0 (the link off); the fall of the effect is reported next to the share the
decomposition gives the paths through that link. They agree in a linear model and differ by the
interactions in a nonlinear one — that difference is reported, not hidden.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> p = pathways(chain_model(3), [Intervention(variable="v2", dose=0.2)], horizon=12.0, knockout=1)
>>> p["paths"][0]["path"], round(p["closure"], 12)
(['v2', 'v1', 'v0'], 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from gmb.errors import AnalysisError

__all__ = ["decompose", "pathways"]

_OTHER = ("…",)
_DA_UNITS = {"month": "månederne", "year": "årene", "week": "ugerne", "day": "dagene"}


def _extend(key: tuple, var: str | None) -> tuple:
    if var is None or key == _OTHER:
        return key
    if var in key:
        return key[: key.index(var) + 1]  # back round a loop: credit the path that first reached var
    return (*key, var)


def _prune(parts: dict, keep: int) -> dict:
    if len(parts) <= keep:
        return parts
    ranked = sorted(parts.items(), key=lambda kv: -abs(kv[1]))
    out = dict(ranked[:keep])
    rest = sum(v for _, v in ranked[keep:])
    out[_OTHER] = out.get(_OTHER, 0.0) + rest
    return out


def decompose(graph: Any, values: dict[str, np.ndarray], constants: dict[str, Any], *, dt: float,
              input_vars: dict[str, str], keep: int = 40) -> dict[str, list[dict]]:  # fmt: skip
    """Per element, per step ``k`` (the step ending at saved time ``k``), its change split by path.

    ``values``: one run, every element at every step; ``input_vars``: input name → the variable it pushes.
    """
    c = dict(graph.constants, **constants)
    T = len(next(iter(values.values())))
    inc: dict[str, list[dict]] = {n: [{} for _ in range(T)] for n in graph.nodes}
    level: dict[str, dict] = {n: {} for n in graph.nodes}  # a flow's deviation, made up by path
    split: dict[str, dict[str, np.ndarray]] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name in graph.order:
            node = graph.nodes[name]
            prev = {**c, **{x: values[x][:-1] for x in node.causes}}
            f0 = node.fn(prev)
            parts = {x: node.fn({**prev, x: values[x][1:]}) - f0 for x in node.causes}
            dz = np.diff(values[name])
            total = sum(parts.values()) if parts else np.zeros(T - 1)
            weight = sum(np.abs(p) for p in parts.values()) if parts else np.zeros(T - 1)
            rest = dz - total
            split[name] = {x: np.where(weight > 0, p + rest * np.abs(p) / np.where(weight > 0, weight, 1), 0.0)
                           for x, p in parts.items()}  # fmt: skip
    stocks = [graph.nodes[s] for s in graph.stocks]
    memo: dict[tuple, tuple] = {}

    def extend(key: tuple, var: str | None) -> tuple:
        if var is None:
            return key
        got = memo.get((key, var))
        if got is None:
            got = memo[(key, var)] = _extend(key, var)
        return got

    plan = [(name, graph.nodes[name], list(split[name].items())) for name in graph.order]
    for k in range(1, T):
        for s in stocks:  # Δs over the step ending at k = dt × net flow at k-1
            parts: dict = {}
            for flows, sign in ((s.inflows, 1.0), (s.outflows, -1.0)):
                for f in flows:
                    for key, v in level[f].items():
                        key2 = extend(key, s.variable)
                        parts[key2] = parts.get(key2, 0.0) + sign * dt * v
            inc[s.name][k] = _prune(parts, keep)
        for name, node, shares in plan:
            parts = {}
            var = node.variable
            for x, share in shares:
                amount = float(share[k - 1])
                if amount == 0.0:
                    continue
                if x in input_vars:  # an idea's push starts a path at its variable
                    key = extend((input_vars[x],), var)
                    parts[key] = parts.get(key, 0.0) + amount
                    continue
                if x not in graph.nodes:
                    continue
                src = inc[x][k]
                dx = sum(src.values())
                if dx == 0.0:
                    continue
                scale = amount / dx
                if var is None and not parts:  # a pass-through element (an effect, a flow): same paths
                    parts = {key: v * scale for key, v in src.items()}
                    continue
                for key, v in src.items():
                    key2 = extend(key, var)
                    parts[key2] = parts.get(key2, 0.0) + v * scale
            inc[name][k] = parts = _prune(parts, keep)
            if node.kind == "aux":
                lv = level[name]
                for key, v in parts.items():
                    lv[key] = lv.get(key, 0.0) + v
    return inc


def _links(model: Any) -> dict[tuple[str, str], str]:
    return {(e.cause, e.target): e.link for e in model.effects}


def _periods(times: np.ndarray, unit: str, period: float | None) -> list[tuple[float, float]]:
    span = float(times[-1])
    period = period or (12.0 if unit.startswith("month") and span >= 24 else span / 3)
    edges = list(np.arange(0.0, span + 1e-9, period))
    if edges[-1] < span - 1e-9:
        edges.append(span)
    return list(pairwise(edges))


def pathways(model: Any, interventions: Sequence[Any], *, horizon: float | None = None, top: int = 5,
             knockout: int = 3, period: float | None = None, keep: int = 40, engine: str = "auto",
             name: str | None = None, lang: str = "en") -> dict[str, Any]:  # fmt: skip
    """The paths that carry ``interventions``' effect on the outcome over time (see the module docstring)."""
    from gmb.simulate.dominance import scenario_values
    from gmb.simulate.ensemble import run_parameters

    if not model.outcome:
        raise AnalysisError("the model has no outcome", field="outcome")
    graph, study, (base, scen), consts = scenario_values(model, interventions, horizon=horizon, engine=engine)
    if base is not None:
        raise AnalysisError("the baseline does not rest, so an effect is not the scenario's own change",
                            field="scenario", hint="pathways need neutral inputs at baseline")  # fmt: skip
    p = study.program
    one = {k: np.asarray(v)[:, 0] if np.ndim(v) > 1 else np.asarray(v) for k, v in scen.items()}
    c1 = {k: (np.asarray(v)[0] if np.ndim(v) else v) for k, v in consts.items()}
    inputs = {i.name: i.variable for i in model.inputs}
    inc = decompose(graph, one, c1, dt=p.dt, input_vars=inputs, keep=keep)
    out_name = model.outcome
    times = p.times[study.save_steps] - p.times[0]
    effect = one[out_name] - one[out_name][0]
    keys = sorted({key for step in inc[out_name] for key in step}, key=str)
    series = {key: np.cumsum([step.get(key, 0.0) for step in inc[out_name]]) for key in keys}
    closure = float(np.max(np.abs(sum(series.values()) - effect))) if series else float(np.max(np.abs(effect)))
    final = effect[-1]
    ranked = sorted(series, key=lambda key: -abs(series[key][-1]))
    labels = {el.variable: el.label or el.variable for el in model.variables}
    links = _links(model)

    def info(key):
        path = list(key)
        return {"path": path, "labels": [labels.get(v, v) for v in path] if key != _OTHER else ["other routes"],
                "links": [links.get((a, b), "?") for a, b in pairwise(path)] if key != _OTHER else [],
                "contribution": [float(x) for x in series[key]],
                "share": float(series[key][-1] / final) if final else 0.0}  # fmt: skip

    paths = [info(key) for key in ranked if key != _OTHER][:top]
    rest = [k for k in ranked if k not in {tuple(x["path"]) for x in paths}]
    other = np.sum([series[k] for k in rest], axis=0) if rest else np.zeros_like(effect)
    periods = []
    for a, b in _periods(times, p.unit, period):
        ia, ib = int(np.searchsorted(times, a - 1e-9)), int(np.searchsorted(times, b - 1e-9))
        gains = {key: series[key][ib] - series[key][ia] for key in ranked}
        total = effect[ib] - effect[ia]
        best = max(gains, key=lambda key: abs(gains[key]))
        periods.append({"start": float(a), "end": float(b), "path": list(best), "change": float(total),
                        "share": float(gains[best] / total) if total else 0.0,
                        "through": labels.get(best[-2], best[-2]) if len(best) > 1 and best != _OTHER else None})  # fmt: skip
    checks = []
    used = list(dict.fromkeys(lk for x in paths[:knockout] for lk in x["links"] if lk != "?"))
    slot = list(study.save_slots).index(p.outcome_slot)
    for lk in used:
        P = p.nominal(1)
        P[p.param(model.parameter("elasticity", lk).name)] = 0.0
        without = run_parameters(study, P, scenarios=[0, 1])[:, slot, -1, 0]
        eff = float(without[1] - without[0])
        through = sum(series[key][-1] for key in ranked if key != _OTHER and lk in
                      [links.get((a, b)) for a, b in pairwise(key)])  # fmt: skip
        checks.append({"link": lk, "effect_without": eff, "drop_share": float((final - eff) / final) if final else 0.0,
                       "paths_share": float(through / final) if final else 0.0})  # fmt: skip
    outcome_label = labels.get(model.element(out_name).variable, out_name)
    return {
        "scenario": name, "outcome": outcome_label, "unit": p.unit, "time": [float(t) for t in times],
        "effect": [float(x) for x in effect], "paths": paths, "other": [float(x) for x in other],
        "closure": closure, "periods": periods, "knockout": checks,
        "sentence": sentence(name or "the scenario", outcome_label, periods, p.unit, lang),
        "method": "path decomposition of the outcome's change by Loops That Matter increments; paths add up to "
                  "the effect (closure = largest difference)",
    }  # fmt: skip


def sentence(name: str, outcome: str, periods: list[dict], unit: str, lang: str = "en") -> str:
    """E.g. "most of X's effect reaches Y through A in months 0–12 and through B in months 12–24"."""
    runs: list[list] = []  # consecutive periods through the same variable are one span
    for p in periods:
        if p["through"] is None or abs(p["share"]) < 0.5:
            continue
        if runs and runs[-1][0] == p["through"] and runs[-1][2] == p["start"]:
            runs[-1][2] = p["end"]
        else:
            runs.append([p["through"], p["start"], p["end"]])
    bits = []
    for through, start, end in runs:
        p = {"through": through}
        span = f"{start:g}–{end:g}"
        bits.append(f"gennem {p['through']} i {_DA_UNITS.get(unit, unit)} {span}" if lang == "da"
                     else f"through {p['through']} in {unit}s {span}")  # fmt: skip
    if not bits:
        return (f"ingen enkelt vej bærer det meste af {name}s effekt på {outcome}" if lang == "da"
                else f"no single path carries most of {name}'s effect on {outcome}")  # fmt: skip
    lead = (
        f"det meste af {name}s effekt når {outcome} " if lang == "da" else f"most of {name}'s effect reaches {outcome} "
    )
    return lead + (" og " if lang == "da" else " and ").join(bits)
