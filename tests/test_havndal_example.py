"""The shipped Havndal example: content, provenance, reproducibility.

Expectations are written from havndal-reference.md (§4.1 variables, §4.2 links, §4.3 loops, §5
idea targets) in its own V-numbers, independently of the builder's tables; the session's variable
notes ("Reference V12 …") map V-numbers to the readable ids.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path

import networkx as nx
import pytest

from gmb.cld.graph import to_graph
from gmb.examples import example_dir, load_example
from gmb.session.events import replay
from gmb.session.store import Store, session_to_json

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = example_dir("havndal")
COPY = ROOT / "sessions" / "havndal"
FILES = ("session.json", "events.jsonl")

# havndal-reference §4.3, with the variable numbers of §4.1: (type, cycle)
NAMED_LOOPS = {
    "R1": ("R", "V9 V8"),
    "B1": ("B", "V9 V8 V10"),
    "R2": ("R", "V2 V5 V3 V1"),
    "R2b": ("R", "V2 V5 V4 V1"),
    "R3": ("R", "V9 V6 V33 V32 V8"),
    "R4": ("R", "V30 V8"),
    "R4b": ("R", "V30 V36 V8"),
    "R5": ("R", "V31 V30"),
    "R6": ("R", "V35 V9 V8"),
    "R7": ("R", "V12 V11"),
    "R8": ("R", "V24 V29 V21"),
    "R9": ("R", "V34 V32"),
    "B4": ("B", "V34 V40 V33 V32"),
    "B2": ("B", "V24 V37 V13"),
    "B3": ("B", "V1 V37"),
    "R10": ("R", "V1 V37 V38 V2 V5 V3"),
}
# havndal-reference §5: the seven ideas and the variables they act on (all raised)
IDEA_TARGETS = {
    "bike_paths": {"V15", "V7"},
    "playgrounds": {"V17"},
    "soestien": {"V18"},
    "krea_cafe": {"V8", "V2", "V5"},
    "games_generations": {"V8", "V2", "V5"},
    "lan_party": {"V8", "V2"},
    "faellesspisning": {"V8", "V5", "V3", "V6"},
}
# a few real people named in the handbook (seed 003 contact lines): none may appear
REAL_NAMES = ("Ulla", "Aldahl", "Mette", "Bredsgaard", "Vibeke", "Kristina", "Vanja", "Malene", "Pernille")


@pytest.fixture(scope="module")
def session():
    return load_example("havndal")


@pytest.fixture(scope="module")
def V(session) -> dict[str, str]:
    """Reference V-number -> variable id, read from the variables' notes."""
    out = {}
    for v in session.variables:
        m = re.match(r"Reference (V\d+) ", v.notes)
        if m:
            out[m.group(1)] = v.id
    return out


@pytest.fixture(scope="module")
def G(session):
    return to_graph(session)


def test_size_and_reference_coverage(session, V):
    assert len(session.variables) >= 30
    assert len(session.links) >= 50
    assert sorted(V) == sorted(f"V{i}" for i in range(1, 41))  # all 40 reference variables
    link_ids = {link.id for link in session.links}
    expected = {f"L{i}" for i in range(1, 70)} - {"L25", "L57", "L58", "L65"}
    expected |= {"L25a", "L25b", "L57a", "L57b", "L58a", "L58b", "L65a", "L65b"}
    assert expected <= link_ids
    assert all(link.polarity.value in "+-" for link in session.links if link.id in expected)


def test_reference_links_keep_evidence_and_seed_lines(session, V):
    for link in session.links:
        assert link.evidence, link.id
        if link.id.startswith("L"):
            assert re.search(r"Seed 003 L\d+", link.notes), link.id
            assert re.match(r"(S|I|Inf)\b", link.evidence), link.evidence
        else:
            assert link.evidence == "candidate (Inf)" and link.strength.value in ("weak", "unknown")
    L = {link.id: link for link in session.links}
    # spot checks against §4.2: sign, ends and evidence code
    assert (L["L14"].cause, L["L14"].effect, L["L14"].polarity.value) == (V["V10"], V["V9"], "-")
    assert (L["L25a"].cause, L["L25b"].cause) == (V["V31"], V["V30"])
    assert L["L7"].evidence == "S (adults)" and L["L65b"].evidence == "Inf"
    assert (L["L58b"].cause, L["L58b"].effect) == (V["V36"], V["V13"])
    # strength follows the evidence (session notes): plain S strong, I medium, Inf weak
    assert L["L1"].strength.value == "strong"
    assert L["L10"].strength.value == "medium"
    assert L["L65a"].strength.value == "weak"
    assert L["L44"].delay and not L["L2"].delay  # overweight responds slowly; trust→safety does not


