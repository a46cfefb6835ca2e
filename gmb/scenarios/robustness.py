"""Leave-one-link-out: which single links does each idea's verdict, or its rank, rest on?

For every idea, each link that can carry its push to the outcome is removed in
turn (its elasticity set to 0 in every draw: exactly the model without the
link) and the idea is run again with the *same* draws (common random numbers).
A link *flips the verdict* when without it the idea no longer improves the
outcome in most draws (or no longer worsens it): the verdict is ``improves``
when P(improves) > 1/2, ``worsens`` when P(worsens) > 1/2, else ``unclear`` (this
covers the sign of the median effect too). A link *changes the rank* when,
without it, the idea's place among the ideas (by median effect) differs.

The links checked for an idea are those whose cause lies downstream of one of
its targets and whose effect lies upstream of the outcome: every link on a path
from the idea to the outcome, and on the feedback loops along those paths. No
other link can change the idea's effect: at baseline every variable rests at 1,
so a link whose cause the idea does not move contributes nothing.

An idea whose verdict flips without one *uncertain* link (P(present) < 1 or a
sign left to chance, see :mod:`gmb.stockflow.structure`) gets a sentence saying
so, e.g. "Playgrounds improves the outcome only through C7 'physical activity →
wellbeing' (evidence: candidate (Inf); P(present) 0.75)…".

Cost: one ensemble of ``runs`` draws per link checked, running only the ideas
that link can reach, against one baseline run (a few seconds on Havndal with numba at 200 draws).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from gmb.errors import InputError, NotFoundError
from gmb.scenarios.results import Robustness
from gmb.simulate.ensemble import Study, run_parameters
from gmb.simulate.sampling import VARY, draw

if TYPE_CHECKING:
    from gmb.scenarios.settings import Scenarios
    from gmb.session.model import Session
    from gmb.stockflow.model import StockFlowModel

__all__ = [
    "IDEA_KEYS",
    "ROBUSTNESS_RUNS",
    "add_robustness",
    "link_robustness",
    "merge_robustness",
    "relevant_links",
    "verdict_of",
]

#: draws per link left out when ``gmb rank`` checks robustness (the same draws for every link)
ROBUSTNESS_RUNS = 200

#: the keys of each idea's entry in :func:`link_robustness`'s result
IDEA_KEYS = ("idea", "label", "median", "p_improves", "p_worsens", "verdict", "rank", "links_checked", "flips",
             "rank_changes", "depends_on", "sentence")  # fmt: skip


def verdict_of(p_improves: float, p_worsens: float) -> str:
    """``improves`` / ``worsens`` when more than half the draws say so, else ``unclear``.

    >>> verdict_of(0.74, 0.2), verdict_of(0.3, 0.6), verdict_of(0.0, 0.0)
    ('improves', 'worsens', 'unclear')
    """
    if p_improves > 0.5:
        return "improves"
    if p_worsens > 0.5:
        return "worsens"
    return "unclear"


def relevant_links(model: Any, targets: Iterable[str]) -> list[str]:
    """Ids of the model's links that can carry a push on ``targets`` (CLD variable ids) to the outcome.

    A link counts when its cause is a target or downstream of one and its effect is the outcome or
    upstream of it (see the module docstring). In the model's effect order.
    """
    G = nx.DiGraph()
    G.add_nodes_from(el.variable for el in model.variables)
    G.add_edges_from((e.cause, e.target) for e in model.effects)
    outcome = model.element(model.outcome).variable
    moved: set[str] = set()
    for t in targets:
        if t in G:
            moved |= nx.descendants(G, t) | {t}
    feeds = nx.ancestors(G, outcome) | {outcome}
    return [e.link for e in model.effects if e.cause in moved and e.target in feeds]


def _link_info(source: Any) -> dict[str, dict[str, Any]]:
    """{link id: {"evidence", "polarity"}} from a CLD graph or a session (empty when neither)."""
    out: dict[str, dict[str, Any]] = {}
    if hasattr(source, "edges") and hasattr(source, "graph"):
        for _, _, d in source.edges(data=True):
            if d.get("id"):
                out[str(d["id"])] = {"evidence": d.get("evidence") or "", "polarity": d.get("polarity")}
    elif hasattr(source, "links"):
        for link in source.links:
            out[link.id] = {"evidence": link.evidence, "polarity": getattr(link.polarity, "value", link.polarity)}
    return out


def _label(info: Mapping[str, Any], idea: str, lang: str | None) -> str:
    labels = info.get("labels") or {}
    if lang and lang in labels:
        return labels[lang]
    return next(iter(labels.values()), idea)


def _ranks(medians: Mapping[str, float], better: float) -> dict[str, int]:
    # as gmb rank orders by effect: larger (better-signed) median first, ties by idea id
    order = sorted(medians, key=lambda i: (-(better * medians[i]) if np.isfinite(medians[i]) else np.inf, i))
    return {i: k for k, i in enumerate(order, start=1)}


def _stats(effect: np.ndarray, better: float) -> dict[str, float]:
    ok = effect[np.isfinite(effect)]
    if not len(ok):
        return {"median": float("nan"), "p_improves": float("nan"), "p_worsens": float("nan")}
    return {"median": float(np.median(ok)), "p_improves": float(np.mean(better * ok > 0)),
            "p_worsens": float(np.mean(better * ok < 0))}  # fmt: skip


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def link_robustness(
    model: StockFlowModel,
    source: nx.DiGraph | Session,
    scenarios: Scenarios,
    *,
    ideas: Sequence[str] | None = None,
    runs: int = 200,
    seed: int = 0,
    method: str = "mc",
    horizon: float | None = None,
    structure: bool = False,
    engine: str = "auto",
    lang: str | None = None,
    integration: str = "euler",
    vary: Iterable[str] | None = None,
) -> Robustness:
    """Leave-one-link-out robustness of every idea's verdict and rank (see the module docstring).

    ``source`` (the CLD graph or the session) gives the ideas' labels and the links' evidence.
    ``structure``: also draw the other links' presence and sign (``False``: the map as drawn,
    magnitudes uncertain; ``?`` links then stay neutral); ``vary``, when given, names what is drawn
    instead (as :func:`gmb.rank_ideas`'s). Ranks are among ``ideas`` (default: all ideas with an
    intervention).

    Parameters
    ----------
    model : StockFlowModel
        The model.
    source : networkx.DiGraph or gmb.session.Session
        The map (labels, the links' evidence).
    scenarios : Scenarios
        The ideas' doses.
    ideas : sequence of str, optional
        The ideas ranked (default: all with an intervention).
    runs : int, optional
        Parameter draws per left-out link (default 200).
    seed : int, optional
        Seed of the draws (the same draws with and without each link).
    method : {"mc", "lhs"}, optional
        How the draws are made.
    horizon : float, optional
        When effects are read.
    structure : bool, optional
        Also draw the other links' presence and sign.
    engine : {"auto", "numba", "numpy"}, optional
        The ensemble engine.
    lang : str, optional
        Language of the labels.
    integration : {"euler", "rk4"}, optional
        The integration method.
    vary : iterable of str, optional
        What is drawn (as :func:`gmb.rank_ideas`'s), instead of ``structure``'s choice.

    Returns
    -------
    Robustness
        Typed and frozen (:class:`gmb.scenarios.results.Robustness`): ``meta``, ``unit``, ``horizon``, ``runs``,
        ``seed``, ``ideas``, one entry per idea in rank
        order with the keys :data:`IDEA_KEYS`; ``flips`` and ``rank_changes`` list the links (id, cause,
        effect, label, evidence, P(present), P(sign), and the idea's median, P(improves), verdict and
        rank without the link), ``depends_on`` the uncertain links among the flips, ``sentence`` says so.

    Examples
    --------
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> from gmb.scenarios.settings import default_scenarios
    >>> G = synthetic_cld(8, seed=2)
    >>> r = link_robustness(synthetic_model(8, seed=2), G, default_scenarios(G), runs=32, seed=1)
    >>> sorted(r.ideas[0]) == sorted(IDEA_KEYS), r.meta["links_checked"] > 0
    (True, True)
    """
    from gmb.scenarios.settings import ideas_of

    info = ideas_of(source)
    ideas = _checked_ideas(scenarios, ideas, runs)
    if vary is None:
        vary = VARY if structure else tuple(k for k in VARY if k != "structure")
    vary = tuple(vary)
    structure = "structure" in vary
    t = model.time
    h = horizon if horizon is not None else scenarios.horizon_for(t.unit, t.start, t.stop)
    study = Study.build(model, {i: scenarios.interventions([i]) for i in ideas}, seed=seed, horizon=h, method=method,
                        vary=vary, every=10**9, engine=engine, integration=integration)  # fmt: skip
    p = study.program
    better = 1.0 if scenarios.better == "up" else -1.0
    slot = list(study.save_slots).index(p.outcome_slot)
    P = draw(p, seed=study.seed, start=0, runs=runs, method=method, vary=vary)

    baseline = run_parameters(study, P, scenarios=[0])[0, slot, -1]

    def effects(Q: np.ndarray, which: Sequence[int]) -> dict[str, np.ndarray]:
        # removing a link leaves the baseline run as it is (every variable rests at 1, so every effect is
        # 1 whatever its elasticity): the baseline is run once
        out = run_parameters(study, Q, scenarios=list(which))
        return {study.scenarios[s]: out[k, slot, -1] - baseline for k, s in enumerate(which)}

    position = {name: s for s, name in enumerate(study.scenarios)}
    base = {i: _stats(e, better) for i, e in effects(P, [position[i] for i in ideas]).items()}
    base_rank = _ranks({i: base[i]["median"] for i in ideas}, better)
    reach = {i: relevant_links(model, [iv.variable for iv in scenarios.interventions([i])]) for i in ideas}
    links = _links(model, source)
    without: dict[str, dict[str, dict[str, float]]] = {}  # link -> idea -> stats
    checked = [lid for lid in links if any(lid in reach[i] for i in ideas)]
    for lid in checked:
        Q = P.copy()
        Q[p.param(next(e.elasticity for e in model.effects if e.link == lid))] = 0.0  # the model without the link
        hit = [i for i in ideas if lid in reach[i]]
        without[lid] = {i: _stats(e, better) for i, e in effects(Q, [position[i] for i in hit]).items()}
    rows = _idea_rows(ideas, base, base_rank, reach, without, links, better, info, lang)
    meta = {
        **study.assumptions(), "exploratory": True, "runs": runs, "structure_sampled": bool(structure),
        "better": scenarios.better,
        "rule": "each link that can carry the idea's push to the outcome is removed in turn (elasticity 0 in every "
                "draw, same draws); a link flips the verdict when without it the verdict (improves: P(improves) > 1/2, "
                "worsens: P(worsens) > 1/2, else unclear) changes; ranks by median effect among the ideas checked",
        "links_checked": len(checked),
        "simulations": int(runs * (1 + len(ideas) + sum(len(w) for w in without.values()))),
    }  # fmt: skip
    return Robustness(meta=meta, unit=p.unit, horizon=study.horizon, runs=runs, seed=study.seed, ideas=rows)


def _checked_ideas(scenarios: Scenarios, ideas: Sequence[str] | None, runs: int) -> list[str]:
    """The ideas to check (default: all with an intervention), each known, and a valid number of runs."""
    ideas = list(dict.fromkeys(ideas if ideas is not None else
                               [i for i, plan in scenarios.ideas.items() if plan.targets]))  # fmt: skip
    for i in ideas:
        if i not in scenarios.ideas:
            raise NotFoundError(f"unknown idea {i!r}", field="idea", hint=f"ideas: {', '.join(scenarios.ideas)}")
    if not ideas:
        raise InputError("no idea with an intervention to check", field="idea")
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise InputError(f"need at least one run, got {runs!r}", field="runs")
    return ideas


def _links(model: StockFlowModel, source: Any) -> dict[str, dict[str, Any]]:
    """Each link of the model as a flip entry: its ends, label, recorded evidence, P(present) and P(sign)."""
    labels = {el.variable: el.label or el.variable for el in model.variables}
    record = _link_info(source)
    links: dict[str, dict[str, Any]] = {}
    for e in model.effects:
        c = model.element(e.elasticity)
        links[e.link] = {
            "link": e.link, "cause": e.cause, "effect": e.target,
            "label": f"{labels.get(e.cause, e.cause)} → {labels.get(e.target, e.target)}",
            "evidence": (record.get(e.link) or {}).get("evidence") or "",
            "p_present": float(c.p_present), "p_sign": float(c.p_sign),
            "uncertain": c.p_present < 1 or c.p_sign < 1,
        }  # fmt: skip
    return links


def _idea_rows(ideas: Sequence[str], base: Mapping[str, dict[str, float]], base_rank: Mapping[str, int],
               reach: Mapping[str, Any], without: Mapping[str, dict[str, dict[str, float]]],
               links: Mapping[str, dict[str, Any]], better: float, info: Mapping[str, Any],
               lang: str | None) -> list[dict[str, Any]]:  # fmt: skip
    """One row per idea, in rank order: its verdict and rank, and the links that flip or move them."""
    rows = []
    for i in ideas:
        b = base[i]
        v = verdict_of(b["p_improves"], b["p_worsens"])
        flips, moves = [], []
        for lid in reach[i]:
            w = without[lid][i]
            medians = {j: (without[lid][j] if j in without[lid] else base[j])["median"] for j in ideas}
            rank = _ranks(medians, better)[i]
            entry = {**links[lid], **w, "verdict": verdict_of(w["p_improves"], w["p_worsens"]), "rank": rank}
            if entry["verdict"] != v:
                flips.append(entry)
            if rank != base_rank[i]:
                moves.append(entry)
        depends = [f for f in flips if f["uncertain"]]
        rows.append({
            "idea": i, "label": _label(info.get(i) or {}, i, lang), **b, "verdict": v, "rank": base_rank[i],
            "links_checked": len(reach[i]), "flips": flips, "rank_changes": moves,
            "depends_on": [f["link"] for f in depends], "sentence": _sentence(_label(info.get(i) or {}, i, lang),
                                                                              b, v, depends),
        })  # fmt: skip
    rows.sort(key=lambda r: r["rank"])
    return rows


def _sentence(label: str, base: Mapping[str, float], verdict: str, depends: list[dict]) -> str | None:
    """One sentence for an idea whose verdict rests on uncertain links (``None`` when none does)."""
    from gmb.scenarios.words import dependence_text

    p = base["p_improves"] if verdict == "improves" else base["p_worsens"]
    return dependence_text(label, verdict, p, depends, "en")


def add_robustness(out: dict[str, Any], model: Any, source: Any, scenarios: Any, ideas: Sequence[str], *,
                   runs: int = ROBUSTNESS_RUNS, seed: int = 0, method: str = "mc", horizon: float | None = None,
                   vary: Iterable[str] = VARY, engine: str = "auto", integration: str = "euler",
                   lang: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Add leave-one-link-out robustness to a ranking ``out`` (:func:`gmb.rank_ideas`'s result), in place.

    Each idea's row gets ``depends_on`` (the uncertain links whose removal flips its verdict),
    ``flips`` (every link whose removal flips it, with the idea's median, P(improves) and verdict
    without it), ``rank_changes`` (``[{"link", "label", "rank"}]``: links without which its rank by
    median differs) and ``robustness`` (``{"verdict", "p", "links_checked", "sentence"}``: the verdict
    over the robustness draws, the share of draws behind it, and the sentence when it rests on
    uncertain links). ``out["robustness"]`` holds the check's ``meta`` (runs, links checked, rule,
    simulations). Ideas without an intervention are left out of the check. Returns ``out``.

    Examples
    --------
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> from gmb.scenarios.answers import rank_ideas
    >>> from gmb.scenarios.settings import default_scenarios
    >>> G, m = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)
    >>> sc = default_scenarios(G)
    >>> r = add_robustness(dict(rank_ideas(m, G, sc, runs=32, seed=1)), m, G, sc, list(sc.ideas), runs=32, seed=1)
    >>> r["robustness"]["meta"]["runs"], all("depends_on" in row for row in r["ideas"] if row["idea"] in sc.ideas)
    (32, True)
    """
    checked = [i for i in ideas if scenarios.ideas[i].targets]
    if not checked:
        return out
    rb = link_robustness(model, source, scenarios, ideas=checked, runs=runs, seed=seed, method=method,
                         horizon=horizon, engine=engine, lang=lang, integration=integration, vary=vary)  # fmt: skip
    return merge_robustness(out, rb)


def merge_robustness(out: dict[str, Any], rb: Mapping[str, Any]) -> dict[str, Any]:
    """Put a :func:`link_robustness` result ``rb`` (e.g. ``robustness.json``) into a ranking ``out``, in place,
    in the shape :func:`add_robustness` gives (ideas ``rb`` did not check are left as they are). Returns ``out``.

    >>> rb = {"meta": {"runs": 8, "links_checked": 1}, "ideas": [{"idea": "a", "verdict": "improves",
    ...       "p_improves": 1.0, "p_worsens": 0.0, "links_checked": 1, "flips": [], "rank_changes": [],
    ...       "depends_on": [], "sentence": None}]}
    >>> merge_robustness({"ideas": [{"idea": "a"}, {"idea": "b"}]}, rb)["ideas"][0]["robustness"]["p"]
    1.0
    """
    by_idea = {row["idea"]: row for row in rb.get("ideas") or []}
    for row in out["ideas"]:
        x = by_idea.get(row["idea"])
        if x is None:
            continue
        row["depends_on"] = list(x["depends_on"])
        row["flips"] = list(x["flips"])
        row["rank_changes"] = [{"link": f["link"], "label": f["label"], "rank": f["rank"]} for f in x["rank_changes"]]
        p = x["p_worsens"] if x["verdict"] == "worsens" else x["p_improves"]
        row["robustness"] = {"verdict": x["verdict"], "p": p, "links_checked": x["links_checked"],
                             "sentence": x["sentence"]}  # fmt: skip
    m = rb.get("meta") or {}
    out["robustness"] = {
        "meta": {
            k: m[k]
            for k in ("runs", "links_checked", "simulations", "structure_sampled", "rule", "seed", "method")
            if k in m
        },
        "ideas_checked": list(by_idea),
        "depends_on_one_link": [i for i, x in by_idea.items() if len(x["depends_on"]) == 1],
    }
    return out
