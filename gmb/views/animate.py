"""Watch it travel: a scenario's simulated response, precomputed for the offline map (``gmb map --animate``).

:func:`trajectories` runs the ensemble (:func:`gmb.simulate.ensemble.run_study`: the baseline and the
scenario on the same parameter draws, common random numbers) and keeps, for every variable of the
model at every saved time, the **median over the draws of the scenario's change** — the variable under
the scenario minus the same draw's baseline. The page colours each node by that median change at the
time the slider shows (green up, red down, white no change; the scale is the largest absolute median
change of any variable at any time) and draws the outcome's median change with its 90 % band as a
sparkline. Runs with a non-finite value are left out of the medians and counted (``dropped_runs``).

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> a = trajectories(chain_model(3), [Intervention(variable="v2", dose=0.2)], horizon=12.0, runs=20)
>>> len(a["times"]) == len(a["change"]["v2"]), a["change"]["v2"][-1] > 0, a["dropped_runs"]
(True, True, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["EXPLORATORY", "trajectories"]

EXPLORATORY = {
    "en": "Exploratory: the median over {runs} simulated draws of each variable's change against the baseline "
          "(same draws) under the map's assumptions; not a prediction.",
    "da": "Udforskende: medianen over {runs} simulerede træk af hver variabels ændring mod grundforløbet "
          "(samme træk) under kortets antagelser; ikke en forudsigelse.",
}  # fmt: skip


def trajectories(model: Any, interventions: Sequence[Any], *, horizon: float, runs: int = 1000, seed: int = 0,
                 name: str = "scenario", every: float | None = None) -> dict[str, Any]:  # fmt: skip
    """The scenario's median change of every model variable over time (JSON-ready; see the module docstring).

    Returns ``times`` (the model times kept), ``change`` ({variable: [median change at each time]}),
    ``outcome`` (its id), ``outcome_band`` (``p5``/``p95`` of the outcome's change at each time),
    ``scale`` (largest absolute median change), ``runs``, ``dropped_runs``, ``seed``, ``scenario``, ``unit``.
    """
    from gmb.simulate.ensemble import Study, run_study

    probe = Study.build(model, {name: list(interventions)}, seed=seed, horizon=horizon, every=every)
    variables = list(probe.program.variables)
    study = Study.build(model, {name: list(interventions)}, seed=seed, horizon=horizon, every=every,
                        variables=variables, keep="exact")  # fmt: skip
    result = run_study(study, runs)
    diff = result.values[1] - result.values[0]  # (variables, times, runs): scenario minus baseline, draw by draw
    ok = np.isfinite(diff).all(axis=(0, 1))
    diff = diff[..., ok]
    if diff.shape[-1] == 0:
        from gmb.errors import SimulationError

        raise SimulationError("every run of the scenario broke (values not finite): nothing to animate", field=name)
    median = np.median(diff, axis=-1)
    outcome = study.program.outcome_variable
    band = {}
    if outcome in study.variables:
        o = diff[study.variables.index(outcome)]
        band = {"p5": np.quantile(o, 0.05, axis=-1).tolist(), "p95": np.quantile(o, 0.95, axis=-1).tolist()}
    return {
        "scenario": name, "times": study.times.tolist(), "unit": str(study.program.unit),
        "change": {v: median[i].tolist() for i, v in enumerate(study.variables)},
        "outcome": outcome, "outcome_band": band, "scale": float(np.max(np.abs(median))) if median.size else 0.0,
        "runs": int(ok.sum()), "dropped_runs": int((~ok).sum()), "seed": int(seed),
        "note": {L: t.format(runs=int(ok.sum())) for L, t in EXPLORATORY.items()},
    }  # fmt: skip