def test_connection_circle_candidates(session):
    by_pair = {(link.cause, link.effect): link for link in session.links}
    ids = {v.id for v in session.variables}
    for extra in ("technology_use", "fitness_centre", "advertising", "meals_per_day"):
        assert extra in ids and session.variable(extra).stage == "W1"
    assert by_pair[("meals_per_day", "junk_food")].polarity.value == "?"  # sign unclear in §4.4
    assert by_pair[("screen_time", "sleep")].polarity.value == "-"


def test_labels_in_both_languages(session):
    assert session.languages == ("da", "en")
    for item in (*session.variables, *session.themes, *session.ideas, *session.initiatives):
        assert item.labels.get("da") and item.labels.get("en"), item.id
    assert session.variable(session.outcome_variable).label("da") == "Børns mentale sundhed og trivsel"


def test_outcome_and_focus(session, V):
    assert session.outcome == V["V1"] == session.outcome_variable
    assert session.variable(V["V1"]).kind.value == "outcome"
    assert "children's and young people's mental health in Havndal" in session.focus
    assert "mental sundhed for børn og unge i Havndal" in session.focus
    assert session.place == "Havndal, Randers Kommune"


def test_kinds_exogenous_have_no_causes_and_stocks_cut_every_loop(session, G):
    candidates = {(link.cause, link.effect) for link in session.links if link.id.startswith("C")}
    for v in session.variables:
        causes = [u for u in G.predecessors(v.id) if (u, v.id) not in candidates]
        if v.kind.value == "exogenous":
            assert not causes, v.id
        elif v.kind.value != "outcome":
            assert causes, f"{v.id} has no causes but is {v.kind.value}"
    cut = [v.id for v in session.variables if v.kind.value in ("stock", "outcome")]
    H = G.copy()
    H.remove_nodes_from(cut)
    assert nx.is_directed_acyclic_graph(H)  # every feedback loop passes through a stock


def _canonical(cycle: list[str]) -> tuple[str, ...]:
    i = cycle.index(min(cycle))
    return tuple(cycle[i:] + cycle[:i])


@pytest.mark.parametrize("name", sorted(NAMED_LOOPS))
def test_named_loop_present_with_polarity(name, G, V):
    kind, refs = NAMED_LOOPS[name]
    cycle = [V[r] for r in refs.split()]
    cycles = {_canonical(c) for c in nx.simple_cycles(G, length_bound=len(cycle))}
    assert _canonical(cycle) in cycles
    minus = sum(G.edges[a, b]["polarity"] == "-" for a, b in zip(cycle, cycle[1:] + cycle[:1]))
    assert ("R" if minus % 2 == 0 else "B") == kind, f"{name}: {minus} negative links"


def test_ideas_and_targets(session, V):
    assert {i.id for i in session.ideas} == set(IDEA_TARGETS)
    ids = {v.id for v in session.variables}
    w3 = set(next(s for s in session.stages if s.id == "W3").participants)
    for idea in session.ideas:
        assert {t.variable for t in idea.targets} == {V[r] for r in IDEA_TARGETS[idea.id]}
        assert all(t.variable in ids and t.direction == "+" for t in idea.targets)
        assert idea.votes and set(idea.votes) <= w3
        assert idea.feasibility is not None and 1 <= idea.feasibility <= 5 and idea.working_group
        assert "illustrative" in idea.notes
    assert "illustrative" in session.notes.lower()


