"""Structural uncertainty: links' P(present) and P(sign) from the record, sampling them, leave-one-link-out."""

from __future__ import annotations

import json
import pickle
from importlib import resources

import networkx as nx
import numpy as np
import pytest

from gmb.errors import ConversionError, ValidationError
from gmb.scenarios.robustness import link_robustness, relevant_links
from gmb.scenarios.settings import load_scenarios
from gmb.simulate.ensemble import Study, run_parameters, run_study
from gmb.simulate.interventions import Intervention
from gmb.simulate.program import compile_model
from gmb.simulate.sampling import VARY, draw
from gmb.stockflow.assumptions import Assumptions, parse_assumptions
from gmb.stockflow.convert import to_stockflow
from gmb.stockflow.structure import evidence_code, link_doubt

NO_STRUCTURE = tuple(k for k in VARY if k != "structure")


def cld(edges, outcome="b"):
    """A gmb-cld/1 graph from (cause, effect, polarity, strength, extra edge attributes) tuples."""
    G = nx.DiGraph(outcome=outcome, title="t")
    for i, (u, v, pol, strength, extra) in enumerate(edges, start=1):
        for n in (u, v):
            if n not in G:
                G.add_node(n, label=n.upper(), labels={"en": n.upper()}, kind="unknown")
        G.add_edge(u, v, id=extra.pop("id", f"L{i}"), polarity=pol, sign={"+": 1, "-": -1, "?": 0}[pol],
                   strength=strength, delay=False, **extra)  # fmt: skip
    return G


# a -> b (+, certain), c -> b ('?'), d -> c (+): pushing c or d reaches b only through the '?' link
UNSIGNED = [("a", "b", "+", "strong", {}), ("c", "b", "?", "strong", {}), ("d", "c", "+", "strong", {})]


# -- the rule ----------------------------------------------------------------------------------------
def test_presence_follows_the_evidence_rule_and_overrides_win():
    edges = [
        ("a", "b", "+", "strong", {"evidence": "S", "proposed_by": "p1", "supporters": ["p2", "p3", "p4"]}),
        ("c", "b", "+", "weak", {"evidence": "candidate (Inf)", "proposed_by": "p1", "supporters": ["p2"]}),
        ("d", "b", "+", "weak", {"evidence": "Inf", "proposed_by": "p1", "disputers": ["p2", "p3"]}),
        ("e", "b", "+", "medium", {"evidence": "I", "proposed_by": "p1"}),
        ("f", "b", "+", "medium", {}),  # an imported map: no record at all
    ]
    m = to_stockflow(cld(edges))
    p = {c.ref: c.p_present for c in m.constants if c.role == "elasticity"}
    # alpha = 1 + support + 2[S] + 1[I]; beta = disputers + 1[candidate or Inf]
    assert p == {"L1": 1.0, "L2": pytest.approx(3 / 4), "L3": pytest.approx(2 / 5), "L4": 1.0, "L5": 1.0}
    assert p["L1"] > p["L2"] > p["L3"]
    assert all(c.p_sign == 1.0 for c in m.constants if c.role == "elasticity")
    # the Laplace prior (beta starts at 1) doubts every link a little: an S link with 4 people behind it 7/8
    laplace = to_stockflow(cld(edges), Assumptions(presence={"beta": 1.0}))
    q = {c.ref: c.p_present for c in laplace.constants if c.role == "elasticity"}
    assert q["L1"] == pytest.approx(7 / 8) and q["L2"] == pytest.approx(3 / 5) and q["L5"] == pytest.approx(1 / 2)
    assert q["L4"] == pytest.approx(3 / 4) and q["L1"] > q["L4"] > q["L2"]
    # per-link overrides win
    over = to_stockflow(cld(edges), Assumptions(link_presence={"L1": 0.3, "L2": 1.0}, link_sign={"L5": 0.9}))
    r = {c.ref: (c.p_present, c.p_sign) for c in over.constants if c.role == "elasticity"}
    assert r["L1"] == (0.3, 1.0) and r["L2"] == (1.0, 1.0) and r["L5"] == (1.0, 0.9)
    assert any("L2" not in n and "L1" in n and "P(present) < 1" in n for n in over.notes)


