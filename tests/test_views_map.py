"""The interactive map as data and HTML (no browser here; see test_views_browser.py)."""

from __future__ import annotations

import copy
import json
import math
import re

import networkx as nx
import pytest
from markupsafe import escape
from views_sessions import HOSTILE, small_session

from gmb.cld import to_graph
from gmb.errors import InputError, NotFoundError, ValidationError
from gmb.views import style
from gmb.views.layout import circle_order, circle_positions
from gmb.views.map import loop_polarity, map_data, map_html, write_map


@pytest.fixture
def G():
    return to_graph(small_session())


def _snapshot(G):
    return (
        copy.deepcopy(dict(G.graph)),
        [(n, copy.deepcopy(d)) for n, d in G.nodes(data=True)],
        [(u, v, copy.deepcopy(d)) for u, v, d in G.edges(data=True)],
    )


def _payload(page: str) -> dict:
    """The JSON the page hands to vis-network, parsed back (it is plain JSON with \\u escapes)."""
    m = re.search(r"var gmbData = (\{.*?\});\n", page)
    return json.loads(m.group(1))


def test_input_graph_is_never_mutated(G):
    before = _snapshot(G)
    for kw in ({}, {"ideas": True}, {"layout": "circle", "ideas": True}, {"loop": ["frivillige", "udbraendthed"]},
               {"theme": "mental", "width_by": "support", "lang": "en"}):  # fmt: skip
        map_html(G, **kw)
    assert _snapshot(G) == before


def test_one_node_per_variable_one_edge_per_link(G):
    data = map_data(G)
    assert {n["id"] for n in data["nodes"]} == set(G.nodes)
    assert len(data["edges"]) == G.number_of_edges() == 10
    assert {(e["from"], e["to"]) for e in data["edges"]} == set(G.edges)


def test_ideas_become_nodes_pointing_at_their_targets(G):
    data = map_data(G, ideas=True)
    ideas = [n for n in data["nodes"] if n["kind"] == "idea"]
    assert len(ideas) == 2 and len(data["nodes"]) == 9
    idea_edges = sorted((e["from"], e["to"], e["label"]) for e in data["edges"] if e.get("idea"))
    assert idea_edges == [
        ("idea krea_cafe", "faellesskab", "+"),
        ("idea lan_fest", "frivillige", "+"),
        ("idea lan_fest", "skaermtid", "−"),
    ]
    assert data["meta"]["counts"] == {"variables": 7, "links": 10, "ideas": 2, "idea_links": 3}
    # without the option the bank is not drawn, but its targets are still marked
    plain = {n["id"]: n for n in map_data(G)["nodes"]}
    assert plain["faellesskab"]["color"]["border"] == style.TARGET_BORDER
    assert plain["ensomhed"]["color"]["border"] != style.TARGET_BORDER


def test_styles_follow_kind_theme_outcome_polarity_delay_strength(G):
    data = map_data(G, lang="en")
    nodes = {n["id"]: n for n in data["nodes"]}
    edges = {e["id"]: e for e in data["edges"]}
    assert nodes["trivsel"]["shape"] == "box" and nodes["ensomhed"]["shape"] == "ellipse"
    assert nodes["skaermtid"]["shapeProperties"]["borderDashes"]  # exogenous: dashed border
    assert nodes["trivsel"]["color"]["border"] == style.OUTCOME_BORDER and nodes["trivsel"]["borderWidth"] == 5
    fills = style.theme_colours(["mental", "faelles"])
    assert nodes["ensomhed"]["color"]["background"] == fills["mental"]
    assert nodes["frivillige"]["color"]["background"] == fills["faelles"]
    assert nodes["skaermtid"]["color"]["background"] == style.NO_THEME
    assert edges["L1"]["color"]["color"] == style.POLARITY_STYLE["-"]["color"] and edges["L1"]["dashes"]
    assert edges["L3"]["dashes"] is False and edges["L3"]["label"] == "+"
    assert edges["L2"]["label"] == "− ||" and edges["L10"]["label"] == "?"
    assert (edges["L3"]["width"], edges["L2"]["width"], edges["L1"]["width"]) == (1.0, 2.5, 4.5)
    support = {e["id"]: e["width"] for e in map_data(G, width_by="support")["edges"]}
    assert support["L1"] == style.support_width(3) > support["L3"] == style.support_width(0)


