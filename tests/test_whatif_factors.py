"""What-if by reach, intensity and persistence: the multiplier is the product over the nominal product,
the numbers are the dose multiplier's, bad values are refused by field, and a saved setting keeps the values."""

import json
import shutil

import pytest

from gmb.cld import to_graph
from gmb.errors import InputError
from gmb.examples import example_dir, load_example
from gmb.scenarios.answers import rank_ideas
from gmb.scenarios.settings import load_scenarios
from gmb.scenarios.whatif import whatif
from gmb.scenarios.whatif_saved import as_setting, save_setting
from gmb.stockflow.convert import to_stockflow

RUNS, SEED = 200, 5


@pytest.fixture(scope="module")
def havndal():
    G = to_graph(load_example("havndal"))
    return G, to_stockflow(G), load_scenarios(example_dir("havndal") / "scenarios.json")


def _effect(r, idea="faellesspisning"):
    return {k: r["effects"][idea][k] for k in ("median", "p5", "p95", "p_improves")}


def test_reach_moves_the_effect_as_its_multiplier(havndal):
    G, m, sc = havndal
    f = sc.ideas["faellesspisning"].factors  # reach 0.15:0.3:0.45, intensity 0.2:0.4:0.6, persistence 0.5:0.7:0.85
    assert f["reach"].nominal == 0.3
    nominal = whatif(m, sc, {"ideas": {"faellesspisning": {"factors": {"reach": 0.3}}}, "runs": RUNS, "seed": SEED})
    rk = rank_ideas(m, G, sc, ideas=["faellesspisning"], runs=RUNS, seed=SEED, settle=False)["effects"]
    assert _effect(nominal) == {k: rk["faellesspisning"][k] for k in ("median", "p5", "p95", "p_improves")}
    half = whatif(m, sc, {"ideas": {"faellesspisning": {"factors": {"reach": 0.5}}}, "runs": RUNS, "seed": SEED})
    assert half["meta"]["setting"]["ideas"]["faellesspisning"]["dose"] == pytest.approx(0.5 / 0.3, rel=1e-10)
    k = float(f"{0.5 / 0.3:.12g}")  # the multiplier as the server rounds it
    direct = whatif(m, sc, {"ideas": {"faellesspisning": {"dose": k}}, "runs": RUNS, "seed": SEED})
    assert _effect(half) == _effect(direct)  # the factors only set the multiplier
    assert half["effects"]["faellesspisning"]["median"] > nominal["effects"]["faellesspisning"]["median"] > 0
    # all three factors: product over nominal product (0.45 * 0.6 * 0.5) / (0.3 * 0.4 * 0.7)
    three = {"reach": 0.45, "intensity": 0.6, "persistence": 0.5}
    r = whatif(m, sc, {"ideas": {"faellesspisning": {"factors": three}}, "runs": 20, "seed": SEED})
    assert r["meta"]["setting"]["ideas"]["faellesspisning"]["dose"] == pytest.approx(0.135 / 0.084, rel=1e-10)


@pytest.mark.parametrize("idea, body, field", [
    ("faellesspisning", {"factors": {"reach": 1.2}}, "ideas.faellesspisning.factors.reach"),
    ("faellesspisning", {"factors": {"intensity": 0.9}}, "ideas.faellesspisning.factors.intensity"),
    ("faellesspisning", {"factors": {"reach": 1.0, "intensity": 0.6}}, "ideas.faellesspisning.factors"),  # > 3 ×
    ("faellesspisning", {"factors": {"reach": 0.45}, "dose": 1.0}, "ideas.faellesspisning.dose"),  # not 1.5
])  # fmt: skip
def test_bad_factor_values_are_refused_by_field(havndal, idea, body, field):
    _, m, sc = havndal
    with pytest.raises(InputError) as e:
        whatif(m, sc, {"ideas": {idea: body}, "runs": 20})
    assert e.value.field == field


def test_an_idea_with_a_direct_dose_takes_no_factors():
    from gmb.scenarios.settings import default_scenarios

    G = to_graph(load_example("havndal"))
    with pytest.raises(InputError) as e:
        whatif(to_stockflow(G), default_scenarios(G), {"ideas": {"bike_paths": {"factors": {"reach": 0.5}}}})
    assert e.value.field == "ideas.bike_paths.factors"


def test_a_saved_setting_keeps_the_factor_values_and_gmb_scenarios_shows_them(cli, tmp_path, havndal):
    _, m, _ = havndal
    folder = tmp_path / "sessions" / "havndal"
    shutil.copytree(example_dir("havndal"), folder)
    path = folder / "scenarios.json"
    setting = {"ideas": {"faellesspisning": {"factors": {"reach": 0.5}}, "bike_paths": {"start": 6}}}
    new = save_setting(path, load_scenarios(path), "Halv by", setting, "Ada", "2026-12-03T15:00:00+00:00", 7)
    raw = json.loads(path.read_text(encoding="utf-8"))["saved"]["Halv by"]["ideas"]
    assert raw["faellesspisning"]["factors"] == {"reach": 0.5} and "factors" not in raw["bike_paths"]
    assert raw["faellesspisning"]["dose"] == pytest.approx(0.5 / 0.3)
    assert "Halv by" not in new.bundles  # not the planned doses
    back = as_setting(load_scenarios(path).saved["Halv by"], runs=RUNS, seed=SEED)
    panel = whatif(m, new, {**setting, "runs": RUNS, "seed": SEED})
    assert whatif(m, new, back)["setting_effect"] == panel["setting_effect"]
    code, out, err = cli("scenarios", "havndal")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "reach 0.5 instead of 0.3" in flat and "Halv by" in flat