def test_participants_are_roles_with_pseudonyms(session):
    pattern = re.compile(r"([FMRPKB])\d{2} · (.+)")
    codes = set()
    for p in session.participants:
        m = pattern.fullmatch(p.name)
        assert m, p.name
        assert m.group(2) == p.title  # the display name is code + role title, nothing personal
        codes.add(p.name[:3])
        assert not any(n.lower() in f"{p.id} {p.name} {p.organisation}".lower() for n in REAL_NAMES), p
    assert len(codes) == len(session.participants)
    titles = " ".join(p.title for p in session.participants)
    for role in ("skoleleder", "sundhedsplejerske", "brugsuddeler", "idrætsforeningen", "familierådgiver",
                 "bosætningskonsulent", "PPR", "Bevæg dig for livet", "arkitekt"):  # fmt: skip
        assert role in titles
    assert {p.role.value for p in session.participants} == {
        "facilitator", "modeller", "recorder", "participant", "resource_person"
    }  # fmt: skip


def test_every_element_has_a_stage_and_a_proposer(session):
    people = {p.id for p in session.participants}
    for item in (*session.variables, *session.links, *session.initiatives, *session.ideas):
        assert item.stage in ("W0", "W1", "W2", "W3"), item.id
        assert item.proposed_by in people, item.id
    for story in session.stories:
        assert story.stage == "W2" and story.author in people
    assert {i.stage for i in (*session.initiatives, *session.ideas)} == {"W3"}
    assert [s.id for s in session.stages] == ["W0", "W1", "W2", "W3"]
    for st in session.stages:
        assert st.purpose and st.inputs and st.activities and st.outputs and st.participants
        assert {r.role.value for r in st.roles} == {
            "facilitator", "modeller", "recorder", "participant", "resource_person"
        }  # fmt: skip


def test_log_tells_the_workshops_in_order(session):
    events = Store(SHIPPED.parent).events("havndal")
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.at <= b.at for a, b in itertools.pairwise(events))
    dates = {s.id: s.date for s in session.stages}
    for item in (*session.variables, *session.links, *session.ideas, *session.initiatives):
        assert item.proposed_at.date() == dates[item.stage], item.id  # added on its workshop's day
    assert all(e.by for e in events)


def test_themes_and_stories(session, V):
    assert {t.id: t.labels["da"] for t in session.themes} == {
        "mental_health": "mental sundhed", "communities": "fællesskaber"
    }  # fmt: skip
    assert session.variable(V["V1"]).themes == ("mental_health",)
    for theme in ("mental_health", "communities"):
        assert any(s.theme == theme for s in session.stories)
    links = {link.id: link for link in session.links}
    for story in session.stories:
        assert "English:" in story.text and story.links
        for lid in story.links:
            assert links[lid].cause in story.variables and links[lid].effect in story.variables


def test_w0_indicators(session):
    by_id = {i.id: i for i in session.indicators}
    ow = by_id["overweight_school_start"]
    assert ow.value == pytest.approx(1 / 4) and "1 in 7" in ow.comparison and "L6056–6060" in ow.source
    survey = [i for i in session.indicators if i.id.startswith("survey_")]
    assert survey and all(i.value is None and "not reported" in i.notes for i in survey)


def test_existing_initiatives(session, V):
    house = next(i for i in session.initiatives if i.id == "health_house")
    assert "25 h/week" in house.description and V["V34"] in house.variables
    assert {"sundhedshoejskolen", "soup_kitchen", "bevaeg_dig_for_livet"} <= {i.id for i in session.initiatives}


def test_copies_identical_and_replay_equals_snapshot(session):
    for name in FILES:
        assert (SHIPPED / name).read_bytes() == (COPY / name).read_bytes(), name
    events = Store(SHIPPED.parent).events("havndal")
    rebuilt = replay(events)
    assert rebuilt == session
    assert (SHIPPED / "session.json").read_text("utf-8") == session_to_json(rebuilt, last_event=events[-1].seq)


def test_builder_reproduces_the_shipped_bytes(tmp_path):
    spec = importlib.util.spec_from_file_location("build_havndal", ROOT / "tools" / "build_havndal.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    assert builder.main([str(tmp_path)]) == 0
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
