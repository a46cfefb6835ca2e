"""Does the ranking hold under other reasonable assumptions? A small, documented set of variants.

The ranking is recomputed with one assumption changed at a time (everything else as set):

* **horizon** 3, 5 and 10 years (in the model's time unit; the model's time is extended
  when 10 years is beyond it);
* **response shape** — every other value of the conversion's ``effect_shape``
  (read from :class:`gmb.stockflow.assumptions.Assumptions`, so a new shape is picked up);
  needs the CLD graph and the conversion assumptions;
* **dose rule** — every other rule in :data:`DOSE_RULES` that applies to the scenarios'
  schema (a rule returns ``None`` where it does not): ``as set`` (what ``scenarios.json``
  says); ``equal total per idea`` for per-target doses (each intervention's dose, low and
  high divided by the idea's number of targets, so every idea pushes about as much in
  total); ``full dose on every target`` for one dose per idea split over its targets
  (each target gets the idea's whole dose, the per-target rule: an idea with more targets
  pushes more). The table is a hook: :func:`register_dose_rule` adds a rule.

Each variant runs ``runs`` draws (fewer than the main ranking; stated in the output)
with the same seed. :func:`conclusions` then says in words which conclusions hold
under all variants and which assumptions flip the order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, get_args

import numpy as np

from gmb.scenarios.ranking import TIE_BAND, rank_probabilities

__all__ = [
    "DOSE_RULES",
    "HORIZON_YEARS",
    "VARIANT_RUNS",
    "add_variants",
    "assumption_variants",
    "conclusions",
    "equal_total_per_idea",
    "full_dose_on_every_target",
    "horizon_in",
    "register_dose_rule",
    "response_shapes",
    "run_variants",
]  # fmt: skip

#: draws per variant
VARIANT_RUNS = 300
#: the horizon variants, in years
HORIZON_YEARS = (3, 5, 10)
_PER_YEAR = {"month": 12.0, "year": 1.0, "week": 52.0, "day": 365.0, "quarter": 4.0}


def equal_total_per_idea(scenarios: Any) -> Any:
    """Each intervention's dose (and range) divided by its idea's number of targets (``None`` for plans
    with one dose per idea, which are split already).

    >>> from gmb.examples import example_dir
    >>> from gmb.scenarios.settings import load_scenarios
    >>> sc = load_scenarios(example_dir("havndal") / "scenarios.json")
    >>> eq, before = equal_total_per_idea(sc), sc.interventions(["faellesspisning"])  # four targets
    >>> eq is None or [iv.dose for iv in eq.interventions(["faellesspisning"])] == [iv.dose / 4 for iv in before]
    True
    """
    if any(not hasattr(plan, "interventions") for plan in scenarios.ideas.values()):
        return None
    ideas = {}
    for idea, plan in scenarios.ideas.items():
        k = max(1, len(plan.interventions))
        ivs = tuple(iv.model_copy(update={"dose": iv.dose / k, "low": None if iv.low is None else iv.low / k,
                                          "high": None if iv.high is None else iv.high / k})
                    for iv in plan.interventions)  # fmt: skip
        ideas[idea] = plan.model_copy(update={"interventions": ivs})
    return scenarios.model_copy(update={"ideas": ideas})


def full_dose_on_every_target(scenarios: Any) -> Any:
    """Plans with one dose per idea split over its targets: each target (weight > 0, no dose of its own)
    gets the idea's whole dose instead of its share (``None`` for plans with per-target doses)."""
    plans = scenarios.ideas.values()
    if any(not hasattr(plan, "targets") for plan in plans):
        return None
    ideas = {}
    for idea, plan in scenarios.ideas.items():
        if plan.dose is None:
            ideas[idea] = plan
            continue
        lo, nom, hi = plan.dose_range
        targets = tuple(t if t.dose is not None or t.weight == 0 else
                        t.model_copy(update={"dose": nom, "low": lo, "high": hi}) for t in plan.targets)  # fmt: skip
        ideas[idea] = plan.model_copy(update={"targets": targets})
    return scenarios.model_copy(update={"ideas": ideas})


#: dose rules: name -> function(Scenarios) -> Scenarios, or None where the rule does not apply to the
#: scenarios' schema; the first is what scenarios.json says
DOSE_RULES: dict[str, Callable[[Any], Any]] = {
    "as set": lambda sc: sc,
    "equal total per idea": equal_total_per_idea,
    "full dose on every target": full_dose_on_every_target,
}


def register_dose_rule(name: str, rule: Callable[[Any], Any]) -> None:
    """Add (or replace) a dose rule the variants try."""
    DOSE_RULES[name] = rule


def response_shapes() -> tuple[str, ...]:
    """The response shapes the conversion knows (the values of ``Assumptions.effect_shape``).

    >>> "power" in response_shapes()
    True
    """
    from gmb.stockflow.assumptions import Assumptions

    return tuple(get_args(Assumptions.model_fields["effect_shape"].annotation))


