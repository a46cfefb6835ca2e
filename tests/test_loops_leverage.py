"""Leverage, paths to the outcome, ideas' influence profiles and the whole analysis."""

from __future__ import annotations

import copy
import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmb.cld import to_graph
from gmb.cld.analysis import analyse
from gmb.cld.influence import idea_profile, idea_profiles
from gmb.cld.leverage import causes_tree, centrality, reach, uses_tree
from gmb.cld.paths import idea_paths, paths_to_outcome
from gmb.errors import AnalysisError, InputError, NotFoundError
from tests.loops_town import town_session


# -- centrality ------------------------------------------------------------------------------------
def test_degree_and_betweenness_by_hand():
    c = centrality(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")]))
    # b lies on a->c and a->d, c on a->d and b->d: 2 of (n-1)(n-2) = 6 ordered pairs each
    assert [round(c.of(v).betweenness, 6) for v in "abcd"] == [0, round(1 / 3, 6), round(1 / 3, 6), 0]
    assert [(c.of(v).in_degree, c.of(v).out_degree) for v in "abcd"] == [(0, 1), (1, 1), (1, 1), (1, 0)]
    assert [(c.of(v).reach, c.of(v).reached_by) for v in "abcd"] == [(3, 0), (2, 1), (1, 2), (0, 3)]


def test_influence_is_the_perron_vector_of_the_adjacency_matrix():
    # strongly connected and aperiodic (a 2-cycle and a 3-cycle share node a)
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d"), ("d", "a"), ("d", "b")])
    c = centrality(G)
    assert c.method == "eigenvector"
    A = nx.to_numpy_array(G, nodelist=list(G))  # A[v, w] = 1 for v -> w: v scores by what it acts on
    values, vectors = np.linalg.eig(A)
    x = np.abs(np.real(vectors[:, np.argmax(np.real(values))]))
    x /= np.linalg.norm(x)
    assert [c.of(v).influence for v in G] == pytest.approx(list(x), abs=1e-5)


def test_influence_falls_back_to_katz_on_a_map_without_loops_and_says_so():
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    c = centrality(G)
    assert c.method.startswith("katz")
    alpha = 0.5  # the spectral radius of a DAG is 0, so the fallback uses alpha = 0.5
    A = nx.to_numpy_array(G, nodelist=list(G))
    x = np.linalg.solve(np.eye(3) - alpha * A, np.ones(3))  # Katz: x = alpha A x + 1
    x /= np.linalg.norm(x)
    assert [c.of(v).influence for v in G] == pytest.approx(list(x), abs=1e-6)
    assert c.top(1)[0].variable == "a"  # the root acts on everything


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20))
def test_reach_equals_descendants(edges):
    G = nx.DiGraph((f"n{u}", f"n{v}") for u, v in edges if u != v)
    if G.number_of_nodes() == 0:
        return
    c = centrality(G)
    for v in G:
        assert c.of(v).reach == len(nx.descendants(G, v)) == len(reach(G, v))
        assert c.of(v).reached_by == len(nx.ancestors(G, v))


def test_causes_and_uses_trees_mark_loops_and_stop_at_depth():
    G = to_graph(town_session())
    tree = causes_tree(G, "volunteers", depth=2, lang="en")
    assert [(k.variable, k.sign) for k in tree.children] == [
        ("activities", "+"),
        ("burnout", "-"),
        ("facilitation", "+"),
    ]
    activities = tree.children[0]
    # activities is caused by volunteers (the root: a loop, shown in parentheses, not expanded) and ownership
    assert [(k.variable, k.repeat, k.children) for k in activities.children] == [
        ("volunteers", True, ()), ("ownership", False, ())]  # fmt: skip
    assert "(Volunteer capacity)" in "\n".join(tree.lines())
    uses = uses_tree(G, "bike_paths", depth=5)
    assert [k.variable for k in uses.children] == ["active_transport"]
    assert uses.children[0].children[0].variable == "activity" and not uses.children[0].children[0].children
    assert uses.to_json()["children"][0]["link"] == "L33"
    with pytest.raises(InputError):
        causes_tree(G, "volunteers", depth=0)
    with pytest.raises(NotFoundError):
        uses_tree(G, "nope")


# -- paths -----------------------------------------------------------------------------------------
def brute_paths(G, s, t):
    """Every simple path s..t by trying every ordering of every set of intermediate nodes."""
    others = [n for n in G if n not in (s, t)]
    out = set()
    for k in range(len(others) + 1):
        for mids in itertools.permutations(others, k):
            path = (s, *mids, t)
            if all(G.has_edge(u, v) for u, v in itertools.pairwise(path)):
                out.add(path)
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([1, -1, 0])), max_size=18))
def test_paths_equal_brute_force_with_signs(edges):
    G = nx.DiGraph(outcome="n5")
    G.add_nodes_from(f"n{i}" for i in range(6))
    for u, v, s in edges:
        if u != v:
            G.add_edge(f"n{u}", f"n{v}", sign=s)
    ps = paths_to_outcome(G, "n0", direction="-")
    expected = brute_paths(G, "n0", "n5")
    assert {p.variables for p in ps.paths} == expected and ps.complete
    for p, effect in zip(ps.paths, ps.effects):
        signs = [G.edges[u, v]["sign"] for u, v in zip(p.variables, p.variables[1:])]
        product = "?" if 0 in signs else ("+" if signs.count(-1) % 2 == 0 else "-")
        assert p.sign == product
        assert effect == {"+": "-", "-": "+", "?": "?"}[product]  # lowering the source flips the effect