def test_evidence_codes_and_bad_overrides():
    assert [evidence_code(t) for t in ("S (adults)", "I/Inf", "candidate (Inf)", "  inf", "", None, "12")] == [
        "S", "I", "candidate", "inf", "", "", ""]  # fmt: skip
    assert link_doubt({"evidence": "INF", "support": 1}, Assumptions()).present == pytest.approx(2 / 3)
    with pytest.raises(ValidationError, match="probability") as exc:
        parse_assumptions({"link_presence": {"L1": 1.5}}, file="a.json")
    assert "link_presence.L1" in str(exc.value) and "a.json" in str(exc.value)
    with pytest.raises(ConversionError) as exc:
        to_stockflow(cld(UNSIGNED), Assumptions(link_sign={"L9": 0.5}))
    assert exc.value.field == "link_sign.L9"
    with pytest.raises(ConversionError, match="polarities") as exc:  # a '?' link sure of its sign: say it there
        to_stockflow(cld(UNSIGNED), Assumptions(link_sign={"L2": 1.0}))
    assert exc.value.field == "link_sign.L2"
    k = to_stockflow(cld(UNSIGNED), Assumptions(link_sign={"L2": 0.8})).parameter("elasticity", "L2")
    assert (k.value, k.p_sign) == (0.0, 0.8)


# -- '?' links -------------------------------------------------------------------------------------
def test_an_unknown_polarity_link_is_sampled_both_ways():
    m = to_stockflow(cld(UNSIGNED))
    k = m.parameter("elasticity", "L2")
    assert (k.value, k.p_present, k.p_sign) == (0.0, 1.0, 0.5)
    study = Study.build(m, {"push c": [Intervention(variable="c", dose=0.2)],
                            "push d": [Intervention(variable="d", dose=0.2)]}, seed=4, horizon=24.0)  # fmt: skip
    P = draw(study.program, seed=4, runs=2000)
    row = P[study.program.param(k.name)]
    assert (row != 0).all() and 0.45 < np.mean(row > 0) < 0.55
    assert (np.abs(row) >= k.low).all() and (np.abs(row) <= k.high).all()
    r = run_study(study, 2000)
    c, d = r.effect("push c"), r.effect("push d")
    # both signs' effects appear in the outcome's spread, about half each
    assert 0.45 < np.mean(c > 0) < 0.55 and np.mean(c < 0) > 0.45 and c.max() > 0.01 and c.min() < -0.01
    # common random numbers: the link's sign is the same draw in every scenario, run by run
    assert (np.sign(c) == np.sign(d)).all()
    # without structure the '?' link stays neutral, as in the model files and nominal runs: no effect at all
    off = run_study(Study.build(m, {"push c": [Intervention(variable="c", dose=0.2)]}, seed=4, horizon=24.0,
                                vary=NO_STRUCTURE), 200)  # fmt: skip
    assert (off.effect("push c") == 0).all()


def test_exclude_keeps_the_old_behaviour_and_nominal_runs_are_neutral():
    from gmb.simulate.reference import simulate

    m = to_stockflow(cld(UNSIGNED))
    x = to_stockflow(cld(UNSIGNED), Assumptions(unknown_polarity="exclude"))
    assert "L2" not in {e.link for e in x.effects}
    # the nominal run (what the files and pysd hold) is the same as without the '?' link
    iv = [Intervention(variable="c", dose=0.2, shape="step")]
    from gmb.simulate.interventions import with_interventions

    a, b = simulate(with_interventions(m, iv)), simulate(with_interventions(x, iv))
    assert np.array_equal(a["b"], b["b"]) and np.array_equal(a["c"], b["c"])


@pytest.mark.parametrize("shape", ["power", "bounded"])
def test_engines_and_the_reference_agree_on_absent_and_flipped_links(shape):
    """Zero and negative elasticities (z = 0, -1) give the same runs in numpy, numba and the reference."""
    from gmb.simulate.interventions import with_interventions
    from gmb.simulate.reference import simulate

    edges = [
        ("a", "b", "+", "strong", {}),
        ("c", "b", "?", "medium", {}),
        ("d", "c", "+", "strong", {}),
        ("b", "a", "-", "weak", {"evidence": "candidate"}),
        ("a", "c", "+", "weak", {"evidence": "Inf"}),
    ]
    m = to_stockflow(cld(edges), Assumptions(effect_shape=shape))
    ivs = [Intervention(variable="d", dose=0.3, low=0.1, high=0.5), Intervention(variable="a", dose=0.2)]
    runs = 64
    out = {}
    for engine in ("numpy", "numba"):
        study = Study.build(m, {"push": ivs}, seed=5, horizon=24.0, engine=engine, variables=["c"], every=6.0)
        P = draw(study.program, seed=5, runs=runs)
        out[engine] = run_parameters(study, P)
    p = study.program
    signs = {ref: np.sign(P[p.param(f"elasticity_{ref.lower()}")]) for ref in ("L2", "L4", "L5")}
    assert (signs["L2"] < 0).any() and (signs["L2"] > 0).any() and (signs["L4"] == 0).any()
    assert (signs["L5"] == 0).any()
    assert np.allclose(out["numpy"], out["numba"], rtol=1e-12, atol=1e-14)
    shaped = with_interventions(m, ivs, [P[p.param(f"dose[{k}]")] for k in p.term_keys])
    ref = simulate(shaped, {n: P[i] for i, n in enumerate(p.param_names) if p.param_kind[i] != "dose"})
    rows = ref.at(study.times)
    assert study.variables == ("c", "b")
    assert np.allclose(out["numpy"][1, 0], ref["c"][rows], rtol=1e-12)
    assert np.allclose(out["numpy"][1, 1], ref[m.outcome][rows], rtol=1e-12)


