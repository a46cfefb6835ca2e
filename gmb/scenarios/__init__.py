"""Scenarios: interventions, the ideas' doses as written-down assumptions, and the answers a group asks for.

* :mod:`gmb.scenarios.interventions` — :class:`Intervention` (a variable's level, inflow or indicated
  value; step, ramp or pulse; start, dose, ramp-up, end), :class:`Bundle`, and the ``Input.shape`` hook;
* :mod:`gmb.scenarios.settings` — ``scenarios.json``: which interventions each idea stands for;
* :mod:`gmb.scenarios.answers` — fan charts, the ranking of ideas, Shapley attribution;
* how sure they are: :mod:`~gmb.scenarios.quality` (broken runs, the refusal), :mod:`~gmb.scenarios.ranking`
  (P(rank = k), ties), :mod:`~gmb.scenarios.variants` (assumption variants), :mod:`~gmb.scenarios.settling`
  (share of the long-run effect), :mod:`~gmb.scenarios.attribution` (ratio of means, log units),
  :mod:`~gmb.scenarios.words` (in words, English and Danish).
"""

from gmb.scenarios.answers import attribute, behaviour, fan_charts, rank_ideas
from gmb.scenarios.interventions import Bundle, InputShape, Intervention, with_interventions
from gmb.scenarios.quality import MAX_BROKEN, TooManyBrokenRuns
from gmb.scenarios.settings import (
    DoseDefaults,
    IdeaPlan,
    RankWeights,
    Scenarios,
    default_scenarios,
    load_scenarios,
    save_scenarios,
)

__all__ = [
    "Intervention", "Bundle", "InputShape", "with_interventions",
    "Scenarios", "IdeaPlan", "DoseDefaults", "RankWeights", "default_scenarios", "load_scenarios", "save_scenarios",
    "fan_charts", "behaviour", "rank_ideas", "attribute", "TooManyBrokenRuns", "MAX_BROKEN",
]  # fmt: skip
