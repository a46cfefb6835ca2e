"""Typed, frozen results (gmb.results): every answer is JSON-ready, frozen, has a pandas view, and its
mapping view is the dict the functions returned before (same keys, same numbers for the same seed)."""

import dataclasses
import json
import math

import numpy as np
import pytest

import gmb
from gmb.results import Result, plain
from gmb.scenarios.settings import default_scenarios
from gmb.simulate.synthetic import chain_model, synthetic_cld, synthetic_model
from gmb.workflow.ensembles import public


@pytest.fixture(scope="module")
def small():
    G = synthetic_cld(8, seed=2)
    return G, synthetic_model(8, seed=2), default_scenarios(G)


@pytest.fixture(scope="module")
def ranking(small):
    G, m, sc = small
    return gmb.rank_ideas(m, G, sc, runs=24, seed=3, engine="numpy")


@pytest.fixture(scope="module")
def attribution(small):
    G, m, sc = small
    return gmb.attribute(m, G, sc, ["idea0", "idea1", "idea2"], runs=24, seed=3, engine="numpy")


@pytest.fixture(scope="module")
def fans(small):
    _, m, sc = small
    return gmb.fan_charts(m, sc, ideas=["idea0"], bundles={"both": ["idea0", "idea1"]}, runs=16, seed=3,
                          engine="numpy")  # fmt: skip


@pytest.fixture(scope="module")
def robustness(small):
    G, m, sc = small
    return gmb.link_robustness(m, G, sc, runs=16, seed=3, engine="numpy")


@pytest.fixture(scope="module")
def sobol():
    from gmb.simulate.ensemble import Study

    study = Study.build(chain_model(3), {"push": [gmb.Intervention(variable="v2", dose=0.2)]}, seed=1,
                        horizon=24.0, engine="numpy")  # fmt: skip
    return gmb.sobol(study, "push", n=16, resamples=10)


@pytest.fixture(scope="module")
def dominance():
    return gmb.loop_dominance(chain_model(3), [gmb.Intervention(variable="v2", dose=0.2)], runs=8, seed=1)


@pytest.fixture(scope="module")
def calibration_parts():
    from gmb.calibration.attribution import attribute_change
    from gmb.calibration.core import calibrate_problem
    from gmb.calibration.synthetic import tiny_problem

    prob, _ = tiny_problem(seed=1, times=(12, 24, 36))
    post = calibrate_problem(prob, runs=300, seed=0, keep=200)
    return prob, post, attribute_change(prob, post)


def _calibration(post, extra=None):
    extra = extra or {"implemented": {"push": "half the people"}, "unit": "month", "observations": 3,
                      "assumptions": "Gaussian errors"}  # fmt: skip
    return gmb.Calibration.from_dict({**post, **extra})


def _walk_keys(data):
    if isinstance(data, dict):
        for k, v in data.items():
            yield k
            yield from _walk_keys(v)
    elif isinstance(data, list):
        for v in data:
            yield from _walk_keys(v)


def _json_ready(res: Result) -> dict:
    """The checks every result passes; returns its dict."""
    d = res.to_dict()
    json.dumps(d, allow_nan=False)  # plain JSON, no default= needed, no NaN
    assert json.loads(res.to_json()) == d  # round trip
    assert res.to_json(indent=2) == res.to_json(indent=2) and "\\u00" not in res.to_json()  # deterministic, UTF-8
    assert not any(str(k).startswith("_") for k in _walk_keys(d)), "a private key in to_dict()"
    assert list(res) == list(d) and len(res) == len(d)  # the mapping view's keys are the dict's, in order
    for key in d:
        assert plain(res[key]) == d[key], key  # ... and its values are the fields as computed
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(res, dataclasses.fields(res)[0].name, None)
    with pytest.raises(TypeError):
        res[next(iter(d))] = None  # read-only mapping
    return d


def _no_numpy(data):
    if isinstance(data, dict):
        return all(_no_numpy(v) for v in data.values())
    if isinstance(data, list):
        return all(_no_numpy(v) for v in data)
    return data is None or type(data) in (str, int, float, bool)


def test_plain_makes_json_data():
    data = {"a": np.float64(0.5), "b": np.arange(3), "c": (1, float("nan")), "_d": 1, "e": {"_f": 2, "g": np.int64(4)}}
    assert plain(data) == {"a": 0.5, "b": [0, 1, 2], "c": [1, None], "e": {"g": 4}}
    assert _no_numpy(plain(data))


