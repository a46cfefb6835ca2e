"""The answers a group asks for: does an idea move the outcome, how surely, and what does each part contribute?

Everything here runs an ensemble (:mod:`gmb.simulate.ensemble`) of the group's
model under uncertain link strengths, adjustment and delay times and doses,
with common random numbers across scenarios, and returns plain data
(JSON-ready dicts) that always carry ``meta``: the seed, sampling method, runs,
horizon, every dose assumed, the parameter ranges, the share of draws whose
reinforcing loops run away, and the label *exploratory*.

* :func:`fan_charts` — median, 50 % and 90 % bands over time for the baseline,
  each idea and bundles, for the outcome and chosen variables;
* :func:`rank_ideas` — each idea's effect at the horizon (outcome minus baseline,
  run by run) with its 50 % and 90 % intervals and the probability that the
  outcome improves, beside the idea bank's feasibility and votes (the W3 criteria),
  and a combined score (rule below);
* :func:`attribute` — Shapley values: the bundle's effect split among its ideas,
  exactly over all 2^n sub-bundles for n <= :data:`EXACT_IDEAS`, else by sampled
  permutations, with each idea's solo effect and the interaction part.

**Combined score** (shown beside the effect, never instead of it)::

    score = (w_e · E + w_f · F + w_v · V) / (w_e + w_f + w_v)

with ``E`` the idea's median effect divided by the largest absolute median
effect among the ranked ideas (−1..1, sign: better is positive), ``F`` the
feasibility divided by 5 and ``V`` the votes divided by the most votes any idea
got; a criterion an idea has no value for is left out of its sum and weight.
Weights default to 0.5 / 0.25 / 0.25 and live in ``scenarios.json``.

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

from collections.abc import Callable, Iterable, Mapping, Sequence
from math import factorial
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError, NotFoundError
from gmb.scenarios.doses import DOSE_RULE, dose_meta
from gmb.scenarios.ranking import RANK_LEVEL, TIE_BAND
from gmb.scenarios.settings import Scenarios, ideas_of
from gmb.scenarios.settling import SETTLE_DRAWS
from gmb.simulate.ensemble import CHUNK, Result, Study, run_study
from gmb.simulate.quality import MAX_BROKEN, check_broken, check_max_broken, quality
from gmb.simulate.sampling import VARY

if TYPE_CHECKING:
    import networkx as nx

    from gmb.scale.backends import Backend
    from gmb.session.model import Session
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.model import StockFlowModel

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

#: up to this many ideas, Shapley values are exact (all 2^n sub-bundles)
EXACT_IDEAS = 10

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
) -> dict[str, Any]:
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
    dict
        JSON-ready: ``meta``, ``unit``, ``horizon``, ``runs``, ``seed``, ``charts`` (per scenario and
        variable: ``time`` and percentiles ``p5``..``p95``) and ``effects`` at the horizon.

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
    >>> sorted({c["scenario"] for c in f["charts"]})
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
    return out


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
) -> dict[str, Any]:
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
    dict
        JSON-ready: ``meta``, ``unit``, ``horizon``, ``runs``, ``seed``, ``ideas`` (best first, each with
        ``idea``, ``label``, ``median``, ``p5``..``p95``, ``p_improves``, ``p_rank``, ``rank_interval``,
        ``p_beats``, ``settled`` …), ``effects`` and ``rank_uncertainty``.

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
    >>> [i["idea"] for i in r["ideas"]], r["runs"]
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

    def key_effect(r):
        return (-(sign * r["median"]) if np.isfinite(r["median"]) else np.inf, r["idea"])

    def key_score(r):
        return (-r["score"] if np.isfinite(r["score"]) else np.inf, r["idea"])

    for k, (name, key) in enumerate((("rank_effect", key_effect), ("rank_score", key_score))):
        for pos, r in enumerate(sorted(rows, key=key), start=1):
            r[name] = pos
    rows.sort(key=key_effect if by == "effect" else key_score)
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
    return out


def shapley_weights(n: int) -> np.ndarray:
    """``w[s] = s! (n-s-1)! / n!``: the weight of a coalition of size ``s`` not containing the player.

    >>> shapley_weights(3).tolist() == [1/3, 1/6, 1/3]
    True
    """
    return np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])


def _exact_shapley(V: np.ndarray, n: int) -> np.ndarray:
    """Shapley values from ``V[mask]`` (coalition values, mask = bit set of players), per run."""
    w = shapley_weights(n)
    masks = np.arange(1 << n)
    sizes = np.array([(m).bit_count() for m in masks])
    phi = np.zeros((n,) + V.shape[1:])
    for i in range(n):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        phi[i] = np.tensordot(w[sizes[without]], V[without | bit] - V[without], axes=(0, 0))
    return phi


def attribute(
    model: StockFlowModel,
    source: nx.DiGraph | Session,
    scenarios: Scenarios,
    bundle: Sequence[str],
    *,
    runs: int = 1000,
    seed: int = 0,
    method: str = "mc",
    horizon: float | None = None,
    permutations: int = 256,
    exact_limit: int = EXACT_IDEAS,
    lang: str | None = None,
    engine: str = "auto",
    integration: str = "euler",
    chunk: int = 256,
    progress: Progress = None,
    backend: str | Backend | None = None,
    max_broken: float = MAX_BROKEN,
    settle: bool = True,
    vary: Iterable[str] = VARY,
) -> dict[str, Any]:
    """Shapley attribution of ``bundle``'s effect at the horizon to its ideas (see the module docstring).

    Every sub-bundle runs with the *same* parameter draws (common random numbers),
    so for each draw the Shapley values add up exactly to that draw's bundle effect.
    Shares are ratios of means, ``E[φ_i] / E[v(N)]``, and the interaction is also given in
    log units (:mod:`gmb.scenarios.attribution`).

    Parameters
    ----------
    model : StockFlowModel
        The model.
    source : networkx.DiGraph or gmb.session.Session
        The map (labels).
    scenarios : Scenarios
        The ideas' doses.
    bundle : sequence of str
        The ideas run together.
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
    permutations : int, optional
        Sampled orderings when the bundle has more than ``exact_limit`` ideas.
    exact_limit : int, optional
        Up to this many ideas, Shapley values are computed exactly.
    lang : str, optional
        Language of the labels.

    Returns
    -------
    dict
        JSON-ready: ``meta``, ``unit``, ``horizon``, ``bundle``, ``runs``, ``seed``, ``shares`` (per idea),
        ``interaction``, ``total`` …

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
    >>> a = attribute(model, G, scenarios, ["idea0", "idea1"], runs=16, engine="numpy")
    >>> sorted(a["shares"])
    ['idea0', 'idea1']
    """
    check_max_broken(max_broken)
    info = ideas_of(source)
    ideas = _check_ideas(scenarios, bundle)
    n = len(ideas)
    if n == 0:
        raise InputError("the bundle has no ideas", field="bundle")
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise InputError(f"need at least one run, got {runs!r}", field="runs")
    exact = n <= exact_limit
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
    if exact:
        masks = list(range(1 << n))
        orders = None
    else:
        # antithetic pairs of random orders; each order's marginal contributions add up to the bundle's effect
        half = max(1, permutations // 2)
        orders = [rng.permutation(n) for _ in range(half)]
        orders += [o[::-1] for o in orders]
        wanted = {0}
        for o in orders:
            m = 0
            for i in o:
                m |= 1 << int(i)
                wanted.add(m)
        masks = sorted(wanted)
    position = {m: k for k, m in enumerate(masks)}
    named = {f"s{m}": [iv for j, i in enumerate(ideas) if m >> j & 1 for iv in scenarios.interventions([i])]
             for m in masks if m}  # fmt: skip
    study = _study(model, scenarios, named, seed=seed, method=method, horizon=horizon, every=10**9, engine=engine,
                   integration=integration, vary=vary)  # fmt: skip
    # scenario order in the study: baseline (mask 0), then masks[1:] in order; sub-bundles × chunks of runs
    # are tasks (here, or on a Dask cluster given as ``backend``), with the same result wherever they ran
    from gmb.scale.ensemble_jobs import horizon_values

    V, radius = horizon_values(study, runs, chunk=chunk, backend=backend, progress=progress)
    sign = _sign(scenarios)
    raw = V.copy()
    base = V[0].copy()
    V = V - base  # v(S): effect of sub-bundle S, run by run
    if exact:
        phi = _exact_shapley(V, n)
    else:
        phi = np.zeros((n, runs))
        for o in orders:
            prev = 0
            m = 0
            for i in o:
                m |= 1 << int(i)
                phi[int(i)] += V[position[m]] - V[position[prev]]
                prev = m
        phi /= len(orders)
    full = V[position[(1 << n) - 1]]
    solo = np.array([V[position[1 << j]] for j in range(n)])
    finite = np.isfinite(full) & np.isfinite(phi).all(axis=0) & np.isfinite(raw).all(axis=0)
    q = quality(broken=int((~finite).sum()), runs=runs, runaway=int(np.sum(radius >= 1.0)), max_broken=max_broken)
    meta = _meta(study, runs, scenarios, ideas, {
        "method_shapley": f"exact over all {1 << n} sub-bundles" if exact else
                          f"sampled: {len(orders)} random orders (antithetic pairs)",
        "common_random_numbers": True, "broken_runs": q["broken_runs"], "runs_quality": q,
        "share_rule": "share = E[the idea's Shapley value] / E[the bundle's effect] over the draws (ratio of means; "
                      "shares add up to 1); intervals are of the per-draw Shapley values",
    }, float(np.mean(radius >= 1.0)))  # fmt: skip
    # kept for older readers: draws whose bundle effect is (near) zero (shares are ratios of means now, so these
    # draws count like any other)
    scale = np.nanmax(np.abs(full[finite])) if finite.any() else 0.0
    meta["draws_without_shares"] = int((finite & (np.abs(full) <= 1e-12 * max(scale, 1e-300))).sum())
    check_broken(q, what="the attribution", meta=meta)
    from gmb.scenarios.attribution import expected_shapley, interaction_parts

    expected = expected_shapley(phi, full)
    parts = interaction_parts(raw[0], np.array([raw[position[1 << j]] for j in range(n)]),
                              raw[position[(1 << n) - 1]])  # fmt: skip
    rows = []
    for j, i in enumerate(ideas):
        s = effect_summary(phi[j], sign)
        rows.append({
            "idea": i, "label": _label(info.get(i) or {}, i, lang),
            "shapley": {k: s[k] for k in ("median", "mean", "p5", "p25", "p75", "p95")},
            "expected": expected["expected"][j],
            "share": expected["shares"][j],
            "p_positive": s["p_improves"],
            "solo": effect_summary(solo[j], sign),
            "interaction": effect_summary(phi[j] - solo[j], sign),
        })  # fmt: skip
    rows.sort(key=lambda r: (-(sign * r["shapley"]["mean"]) if np.isfinite(r["shapley"]["mean"]) else np.inf,
                             r["idea"]))  # fmt: skip
    # efficiency: per draw, the Shapley values add up to the bundle's effect (relative to the draw's effect size)
    size = np.maximum(np.abs(full[finite]), np.abs(phi[:, finite]).max(axis=0) if n else 0.0)
    gap = np.abs(phi[:, finite].sum(axis=0) - full[finite])
    meta["efficiency_max_error"] = float(np.max(gap / np.maximum(size, 1e-300))) if finite.any() else 0.0
    interaction = full - solo.sum(axis=0)
    bundle_summary = effect_summary(full, sign)
    # for the report's bar chart: each idea's expected Shapley value (the bars add up to the expected bundle effect);
    # the interaction is already inside the Shapley values, so no separate bar
    amounts = {row["idea"]: row["expected"] for row in rows}
    out = {
        "meta": meta,
        "unit": study.program.unit,
        "horizon": study.horizon,
        "bundle": list(ideas),
        "runs": runs,
        "seed": study.seed,
        "shares": amounts,
        "interaction": 0.0,
        "total": expected["bundle"],
        "total_rule": "the expected (mean) bundle effect; the shares (expected Shapley values) add up to it",
        "bundle_effect": bundle_summary,
        "sum_of_solo_effects": effect_summary(solo.sum(axis=0), sign),
        "interaction_effect": effect_summary(interaction, sign),
        "interaction_parts": parts,
        "ideas": rows,
        "_phi": phi,  # per-run Shapley values (dropped from JSON output)
        "_bundle": full,
    }
    if settle:
        out["settled"] = _settled(model, {"bundle": scenarios.interventions(ideas)}, study, runs)
    return out
