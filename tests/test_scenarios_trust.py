"""Answers a council can trust: broken runs never hidden, rankings with their uncertainty, settling,
attribution by ratio of means, the Sobol S1 > ST check — against hand calculations and closed forms."""

import json
import shutil

import networkx as nx
import numpy as np
import pytest

from gmb.cld.graph import to_graph
from gmb.examples import example_dir
from gmb.scenarios.answers import attribute, fan_charts, rank_ideas
from gmb.scenarios.ranking import rank_probabilities
from gmb.scenarios.settings import load_scenarios
from gmb.scenarios.settling import settled_shares
from gmb.scenarios.variants import (
    DOSE_RULES,
    assumption_variants,
    conclusions,
    equal_total_per_idea,
    response_shapes,
)
from gmb.simulate.interventions import Intervention, with_interventions
from gmb.simulate.quality import TooManyBrokenRuns
from gmb.stockflow.assumptions import Assumptions, Range
from gmb.stockflow.convert import to_stockflow


@pytest.fixture(scope="module")
def hv():
    from gmb.examples import load_example

    G = to_graph(load_example("havndal"))
    a = Assumptions()
    return G, a, to_stockflow(G, a), load_scenarios(example_dir("havndal") / "scenarios.json")


def _runaway_assumptions() -> Assumptions:
    """Havndal's strengths made large and left unscaled: the power shape overflows in many draws."""
    big = Range(low=0.9, high=1.6, nominal=1.2)
    return Assumptions(stability="report", effect_shape="power",
                       strengths={"weak": big, "medium": big, "strong": big, "unknown": big})  # fmt: skip


# -- rank probabilities ------------------------------------------------------------------------------------
def test_rank_probabilities_sum_to_one_and_pairs_add_up(hv):
    G, _, m, sc = hv
    r = rank_ideas(m, G, sc, runs=300, seed=1, settle=False)
    ideas = [row["idea"] for row in r["ideas"]]
    P = np.array([row["p_rank"] for row in r["ideas"]])
    assert P.shape == (7, 7)
    assert np.allclose(P.sum(axis=1), 1.0) and np.allclose(P.sum(axis=0), 1.0)  # per idea and per rank
    ru = r["rank_uncertainty"]
    for a_ in ideas:
        for b in ideas:
            if a_ != b:
                total = ru["p_beats"][a_][b] + ru["p_beats"][b][a_] + ru["p_equal"][a_][b]
                assert total == pytest.approx(1.0, abs=1e-12)
    for row in r["ideas"]:
        lo, hi = row["rank_interval"]
        assert 1 <= lo <= hi <= 7 and sum(row["p_rank"][lo - 1 : hi]) >= 0.9  # a 90 % interval


def test_rank_statistics_by_hand():
    # three draws, two ideas: a wins twice, equal once (broken at random for the ranks)
    E = np.array([[3.0, 2.0, 1.0], [1.0, 1.0, 1.0]])
    r = rank_probabilities(E, ["a", "b"])
    assert r["p_beats"]["a"]["b"] == pytest.approx(2 / 3) and r["p_beats"]["b"]["a"] == 0.0
    assert r["p_equal"]["a"]["b"] == pytest.approx(1 / 3)
    assert sum(r["p_rank"]["a"]) == pytest.approx(1.0)
    # an outcome that should go down: the smaller effect wins
    down = rank_probabilities(E, ["a", "b"], better=-1.0)
    assert down["p_beats"]["b"]["a"] == pytest.approx(2 / 3)
    # a draw with a non-finite effect is left out and counted
    E2 = np.array([[1.0, np.inf, 2.0], [0.0, 0.0, 0.0]])
    assert rank_probabilities(E2, ["a", "b"])["draws_left_out"] == 1


def test_ideas_with_identical_targets_are_a_tie_not_ranks_3_and_4(hv):
    from gmb.scenarios.settings import default_scenarios

    G, _, m, _ = hv
    # craft café and board games have identical targets: with the same (default) dose, drawn for each idea
    # separately, their order is noise and must come out as a tie, not as ranks 3 and 4
    sc = default_scenarios(G)
    r = rank_ideas(m, G, sc, runs=400, seed=0, settle=False)
    ru = r["rank_uncertainty"]
    pair = {"krea_cafe", "games_generations"}
    assert any({x, y} == pair for x, y, _ in ru["ties"])
    assert 0.35 <= ru["p_beats"]["krea_cafe"]["games_generations"] <= 0.65
    assert any(pair <= set(tier) for tier in ru["tiers"])  # one tier: "not distinguishable"
    rows = {row["idea"]: row for row in r["ideas"]}
    assert "games_generations" in rows["krea_cafe"]["ties_with"]
    assert rows["krea_cafe"]["rank_interval"] == rows["games_generations"]["rank_interval"]
    # a clear first place is alone in the first tier and first in most draws
    if len(ru["tiers"][0]) == 1:
        assert rows[ru["tiers"][0][0]]["p_rank"][0] > 0.5


