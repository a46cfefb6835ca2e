"""Calibration (issue 18): coverage, convergence, attribution, honesty, bad input."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gmb.calibration.core import calibrate_problem, weighted_quantile
from gmb.calibration.synthetic import tiny_problem
from gmb.simulate.sampling import draw, varying


def test_coverage_of_90_percent_intervals_over_60_repetitions():
    """Truth drawn from the prior, data = truth + noise: 90 % intervals cover it in 80–97 % of cases."""
    prob, _ = tiny_problem(seed=0, se=0.003, vary=("adjustment_time", "dose"))
    p = prob.study.program
    P = draw(p, seed=1, runs=4000, vary=prob.vary)
    m = prob.predict(prob.run(P))
    truths = draw(p, seed=99, runs=60, vary=prob.vary)
    mt = prob.predict(prob.run(truths))
    rng = np.random.default_rng(5)
    idx = varying(p, prob.vary)
    hits = []
    for r in range(truths.shape[1]):
        y = mt[:, r] + 0.003 * rng.standard_normal(prob.k)
        w = np.exp(-0.5 * (replace(prob, y=y).chi2(m) - replace(prob, y=y).chi2(m).min()))
        for i in idx:
            lo, hi = weighted_quantile(P[i], w, [0.05, 0.95])
            hits.append(lo <= truths[i, r] <= hi)
    cover = float(np.mean(hits))
    assert 0.80 <= cover <= 0.97, cover


def test_point_estimates_converge_as_data_grow():
    """The dose (reach × intensity: only their product is identifiable) from 2, 12 and 72 data points."""
    errs = []
    for times in ((12, 36), tuple(range(3, 37, 3)), tuple(np.arange(1, 37, 0.5))):
        e = []
        for seed in range(4):
            prob, truth = tiny_problem(seed=seed, se=0.003, times=times, vary=("dose",))
            post = calibrate_problem(prob, runs=2000, seed=seed, keep=500)
            p = prob.study.program
            a, b = p.param("dose[push:reach]"), p.param("dose[push:intensity]")
            d = post["_draws"]
            e.append(abs(np.median(d[a] * d[b]) - truth[a] * truth[b]))
        errs.append(np.mean(e))
    # measured: about 0.016, 0.003, 0.003 (with a few thousand prior draws the ESS, not the data, limits the last step)
    assert errs[1] < 0.5 * errs[0] and errs[2] < 0.5 * errs[0], errs


def test_unidentifiable_parameters_are_reported():
    prob, _ = tiny_problem(seed=1, se=0.5)  # data far too noisy to say anything
    post = calibrate_problem(prob, runs=2000, seed=0)
    assert all(not r["identifiable"] for r in post["parameters"])
    assert any("not identifiable from these data" in w for w in post["warnings"])


def test_a_model_that_cannot_reproduce_the_data_is_flagged():
    prob, _ = tiny_problem(seed=1, se=0.003)
    bad = replace(prob, y=prob.y + 0.3)  # far above anything the chain can do
    post = calibrate_problem(bad, runs=2000, seed=0)
    assert post["fit"]["misfit"] and post["fit"]["p_value"] < 0.05
    assert any("cannot reproduce" in w for w in post["warnings"])
    ok = calibrate_problem(prob, runs=2000, seed=0)
    assert not ok["fit"]["misfit"]


def _two_path_problem(seed: int, se: float = 0.01):
    """Two activities on separate paths into an outcome that sums them (independent by construction)."""
    import networkx as nx

    from gmb.calibration.core import build_problem
    from gmb.calibration.synthetic import observations_from
    from gmb.scenarios.doses import Factor, IdeaPlan, Target
    from gmb.stockflow.convert import to_stockflow

    G = nx.DiGraph(outcome="y")
    for v in ("a", "b", "y"):
        G.add_node(v, label=v.upper(), kind="stock")
    G.add_edge("a", "y", id="La", sign=1, strength="medium", delay=False)
    G.add_edge("b", "y", id="Lb", sign=1, strength="medium", delay=False)
    model = to_stockflow(G, name="two_paths")
    plans = {"ia": IdeaPlan(targets=(Target(variable="a"),), intensity=Factor(nominal=0.3, low=0.1, high=0.5), ramp_up=3),
             "ib": IdeaPlan(targets=(Target(variable="b"),), intensity=Factor(nominal=0.2, low=0.05, high=0.4), lag=24,
                            ramp_up=3)}  # fmt: skip
    times = (1, 6, 12, 18, 24, 30, 36, 42, 48)
    prob = build_problem(model, plans, observations_from("y", times, [1.0] * len(times), se), vary=("dose",),
                         engine="numpy")  # fmt: skip
    truth = draw(prob.study.program, seed=500 + seed, runs=1, vary=("dose",))
    rng = np.random.default_rng(seed)
    y = prob.predict(prob.run(truth))[:, 0] + se * rng.standard_normal(prob.k)
    return replace(prob, y=y), truth


def test_attribution_recovers_known_contributions_and_adds_up():
    from gmb.calibration.attribution import attribute_change
    from gmb.simulate.ensemble import Study, run_parameters

    prob, truth = _two_path_problem(seed=2)
    post = calibrate_problem(prob, runs=3000, seed=1)
    a = attribute_change(prob, post)
    # true contributions: each activity alone, with the true parameters (independent paths: no interaction)
    st = prob.study
    ivs = {i: list(pl.interventions_for(i)) for i, pl in prob.plans.items()}
    solo = Study.build(st.program.model, {**ivs, "both": ivs["ia"] + ivs["ib"]},
                       seed=0, horizon=st.horizon, variables=["y"], vary=("dose",), engine="numpy")  # fmt: skip
    steps = np.array([solo.program.step_of(1), solo.program.step_of(48)])
    solo = replace(solo, save_steps=steps, horizon_step=int(steps[-1]))
    out = run_parameters(solo, truth)[:, 0, :, 0]  # (scenarios, times)
    change = out[:, 1] - out[:, 0]
    v = change - change[0]  # v(∅), v(a), v(b), v(ab): the true Shapley values by hand (two players)
    true = {"ia": 0.5 * (v[1] + v[3] - v[2]), "ib": 0.5 * (v[2] + v[3] - v[1])}
    for row in a["activities"]:
        lo, _, hi = row["contribution"]
        assert lo - 1e-3 <= true[row["idea"]] <= hi + 1e-3, (row, true)
    total = a["drift"]["mean"] + sum(r["mean"] for r in a["activities"]) + a["residual"]["mean"]
    assert total == pytest.approx(a["observed"]["change"], abs=1e-12)
    assert abs(a["residual"]["mean"]) < 3 * a["observed"]["se"]


@pytest.fixture
def roskilde(tmp_path, monkeypatch):
    import os

    from rich.console import Console

    from gmb.commands import common
    from gmb.commands.demo import install_example

    monkeypatch.setenv("GMB_SESSIONS_DIR", str(tmp_path / "sessions"))
    monkeypatch.setitem(common._state, "sessions_dir", tmp_path / "sessions")
    with open(os.devnull, "w") as null:
        install_example("roskilde", Console(file=null))
    return tmp_path / "sessions" / "roskilde"


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["observe", "add", "roskilde", "nonexistent", "--time", "6", "--value", "0.2", "--se", "0.1"],
            "unknown variable",
        ),
        (
            ["observe", "add", "roskilde", "loneliness", "--time", "999", "--value", "0.2", "--n", "30"],
            "outside the run",
        ),
        (["observe", "add", "roskilde", "loneliness", "--time", "6", "--value", "1.4", "--n", "30"], "[0, 1]"),
        (["observe", "add", "roskilde", "loneliness", "--time", "6", "--value", "0.2", "--n", "-3"], "n"),
        (["implemented", "set", "roskilde", "mens_groups", "--start", "-5"], "outside the run"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(roskilde, args, message):
    from typer.testing import CliRunner

    from gmb.cli import app

    before = (roskilde / "events.jsonl").read_bytes()
    from gmb.errors import GmbError

    r = CliRunner().invoke(app, args)
    assert r.exit_code != 0 and isinstance(r.exception, GmbError), r.output  # main() prints it as one line
    text = str(r.exception)
    assert message in text and "\n" not in text, text
    assert (roskilde / "events.jsonl").read_bytes() == before


def test_observe_add_list_and_csv_import(roskilde, tmp_path):
    from typer.testing import CliRunner

    from gmb.cli import app
    from gmb.session.store import Store

    run = CliRunner().invoke
    r = run(app, ["observe", "add", "roskilde", "network", "--time", "12", "--value", "1.1", "--se", "0.05",
                  "--source", "made up"])  # fmt: skip
    assert r.exit_code == 0, r.output
    csv = tmp_path / "obs.csv"
    csv.write_text("variable,time,value,se,source\nnetwork,24,1.2,0.05,ø\nwellbeing,24,1.05,0.02,æ\n", encoding="utf-8")
    assert run(app, ["observe", "import", "roskilde", str(csv)]).exit_code == 0
    s = Store(roskilde.parent).load("roskilde")
    assert len(s.observations) == 6 and s.observations[-2].source == "ø"
    bad = tmp_path / "bad.csv"
    bad.write_text("variable,time,value,se\nnetwork,24,1.2,0.05\nnope,24,1,0.1\n", encoding="utf-8")
    r = run(app, ["observe", "import", "roskilde", str(bad)])
    assert r.exit_code != 0 and "nope" in str(r.exception) and "line 2" in str(r.exception)
    assert len(Store(roskilde.parent).load("roskilde").observations) == 6  # all or none
