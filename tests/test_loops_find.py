"""find_loops, loops_through, covering_loops, name_loops: against brute force and hand-derived loops."""

from __future__ import annotations

import copy
import itertools
import time

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmb.cld import loops as loops_mod
from gmb.cld import to_graph
from gmb.cld.loops import covering_loops, cycle_rank, find_loops, loops_through, name_loops
from gmb.errors import AnalysisError, GmbError, InputError, NotFoundError
from tests.loops_town import town_session


# -- an independent reference: every elementary cycle by brute force over node orderings ----------
def brute_cycles(G: nx.DiGraph) -> dict[frozenset, str]:
    """{set of edges: polarity} for every elementary cycle, by trying every ordering of every node subset."""
    out = {}
    nodes = list(G)
    for k in range(2, len(nodes) + 1):
        for subset in itertools.combinations(nodes, k):
            first, rest = subset[0], subset[1:]
            for perm in itertools.permutations(rest):
                cyc = (first, *perm)
                edges = list(zip(cyc, cyc[1:] + cyc[:1]))
                if all(G.has_edge(u, v) for u, v in edges):
                    signs = [G.edges[e]["sign"] for e in edges]
                    pol = "unsigned" if 0 in signs else ("R" if signs.count(-1) % 2 == 0 else "B")
                    out[frozenset(edges)] = pol
    return out


def edge_set(loop, G) -> frozenset:
    vs = loop.variables
    return frozenset(zip(vs, vs[1:] + vs[:1]))


@st.composite
def signed_digraphs(draw, max_nodes=6):
    n = draw(st.integers(2, max_nodes))
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    G = nx.DiGraph()
    G.add_nodes_from(f"n{i}" for i in range(n))
    for j, (u, v) in enumerate(chosen):
        G.add_edge(f"n{u}", f"n{v}", sign=draw(st.sampled_from([1, 1, -1, 0])), id=f"E{j}")
    return G


@settings(max_examples=60, deadline=None)
@given(signed_digraphs())
def test_all_loops_and_polarities_equal_brute_force(G):
    expected = brute_cycles(G)
    result = find_loops(G, time_limit=None)
    got = {edge_set(loop, G): loop.polarity for loop in result.loops}
    assert result.complete and len(result.loops) == len(got)  # no duplicates
    assert got == expected
    assert (result.reinforcing, result.balancing, result.unsigned) == tuple(
        sum(1 for p in expected.values() if p == want) for want in ("R", "B", "unsigned")
    )
    for loop in result.loops:  # links are the edges between consecutive variables, in order
        vs = loop.variables
        assert loop.links == tuple(G.edges[u, v]["id"] for u, v in zip(vs, vs[1:] + vs[:1]))
        assert loop.length == len(vs)


@settings(max_examples=40, deadline=None)
@given(signed_digraphs(), st.integers(1, 5))
def test_bound_and_through_are_filters_of_the_full_list(G, k):
    full = {edge_set(loop, G) for loop in find_loops(G).loops}
    bounded = {edge_set(loop, G) for loop in find_loops(G, max_length=k).loops}
    assert bounded == {c for c in full if len(c) <= k}
    for node in G:
        through = {edge_set(loop, G) for loop in loops_through(G, node).loops}
        assert through == {c for c in full if any(u == node for u, _ in c)}
        bounded_through = {edge_set(loop, G) for loop in find_loops(G, through=node, max_length=k).loops}
        assert bounded_through == {c for c in through if len(c) <= k}
    for u, v, lid in G.edges(data="id"):
        through = {edge_set(loop, G) for loop in loops_through(G, lid).loops}
        assert through == {c for c in full if (u, v) in c}
        bounded_through = {edge_set(loop, G) for loop in loops_through(G, lid, max_length=k).loops}
        assert bounded_through == {c for c in through if len(c) <= k}