def test_tooltips_carry_both_languages_provenance_and_support(G):
    people = {"p1": "Åse", "p2": "Bjørn", "p3": "Søren"}
    data = map_data(G, people=people, lang="da")
    node = next(n for n in data["nodes"] if n["id"] == "trivsel")
    assert node["label"] == "Børns trivsel"
    # what participants see: names, Danish words (the kind translated), no ids or language codes
    for text in ("Hvordan børnene har det", "foreslået af: Åse", "workshop: W1", "type: mål"):
        assert text in node["title"]
    assert "(p1)" not in node["title"] and "en: " not in node["title"] and "outcome" not in node["title"]
    assert node["titles"]["da"][0] == node["title"]
    # the researcher's view adds every label and the ids
    for text in ("da: Børns trivsel", "en: Children's wellbeing", "foreslået af: Åse (p1)"):
        assert text in node["titles"]["da"][1]
    # the English texts are in the page too, for its language switch
    assert "kind: outcome" in node["titles"]["en"][0] and "proposed by: Åse" in node["titles"]["en"][0]
    edge = next(e for e in data["edges"] if e["id"] == "L1")
    assert "støttet af 2: Bjørn, Søren" in edge["title"]
    assert "støttet af 2: Bjørn (p2), Søren (p3)" in edge["titles"]["da"][1]
    assert "Ensomhed → Børns trivsel" in edge["title"]
    target = next(n for n in data["nodes"] if n["id"] == "faellesskab")
    assert "Krea-café (+, 3 stemmer)" in target["title"]
    en = map_data(G, lang="en", ideas=True)
    idea = next(n for n in en["nodes"] if n["id"] == "idea krea_cafe")
    assert idea["label"] == "Craft café" and "votes 3" in idea["title"] and "feasibility: 4/5" in idea["title"]


def test_language_switch_and_unknown_language(G):
    assert {n["label"] for n in map_data(G, lang="en")["nodes"]} >= {"Loneliness", "Burnout"}
    assert "Forklaring" in map_html(G, lang="da") and "Legend" in map_html(G, lang="en")
    with pytest.raises(InputError, match="no labels in 'fr'") as err:
        map_data(G, lang="fr")
    assert "da, en" in str(err.value)


def test_highlight_loop_fades_the_rest_and_names_the_polarity(G):
    data = map_data(G, loop=["frivillige", "udbraendthed"], lang="en")
    assert data["legend"]["highlight"]["polarity"] == "B"
    assert data["legend"]["highlight"]["text"] == "Volunteers → Burnout → Volunteers"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["trivsel"]["color"]["background"] == style.FADED["fill"]
    assert nodes["frivillige"]["color"]["background"] != style.FADED["fill"]
    bright = {e["id"] for e in data["edges"] if e["color"]["color"] != style.FADED["edge"]}
    assert bright == {"L6", "L7"}
    r = map_data(G, loop=["faellesskab", "frivillige"])["legend"]["highlight"]
    assert r["polarity"] == "R" and "forstærkende" in r["kind"]


def test_highlight_errors_name_the_problem(G):
    with pytest.raises(ValidationError, match="no link trivsel -> frivillige"):
        map_data(G, loop=["trivsel", "frivillige"])
    with pytest.raises(NotFoundError, match="'nope'"):
        map_data(G, loop=["trivsel", "nope"])
    with pytest.raises(InputError, match="at least two"):
        map_data(G, loop=["trivsel"])
    with pytest.raises(NotFoundError, match="unknown theme 'sport'") as err:
        map_data(G, theme="sport")
    assert "mental" in str(err.value)
    with pytest.raises(InputError, match="unknown layout"):
        map_data(G, layout="spiral")
    with pytest.raises(InputError, match="DiGraph"):
        map_data(nx.Graph())


def test_highlight_theme(G):
    data = map_data(G, theme="faelles", lang="en")
    assert data["legend"]["highlight"]["text"] == "Communities"
    bright = {n["id"] for n in data["nodes"] if n["color"]["background"] != style.FADED["fill"]}
    assert bright == {"faellesskab", "frivillige", "udbraendthed"}


