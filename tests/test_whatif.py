"""The what-if computation: same draws as ``gmb rank`` (identical effects at dose 1), doses and lags move it."""

import numpy as np
import pytest

from gmb.errors import InputError, ValidationError
from gmb.scenarios.answers import attribute, rank_ideas
from gmb.scenarios.settings import default_scenarios
from gmb.scenarios.whatif import whatif
from gmb.simulate.synthetic import synthetic_cld
from gmb.stockflow.convert import to_stockflow


@pytest.fixture(scope="module")
def small():
    G = synthetic_cld(12, seed=2, ideas=3)
    return G, to_stockflow(G), default_scenarios(G)


def test_effects_equal_rank_ideas_and_shapley_equals_attribute(small):
    G, m, sc = small
    ideas = list(sc.ideas)
    r = whatif(m, sc, {"ideas": {i: {} for i in ideas}, "runs": 200, "seed": 4}, source=G)
    rk = rank_ideas(m, G, sc, runs=200, seed=4, settle=False)
    for i in ideas:
        for k in ("median", "p5", "p95", "p_improves"):
            assert r["effects"][i][k] == rk["effects"][i][k]
    a = attribute(m, G, sc, ideas, runs=200, seed=4)
    shares = {row["idea"]: row["share"] for row in a["ideas"]}
    assert r["shapley"]["shares"] == pytest.approx([shares[i] for i in r["shapley"]["ideas"]], rel=1e-12)
    assert r["meta"]["exploratory"] is True
    assert r["fan"]["baseline"]["p50"] != r["fan"]["setting"]["p50"]


def test_dose_and_lag_move_the_effect_and_zero_dose_is_the_baseline(small):
    _, m, sc = small
    i = next(iter(sc.ideas))
    full = whatif(m, sc, {"ideas": {i: {}}, "runs": 100})["effects"][i]["median"]
    half = whatif(m, sc, {"ideas": {i: {"dose": 0.5}}, "runs": 100})["effects"][i]["median"]
    late = whatif(m, sc, {"ideas": {i: {"start": 12}}, "runs": 100})["effects"][i]["median"]
    zero = whatif(m, sc, {"ideas": {i: {"dose": 0}}, "runs": 100})
    assert abs(half) < abs(full) and abs(late) < abs(full)
    assert zero["effects"][i]["median"] == 0.0
    assert np.allclose(zero["fan"]["setting"]["p50"], zero["fan"]["baseline"]["p50"])


def test_bad_settings_name_the_field(small):
    _, m, sc = small
    with pytest.raises(InputError) as e:
        whatif(m, sc, {"ideas": {"ghost": {}}, "runs": 10})
    assert e.value.field == "ideas.ghost"
    with pytest.raises(ValidationError) as e:
        whatif(m, sc, {"ideas": {next(iter(sc.ideas)): {"dose": -1}}})
    assert e.value.field == f"ideas.{next(iter(sc.ideas))}.dose"


def test_a_saved_setting_is_a_bundle_gmb_attribute_reads(small, tmp_path):
    from gmb.commands.scenarios import resolve_bundle
    from gmb.errors import ConflictError
    from gmb.scenarios.settings import load_scenarios
    from gmb.scenarios.whatif_saved import save_setting

    G, m, sc = small
    a, b = list(sc.ideas)[:2]
    path = tmp_path / "scenarios.json"
    setting = {"ideas": {a: {}, b: {}}, "runs": 100}
    save_setting(path, sc, "Pakke 1", setting, "Ada", "2026-12-03T13:40Z")
    saved = load_scenarios(path)
    assert resolve_bundle(saved, "Pakke 1") == [a, b] and saved.saved["Pakke 1"].by == "Ada"
    r = attribute(m, G, saved, resolve_bundle(saved, "Pakke 1"), runs=100, seed=0)
    shares = {row["idea"]: row["share"] for row in r["ideas"]}
    w = whatif(m, saved, setting)["shapley"]
    assert w["shares"] == pytest.approx([shares[i] for i in w["ideas"]], rel=1e-12)
    with pytest.raises(ConflictError):
        save_setting(path, saved, "Pakke 1", setting, "Ada")
    # a dose multiplier or a lag is kept (no bundle: a bundle holds planned doses only)
    saved = save_setting(path, saved, "Pakke 2", {"ideas": {a: {"dose": 0.5}, b: {"start": 6}}}, "Ada")
    again = load_scenarios(path)
    assert again.saved["Pakke 2"].ideas[a].dose == 0.5 and again.saved["Pakke 2"].ideas[b].start == 6
    assert "Pakke 2" not in again.bundles
    with pytest.raises(InputError) as e:
        save_setting(path, again, "Pakke 3", {"ideas": {a: {"on": False}}}, "Ada")
    assert e.value.field == "ideas"


def test_two_phases_give_the_same_numbers_as_one(small):
    _, m, sc = small
    ideas = list(sc.ideas)
    s = {"ideas": {i: {"dose": 0.7 + 0.2 * k} for k, i in enumerate(ideas)}, "runs": 150, "seed": 2}
    whole = whatif(m, sc, s)
    chart = whatif(m, sc, {**s, "part": "chart"})
    split = whatif(m, sc, {**s, "part": "split"})
    assert chart["shapley"] is None and chart["shapley_pending"] is True
    assert chart["effects"] == whole["effects"] and chart["fan"] == whole["fan"]
    assert split["shapley"] == whole["shapley"] and "fan" not in split
    # one slider moved: the memo reuses the sub-bundles without that idea, and the numbers are a fresh run's
    moved = {**s, "ideas": {**s["ideas"], ideas[0]: {"dose": 1.3}}}
    from gmb.scenarios import whatif as w

    warm = whatif(m, sc, moved)  # half the sub-bundles from the memo of `s`
    w._CACHE.clear()
    w._MEMOS.clear()
    assert whatif(m, sc, moved) == warm  # all run afresh
