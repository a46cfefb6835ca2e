"""``gmb loops`` and ``gmb analyse`` end to end, in-process; the demo step; Havndal once it lands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gmb.session.store import Store
from tests.conftest import external_file
from tests.loops_town import town_session


@pytest.fixture
def town(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps at 80 columns otherwise; the tests search whole lines
    Store(Path("sessions")).create("town", town_session())
    return cli


def test_loops_json_is_the_documented_shape(town):
    code, out, err = town("loops", "town", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["count", "reinforcing", "balancing", "unsigned", "complete", "loops"]
    assert (data["count"], data["reinforcing"], data["balancing"], data["unsigned"], data["complete"]) == (
        6,
        4,
        2,
        0,
        True,
    )
    names = {loop["name"] for loop in data["loops"]}
    assert {"Fællesskab avler frivillige", "Frivillig-udmattelse", "Selvkørende"} <= names


def test_loops_options(town):
    def count(*args):
        code, out, err = town("loops", "town", "--json", *args)
        assert code == 0, err
        return json.loads(out)["count"]

    assert count("--max-length", "2") == 3
    assert count("--through", "volunteers") == 2
    assert count("--through", "Frivillige kræfter") == 2
    assert count("--through", "L18") == 2
    assert count("--cover") <= 6
    _code, out, _ = town("loops", "town", "--json", "--max-count", "2")
    assert json.loads(out)["complete"] is False and json.loads(out)["count"] == 2


def test_loops_table(town):
    code, out, _ = town("loops", "town")
    assert code == 0
    assert "6 loops" in out and "4 reinforcing" in out and "complete" in out
    assert "Frivillig-udmattelse" in out and "Frivillige kræfter" in out  # names and Danish labels
    assert "loops by length" in out
    code, out, _ = town("loops", "town", "--lang", "en")
    assert "Volunteer capacity" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--time-limit", "-1"], "--time-limit: must be positive"),
        (["--max-length", "0"], "--max-length: must be positive"),
        (["--max-count", "-3"], "--max-count: must be positive"),
        (["--through", "nobody"], "no variable or link 'nobody'"),
    ],
)
def test_bad_options_give_one_clear_line(town, args, message):
    code, _out, err = town("loops", "town", *args)
    assert code == 2 and message in err


def test_unknown_session_and_empty_map(cli, tmp_path):
    code, _, err = cli("loops", "nosuch")
    assert code == 2 and "nosuch" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("from,to,sign\n", encoding="utf-8")
    code, _, err = cli("loops", str(empty))
    assert code == 2 and "empty" in err
    code, _, err = cli("analyse", str(empty))
    assert code == 2 and "empty" in err


def test_loops_on_a_csv_file_and_an_sdai_file(cli, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text(
        "from,to,sign\nSøvn,Trivsel,+\nTrivsel,Søvn,-\nTrivsel,Skærmtid,\nSkærmtid,Trivsel,-\n", encoding="utf-8"
    )
    code, out, _ = cli("loops", str(f), "--json")
    data = json.loads(out)
    assert (data["count"], data["balancing"], data["unsigned"]) == (2, 1, 1)
    assert data["loops"][0]["labels"] == ["Søvn", "Trivsel"]
    path = external_file("sd-ai", "evals", "categories", "feedbackExplanationData", "armsRace.json")
    code, out, err = cli("loops", str(path), "--format", "sdai-json", "--json")
    assert code == 0, err
    assert (json.loads(out)["count"], json.loads(out)["balancing"]) == (3, 2)


def test_analyse_shows_loops_leverage_and_each_ideas_paths(town):
    code, out, err = town("analyse", "town", "--lang", "en")
    assert code == 0, err
    assert "6 loops" in out and "leverage" in out and "influence" in out
    assert "Kommunal koordinator" in out and "mixed" in out and "no path" in out
    # each idea's paths to the outcome, with the effect sign first
    assert "Municipal facilitation → Volunteer capacity → Local activities → Participation in communities" in out
    code, out, _ = town("analyse", "town", "--json")
    data = json.loads(out)
    assert {"loops", "loop_cover", "centrality", "ideas", "outcome"} <= set(data)
    verdicts = {i["idea"]: i["verdict"] for i in data["ideas"]}
    assert verdicts == {"bike": "none", "dining": "unknown", "clubs": "positive", "less_burnout": "unknown",
                        "coordinator": "mixed"}  # fmt: skip


def test_causes_and_uses_trees(town):
    code, out, err = town("analyse", "town", "--causes", "Frivillige kræfter", "--depth", "2", "--lang", "en")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1:4] == ["Volunteer capacity", "    (+) Local activities", "        (+) (Volunteer capacity)"]
    code, out, _ = town("analyse", "town", "--uses", "bike_paths", "--json")
    assert json.loads(out)["uses"]["children"][0]["variable"] == "active_transport"
    code, _, err = town("analyse", "town", "--causes", "nope")
    assert code == 2 and "--causes: unknown variable 'nope'" in err
    code, _, err = town("analyse", "town", "--uses", "burnout", "--depth", "0")
    assert code == 2 and "--depth" in err


def test_demo_step_prints_and_writes_json(tmp_path):
    from rich.console import Console

    from gmb.commands.demo import STEPS
    from gmb.commands.structure import demo_step

    assert "gmb.commands.structure:demo_step" in STEPS
    con = Console(record=True, width=120)
    demo_step(town_session(), tmp_path, con)
    text = con.export_text()
    assert "loops: 6 (4 R, 2 B, 0 ?), complete; 6 told in the group's stories" in text and "Fællesspisning" in text
    data = json.loads((tmp_path / "reports" / "structure.json").read_text(encoding="utf-8"))
    assert data["loops"]["count"] == 6


# -- Havndal -----------------------------------------------------------------------------------------
@pytest.fixture
def havndal_session(havndal):
    return havndal


#: the loops of havndal-reference.md 4.3 as variable sets (the example's ids), with the
#: polarity the reference worked out by hand (each "checked by sign product")
REFERENCE_LOOPS = {
    "R1 Fællesskab avler frivillige": ({"volunteers", "local_activities"}, "R"),
    "B1 Frivillig-udmattelse": ({"volunteers", "local_activities", "volunteer_burden"}, "B"),
    "R2 Overskud–deltagelse": ({"community_participation", "social_relations", "belonging", "mental_wellbeing"}, "R"),
    "R2b ensomhedsspiralen": ({"community_participation", "social_relations", "loneliness", "mental_wellbeing"}, "R"),
    "R3 Tillid–engagement": ({"volunteers", "trust", "citizen_participation", "local_ownership", "local_activities"}, "R"),
    "R4 Kapacitetsopbygning": ({"community_capacity", "local_activities"}, "R"),
    "R4b": ({"community_capacity", "coordination", "local_activities"}, "R"),
    "R5 Empowerment-smitte": ({"empowerment", "community_capacity"}, "R"),
    "R6 Håb": ({"hope", "volunteers", "local_activities"}, "R"),
    "R7 Foreningsvækst": ({"club_participation", "club_capacity"}, "R"),
    "R8 Norm-fastlåsning": ({"overweight", "unhealthy_norms", "junk_food"}, "R"),
    "R9 Facilitator-afhængighed": ({"municipal_facilitation", "local_ownership"}, "R"),
    "B4 Selvkørende": ({"municipal_facilitation", "trust_in_municipality", "citizen_participation", "local_ownership"}, "B"),
    "B4 parallel": ({"municipal_facilitation", "less_resourced_participation", "citizen_participation", "local_ownership"}, "B"),
    "B2 Datadrevet respons": ({"overweight", "targeted_response", "physical_activity"}, "B"),
    "B3 Trivselsrespons": ({"mental_wellbeing", "targeted_response"}, "B"),
    "R10 Stigmatiseringsfælde": ({"mental_wellbeing", "targeted_response", "stigmatisation", "community_participation",
                                  "social_relations", "belonging"}, "R"),
}  # fmt: skip


def test_havndal_loops_include_the_reference_loops(havndal_session):
    from gmb.cld import to_graph
    from gmb.cld.loops import find_loops, name_loops

    s = havndal_session
    result = name_loops(find_loops(to_graph(s)), s.stories)
    assert result.complete and result.count >= len(REFERENCE_LOOPS)
    by_vars = {frozenset(loop.variables): loop for loop in result.loops}
    for name, (variables, polarity) in REFERENCE_LOOPS.items():
        assert frozenset(variables) in by_vars, name
        assert by_vars[frozenset(variables)].polarity == polarity, name
    # volunteer growth vs burnout: one story of the group tells both loops
    r1 = by_vars[frozenset(REFERENCE_LOOPS["R1 Fællesskab avler frivillige"][0])]
    b1 = by_vars[frozenset(REFERENCE_LOOPS["B1 Frivillig-udmattelse"][0])]
    assert set(r1.stories) & set(b1.stories)


def test_havndal_cli_shows_loops_and_each_ideas_paths_to_wellbeing(havndal_session, cli, tmp_path):
    Store(Path("sessions")).create("havndal", havndal_session)
    code, out, err = cli("loops", "havndal", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["complete"] and data["reinforcing"] > 0 and data["balancing"] > 0
    code, out, err = cli("analyse", "havndal", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["outcome"] == havndal_session.outcome_variable
    assert len(data["ideas"]) == len(havndal_session.ideas)
    assert any(i["path_counts"]["+"] + i["path_counts"]["-"] > 0 for i in data["ideas"])