# -- sampling --------------------------------------------------------------------------------------
def _certain_and_doubtful():
    edges = [
        ("a", "b", "+", "strong", {"evidence": "S", "supporters": ["p1"]}),
        ("c", "b", "+", "medium", {"evidence": "candidate", "supporters": ["p1"]}),
        ("d", "c", "-", "weak", {"evidence": "Inf", "supporters": ["p2"]}),
        ("b", "a", "-", "weak", {}),
    ]
    return cld(edges)


def test_structure_draws_are_keyed_by_link_and_shared_by_studies():
    G = _certain_and_doubtful()
    p = compile_model(to_stockflow(G))
    P = draw(p, seed=9, runs=3000, vary=("structure",))  # magnitudes at nominal: P = nominal * z
    z = {p.param_ref[i]: P[i] / p.param_nominal[i] for i, k in enumerate(p.param_kind) if k == "elasticity"}
    assert set(np.unique(z["L2"])) == {0.0, 1.0} and abs(np.mean(z["L2"]) - 2 / 3) < 0.03
    assert (z["L1"] == 1).all() and (z["L4"] == 1).all() and abs(np.mean(z["L3"]) - 2 / 3) < 0.03
    # adding links (one of them uncertain) leaves the other links' draws unchanged
    H = G.copy()
    H.add_node("e", label="E", labels={"en": "E"}, kind="unknown")
    H.add_edge("e", "b", id="L9", polarity="+", sign=1, strength="weak", delay=False, evidence="candidate")
    H.add_edge("e", "c", id="L0", polarity="?", sign=0, strength="weak", delay=False)
    q = compile_model(to_stockflow(H))
    Q = draw(q, seed=9, runs=3000, vary=("structure",))
    for lid in ("L1", "L2", "L3", "L4"):
        i, j = p.param_ref.index(lid), q.param_ref.index(lid)
        assert np.array_equal(P[i] / p.param_nominal[i], Q[j] / q.param_nominal[j])
    # structure on or off: the same magnitude draws for every link; only the doubtful links' factors differ
    on, off = draw(p, seed=9, runs=500), draw(p, seed=9, runs=500, vary=NO_STRUCTURE)
    i1, i2 = p.param_ref.index("L1"), p.param_ref.index("L2")
    assert np.array_equal(on[i1], off[i1]) and np.array_equal(on[i2][on[i2] != 0], off[i2][on[i2] != 0])
    assert (off[i2] > 0).all() and (on[i2] == 0).any()


def test_presence_zero_is_exactly_the_model_without_the_link():
    G = _certain_and_doubtful()
    with_link = to_stockflow(G, Assumptions(link_presence={"L2": 0.0}, stability="report"))
    H = G.copy()
    H.remove_edge("c", "b")
    without = to_stockflow(H, Assumptions(stability="report"))
    ivs = {"push c": [Intervention(variable="c", dose=0.3)], "push a": [Intervention(variable="a", dose=0.2)],
           "push d": [Intervention(variable="d", dose=0.3)]}  # fmt: skip
    for engine in ("numpy", "numba"):
        s1 = Study.build(with_link, ivs, seed=3, horizon=36.0, engine=engine)
        s2 = Study.build(without, ivs, seed=3, horizon=36.0, engine=engine)
        P1 = draw(s1.program, seed=3, runs=300)
        assert (P1[s1.program.param("elasticity_l2")] == 0).all()
        # the same values by name for the model without the link
        P2 = np.array([P1[s1.program.param(n)] for n in s2.program.param_names])
        a, b = run_parameters(s1, P1), run_parameters(s2, P2)
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14)
        assert np.abs(a[1] - a[0]).max() == 0  # push c reaches b only through the absent link
        assert np.abs(a[2] - a[0]).max() > 1e-3


