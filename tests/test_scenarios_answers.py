"""Ranking, fan charts, Shapley attribution and Sobol sensitivity: checked by hand and against the reference."""

from itertools import permutations

import networkx as nx
import numpy as np
import pytest

from gmb.errors import InputError, NotFoundError, SimulationError
from gmb.scenarios.answers import _exact_shapley, attribute, combined_score, fan_charts, rank_ideas
from gmb.scenarios.doses import Target
from gmb.scenarios.settings import DoseDefaults, Scenarios, default_scenarios
from gmb.simulate.ensemble import Study
from gmb.simulate.interventions import with_interventions
from gmb.simulate.reference import simulate
from gmb.simulate.sampling import draw
from gmb.simulate.synthetic import synthetic_cld, synthetic_model
from gmb.stockflow.convert import to_stockflow


def _game_by_orders(v, n):
    """Shapley values as the average marginal contribution over all n! orders (the definition)."""
    phi = np.zeros(n)
    orders = list(permutations(range(n)))
    for order in orders:
        mask = 0
        for i in order:
            phi[i] += v[mask | 1 << i] - v[mask]
            mask |= 1 << i
    return phi / len(orders)


def test_exact_shapley_matches_the_definition():
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 5):
        v = rng.normal(size=1 << n)
        v[0] = 0.0
        got = _exact_shapley(v[:, None], n)[:, 0]
        assert np.allclose(got, _game_by_orders(v, n), atol=1e-12)
        assert got.sum() == pytest.approx(v[-1])


def _map_with_a_bystander():
    """a -> b -> outcome, c -> outcome; 'z' has no path to the outcome. Ideas: on a, on c, twice on b, on z."""
    G = nx.DiGraph(outcome="y")
    for n in ("a", "b", "c", "y", "z"):
        G.add_node(n, label=n.upper(), kind="stock" if n in ("b", "y") else "auxiliary")
    G.add_edge("a", "b", id="L1", sign=1, strength="medium", delay=False)
    G.add_edge("b", "y", id="L2", sign=1, strength="strong", delay=True)
    G.add_edge("c", "y", id="L3", sign=-1, strength="weak", delay=False)
    G.add_edge("y", "b", id="L4", sign=1, strength="weak", delay=False)
    ideas = {
        "on_a": [{"variable": "a", "direction": "+"}],
        "on_c": [{"variable": "c", "direction": "-"}],
        "b_one": [{"variable": "b", "direction": "+"}],
        "b_two": [{"variable": "b", "direction": "+"}],
        "bystander": [{"variable": "z", "direction": "+"}],
    }
    G.graph["ideas"] = {k: {"labels": {"en": k}, "targets": t, "votes": ["p"] * (i + 1), "feasibility": 5 - i}
                        for i, (k, t) in enumerate(ideas.items())}  # fmt: skip
    return G, to_stockflow(G)


@pytest.fixture(scope="module")
def bystander():
    return _map_with_a_bystander()


def test_shapley_efficiency_null_player_and_symmetry(bystander):
    G, m = bystander
    # b_one and b_two: the same target and fixed doses, so the same role in every draw
    sc = default_scenarios(G, DoseDefaults(dose=0.2, low=0.2, high=0.2))
    r = attribute(m, G, sc, list(sc.ideas), runs=300, seed=4)
    phi, full = r.shapley_draws, r.bundle_draws
    ideas = r["bundle"]
    assert r["meta"]["method_shapley"].startswith("exact over all 32")
    # efficiency: in every draw the shares add up to that draw's bundle effect
    assert np.max(np.abs(phi.sum(axis=0) - full)) < 1e-12
    assert r["meta"]["efficiency_max_error"] < 1e-12
    assert sum(row["share"] for row in r["ideas"]) == pytest.approx(1.0)
    # null player: no path from z to the outcome -> exactly zero, in every draw
    assert np.all(phi[ideas.index("bystander")] == 0.0)
    # symmetry: two ideas doing the same thing get the same share
    assert np.allclose(phi[ideas.index("b_one")], phi[ideas.index("b_two")], rtol=1e-12, atol=1e-15)
    # and the directions come through: raising a (via b) helps, lowering c (a negative link) helps too
    assert np.all(phi[ideas.index("on_a")] > 0) and np.all(phi[ideas.index("on_c")] > 0)