def test_ranking(ranking):
    assert isinstance(ranking, gmb.Ranking)
    d = _json_ready(ranking)
    assert _no_numpy(d)
    assert list(d)[:7] == ["meta", "unit", "horizon", "runs", "seed", "ideas", "effects"]
    assert ranking.runs == ranking["runs"] == 24 and ranking.meta["seed"] == 3
    frame = ranking.to_frame()
    assert frame.index.tolist() == [r["idea"] for r in d["ideas"]]  # best first, as the dict
    assert frame["median"].tolist() == [r["median"] for r in d["ideas"]]
    assert {"label", "p5", "p95", "p_improves", "score", "rank_effect"} <= set(frame.columns)
    # the rows' numbers are the effects' summaries (the same numbers under both keys of the old dict)
    for row in ranking.ideas:
        e = ranking.effects[row["idea"]]
        assert (row["median"], row["p5"], row["p95"]) == (e["median"], e["p5"], e["p95"])


def test_same_seed_same_ranking(small, ranking):
    G, m, sc = small
    again = gmb.rank_ideas(m, G, sc, runs=24, seed=3, engine="numpy")
    assert again.to_json() == ranking.to_json()


def test_attribution_keeps_the_draws_as_typed_fields(attribution):
    assert isinstance(attribution, gmb.Attribution)
    d = _json_ready(attribution)
    assert "shapley_draws" not in d and "_phi" not in d and "bundle_draws" not in d
    phi, full = attribution.shapley_draws, attribution.bundle_draws
    assert isinstance(phi, np.ndarray) and phi.shape == (3, 24) and full.shape == (24,)
    # the JSON numbers are the draws' means (ratio of means), and the Shapley values add up per draw
    for j, idea in enumerate(attribution.bundle):
        assert math.isclose(d["shares"][idea], float(phi[j].mean()), rel_tol=1e-12)
    assert math.isclose(d["total"], float(full.mean()), rel_tol=1e-12)
    assert np.allclose(phi.sum(axis=0), full, rtol=1e-9, atol=1e-12)
    frame = attribution.to_frame()
    assert sorted(frame.index) == ["idea0", "idea1", "idea2"]
    assert frame.loc["idea0", "expected"] == d["shares"]["idea0"]
    assert frame.loc["idea0", "shapley.mean"] == attribution["ideas"][[r["idea"] for r in d["ideas"]].index("idea0")][
        "shapley"]["mean"]  # fmt: skip


def test_fan_charts(fans):
    assert isinstance(fans, gmb.FanCharts)
    d = _json_ready(fans)
    assert public(dict(fans)) == d  # the old dict through the old JSON clean-up: the same answer
    assert [c["scenario"] for c in d["charts"]] == ["baseline", "idea0", "both"]
    frame = fans.to_frame()
    assert list(frame.columns) == ["scenario", "variable", "time", "p5", "p25", "p50", "p75", "p95"]
    assert len(frame) == sum(len(c["time"]) for c in d["charts"])
    last = d["charts"][-1]
    assert frame["p50"].iloc[-1] == last["p50"][-1] and frame["time"].iloc[-1] == last["time"][-1]


def test_robustness(robustness):
    assert isinstance(robustness, gmb.Robustness)
    d = _json_ready(robustness)
    assert list(d) == ["meta", "unit", "horizon", "runs", "seed", "ideas"]
    frame = robustness.to_frame()
    assert frame.index.tolist() == [r["idea"] for r in d["ideas"]]
    assert frame["verdict"].tolist() == [r["verdict"] for r in d["ideas"]]


def test_sobol(sobol):
    assert isinstance(sobol, gmb.SobolIndices)
    d = _json_ready(sobol)
    assert list(d) == ["meta", "parameters"]
    frame = sobol.to_frame()
    assert frame.index.tolist() == [p["parameter"] for p in d["parameters"]]
    assert frame["ST"].tolist() == [p["ST"] for p in d["parameters"]]
    assert len(frame) == d["meta"]["dimensions"]


def test_dominance(dominance):
    assert isinstance(dominance, gmb.Dominance)
    d = _json_ready(dominance)
    assert "ensemble" in d and list(d)[-1] == "elapsed"  # the optional part where it always was
    assert dominance.to_frame().index.tolist() == [lp["id"] for lp in d["loops"]]
    without = gmb.loop_dominance(chain_model(3), [gmb.Intervention(variable="v2", dose=0.2)])
    assert "ensemble" not in without.to_dict() and "ensemble" not in without and without.ensemble is None