def test_studies_with_structure_pickle_and_report_it():
    m = to_stockflow(_certain_and_doubtful())
    study = Study.build(m, {"push c": [Intervention(variable="c", dose=0.2)]}, seed=1, horizon=12.0)
    back = pickle.loads(pickle.dumps(study))
    assert np.array_equal(back.program.param_present, study.program.param_present)
    assert np.array_equal(back.program.param_sign, study.program.param_sign)
    info = study.assumptions()["structure"]
    assert info["varied"] and set(info["links"]) == {"L2", "L3"}
    assert info["links"]["L2"]["p_present"] == pytest.approx(2 / 3)
    r = run_study(study, 300)
    assert np.isfinite(r.radius).all() and np.isfinite(r.horizon).all()


# -- leave-one-link-out ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def havndal_parts():
    from gmb.cld import to_graph
    from gmb.examples import load_example

    G = to_graph(load_example("havndal"))
    path = resources.files("gmb.examples") / "havndal" / "scenarios.json"
    with resources.as_file(path) as p:
        sc = load_scenarios(p)
    return to_stockflow(G, name="havndal"), G, sc


def test_leave_one_link_out_finds_the_candidate_link_behind_playgrounds(havndal_parts):
    m, G, sc = havndal_parts
    assert "C7" in relevant_links(m, ["playgrounds"]) and "L37" in relevant_links(m, ["playgrounds"])
    assert "L37" not in relevant_links(m, ["green_areas"])
    r = link_robustness(m, G, sc, ideas=["playgrounds", "soestien", "faellesspisning"], runs=64, seed=2)
    rows = {row["idea"]: row for row in r["ideas"]}
    for idea in ("playgrounds", "soestien"):
        row = rows[idea]
        assert row["verdict"] == "improves" and row["p_improves"] == 1.0
        flips = {f["link"]: f for f in row["flips"]}
        # without the candidate link physical activity -> wellbeing, the idea turns (slightly) negative
        assert flips["C7"]["verdict"] == "worsens" and flips["C7"]["median"] < 0
        assert flips["C7"]["evidence"] == "candidate (Inf)" and flips["C7"]["p_present"] < 1
        assert row["depends_on"] == ["C7"]
        assert "only through C7" in row["sentence"] and "candidate (Inf)" in row["sentence"]
    # the idea's own certain first link also flips it (to no effect), but is not an uncertain dependency
    assert {f["link"] for f in rows["playgrounds"]["flips"]} == {"C7", "L37"}
    assert rows["faellesspisning"]["flips"] == [] and rows["faellesspisning"]["sentence"] is None
    assert rows["faellesspisning"]["rank"] == 1


def test_robustness_cli_prints_and_saves(cli, tmp_path):
    import shutil

    from gmb.examples import example_dir

    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    code, out, err = cli("robustness", "havndal", "--idea", "playgrounds", "--runs", "16", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["ideas"][0]["depends_on"] == ["C7"] and (tmp_path / "models/havndal/robustness.json").is_file()
    code, out, err = cli("robustness", "havndal", "--idea", "soestien", "--runs", "16")
    assert code == 0, err
    text = " ".join(out.split())
    assert "only through C7" in text and "without L38" in text
    code, out, err = cli("robustness", "havndal", "--idea", "nope", "--runs", "16")
    assert code == 2 and "nope" in err


def test_rank_samples_structure_by_default_and_not_with_no_structure(cli, tmp_path):
    import shutil

    from gmb.examples import example_dir

    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    p = {}
    for flag in ("--structure", "--no-structure"):
        code, out, err = cli("rank", "havndal", "--runs", "200", flag, "--json")
        assert code == 0, err
        r = json.loads(out)
        p[flag] = {row["idea"]: row["p_improves"] for row in r["ideas"]}
        assert r["meta"]["structure"]["varied"] == (flag == "--structure") and "C7" in r["meta"]["structure"]["links"]
    assert p["--no-structure"]["playgrounds"] == 1.0 and 0.6 < p["--structure"]["playgrounds"] < 0.9
    assert p["--structure"]["faellesspisning"] == p["--no-structure"]["faellesspisning"] == 1.0
