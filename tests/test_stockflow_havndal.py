"""The Havndal example converted: rest at baseline, link signs, native vs pysd on every variable, the CLI.

Uses the ``havndal`` fixture (``gmb.load_example("havndal")``); ids come from the session, not hard-coded.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from gmb.cld.graph import to_graph
from gmb.simulate.model_checks import baseline_deviation, index_names, link_responses
from gmb.simulate.reference import simulate
from gmb.stockflow.assumptions import Assumptions
from gmb.stockflow.convert import to_stockflow


@pytest.fixture(scope="module")
def session():
    from gmb.examples import load_example

    return load_example("havndal")


@pytest.fixture(scope="module")
def model(session):
    return to_stockflow(to_graph(session), name="havndal")


def idea_inputs(session, model, size=0.1):
    """Every idea's targets pushed by ``size`` in the idea's direction (level, or a stock's indicated value)."""
    values = {}
    for idea in session.ideas:
        for target in idea.targets:
            el = model.variable_element(target.variable)
            inp = model.input_for(target.variable, "indicated" if el.kind == "stock" else "level")
            values[inp.name] = 1 + size if target.direction == "+" else 1 - size
    return values


def test_havndal_converts_with_its_marked_stocks_and_every_signed_link(session, model):
    marked = {v.id for v in session.variables if v.kind.value == "stock"}
    assert marked and marked <= {s.variable for s in model.stocks}
    assert {s.variable for s in model.stocks if s.chosen == "marked"} == marked
    signed = [link for link in session.links if link.polarity.value != "?"]
    # every link is modelled; a '?' link (C5) with nominal elasticity 0 and its sign left to chance
    assert sorted(e.link for e in model.effects) == sorted(link.id for link in session.links)
    for link in session.links:
        if link.polarity.value == "?":
            assert any(link.id in n and "unknown polarity" in n for n in model.notes)
            assert (
                model.parameter("elasticity", link.id).value == 0
                and model.parameter("elasticity", link.id).p_sign == 0.5
            )
    assert model.element(model.outcome).variable == session.outcome_variable
    assert len(model.smooths) == sum(link.delay for link in session.links)
    assert signed != list(session.links)  # the example has a '?' link


def test_havndal_rests_at_baseline_in_the_native_simulator(model):
    traj = simulate(model)
    assert len(traj.time) == model.time.steps + 1
    assert baseline_deviation(traj, model) <= 1e-9


def test_every_havndal_link_moves_its_effect_in_its_direction(model):
    responses = link_responses(model)
    assert len(responses) == len(model.effects)
    # a '?' link has nominal elasticity 0: it moves nothing (its sign is drawn only in ensembles)
    expected = {r.link: r.sign if model.parameter("elasticity", r.link).value else 0 for r in responses}
    assert list(expected.values()).count(0) == 1
    assert [r.link for r in responses if r.effect_sign != expected[r.link]] == []
    isolated = [r for r in responses if r.isolated]
    assert len(isolated) >= len(responses) // 4
    assert [r.link for r in isolated if r.target_sign != expected[r.link]] == []


def test_havndal_stability_is_reported(model):
    from gmb.stockflow.stability import check_stability

    report = model.stability  # the conversion's, with the loops named from the group's stories
    assert report.text in model.notes and report.radius == check_stability(model).radius
    if not report.stable:
        assert report.runaway and "UNSTABLE" in report.text
        assert "Fællesskab avler frivillige" in report.text  # R1, named from the group's story
        assert "Belastning af frivillige" in report.question  # the limiting loop B1 is already on the map


@pytest.fixture(scope="module")
def files(session, model, tmp_path_factory):
    from gmb.stockflow.files import write_model

    folder = tmp_path_factory.mktemp("havndal")
    return {
        "baseline": write_model(model, Assumptions(), folder / "baseline"),
        "ideas": write_model(model.with_values(idea_inputs(session, model)), Assumptions(), folder / "ideas"),
    }


def test_havndal_rests_at_baseline_in_pysd(model, files):
    from gmb.simulate.pysd_runner import run_pysd

    traj = run_pysd(files["baseline"]["xmile"])
    assert baseline_deviation(traj, model) <= 1e-9
    assert set(index_names(model)) <= set(traj.names)


@pytest.mark.parametrize("kind", ["xmile", "mdl"])
def test_havndal_native_and_pysd_agree_on_every_variable(session, model, files, kind):
    from gmb.simulate.pysd_runner import run_pysd

    pushed = model.with_values(idea_inputs(session, model))
    native = simulate(pushed)
    other = run_pysd(files["ideas"][kind])
    names = [el.name for el in pushed if el.kind != "lookup"]
    worst = 0.0
    for name in names:
        a, b = native[name], other[name]
        scale = np.maximum(np.abs(a), np.abs(b))
        worst = max(worst, float(np.max(np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0))))
    assert worst <= 1e-9
    assert abs(native[model.outcome][-1] - 1) > 1e-3  # the ideas moved the outcome


def test_gmb_convert_havndal_writes_the_files(cli, tmp_path):
    from gmb.examples import example_dir

    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    code, out, err = cli("convert", "havndal", "--json")
    assert code == 0, err
    info = json.loads(out)
    for kind in ("xmile", "mdl", "assumptions", "readme"):
        assert (tmp_path / info["files"][kind]).is_file()
    md = (tmp_path / info["files"]["readme"]).read_text("utf-8")
    assert "Børns mentale sundhed" in md or info["outcome"]["label"] in md
    code, out, err = cli("simulate", "havndal", "--json")
    assert code == 0, err
    assert json.loads(out)["values"] == [1.0] * len(json.loads(out)["time"])


def test_demo_step_writes_the_model(session, tmp_path):
    from rich.console import Console

    from gmb.commands.model import demo_step

    con = Console(record=True, width=200)
    demo_step(session, tmp_path, con)
    assert (tmp_path / "models" / "havndal" / "model.xmile").is_file()
    assert (tmp_path / "models" / "havndal" / "baseline-native.csv").is_file()
    assert "1.000000–1.000000" in con.export_text()