def test_verdicts_and_direction():
    G = nx.DiGraph(outcome="w")
    G.add_edge("a", "b", sign=1)
    G.add_edge("b", "w", sign=-1)
    assert paths_to_outcome(G, "a").verdict == "negative"
    assert paths_to_outcome(G, "a", direction="-").verdict == "positive"
    G.add_edge("a", "w", sign=0)
    ps = paths_to_outcome(G, "a")
    assert ps.verdict == "unknown" and ps.counts() == {"+": 0, "-": 1, "?": 1}
    G.add_edge("a", "c", sign=1)
    G.add_edge("c", "w", sign=1)
    assert paths_to_outcome(G, "a").verdict == "mixed"
    only = paths_to_outcome(G, "w")
    assert only.verdict == "positive" and only.paths[0].variables == ("w",)  # acting on the outcome itself
    assert paths_to_outcome(G, "c", "a").verdict == "none"


def test_cutoff_max_paths_and_time_limit_say_the_list_is_incomplete():
    # a complete DAG on 22 nodes: 2**20 paths from the first to the last
    G = nx.DiGraph(outcome=21)
    G.add_edges_from(((i, j) for i in range(22) for j in range(i + 1, 22)), sign=1)
    short = paths_to_outcome(G, 0, cutoff=2)
    assert (len(short.paths), short.complete, short.stopped_by) == (21, False, "cutoff")  # 1 direct + 20 via one
    capped = paths_to_outcome(G, 0, max_paths=50)
    assert (len(capped.paths), capped.stopped_by) == (50, "max paths")
    timed = paths_to_outcome(G, 0, time_limit=0.2)
    assert timed.stopped_by == "time limit" and not timed.complete and 0 < len(timed.paths) < 2**20
    small = nx.DiGraph([(0, 1), (1, 2)], outcome=2)
    assert paths_to_outcome(small, 0, cutoff=2).complete  # a cutoff that cannot hide anything


def test_path_errors():
    G = nx.DiGraph([("a", "b")])
    with pytest.raises(AnalysisError, match="no outcome"):
        paths_to_outcome(G, "a")
    with pytest.raises(NotFoundError):
        paths_to_outcome(G, "x", "b")
    with pytest.raises(NotFoundError):
        paths_to_outcome(G, "a", "x")
    with pytest.raises(InputError):
        paths_to_outcome(G, "a", "b", direction="up")
    with pytest.raises(InputError):
        paths_to_outcome(G, "a", "b", cutoff=-1)
    with pytest.raises(NotFoundError, match="unknown idea"):
        idea_paths(to_graph(town_session()), "no_such_idea")


# -- ideas' profiles: verdicts worked out by hand on the town slice ----------------------------------
def test_idea_profiles_on_the_town_slice():
    G = to_graph(town_session())
    before = copy.deepcopy(G)
    profiles = {p.idea: p for p in idea_profiles(G)}
    assert nx.utils.graphs_equal(G, before) and G.graph == before.graph
    # bike paths -> active transport -> physical activity, which does not reach wellbeing in this slice
    assert profiles["bike"].verdict == "none" and profiles["bike"].loops == ()
    # activities -> participation -> relations -> belonging -> wellbeing (+), and via the ?-link to clubs (?)
    dining = profiles["dining"]
    assert dining.paths.counts() == {"+": 1, "-": 0, "?": 1} and dining.verdict == "unknown"
    assert {l.variables for l in dining.loops} == {
        ("activities", "volunteers"),
        ("activities", "burnout", "volunteers"),
    }
    assert profiles["clubs"].verdict == "positive" and profiles["clubs"].loop_counts() == {
        "R": 1,
        "B": 0,
        "unsigned": 0,
    }
    # lowering burnout: burnout -(-)-> volunteers -> activities -> ... -> wellbeing is "-", times "-" = "+"
    assert profiles["less_burnout"].paths.counts() == {"+": 1, "-": 0, "?": 1}
    # the coordinator: via volunteers (+), via trust/involvement/ownership (+ + + +), via ownership (-), each also via ?
    coord = profiles["coordinator"]
    assert coord.paths.counts() == {"+": 2, "-": 1, "?": 3} and coord.verdict == "mixed"
    # shortest (6 links): via volunteers (+), via ownership (-): still mixed; dining's shortest is the signed one
    assert coord.paths.shortest_verdict == "mixed" and dining.paths.shortest_verdict == "positive"
    assert coord.loop_counts() == {"R": 1, "B": 1, "unsigned": 0}
    assert coord.reach == 13 and coord.votes == 1
    assert coord.to_json()["verdict"] == "mixed"


def test_analysis_names_loops_and_profiles_every_idea():
    s = town_session()
    a = analyse(to_graph(s), stories=s.stories)
    assert a.loops.count == 6 and all(loop.name for loop in a.loops.loops)
    assert a.cycle_rank >= a.cover.count > 0
    assert [p.idea for p in a.profiles] == [i.id for i in s.ideas]
    data = a.to_json()
    assert data["loops"]["count"] == 6 and data["outcome"] == "wellbeing" and len(data["ideas"]) == 5
    assert idea_profile(to_graph(s), "clubs").verdict == "positive"


def test_analysis_without_outcome_has_no_profiles():
    s = town_session().model_copy(update={"outcome": None})
    s = s.model_copy(update={"variables": tuple(v.model_copy(update={"kind": "auxiliary"}) for v in s.variables)})
    a = analyse(to_graph(s))
    assert a.outcome is None and a.profiles == () and a.loops.count == 6