def horizon_in(unit: str, years: float, default_3y: float) -> float:
    """``years`` in the model's time ``unit`` (unknown unit: scaled from the default three-year horizon).

    >>> horizon_in("months", 5, 36.0), horizon_in("fortnight", 10, 12.0)
    (60.0, 40.0)
    """
    per = _PER_YEAR.get(unit.strip().lower().rstrip("s"))
    return float(years * per) if per else float(default_3y * years / 3)


def assumption_variants(*, horizon: float, unit: str, shape: str | None, dose_rule: str = "as set",
                        years: Sequence[float] = HORIZON_YEARS) -> list[dict[str, Any]]:  # fmt: skip
    """The variants (one change each): ``{"name", "kind", "horizon"?, "shape"?, "dose_rule"?}``
    (every dose rule but ``dose_rule``; :func:`run_variants` skips those that do not apply)."""
    out = []
    for y in years:
        h = horizon_in(unit, y, horizon)
        if abs(h - horizon) > 1e-9:
            out.append({"name": f"horizon {y:g} years", "kind": "horizon", "horizon": h})
    if shape is not None:
        for s in response_shapes():
            if s != shape:
                out.append({"name": f"response shape {s}", "kind": "shape", "shape": s})
    for rule in DOSE_RULES:
        if rule != dose_rule:
            out.append({"name": f"dose rule: {rule}", "kind": "dose_rule", "dose_rule": rule})
    return out


def run_variants(model: Any, scenarios: Any, ideas: Sequence[str], *, horizon: float, graph: Any = None,
                 assumptions: Any = None, runs: int = VARIANT_RUNS, seed: int = 0, method: str = "mc",
                 engine: str = "auto", integration: str = "euler", better: float = 1.0,
                 band: tuple[float, float] = TIE_BAND, vary: Any = None) -> list[dict[str, Any]]:  # fmt: skip
    """Each variant's rank statistics and P(improves) for ``ideas`` (see the module docstring)."""
    from gmb.scenarios.settling import extended_model
    from gmb.simulate.ensemble import Study, run_study
    from gmb.simulate.sampling import VARY

    shape = getattr(assumptions, "effect_shape", None) if graph is not None else None
    out = []
    for v in assumption_variants(horizon=horizon, unit=model.time.unit, shape=shape):
        m, sc, h = model, scenarios, horizon
        if v["kind"] == "dose_rule":
            sc = DOSE_RULES[v["dose_rule"]](scenarios)
            if sc is None:  # the rule does not apply to this schema of scenarios.json
                continue
        if v["kind"] == "horizon":
            h = v["horizon"]
            m = extended_model(model, h)
        elif v["kind"] == "shape":
            from gmb.stockflow.convert import to_stockflow

            m = to_stockflow(graph, assumptions.edit(effect_shape=v["shape"]), name=model.name)
        runs_map = {i: sc.interventions([i]) for i in ideas}
        study = Study.build(m, runs_map, seed=seed, horizon=h, method=method, every=10**9, engine=engine,
                            integration=integration, vary=VARY if vary is None else vary)  # fmt: skip
        result = run_study(study, runs)
        E = np.array([result.effect(i) for i in ideas])
        stats = rank_probabilities(E, ideas, better=better, band=band, seed=seed)
        ok = np.isfinite(E)
        p_up = {i: float(np.mean(better * E[k][ok[k]] > 0)) if ok[k].any() else float("nan")
                for k, i in enumerate(ideas)}  # fmt: skip
        median = {i: float(np.median(E[k][ok[k]])) if ok[k].any() else float("nan") for k, i in enumerate(ideas)}
        out.append({**v, "runs": runs, "horizon": study.horizon, "broken_runs": result.broken(),
                    "order": sorted(ideas, key=lambda i: (stats["mean_rank"].get(i, np.inf), i)),
                    "tiers": stats["tiers"], "p_beats": stats["p_beats"], "mean_rank": stats["mean_rank"],
                    "p_rank": stats["p_rank"], "p_improves": p_up, "median": median})  # fmt: skip
    return out


def _first(v: Mapping[str, Any]) -> tuple[str | None, bool]:
    """The idea with the best mean rank and whether it is alone in the top tier (clearly first)."""
    order = v.get("order") or []
    if not order:
        return None, False
    tiers = v.get("tiers") or [[]]
    return order[0], tiers[0] == [order[0]]


