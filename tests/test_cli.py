"""The CLI end to end, in real processes: it works, and bad input gives one clear line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def gmb(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GMB_SESSIONS_DIR": str(tmp_path / "sessions")}

    def run(*args: str, ok: bool = True):
        proc = subprocess.run([sys.executable, "-m", "gmb", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)  # fmt: skip
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc

    return run


def _refused(proc, *words):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error:")
    for w in words:
        assert w in proc.stderr, proc.stderr


def test_build_a_small_session(gmb, tmp_path):
    gmb("session", "new", "byen", "--title", "Børns trivsel", "--lang", "da", "--lang", "en")
    gmb("participant", "add", "byen", "p1", "--name", "Sundhedsplejerske", "--role", "participant")
    gmb("var", "add", "byen", "søvn", "--label", "da=Søvn", "--label", "en=Sleep", "--by", "p1", "--stage", "W1")
    gmb("var", "add", "byen", "trivsel", "--label", "da=Trivsel", "--kind", "outcome")
    gmb("link", "add", "byen", "søvn", "trivsel", "--sign", "+", "--by", "p1", "--strength", "strong", "--delay")
    gmb("idea", "add", "byen", "soveråd", "--text", "da=Søvnråd til forældre", "--target", "søvn:+",
        "--feasibility", "4", "--by", "p1")  # fmt: skip
    gmb("idea", "vote", "byen", "soveråd", "--by", "p1")
    data = json.loads(gmb("session", "show", "byen", "--json").stdout)
    assert data["variables"][0]["labels"] == {"da": "Søvn", "en": "Sleep"}
    link = data["links"][0]
    assert (link["polarity"], link["delay"], link["strength"], link["proposed_by"]) == ("+", True, "strong", "p1")
    assert data["ideas"][0]["votes"] == ["p1"] and data["ideas"][0]["targets"] == [
        {"variable": "søvn", "direction": "+"}
    ]
    assert data["variables"][0]["stage"] == "W1"
    assert "byen" in gmb("session", "list").stdout
    shown = gmb("session", "show", "byen").stdout
    assert "Søvnråd til forældre" in shown and "1 links" in shown


def test_import_csv_edge_list(gmb, tmp_path):
    (tmp_path / "m.csv").write_text("from,to,sign,delay,strength\nSøvn,Trivsel,+,yes,weak\nTrivsel,Søvn,,,\n",
                                    encoding="utf-8")  # fmt: skip
    gmb("import", "m.csv", "--session", "m", "--lang", "da")
    data = json.loads(gmb("session", "show", "m", "--json").stdout)
    assert [(l["polarity"], l["delay"], l["strength"]) for l in data["links"]] == [
        ("+", True, "weak"),
        ("?", False, "unknown"),
    ]
    assert [v["labels"]["da"] for v in data["variables"]] == ["Søvn", "Trivsel"]


def test_errors_are_one_line_without_traceback_and_lose_nothing(gmb, tmp_path):
    gmb("session", "new", "s")
    gmb("var", "add", "s", "a")
    before = (tmp_path / "sessions/s/session.json").read_bytes()
    log_before = (tmp_path / "sessions/s/events.jsonl").read_bytes()
    _refused(gmb("link", "add", "s", "a", "nowhere", "--sign", "+", ok=False), "unknown variable 'nowhere'", "effect")
    _refused(gmb("var", "add", "s", "a", ok=False), "variable with id 'a' exists already")
    _refused(gmb("link", "add", "s", "a", "a", "--sign", "+", ok=False), "to itself")
    gmb("var", "add", "s", "b")
    before = (tmp_path / "sessions/s/session.json").read_bytes()
    log_before = (tmp_path / "sessions/s/events.jsonl").read_bytes()
    _refused(gmb("link", "add", "s", "a", "b", "--sign", "x", ok=False), "polarity", "'x'")
    _refused(gmb("idea", "vote", "s", "nothing", "--by", "ghost", ok=False), "unknown idea 'nothing'")
    _refused(gmb("session", "new", "../x", ok=False), "not a valid session name")
    _refused(gmb("session", "new", "/etc", ok=False), "not a valid session name")
    _refused(gmb("session", "show", "nope", ok=False), "no session 'nope'")
    assert (tmp_path / "sessions/s/session.json").read_bytes() == before
    assert (tmp_path / "sessions/s/events.jsonl").read_bytes() == log_before
    assert not (tmp_path / "x").exists()


def test_bad_files_are_named_with_line_and_field(gmb, tmp_path):
    (tmp_path / "bad.json").write_text('{"title": "t",\n  "variables": [\n', encoding="utf-8")
    _refused(gmb("session", "new", "a", "--from", "bad.json", ok=False), "bad.json", "line 3", "malformed JSON")
    (tmp_path / "dup.json").write_text(json.dumps({"title": "t", "variables": [{"id": "x"}, {"id": "x"}]}))
    _refused(gmb("session", "new", "b", "--from", "dup.json", ok=False), "dup.json", "variables[1].id", "duplicate id")
    (tmp_path / "latin1.csv").write_bytes("from,to,sign\nS\xf8vn,Trivsel,+\n".encode("latin-1"))
    _refused(gmb("import", "latin1.csv", "--session", "c", ok=False), "latin1.csv", "line 2", "UTF-8")
    (tmp_path / "sign.csv").write_text("from,to,sign\na,b,+\nb,c,sideways\n", encoding="utf-8")
    _refused(
        gmb("import", "sign.csv", "--session", "d", "--strict", ok=False), "sign.csv", "line 3", "sign", "'sideways'"
    )  # without --strict: a warning, and the sign is unknown
    (tmp_path / "nohead.csv").write_text("a,b,+\n", encoding="utf-8")
    _refused(gmb("import", "nohead.csv", "--session", "e", ok=False), "nohead.csv", "line 1", "no from or to column")
    assert not (tmp_path / "sessions").exists() or not any((tmp_path / "sessions").iterdir())


def test_corrupt_stored_session_is_named(gmb, tmp_path):
    gmb("session", "new", "s")
    (tmp_path / "sessions/s/session.json").write_text('{"title": 5}', encoding="utf-8")
    _refused(gmb("session", "show", "s", ok=False), "session.json", "title")


def test_sessions_dir_option_and_env(gmb, tmp_path):
    gmb("--sessions-dir", str(tmp_path / "other"), "session", "new", "o")
    assert (tmp_path / "other/o/session.json").is_file()
    assert "o" not in json.loads(gmb("session", "list", "--json").stdout)


def test_help_works(gmb):
    out = gmb("--help").stdout
    for command in ("session", "var", "link", "idea", "import", "demo"):
        assert command in out


def test_show_havndal_json_from_the_repo_sessions_folder(gmb):
    proc = gmb("--sessions-dir", str(ROOT / "sessions"), "session", "show", "havndal", "--json")
    data = json.loads(proc.stdout)
    assert len(data["variables"]) >= 30 and len(data["links"]) >= 50 and len(data["ideas"]) == 7
    assert {l["polarity"] for l in data["links"]} <= {"+", "-", "?"}
    assert "Søstien" in proc.stdout  # UTF-8 end to end


def test_demo_runs_from_any_folder(gmb, tmp_path):
    out = gmb("demo", "--project", str(tmp_path / "demo")).stdout
    assert "Havndal" in out and "fællesspisning" in out.lower()
    assert "validated" in out and str(tmp_path / "demo") in out.replace("\n", "")
