"""The seed examples of issue 18: they load, replay, convert, and calibrate/attribute honestly."""

from __future__ import annotations

import os

import pytest

from gmb.examples import EXAMPLES, example_dir, load_example

NEW = ("roskilde", "guldborgsund", "aktive-boern")


@pytest.mark.parametrize("name", NEW)
def test_example_loads_replays_and_names_its_sources(name):
    from gmb.session.events import replay
    from gmb.session.store import Store

    assert name in EXAMPLES
    s = load_example(name)
    assert replay(Store(example_dir(name).parent).events(name)) == s
    assert all("seed" in (v.notes or "") or "L" in (v.notes or "") for v in s.variables)
    assert all(link.notes.startswith("source:") for link in s.links)
    assert all(o.provenance for o in s.observations)


def test_build_script_is_deterministic():
    import importlib.util
    from pathlib import Path

    from gmb.session.store import _event_line

    spec = importlib.util.spec_from_file_location(
        "b", Path(__file__).parent.parent / "tools" / "build_seed_examples.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for ex in mod.EXAMPLES:
        text = "".join(_event_line(e) for e in mod.events(ex))
        assert text == (example_dir(ex["slug"]) / "events.jsonl").read_text(encoding="utf-8")


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    from rich.console import Console

    from gmb.commands import common
    from gmb.workflow.examples import install_example

    monkeypatch.setenv("GMB_SESSIONS_DIR", str(tmp_path / "sessions"))
    monkeypatch.setitem(common._state, "sessions_dir", tmp_path / "sessions")
    monkeypatch.chdir(tmp_path)
    with open(os.devnull, "w") as null:
        for name in NEW:
            install_example(name, Console(file=null))
    return tmp_path


def test_roskilde_calibrates_attributes_and_shows_selection(sessions):
    from gmb.calibration.selection import selection_variants
    from gmb.workflow.calibration import attribute_observed, calibrate, problem_for

    r = calibrate("roskilde", runs=600, plot=sessions / "cal.png")
    assert r["data_points"] == 2 and (sessions / "cal.png").stat().st_size > 1000
    assert not r["fit"]["misfit"]
    a = attribute_observed("roskilde", runs=600, draws=200)
    assert a["variable"] == "loneliness" and abs(a["check"]) < 1e-9
    groups = next(x for x in a["activities"] if x["idea"] == "mens_groups")
    visits = next(x for x in a["activities"] if x["idea"] == "home_visits")
    assert groups["mean"] < 0 and abs(visits["mean"]) < abs(groups["mean"])  # visits change who joins, not members
    prob, _ = problem_for("roskilde")
    v = selection_variants(prob, (0.0, 0.5), runs=600)
    assert v[1]["observed_change"] == pytest.approx(0.5 * v[0]["observed_change"])
    assert abs(v[1]["residual"]["mean"]) < abs(v[0]["residual"]["mean"])


def test_a_case_without_numbers_says_so(sessions):
    from gmb.errors import InputError
    from gmb.workflow.calibration import calibrate

    with pytest.raises(InputError, match="no observations"):
        calibrate("aktive-boern", runs=100)


def test_report_has_the_observed_section(sessions):
    from gmb.commands.observe import save_observed
    from gmb.session.store import Store
    from gmb.views.report import write_report
    from gmb.workflow.calibration import attribute_observed

    save_observed("guldborgsund", attribute_observed("guldborgsund", runs=500, draws=100))
    s = Store(sessions / "sessions").load("guldborgsund")
    write_report(s, sessions / "reports" / "g", models_dir=sessions / "models" / "guldborgsund", lang="en",
                 name="guldborgsund")  # fmt: skip
    html = (sessions / "reports" / "g" / "index.html").read_text(encoding="utf-8")
    assert "What made the difference — as far as the data can tell" in html and "meeting_places" in html