def test_loop_polarity_counts_negative_links():
    G = nx.DiGraph()
    nx.add_cycle(G, ["a", "b", "c"], sign=-1)
    assert loop_polarity(G, ["a", "b", "c"]) == "B"
    G.edges["a", "b"]["sign"] = 1
    assert loop_polarity(G, ["a", "b", "c"]) == "R"
    G.edges["a", "b"]["sign"] = 0
    assert loop_polarity(G, ["a", "b", "c"]) == "?"


def test_circle_layout_places_every_variable_on_one_circle_grouped_by_theme(G):
    data = map_data(G, layout="circle", ideas=True)
    assert data["options"]["physics"]["enabled"] is False
    var_nodes = [n for n in data["nodes"] if n["kind"] != "idea"]
    radii = {round(math.hypot(n["x"], n["y"]), 1) for n in var_nodes}
    assert len(radii) == 1  # all on the same circle
    (radius,) = radii
    ideas = [n for n in data["nodes"] if n["kind"] == "idea"]
    assert ideas and all(math.hypot(n["x"], n["y"]) > radius + 100 for n in ideas)  # ideas outside it
    order = circle_order(G)
    assert order[:3] == [
        "bevaegelse",
        "trivsel",
        "ensomhed",
    ]  # theme "mental" first, then by label (Bevægelse, Børns…, Ensomhed)
    assert order[-1] == "skaermtid"  # no theme last
    pos = circle_positions(G, order=["skaermtid"], radius=100)
    assert pos["skaermtid"] == (0.0, -100.0)  # the first in order at 12 o'clock
    with pytest.raises(NotFoundError):
        circle_positions(G, order=["nope"])


def test_force_layout_stabilises_then_stops(G):
    data = map_data(G)
    assert data["options"]["physics"]["enabled"] is True
    assert data["options"]["physics"]["stabilization"]["enabled"] is True
    page = map_html(G)
    assert "network.setOptions({physics: {enabled: false}})" in page


def test_page_is_self_contained_and_writes_only_the_given_file(G, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = write_map(G, tmp_path / "out" / "kort.html", lang="da")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["out", "out/kort.html"]
    page = out.read_text("utf-8")
    # no resource is fetched: no src/href attributes pointing anywhere, no CDN
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", page)
    assert "cdnjs" not in page and "jsdelivr" not in page and "lib/bindings" not in page
    assert "Børns trivsel" in page  # UTF-8 kept
    assert _payload(page)["meta"]["counts"]["variables"] == 7
    with pytest.raises(InputError, match="folder"):
        write_map(G, tmp_path)


def test_hostile_labels_are_escaped_everywhere():
    G = to_graph(small_session(hostile=True))
    page = map_html(G, ideas=True, people={"p3": HOSTILE[1]})
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    assert len(scripts) == 2  # vis-network and our data: no third script was injected
    outside = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    assert "<img" not in outside and "<script>window" not in outside and "<a href" not in outside
    assert str(escape(HOSTILE[0])) in outside  # the title, shown literally
    data = _payload(page)
    labels = {n["label"] for n in data["nodes"]}
    assert set(HOSTILE) <= labels  # the JSON carries the exact text; vis shows it with innerText
    payload = re.search(r"var gmbData = (\{.*?\});\n", scripts[1]).group(1)
    assert "</script" not in scripts[1] and "<" not in payload
    # the rest of the script is our own code, the same whatever the labels say
    plain = re.findall(r"<script>(.*?)</script>", map_html(to_graph(small_session()), ideas=True), flags=re.DOTALL)[1]
    assert scripts[1].replace(payload, "") == plain.replace(
        re.search(r"var gmbData = (\{.*?\});\n", plain).group(1), ""
    )


def test_graph_from_elsewhere_with_int_nodes_and_enum_free_attrs():
    G = nx.DiGraph()
    G.add_edge(1, 2, sign=-1)
    G.add_edge(2, 1, polarity="+")
    data = map_data(G)
    assert [n["id"] for n in data["nodes"]] == ["1", "2"]
    assert [e["label"] for e in data["edges"]] == ["−", "+"]
