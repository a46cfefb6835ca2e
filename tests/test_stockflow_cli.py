"""``gmb convert`` and ``gmb simulate`` end to end, in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CSV = """from,to,sign,delay,strength
Børns trivsel,Deltagelse,+,no,strong
Deltagelse,Børns trivsel,+,yes,medium
Søvn,Børns trivsel,+,no,weak
Børns trivsel,Søvn,-,no,
Tryghed,Deltagelse,+,no,medium
Skærmtid,Søvn,,no,weak
"""


@pytest.fixture
def session(cli, tmp_path):
    (tmp_path / "map.csv").write_text(CSV, encoding="utf-8")
    code, _out, err = cli("import", "map.csv", "-s", "lille", "--lang", "da")
    assert code == 0, err
    ids = [v["id"] for v in json.loads((tmp_path / "sessions/lille/session.json").read_text("utf-8"))["variables"]]
    outcome = next(i for i in ids if i.startswith("b"))
    (tmp_path / "a.json").write_text(json.dumps({"outcome": outcome}), encoding="utf-8")
    return outcome


def test_convert_writes_the_model_folder(cli, tmp_path, session):
    code, out, err = cli("convert", "lille", "--assumptions", "a.json", "--json")
    assert code == 0, err
    info = json.loads(out)
    folder = tmp_path / "models" / "lille"
    assert {Path(p).name for p in info["files"].values()} == {"model.xmile", "model.mdl", "assumptions.json",
                                                              "assumptions.md"}  # fmt: skip
    assert all((folder / Path(p).name).is_file() for p in info["files"].values())
    # the '?' link (Skærmtid -> Søvn) is modelled with nominal elasticity 0, its sign drawn in ensembles
    assert info["counts"]["links_left_out"] == 0 and info["counts"]["links_modelled"] == 6
    assert info["outcome"]["variable"] == session and info["stability"]["stable"]
    md = (folder / "assumptions.md").read_text("utf-8")
    assert "Skærmtid" in md and "unknown polarity" in md and "## Equations" in md
    # the assumptions were saved; a second convert without --assumptions uses them
    code, out, err = cli("convert", "lille")
    assert code == 0, err
    assert "converted lille" in out


def test_simulate_native_and_pysd_print_the_same_flat_baseline(cli, tmp_path, session):
    code, out, err = cli("convert", "lille", "--assumptions", "a.json")
    assert code == 0, err
    runs = {}
    for engine in ("native", "pysd"):
        code, out, err = cli("simulate", "lille", "--engine", engine, "--json")
        assert code == 0, err
        runs[engine] = json.loads(out)
        assert Path(tmp_path / runs[engine]["results"]).is_file()
    assert runs["native"]["time"] == [0.0, 12.0, 24.0, 36.0, 48.0, 60.0]
    assert runs["native"]["values"] == runs["pysd"]["values"] == [1.0] * 6
    code, out, err = cli("simulate", "lille")
    assert code == 0 and "baseline run of lille with native" in out and "1.000000" in out


def test_cli_errors_are_clear(cli, tmp_path, session):
    code, _out, err = cli("convert", "lille")
    assert code == 2 and "no outcome" in err
    (tmp_path / "bad.json").write_text(json.dumps({"outcome": session, "stocks": ["ghost"]}), encoding="utf-8")
    code, _out, err = cli("convert", "lille", "--assumptions", "bad.json")
    assert code == 2 and "bad.json" in err and "stocks[0]" in err and "ghost" in err
    code, _out, err = cli("simulate", "lille", "--assumptions", "a.json", "--engine", "stella")
    assert code == 2 and "unknown engine" in err
    code, _out, err = cli("convert", "nosuchsession")
    assert code == 2
