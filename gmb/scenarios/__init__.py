"""Scenarios: interventions, the ideas' doses as written-down assumptions, and the answers a group asks for.

* :mod:`gmb.simulate.interventions` — :class:`Intervention` (a variable's level, inflow or indicated
  value; step, ramp or pulse; start, dose, ramp-up, end), :class:`Bundle`, and the ``Input.shape`` hook;
* :mod:`gmb.scenarios.doses` — one dose per idea (given, or reach × intensity × persistence), split over
  its targets (:class:`IdeaPlan`, :class:`Target`, :class:`Factor`), and flags for unconnected targets;
* :mod:`gmb.scenarios.settings` — ``scenarios.json``: each idea's plan (schema ``gmb-scenarios/2``; the value in
  :mod:`~gmb.scenarios.scenarios_value`, reading ``/1`` files in :mod:`~gmb.scenarios.scenarios_v1`);
* :mod:`gmb.scenarios.answers` — fan charts, the ranking of ideas, Shapley attribution (made in
  :mod:`~gmb.scenarios.fans`, :mod:`~gmb.scenarios.idea_ranking`, :mod:`~gmb.scenarios.shapley`);
* how sure they are: :mod:`~gmb.simulate.quality` (broken runs, the refusal), :mod:`~gmb.scenarios.ranking`
  (P(rank = k), ties), :mod:`~gmb.scenarios.variants` (assumption variants), :mod:`~gmb.scenarios.settling`
  (share of the long-run effect), :mod:`~gmb.scenarios.attribution` (ratio of means, log units),
  :mod:`~gmb.scenarios.words` (in words, English and Danish; single facts in :mod:`~gmb.scenarios.phrases`).
* :mod:`gmb.scenarios.robustness` — leave-one-link-out: the links each idea's verdict or rank rests on.
* :mod:`gmb.scenarios.results` — the answers as typed, frozen results (:class:`~gmb.scenarios.results.Ranking`,
  ``Attribution``, ``FanCharts``, ``Robustness``) with ``to_dict()``, ``to_json()`` and ``to_frame()``.
"""

from gmb.scenarios.answers import attribute, behaviour, fan_charts, rank_ideas
from gmb.scenarios.doses import Factor, IdeaPlan, Target, target_flags
from gmb.scenarios.robustness import link_robustness
from gmb.scenarios.settings import (
    DoseDefaults,
    RankWeights,
    Scenarios,
    default_scenarios,
    load_scenarios,
    save_scenarios,
)
from gmb.simulate.interventions import Bundle, InputShape, Intervention, with_interventions
from gmb.simulate.quality import MAX_BROKEN, TooManyBrokenRuns

__all__ = [
    "MAX_BROKEN",
    "Bundle",
    "DoseDefaults",
    "Factor",
    "IdeaPlan",
    "InputShape",
    "Intervention",
    "RankWeights",
    "Scenarios",
    "Target",
    "TooManyBrokenRuns",
    "attribute",
    "behaviour",
    "default_scenarios",
    "fan_charts",
    "link_robustness",
    "load_scenarios",
    "rank_ideas",
    "save_scenarios",
    "target_flags",
    "with_interventions",
]  # fmt: skip
