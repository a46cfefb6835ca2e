"""The scenario answers as typed, frozen results (:class:`gmb.results.Result`): :class:`Ranking`
(:func:`gmb.rank_ideas`), :class:`Attribution` (:func:`gmb.attribute`), :class:`FanCharts`
(:func:`gmb.fan_charts`) and :class:`Robustness` (:func:`gmb.link_robustness`).

Each has ``to_dict()`` (what ``--json`` prints), ``to_json()``, ``to_frame()`` (a pandas view of its
main table) and, kept for compatibility, the read-only mapping view of the dict the functions
returned before (``res["ideas"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from gmb.results import OPTIONAL, Result, hidden

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Attribution", "FanCharts", "Ranking", "Robustness"]

Row = dict[str, Any]


@dataclass(frozen=True, eq=False, repr=False)
class Ranking(Result):
    """The ideas ranked by their simulated effect at the horizon (or by the combined score).

    Parameters
    ----------
    meta : dict
        The assumptions behind the answer: seed, method, runs, horizon, every dose, the parameter
        ranges, the run quality, the label *exploratory*, how it was ranked.
    unit : str
        The model's time unit.
    horizon : float
        When the effects are read.
    runs : int
        Parameter draws.
    seed : int
        Seed of the draws.
    ideas : list of dict
        One row per idea, best first: ``idea``, ``label``, ``median``, ``p5``..``p95``, ``p_improves``,
        ``feasibility``, ``votes``, ``score``, ``rank_effect``, ``rank_score``, ``p_rank``,
        ``rank_interval``, ``p_beats``, ``settled`` …
    effects : dict
        Per idea, the summary of its run-by-run effect (median, mean, percentiles, P(improves)).
    rank_uncertainty : dict
        Ties and tiers (:mod:`gmb.scenarios.ranking`).
    settled : dict, optional
        Each idea's share of its long-run effect reached at the horizon (``settle=True``).
    variants : dict, optional
        The ranking under assumption variants and the conclusions that hold (``variants=True``).
    robustness : dict, optional
        The leave-one-link-out check's summary (``robustness=True``).
    saved_scenarios : dict, optional
        Added by ``gmb rank``: the effects of the what-ifs saved from the panel, on the same draws.

    Examples
    --------
    >>> from gmb.scenarios.idea_ranking import rank_ideas
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> G, model = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)
    >>> r = rank_ideas(model, G, default_scenarios(G), runs=16, engine="numpy", settle=False)
    >>> r.runs, [row["idea"] for row in r.ideas], r.to_frame().index.tolist()
    (16, ['idea1', 'idea2', 'idea0'], ['idea1', 'idea2', 'idea0'])
    """

    _table: ClassVar[str] = "ideas"
    _index: ClassVar[str] = "idea"

    meta: dict[str, Any]
    unit: str
    horizon: float
    runs: int
    seed: int
    ideas: list[Row]
    effects: dict[str, Row]
    rank_uncertainty: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)
    settled: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)
    variants: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)
    robustness: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)
    saved_scenarios: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True, eq=False, repr=False)
class Attribution(Result):
    """A bundle's effect split among its ideas by Shapley values, with each idea's solo effect and the interaction.

    Parameters
    ----------
    meta : dict
        The assumptions behind the answer (as :class:`Ranking`'s), how the Shapley values were
        computed, the efficiency check and the share rule.
    unit : str
        The model's time unit.
    horizon : float
        When the effects are read.
    bundle : list of str
        The ideas of the bundle.
    runs, seed : int
        Parameter draws and their seed.
    shares : dict
        Each idea's expected Shapley value (they add up to ``total``).
    interaction : float
        Always 0 (the interaction is inside the Shapley values; kept for older readers).
    total : float
        The expected bundle effect; ``total_rule`` says so in words.
    total_rule : str
    bundle_effect, sum_of_solo_effects, interaction_effect : dict
        Summaries (median, percentiles, P(improves)) of the bundle's effect, of the ideas' solo
        effects added up, and of their difference.
    interaction_parts : dict
        The interaction in log units (:mod:`gmb.scenarios.attribution`).
    ideas : list of dict
        One row per idea, largest mean first: ``idea``, ``label``, ``shapley``, ``expected``,
        ``share``, ``p_positive``, ``solo``, ``interaction``.
    shapley_draws : numpy.ndarray
        Per-draw Shapley values, shape (ideas in ``bundle`` order, runs). Left out of
        :meth:`to_dict` (``runs`` numbers per idea: too big for the JSON answer).
    bundle_draws : numpy.ndarray
        Per-draw bundle effect, shape (runs,). Left out of :meth:`to_dict` (too big).
    settled : dict, optional
        The bundle's share of its long-run effect reached at the horizon.

    Examples
    --------
    >>> from gmb.scenarios.shapley import attribute
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> G, model = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)
    >>> a = attribute(model, G, default_scenarios(G), ["idea0", "idea1"], runs=16, engine="numpy", settle=False)
    >>> a.shapley_draws.shape, sorted(a.to_frame().index), "_phi" in a.to_dict()
    ((2, 16), ['idea0', 'idea1'], False)
    """

    _table: ClassVar[str] = "ideas"
    _index: ClassVar[str] = "idea"

    meta: dict[str, Any]
    unit: str
    horizon: float
    bundle: list[str]
    runs: int
    seed: int
    shares: dict[str, float]
    interaction: float
    total: float
    total_rule: str
    bundle_effect: Row
    sum_of_solo_effects: Row
    interaction_effect: Row
    interaction_parts: dict[str, Any]
    ideas: list[Row]
    shapley_draws: np.ndarray = field(metadata=hidden("_phi", "runs numbers per idea"))
    bundle_draws: np.ndarray = field(metadata=hidden("_bundle", "runs numbers"))
    settled: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True, eq=False, repr=False)
class FanCharts(Result):
    """Fan-chart data (median, 50 % and 90 % bands over time) for the baseline, ideas and bundles.

    Parameters
    ----------
    meta : dict
        The assumptions behind the answer (as :class:`Ranking`'s) and the bundles charted.
    unit : str
        The model's time unit.
    horizon : float
        When the effects are read.
    runs, seed : int
        Parameter draws and their seed.
    charts : list of dict
        Per scenario and variable: ``scenario``, ``variable``, ``time`` and the percentiles ``p5``,
        ``p25``, ``p50``, ``p75``, ``p95`` over time.
    effects : dict
        Per scenario (not the baseline), the summary of its effect at the horizon.
    settled : dict, optional
        Each scenario's share of its long-run effect reached at the horizon.

    Examples
    --------
    >>> from gmb.scenarios.fans import fan_charts
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> G, model = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)
    >>> f = fan_charts(model, default_scenarios(G), ideas=["idea0"], bundles={}, runs=16, engine="numpy",
    ...                settle=False)
    >>> frame = f.to_frame()
    >>> sorted(set(frame["scenario"])), list(frame.columns[:3])
    (['baseline', 'idea0'], ['scenario', 'variable', 'time'])
    """

    meta: dict[str, Any]
    unit: str
    horizon: float
    runs: int
    seed: int
    charts: list[Row]
    effects: dict[str, Row]
    settled: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)

    def _rows(self) -> list[Row]:
        """Long form: one row per scenario, variable and charted time, the percentiles as columns."""
        rows = []
        for c in self.to_dict()["charts"]:
            bands = [k for k, v in c.items() if k.startswith("p") and isinstance(v, list)]
            for j, t in enumerate(c["time"]):
                rows.append({"scenario": c["scenario"], "variable": c["variable"], "time": t,
                             **{k: c[k][j] for k in bands}})  # fmt: skip
        return rows

    def to_frame(self) -> pd.DataFrame:
        """Long form: columns ``scenario``, ``variable``, ``time``, then ``p5``..``p95``; one row per chart point."""
        import pandas as pd

        return pd.DataFrame(self._rows())


@dataclass(frozen=True, eq=False, repr=False)
class Robustness(Result):
    """Leave-one-link-out: the links each idea's verdict or rank rests on.

    Parameters
    ----------
    meta : dict
        The assumptions (draws, structure sampled, the rule, links checked, simulations).
    unit : str
        The model's time unit.
    horizon : float
        When the effects are read.
    runs, seed : int
        Parameter draws and their seed.
    ideas : list of dict
        One row per idea: ``idea``, ``label``, ``verdict``, ``median``, ``p_improves``, ``p_worsens``,
        ``rank``, ``links_checked``, ``flips``, ``rank_changes``, ``depends_on``, ``sentence``.

    Examples
    --------
    >>> from gmb.scenarios.robustness import link_robustness
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> G, model = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)
    >>> rb = link_robustness(model, G, default_scenarios(G), runs=16, engine="numpy")
    >>> rb.runs, sorted(rb.to_frame().index)
    (16, ['idea0', 'idea1', 'idea2'])
    """

    _table: ClassVar[str] = "ideas"
    _index: ClassVar[str] = "idea"

    meta: dict[str, Any]
    unit: str
    horizon: float
    runs: int
    seed: int
    ideas: list[Row]
