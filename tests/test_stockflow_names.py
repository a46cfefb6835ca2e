"""Name sanitising: any label gives a valid, unique, injection-free identifier."""

from __future__ import annotations

import re

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from gmb.stockflow.names import MAX_LEN, RESERVED, Namer, identifier, is_valid

NASTY = [
    "Børns mentale sundhed og trivsel",
    "BØRNS MENTALE SUNDHED OG TRIVSEL",
    "Forældres overskud (tid/energi)",
    "Quote \" and ' and `tick`",
    "a = 1 | b ~ c",
    '</doc><aux name="x"><eqn>1/0</eqn></aux>',
    "INTEG(x, 1)",
    "time",
    "TIME STEP",
    "x" * 500,
    "x" * 500 + "y",
    "",
    "   ",
    "🙂",
    "123 start with digits",
    "if",
    "smth1",
    "__import__('os')",
]


def test_examples_are_readable():
    assert identifier("Børns mentale sundhed og trivsel") == "boerns_mentale_sundhed_og_trivsel"
    assert identifier("Forældres overskud (tid/energi)") == "foraeldres_overskud_tid_energi"
    assert identifier("Café – Åbent") == "cafe_aabent"
    assert identifier("time") == "time_var"
    assert identifier("TIME STEP") == "time_step_var"


def test_long_labels_are_cut_and_stay_distinct():
    a, b = identifier("x" * 500), identifier("x" * 500 + "y")
    assert len(a) <= MAX_LEN and len(b) <= MAX_LEN and a != b


def test_namer_dedupes_what_sanitises_to_the_same():
    n = Namer()
    names = [n.claim(label) for label in NASTY]
    assert len(set(names)) == len(names)
    assert all(is_valid(x) for x in names)
    # "Børns…" and "BØRNS…" collide after sanitising; the second gets a suffix
    assert names[1] == names[0] + "_2"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=120), min_size=1, max_size=25))
def test_any_labels_give_valid_unique_identifiers(labels):
    n = Namer()
    names = [n.claim(label) for label in labels]
    for name in names:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert len(name) <= MAX_LEN
        assert name not in RESERVED
        assert "__" not in name and not name.endswith("_")
    # unique as XMILE and Vensim compare names: case-insensitive, space == underscore
    assert len({x.lower().replace("_", " ") for x in names}) == len(names)
    # deterministic
    again = Namer()
    assert [again.claim(label) for label in labels] == names


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), min_size=2, max_size=6, unique=True))
def test_any_labels_make_a_well_formed_xmile_and_mdl(labels):
    """Labels end up only in documentation; the XML parses and every element is ours."""
    import xml.etree.ElementTree as ET

    from gmb.stockflow.convert import to_stockflow
    from gmb.stockflow.write_mdl import to_mdl
    from gmb.stockflow.write_xmile import XMILE_NS, to_xmile

    G = nx.DiGraph(outcome="v0")
    for i, label in enumerate(labels):
        G.add_node(f"v{i}", label=label, labels={"da": label})
    for i in range(1, len(labels)):
        G.add_edge(f"v{i}", "v0", id=f"L{i}", sign=1 if i % 2 else -1, strength="weak", delay=bool(i % 3 == 0))
    m = to_stockflow(G)
    root = ET.fromstring(to_xmile(m).encode("utf-8"))
    got = {el.get("name") for el in root.iter(f"{{{XMILE_NS}}}aux")} | {
        el.get("name") for el in root.iter(f"{{{XMILE_NS}}}stock")
    }
    assert {el.name for el in m.variables} <= got
    mdl = to_mdl(m)
    # every entry has exactly the fields we wrote: name = eq ~ units ~ doc |
    body = mdl.split(".Control", 1)[0]
    entries = [e for e in body.split("|") if "=" in e]
    assert all(e.count("~") == 2 for e in entries)
    assert len(entries) == len(list(m)) - len(m.lookups)
