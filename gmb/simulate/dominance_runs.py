"""A scenario's runs, every element rebuilt: the values Loops That Matter scores.

:func:`scenario_values` runs a model's baseline and scenario with the ensemble engine
(recording the states at every step), rebuilds each input as the interventions shape it
(with each run's doses), and completes every other element with the model's own
equations (:func:`gmb.simulate.ltm.complete_values`).

It sits apart from :mod:`gmb.simulate.dominance` (which loops lead, and when) because it
is the simulation half of the method and is used on its own (:mod:`gmb.scenarios.pathways`);
:mod:`gmb.simulate.dominance` re-exports it.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> graph, study, (base, scen), consts = scenario_values(chain_model(3), [Intervention(variable="v2")], horizon=2.0)
>>> base is None, scen["v0"].shape  # the baseline rests; the scenario: (time, runs)
(True, (9, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gmb.simulate import ltm

__all__ = ["scenario_values"]


def _study(model: Any, interventions: Sequence[Any], horizon: float | None, engine: str, seed: int = 0):
    from gmb.simulate.ensemble import Study

    states = [s.name for s in model.stocks] + [m.name for m in model.smooths]
    h = horizon if horizon is not None else model.time.stop - model.time.start
    return Study.build(model, {"scenario": list(interventions)}, seed=seed, horizon=h, variables=states,
                       every=model.time.dt, keep="exact", engine=engine)  # fmt: skip


def _inputs(study: Any, P: np.ndarray, interventions: Sequence[Any]) -> dict[str, np.ndarray]:
    """Each input's value per (scenario, time, run): the interventions with each run's doses, through the
    same ``Input.at`` the reference simulator calls (so a change in how doses act needs no change here)."""
    from gmb.simulate.interventions import with_interventions

    p, m = study.program, study.program.model
    terms: dict[str, Any] = {}
    for iv in interventions:  # the study's terms: equal interventions are one term (Study.build)
        terms.setdefault(iv.model_dump_json(), iv)
    n0 = p.n_terms - len(terms)
    if n0:  # the model carries interventions of its own: rebuild from the program's terms
        return _program_inputs(study, P)
    T, R = len(study.save_steps), P.shape[1]
    times = (p.times[study.save_steps])[:, None]
    out = {inp.name: np.empty((len(study.scenarios), T, R)) for inp in m.inputs}
    for s in range(len(study.scenarios)):
        doses = [P[p.term_param[n0 + i]] * float(study.active[s, n0 + i]) for i in range(len(terms))]
        shaped = with_interventions(m, list(terms.values()), doses=doses) if terms else m
        for inp in shaped.inputs:
            out[inp.name][s] = np.broadcast_to(inp.at(times), (T, R))
    return out


def _program_inputs(study: Any, P: np.ndarray) -> dict[str, np.ndarray]:
    """Each input's value per (scenario, time, run), rebuilt from the program's terms as the engines apply them."""
    p, m = study.program, study.program.model
    T = len(study.save_steps)
    out: dict[str, np.ndarray] = {}
    for inp in m.inputs:
        out[inp.name] = np.full((len(study.scenarios), T, P.shape[1]), inp.constant)
    flows = {s_i: m.element(s.flow) for s_i, s in enumerate(m.stocks)}
    prof = p.term_profile[:, study.save_steps]
    for t in range(p.n_terms):
        if p.term_channel[t] == 1:
            name = flows[int(p.term_target[t])].input
        else:
            name = m.element(p.slot_names[p.n_stocks + p.n_smooths + int(p.term_target[t])]).input
        push = p.term_sign[t] * P[p.term_param[t]][None, :] * prof[t][:, None]  # (T, runs)
        for s in range(len(study.scenarios)):
            if study.active[s, t]:
                out[name][s] = out[name][s] + push if p.term_channel[t] == 1 else out[name][s] * (1.0 + push)
    return out


def scenario_values(model: Any, interventions: Sequence[Any], P: np.ndarray | None = None, *,
                    horizon: float | None = None, engine: str = "auto", graph: Any = None):  # fmt: skip
    """Every element of the graph at every step to the horizon, for the baseline and the scenario.

    ``P``: parameter sets ``(n_params, runs)`` of the study's program (default: nominal, one run).
    Returns ``(graph, study, [baseline values, scenario values], constants)``, values ``(time, runs)``.
    """
    from gmb.simulate.ensemble import run_parameters

    study = _study(model, interventions, horizon, engine)
    p = study.program
    P = p.nominal(1) if P is None else np.asarray(P, float)
    out = run_parameters(study, P)  # (scenarios, variables, times, runs)
    graph = graph or ltm.from_model(model)
    consts = {n: P[i] for i, n in enumerate(p.param_names) if n in graph.constants}
    inputs = _inputs(study, P, interventions)
    runs = []
    for s in range(len(study.scenarios)):
        vals = {p.slot_names[slot]: out[s, v] for v, slot in enumerate(study.save_slots)}
        vals.update({name: x[s] for name, x in inputs.items()})
        if s == 0 and not any(np.any(np.diff(x, axis=0) != 0) for x in vals.values()):
            runs.append(None)  # the baseline rests: states and inputs constant, so is every element
            continue
        runs.append(ltm.complete_values(graph, vals, dt=p.dt, constants=consts))
    return graph, study, runs, consts


def _scores(graph, runs, consts, rows=None):
    base, scen = runs
    return ltm.link_scores(graph, scen, constants=consts, base=base, rows=rows), base is not None
