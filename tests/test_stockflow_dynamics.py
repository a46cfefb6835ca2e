"""The native reference simulator: rest, hand calculations, signs, loops, long-run equilibria."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import numpy as np
import pytest

from gmb.errors import NotFoundError, SimulationError
from gmb.simulate.model_checks import baseline_deviation, equilibrium_shift, link_responses
from gmb.simulate.reference import simulate
from gmb.stockflow.assumptions import Assumptions
from gmb.stockflow.convert import to_stockflow


def cld(edges, outcome, kinds=None):
    G = nx.DiGraph(outcome=outcome)
    for u, v, *_ in edges:
        for n in (u, v):
            G.add_node(n, label=n.upper(), kind=(kinds or {}).get(n, "unknown"))
    for i, (u, v, pol, strength, delay) in enumerate(edges, start=1):
        G.add_edge(u, v, id=f"L{i}", sign={"+": 1, "-": -1}[pol], polarity=pol, strength=strength, delay=delay)
    return G


#: the unbounded power shape, for tests of its closed forms (the default is the saturating shape)
POWER = Assumptions(effect_shape="power")

# loops through the stock w, delayed links of both orders, negative links, an exogenous cause, a chain
RICH = [
    ("w", "p", "+", "strong", False), ("p", "w", "+", "medium", True), ("s", "w", "+", "weak", False),
    ("w", "s", "-", "unknown", False), ("t", "p", "+", "medium", False), ("e", "t", "-", "medium", True),
    ("e", "q", "+", "strong", False), ("q", "r", "-", "weak", True), ("r", "w", "+", "medium", False),
    ("k", "w", "-", "strong", False), ("w", "k", "+", "weak", False),
]  # fmt: skip


@pytest.mark.parametrize("shape", ["power", "bounded"])
@pytest.mark.parametrize("order", [1, 3])
def test_rest_at_baseline(shape, order):
    a = Assumptions(effect_shape=shape, delay={"order": order, "time": {"low": 3, "high": 12, "nominal": 6}},
                    stocks=("w", "k", "r"))  # fmt: skip
    m = to_stockflow(cld(RICH, "w"), a)
    traj = simulate(m)
    assert len(traj.time) == m.time.steps + 1 == 241
    assert baseline_deviation(traj, m) <= 1e-9
    assert all(np.all(traj[f.name] == 0) for f in m.flows)


def test_goal_gap_stock_matches_the_closed_form():
    """One stock fed by one auxiliary: S_k = S* + (1 - S*)(1 - dt/tau)^k with S* = u^e (Euler, by hand)."""
    # the power shape: its closed form (the saturating default bounds the product; tests/test_response_shape.py)
    m = to_stockflow(cld([("a", "b", "+", "medium", False)], "b", kinds={"b": "stock"}), POWER)
    u = 1.3
    traj = simulate(m, {m.input_for("a", "level").name: u})
    e, tau, dt = 0.45, 6.0, 0.25
    target = u**e
    k = np.arange(len(traj.time))
    np.testing.assert_allclose(traj["b"], target + (1 - target) * (1 - dt / tau) ** k, rtol=1e-13)
    assert traj["effect_of_a_on_b"][0] == pytest.approx(target, rel=1e-15)


def test_third_order_smooth_matches_the_euler_recursion():
    """A delayed link: three cascaded first-order stages of T/3, stepped by Euler (matrix form, by hand)."""
    m = to_stockflow(cld([("a", "b", "+", "strong", True)], "b"), POWER)
    u, T, dt = 1.2, 12.0, 0.25
    traj = simulate(m, {m.input_for("a", "level").name: u})
    r = 3 * dt / T
    A = np.array([[1 - r, 0, 0], [r, 1 - r, 0], [0, r, 1 - r]])
    b = np.array([r * u, 0, 0])
    state, expected = np.ones(3), []
    for _ in traj.time:
        expected.append(state[2])
        state = A @ state + b
    np.testing.assert_allclose(traj[m.smooths[0].name], expected, rtol=1e-13)
    np.testing.assert_allclose(traj["b"], np.array(expected) ** 0.8, rtol=1e-13)
    assert traj["b"][2] == 1.0 and traj["b"][3] > 1.0  # the signal needs three steps to come through


def test_every_link_moves_its_effect_and_target_in_its_direction():
    m = to_stockflow(cld(RICH, "w"), Assumptions(stocks=("w", "k", "r")))
    responses = link_responses(m)
    assert len(responses) == len(RICH)
    for r in responses:
        assert r.effect_sign == r.sign, r
        if r.isolated:
            assert r.target_sign == r.sign, r
    assert sum(r.isolated for r in responses) >= 5


def test_signs_hold_for_the_bounded_shape_too():
    m = to_stockflow(cld(RICH, "w"), Assumptions(effect_shape="bounded"))
    assert all(r.effect_sign == r.sign for r in link_responses(m))


def _pushed(m, stock, size=0.05):
    """The model with ``stock`` pushed once: its level starts 5 % above baseline."""
    return replace(m, stocks=tuple(replace(s, initial=1 + size) if s.name == stock else s for s in m.stocks))


def test_isolated_reinforcing_loop_keeps_moving_away():
    """R loop a -> b -> a with loop gain 1.2 >= 1 (see the stability notes): a push grows."""
    G = cld([("a", "b", "+", "strong", False), ("b", "a", "+", "strong", False)], "a", kinds={"a": "stock"})
    m = to_stockflow(G, Assumptions(elasticities={"L1": 1.2, "L2": 1.0}, stability="report"))
    dev = np.abs(simulate(_pushed(m, "a"))["a"] - 1)
    assert np.all(np.diff(dev) > 0) and dev[-1] > 3 * dev[0]


def test_reinforcing_loop_below_gain_one_returns_but_more_slowly():
    """With gain g < 1 the log-linear stock decays at rate (1 - g)/tau: slower than without the loop."""
    G = cld([("a", "b", "+", "medium", False), ("b", "a", "+", "medium", False)], "a", kinds={"a": "stock"})
    m = to_stockflow(G)
    dev_loop = np.abs(np.log(simulate(_pushed(m, "a"))["a"]))
    cut = to_stockflow(G, Assumptions(elasticities={"L2": 1e-12}))
    dev_cut = np.abs(np.log(simulate(_pushed(cut, "a"))["a"]))
    assert np.all(np.diff(dev_loop) < 0) and np.all(dev_loop[1:] > dev_cut[1:])


def test_isolated_balancing_loop_returns():
    G = cld([("a", "b", "+", "strong", False), ("b", "a", "-", "strong", False)], "a", kinds={"a": "stock"})
    m = to_stockflow(G)
    dev = np.abs(simulate(_pushed(m, "a"))["a"] - 1)
    assert dev[-1] < 1e-3 * dev[0] and np.all(np.diff(dev) <= 0)


@pytest.mark.parametrize("channel", ["level", "indicated"])
def test_long_run_equals_the_log_linear_solution(channel):
    """A permanent intervention settles where y = (I - W)^-1 u says (exact for the power shape)."""
    a = Assumptions(stocks=("w", "k", "r"), time={"horizon": 600, "step": 0.5}, effect_shape="power")
    m = to_stockflow(cld(RICH, "w"), a)
    target = "p" if channel == "level" else "w"
    inp = m.input_for(target, channel).name
    traj = simulate(m, {inp: 1.2})
    expected = equilibrium_shift(m, {inp: 1.2})
    for name, value in expected.items():
        assert traj[name][-1] == pytest.approx(value, rel=1e-9), name
    assert expected["w"] > 1.0  # p raises w (L2 +); sanity of the direction


def test_inflow_input_adds_to_the_stock():
    m = to_stockflow(cld([("a", "b", "+", "medium", False)], "b", kinds={"b": "stock"}))
    traj = simulate(m, {m.input_for("b", "inflow").name: 0.01})
    # d b/dt = (1 - b)/6 + 0.01  ->  b -> 1 + 0.06
    assert traj["b"][1] == pytest.approx(1.0025) and abs(traj["b"][-1] - 1.06) < 0.06 * np.exp(-60 / 6) * 1.01


def test_an_ensemble_is_the_same_as_separate_runs():
    """Arrays of parameter values broadcast: run r of a batch is the single run with draw r.

    Equal to round-off, not bit for bit: numpy's vectorised ``**`` may differ from the scalar one in the last bit.
    """
    m = to_stockflow(cld(RICH, "w"), Assumptions(stocks=("w", "k", "r")))
    e1 = m.parameter("elasticity", "L1").name
    tau = m.parameter("adjustment_time", "w").name
    ins = m.input_for("e", "level").name
    draws = {e1: np.array([0.6, 0.8, 1.0]), tau: np.array([3.0, 6.0, 12.0]), ins: 1.1}
    batch = simulate(m, draws)
    for r in range(3):
        one = simulate(m, {e1: draws[e1][r], tau: draws[tau][r], ins: 1.1})
        for name in ("w", "p", "effect_of_p_on_w", "change_in_w"):
            np.testing.assert_allclose(batch[name][:, r], one[name], rtol=1e-13, atol=1e-15)


def test_with_values_is_the_same_as_overriding():
    m = to_stockflow(cld(RICH, "w"))
    name = m.parameter("elasticity", "L4").name
    a = simulate(m, {name: 0.7, m.input_for("e", "level").name: 1.1})
    b = simulate(m.with_values({name: 0.7, m.input_for("e", "level").name: 1.1}))
    np.testing.assert_array_equal(a["w"], b["w"])


def test_bad_overrides_and_runaway_runs_are_clear_errors():
    m = to_stockflow(cld(RICH, "w"))
    with pytest.raises(NotFoundError):
        simulate(m, {"no_such_thing": 1})
    G = cld([("a", "b", "+", "strong", False), ("b", "a", "+", "strong", False)], "a", kinds={"a": "stock"})
    wild = to_stockflow(G, Assumptions(elasticities={"L1": 40.0, "L2": 40.0}, stability="report", effect_shape="power",
                                       time={"horizon": 600, "step": 0.25}))  # fmt: skip
    with pytest.raises(SimulationError, match="broke down"):
        simulate(_pushed(wild, "a"))