# -- assumption variants -----------------------------------------------------------------------------------
def test_variants_read_the_shapes_and_dose_rules_they_try():
    shapes = response_shapes()
    assert "power" in shapes and "bounded" in shapes
    v = assumption_variants(horizon=36.0, unit="month", shape="power")
    names = [x["name"] for x in v]
    assert "horizon 5 years" in names and "horizon 10 years" in names and "horizon 3 years" not in names
    assert {x["shape"] for x in v if x["kind"] == "shape"} == set(shapes) - {"power"}
    assert [x["dose_rule"] for x in v if x["kind"] == "dose_rule"] == [r for r in DOSE_RULES if r != "as set"]
    assert [x["horizon"] for x in v if x["kind"] == "horizon"] == [60.0, 120.0]


def test_the_other_dose_rule_changes_each_ideas_total_push(hv):
    from gmb.scenarios.variants import full_dose_on_every_target

    _, _, _, sc = hv
    # per-target doses (scenarios.json schema 1): equal total per idea divides each by the idea's targets;
    # one dose per idea split over targets (schema 2): the per-target rule gives every target the whole dose
    eq, full = equal_total_per_idea(sc), full_dose_on_every_target(sc)
    assert (eq is None) != (full is None)  # exactly one of them applies to a given schema
    other = eq if eq is not None else full
    for idea in sc.ideas:
        before, after = sc.interventions([idea]), other.interventions([idea])
        k = len(before)
        assert len(after) == k
        for b, a_ in zip(before, after):
            if eq is not None:
                assert a_.dose == pytest.approx(b.dose / k) and a_.high == pytest.approx(b.high / k)
            else:
                assert a_.dose >= b.dose and (k == 1 or a_.dose > b.dose)


def test_conclusions_say_what_holds_and_what_flips():
    def variant(name, order_ab, p_ab, p_up):
        return {"name": name, "order": order_ab, "tiers": [[order_ab[0]], [order_ab[1]], ["c"]],
                "p_beats": {"a": {"b": p_ab, "c": 1.0}, "b": {"a": 1 - p_ab, "c": 1.0}, "c": {"a": 0.0, "b": 0.0}},
                "p_improves": {"a": 1.0, "b": 1.0, "c": p_up}}  # fmt: skip

    main = variant("as set", ["a", "b"], 0.9, 0.99)
    main["order"] = ["a", "b", "c"]
    other = variant("horizon 10 years", ["b", "a"], 0.1, 0.5)
    other["order"] = ["b", "a", "c"]
    said = conclusions(main, [other])
    kinds = {f["kind"] for f in said["facts"]}
    assert "no_first" in kinds and "flip" in kinds and "direction_depends" in kinds
    assert any("a vs b: a ahead with as set; b ahead with horizon 10 years." == s for s in said["flips"])
    assert said["pairs_kept"] == 2 and said["pairs"] == 3


def test_rank_with_variants_on_havndal_says_which_conclusions_hold(hv):
    G, a, m, sc = hv
    r = rank_ideas(m, G, sc, runs=300, seed=0, settle=False, variants=True, variant_runs=150, assumptions=a)
    v = r["variants"]
    names = [x["name"] for x in v["list"]]
    shapes = [f"response shape {s}" for s in response_shapes() if s != a.effect_shape]  # every other shape
    assert names[: 2 + len(shapes)] == ["horizon 5 years", "horizon 10 years", *shapes]
    assert len(names) == 3 + len(shapes)
    assert names[-1] in ("dose rule: equal total per idea", "dose rule: full dose on every target")
    assert all(x["runs"] == 150 for x in v["list"]) and v["runs_each"] == 150
    # "X is first in every variant" exactly when the same idea has the best mean rank in each of them
    mean_rank = r["rank_uncertainty"]["mean_rank"]
    order0 = min(mean_rank, key=lambda i: (mean_rank[i], i))
    firsts = {order0} | {x["order"][0] for x in v["list"]}
    first = [f for f in v["facts"] if f["kind"] == "first"]
    assert bool(first) == (len(firsts) == 1)
    if first:
        label = next(row["label"] for row in r["ideas"] if row["idea"] == first[0]["idea"])
        assert first[0]["idea"] == order0 and any(
            s.startswith(f"{label} is first in every variant") for s in v["holds"]
        )
    else:
        assert any(f["kind"] == "no_first" for f in v["facts"])
    assert v["list"][1]["horizon"] == 120.0  # beyond the model's 60 months: its time was extended
    # the as-set column is the ranking itself
    assert v["as_set"]["shape"] == a.effect_shape and v["as_set"]["dose_rule"] == r["meta"].get(
        "dose_rule", "per target"
    )


