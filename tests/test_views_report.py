"""The session report (its loop and path sections built on gmb.cld), and the map/report CLI."""

from __future__ import annotations

import json
import re
from math import comb, factorial

import numpy as np
import pytest
from markupsafe import escape
from views_sessions import HOSTILE, small_session

from gmb.cld import find_loops, to_graph
from gmb.errors import InputError
from gmb.session.model import Idea, IdeaTarget, Link, Session, Variable
from gmb.session.store import Store
from gmb.views import report_sections  # the report's bounds on loop and path searches live here
from gmb.views.report import RESULT_FILES, key_loops, load_results, report_html, write_report


def _section(page: str, name: str) -> str:
    return re.search(rf'<section id="{name}">(.*?)</section>', page, re.DOTALL).group(1)


def _idea_cell(page: str, label: str) -> str:
    """The table row of the idea labelled ``label`` (its verdict, path counts and paths)."""
    rows = re.findall(r"<tr><td><strong>.*?</tr>", _section(page, "ideas"), re.DOTALL)
    (row,) = [r for r in rows if r.startswith(f"<tr><td><strong>{label}</strong>")]
    return row


def _complete_session(n: int, *, idea: bool = False) -> Session:
    """Every ordered pair of ``n`` variables linked (+): the complete digraph K_n."""
    ids = [f"v{i}" for i in range(n)]
    links = [Link(id=f"L{a}_{b}", cause=a, effect=b, polarity="+") for a in ids for b in ids if a != b]
    ideas = (Idea(id="push", labels={"en": "Push"}, targets=(IdeaTarget(variable="v0"),)),) if idea else ()
    return Session(title="K", languages=("en",), variables=tuple(Variable(id=v, labels={"en": v}) for v in ids),
                   links=tuple(links), ideas=ideas, outcome=ids[-1] if idea else None)  # fmt: skip


# -- loops -------------------------------------------------------------------------
def test_report_loops_match_a_hand_count_on_the_small_session():
    s = small_session()
    G = to_graph(s)
    found = find_loops(G)
    # by hand: volunteers <-> communities (+,+) R; volunteers <-> burnout (+,-) B;
    # wellbeing -(+)> communities -(-)> loneliness -(-)> wellbeing: two negatives, R
    assert sorted((loop.variables, loop.polarity) for loop in found.loops) == [
        (("faellesskab", "frivillige"), "R"),
        (("frivillige", "udbraendthed"), "B"),
        (("trivsel", "faellesskab", "ensomhed"), "R"),
    ]
    first = key_loops(G, found.loops)[0]
    assert "trivsel" in first.variables  # loops through the outcome come first
    assert first.themes == ("mental", "faelles")
    # the second: through an idea's target (faellesskab, frivillige), the better supported of the two pairs
    assert key_loops(G, found.loops)[1].variables == ("faellesskab", "frivillige")
    loops = _section(report_html(s, lang="en"), "loops")
    assert "3 loops of up to 8 links: 2 reinforcing, 1 balancing, 0 with a link of unknown sign." in loops
    rows = re.findall(r'<tr><td class="(\w+)">.*?</tr>', loops, re.DOTALL)
    assert rows == ["R", "R", "B"]  # ranked as key_loops ranks them
    assert "Children&#39;s wellbeing → Communities → Loneliness → Children&#39;s wellbeing" in loops
    assert "stopped" not in loops


def test_report_loop_count_on_k7_is_exact_and_bounded(monkeypatch):
    s = _complete_session(7)
    # independent count: a cycle of k links in K7 picks k of the 7 variables and one of (k-1)! cyclic orders
    expected = sum(comb(7, k) * factorial(k - 1) for k in range(2, 5))
    assert expected == 301
    loops = _section(report_html(s, loop_max_length=4), "loops")
    assert f"{expected} loops of up to 4 links: {expected} reinforcing, 0 balancing" in loops
    assert "The list stopped" not in loops
    lengths = [int(x) for x in re.findall(r'<td class="R">[^<]*</td><td>(\d+)</td>', loops)]
    assert len(lengths) == report_sections._KEY_LOOPS and max(lengths) <= 4 and lengths == sorted(lengths)
    # the report's bound on the loop search: it says it stopped, and counts only what it has
    monkeypatch.setattr(report_sections, "_MAX_LOOPS", 50)
    loops = _section(report_html(s, loop_max_length=4), "loops")
    assert "50 loops of up to 4 links" in loops and "The list stopped at 50 loops" in loops
    with pytest.raises(InputError):
        report_html(s, loop_max_length=0)