def test_bundle_effect_equals_a_separate_run_of_the_bundle(bystander):
    G, m = bystander
    sc = default_scenarios(G)
    ideas = ["on_a", "on_c", "b_one"]
    r = attribute(m, G, sc, ideas, runs=200, seed=9)
    f = fan_charts(m, sc, ideas=[], bundles={"three": ideas}, runs=200, seed=9)
    assert f["effects"]["three"]["median"] == pytest.approx(r["bundle_effect"]["median"], rel=1e-12)
    bundle, solo = r["bundle_effect"]["mean"], r["sum_of_solo_effects"]["mean"]
    assert r["interaction_effect"]["mean"] == pytest.approx(bundle - solo)


def test_sampled_permutations_approach_the_exact_values(bystander):
    G, m = bystander
    sc = default_scenarios(G)
    ideas = ["on_a", "on_c", "b_one", "b_two"]
    exact = attribute(m, G, sc, ideas, runs=100, seed=1)
    sampled = attribute(m, G, sc, ideas, runs=100, seed=1, exact_limit=2, permutations=200)
    assert sampled["meta"]["method_shapley"].startswith("sampled")
    assert np.max(np.abs(sampled.shapley_draws.sum(axis=0) - sampled.bundle_draws)) < 1e-12  # efficient per draw
    got = {row["idea"]: row["shapley"]["mean"] for row in sampled["ideas"]}
    for e in exact["ideas"]:
        assert got[e["idea"]] == pytest.approx(e["shapley"]["mean"], rel=0.05, abs=1e-4)


def test_fan_chart_percentiles_are_those_of_reference_runs_on_the_same_draws():
    m = synthetic_model(8, seed=6, delay_share=0.25)
    G = synthetic_cld(8, seed=6)
    sc = default_scenarios(G)
    idea = next(iter(sc.ideas))
    runs = 40
    f = fan_charts(m, sc, ideas=[idea], bundles={}, variables=["v3"], runs=runs, seed=2, horizon=24.0, every=6.0)
    chart = next(c for c in f["charts"] if c["scenario"] == idea and c["variable"] == m.outcome)
    # the same draws, run by the reference simulator
    study = Study.build(m, {idea: sc.interventions([idea])}, seed=2, horizon=24.0)
    P = draw(study.program, seed=2, runs=runs)
    p = study.program
    shaped = with_interventions(m, sc.interventions([idea]), [P[p.param(f"dose[{k}]")] for k in p.term_keys])
    ref = simulate(shaped, {n: P[i] for i, n in enumerate(p.param_names) if p.param_kind[i] != "dose"})
    rows = ref.at(chart["time"])
    expected = np.quantile(ref[m.outcome][rows], [0.05, 0.5, 0.95], axis=1)
    # by default the charts run on past the horizon (24) to twice it (48), within the model's time
    assert chart["time"] == [6.0 * k for k in range(int(min(48.0, m.time.stop - m.time.start) / 6) + 1)]
    assert f["horizon"] == 24.0
    assert np.allclose([chart["p5"], chart["p50"], chart["p95"]], expected, rtol=1e-11)
    assert f["meta"]["exploratory"] and f["meta"]["seed"] == 2 and f["meta"]["runs"] == runs


def test_ranking_orders_by_median_and_shows_feasibility_votes_and_score(bystander):
    G, m = bystander
    sc = default_scenarios(G)
    r = rank_ideas(m, G, sc, runs=200, seed=3)
    medians = [row["median"] for row in r["ideas"]]
    assert medians == sorted(medians, reverse=True)
    by_id = {row["idea"]: row for row in r["ideas"]}
    assert by_id["bystander"]["median"] == 0.0 and by_id["bystander"]["p_improves"] == 0.0
    assert by_id["on_a"]["p_improves"] == 1.0
    w = r["meta"]["weights"]
    best = max(abs(x) for x in medians)
    for row in r["ideas"]:
        info = G.graph["ideas"][row["idea"]]
        assert row["feasibility"] == info["feasibility"] and row["votes"] == len(info["votes"])
        by_hand = (w["effect"] * row["median"] / best + w["feasibility"] * row["feasibility"] / 5
                   + w["votes"] * row["votes"] / 5) / (w["effect"] + w["feasibility"] + w["votes"])  # fmt: skip
        assert row["score"] == pytest.approx(by_hand)
    combined = rank_ideas(m, G, sc, runs=200, seed=3, by="combined")
    scores = [row["score"] for row in combined["ideas"]]
    assert scores == sorted(scores, reverse=True)
    assert combined["ideas"][0]["rank_score"] == 1
    assert r["meta"]["doses"]["on_a"] and r["meta"]["label"].startswith("exploratory")


