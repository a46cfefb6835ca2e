"""``gmb import`` and ``gmb export``: every format through the command line, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gmb.session.model import Session
from gmb.session.store import Store

FORMATS = {"mdl": "map.mdl", "xmile": "map.xmile", "kumu": "map.json", "kumu-xlsx": "map.xlsx",
           "graphml": "map.graphml", "csv": "map-folder"}  # fmt: skip


def make_session(cli) -> None:
    assert cli("session", "new", "byen", "--lang", "da", "--lang", "en")[0] == 0
    cli("participant", "add", "byen", "p1", "--name", "Sundhedsplejerske")
    cli("var", "add", "byen", "søvn", "--label", "da=Søvn", "--label", "en=Sleep", "--by", "p1")
    cli("var", "add", "byen", "skærm", "--label", "da=Skærmtid om aftenen", "--kind", "exogenous")
    cli("var", "add", "byen", "trivsel", "--label", "da=Børns trivsel", "--kind", "outcome")
    cli("link", "add", "byen", "skærm", "søvn", "--sign", "-", "--delay")
    cli("link", "add", "byen", "søvn", "trivsel", "--sign", "+")
    cli("link", "add", "byen", "trivsel", "søvn", "--sign", "+")


def edges(session: Session) -> set[tuple[str, str, str, bool]]:
    label = {v.id: v.label("da") for v in session.variables}
    return {(label[k.cause], label[k.effect], k.polarity.value, k.delay) for k in session.links}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_then_import_every_format(cli, tmp_path, fmt):
    make_session(cli)
    original = Store(Path("sessions")).load("byen")
    code, out, err = cli("export", "byen", "--format", fmt, "--out", FORMATS[fmt])
    assert code == 0, err
    assert "wrote 3 variables and 3 links" in out
    code, out, err = cli("import", FORMATS[fmt], "--session", "tilbage", "--lang", "da")
    assert code == 0, err
    assert "imported 3 variables and 3 links" in out
    back = Store(Path("sessions")).load("tilbage")
    assert edges(back) == edges(original)


def test_format_follows_the_ending_and_kumu_picks_xlsx(cli):
    make_session(cli)
    assert cli("export", "byen", "--out", "a.stmx")[0] == 0
    assert Path("a.stmx").read_text(encoding="utf-8").startswith("<?xml")
    assert cli("export", "byen", "--format", "kumu", "--out", "k.xlsx")[0] == 0
    assert Path("k.xlsx").read_bytes()[:2] == b"PK"
    assert cli("export", "byen", "--format", "kumu", "--out", "k.json")[0] == 0
    assert json.loads(Path("k.json").read_text(encoding="utf-8"))["elements"][0]["attributes"]["label"] == "Søvn"


def test_export_converts_files_directly(cli):
    """NAME may be a map file: gmb converts between formats without a session."""
    Path("in.csv").write_text("from,to,sign\nSøvn,Trivsel,+\n", encoding="utf-8")
    code, _, err = cli("export", "in.csv", "--out", "out.mdl")
    assert code == 0, err
    assert "Søvn  = A FUNCTION OF(  )" in Path("out.mdl").read_text(encoding="utf-8")
    assert not Path("sessions").exists()


def test_export_refuses_to_overwrite_without_force(cli):
    make_session(cli)
    Path("map.mdl").write_text("mine", encoding="utf-8")
    code, _, err = cli("export", "byen", "--out", "map.mdl")
    assert code == 2 and "exists already" in err
    assert Path("map.mdl").read_text(encoding="utf-8") == "mine"
    assert cli("export", "byen", "--out", "map.mdl", "--force")[0] == 0
    assert Path("map.mdl").read_text(encoding="utf-8").startswith("{UTF-8}")


def test_unknown_format_and_unknown_session(cli):
    make_session(cli)
    code, _, err = cli("export", "byen", "--format", "pdf", "--out", "x.pdf")
    assert code == 2 and "unknown format 'pdf'" in err
    code, _, err = cli("export", "nobody", "--out", "x.mdl")
    assert code == 2
    code, _, err = cli("import", "x.docx", "--session", "s")
    assert code == 2 and "cannot tell the format" in err


BROKEN = {
    "map.mdl": "{UTF-8}\nA = A FUNCTION OF(B ~~|\n",
    "map.xmile": '<xmile><model><variables><aux name="a"></variables></model></xmile>',
    "map.json": '{"elements": [{"_id": 1, "attributes": {"label": "A"}}], "connections": [{"from": 1, "to": 9}]}',
    "map.graphml": "<graphml><graph edgedefault='undirected'><node id='a'/></graph></graphml>",
    "map.csv": "from,to,sign\nA,B,+\nB,A,maybe\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_failing_import_writes_nothing(cli, name):
    Path(name).write_text(BROKEN[name], encoding="utf-8")
    code, _, err = cli("import", name, "--session", "halv", "--strict")
    assert code == 2
    assert name in err
    assert not Path("sessions", "halv").exists()
    assert not list(Path("sessions").glob("*")) if Path("sessions").exists() else True


def test_a_failing_late_rule_writes_nothing(cli):
    """The map parses but breaks a session rule (a link id used twice): still nothing on disk."""
    folder = Path("pair")
    folder.mkdir()
    (folder / "variables.csv").write_text("id,label\na,A\nb,B\nc,C\n", encoding="utf-8")
    (folder / "links.csv").write_text("id,from,to,sign\nL1,a,b,+\nL1,b,c,-\n", encoding="utf-8")
    code, _, err = cli("import", "pair", "--session", "halv")
    assert code == 2 and "links.csv: line 3" in err and "duplicate id 'L1'" in err
    assert not Path("sessions", "halv").exists()


def test_import_shows_warnings_and_still_imports(cli):
    Path("m.mdl").write_text(
        "{UTF-8}\nA = A FUNCTION OF() ~~|\nB = A FUNCTION OF(A) ~~|\n"
        "\\\\\\---/// Sketch\nV300\n*View 1\n$x\n10,1,A,10,10,20,10,8,3,0,0,0,0,0,0\n"
        "10,2,B,50,10,20,10,8,3,0,0,0,0,0,0\n1,3,1,2,0,0,43,0,2,64,0,-1--1--1,,1|(0,0)|\n"
        "1,4,9,2,0,0,45,0,2,64,0,-1--1--1,,1|(0,0)|\n", encoding="utf-8")  # fmt: skip
    code, _out, err = cli("import", "m.mdl", "--session", "m")
    assert code == 0
    assert "warning:" in err and "points at object 9, which does not exist" in err
    s = Store(Path("sessions")).load("m")
    assert [(k.cause, k.effect, k.polarity.value) for k in s.links] == [("a", "b", "+")]
    assert s.variable("a").position == (10.0, 10.0)


def test_existing_session_is_not_touched(cli):
    make_session(cli)
    before = Path("sessions", "byen", "session.json").read_bytes()
    Path("m.csv").write_text("from,to,sign\nX,Y,+\n", encoding="utf-8")
    code, _, err = cli("import", "m.csv", "--session", "byen")
    assert code == 2 and "exists already" in err
    assert Path("sessions", "byen", "session.json").read_bytes() == before


def test_demo_step_writes_every_format(tmp_path):
    from rich.console import Console

    from gmb.commands.formats import demo_step
    from gmb.io.registry import READERS

    cli_session = Session.model_validate({"title": "Demo", "languages": ["da"], "variables": [
        {"id": "a", "labels": {"da": "Søvn"}}, {"id": "b", "labels": {"da": "Trivsel"}}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"}]})  # fmt: skip
    demo_step(cli_session, tmp_path, Console(file=open(tmp_path / "log.txt", "w"), width=200))  # noqa: SIM115
    written = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert written == ["map-csv", "map-graphml.graphml", "map-kumu-xlsx.xlsx", "map-kumu.json", "map-mdl.mdl",
                       "map-xmile.xmile"]  # fmt: skip
    for path in (tmp_path / "exports").iterdir():
        fmt = path.name.split(".")[0].removeprefix("map-")
        back = READERS[fmt][1](path, lang="da")
        label = {v.id: v.label() for v in back.variables}
        assert [(label[k.cause], label[k.effect]) for k in back.links] == [("Søvn", "Trivsel")]


def test_format_override_reads_any_file_name(cli):
    Path("model.txt").write_text('<xmile><model><variables><aux name="Søvn"/><aux name="Trivsel"/></variables>'
                                 '<views><view><connector uid="1" polarity="-"><from>Søvn</from><to>Trivsel</to>'
                                 "</connector></view></views></model></xmile>", encoding="utf-8")  # fmt: skip
    code, _, err = cli("import", "model.txt", "--session", "x", "--format", "xmile", "--lang", "da")
    assert code == 0, err
    s = Store(Path("sessions")).load("x")
    assert [(k.cause, k.effect, k.polarity.value) for k in s.links] == [("søvn", "trivsel", "-")]
