"""The answers a group asks for: does an idea move the outcome, how surely, and what does each part contribute?

Everything here runs an ensemble (:mod:`gmb.simulate.ensemble`) of the group's
model under uncertain link strengths, adjustment and delay times and doses,
with common random numbers across scenarios, and returns typed, frozen results
(:mod:`gmb.scenarios.results`; ``to_dict()`` is JSON-ready) that always carry
``meta``: the seed, sampling method, runs, horizon, every dose assumed, the parameter ranges, the share of draws whose
reinforcing loops run away, and the label *exploratory*.

* :func:`fan_charts` — median, 50 % and 90 % bands over time for the baseline,
  each idea and bundles, for the outcome and chosen variables;
* :func:`rank_ideas` — each idea's effect at the horizon (outcome minus baseline,
  run by run) with its 50 % and 90 % intervals and the probability that the
  outcome improves, beside the idea bank's feasibility and votes (the W3 criteria),
  and a combined score;
* :func:`attribute` — Shapley values: the bundle's effect split among its ideas,
  exactly over all 2^n sub-bundles for n <= :data:`EXACT_IDEAS`, else by sampled
  permutations, with each idea's solo effect and the interaction part.

The work is split by answer: :mod:`gmb.scenarios.fans` (fan charts, behaviour),
:mod:`gmb.scenarios.idea_ranking` (ranking, combined score), :mod:`gmb.scenarios.shapley`
(attribution) and :mod:`gmb.scenarios.answer_study` (the steps they share); this module
re-exports their names so ``gmb.scenarios.answers`` stays the one import path.

The combined score's rule (shown beside the effect, never instead of it) is in :mod:`gmb.scenarios.idea_ranking`.

>>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
>>> from gmb.scenarios.settings import default_scenarios
>>> G = synthetic_cld(8, seed=2)
>>> m = synthetic_model(8, seed=2)
>>> r = rank_ideas(m, G, default_scenarios(G), runs=64, seed=1)
>>> [row["idea"] for row in r["ideas"]] == sorted(G.graph["ideas"], key=lambda i: -r["effects"][i]["median"])
True
>>> r["meta"]["exploratory"], r["meta"]["seed"]
(True, 1)
"""

from __future__ import annotations

from gmb.scenarios.answer_study import (  # noqa: F401  (private names: used by whatif, commands, tests)
    Progress,
    _check_ideas,
    _guard,
    _label,
    _meta,
    _outcome_label,
    _run,
    _scenario_map,
    _settled,
    _sign,
    _study,
    effect_summary,
)
from gmb.scenarios.fans import _fans, behaviour, fan_charts  # noqa: F401
from gmb.scenarios.idea_ranking import combined_score, rank_ideas
from gmb.scenarios.shapley import EXACT_IDEAS, _exact_shapley, attribute, shapley_weights  # noqa: F401

__all__ = [
    "EXACT_IDEAS",
    "attribute",
    "behaviour",
    "combined_score",
    "effect_summary",
    "fan_charts",
    "rank_ideas",
    "shapley_weights",
]
