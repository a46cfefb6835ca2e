"""A what-if saved by name: kept with its dose multipliers and lags (schema /3), listed by ``gmb scenarios``,
and ``gmb rank`` gives it the panel's numbers for the same seed."""

import json
import shutil
from pathlib import Path

import pytest

from gmb.errors import ValidationError
from gmb.examples import example_dir
from gmb.scenarios.settings import Scenarios, load_scenarios, parse_scenarios
from gmb.scenarios.whatif import whatif
from gmb.scenarios.whatif_saved import save_setting

SETTING = {"ideas": {"faellesspisning": {"dose": 0.5}, "bike_paths": {"start": 12}}}


@pytest.fixture
def in_store(tmp_path):
    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    return tmp_path / "sessions" / "havndal"


def test_a_saved_whatif_is_listed_and_ranked_with_the_panels_numbers(cli, in_store):
    from gmb.workflow.studies import prepare

    assert cli("scenarios", "havndal")[0] == 0
    path = in_store / "scenarios.json"
    save_setting(path, load_scenarios(path), "Halv spisning", SETTING, "Ada", "2026-12-03T14:00:00+00:00", 9)
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == "gmb-scenarios/3"
    code, out, err = cli("scenarios", "havndal")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Halv spisning" in flat and "faellesspisning dose ×0.5" in flat and "starts 12 later" in flat
    assert "Ada" in flat and "event 9" in flat
    args = ("rank", "havndal", "--runs", "200", "--seed", "3", "--no-variants", "--no-robustness")
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    row = json.loads(out)["saved_scenarios"]["Halv spisning"]
    assert row["ideas"]["faellesspisning"] == {"dose": 0.5, "start": 0.0} and row["by"] == "Ada"
    b, sc, _ = prepare("havndal", None, Path("."))
    panel = whatif(b.model, sc, {**SETTING, "runs": 200, "seed": 3, "horizon": row["horizon"]})["setting_effect"]
    for k in ("median", "p5", "p95", "p_improves"):
        assert row[k] == panel[k]  # the same draws: exactly the panel's numbers
    planned = whatif(b.model, sc, {"ideas": {"faellesspisning": {}, "bike_paths": {}}, "runs": 200, "seed": 3})
    assert planned["setting_effect"]["median"] != row["median"]  # the multiplier and the lag were kept
    code, out, _ = cli(*args)
    assert code == 0 and "Saved what-if scenarios" in out and "Halv spisning" in out
    code, out, err = cli("report", "havndal")  # the report shows it (from ranking.json), with the same numbers
    assert code == 0, err
    (index,) = [p for p in Path(".").rglob("index.html") if "havndal" in str(p)]
    html = index.read_text(encoding="utf-8")
    assert "Saved what-if scenarios" in html or "Gemte hvad nu hvis-scenarier" in html
    assert "Halv spisning" in html and f"{row['median']:+.3g}" in html
    assert 'href="/w"' not in html  # offline: no link to a server that is not there


def test_the_schema_versions():
    sc = Scenarios()
    assert json.loads(sc.to_json())["schema"] == "gmb-scenarios/2" and "saved" not in json.loads(sc.to_json())
    data = {"schema": "gmb-scenarios/3", "saved": {"x": {"ideas": {"a": {"dose": 2.0, "start": 3}}, "by": "Ada"}}}
    back = parse_scenarios(data)
    assert back.saved["x"].ideas["a"].start == 3.0
    assert parse_scenarios(json.loads(back.to_json())) == back
    with pytest.raises(ValidationError) as e:  # a /2 file cannot hold saved what-ifs
        parse_scenarios({**data, "schema": "gmb-scenarios/2"})
    assert e.value.field == "schema"
    with pytest.raises(ValidationError) as e:
        parse_scenarios({**data, "saved": {"x": {"ideas": {"a": {"dose": 9}}}}})
    assert e.value.field == "saved.x.ideas.a.dose"
