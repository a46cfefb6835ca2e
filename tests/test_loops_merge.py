"""Merging participants' maps, and the connection circle."""

from __future__ import annotations

import copy
import csv
import math
from collections import defaultdict

import networkx as nx
import pytest

from gmb.cld import to_graph
from gmb.cld.circle import connection_circle
from gmb.cld.merge import merge_maps
from gmb.errors import InputError, NotFoundError
from gmb.io.csv_edges import read_edge_csv
from gmb.session.model import Link, Participant, Session, Variable
from tests.conftest import EXTERNAL, external_file
from tests.loops_town import town_session


def person_map(who: str, links: list[tuple[str, str, str]], labels: dict[str, str] | None = None) -> Session:
    names = dict.fromkeys(x for c, e, _ in links for x in (c, e))
    return Session(
        title=who, participants=(Participant(id=who, name=who),),
        variables=tuple(Variable(id=v, labels={"en": (labels or {}).get(v, v)}) for v in names),
        links=tuple(Link(id=f"L{i + 1}", cause=c, effect=e, polarity=s, proposed_by=who)
                    for i, (c, e, s) in enumerate(links)),
    )  # fmt: skip


def test_counts_conflicts_and_provenance():
    maps = [
        person_map("ann", [("sleep", "mood", "+"), ("screens", "sleep", "-")]),
        person_map("bo", [("sleep", "mood", "+"), ("screens", "sleep", "+")]),
        person_map("cy", [("sleep", "mood", "?"), ("mood", "sleep", "+")]),
    ]
    before = copy.deepcopy(maps)
    m = merge_maps(maps)
    assert maps == before  # inputs unchanged
    by_pair = {(l.cause, l.effect): l for l in m.links}
    sm = by_pair["sleep", "mood"]
    assert (sm.support, sm.proposers, sm.polarity, sm.conflict) == (3, ("ann", "bo", "cy"), "+", False)
    assert sm.signs == {"+": ("ann", "bo"), "?": ("cy",)}
    ss = by_pair["screens", "sleep"]
    assert ss.conflict and ss.polarity == "?" and ss.signs == {"-": ("ann",), "+": ("bo",)}  # never guessed
    assert [l.id for l in m.conflicts] == [ss.id]
    assert ss.sources == (("ann", "L2"), ("bo", "L2"))
    link = m.session.link(ss.id)
    assert "CONFLICTING POLARITY" in link.notes and "ann L2" in link.notes
    assert (link.proposed_by, link.supporters) == ("ann", ("bo",))
    assert to_graph(m.session).edges["sleep", "mood"]["support"] == 3
    assert {p.id for p in m.session.participants} == {"ann", "bo", "cy"}


def test_synonyms_by_id_or_label_merge_variables_and_drop_self_links():
    a = person_map("ann", [("søvn", "trivsel", "+")], labels={"søvn": "Søvn"})
    b = person_map("bo", [("sleep_quality", "trivsel", "+"), ("sleep_quality", "søvn", "+")],
                   labels={"sleep_quality": "Sleep quality"})  # fmt: skip
    m = merge_maps([a, b], synonyms={"Sleep Quality": "Søvn", "unused thing": "x"})
    assert [v.id for v in m.session.variables] == ["søvn", "trivsel"]
    (link,) = m.links
    assert (link.cause, link.effect, link.support) == ("søvn", "trivsel", 2)
    assert m.renamed == {"bo:sleep_quality": "søvn"}
    assert len(m.dropped) == 1 and "same variable" in m.dropped[0]
    assert m.unused_synonyms == ("unused thing",)
    assert m.session.variable("søvn").labels == {"en": "Søvn"} and "Sleep quality" in m.session.variable("søvn").notes
    with pytest.raises(InputError, match="circle"):
        merge_maps([a, b], synonyms={"søvn": "sleep_quality", "sleep_quality": "søvn"})


