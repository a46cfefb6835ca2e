"""The CLD graph: schema, never mutating inputs, and the way back from networkx."""

import copy

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmb import GRAPH_SCHEMA, from_graph, parse_session, to_graph
from gmb.errors import ValidationError


@st.composite
def sessions(draw):
    n = draw(st.integers(1, 8))
    ids = [f"v{i}" for i in range(n)]
    labels = st.text(alphabet="abcæøåÆØÅ <>\"'&", min_size=1, max_size=10).filter(str.strip)
    variables = [{"id": v, "labels": {"da": draw(labels), "en": draw(labels)},
                  "kind": draw(st.sampled_from(["stock", "auxiliary", "outcome", "unknown"]))} for v in ids]  # fmt: skip
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), unique=True, max_size=20))
    links = [{"id": f"L{k}", "cause": c, "effect": e, "polarity": draw(st.sampled_from("+-?")),
              "delay": draw(st.booleans()), "strength": draw(st.sampled_from(["weak", "medium", "strong", "unknown"])),
              "supporters": draw(st.lists(st.sampled_from(["p1", "p2"]), unique=True))}
             for k, (c, e) in enumerate(pairs) if c != e]  # fmt: skip
    return parse_session({"title": "t", "languages": ["da", "en"],
                          "participants": [{"id": "p1", "name": "A"}, {"id": "p2", "name": "B"}],
                          "variables": variables, "links": links})  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(s=sessions())
def test_round_trip_through_networkx(s):
    G = to_graph(s)
    assert G.graph["schema"] == GRAPH_SCHEMA
    assert G.number_of_nodes() == len(s.variables) and G.number_of_edges() == len(s.links)
    for link in s.links:
        e = G.edges[link.cause, link.effect]
        assert e["sign"] == {"+": 1, "-": -1, "?": 0}[link.polarity.value]
        assert e["support"] == len(set(link.supporters))
    before = copy.deepcopy(G)
    assert from_graph(G, base=s) == s
    assert nx.utils.graphs_equal(G, before) and G.graph == before.graph  # from_graph did not touch G


def test_to_graph_does_not_share_mutable_state():
    s = parse_session({"title": "t", "variables": [{"id": "a", "labels": {"da": "Å"}}, {"id": "b"}],
                       "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"}]})  # fmt: skip
    G = to_graph(s)
    G.nodes["a"]["labels"]["da"] = "changed"
    G.add_edge("b", "a")
    assert s.variable("a").labels["da"] == "Å" and len(s.links) == 1


def test_graph_edited_with_networkx_comes_back():
    s = parse_session({"title": "t", "participants": [{"id": "p", "name": "P"}], "variables": [{"id": "a"}, {"id": "b"}],
                       "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"}]})  # fmt: skip
    G = to_graph(s)
    G.add_node("c", label="Tillid")
    G.add_edge("b", "c", sign=-1)
    G.add_edge("c", "a")  # no sign given: unknown, never guessed
    back = from_graph(G, base=s)
    assert [(l.cause, l.effect, l.polarity.value) for l in back.links] == [
        ("a", "b", "+"),
        ("b", "c", "-"),
        ("c", "a", "?"),
    ]
    assert back.variable("c").label() == "Tillid" and back.participants == s.participants
    assert len({l.id for l in back.links}) == 3


def test_from_graph_refuses_bad_signs_and_multigraphs():
    G = nx.DiGraph()
    G.add_edge("a", "b", sign=2)
    with pytest.raises(ValidationError, match="sign must be"):
        from_graph(G)
    with pytest.raises(ValidationError):
        from_graph(nx.MultiDiGraph())
