"""Choosing the outcome and editing a variable from the command line.

A CSV edge list has no outcome: ``gmb convert map.csv`` must say how to choose one (commands that
work), ``--outcome`` on ``convert``/``rank`` chooses it, and ``gmb var set`` edits a variable's kind,
labels and description as logged session events.
"""

from __future__ import annotations

import json

EDGES = "from,to,sign,delay,strength\nSøvn,Trivsel,+,,strong\nTrivsel,Søvn,+,yes,weak\nSkærm,Søvn,-,,medium\n"


def _edges(tmp_path):
    (tmp_path / "map.csv").write_text(EDGES, encoding="utf-8")


def test_convert_without_outcome_names_commands_that_work(cli, tmp_path):
    _edges(tmp_path)
    code, _, err = cli("convert", "map.csv", "--json")
    assert code == 2 and "no outcome" in err
    assert "gmb convert map.csv --outcome søvn" in err  # the most-affected variable as the example
    assert "--kind outcome (gmb var add" not in err  # the old hint, which failed for an existing variable


def test_outcome_option_on_convert_is_kept_for_the_model(cli, tmp_path):
    _edges(tmp_path)
    code, out, err = cli("convert", "map.csv", "--outcome", "Trivsel", "--json")  # a label works too
    assert code == 0, err
    assert json.loads(out)["outcome"]["variable"] == "trivsel"
    saved = json.loads((tmp_path / "models" / "map" / "assumptions.json").read_text(encoding="utf-8"))
    assert saved["outcome"] == "trivsel"
    code, out, err = cli("simulate", "map.csv", "--json")  # later commands on the model keep it
    assert code == 0, err
    assert json.loads(out)["outcome"]["variable"] == "trivsel"
    code, _, err = cli("convert", "map.csv", "--outcome", "nowhere")
    assert code == 2 and "unknown variable 'nowhere'" in err and "søvn" in err


def test_outcome_option_on_rank(cli, tmp_path):
    _edges(tmp_path)
    code, out, err = cli("rank", "map.csv", "--outcome", "søvn", "--runs", "20", "--json")
    assert code == 0, err
    meta = json.loads(out)["meta"]
    assert meta["outcome"] == "søvn" and meta["outcome_label"] == "Søvn"


def test_var_set_edits_a_variable_as_logged_events(cli, tmp_path):
    _edges(tmp_path)
    assert cli("import", "map.csv", "--session", "kort", "--lang", "da")[0] == 0
    code, _, err = cli("var", "set", "kort", "trivsel", "--kind", "outcome", "--label", "en=Wellbeing",
                       "--description", "Hvordan børn har det", "--by", "p1")  # fmt: skip
    assert code == 0, err
    data = json.loads(cli("session", "show", "kort", "--json")[1])
    var = next(v for v in data["variables"] if v["id"] == "trivsel")
    assert var["kind"] == "outcome" and var["description"] == "Hvordan børn har det"
    assert var["labels"] == {"da": "Trivsel", "en": "Wellbeing"}  # the Danish label is kept
    assert data["outcome"] == "trivsel"
    events = [
        json.loads(line) for line in (tmp_path / "sessions" / "kort" / "events.jsonl").read_text("utf-8").splitlines()
    ]
    assert [e["op"] for e in events[-2:]] == ["update", "set"] and events[-2]["by"] == "p1"
    code, out, err = cli("convert", "kort", "--json")  # the map now has an outcome
    assert code == 0, err and json.loads(out)["outcome"]["variable"] == "trivsel"
    # refusals write nothing
    size = (tmp_path / "sessions" / "kort" / "events.jsonl").stat().st_size
    for args, message in ((["nope", "--kind", "stock"], "unknown variable 'nope'"), (["trivsel"], "nothing to change"),
                          (["trivsel", "--kind", "bogus"], "bogus")):  # fmt: skip
        code, _, err = cli("var", "set", "kort", *args)
        assert code == 2 and message in err, (args, err)
    assert (tmp_path / "sessions" / "kort" / "events.jsonl").stat().st_size == size
    # the outcome's kind changed to something else: no explicit outcome any more
    assert cli("var", "set", "kort", "trivsel", "--kind", "auxiliary")[0] == 0
    assert json.loads(cli("session", "show", "kort", "--json")[1]).get("outcome") is None