def test_calibration(calibration_parts):
    _, post, _ = calibration_parts
    c = _calibration(post)
    d = _json_ready(c)
    # the old public dict: the calibration's keys without the private draws, in their order
    assert d == public({**post, "implemented": {"push": "half the people"}, "unit": "month", "observations": 3,
                        "assumptions": "Gaussian errors"})  # fmt: skip
    assert list(d)[:3] == ["method", "runs", "seed"] and "success" not in d
    assert c.posterior_draws is post["_draws"] and c.weights is post["_weights"]
    assert c.to_frame().index.tolist() == [p["parameter"] for p in d["parameters"]]


def test_calibration_least_squares_keeps_its_key_order():
    from gmb.calibration.core import calibrate_problem
    from gmb.calibration.synthetic import tiny_problem

    prob, _ = tiny_problem(seed=1, times=(12, 24), vary=("dose",))
    lsq = calibrate_problem(prob, method="lsq")
    c = _calibration(lsq)
    d = _json_ready(c)
    assert list(d)[:6] == [k for k in lsq if not k.startswith("_")][:6] == ["method", "success", "chi2",
                                                                             "data_points", "evaluations",
                                                                             "parameters"]  # fmt: skip
    assert "ess" not in d and c.point is lsq["_point"]


def test_observed_attribution(calibration_parts):
    _, post, a = calibration_parts
    res = gmb.ObservedAttribution.from_dict({**a, "calibration": {"ess": post["ess"]}, "variable_label": "V0"})
    d = _json_ready(res)
    assert d["activities"][0]["idea"] == "push" and res.to_frame().index.tolist() == ["push"]
    with_variants = dataclasses.replace(res, selection_variants=[{"share": 0.5}])
    assert list(with_variants.to_dict())[-1] == "selection_variants" and "selection_variants" not in d


def test_stability_report_keeps_its_json_shape():
    report = gmb.check_stability(chain_model(3))
    d = _json_ready(report)
    assert list(d) == ["radius", "stable", "runaway", "loops", "ceiling", "question", "text"]
    assert d["stable"] is True and d["radius"] == report.radius
    assert len(report.to_frame()) == len(report.runaway) == 0


def test_comparison():
    t = np.array([0.0, 1.0, 2.0])
    a = gmb.Trajectories(t, {"x": np.array([1.0, 2.0, 3.0])})
    b = gmb.Trajectories(t, {"x": np.array([1.0, 2.5, 3.0]), "y": np.zeros(3)})
    c = gmb.compare(a, b)
    d = _json_ready(c)
    assert d["ok"] is False and d["missing"] == ["y"] and d["mismatches"] == [["x", 1, 2.0, 2.5]]
    assert c.to_frame().to_dict("records") == [{"column": "x", "row": 1, "actual": 2.0, "canonical": 2.5}]


def test_from_dict_refuses_an_unknown_key(robustness):
    with pytest.raises(TypeError, match="no field"):
        gmb.Robustness.from_dict({**dict(robustness), "extra": 1})


def test_every_answer_class_is_public():
    for name in ("Result", "Ranking", "Attribution", "FanCharts", "Robustness", "SobolIndices", "Dominance",
                 "Calibration", "ObservedAttribution", "StabilityReport", "Comparison"):  # fmt: skip
        assert name in gmb.__all__ and issubclass(getattr(gmb, name), Result), name


def test_repr_is_short(ranking, attribution):
    assert repr(ranking).startswith("Ranking(meta, unit, horizon") and len(repr(ranking)) < 200
    assert "shapley_draws" not in repr(attribution) and len(repr(attribution)) < 300


def test_public_signatures_name_their_types():
    """No parameter of a public function is typed bare ``Any`` or left untyped, and each says what it returns
    (``**options`` may stay open)."""
    import inspect

    loose = []
    for name in gmb.__all__:
        obj = getattr(gmb, name)
        obj = getattr(obj, "__wrapped__", obj) if inspect.ismodule(obj) else obj
        if inspect.isclass(obj) or not callable(obj):
            continue
        sig = inspect.signature(obj)
        for p in sig.parameters.values():
            if p.kind is not p.VAR_KEYWORD and str(p.annotation) in ("Any", str(inspect.Parameter.empty)):
                loose.append(f"{name}({p.name})")
        if sig.return_annotation is inspect.Signature.empty or str(sig.return_annotation) == "Any":
            loose.append(f"{name} -> ?")
    assert loose == [], loose
