"""`gmb rank` checks leave-one-link-out by default; the CLI, the JSON and the report (da/en) say which ideas
rest on one uncertain link (issue 13, item 4)."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import pytest
from markupsafe import escape
from views_sessions import HOSTILE, small_session

from gmb.views.report import write_report

C7_LABEL = "Børns fysiske aktivitet → Børns mentale sundhed og trivsel"


@pytest.fixture
def havndal_dir(tmp_path):
    from gmb.examples import example_dir

    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    return tmp_path


def _rank(cli, *extra):
    return cli("rank", "havndal", "--runs", "100", "--no-variants", *extra)


def test_rank_json_says_which_ideas_rest_on_c7_and_the_report_says_it_in_both_languages(cli, havndal_dir):
    code, out, err = _rank(cli, "--json")
    assert code == 0, err
    r = json.loads(out)
    rows = {row["idea"]: row for row in r["ideas"]}
    for idea in ("playgrounds", "soestien"):
        row = rows[idea]
        assert row["depends_on"] == ["C7"], row["depends_on"]
        c7 = next(f for f in row["flips"] if f["link"] == "C7")
        # without the candidate link the idea no longer improves the outcome in most draws
        assert c7["verdict"] != "improves" and c7["p_improves"] < 0.5 and c7["p_present"] == 0.75
        assert row["robustness"]["verdict"] == "improves" and "only through C7" in row["robustness"]["sentence"]
        assert all(set(x) == {"link", "label", "rank"} for x in row["rank_changes"])
    fs = rows["faellesspisning"]
    assert fs["depends_on"] == [] and fs["flips"] == [] and fs["robustness"]["sentence"] is None
    rb = r["robustness"]
    assert rb["meta"]["runs"] == 100 and rb["meta"]["links_checked"] > 10 and rb["meta"]["structure_sampled"]
    assert sorted(rb["depends_on_one_link"]) == ["playgrounds", "soestien"]
    # the structural verdict sits beside it (gmb rank adds it); it is not overwritten by the link check's verdict
    assert rows["playgrounds"]["verdict"] in ("positive", "negative", "mixed", "unknown", "none")

    # the report reads the saved ranking.json: the whole page in Danish, the scenario words in English
    from gmb.commands.views import write_report_for
    from gmb.examples import load_example
    from gmb.views.report_scenarios import scenario_text

    files = write_report_for(load_example("havndal"), havndal_dir / "r", havndal_dir / "models" / "havndal",
                             lang="da", name="havndal")  # fmt: skip
    page = files.index.read_text("utf-8")
    for w in ("forbedrer målet", "kun gennem C7", "P(til stede) 0.75", "Hvilke forbindelser dommene hviler på",
              str(escape(f"C7 '{C7_LABEL}'"))):  # fmt: skip
        assert w in page, w
    assert page.count("kun gennem C7") == 2
    en = " ".join(scenario_text({"ranking": json.loads(out)}, "en")["ranking"])
    for w in ("improves the outcome", "only through C7", "P(present) 0.75", "Which links the verdicts rest on"):
        assert w in en, w


def test_rank_text_prints_the_sentence(cli, havndal_dir):
    code, out, err = _rank(cli)
    assert code == 0, err
    text = " ".join(out.split())
    assert "Which links the verdicts rest on" in text
    assert "Legepladser til mere alsidig bevægelse improves the outcome (in 7" in text
    assert f"only through C7 '{C7_LABEL}' (evidence: candidate (Inf); P(present) 0.75;" in text
    assert text.count("only through C7") == 2 and "No single link flips the verdict of: Fællesspisning" in text


def test_no_robustness_leaves_it_out_and_the_report_computes_it(cli, havndal_dir):
    code, out, err = _rank(cli, "--no-robustness")
    assert code == 0, err
    assert "only through" not in out and "rest on" not in " ".join(out.split())
    models = havndal_dir / "models" / "havndal"
    r = json.loads((models / "ranking.json").read_text("utf-8"))  # what --json prints, saved
    assert "robustness" not in r and not any("depends_on" in row or "flips" in row for row in r["ideas"])
    saved = models / "robustness.json"
    assert not saved.exists()
    # gmb report finds no check in the ranking: it computes it with the ranking's draws and reads it
    code, out, err = cli("report", "havndal", "--lang", "en")
    assert code == 0, err
    page = (havndal_dir / "reports" / "havndal" / "index.html").read_text("utf-8")
    assert saved.is_file() and json.loads(saved.read_text("utf-8"))["meta"]["runs"] == 100
    assert page.count("only through C7") == 2 and "is not in this ranking" not in page


def _hostile_ranking():
    flip = {"link": "LE0", "cause": "evil0", "effect": "trivsel", "label": f"{HOSTILE[1]} → {HOSTILE[3]}",
            "evidence": HOSTILE[2], "p_present": 0.6, "p_sign": 1.0, "uncertain": True, "median": -0.01,
            "p_improves": 0.1, "p_worsens": 0.9, "verdict": "worsens", "rank": 2}  # fmt: skip
    ranking = {"horizon": 3, "runs": 200, "seed": 1, "meta": {"outcome": "trivsel"}, "ideas": [
        {"idea": "krea_cafe", "label": "Krea-café", "median": 0.05, "low": 0.01, "high": 0.1, "p_improve": 0.96,
         "p_improves": 0.96},
        {"idea": "lan_fest", "label": HOSTILE[0], "median": 0.01, "low": -0.02, "high": 0.03, "p_improve": 0.7,
         "p_improves": 0.7}]}  # fmt: skip
    robustness = {"meta": {"runs": 200, "links_checked": 3}, "ideas": [
        {"idea": "krea_cafe", "verdict": "improves", "p_improves": 0.96, "p_worsens": 0.04, "links_checked": 2,
         "flips": [], "rank_changes": [], "depends_on": [], "sentence": None},
        {"idea": "lan_fest", "verdict": "improves", "p_improves": 0.7, "p_worsens": 0.3, "links_checked": 3,
         "flips": [flip], "rank_changes": [flip], "depends_on": ["LE0"], "sentence": "x"}]}  # fmt: skip
    return ranking, robustness


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_reads_robustness_json_and_escapes_hostile_labels(tmp_path, lang):
    ranking, robustness = _hostile_ranking()
    models = tmp_path / "models" / "trivsel"
    models.mkdir(parents=True)
    (models / "ranking.json").write_text(json.dumps(ranking), "utf-8")
    files = write_report(small_session(), tmp_path / "r", models_dir=models, lang=lang, name="trivsel")
    page = files.index.read_text("utf-8")
    # without the check: the report says how to get it
    assert ("gmb rank trivsel" in page and "gmb robustness trivsel" in page) and "LE0" not in page
    (models / "robustness.json").write_text(json.dumps(robustness), "utf-8")
    files = write_report(small_session(), tmp_path / "r", models_dir=models, lang=lang, name="trivsel")
    page = files.index.read_text("utf-8")
    assert files.problems == []
    head = "kun gennem LE0" if lang == "da" else "only through LE0"
    assert head in page
    for text in (HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]):
        assert str(escape(text)) in page
    for text in HOSTILE:  # inert: never as markup
        assert text not in page


def test_python_api_gives_the_cli_shape(tmp_path):
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.scenarios.answers import rank_ideas
    from gmb.scenarios.settings import load_scenarios
    from gmb.stockflow.convert import to_stockflow

    G = to_graph(load_example("havndal"))
    with resources.as_file(resources.files("gmb.examples") / "havndal" / "scenarios.json") as p:
        sc = load_scenarios(p)
    m = to_stockflow(G, name="havndal")
    r = rank_ideas(m, G, sc, ideas=["playgrounds", "faellesspisning"], runs=64, seed=3, settle=False,
                   robustness=True)  # fmt: skip
    rows = {row["idea"]: row for row in r["ideas"]}
    assert rows["playgrounds"]["depends_on"] == ["C7"] and rows["faellesspisning"]["depends_on"] == []
    assert r["robustness"]["meta"]["runs"] == 64
    assert sorted(r["robustness"]["ideas_checked"]) == ["faellesspisning", "playgrounds"]
    # the default (as for variants) leaves the ranking as it was
    assert "robustness" not in rank_ideas(m, G, sc, ideas=["playgrounds"], runs=16, seed=3, settle=False)