# -- settling ----------------------------------------------------------------------------------------------
def _first_order(tau: float):
    """a -> y with y a stock of adjustment time tau; one idea pushes a by a step."""
    G = nx.DiGraph(outcome="y")
    G.add_node("a", label="A", kind="auxiliary")
    G.add_node("y", label="Y", kind="stock")
    G.add_edge("a", "y", id="L1", sign=1, strength="medium", delay=False)
    G.graph["ideas"] = {"push": {"labels": {"en": "push"}, "targets": [{"variable": "a", "direction": "+"}]}}
    fixed = Range(low=tau, high=tau, nominal=tau)
    return to_stockflow(G, Assumptions(adjustment_time=fixed))


def test_settled_share_matches_the_first_order_closed_form_and_a_long_reference_run():
    from gmb.simulate.reference import simulate

    tau, T = 6.0, 6.0
    m = _first_order(tau)
    iv = Intervention(variable="a", dose=0.3, shape="step")
    s = settled_shares(m, {"push": [iv]}, horizon=T, seed=0, draws=4, vary=())
    share = s["scenarios"]["push"]["share"]
    dt, L = m.time.dt, s["long_run_time"]
    q = 1 - dt / tau  # the Euler solution of dy/dt = (y* - y)/tau: y(n dt) - 1 = (y* - 1)(1 - q^n)
    assert share == pytest.approx((1 - q ** round(T / dt)) / (1 - q ** round(L / dt)), abs=1e-12)
    assert share == pytest.approx(1 - np.exp(-T / tau), abs=0.01)  # the continuous closed form, within Euler's error
    # an independent long run: the reference simulator on the model with its time extended
    from gmb.scenarios.settling import extended_model

    long = extended_model(m, L)
    p = long.parameter("elasticity", "L1")
    run = simulate(with_interventions(long, [iv], [0.3]))
    y = run[long.outcome]
    k_T, k_L = run.at([T, L])
    assert share == pytest.approx((y[k_T] - 1) / (y[k_L] - 1), abs=1e-9)
    assert p.value > 0 and s["scenarios"]["push"]["warning"] is None


def test_a_short_horizon_warns_that_the_outcome_has_not_settled():
    m = _first_order(12.0)
    s = settled_shares(m, {"push": [Intervention(variable="a", dose=0.3, shape="step")]}, horizon=3.0, draws=4,
                       vary=())  # fmt: skip
    assert s["scenarios"]["push"]["share"] < 0.5 and "long-run effect" in s["scenarios"]["push"]["warning"]


def test_fan_charts_run_past_the_horizon_without_changing_the_effects(hv):
    _, _, m, sc = hv
    short = fan_charts(m, sc, ideas=["bike_paths"], bundles={}, runs=64, seed=2, until=36.0, settle=False)
    long = fan_charts(m, sc, ideas=["bike_paths"], bundles={}, runs=64, seed=2, until=90.0)
    assert short["charts"][0]["time"][-1] == 36.0 and long["charts"][0]["time"][-1] == 90.0  # model time extended
    assert long["effects"] == short["effects"] and long["horizon"] == 36.0
    assert 0 < long["settled"]["scenarios"]["bike_paths"]["share"] < 1.5


# -- broken runs -------------------------------------------------------------------------------------------
def test_a_study_with_too_many_broken_runs_refuses_to_summarise(hv):
    G, _, _, sc = hv
    m = to_stockflow(G, _runaway_assumptions())
    with pytest.raises(TooManyBrokenRuns) as exc:
        rank_ideas(m, G, sc, runs=200, seed=0, settle=False)
    refusal = exc.value.refusal
    assert refusal["refused"] and refusal["broken_runs"] > 2 and refusal["runs"] == 200
    assert "more runs do not help" in refusal["what_to_change"] and "meta" in refusal
    with pytest.raises(TooManyBrokenRuns):
        attribute(m, G, sc, ["faellesspisning", "bike_paths"], runs=200, seed=0, settle=False)
    # allowed explicitly: the numbers come with the count
    r = rank_ideas(m, G, sc, runs=200, seed=0, settle=False, max_broken=1.0)
    q = r["meta"]["runs_quality"]
    assert q["broken_runs"] == refusal["broken_runs"] and f"{q['broken_runs']} of 200 runs broken" in q["text"]


