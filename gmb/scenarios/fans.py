"""Fan charts: how the outcome and chosen variables move over time under the baseline, each idea and bundles.

Separate from the ranking and the attribution (:mod:`gmb.scenarios.answers` re-exports all three):
these are the time paths (median, 50 % and 90 % bands), the others read one time, the horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gmb.errors import NotFoundError
from gmb.scenarios.answer_study import (
    Progress,
    _check_ideas,
    _guard,
    _run,
    _scenario_map,
    _settled,
    _sign,
    effect_summary,
)
from gmb.scenarios.results import FanCharts
from gmb.scenarios.settings import Scenarios
from gmb.simulate.ensemble import CHUNK, Result, Study
from gmb.simulate.quality import MAX_BROKEN, check_max_broken
from gmb.simulate.sampling import VARY

if TYPE_CHECKING:
    from gmb.scale.backends import Backend
    from gmb.stockflow.model import StockFlowModel


__all__ = ["behaviour", "fan_charts"]


def fan_charts(
    model: StockFlowModel,
    scenarios: Scenarios,
    *,
    ideas: Sequence[str] | None = None,
    bundles: Mapping[str, Sequence[str]] | None = None,
    variables: Sequence[str] = (),
    runs: int = 1000,
    seed: int = 0,
    method: str = "mc",
    horizon: float | None = None,
    every: float | None = None,
    engine: str = "auto",
    integration: str = "euler",
    chunk: int = CHUNK,
    progress: Progress = None,
    backend: str | Backend | None = None,
    until: float | None = None,
    max_broken: float = MAX_BROKEN,
    settle: bool = True,
    vary: Iterable[str] = VARY,
) -> FanCharts:
    """Fan-chart data for the baseline, ``ideas`` (default: all) and ``bundles``, outcome plus ``variables``.

    Parameters
    ----------
    model : StockFlowModel
        The model.
    scenarios : Scenarios
        The ideas' doses.
    ideas : sequence of str, optional
        The ideas charted (default: all with an intervention).
    bundles : mapping of str to sequence of str, optional
        Named sets of ideas charted together.
    variables : sequence of str, optional
        Variables charted besides the outcome.
    runs : int, optional
        Parameter draws (default 1000).
    seed : int, optional
        Seed of the draws; the same seed gives the same answer on every engine and backend.
    method : {"mc", "lhs"}, optional
        How the draws are made.
    horizon : float, optional
        When effects are read (default: the scenarios' horizon, else the model's stop time).
    engine : {"auto", "numba", "numpy"}, optional
        The ensemble engine (``auto``: numba when available).
    integration : {"euler", "rk4"}, optional
        Euler (as pysd) or classic Runge-Kutta.
    chunk : int, optional
        Runs per chunk (memory bound).
    progress : callable, optional
        ``progress(done, runs)`` after each chunk.
    backend : str or gmb.scale.Backend, optional
        Run the chunks on a Dask cluster (``"dask"``, ``"tcp://host:8786"``); same result, bit for bit.
    max_broken : float, optional
        Largest share of runs allowed to break (non-finite) before the answer is refused.
    settle : bool, optional
        Add each scenario's settled share of its long-run effect.
    vary : iterable of str, optional
        What is uncertain: ``elasticity``, ``adjustment_time``, ``delay_time``, ``dose``, ``structure``
        (leave out ``structure`` for the map as drawn).
    every : float, optional
        Spacing of the charted times (default: one time unit).
    until : float, optional
        The charts run on to this time (default: twice the horizon, within the model's time), so
        what happens after the horizon shows; effects are read at the horizon.

    Returns
    -------
    FanCharts
        Typed and frozen (:class:`gmb.scenarios.results.FanCharts`): ``meta``, ``unit``, ``horizon``, ``runs``,
        ``seed``, ``charts`` (per scenario and variable: ``time`` and percentiles ``p5``..``p95``) and
        ``effects`` at the horizon; ``to_frame()`` is the charts in long form.

    Raises
    ------
    gmb.simulate.quality.TooManyBrokenRuns
        More than ``max_broken`` of the runs broke (a :class:`gmb.errors.SimulationError`).
    gmb.errors.NotFoundError
        An idea or variable named does not exist.

    Examples
    --------
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> G, model = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)  # a small map and its model
    >>> scenarios = default_scenarios(G)
    >>> f = fan_charts(model, scenarios, runs=16, engine="numpy", settle=False)
    >>> sorted({c["scenario"] for c in f.charts})
    ['all', 'baseline', 'idea0', 'idea1', 'idea2']
    """
    check_max_broken(max_broken)
    ideas = _check_ideas(scenarios, scenarios.ideas if ideas is None else ideas)
    bundles = dict(scenarios.bundles if bundles is None else bundles)
    runs_map = _scenario_map(scenarios, ideas, bundles)
    h = horizon if horizon is not None else scenarios.horizon_for(model.time.unit, model.time.start, model.time.stop)
    if until is None:
        until = max(h, min(2 * h, model.time.stop - model.time.start))
    else:
        from gmb.scenarios.settling import extended_model

        model = extended_model(model, until)
    study = Study.build(model, runs_map, seed=seed, horizon=h, method=method, variables=variables, every=every,
                        engine=engine, integration=integration, until=until, vary=vary)  # fmt: skip
    result = _run(study, runs, chunk=chunk, progress=progress, backend=backend)
    out = _fans(result, scenarios, ideas, bundles, max_broken)
    if settle and runs_map:
        out["settled"] = _settled(model, runs_map, study, runs)
    return FanCharts.from_dict(out)


def _fans(result: Result, scenarios: Scenarios, ideas: Sequence[str], bundles: Mapping,
          max_broken: float = MAX_BROKEN) -> dict[str, Any]:  # fmt: skip
    study = result.study
    sign = _sign(scenarios)
    _, meta = _guard(result, scenarios, ideas, max_broken, "fan charts and effects",
                     {"bundles": {k: list(v) for k, v in bundles.items()}})  # fmt: skip
    charts = [result.fan(s, v) for s in study.scenarios for v in study.variables]
    effects = {s: effect_summary(result.effect(s), sign) for s in study.scenarios[1:]}
    return {
        "meta": meta,
        "unit": study.program.unit,
        "horizon": study.horizon,
        "runs": result.runs,
        "seed": study.seed,
        "charts": charts,
        "effects": effects,
    }


def behaviour(fans: Mapping[str, Any], variable: str | None = None) -> dict[str, Any]:
    """One variable's fan charts in the report's ``behaviour.json`` shape (default: the outcome)."""
    var = variable or fans["meta"]["outcome"]
    scen = {c["scenario"]: {"times": c["time"], "median": c["p50"], "p5": c["p5"], "p25": c["p25"], "p75": c["p75"],
                            "p95": c["p95"]} for c in fans["charts"] if c["variable"] == var}  # fmt: skip
    if not scen:
        raise NotFoundError(f"no fan chart for {var!r}", field="variable")
    out = {"variable": var, "unit": fans["unit"], "scenarios": scen, "runs": fans["runs"], "seed": fans["seed"],
           "exploratory": True}  # fmt: skip
    if fans.get("horizon") is not None:  # the report marks the part after the horizon as not settled
        out["horizon"] = fans["horizon"]
    if fans.get("settled"):
        out["settled"] = {k: v["share"] for k, v in fans["settled"]["scenarios"].items()}
    if fans.get("meta", {}).get("runs_quality"):
        out["runs_quality"] = fans["meta"]["runs_quality"]
    return out
