"""The saturating response (the default effect shape) and broken runs, the same in every engine.

* a multiplier ``1 + dose·g <= 0`` has no logarithm: every engine marks the run broken (the numba
  engine used to take ``log |m|`` and report it), and the statistics of the other runs agree;
* the saturating shape is symmetric in log space, keeps every index within ``[e^-B, e^B]``, and
  keeps the group's strength classes meaningful: all-weak < all-medium < all-strong, clearly;
* the Euler step check uses the sampled low end of every time constant.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from gmb.errors import ConversionError, SimulationError, ValidationError
from gmb.simulate.engine_numba import available
from gmb.simulate.ensemble import Study, run_study
from gmb.simulate.interventions import Intervention, with_interventions
from gmb.simulate.reference import simulate
from gmb.stockflow.assumptions import DEFAULT_STRENGTHS, Assumptions
from gmb.stockflow.convert import to_stockflow

B = math.log(3)
needs_numba = pytest.mark.skipif(not available(), reason="numba is not installed")


def _havndal(session, **changes):
    from gmb.cld import to_graph

    return to_stockflow(to_graph(session), Assumptions().edit(**changes))


# -- broken runs: the same in every engine ------------------------------------------------------------


@needs_numba
@pytest.mark.parametrize("shape", ["saturating", "power"])
def test_a_non_positive_multiplier_breaks_the_same_runs_in_numpy_and_numba(havndal, shape):
    m = _havndal(havndal, effect_shape=shape)
    # gmb refuses a '-' dose >= 1 when it builds a study (tests/test_scenarios_doses.py); the engines must
    # still agree on a multiplier <= 0 that reaches them some other way (explicit parameter matrices):
    # build with a valid range, then stretch the cut's dose row to 0.3–1.3, so 1 - dose < 0 in ~30 % of draws
    cut = Intervention(variable="screen_time", direction="-", dose=0.6, low=0.3, high=0.99, idea="cut")
    push = Intervention(variable="local_activities", dose=0.2, low=0.1, high=0.3, idea="push")
    scenarios = {"cut": [cut], "push": [push], "both": [cut, push]}
    from gmb.simulate.ensemble import run_parameters
    from gmb.simulate.sampling import draw

    results = {}
    for engine in ("numpy", "numba"):
        study = Study.build(m, scenarios, seed=3, horizon=24.0, engine=engine)
        p = study.program
        P = draw(p, seed=3, runs=300)
        row = p.param_names.index(f"dose[{p.term_keys[0]}]")
        P[row] = 0.3 + (P[row] - 0.3) / 0.69
        out = run_parameters(study, P)
        results[engine] = out[:, list(study.save_slots).index(p.outcome_slot), -1, :]
        dose = P[row]
    a, b = results["numpy"], results["numba"]
    broken_a, broken_b = (~np.isfinite(a)).sum(axis=1), (~np.isfinite(b)).sum(axis=1)
    assert broken_a.tolist() == broken_b.tolist()  # per scenario: baseline, cut, push, both
    assert broken_a[0] == broken_a[2] == 0
    assert 30 < broken_a[1] == broken_a[3] < 270  # some draws, not all
    # the broken runs are the draws whose dose reaches 1 (the multiplier 1 - dose <= 0 by the horizon)
    assert broken_a[1] == int((dose >= 1.0).sum())
    for s in (1, 2, 3):
        ea, eb = a[s] - a[0], b[s] - b[0]
        ok = np.isfinite(ea)
        np.testing.assert_array_equal(ok, np.isfinite(eb))
        np.testing.assert_allclose(eb[ok], ea[ok], rtol=0, atol=1e-12)
        for q in (0.05, 0.5, 0.95):
            assert abs(np.quantile(ea[ok], q) - np.quantile(eb[ok], q)) < 1e-12


@pytest.mark.parametrize("shape", ["saturating", "power"])
def test_the_reference_refuses_a_non_positive_multiplier(havndal, shape, monkeypatch):
    m = _havndal(havndal, effect_shape=shape, time={"horizon": 24, "step": 0.25})
    cut = Intervention(variable="screen_time", direction="-", dose=1.2, shape="step", start=2)
    with pytest.raises(ValidationError, match="must stay below 1"):  # refused where it is written down
        with_interventions(m, [cut])
    # and the simulator's own guard, for a multiplier that got past that check
    import gmb.simulate.intervention_inputs as applied
    import gmb.simulate.interventions as ivs

    # with_interventions looks it up where it lives; the compiler imports the re-export
    for module in (applied, ivs):
        monkeypatch.setattr(module, "check_resolved", lambda iv, channel: iv)
    with pytest.raises(SimulationError, match="broke down at time 2.*multiplies by -0.2"):
        simulate(with_interventions(m, [cut]))


# -- the saturating response --------------------------------------------------------------------------


def _pair(shape: str, e: float = 0.7) -> tuple:
    """a -> b, elasticity e (b an auxiliary): the response of ln b to ln a, read through the level input."""
    G = nx.DiGraph(outcome="b")
    G.add_node("a", label="A")
    G.add_node("b", label="B")
    G.add_edge("a", "b", id="L1", sign=1, strength="medium", delay=False)
    m = to_stockflow(G, Assumptions(effect_shape=shape, elasticities={"L1": e}, time={"horizon": 1, "step": 0.25}))
    level = m.input_for("a", "level").name

    def response(z: np.ndarray) -> np.ndarray:
        return np.log(simulate(m, {level: np.exp(z)})["b"][0])

    return m, response


def test_saturating_response_has_equal_slopes_up_and_down_and_mirrors_in_log_space():
    _, y = _pair("saturating", e=0.7)
    h = 1e-6
    up, down = (y(np.array([h]))[0] - 0.0) / h, (0.0 - y(np.array([-h]))[0]) / h
    assert up == pytest.approx(0.7, rel=1e-9) and down == pytest.approx(0.7, rel=1e-9)  # the group's elasticity
    z = np.array([math.log(1.5), 0.5, 2.0, 10.0])  # +50 %, and further out
    np.testing.assert_allclose(y(z), -y(-z), rtol=0, atol=1e-14)  # a fall mirrors a rise
    # the closed form: a's level input saturates at a (an exogenous variable), then b
    np.testing.assert_allclose(y(z), B * np.tanh(0.7 * B * np.tanh(z / B) / B), rtol=1e-13)
    assert y(np.array([50.0]))[0] < B  # bounded by the ceiling
    _, steep = _pair("saturating", e=8.0)
    assert steep(np.array([50.0]))[0] == pytest.approx(B, rel=1e-6)  # and reaching it


def test_the_bounded_shape_is_not_symmetric_as_documented():
    _, y = _pair("bounded", e=1.0)
    rise, fall = y(np.array([math.log(1.5), -math.log(2.0)]))  # x 1.5 and x 0.5
    assert rise == pytest.approx(math.log(2 * 1.5**2 / (1 + 1.5**2)))  # 1.385: ln +0.325
    assert fall == pytest.approx(math.log(0.4))  # ln -0.916: the fall is amplified, the rise damped
    _, s = _pair("saturating", e=1.0)
    assert s(np.array([math.log(1.5)]))[0] == pytest.approx(-s(np.array([-math.log(1.5)]))[0], abs=1e-14)


def _ensemble(session, strengths: str | None, runs: int, horizon: float = 36.0, variables=()):
    from gmb.cld import to_graph
    from gmb.scenarios.settings import default_scenarios

    change = {} if strengths is None else {"strengths": {k: DEFAULT_STRENGTHS[strengths] for k in DEFAULT_STRENGTHS}}
    G = to_graph(session)
    m = to_stockflow(G, Assumptions().edit(**change))
    sc = default_scenarios(G)
    ideas = [i.id for i in session.ideas]
    runs_map = {i: list(sc.interventions([i])) for i in ideas}
    runs_map["bundle"] = list(sc.interventions(ideas))
    study = Study.build(m, runs_map, seed=0, horizon=horizon, variables=variables, every=12.0)
    return run_study(study, runs), ideas


def test_all_strong_havndal_never_runs_away_and_stays_within_the_ceiling(havndal):
    m = _havndal(havndal, strengths={k: DEFAULT_STRENGTHS["strong"] for k in DEFAULT_STRENGTHS})
    assert m.stability.radius > 1.5 and m.elasticity_scale == 1.0  # beyond 1, and not scaled down
    variables = [v.variable for v in m.variables]
    r, _ = _ensemble(havndal, "strong", runs=200, horizon=60.0, variables=variables)
    assert r.broken() == 0
    assert r.runaway_share == 1.0  # every draw would run away without the bound
    aux = [i for i, v in enumerate(r.study.variables) if m.variable_element(v).kind == "auxiliary"]
    values = r.values[:, aux]
    assert np.isfinite(values).all()
    assert values.max() <= math.exp(B) * (1 + 1e-12) and values.min() >= math.exp(-B) * (1 - 1e-12)
    assert values.max() > 2.5  # it does reach towards the ceiling


def test_strength_classes_order_the_effects_clearly(havndal):
    med = {}
    for cls in ("weak", "medium", "strong"):
        r, ideas = _ensemble(havndal, cls, runs=200)
        med[cls] = {name: float(np.median(r.effect(name))) for name in ["bundle", *ideas]}
    for name in med["weak"]:
        w, m, s = med["weak"][name], med["medium"][name], med["strong"][name]
        assert 0 < w and 1.5 * w < m and 1.3 * m < s, (name, w, m, s)
    assert med["strong"]["bundle"] > 2 * med["medium"]["bundle"] > 4 * med["weak"]["bundle"]


# -- the step check uses what an ensemble samples ---------------------------------------------------


def test_the_step_check_uses_the_sampled_low_end():
    G = nx.DiGraph(outcome="b")
    G.add_node("a", label="A")
    G.add_node("b", label="B", kind="stock")
    G.add_edge("a", "b", id="L1", sign=1, strength="medium", delay=False)
    ok = Assumptions(adjustment_time={"low": 3, "high": 12, "nominal": 6}, time={"horizon": 12, "step": 1.0})
    to_stockflow(G, ok)  # 1 <= 3 / 2: fine at every sampled value
    low = ok.edit(adjustment_time={"low": 1.5, "high": 12, "nominal": 6})  # nominal fine, the low end is not
    with pytest.raises(ConversionError, match="sampled down to 1.5") as err:
        to_stockflow(G, low)
    assert err.value.field == "time.step"


def test_convert_json_and_assumptions_md_name_the_loops_and_ask_what_limits_them(havndal, tmp_path):
    from gmb.cld import to_graph
    from gmb.commands.model import Built, _summary
    from gmb.stockflow.files import write_model

    G = to_graph(havndal)
    for a, scale in ((Assumptions(), 1.0), (Assumptions(effect_shape="power", stability="scale"), 0.6045)):
        m = to_stockflow(G, a)
        files = write_model(m, a, tmp_path / a.stability)
        info = _summary(Built("havndal", G, a, m, tmp_path, files))
        st = info["stability"]
        assert st["option"] == a.stability and st["scale"] == pytest.approx(scale, abs=1e-4)
        md = files["readme"].read_text("utf-8")
        if a.stability == "report":
            assert st["radius"] == pytest.approx(1.49, abs=0.01) and not st["stable"]
            assert any("Fællesskab avler frivillige" in (lp["stories"] or [""])[0] for lp in st["loops"])
            assert "Belastning af frivillige" in st["question"] and "Frivillige kræfter" in st["ceiling"]
            assert "**Question for the group:**" in md and "| effect shape | saturating |" in md
        else:  # the factor is reported wherever the scaled elasticities are used
            assert st["stable"] and "multiplied by 0.6045" in md and "(`stability: scale`)" in md
            assert any("multiplied by 0.6045" in n for n in m.notes)


def test_the_step_note_states_eulers_error_at_the_shortest_sampled_time_constant(havndal):
    m = _havndal(havndal)
    (note,) = [n for n in m.notes if n.startswith("time step")]
    k = 0.25 / 2.0  # the shortest sampled constant: a delay of 6 months (low end) over 3 stages
    assert f"{-math.log(1 - k) / k - 1:.1%} fast" in note and "6.8% fast" in note
    fine = _havndal(havndal, time={"horizon": 60, "step": 0.03125})  # k = 1/64: below 1 %, no note
    assert not [n for n in fine.notes if n.startswith("time step")]