@settings(max_examples=25, deadline=None)
@given(signed_digraphs(max_nodes=5), st.one_of(st.none(), st.integers(2, 4)))
def test_fallback_search_by_simple_paths_agrees(G, k):
    idx = loops_mod._Indexed(G, None)
    for node in G:
        i = idx.index[node]
        fast = {frozenset(loops_mod._pairs(c)) for c in loops_mod._cycles_through(idx.H, [i], k)}
        scc = next(c for c in nx.strongly_connected_components(idx.H) if i in c)
        slow = {frozenset(loops_mod._pairs(c)) for c in loops_mod._cycles_by_paths(idx.H.subgraph(scc), [i], k)}
        assert fast == slow


def test_the_town_slice_has_the_hand_derived_loops():
    s = town_session()
    G = to_graph(s)
    result = name_loops(find_loops(G), s.stories)
    named = {loop.name: (loop.polarity, set(loop.variables)) for loop in result.loops}
    assert named == {
        "Fællesskab avler frivillige": ("R", {"volunteers", "activities"}),
        "Frivillig-udmattelse": ("B", {"volunteers", "activities", "burnout"}),
        "Overskud–deltagelse": ("R", {"participation", "relations", "belonging", "wellbeing"}),
        "Foreningsvækst": ("R", {"club_participation", "club_capacity"}),
        "Facilitator-afhængighed": ("R", {"facilitation", "ownership"}),
        "Selvkørende": ("B", {"facilitation", "trust_municipality", "involvement", "ownership"}),
    }
    assert (result.count, result.reinforcing, result.balancing, result.unsigned) == (6, 4, 2, 0)
    burnout = next(loop for loop in result.loops if loop.name == "Frivillig-udmattelse")
    assert burnout.delays == 1 and burnout.themes == ("volunteers",)
    assert burnout.labels[0] == "Lokale aktiviteter og mødesteder"  # Danish first: the session's first language
    # loops are ordered by length and start at their first-listed variable
    assert [loop.length for loop in result.loops] == sorted(loop.length for loop in result.loops)
    assert result.by_length() == {2: {"R": 3, "B": 0, "unsigned": 0}, 3: {"R": 0, "B": 1, "unsigned": 0},
                                  4: {"R": 1, "B": 1, "unsigned": 0}}  # fmt: skip


def test_a_link_of_unknown_sign_makes_the_loop_unsigned_never_guessed():
    G = nx.DiGraph()
    G.add_edge("a", "b", polarity="+")
    G.add_edge("b", "a", polarity="?")
    G.add_edge("b", "c", polarity="-")
    G.add_edge("c", "b", polarity="-")
    r = find_loops(G)
    assert {(loop.variables, loop.polarity) for loop in r.loops} == {(("a", "b"), "unsigned"), (("b", "c"), "R")}
    assert r.unsigned == 1 and r.loops[0].links == ("a->b", "b->a")  # graphs without ids get cause->effect


def test_through_accepts_labels_and_cause_effect_and_reports_unknown():
    s = town_session()
    G = to_graph(s)
    by_label = find_loops(G, through="Frivillige kræfter")
    by_id = find_loops(G, through="volunteers")
    assert [loop.variables for loop in by_label.loops] == [loop.variables for loop in by_id.loops]
    assert by_id.count == 2 and by_id.through == "volunteers"
    assert find_loops(G, through="burnout->volunteers").count == 1
    with pytest.raises(NotFoundError, match="no variable or link 'nobody'"):
        find_loops(G, through="nobody")


def test_time_limit_stops_an_explosive_query_and_says_so():
    G = nx.complete_graph(12, create_using=nx.DiGraph)  # ~1.2e8 elementary cycles
    nx.set_edge_attributes(G, 1, "sign")
    start = time.perf_counter()
    r = find_loops(G, time_limit=0.3)
    took = time.perf_counter() - start
    assert not r.complete and r.stopped_by == "time limit" and r.count > 100
    assert took < 0.3 + 0.5  # the clock is checked after every loop (generous slack for a loaded machine)
    assert r.to_json()["complete"] is False