def test_the_cli_refuses_in_one_line_or_with_a_json_refusal_block(cli, tmp_path):
    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    path = tmp_path / "big.json"
    path.write_text(_runaway_assumptions().to_json(), encoding="utf-8")
    code, out, err = cli("rank", "havndal", "--runs", "200", "--assumptions", str(path), "--no-variants")
    assert code != 0 and "refusing to print the ranking" in err and "runs broke down" in err
    assert "\n" not in err.strip()
    code, out, err = cli("rank", "havndal", "--runs", "200", "--assumptions", str(path), "--json")
    assert code != 0
    block = json.loads(out)
    assert block["refused"] is True and block["broken_runs"] > 2 and "ideas" not in block
    code, out, err = cli("attribute", "havndal", "--runs", "100", "--assumptions", str(path), "--bundle",
                         "faellesspisning,bike_paths")  # fmt: skip
    assert code != 0 and "refusing to print the attribution" in err
    code, out, err = cli("sensitivity", "havndal", "--samples", "16", "--assumptions", str(path), "--scenario",
                         "faellesspisning", "--json")  # fmt: skip
    assert code != 0 and json.loads(out)["refused"] is True
    # the count is printed when the ranking is allowed
    code, out, err = cli("rank", "havndal", "--runs", "100", "--no-variants")
    assert code == 0 and "0 of 100 runs broken" in " ".join(out.split())


# -- attribution -------------------------------------------------------------------------------------------
def test_shapley_of_expected_effects_adds_up_to_the_expected_bundle_effect(hv):
    G, _, m, sc = hv
    ideas = ["faellesspisning", "bike_paths", "lan_party"]
    r = attribute(m, G, sc, ideas, runs=200, seed=4, settle=False)
    total = float(np.mean(r.bundle_draws))
    assert r["total"] == pytest.approx(total, abs=1e-15)
    assert abs(sum(r["shares"].values()) - total) <= 1e-12
    by = {row["idea"]: row for row in r["ideas"]}
    phi = r.shapley_draws
    for j, i in enumerate(ideas):
        assert by[i]["expected"] == pytest.approx(phi[j].mean(), abs=1e-15)
        assert by[i]["share"] == pytest.approx(phi[j].mean() / total, rel=1e-12)  # ratio of means
    assert sum(row["share"] for row in r["ideas"]) == pytest.approx(1.0, abs=1e-12)
    parts = r["interaction_parts"]
    # the log-unit interaction is much smaller than the index one: most of it is the multiplicative form
    assert abs(parts["log_units"]["mean"]) < abs(parts["index"]["mean"])
    assert parts["multiplicative_form"]["mean"] > 0 and "multiplicative form" in parts["text"]


# -- Sobol -------------------------------------------------------------------------------------------------
def test_sobol_convergence_fails_when_s1_exceeds_st_beyond_the_intervals():
    from gmb.simulate.ensemble import Study
    from gmb.simulate.sensitivity import convergence, sobol
    from gmb.simulate.synthetic import chain_model

    ok, why = convergence([{"parameter": "p", "S1": 0.40, "S1_conf": 0.05, "ST": 0.42, "ST_conf": 0.05}])
    assert ok and why == []
    ok, why = convergence([{"parameter": "p", "S1": 0.60, "S1_conf": 0.05, "ST": 0.42, "ST_conf": 0.05}])
    assert not ok and "S1" in why[0]
    study = Study.build(chain_model(3), {"push": [Intervention(variable="v2", dose=0.2)]}, seed=3, horizon=24.0)
    few = sobol(study, "push", n=2, seed=0)
    rows = few["parameters"]
    assert any(r["S1"] - r["ST"] > r["S1_conf"] + r["ST_conf"] for r in rows)  # too few samples: S1 > ST
    assert not few["meta"]["converged"] and any("S1" in w for w in few["meta"]["not_converged_because"])
    many = sobol(study, "push", n=256, seed=1)
    assert many["meta"]["converged"]
    assert all(r["S1"] - r["ST"] <= r["S1_conf"] + r["ST_conf"] for r in many["parameters"])


