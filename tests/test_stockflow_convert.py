"""CLD → stock-flow conversion: structure, stock choice, assumptions, stability, bad input."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmb.errors import ConversionError, GmbError, ValidationError
from gmb.stockflow.assumptions import Assumptions, load_assumptions, save_assumptions
from gmb.stockflow.convert import choose_stocks, included_links, resolve_assumptions, to_stockflow
from gmb.stockflow.stability import check_stability, feedback_loops, log_linear


def cld(edges, outcome, kinds=None, labels=None):
    """A gmb-cld/1 graph from (cause, effect, polarity, strength, delay) tuples."""
    G = nx.DiGraph(outcome=outcome, title="test")
    nodes = []
    for u, v, *_ in edges:
        nodes += [n for n in (u, v) if n not in nodes]
    for n in nodes:
        label = (labels or {}).get(n, n.upper())
        G.add_node(n, label=label, labels={"en": label}, kind=(kinds or {}).get(n, "unknown"))
    for i, (u, v, pol, strength, delay) in enumerate(edges, start=1):
        G.add_edge(u, v, id=f"L{i}", polarity=pol, sign={"+": 1, "-": -1, "?": 0}[pol], strength=strength, delay=delay)
    return G


LOOPY = [
    ("w", "p", "+", "strong", False),  # L1
    ("p", "w", "+", "medium", True),  # L2 (delayed)
    ("s", "w", "+", "weak", False),  # L3
    ("w", "s", "-", "unknown", False),  # L4
    ("t", "p", "+", "medium", False),  # L5
    ("e", "t", "-", "medium", True),  # L6 (delayed)
    ("e", "w", "?", "weak", False),  # L7 unknown polarity
]


def test_structure_of_a_small_cld():
    m = to_stockflow(cld(LOOPY, "w"))
    # every loop (w-p, w-s) passes through w, the outcome, chosen as the one stock
    assert [s.variable for s in m.stocks] == ["w"] and m.stocks[0].chosen == "automatic"
    assert {a.variable for a in m.auxiliaries if a.role == "variable"} == {"p", "s", "t", "e"}
    # one effect per modelled link, with the link's id, sign and class range
    assert sorted(e.link for e in m.effects) == ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]
    e4 = next(e for e in m.effects if e.link == "L4")
    assert e4.sign == -1 and (e4.cause, e4.target) == ("w", "s")
    k = m.parameter("elasticity", "L4")
    assert (k.value, k.low, k.high, k.category) == (0.45, 0.1, 1.0, "unknown")
    assert m.parameter("elasticity", "L1").value == 0.8
    # delayed links go through a third-order smooth with their own delay time
    assert sorted(s.links[0] for s in m.smooths) == ["L2", "L6"] and all(s.order == 3 for s in m.smooths)
    assert m.parameter("delay_time", "L2").value == 12
    # the stock: goal gap towards the indicated value, which multiplies its effects
    ind = next(a for a in m.auxiliaries if a.role == "indicated")
    assert sorted(m.element(f).link for f in ind.factors) == ["L2", "L3", "L7"]
    assert m.flows[0].indicated == ind.name and m.parameter("adjustment_time", "w").value == 6
    # every equation names its source links
    assert set(ind.links) == {"L2", "L3", "L7"}
    # the link with unknown polarity is not guessed: neutral (elasticity 0) in the model, its sign left to chance
    k7 = m.parameter("elasticity", "L7")
    assert (k7.value, k7.p_sign, k7.p_present) == (0.0, 0.5, 1.0)
    assert any("L7" in n and "unknown polarity" in n for n in m.notes)
    # ... or, with unknown_polarity 'exclude', left out and reported
    x = to_stockflow(cld(LOOPY, "w"), Assumptions(unknown_polarity="exclude"))
    assert "L7" not in {e.link for e in x.effects} and any("L7" in n and "left out" in n for n in x.notes)
    assert m.outcome == "w" and m.element("w").kind == "stock"


def test_order_is_topological_and_inputs_are_neutral():
    m = to_stockflow(cld(LOOPY, "w"))
    seen = set()
    for name in m.order:
        el = m.element(name)
        deps = [el.source] if el.kind == "effect" else list(el.factors)
        assert all(d in seen or m.element(d).kind in ("stock", "smooth") for d in deps)
        seen.add(name)
    assert {i.channel for i in m.inputs} == {"level", "indicated", "inflow"}
    assert all(i.constant == i.neutral for i in m.inputs)
    assert m.input_for("w", "inflow").neutral == 0 and m.input_for("p", "indicated") == m.input_for("p", "level")


def test_marked_stocks_are_kept_and_completed():
    # a and b form a loop; c-d another; only a is marked
    G = cld([("a", "b", "+", "weak", False), ("b", "a", "+", "weak", False),
             ("c", "d", "+", "weak", False), ("d", "c", "-", "weak", False), ("d", "a", "+", "weak", False)],
            "a", kinds={"a": "stock"})  # fmt: skip
    m = to_stockflow(G)
    chosen = {s.variable: s.chosen for s in m.stocks}
    assert chosen["a"] == "marked" and len(chosen) == 2
    assert list(chosen.values()).count("automatic") == 1 and ({"c", "d"} & set(chosen))


def test_explicit_stocks_are_used_exactly_or_refused():
    G = cld(LOOPY, "w")
    m = to_stockflow(G, Assumptions(stocks=("w", "p", "t")))
    assert [s.variable for s in m.stocks] == ["w", "p", "t"] and {s.chosen for s in m.stocks} == {"assumed"}
    with pytest.raises(ConversionError, match="this loop has no stock: .*W.*S|S.*W"):
        to_stockflow(G, Assumptions(stocks=("p",)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=30))
def test_chosen_stocks_break_every_loop_and_none_is_redundant(pairs):
    M = nx.DiGraph()
    M.add_nodes_from(range(10))
    M.add_edges_from((u, v) for u, v in pairs if u != v)
    chosen = set(choose_stocks(M))
    rest = M.subgraph(n for n in M if n not in chosen)
    assert nx.is_directed_acyclic_graph(rest)
    for n in chosen:  # minimal: dropping any choice leaves a loop without a stock
        assert not nx.is_directed_acyclic_graph(M.subgraph(x for x in M if x not in chosen - {n}))


def test_polarity_decided_in_the_assumptions_includes_the_link():
    G = cld(LOOPY, "w")
    m = to_stockflow(G, Assumptions(polarities={"L7": "-"}))
    e7 = next(e for e in m.effects if e.link == "L7")
    assert e7.sign == -1
    with pytest.raises(ConversionError, match="already has polarity"):
        to_stockflow(G, Assumptions(polarities={"L1": "-"}))


def test_overrides_per_link_and_variable():
    a = Assumptions(elasticities={"L1": 0.33}, adjustment_times={"w": 2.5}, delay_times={"L2": 4.0},
                    delay={"order": 1, "time": {"low": 2, "high": 8, "nominal": 5}}, effect_shape="bounded")  # fmt: skip
    m = to_stockflow(cld(LOOPY, "w"), a)
    assert m.parameter("elasticity", "L1").value == 0.33
    assert m.parameter("adjustment_time", "w").value == 2.5
    assert m.parameter("delay_time", "L2").value == 4.0 and m.parameter("delay_time", "L6").value == 5
    assert {s.order for s in m.smooths} == {1}
    assert m.lookups and all(e.lookup == m.lookups[0].name for e in m.effects)
    pts = np.array(m.lookups[0].points)
    assert np.interp(1.0, pts[:, 0], pts[:, 1]) == 1.0 and np.all(np.diff(pts[:, 1]) > 0) and pts[:, 1].max() < 2


def test_conversion_is_pure_and_deterministic():
    G = cld(LOOPY, "w")
    before = nx.node_link_data(G, edges="links")
    assert to_stockflow(G) == to_stockflow(G)
    assert nx.node_link_data(G, edges="links") == before


# -- stability --------------------------------------------------------------------------------
def test_log_linear_matrix_and_radius_by_hand():
    G = cld([("a", "b", "+", "strong", False), ("b", "a", "+", "medium", False)], "a")
    m = to_stockflow(G)
    ids, W = log_linear(m)
    i, j = ids.index("a"), ids.index("b")
    assert W[j, i] == 0.8 and W[i, j] == 0.45
    rep = check_stability(m)
    assert rep.radius == pytest.approx(np.sqrt(0.8 * 0.45)) and rep.stable


def test_runaway_loops_are_named():
    # R loop a->b->a with gain 0.9*0.9*... set strong with elasticity 1.2 via overrides
    G = cld([("a", "b", "+", "strong", False), ("b", "a", "+", "strong", False), ("b", "c", "-", "weak", False),
             ("c", "b", "+", "weak", False)], "a", labels={"a": "Alfa", "b": "Beta", "c": "Gamma"})  # fmt: skip
    m = to_stockflow(G, Assumptions(elasticities={"L1": 1.1, "L2": 1.0}, stability="report"))
    rep = check_stability(m)
    assert not rep.stable and rep.radius >= 1
    assert [lp.variables for lp in rep.runaway] == [("a", "b")] or [set(lp.variables) for lp in rep.runaway] == [
        {"a", "b"}
    ]
    assert "UNSTABLE" in rep.text
    assert "R Alfa -> Beta -> Alfa (gain 1.1)" in rep.text or "R Beta -> Alfa -> Beta (gain 1.1)" in rep.text
    assert rep.text in m.notes
    loops = feedback_loops(m)
    assert {lp.polarity for lp in loops} == {"R", "B"}


def test_scale_mode_brings_the_radius_to_the_target():
    G = cld([("a", "b", "+", "strong", False), ("b", "a", "+", "strong", False)], "a")
    a = Assumptions(elasticities={"L1": 1.5, "L2": 1.0}, stability="scale", stability_target=0.9)
    m = to_stockflow(G, a)
    assert check_stability(m).radius == pytest.approx(0.9)
    factor = 0.9 / (1.5**0.5)
    assert m.elasticity_scale == pytest.approx(factor)
    assert any(f"multiplied by {factor:.4g}" in n for n in m.notes)  # the factor is reported


# -- assumptions as a file -----------------------------------------------------------------------
def test_assumptions_round_trip_and_resolve(tmp_path):
    G = cld(LOOPY, "w")
    a = Assumptions(effect_shape="bounded", notes="Workshop 3: værdier drøftet")
    save_assumptions(a, tmp_path / "a.json")
    assert load_assumptions(tmp_path / "a.json") == a
    r = resolve_assumptions(G, a)
    assert r.stocks == ("w",) and r.outcome == "w"
    assert to_stockflow(G, r).stocks[0].chosen == "assumed"
    assert [s.name for s in to_stockflow(G, r).stocks] == [s.name for s in to_stockflow(G, a).stocks]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"effect_shape": "cubic"}, "effect_shape"),
        ({"strengths": {"weak": {"low": 0.5, "high": 0.3, "nominal": 0.4}}}, "strengths.weak"),
        ({"time": {"horizon": 10, "step": 3}}, "time"),
        ({"elasticities": {"L1": -1}}, "assumptions"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_bad_assumption_files_name_the_field(tmp_path, data, field):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_assumptions(path)
    assert str(path) in str(exc.value) and field in str(exc.value)


# -- bad input -------------------------------------------------------------------------------------
def test_no_path_to_the_outcome():
    G = cld([("a", "b", "+", "weak", False), ("b", "a", "-", "weak", False)], "a")
    G.add_node("z", label="Zeta", kind="outcome")
    G.graph["outcome"] = "z"
    with pytest.raises(ConversionError, match="no variable has a path to the outcome 'Zeta'"):
        to_stockflow(G)


def test_only_unknown_polarity_towards_the_outcome_is_no_path():
    G = cld([("a", "b", "?", "weak", False)], "b")
    with pytest.raises(ConversionError, match="after leaving out 1 link"):
        to_stockflow(G, Assumptions(unknown_polarity="exclude"))


def test_no_outcome_at_all():
    G = cld([("a", "b", "+", "weak", False)], None)
    with pytest.raises(ConversionError, match="no outcome"):
        to_stockflow(G)
    assert to_stockflow(G, Assumptions(outcome="b")).outcome == "b"


def test_unknown_strength_class():
    G = cld([("a", "b", "+", "weak", False)], "b")
    G.edges["a", "b"]["strength"] = "enormous"
    with pytest.raises(ConversionError) as exc:
        to_stockflow(G)
    assert "'enormous'" in str(exc.value) and exc.value.field == "links.L1.strength" and "weak" in str(exc.value)


@pytest.mark.parametrize(
    "a, field",
    [
        (Assumptions(stocks=("w", "nope")), "stocks[1]"),
        (Assumptions(adjustment_times={"nope": 3}), "adjustment_times.nope"),
        (Assumptions(elasticities={"L99": 0.3}), "elasticities.L99"),
        (Assumptions(delay_times={"L1": 3}), "delay_times.L1"),  # L1 is not delayed
        (Assumptions(outcome="nope"), "outcome"),
    ],
)
def test_assumptions_naming_missing_things(a, field):
    with pytest.raises(ConversionError) as exc:
        to_stockflow(cld(LOOPY, "w"), a)
    assert exc.value.field == field


def test_time_step_too_coarse_for_the_time_constants():
    a = Assumptions(adjustment_time={"low": 0.5, "high": 2, "nominal": 1}, time={"horizon": 12, "step": 1})
    with pytest.raises(ConversionError, match="time step 1 is too large"):
        to_stockflow(cld(LOOPY, "w"), a)


def test_errors_are_gmb_errors():
    with pytest.raises(GmbError):
        to_stockflow("not a graph")  # type: ignore[arg-type]


def test_included_links_does_not_touch_the_graph():
    G = cld(LOOPY, "w")
    M, left = included_links(G, Assumptions(unknown_polarity="exclude"))
    assert [x[0] for x in left] == ["L7"] and M.number_of_edges() == 6 and G.number_of_edges() == 7
    M, left = included_links(G, Assumptions())
    assert not left and M.number_of_edges() == 7 and M.edges["e", "w"]["unsigned"] and G.number_of_edges() == 7


def test_default_keeps_the_groups_strengths_and_names_the_runaway_loops():
    """By default (issue 13) the elasticities stay the group's; the loops that would run away are named,
    with what the saturating shape does to them and a question for the group; ``scale`` is an option."""
    # three strong reinforcing 2-loops through a hub: radius sqrt(3) * 0.8 = 1.39 at the nominal strengths
    edges = [(h, x, "+", "strong", False) for x in "xyz" for h in "h"] + [(x, "h", "+", "strong", False) for x in "xyz"]
    G = cld(edges, "h")
    G.graph["stories"] = [
        {"title": "Hub and x", "links": ["L1", "L4"]},  # by its links, as `gmb loops` names
        {"title": "Hub and y", "variables": ["y", "h"]},
    ]  # or its variables in causal order
    m = to_stockflow(G, Assumptions())
    assert m.elasticity_scale == 1.0 and m.parameter("elasticity", "L1").value == 0.8
    rep = m.stability
    assert rep.radius == pytest.approx(0.8 * 3**0.5) == check_stability(m).radius
    assert [lp.name for lp in rep.runaway] == ["Hub and x", "Hub and y", None]  # named where a story tells it
    assert [lp.variables for lp in rep.runaway] == [("h", "x"), ("h", "y"), ("h", "z")]  # stable order
    assert "push their variables to the ceiling" in rep.text and rep.text in m.notes
    assert rep.question.startswith("What limits “Hub and x”") and set(rep.ceiling) == {"H", "X", "Y", "Z"}
    scaled = to_stockflow(G, Assumptions(stability="scale"))
    assert check_stability(scaled).radius == pytest.approx(0.9)
    assert scaled.elasticity_scale == pytest.approx(0.9 / (0.8 * 3**0.5))


_LOOPS_SCRIPT = """
import dataclasses, itertools, json, networkx as nx
from gmb.stockflow.convert import to_stockflow
from gmb.stockflow.stability import feedback_loops
G = nx.DiGraph(outcome="v0", title="test")
names = [f"v{i}" for i in range(6)]
for n in names:
    G.add_node(n, label=n.upper(), labels={"en": n.upper()}, kind="unknown")
for i, (u, v) in enumerate(itertools.permutations(names, 2), start=1):
    G.add_edge(u, v, id=f"L{i}", polarity="+", sign=1, strength="weak", delay=False)
m = to_stockflow(G)
reordered = dataclasses.replace(m, effects=tuple(reversed(m.effects)))
first = [lp.variables for lp in feedback_loops(m, limit=50)]
assert first == [lp.variables for lp in feedback_loops(reordered, limit=50)], "depends on the links' order"
print(json.dumps(first))
"""


def test_loops_kept_under_the_limit_do_not_depend_on_the_hash_seed_or_link_order():
    """A complete 6-variable map has 409 loops; the 50 kept must be the same in every process."""
    import os
    import subprocess
    import sys

    outs = set()
    for seed in ("1", "2", "3"):
        proc = subprocess.run([sys.executable, "-c", _LOOPS_SCRIPT], capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": seed})  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.add(proc.stdout)
    assert len(outs) == 1
    assert len(json.loads(outs.pop())) == 50