def test_combined_score_leaves_out_missing_criteria():
    w = {"effect": 0.5, "feasibility": 0.25, "votes": 0.25}
    assert combined_score(0.1, None, 0, max_effect=0.1, max_votes=0, weights=w) == pytest.approx(1.0)
    assert np.isnan(combined_score(None, None, None, max_effect=0, max_votes=0, weights=w))


def test_lower_is_better_outcomes_flip_the_probability(bystander):
    G, m = bystander
    up = default_scenarios(G)
    down = up.model_copy(update={"better": "down"})
    a = {row["idea"]: row for row in rank_ideas(m, G, up, ideas=["on_a"], runs=50, seed=1)["ideas"]}
    b = {row["idea"]: row for row in rank_ideas(m, G, down, ideas=["on_a"], runs=50, seed=1)["ideas"]}
    assert a["on_a"]["p_improves"] == 1.0 and b["on_a"]["p_improves"] == 0.0


def test_sobol_finds_the_links_on_the_path(bystander):
    from gmb.simulate.sensitivity import sobol

    G, m = bystander
    sc = default_scenarios(G, DoseDefaults(dose=0.2, low=0.2, high=0.2))
    study = Study.build(m, {"on_a": sc.interventions(["on_a"])}, seed=5, horizon=36.0, every=100.0,
                        vary=("elasticity",))  # fmt: skip
    s = sobol(study, "on_a", n=256)
    by_ref = {row["ref"]: row for row in s["parameters"]}
    # the effect of raising a runs through L1 and L2 (and the feedback L4); L3 (from c) plays no part
    assert {s["parameters"][0]["ref"], s["parameters"][1]["ref"]} == {"L1", "L2"}
    assert by_ref["L3"]["ST"] < 0.02 < by_ref["L1"]["ST"]
    assert "A -(+)-> B" in by_ref["L1"]["label"]
    with pytest.raises(InputError):
        sobol(study, "on_a", n=100)


def test_answers_refuse_bad_requests(bystander):
    G, m = bystander
    sc = default_scenarios(G)
    with pytest.raises(NotFoundError, match="unknown idea 'nope'"):
        rank_ideas(m, G, sc, ideas=["nope"], runs=10)
    with pytest.raises(NotFoundError, match="unknown idea"):
        attribute(m, G, sc, ["on_a", "nope"], runs=10)
    with pytest.raises(InputError, match="at least one run"):
        attribute(m, G, sc, ["on_a"], runs=0)
    with pytest.raises(InputError, match="at least one run"):
        rank_ideas(m, G, sc, runs=0)
    with pytest.raises(SimulationError, match="beyond"):
        rank_ideas(m, G, sc, runs=10, horizon=600)
    with pytest.raises(SimulationError, match="beyond"):
        rank_ideas(m, G, Scenarios(horizon=600, ideas=sc.ideas), runs=10)
    with pytest.raises(InputError):
        rank_ideas(m, G, sc, runs=10, by="votes")
    bad = sc.model_copy(update={"ideas": {**sc.ideas, "ghost": sc.ideas["on_a"].model_copy(
        update={"targets": (Target(variable="ghost_variable"),)})}})  # fmt: skip
    with pytest.raises(NotFoundError, match="ghost_variable"):
        rank_ideas(m, G, bad, ideas=["ghost"], runs=10)


def test_havndal_ranks_and_attributes_all_seven_ideas(havndal):
    from gmb.cld import to_graph

    G = to_graph(havndal)
    m = to_stockflow(G)
    sc = default_scenarios(G)
    r = rank_ideas(m, G, sc, runs=100, seed=0)
    assert {row["idea"] for row in r["ideas"]} == {i.id for i in havndal.ideas}
    assert all(0 <= row["p_improves"] <= 1 and row["p5"] <= row["median"] <= row["p95"] for row in r["ideas"])
    a = attribute(m, G, sc, [i.id for i in havndal.ideas], runs=100, seed=0)
    assert len(a["ideas"]) == len(havndal.ideas) and a["meta"]["method_shapley"].startswith("exact over all 128")
    assert sum(row["share"] for row in a["ideas"]) == pytest.approx(1.0)
