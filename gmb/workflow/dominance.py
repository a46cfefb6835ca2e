"""Loop dominance of a session's scenarios: which of the group's loops drive it, over time.

``gmb loops NAME --dominance``, ``gmb map NAME --dominance-at T`` and the report's "Which loops
drive it" section (:mod:`gmb.views.report_dominance` renders what :func:`compute` returns) all
start from a prepared study (:func:`gmb.workflow.studies.prepare`); the maths is
:func:`gmb.simulate.dominance.loop_dominance`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gmb.workflow.sources import load_source
from gmb.workflow.studies import prepare, resolve_bundle

__all__ = ["compute", "for_session", "loop_at"]


def for_session(name: str, scenario: str | None = None, *, runs: int = 0, seed: int = 0,
                time_limit: float | None = 10.0, out: Path = Path("."), lang: str | None = None,
                horizon: float | None = None, pathways: bool = False, words: str = "en") -> dict[str, Any]:  # fmt: skip
    """Loop dominance of a session's (or map file's) ``scenario``: an idea, a bundle of scenarios.json,
    comma-separated ideas, or ``all`` (default: every idea together). ``pathways``: for one idea, add
    :func:`gmb.scenarios.pathways.pathways` (its sentence in ``words``: en or da)."""
    from gmb.cld.loops import find_loops, name_loops
    from gmb.simulate.dominance import loop_dominance

    b, sc, _ = prepare(name, None, out)
    session = load_source(name)
    lang = lang or (session.languages[0] if session.languages else None)
    from gmb.errors import InputError

    ideas = resolve_bundle(sc, scenario or "all")
    if not sc.interventions(ideas):
        raise InputError("the scenario pushes nothing, so no loop moves", field="--scenario",
                         hint="add ideas with targets to the map, or doses in scenarios.json")  # fmt: skip
    named = name_loops(find_loops(b.graph, time_limit=time_limit, lang=lang), session.stories)
    m = b.model
    h = horizon if horizon is not None else sc.horizon_for(m.time.unit, m.time.start, m.time.stop)
    label = scenario or "all"
    d = dict(loop_dominance(m, sc.interventions(ideas), horizon=h, runs=runs, seed=seed, named=named,
                            time_limit=time_limit, name=label))  # fmt: skip
    d["ideas"] = ideas
    d["map_loops_complete"] = named.complete
    if pathways and len(ideas) == 1:
        from gmb.scenarios.pathways import pathways as paths_of

        d["pathways"] = paths_of(m, sc.interventions(ideas), horizon=h, name=ideas[0], lang=words)
    d["folder"] = str(b.folder)
    return d


def loop_at(source: str, at: float, scenario: str | None = None, *, lang: str | None = None) -> list[str]:
    """The variables (in causal order) of the map loop that dominates ``scenario`` at time ``at``."""
    from gmb.errors import InputError

    d = for_session(source, scenario, lang=lang)
    times = np.asarray(d["time"])
    if not times[0] <= at <= times[-1]:
        raise InputError(f"time {at:g} is outside 0–{times[-1]:g} {d['unit']}", field="--dominance-at")
    k = int(np.argmin(np.abs(times - at)))
    loops = [lp for lp in d["loops"] if lp["kind"] == "map"]
    if not loops or max(abs(lp["relative"][k]) for lp in loops) == 0:
        raise InputError(f"no loop of the map is active at time {at:g}", field="--dominance-at",
                         hint="choose a later time")  # fmt: skip
    return list(max(loops, key=lambda lp: abs(lp["relative"][k]))["variables"])


def compute(name: str, *, ideas: Sequence[str] | None = None, top: int = 3, runs: int = 0, seed: int = 0,
            out: Path = Path("."), lang: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Dominance of the bundle of all ideas and of ``ideas`` (default: the ``top`` ideas by nominal effect),
    with each idea's pathways — the data :func:`gmb.views.report_dominance.section_html` shows."""
    from gmb.scenarios.pathways import pathways

    b, sc, _ = prepare(name, None, out)
    h = sc.horizon_for(b.model.time.unit, b.model.time.start, b.model.time.stop)
    if ideas is None:
        ideas = _top_ideas(b.model, sc, h, top)
    found = {idea: pathways(b.model, sc.interventions([idea]), horizon=h, name=idea, lang=lang or "en")
             for idea in ideas}  # fmt: skip
    scenarios = {"all": for_session(name, "all", runs=runs, seed=seed, out=out, lang=lang)}
    for idea, p in found.items():
        scenarios[idea] = {**for_session(name, idea, runs=runs, seed=seed, out=out, lang=lang), "pathways": p}
    for d in scenarios.values():
        d.pop("folder", None)
    return {"scenarios": scenarios}


def _top_ideas(model: Any, sc: Any, horizon: float, top: int) -> list[str]:
    """The ``top`` ideas by the size of their nominal effect on the outcome at the horizon (one engine call)."""
    from gmb.simulate.ensemble import Study, run_parameters

    ideas = [i for i, plan in sc.ideas.items() if plan.targets]
    study = Study.build(model, {i: list(sc.interventions([i])) for i in ideas}, seed=0, horizon=horizon)
    y = run_parameters(study, study.program.nominal(1))[:, -1, -1, 0]  # the outcome is kept last
    order = np.argsort(-np.abs(y[1:] - y[0]), kind="stable")
    return [ideas[i] for i in order[:top]]
