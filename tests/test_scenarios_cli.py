"""The scenario commands: gmb rank, attribute, simulate --runs, sensitivity, scenarios; and the demo step."""

import json
import shutil

import pytest

from gmb.examples import example_dir


@pytest.fixture
def in_store(tmp_path):
    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    return tmp_path / "sessions" / "havndal"


def test_rank_havndal_prints_the_seven_ideas_and_saves_the_doses(cli, in_store, havndal):
    code, out, err = cli("rank", "havndal", "--runs", "200", "--seed", "3")
    assert code == 0, err
    assert (in_store / "scenarios.json").is_file()  # the doses, written where the group can edit them
    for idea in havndal.ideas:
        assert idea.label("da")[:12] in out
    assert "exploratory" in out and "seed 3" in out and "P(up)" in out
    code, out, _ = cli("rank", "havndal", "--runs", "200", "--seed", "3", "--json")
    data = json.loads(out)
    assert len(data["ideas"]) == 7 and data["meta"]["seed"] == 3 and data["meta"]["runs"] == 200
    assert data["meta"]["exploratory"] is True and data["meta"]["scenarios_file"].endswith("scenarios.json")
    row = data["ideas"][0]
    assert {"idea", "label", "median", "p5", "p25", "p75", "p95", "p_improves", "feasibility", "votes", "score",
            "rank_effect", "rank_score"} <= set(row)  # fmt: skip
    again = json.loads(cli("rank", "havndal", "--runs", "200", "--seed", "3", "--json")[1])
    assert again["ideas"] == data["ideas"]  # same seed, same numbers


def test_edited_doses_change_the_answer(cli, in_store):
    cli("scenarios", "havndal")
    path = in_store / "scenarios.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    before = json.loads(cli("rank", "havndal", "--runs", "100", "--json")[1])
    plan = data["ideas"]["playgrounds"]
    for factor in ("reach", "intensity", "persistence"):
        plan.pop(factor, None)
    plan.update(dose=0.9, low=0.9, high=0.9)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = json.loads(cli("rank", "havndal", "--runs", "100", "--json")[1])
    get = lambda r: next(x for x in r["ideas"] if x["idea"] == "playgrounds")
    assert get(after)["median"] > 2 * get(before)["median"]
    assert after["meta"]["dose_plans"]["playgrounds"]["dose"] == 0.9
    assert any("0.9" in d for d in after["meta"]["doses"]["playgrounds"])


def test_attribute_the_full_bundle(cli, in_store):
    code, out, err = cli("attribute", "havndal", "--bundle", "all", "--runs", "100", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["ideas"]) == 7 and "128" in data["meta"]["method_shapley"]
    assert sum(r["share"] for r in data["ideas"]) == pytest.approx(1.0)
    assert "_phi" not in data
    assert {"bundle_effect", "interaction_effect", "sum_of_solo_effects", "shares", "total"} <= set(data)
    code, out, err = cli("attribute", "havndal", "--bundle", "bike_paths,soestien", "--runs", "50")
    assert code == 0 and "Shapley" in out and "exact over all 4" in out


def test_simulate_runs_gives_fan_charts(cli, in_store):
    code, out, err = cli("simulate", "havndal", "--runs", "64", "--scenario", "bike_paths", "--scenario",
                         "all", "--variable", "safety", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert set(data["effects"]) == {"bike_paths", "all"}
    charts = {(c["scenario"], c["variable"]) for c in data["charts"]}
    assert ("baseline", "safety") in charts and ("all", data["meta"]["outcome"]) in charts
    c = next(c for c in data["charts"] if c["scenario"] == "all" and c["variable"] == "safety")
    # the charts run on past the horizon (36) to the model's end (60): what happens after it shows
    assert len(c["time"]) == len(c["p50"]) == 61 and all(a <= b for a, b in zip(c["p5"], c["p95"]))
    assert data["horizon"] == 36.0 and c["time"][36] == 36.0
    code, out, err = cli("simulate", "havndal", "--runs", "32", "--scenario", "lan_party")
    assert code == 0 and "lan_party" in out


def test_sensitivity_and_scenarios_commands(cli, in_store):
    code, out, err = cli("sensitivity", "havndal", "--scenario", "bike_paths", "--samples", "16", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["parameters"][0]["ST"] >= data["parameters"][-1]["ST"]
    code, out, err = cli("scenarios", "havndal", "--json")
    assert code == 0 and json.loads(out)["schema"] == "gmb-scenarios/2"


@pytest.mark.parametrize(
    "args, words",
    [
        (("rank", "havndal", "--runs", "0"), "at least one run"),
        (("rank", "havndal", "--horizon", "500"), "beyond"),
        (("rank", "havndal", "--method", "sobol"), "method"),
        (("attribute", "havndal", "--bundle", "bike_paths,nope"), "unknown idea 'nope'"),
        (("simulate", "havndal", "--runs", "0"), "at least one run"),
        (("simulate", "havndal", "--runs", "10", "--variable", "nope"), "no variable 'nope'"),
        (("rank", "nosuchsession"), "nosuchsession"),
    ],
)
def test_bad_requests_exit_2_with_a_message(cli, in_store, args, words):
    code, _out, err = cli(*args)
    assert code == 2
    assert words in err


def test_negative_dose_in_the_file_is_refused_with_the_file(cli, in_store):
    cli("scenarios", "havndal")
    path = in_store / "scenarios.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["ideas"]["bike_paths"]["targets"][0]["weight"] = -0.2
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = cli("rank", "havndal", "--runs", "10")
    assert code == 2 and "scenarios.json" in err and "ideas.bike_paths.targets" in err and "weight" in err


def test_demo_step_ranks_and_attributes(havndal, tmp_path):
    from rich.console import Console

    from gmb.commands.scenarios import demo_step

    con = Console(record=True, width=100)
    demo_step(havndal, tmp_path, con)
    text = con.export_text()
    assert "Ideas ranked" in text and "share of the bundle" in text
    folder = tmp_path / "models" / "havndal"
    ranking = json.loads((folder / "ranking.json").read_text(encoding="utf-8"))
    assert len(ranking["ideas"]) == 7
    attribution = json.loads((folder / "attribution.json").read_text(encoding="utf-8"))
    assert sum(attribution["shares"].values()) == pytest.approx(attribution["total"])
    # the report (gmb.views) reads all three result files without a problem
    from gmb.views.report import write_report

    written = write_report(havndal, tmp_path / "report", models_dir=folder)
    assert not written.problems and not {"ranking", "attribution", "behaviour"} & set(written.missing)
