"""The session report, the loop/path helpers it uses, and the map/report CLI."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest
from markupsafe import escape
from views_sessions import HOSTILE, small_session

from gmb.cld import to_graph
from gmb.errors import InputError
from gmb.session.store import Store
from gmb.views.report import RESULT_FILES, load_results, report_html, write_report
from gmb.views.structure import find_loops, idea_paths, key_loops, path_sign


# -- loops and paths -------------------------------------------------------------
def test_loops_match_a_hand_count_on_the_small_session():
    G = to_graph(small_session())
    found = find_loops(G)
    got = sorted((tuple(lp["variables"]), lp["polarity"]) for lp in found["loops"])
    # by hand: volunteers <-> communities (+,+) R; volunteers <-> burnout (+,-) B;
    # communities -(-)> loneliness -(-)> wellbeing -(+)> communities: two negatives, R
    assert got == [
        (("ensomhed", "trivsel", "faellesskab"), "R"),
        (("faellesskab", "frivillige"), "R"),
        (("frivillige", "udbraendthed"), "B"),
    ]
    assert found["complete"] is True
    first = key_loops(G, found["loops"])[0]
    assert "trivsel" in first["variables"]  # loops through the outcome come first
    assert first["themes"] == ["mental", "faelles"]


def test_loop_search_is_bounded_and_says_when_truncated():
    G = nx.complete_graph(7, create_using=nx.DiGraph)  # thousands of elementary cycles
    found = find_loops(G, max_length=4, limit=50)
    assert len(found["loops"]) == 50 and found["complete"] is False
    assert all(lp["length"] <= 4 for lp in found["loops"])
    # independent count: cycles of length k in K7 = C(7,k)*(k-1)!, so up to 4: 21 + 70 + 210 = 301
    assert len(find_loops(G, max_length=4, limit=10_000)["loops"]) == 301
    with pytest.raises(InputError):
        find_loops(G, max_length=0)


def test_idea_paths_multiply_signs_and_direction():
    G = to_graph(small_session())
    paths = idea_paths(G)
    krea = paths["krea_cafe"]  # raises communities; communities -(-)> loneliness -(-)> wellbeing
    assert krea["verdict"] == "raises"
    assert [p["variables"] for p in krea["targets"][0]["paths"]] == [["faellesskab", "ensomhed", "trivsel"]]
    lan = paths["lan_fest"]  # lowers screen time: -(-)> activity -(+)> wellbeing => raises; the ? path unknown
    screen = lan["targets"][0]
    assert {tuple(p["variables"]): p["effect"] for p in screen["paths"]} == {
        ("skaermtid", "bevaegelse", "trivsel"): 1,
        ("skaermtid", "ensomhed", "trivsel"): 0,
    }
    assert lan["verdict"] == "raises" and lan["counts"]["unknown"] == 1
    G2 = G.copy()
    G2.graph = {**G.graph, "outcome": None}
    assert idea_paths(G2)["krea_cafe"]["verdict"] == "no outcome"
    assert path_sign(G, ["faellesskab", "ensomhed", "trivsel"]) == 1


def test_idea_paths_mixed_and_no_path():
    G = nx.DiGraph(outcome="o", ideas={
        "both": {"targets": [{"variable": "a", "direction": "+"}]},
        "none": {"targets": [{"variable": "z", "direction": "+"}]},
    })  # fmt: skip
    G.add_edge("a", "o", sign=1)
    G.add_edge("a", "b", sign=1)
    G.add_edge("b", "o", sign=-1)
    G.add_node("z")
    out = idea_paths(G)
    assert out["both"]["verdict"] == "mixed" and out["none"]["verdict"] == "no path"


# -- the report --------------------------------------------------------------------
def _write_results(models):
    models.mkdir(parents=True)
    t = np.linspace(0, 3, 13).tolist()
    (models / "behaviour.json").write_text(json.dumps({
        "variable": "trivsel", "unit": "index",
        "scenarios": {"baseline": {"times": t, "median": [1.0] * 13},
                      "krea_cafe": {"times": t, "median": [1 + 0.01 * i for i in range(13)],
                                    "p5": [1 + 0.005 * i for i in range(13)],
                                    "p95": [1 + 0.015 * i for i in range(13)]}},
    }))  # fmt: skip
    (models / "ranking.json").write_text(json.dumps({"horizon": 3, "runs": 1000, "seed": 42, "ideas": [
        {"idea": "krea_cafe", "median": 0.05, "low": 0.01, "high": 0.1, "p_improve": 0.96},
        {"idea": "lan_fest", "median": -0.01, "low": -0.02, "high": 0.03, "p_improve": 0.4}]}))  # fmt: skip
    (models / "attribution.json").write_text(
        json.dumps(
            {
                "bundle": ["krea_cafe", "lan_fest"],
                "shares": {"krea_cafe": 0.05, "lan_fest": -0.005},
                "interaction": 0.003,
            }
        )
    )
    (models / "assumptions.json").write_text(
        json.dumps({"stocks": ["trivsel"], "strength_ranges": {"weak": [0.05, 0.15]}, "note": HOSTILE[1]}),
        encoding="utf-8",
    )


def test_report_without_results_says_what_is_missing_and_how_to_make_it(tmp_path):
    files = write_report(small_session(), tmp_path / "r", models_dir=tmp_path / "models" / "trivsel", name="trivsel")
    assert sorted(files.missing) == ["assumptions", "attribution", "behaviour", "ranking"]
    page = files.index.read_text("utf-8")
    for key in files.missing:
        fname, cmd = RESULT_FILES[key]
        assert f"models/trivsel/{fname}" in page and cmd.format(name="trivsel") in page
    # the sections the issue asks for, with content from the session
    for text in ("Fokusspørgsmål", "Hvordan styrker vi børns trivsel?", "Overvægt ved skolestart",
                 "1 ud af 7 i Randers",
                 "Åse", "Bjørn", "Havndal Skole", "Mental sundhed", "Frivillige brænder ud", "Krea-café",
                 "Fællesskaber → (−) Ensomhed → (−) Børns trivsel", "hæver målet", "resultaterne er udforskende",
                 "gmb map trivsel --highlight-loop frivillige,udbraendthed"):  # fmt: skip
        assert text in page, text
    assert 'srcdoc="' in page and 'href="map.html"' in page and files.map.is_file()
    assert [p.name for p in files.figures] == ["loops.png", "loops.svg"]
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 1


def test_report_shows_results_when_they_exist(tmp_path):
    models = tmp_path / "models"
    _write_results(models)
    files = write_report(small_session(), tmp_path / "r", models_dir=models, lang="en", name="trivsel")
    assert files.missing == [] and files.problems == []
    page = files.index.read_text("utf-8")
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 4  # loops, behaviour, ranking, attribution
    assert {p.name for p in files.figures} >= {"ranking.png", "ranking.svg", "attribution.svg", "behaviour.png"}
    assert "horizon: 3" in page and "seed: 42" in page and "Craft café, LAN-fest" in page
    assert "results are exploratory" in page and "strength_ranges" in page
    assert str(escape(HOSTILE[1])) in page and HOSTILE[1] not in page  # assumptions text escaped


def test_a_broken_result_file_is_named_and_the_rest_still_written(tmp_path):
    models = tmp_path / "models"
    _write_results(models)
    (models / "ranking.json").write_text('{"ideas": [\n{"idea": "krea_cafe", "median": 1, "low": 2, "high": 3}]}')
    (models / "attribution.json").write_text("{not json")
    files = write_report(small_session(), tmp_path / "r", models_dir=models, lang="en")
    assert len(files.problems) == 2
    assert any("ranking.json" in p and "low ≤ median ≤ high" in p for p in files.problems)
    assert any("attribution.json" in p and "line 1" in p for p in files.problems)
    page = files.index.read_text("utf-8")
    assert "Could not read attribution.json" in page and 'alt="Behaviour over time"' in page
    assert load_results(tmp_path / "nowhere") == {"problems": {}}


def test_report_escapes_every_hostile_string():
    page = report_html(small_session(hostile=True), lang="da")
    iframe = re.search(r'srcdoc="([^"]*)"', page)
    assert iframe, "the map is embedded as one attribute value"
    outside = page.replace(iframe.group(0), "")
    assert "<script" not in outside and "<img" not in outside.replace('<img class="fig"', "")
    assert '<a href="javascript' not in outside
    for text in HOSTILE:
        assert str(escape(text)) in outside
    assert "<script" not in iframe.group(1)  # inside srcdoc everything is an escaped attribute value


def test_report_language_check(tmp_path):
    with pytest.raises(InputError, match="no labels in 'fr'"):
        write_report(small_session(), tmp_path / "r", lang="fr")


# -- CLI -----------------------------------------------------------------------------
@pytest.fixture
def trivsel(tmp_path):
    Store(tmp_path / "sessions").create("trivsel", small_session())
    return "trivsel"


def test_cli_map_and_report(cli, trivsel, tmp_path):
    code, out, err = cli("map", trivsel, "--lang", "en", "--ideas", "--json")
    assert code == 0, err
    assert json.loads(out) == {"path": "trivsel-map.html", "variables": 7, "links": 10, "ideas": 2}
    assert (tmp_path / "trivsel-map.html").is_file()
    code, out, err = cli(
        "map", trivsel, "--out", "c.html", "--layout", "circle", "--highlight-loop", "frivillige,udbraendthed"
    )
    assert code == 0 and "c.html" in out
    assert "Fremhævet sløjfe" in (tmp_path / "c.html").read_text("utf-8")
    code, out, err = cli("map", trivsel, "--highlight-loop", "trivsel,frivillige")
    assert code == 2 and "no link trivsel -> frivillige" in err
    code, out, err = cli("map", trivsel, "--theme", "nope")
    assert code == 2 and "unknown theme" in err
    code, out, err = cli("report", trivsel)
    assert code == 0, err
    assert (tmp_path / "reports" / "trivsel" / "index.html").is_file()
    assert "gmb convert trivsel" in out or "assumptions" in out
    code, out, err = cli("report", trivsel, "--json")
    assert json.loads(out)["missing"] == ["assumptions", "behaviour", "ranking", "attribution"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.html", "reports", "sessions", "trivsel-map.html"]


def test_cli_map_from_an_edge_list(cli, tmp_path):
    (tmp_path / "edges.csv").write_text("from,to,sign\nSøvn,Trivsel,+\nTrivsel,Søvn,-\n", encoding="utf-8")
    code, out, err = cli("map", "edges.csv", "--json")
    assert code == 0, err
    assert json.loads(out)["variables"] == 2 and (tmp_path / "edges-map.html").is_file()


def test_demo_ends_with_the_report_step():
    from gmb.commands.demo import STEPS

    assert STEPS[-1] == "gmb.commands.views:report_step"
