"""``gmb demo`` leaves the example as the session ``havndal``, so the README's and the report's
``gmb … havndal`` commands work right after it — and never overwrites a ``havndal`` the user has."""

from __future__ import annotations

import json

from rich.console import Console

from gmb.commands.demo import session_step
from gmb.examples import example_dir


def test_demo_leaves_a_working_havndal_session(cli, tmp_path, havndal):
    con = Console(record=True, width=200)
    session_step(havndal, tmp_path, con)
    assert "the session 'havndal'" in con.export_text()
    folder = tmp_path / "sessions" / "havndal"
    for name in ("session.json", "events.jsonl", "scenarios.json"):  # the whole history, not a snapshot
        assert (folder / name).read_bytes() == (example_dir("havndal") / name).read_bytes(), name
    code, out, err = cli("session", "show", "havndal", "--json")
    assert code == 0, err
    assert len(json.loads(out)["variables"]) == len(havndal.variables)
    # the command the report prints for a loop
    code, out, err = cli("map", "havndal", "--highlight-loop", "local_activities,volunteer_burden,volunteers")
    assert code == 0, err
    assert (tmp_path / "havndal-map.html").stat().st_size > 10_000


def test_demo_leaves_an_existing_havndal_alone(cli, tmp_path, havndal):
    code, _, err = cli("session", "new", "havndal", "--title", "Vores egen")
    assert code == 0, err
    before = {p.name: p.read_bytes() for p in (tmp_path / "sessions" / "havndal").iterdir()}
    con = Console(record=True, width=200)
    session_step(havndal, tmp_path, con)
    assert "exists already: left it alone" in con.export_text()
    after = {p.name: p.read_bytes() for p in (tmp_path / "sessions" / "havndal").iterdir()}
    assert after == before