def test_one_session_with_stories_and_ideas_keeps_them_remapped():
    s = town_session()
    m = merge_maps([s], synonyms={"club_capacity": "club_participation"})
    assert len(m.session.variables) == len(s.variables) - 1
    assert not m.session.links or all(l.cause != l.effect for l in m.session.links)
    clubs = m.session.idea("clubs")
    assert clubs.targets[0].variable == "club_participation"
    assert m.session.outcome == "wellbeing" and len(m.session.stories) == len(s.stories)
    assert {l.id for l in m.session.links} <= {l.id for l in s.links}  # one map: link ids kept


def test_merging_the_lake_urmia_participants_counts_like_the_csv_files():
    files = sorted((EXTERNAL / "_derived").glob("lake_urmia_Participant_*.edges.csv")) if EXTERNAL.is_dir() else []
    if not files:
        external_file("_derived", "lake_urmia_Participant_1.edges.csv")  # skips
    maps = [read_edge_csv(f) for f in files]
    names = [f.name.split(".")[0].removeprefix("lake_urmia_") for f in files]
    m = merge_maps(maps, contributors=names, names=names)
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)  # independently: straight from the CSV rows
    for f, who in zip(files, names):
        with open(f, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                expected[row["from"].strip().lower(), row["to"].strip().lower()].add(who)
    labels = {v.id: v.label().lower() for v in m.session.variables}
    got = {(labels[l.cause], labels[l.effect]): set(l.proposers) for l in m.links}
    assert got == dict(expected)
    assert max(len(v) for v in expected.values()) == max(l.support for l in m.links) > 1
    assert len(m.session.participants) == len(files)


def test_merge_errors():
    with pytest.raises(InputError):
        merge_maps([])
    with pytest.raises(InputError, match="contributors"):
        merge_maps([town_session()], contributors=["a", "b"])


def test_merge_accepts_graphs():
    G = nx.DiGraph()
    G.add_edge("a", "b", sign=1)
    H = nx.DiGraph()
    H.add_edge("a", "b", sign=-1)
    m = merge_maps([G, H], contributors=["g", "h"], names=["G", "H"])
    assert m.links[0].conflict and m.links[0].proposers == ("g", "h")


# -- connection circle -------------------------------------------------------------------------------
def test_points_lie_on_the_circle_evenly_clockwise_from_the_top():
    G = to_graph(town_session())
    c = connection_circle(G, radius=2.0)
    n = G.number_of_nodes()
    assert [p.variable for p in c.points] == list(G)
    for i, p in enumerate(c.points):
        assert math.hypot(p.x, p.y) == pytest.approx(2.0, abs=2e-3)
        assert p.angle == pytest.approx(360 * i / n, abs=1e-3)
    assert (c.points[0].x, c.points[0].y) == (0.0, 2.0)
    assert c.points[n // 4].x > 0  # clockwise: the quarter point is to the right
    assert len(c.links) == G.number_of_edges()
    on_loop = {l.id for l in c.links if l.on_loop}
    assert "L11" in on_loop and "L33" not in on_loop  # volunteers->activities is on R1; bike paths on none
    assert c.to_json()["points"][0]["variable"] == "wellbeing"


def test_circle_orders():
    G = to_graph(town_session())
    themed = connection_circle(G, order="themes")
    firsts = [p.themes[0] for p in themed.points]
    assert firsts == sorted(firsts, key=["social", "volunteers", "sport", "governance"].index)
    given = connection_circle(G, order=["burnout", "volunteers"])
    assert [p.variable for p in given.points][:2] == ["burnout", "volunteers"] and len(given.points) == len(G)
    with pytest.raises(NotFoundError):
        connection_circle(G, order=["nope"])
    with pytest.raises(InputError):
        connection_circle(G, order=["burnout", "burnout"])
    with pytest.raises(InputError):
        connection_circle(G, order="alphabet")
    with pytest.raises(InputError):
        connection_circle(G, radius=0)