# -- the report and CLI in words ---------------------------------------------------------------------------
def test_the_report_says_the_answers_in_words_before_the_figures(hv):
    from gmb.examples import load_example
    from gmb.views.report import report_html
    from gmb.views.report_scenarios import scenario_text
    from gmb.workflow.ensembles import public as _public

    G, a, m, sc = hv
    r = rank_ideas(m, G, sc, runs=100, seed=0, variants=True, variant_runs=40, assumptions=a)
    att = attribute(m, G, sc, ["faellesspisning", "bike_paths"], runs=100, seed=0)
    results = {"ranking": json.loads(json.dumps(_public(r))), "attribution": json.loads(json.dumps(_public(att)))}
    verdicts = {i: "mixed" for i in sc.ideas}
    for lang, words in (("en", ["Dose rule: ", "An effect of +", "above today's level", "of the long-run effect",
                                "What holds:", f"Response shape: {a.effect_shape}", "0 of 100 runs broke down",
                                "not distinguishable", "multiplicative form", "P(improves) = 100 %"]),
                        ("da", ["Doseringsregel: ", "En virkning på +", "over dagens niveau", "langsigtede virkning",
                                "Det holder:", f"Responsform: {a.effect_shape}", "0 af 100 kørsler brød sammen",
                                "kan ikke skelnes", "multiplikative form", "P(forbedring) = 100 %"])):  # fmt: skip
        text = " ".join(p for ps in scenario_text(results, lang, verdicts).values() for p in ps)
        for w in words:
            assert w in text, (lang, w)
    page = report_html(load_example("havndal"), lang="da", results=results, map_page="<p>map</p>")
    section = page[page.index('id="scenarios"') :]
    assert "Doseringsregel: " in section and "kan ikke skelnes" in section
    assert section.index('class="answer"') < section.index("<img")  # said before the figures


def test_a_variant_with_too_many_broken_runs_is_left_out_of_the_conclusions(hv):
    from gmb.scenarios.words import explain_ranking

    G, _, _, sc = hv
    a = _runaway_assumptions().edit(effect_shape="bounded")  # bounded saturates; the power variant overflows
    m = to_stockflow(G, a)
    r = rank_ideas(m, G, sc, runs=100, seed=0, settle=False, variants=True, variant_runs=60, assumptions=a)
    assert r["meta"]["runs_quality"]["broken_runs"] == 0
    power = next(v for v in r["variants"]["list"] if v["name"] == "response shape power")
    assert power["refused"] and power["broken_runs"] > 0.01 * power["runs"]
    assert not any("power" in s for s in r["variants"]["holds"] + r["variants"]["flips"])
    assert any(n.startswith("response shape power:") for n in r["variants"]["notes"])
    text = " ".join(explain_ranking(r, "en"))
    assert "Left out of the conclusions because too many runs broke down: response shape power" in text


def test_the_long_run_agrees_with_the_log_linear_closed_form_on_havndal(hv):
    from gmb.scenarios.answers import _scenario_map

    G, _, _, sc = hv
    # the power shape, scaled to radius 0.9: in log space the model is linear, y∞ = (I − W)⁻¹u
    m = to_stockflow(G, Assumptions(effect_shape="power", stability="scale"))
    runs_map = _scenario_map(sc, ["faellesspisning", "bike_paths"], {"both": ["faellesspisning", "bike_paths"]})
    s = settled_shares(m, runs_map, horizon=36.0, draws=10)
    for name, v in s["scenarios"].items():
        assert v["nominal_closed_form"] is not None
        assert v["nominal_long_run"] == pytest.approx(v["nominal_closed_form"], rel=1e-4), name
    # fællesspisning has reached only part of its long-run effect at 36 months (the review: 10–29 %)
    assert s["scenarios"]["faellesspisning"]["share"] < 0.5 and s["scenarios"]["faellesspisning"]["warning"]


def test_an_older_ranking_file_gives_fewer_sentences_not_an_error():
    from gmb.views.report_scenarios import scenario_text

    old = {"ranking": {"horizon": 3, "runs": 10, "seed": 0, "ideas": [{"idea": "x", "median": 0.1, "low": 0.0,
                                                                        "high": 0.2, "p_improve": 0.9}]},
           "attribution": {"bundle": ["x"], "shares": {"x": 0.1}, "interaction": 0.0, "total": 0.1}}  # fmt: skip
    text = scenario_text(old, "en")
    meaning = (
        "An effect of +0.10 means: 10 % above today's level of the outcome in the model's terms (index 1 = "
        "today), against the baseline run with the same draws; exploratory, not a prediction."
    )
    assert text["ranking"] == [meaning]
    assert "attribution" not in text