# -- ideas' paths --------------------------------------------------------------------
def test_report_idea_paths_multiply_signs_and_direction():
    page = report_html(small_session(), lang="en")
    krea = _idea_cell(page, "Craft café")  # raises communities; communities -(-)> loneliness -(-)> wellbeing
    assert "<strong>raises the outcome</strong>" in krea
    assert "1 paths of up to 6 links raise it, 0 lower it, 0 unknown" in krea
    assert re.findall(r'<li class="eff-(\w+)">(.*?)</li>', krea) == [
        ("up", "Communities → (−) Loneliness → (−) Children&#39;s wellbeing")
    ]
    # lowers screen time: -(-)> activity -(+)> wellbeing raises it; -(?)> loneliness -(-)> wellbeing unknown;
    # raises volunteers: +> communities -(-)> loneliness -(-)> wellbeing raises it. A path of unknown sign
    # could lower the outcome, so the verdict is unknown (gmb.cld's verdict), not "raises".
    lan = _idea_cell(page, "LAN-fest")
    assert "<strong>unknown: a path has a link with no sign</strong>" in lan
    assert "2 paths of up to 6 links raise it, 0 lower it, 1 unknown" in lan
    assert sorted(re.findall(r'<li class="eff-(\w+)">(.*?)</li>', lan)) == [
        ("unk", "Screen time → (?) Loneliness → (−) Children&#39;s wellbeing"),
        ("up", "Screen time → (−) Physical activity → (+) Children&#39;s wellbeing"),
        ("up", "Volunteers → (+) Communities → (−) Loneliness → (−) Children&#39;s wellbeing"),
    ]
    no_outcome = small_session().model_copy(update={"outcome": None})
    assert no_outcome.outcome_variable is None
    cell = _idea_cell(report_html(no_outcome, lang="en"), "Craft café")
    assert "the map has no outcome variable" in cell and "<li" not in cell


def test_report_idea_paths_mixed_and_no_path():
    s = Session(title="t", languages=("en",), outcome="o",
                variables=tuple(Variable(id=v, labels={"en": v.upper()}) for v in "aboz"),
                links=(Link(id="L1", cause="a", effect="o", polarity="+"),
                       Link(id="L2", cause="a", effect="b", polarity="+"),
                       Link(id="L3", cause="b", effect="o", polarity="-")),
                ideas=(Idea(id="both", labels={"en": "Both"}, targets=(IdeaTarget(variable="a"),)),
                       Idea(id="none", labels={"en": "None"}, targets=(IdeaTarget(variable="z"),))))  # fmt: skip
    page = report_html(s)
    both = _idea_cell(page, "Both")
    assert "mixed: some paths raise it, some lower it" in both
    assert re.findall(r'<li class="eff-(\w+)">', both) == ["up", "down"]  # the shortest first
    assert "no path to the outcome" in _idea_cell(page, "None")


def test_report_idea_paths_are_counted_exactly_and_bounded(monkeypatch):
    s = _complete_session(7, idea=True)
    # independent count: a simple path v0 -> v6 in K7 passes through an ordered choice of k of the other 5
    expected = sum(factorial(5) // factorial(5 - k) for k in range(6))
    assert expected == 326
    cell = _idea_cell(report_html(s), "Push")
    assert f"{expected} paths of up to 6 links raise it, 0 lower it, 0 unknown" in cell
    assert "stopped" not in cell
    assert len(re.findall(r"<li ", cell)) == report_sections._MAX_PATHS
    assert "v0 → (+) v6</li>" in cell  # the direct link is the shortest path, shown first
    monkeypatch.setattr(report_sections, "_MAX_FOUND_PATHS", 100)
    cell = _idea_cell(report_html(s), "Push")
    assert "100 paths of up to 6 links raise it" in cell and "the search stopped before it found them all" in cell


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
