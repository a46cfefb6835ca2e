"""Interventions and the scenario assumptions file: shapes, validation, JSON, and the model hook."""

import json

import numpy as np
import pytest

from gmb.errors import GmbError, NotFoundError, ValidationError
from gmb.scenarios.settings import (
    Scenarios,
    complete_scenarios,
    default_scenarios,
    load_scenarios,
    save_scenarios,
)
from gmb.simulate.interventions import InputShape, Intervention, resolve_channel, with_interventions
from gmb.simulate.synthetic import chain_model, synthetic_cld


def test_profiles_by_hand():
    ramp = Intervention(variable="x", shape="ramp", start=2, ramp_up=4, end=10)
    assert [ramp.profile(t) for t in (0, 2, 3, 6, 9.5, 10, 20)] == [0, 0, 0.25, 1, 1, 0, 0]
    step = Intervention(variable="x", shape="step", start=3)
    assert [step.profile(t) for t in (2.9, 3, 100)] == [0, 1, 1]
    pulse = Intervention(variable="x", shape="pulse", start=5)  # default: one time unit
    assert [pulse.profile(t) for t in (4.9, 5, 5.9, 6)] == [0, 1, 1, 0]


def test_profile_switches_like_pysd_step_with_a_drifting_clock():
    # a clock that accumulates 0.1 drifts below 1.0; pysd's STEP fires when t + dt/2 > start
    t = 0.0
    for _ in range(10):
        t += 0.1
    assert t < 1.0
    iv = Intervention(variable="x", shape="step", start=1.0)
    assert iv.profile(t, dt=0.1) == 1.0 and iv.profile(t) == 0.0


def test_input_shape_multiplies_and_adds():
    a = Intervention(variable="x", dose=0.2, shape="step", start=0)
    b = Intervention(variable="x", dose=0.5, direction="-", shape="step", start=0)
    assert InputShape("level", (a, b)).at(1.0, 1.0) == pytest.approx(1.2 * 0.5)
    assert InputShape("inflow", (a, b)).at(1.0, 0.0) == pytest.approx(0.2 - 0.5)
    runs = InputShape("level", (a,), doses=(np.array([0.1, 0.3]),)).at(1.0, 1.0)
    assert runs.tolist() == pytest.approx([1.1, 1.3])


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"dose": -0.1}, "dose"),
        ({"low": -1.0}, "low"),
        ({"dose": 0.2, "low": 0.3}, "dose"),
        ({"shape": "ramp", "ramp_up": 0}, "ramp_up"),
        ({"start": 5, "end": 2}, "end"),
        ({"channel": "level", "direction": "-", "dose": 1.0}, "dose"),
        ({"shape": "wave"}, "shape"),
    ],
)
def test_bad_interventions_are_refused_with_the_field(kw, field):
    with pytest.raises(ValidationError) as err:
        Intervention(variable="x", **kw)
    assert err.value.field == field


def test_channel_resolution_and_unknown_variable():
    m = chain_model(2)
    assert resolve_channel(m, "v0") == "indicated"  # a stock
    with pytest.raises(NotFoundError, match="no variable 'nope'"):
        resolve_channel(m, "nope")
    G = synthetic_cld(6, seed=1, stock_share=0.5)
    from gmb.stockflow.convert import to_stockflow

    m2 = to_stockflow(G)
    aux = next(a.variable for a in m2.auxiliaries if a.role == "variable")
    assert resolve_channel(m2, aux) == "level"
    with pytest.raises(ValidationError, match="no inflow"):
        resolve_channel(m2, aux, "inflow")


def test_with_interventions_returns_a_new_model_and_leaves_the_old_one():
    m = chain_model(3)
    iv = Intervention(variable="v2", dose=0.3, shape="step", start=1)
    m2 = with_interventions(m, [iv])
    assert all(i.shape is None for i in m.inputs)
    hooked = m2.input_for("v2", "indicated")
    assert isinstance(hooked.shape, InputShape) and hooked.at(2.0) == pytest.approx(1.3)
    assert "STEP(1.0, 1.0)" in hooked.shape.equation(hooked, "vensim")


def test_default_scenarios_follow_idea_targets_and_directions(havndal):
    s = default_scenarios(havndal)
    assert set(s.ideas) == {i.id for i in havndal.ideas}
    for idea in havndal.ideas:
        got = [(iv.variable, iv.direction, iv.idea) for iv in s.interventions([idea.id])]
        assert got == [(t.variable, t.direction, idea.id) for t in idea.targets]
    assert s.bundles["all"] == tuple(i.id for i in havndal.ideas)
    assert "assumption" in s.note.lower()


def test_scenarios_round_trip_utf8_and_errors_name_the_file(tmp_path):
    G = synthetic_cld(6, seed=3)
    s = default_scenarios(G).model_copy(update={"note": "Doser er antagelser — æøå"})
    path = tmp_path / "scenarios.json"
    save_scenarios(s, path)
    assert "æøå" in path.read_text(encoding="utf-8")
    assert load_scenarios(path) == s
    data = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(data["ideas"]))
    data["ideas"][first]["dose"] = -0.5
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GmbError) as err:
        load_scenarios(path)
    assert str(path) in str(err.value) and "dose" in str(err.value)
    path.write_text('{"horizon": "soon"}', encoding="utf-8")
    with pytest.raises(ValidationError, match="horizon"):
        load_scenarios(path)


def test_complete_adds_new_ideas_and_keeps_edits():
    G = synthetic_cld(6, seed=3, ideas=2)
    s = default_scenarios(G)
    first = next(iter(s.ideas))
    edited = s.model_copy(update={"ideas": {first: s.ideas[first].model_copy(update={"note": "edited"})}})
    done = complete_scenarios(edited, G)
    assert done.ideas[first].note == "edited" and set(done.ideas) == set(s.ideas)
    assert complete_scenarios(done, G) is done


def test_horizon_default_and_beyond_the_model():
    s = Scenarios()
    assert s.horizon_for("month", 0, 60) == 36.0
    with pytest.raises(GmbError, match="beyond"):
        Scenarios(horizon=100).horizon_for("month", 0, 60)
