"""The ranking of ideas: each idea's effect at the horizon, how sure, and the combined score.

**Combined score** (shown beside the effect, never instead of it)::

    score = (w_e · E + w_f · F + w_v · V) / (w_e + w_f + w_v)

with ``E`` the idea's median effect divided by the largest absolute median
effect among the ranked ideas (−1..1, sign: better is positive), ``F`` the
feasibility divided by 5 and ``V`` the votes divided by the most votes any idea
got; a criterion an idea has no value for is left out of its sum and weight.
Weights default to 0.5 / 0.25 / 0.25 and live in ``scenarios.json``.

Separate from :mod:`gmb.scenarios.ranking`, which turns the draws' effects into rank
probabilities and ties; this module runs the ideas and builds the ranking's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError
from gmb.scenarios.answer_study import (
    Progress,
    _check_ideas,
    _guard,
    _label,
    _run,
    _scenario_map,
    _settled,
    _sign,
    _study,
    effect_summary,
)
from gmb.scenarios.ranking import RANK_LEVEL, TIE_BAND
from gmb.scenarios.results import Ranking
from gmb.scenarios.settings import Scenarios, ideas_of
from gmb.simulate.ensemble import CHUNK
from gmb.simulate.quality import MAX_BROKEN, check_max_broken
from gmb.simulate.sampling import VARY

if TYPE_CHECKING:
    import networkx as nx

    from gmb.scale.backends import Backend
    from gmb.session.model import Session
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.model import StockFlowModel


__all__ = ["combined_score", "rank_ideas"]


def combined_score(effect: float | None, feasibility: float | None, votes: int | None, *, max_effect: float,
                   max_votes: int, weights: Mapping[str, float]) -> float:  # fmt: skip
    """The combined score of the module docstring (``nan`` when no criterion has a value).

    >>> combined_score(0.02, 5, 10, max_effect=0.04, max_votes=10,
    ...                weights={"effect": 0.5, "feasibility": 0.25, "votes": 0.25})
    0.75
    """
    parts = []
    if effect is not None and np.isfinite(effect) and max_effect > 0:
        parts.append((weights["effect"], effect / max_effect))
    if feasibility is not None:
        parts.append((weights["feasibility"], feasibility / 5.0))
    if votes is not None and max_votes > 0:
        parts.append((weights["votes"], votes / max_votes))
    total = sum(w for w, _ in parts)
    return float(sum(w * s for w, s in parts) / total) if total > 0 else float("nan")


def rank_ideas(
    model: StockFlowModel,
    source: nx.DiGraph | Session,
    scenarios: Scenarios,
    *,
    ideas: Sequence[str] | None = None,
    runs: int = 1000,
    seed: int = 0,
    method: str = "mc",
    horizon: float | None = None,
    by: str = "effect",
    lang: str | None = None,
    engine: str = "auto",
    integration: str = "euler",
    chunk: int = CHUNK,
    progress: Progress = None,
    backend: str | Backend | None = None,
    max_broken: float = MAX_BROKEN,
    settle: bool = True,
    variants: bool = False,
    variant_runs: int | None = None,
    assumptions: Assumptions | None = None,
    tie_band: tuple[float, float] = TIE_BAND,
    rank_level: float = RANK_LEVEL,
    vary: Iterable[str] = VARY,
    robustness: bool = False,
    robustness_runs: int | None = None,
) -> Ranking:
    """Rank ideas by their simulated effect at the horizon (``by="effect"``) or by the combined score.

    ``source`` (the CLD graph or the session) gives the ideas' labels, feasibility and votes.
    Beside each idea's effect: ``p_rank`` (P(rank = k), k = 1..n), ``rank_interval`` (``rank_level``),
    ``p_beats`` (P(it beats each other idea)) and ``settled`` (share of its long-run effect reached);
    ``rank_uncertainty`` holds the ties (pairs with P(A beats B) within ``tie_band``) and tiers
    (:mod:`gmb.scenarios.ranking`).

    Parameters
    ----------
    model : StockFlowModel
        The model.
    source : networkx.DiGraph or gmb.session.Session
        The map (labels, feasibility, votes, the links' evidence).
    scenarios : Scenarios
        The ideas' doses.
    ideas : sequence of str, optional
        The ideas ranked (default: all with an intervention).
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
    by : {"effect", "score"}, optional
        Rank by effect, or by the combined score of effect, feasibility and votes.
    lang : str, optional
        Language of the labels.
    variants : bool, optional
        Add the ranking under the assumption variants of :mod:`gmb.scenarios.variants` and the
        conclusions that hold (response-shape variants need ``source`` to be the CLD graph and
        ``assumptions``).
    variant_runs : int, optional
        Draws per variant.
    assumptions : Assumptions, optional
        The conversion's assumptions (for the response-shape variants).
    tie_band : (float, float), optional
        Pairs with P(A beats B) in this band are ties.
    rank_level : float, optional
        Level of ``rank_interval`` (default 0.9).
    robustness : bool, optional
        Add leave-one-link-out robustness (:func:`link_robustness`): per idea ``depends_on``,
        ``flips``, ``rank_changes`` and ``robustness``.
    robustness_runs : int, optional
        Draws for it (default ``min(runs, 200)``).

    Returns
    -------
    Ranking
        Typed and frozen (:class:`gmb.scenarios.results.Ranking`): ``meta``, ``unit``, ``horizon``, ``runs``,
        ``seed``, ``ideas`` (best first, each with ``idea``, ``label``, ``median``, ``p5``..``p95``,
        ``p_improves``, ``p_rank``, ``rank_interval``, ``p_beats``, ``settled`` …), ``effects`` and
        ``rank_uncertainty``; ``to_dict()`` is the JSON answer, ``to_frame()`` the ideas as a table.

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
    >>> r = rank_ideas(model, G, scenarios, runs=16, engine="numpy")
    >>> [i["idea"] for i in r.ideas], r.runs
    (['idea1', 'idea2', 'idea0'], 16)
    """
    if by not in ("effect", "combined"):
        raise InputError(f"rank by 'effect' or 'combined', not {by!r}", field="by")
    check_max_broken(max_broken)
    info = ideas_of(source)
    ideas = _check_ideas(scenarios, info if ideas is None else ideas)
    runs_map = _scenario_map(scenarios, ideas, {})
    study = _study(model, scenarios, runs_map, seed=seed, method=method, horizon=horizon,
                   every=10**9, engine=engine, integration=integration, vary=vary)  # fmt: skip
    result = _run(study, runs, chunk=chunk, progress=progress, backend=backend)
    sign = _sign(scenarios)
    w = scenarios.weights.model_dump()
    score_rule = ("score = (w_e*E + w_f*F + w_v*V)/(w_e+w_f+w_v); E = median effect / largest |median effect|, "
                  "F = feasibility/5, V = votes/most votes; missing criteria left out")  # fmt: skip
    _, meta = _guard(result, scenarios, ideas, max_broken, "the ranking",
                     {"ranked_by": by, "weights": w, "score_rule": score_rule,
                      "response_shape": getattr(assumptions, "effect_shape", None)})  # fmt: skip
    effects = {i: effect_summary(result.effect(i), sign) for i in ideas}
    rows = _rows(ideas, info, effects, sign, w, lang)
    _number_ranks(rows, sign, by)
    out = {
        "meta": meta,
        "unit": study.program.unit,
        "horizon": study.horizon,
        "runs": result.runs,
        "seed": study.seed,
        "ideas": rows,
        "effects": effects,
    }
    from gmb.scenarios.ranking import add_rank_uncertainty

    add_rank_uncertainty(out, np.array([result.effect(i) for i in ideas]), ideas, better=sign, band=tie_band,
                         level=rank_level, seed=seed)  # fmt: skip
    if settle and ideas:
        out["settled"] = _settled(model, runs_map, study, runs)
        for r in rows:
            r["settled"] = out["settled"]["scenarios"][r["idea"]]["share"]
    _add_checks(out, model, source, scenarios, ideas, study, rows, runs=runs, variants=variants,
                variant_runs=variant_runs, assumptions=assumptions, tie_band=tie_band, robustness=robustness,
                robustness_runs=robustness_runs, lang=lang, max_broken=max_broken, seed=seed, method=method,
                engine=engine, integration=integration)  # fmt: skip
    return Ranking.from_dict(out)


def _rows(ideas: Sequence[str], info: Mapping[str, Any], effects: Mapping[str, dict], sign: float,
          w: Mapping[str, float], lang: str | None) -> list[dict[str, Any]]:  # fmt: skip
    """One row per idea: its effect, the idea bank's feasibility and votes, and the combined score."""
    max_effect = max((abs(e["median"]) for e in effects.values() if np.isfinite(e["median"])), default=0.0)
    votes = {i: len((info.get(i) or {}).get("votes") or []) for i in ideas}
    max_votes = max(votes.values(), default=0)
    rows = []
    for i in ideas:
        e = effects[i]
        feas = (info.get(i) or {}).get("feasibility")
        rows.append({
            "idea": i, "label": _label(info.get(i) or {}, i, lang),
            **{k: e[k] for k in ("median", "p5", "p25", "p75", "p95")},
            "p_improves": e["p_improves"], "feasibility": feas, "votes": votes[i],
            "low": e["p5"], "high": e["p95"], "p_improve": e["p_improves"],  # the report's names (90 % interval)
            "score": combined_score(sign * e["median"], feas, votes[i], max_effect=max_effect, max_votes=max_votes,
                                    weights=w),
        })  # fmt: skip
    return rows


def _number_ranks(rows: list[dict[str, Any]], sign: float, by: str) -> None:
    """Each row's place by effect and by score (both kept, so the report can show either); sorted by ``by``."""

    def key_effect(r):
        return (-(sign * r["median"]) if np.isfinite(r["median"]) else np.inf, r["idea"])

    def key_score(r):
        return (-r["score"] if np.isfinite(r["score"]) else np.inf, r["idea"])

    for k, (name, key) in enumerate((("rank_effect", key_effect), ("rank_score", key_score))):
        for pos, r in enumerate(sorted(rows, key=key), start=1):
            r[name] = pos
    rows.sort(key=key_effect if by == "effect" else key_score)


def _add_checks(out: dict[str, Any], model, source, scenarios: Scenarios, ideas: Sequence[str], study, rows,
                *, runs: int, variants: bool, variant_runs: int | None, assumptions, tie_band: tuple[float, float],
                robustness: bool, robustness_runs: int | None, lang: str | None, max_broken: float, seed: int,
                method: str, engine: str, integration: str) -> None:  # fmt: skip
    """Add the ranking under assumption variants and the leave-one-link-out robustness, when asked for."""
    if variants and ideas:
        from gmb.scenarios.variants import VARIANT_RUNS, add_variants

        add_variants(out, model, scenarios, ideas, graph=source, assumptions=assumptions,
                     runs=variant_runs or min(runs, VARIANT_RUNS), seed=seed, method=method, engine=engine,
                     integration=integration, better=scenarios.better, band=tie_band,
                     labels={r["idea"]: r["label"] for r in rows}, max_broken=max_broken,
                     vary=study.vary)  # fmt: skip
    if robustness and ideas:
        from gmb.scenarios.robustness import ROBUSTNESS_RUNS, add_robustness

        add_robustness(out, model, source, scenarios, ideas, runs=robustness_runs or min(runs, ROBUSTNESS_RUNS),
                       seed=seed, method=method, horizon=study.horizon, vary=study.vary, engine=engine,
                       integration=integration, lang=lang)  # fmt: skip