def conclusions(main: Mapping[str, Any], variants: Sequence[Mapping[str, Any]], *,
                labels: Mapping[str, str] | None = None, band: tuple[float, float] = TIE_BAND,
                better: str = "up") -> dict[str, Any]:  # fmt: skip
    """Which conclusions hold under the ranking as set (``main``) and every variant.

    ``main`` and each variant carry ``name``, ``order``, ``tiers``, ``p_beats`` and ``p_improves``.
    Returns ``{"facts": [...], "holds": [sentences], "flips": [sentences], "pairs_kept": k, "pairs": n}``:
    ``facts`` are structured (rendered in words by :func:`gmb.scenarios.words.fact_text`, in English
    for ``holds``/``flips``); a variant is named by its ``name``.
    """
    from gmb.scenarios.words import fact_text

    every = [main, *variants]
    ideas = list(main.get("order") or [])
    facts: list[dict[str, Any]] = []
    firsts = [_first(v) for v in every]
    top = {f for f, _ in firsts}
    if len(top) == 1 and None not in top:
        facts.append({"kind": "first", "holds": True, "idea": firsts[0][0],
                      "unclear_in": [v["name"] for v, (_, clear) in zip(every, firsts) if not clear]})  # fmt: skip
    elif ideas:
        facts.append({"kind": "no_first", "holds": False,
                      "firsts": [[f, v["name"]] for v, (f, _) in zip(every, firsts)]})  # fmt: skip
    pos = 1
    for tier in main.get("tiers") or []:
        if len(tier) > 1:
            everywhere = all(all(band[0] <= v["p_beats"][a][b] <= band[1] for a in tier for b in tier if a != b)
                             for v in every)  # fmt: skip
            facts.append({"kind": "tier", "holds": True, "ranks": [pos, pos + len(tier) - 1], "ideas": list(tier),
                          "everywhere": everywhere})  # fmt: skip
        pos += len(tier)
    kept = n_pairs = 0
    for a_i, a in enumerate(ideas):
        for b in ideas[a_i + 1 :]:
            n_pairs += 1
            ahead_a = [v["name"] for v in every if v["p_beats"][a][b] > band[1]]
            ahead_b = [v["name"] for v in every if v["p_beats"][b][a] > band[1]]
            if len(ahead_a) == len(every) or len(ahead_b) == len(every):
                kept += 1
            elif ahead_a and ahead_b:
                facts.append({"kind": "flip", "holds": False, "a": a, "b": b, "a_ahead": ahead_a,
                              "b_ahead": ahead_b})  # fmt: skip
    if n_pairs:
        facts.append({"kind": "pairs_kept", "holds": True, "kept": kept, "pairs": n_pairs})
    sure = [i for i in ideas if all((v["p_improves"].get(i) or 0) >= 0.95 for v in every)]
    unsure = [i for i in ideas if i not in sure and any((v["p_improves"].get(i) or 0) >= 0.95 for v in every)]
    if sure:
        facts.append({"kind": "improves", "holds": True, "ideas": sure})
    if unsure:
        facts.append({"kind": "direction_depends", "holds": False, "ideas": unsure})
    lab = dict(labels or {})
    return {"facts": facts, "holds": [fact_text(f, "en", lab) for f in facts if f["holds"]],
            "flips": [fact_text(f, "en", lab) for f in facts if not f["holds"]], "pairs_kept": kept,
            "pairs": n_pairs}  # fmt: skip


def add_variants(ranking: dict[str, Any], model: Any, scenarios: Any, ideas: Sequence[str], *, graph: Any = None,
                 assumptions: Any = None, runs: int = VARIANT_RUNS, seed: int = 0, method: str = "mc",
                 engine: str = "auto", integration: str = "euler", better: str = "up",
                 band: tuple[float, float] = TIE_BAND, labels: Mapping[str, str] | None = None,
                 max_broken: float = 0.01, vary: Any = None) -> None:  # fmt: skip
    """Add ``ranking["variants"]``: each variant's ranking and the conclusions that hold under all of them.

    A variant in which more than ``max_broken`` of the runs broke is kept in the list, marked
    ``"refused": true``, and left out of the conclusions (said in ``notes``).
    """
    import networkx as nx

    sign = 1.0 if better == "up" else -1.0
    g = graph if isinstance(graph, nx.DiGraph) and assumptions is not None else None
    found = run_variants(model, scenarios, ideas, horizon=ranking["horizon"], graph=g, assumptions=assumptions,
                         runs=runs, seed=seed, method=method, engine=engine, integration=integration, better=sign,
                         band=band, vary=vary)  # fmt: skip
    ru = ranking["rank_uncertainty"]
    main = {"name": "as set", "order": sorted(ideas, key=lambda i: (ru["mean_rank"].get(i, np.inf), i)),
            "tiers": ru["tiers"], "p_beats": ru["p_beats"],
            "p_improves": {r["idea"]: r["p_improves"] for r in ranking["ideas"]}}  # fmt: skip
    notes = []
    for v in found:
        v["refused"] = v["broken_runs"] > max_broken * v["runs"]
        if v["refused"]:
            notes.append(f"{v['name']}: {v['broken_runs']} of {v['runs']} runs broke down, so this variant is left "
                         "out of the conclusions")  # fmt: skip
    said = conclusions(main, [v for v in found if not v["refused"]], labels=labels, band=band, better=better)
    if g is None:
        notes.append("response-shape variants need the CLD graph and the conversion assumptions (not given)")
    ranking["variants"] = {
        "runs_each": runs,
        "list": found,
        "as_set": {"horizon": ranking["horizon"], "shape": getattr(assumptions, "effect_shape", None),
                   "dose_rule": ranking["meta"].get("dose_rule") or "per target"},
        "rule": "one assumption changed at a time: horizon 3/5/10 years, every other response shape, every other "
                f"dose rule; {runs} draws each (same seed)",
        **said,
        "notes": notes,
    }  # fmt: skip
