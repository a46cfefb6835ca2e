"""The steps every answer shares: the ideas checked, the study built and run, the run quality and the meta.

:func:`~gmb.scenarios.fans.fan_charts`, :func:`~gmb.scenarios.idea_ranking.rank_ideas`,
:func:`~gmb.scenarios.shapley.attribute` and :mod:`gmb.scenarios.whatif` all build a
:class:`~gmb.simulate.ensemble.Study` the same way, refuse too many broken runs the same way and
write the same ``meta`` (seed, runs, doses, the label *exploratory*); kept in one place so the
answers cannot drift apart.

>>> effect_summary(np.array([1.0, 2.0, 3.0]))["median"]
2.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from gmb.errors import InputError, NotFoundError
from gmb.scenarios.doses import DOSE_RULE, dose_meta
from gmb.scenarios.settings import Scenarios
from gmb.scenarios.settling import SETTLE_DRAWS
from gmb.simulate.ensemble import Result, Study, run_study
from gmb.simulate.quality import check_broken, quality
from gmb.simulate.sampling import VARY

Progress = Callable[[int, int], None] | None


def _run(study: Study, runs: int, *, chunk: int, progress: Any, backend: Any) -> Result:
    """``run_study`` here, or its chunks as tasks on ``backend`` (the same result, bit for bit)."""
    if backend is None:
        return run_study(study, runs, chunk=chunk, progress=progress)
    from gmb.scale.ensemble_jobs import run_study_on

    return run_study_on(study, runs, chunk=chunk, backend=backend, progress=progress)


def _label(info: Mapping[str, Any], idea: str, lang: str | None = None) -> str:
    labels = info.get("labels") or {}
    if lang and lang in labels:
        return labels[lang]
    return next(iter(labels.values()), idea)


def _check_ideas(scenarios: Scenarios, ideas: Iterable[str]) -> list[str]:
    ideas = list(dict.fromkeys(ideas))
    for i in ideas:
        if i not in scenarios.ideas:
            raise NotFoundError(f"unknown idea {i!r}", field="idea", hint=f"ideas: {', '.join(scenarios.ideas)}")
    return ideas


def _sign(scenarios: Scenarios) -> float:
    return 1.0 if scenarios.better == "up" else -1.0


def effect_summary(effect: np.ndarray, better: float = 1.0) -> dict[str, Any]:
    """Median, mean, 50 % and 90 % intervals of run-by-run effects, and P(the outcome improves).

    >>> effect_summary(np.array([-0.1, 0.0, 0.1, 0.2, 0.3]))["p_improves"]
    0.6
    """
    ok = effect[np.isfinite(effect)]
    if not len(ok):
        return {"median": float("nan"), "mean": float("nan"), "p5": float("nan"), "p25": float("nan"),
                "p75": float("nan"), "p95": float("nan"), "p_improves": float("nan"), "runs": 0}  # fmt: skip
    q = np.quantile(ok, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {
        "median": float(q[2]), "mean": float(ok.mean()), "p5": float(q[0]), "p25": float(q[1]),
        "p75": float(q[3]), "p95": float(q[4]), "p_improves": float(np.mean(better * ok > 0)), "runs": len(ok),
    }  # fmt: skip


def _meta(study: Study, result_runs: int, scenarios: Scenarios, ideas: Sequence[str], extra: dict | None = None,
          runaway: float | None = None) -> dict[str, Any]:  # fmt: skip
    unit = study.program.unit
    doses = {i: [iv.describe(unit) for iv in scenarios.interventions([i])] or ["(no target: changes nothing)"]
             for i in ideas}  # fmt: skip
    dose_plans, unlinked = dose_meta(scenarios, ideas, study.program.model, unit)
    meta = {
        "exploratory": True,
        **study.assumptions(),
        "runs": result_runs,
        "outcome": study.program.outcome_variable,
        "outcome_element": study.program.outcome,
        "outcome_label": _outcome_label(study),
        "better": scenarios.better,
        "doses": doses,
        "dose_rule": DOSE_RULE,
        "dose_plans": dose_plans,
        "unlinked_targets": unlinked,
        "dose_note": scenarios.note,
        "runaway_share": runaway,
    }
    meta.update(extra or {})
    return meta


def _outcome_label(study: Study) -> str | None:
    m = study.program.model
    if m is None or not m.outcome:
        return None
    el = m.element(m.outcome)
    return el.label or el.variable


def _scenario_map(scenarios: Scenarios, ideas: Sequence[str], bundles: Mapping[str, Sequence[str]]) -> dict:
    out = {i: scenarios.interventions([i]) for i in ideas}
    for name, members in bundles.items():
        if name in out or name == "baseline":
            raise InputError(f"the bundle name {name!r} is already taken", field="bundle")
        out[name] = scenarios.interventions(_check_ideas(scenarios, members))
    return out


def _study(model, scenarios: Scenarios, runs_map: Mapping[str, Sequence[Any]], *, seed: int, method: str,
           horizon: float | None, variables: Sequence[str] = (), every: float | None = None,
           vary: Iterable[str] = VARY, engine: str = "auto", integration: str = "euler") -> Study:  # fmt: skip
    h = horizon if horizon is not None else scenarios.horizon_for(model.time.unit, model.time.start, model.time.stop)
    return Study.build(model, runs_map, seed=seed, horizon=h, method=method, variables=variables, every=every,
                       vary=vary, engine=engine, integration=integration)  # fmt: skip


def _settled(model, runs_map, study: Study, runs: int) -> dict[str, Any]:
    from gmb.scenarios.settling import settled_shares

    return settled_shares(model, runs_map, horizon=study.horizon, seed=study.seed, method=study.method,
                          draws=min(runs, SETTLE_DRAWS), engine=study.engine, integration=study.integration,
                          vary=study.vary)  # fmt: skip


def _guard(result: Result, scenarios: Scenarios, ideas: Sequence[str], max_broken: float, what: str,
           extra: dict | None = None) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """The run-quality counts and the meta; raises TooManyBrokenRuns when too many runs broke."""
    q = quality(broken=result.broken(), runs=result.runs, runaway=int(np.sum(result.radius >= 1.0)),
                max_broken=max_broken)  # fmt: skip
    meta = _meta(result.study, result.runs, scenarios, ideas, {**(extra or {}), "broken_runs": result.broken(),
                 "runs_quality": q}, result.runaway_share)  # fmt: skip
    check_broken(q, what=what, meta=meta)
    return q, meta