def test_max_count_truncates_only_when_more_exist():
    G = nx.complete_graph(4, create_using=nx.DiGraph)  # 6 two-cycles + 8 three-cycles + 6 four-cycles = 20
    assert find_loops(G).count == 20
    r = find_loops(G, max_count=5)
    assert (r.count, r.complete, r.stopped_by) == (5, False, "max count")
    exact = find_loops(G, max_count=20)
    assert (exact.count, exact.complete) == (20, True)


def test_json_shape_is_exactly_the_documented_one():
    r = find_loops(to_graph(town_session()))
    data = r.to_json()
    assert list(data) == ["count", "reinforcing", "balancing", "unsigned", "complete", "loops"]
    assert set(data["loops"][0]) == {"id", "name", "polarity", "length", "variables", "labels", "links", "themes",
                                     "delays", "stories"}  # fmt: skip


@pytest.mark.parametrize(
    "options, error, field",
    [
        ({"max_length": -1}, InputError, "max_length"),
        ({"max_length": 0}, InputError, "max_length"),
        ({"time_limit": -2.0}, InputError, "time_limit"),
        ({"max_count": 0}, InputError, "max_count"),
        ({"max_length": 2.5}, InputError, "max_length"),
    ],
)
def test_bad_limits_are_named(options, error, field):
    with pytest.raises(error) as info:
        find_loops(to_graph(town_session()), **options)
    assert info.value.field == field


def test_empty_map_and_non_graphs_are_refused():
    with pytest.raises(AnalysisError, match="empty"):
        find_loops(nx.DiGraph())
    with pytest.raises(InputError, match="DiGraph"):
        find_loops(nx.Graph([(1, 2)]))
    with pytest.raises(GmbError):
        covering_loops(nx.DiGraph())


def test_the_graph_is_not_changed():
    G = to_graph(town_session())
    before = copy.deepcopy(G)
    find_loops(G, through="L11")
    covering_loops(G)
    assert nx.utils.graphs_equal(G, before) and G.graph == before.graph


@settings(max_examples=40, deadline=None)
@given(signed_digraphs(max_nodes=7))
def test_covering_loops_cover_every_link_on_a_loop_and_are_independent(G):
    cover = covering_loops(G)
    on_some_loop = {e for c in brute_cycles(G) for e in c}
    covered = set()
    for loop in cover.loops:
        edges = edge_set(loop, G)
        assert all(G.has_edge(*e) for e in edges) and len(set(loop.variables)) == loop.length  # a real cycle
        assert not edges <= covered  # each adds a link not used before: independent
        covered |= edges
    assert covered == on_some_loop
    assert cover.count <= cycle_rank(G)


def test_cycle_rank_by_hand():
    # two loops sharing a link: 3 variables, 4 links, one component: 4 - 3 + 1 = 2
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
    assert cycle_rank(G) == 2
    assert cycle_rank(nx.DiGraph([("a", "b"), ("b", "c")])) == 0


def test_stories_name_loops_by_links_or_by_variables_in_order():
    G = nx.DiGraph()
    for u, v, i in [("a", "b", "L1"), ("b", "c", "L2"), ("c", "a", "L3"), ("b", "a", "L4")]:
        G.add_edge(u, v, id=i, sign=1)
    r = name_loops(find_loops(G), [
        {"title": "by links", "links": ["L3", "L1", "L2"]},
        {"title": "wrong order", "variables": ["a", "c", "b"]},  # a->c does not exist: names nothing
        {"title": "by variables", "variables": ["b", "a"]},
    ])  # fmt: skip
    assert {loop.variables: loop.name for loop in r.loops} == {("a", "b"): "by variables", ("a", "b", "c"): "by links"}
    # a story about several loops names none of them, but each loop it includes lists it
    r = name_loops(find_loops(G), [{"title": "R1 vs B1", "links": ["L1", "L2", "L3", "L4"]},
                                   {"title": "only a-b", "links": ["L1", "L4", "L2"]}])  # fmt: skip
    assert {loop.variables: (loop.name, loop.stories) for loop in r.loops} == {
        ("a", "b"): (None, ("R1 vs B1", "only a-b")), ("a", "b", "c"): (None, ("R1 vs B1",))}  # fmt: skip
