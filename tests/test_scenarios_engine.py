"""The ensemble engine agrees with the reference simulator and pysd; no intervention means no effect;
draws are reproducible bit for bit and independent of chunking."""

import numpy as np
import pytest

from gmb.errors import GmbError, InputError, NotFoundError, SimulationError
from gmb.simulate.engine_numba import available, run_numba, vexp, vlog
from gmb.simulate.engine_numpy import run_numpy
from gmb.simulate.ensemble import Study, run_chunk, run_parameters, run_study
from gmb.simulate.interventions import Intervention, with_interventions
from gmb.simulate.program import compile_model
from gmb.simulate.reference import simulate
from gmb.simulate.sampling import draw
from gmb.simulate.synthetic import chain_model, synthetic_model

ENGINES = [run_numpy] + ([run_numba] if available() else [])
TOL = 1e-12  # the engines against the reference: round-off only (the issue asks for 1e-9)


def _sampled(p, runs, seed=0):
    rng = np.random.default_rng(seed)
    return np.array([rng.uniform(lo, hi, runs) for lo, hi in zip(p.param_low, p.param_high)])


def _reference(model, p, P):
    """The reference simulator on the same parameter sets (arrays of runs) and doses."""
    values = {n: P[i] for i, n in enumerate(p.param_names) if p.param_kind[i] != "dose"}
    return simulate(model, values)


def _worst(p, out, ref):
    worst = 0.0
    for i, name in enumerate(p.slot_names):
        r = ref[name]
        worst = max(worst, float(np.max(np.abs(out[i] - r) / np.abs(r))))
    return worst


MODELS = {
    "power+delays": {"n": 16, "seed": 3, "delay_share": 0.3},
    "bounded+aux": {"n": 16, "seed": 4, "delay_share": 0.2, "effect_shape": "bounded", "stock_share": 0.5},
    "aux chains": {"n": 20, "seed": 5, "delay_share": 0.1, "stock_share": 0.3, "mean_degree": 1.5},
    "saturating": {
        "n": 16,
        "seed": 6,
        "delay_share": 0.2,
        "effect_shape": "saturating",
        "stability": "report",
        "stock_share": 0.5,
    },
}


@pytest.mark.parametrize("engine", ENGINES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", MODELS)
def test_engine_equals_reference_with_sampled_parameters_and_shaped_interventions(engine, case):
    kw = dict(MODELS[case])
    m = synthetic_model(kw.pop("n"), seed=kw.pop("seed"), **kw)
    aux = next((a.variable for a in m.auxiliaries if a.role == "variable"), "v1")
    ivs = [Intervention(variable="v2", dose=0.2, shape="ramp", start=1, ramp_up=6),
           Intervention(variable=aux, dose=0.3, direction="-", shape="step", start=2.5, end=9),
           Intervention(variable="v1", channel="inflow", dose=0.05, shape="pulse", start=4)]  # fmt: skip
    shaped = with_interventions(m, ivs)  # doses on the model's inputs: compiled as dose parameters
    p = compile_model(shaped)
    P = _sampled(p, 5)
    P[[p.param(f"dose[{k}]") for k in p.term_keys]] = np.array([[iv.dose] for iv in _in_term_order(shaped)])
    out = engine(p, P, save_slots=range(p.n_slots), save_steps=range(p.steps + 1))
    assert _worst(p, out, _reference(shaped, p, P)) < TOL


def _in_term_order(model):
    return [iv for inp in model.inputs if inp.shape is not None for iv in inp.shape.interventions]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda f: f.__name__)
def test_engine_equals_reference_on_havndal_with_the_idea_bank(engine, havndal):
    from gmb.cld import to_graph
    from gmb.scenarios.settings import default_scenarios
    from gmb.stockflow.convert import to_stockflow

    G = to_graph(havndal)
    ivs = default_scenarios(G).interventions(i.id for i in havndal.ideas)
    # the default (saturating) and the old default (power, scale); the bounded shape: synthetic models above
    for a in ({}, {"effect_shape": "power", "stability": "scale"}):
        from gmb.stockflow.assumptions import Assumptions

        m = with_interventions(to_stockflow(G, Assumptions().edit(**a)), ivs)
        p = compile_model(m)
        P = _sampled(p, 4, seed=1)
        P[[p.param(f"dose[{k}]") for k in p.term_keys]] = np.array([[iv.dose] for iv in _in_term_order(m)])
        out = engine(p, P, save_slots=range(p.n_slots), save_steps=range(0, p.steps + 1, 4))
        ref = _reference(m, p, P)
        worst = max(float(np.max(np.abs(out[i] - ref[n][::4]) / np.abs(ref[n][::4]))) for i, n in
                    enumerate(p.slot_names))  # fmt: skip
        assert worst < 1e-11  # unstable loops amplify round-off over 60 months; still far below 1e-9


def test_engine_equals_pysd_on_written_models_with_interventions(tmp_path):
    """The model with shaped interventions written as XMILE and .mdl, run by pysd: the same numbers."""
    from gmb.simulate.pysd_runner import run_pysd
    from gmb.stockflow.write_mdl import to_mdl
    from gmb.stockflow.write_xmile import to_xmile

    m = synthetic_model(8, seed=5, delay_share=0.3, effect_shape="bounded", stock_share=0.6, horizon=24.0)
    ivs = [Intervention(variable="v5", dose=0.2, direction="-", shape="step", start=3, end=20),
           Intervention(variable="v3", dose=0.3, shape="ramp", start=2, ramp_up=10),
           Intervention(variable="v2", channel="inflow", dose=0.05, shape="pulse", start=4.5)]  # fmt: skip
    shaped = with_interventions(m, ivs)
    p = compile_model(shaped)
    out = ENGINES[-1](p, p.nominal(1), save_slots=range(p.n_slots), save_steps=range(p.steps + 1))
    (tmp_path / "m.xmile").write_text(to_xmile(shaped), encoding="utf-8")
    (tmp_path / "m.mdl").write_text(to_mdl(shaped), encoding="utf-8")
    for name in ("m.xmile", "m.mdl"):
        tr = run_pysd(tmp_path / name)
        compared = [n for n in p.slot_names if n in tr]
        assert len(compared) == p.n_slots
        worst = max(float(np.max(np.abs(out[i, :, 0] - tr[n]) / np.abs(tr[n]))) for i, n in enumerate(p.slot_names))
        assert worst < 1e-9


def test_fast_exp_and_log_match_numpy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-745, 709, 20000), rng.uniform(-1, 1, 20000), [0.0, -0.0]])
    assert np.max(np.abs(vexp(x) / np.exp(x) - 1)[np.exp(x) > 1e-300]) < 1e-15
    y = np.concatenate([np.exp(rng.uniform(-700, 700, 20000)), rng.uniform(0.5, 2, 20000), [1.0, 5e-324]])
    assert np.max(np.abs(vlog(y) - np.log(y)) / np.maximum(np.abs(np.log(y)), 1)) < 5e-16
    assert np.isnan(vlog(np.array([-1.0, np.nan]))).all() and vlog(np.array([0.0]))[0] == -np.inf
    assert vexp(np.array([np.inf, -np.inf, 710.0])).tolist() == [np.inf, 0.0, np.inf]


@pytest.mark.parametrize("engine", ["numpy"] + (["numba"] if available() else []))
def test_no_intervention_means_no_effect_in_every_run(engine):
    m = synthetic_model(15, seed=2, delay_share=0.3, stock_share=0.6)
    idle = [Intervention(variable="v3", dose=0.0, low=0.0, high=0.0), Intervention(variable="v4", dose=0.0)]
    study = Study.build(m, {"nothing": [], "zero dose": idle}, seed=5, horizon=36.0, variables=["v1", "v7"],
                        engine=engine)  # fmt: skip
    r = run_study(study, runs=300, chunk=128)
    assert r.runs == 300
    for s in ("nothing", "zero dose"):
        assert np.all(r.effect(s) == 0.0)
        assert np.array_equal(r.values[study.scenarios.index(s)], r.values[0])
    # and the baseline rests at 1 (flat lines) in every run, whatever the draw
    assert np.max(np.abs(r.values[0] - 1.0)) < 1e-12


def test_same_seed_same_bits_different_seed_different_draws_any_chunking():
    m = synthetic_model(10, seed=1, delay_share=0.2)
    ivs = {"a": [Intervention(variable="v3", dose=0.2, low=0.1, high=0.3)]}
    s1 = Study.build(m, ivs, seed=11, horizon=24.0)
    r1 = run_study(s1, runs=1500, chunk=1500)
    r2 = run_study(Study.build(m, ivs, seed=11, horizon=24.0), runs=1500, chunk=333)
    assert np.array_equal(r1.horizon, r2.horizon) and np.array_equal(r1.values, r2.values)
    r3 = run_study(Study.build(m, ivs, seed=12, horizon=24.0), runs=1500)
    assert not np.array_equal(r1.horizon, r3.horizon)
    # a later chunk on its own (as another process would run it) gives the same runs
    c = run_chunk(s1, 1100, 200, total=1500)
    assert np.array_equal(c.horizon, r1.horizon[:, 1100:1300])
    # draws: identical for the same seed, different for another, and within the ranges
    p = s1.program
    a, b = draw(p, seed=11, runs=50), draw(p, seed=11, runs=50)
    assert np.array_equal(a, b) and not np.array_equal(a, draw(p, seed=12, runs=50))
    assert np.all((a >= p.param_low[:, None]) & (a <= p.param_high[:, None]))


def test_latin_hypercube_is_stratified_and_reproducible():
    p = compile_model(chain_model(3))
    P = draw(p, seed=3, runs=1024, method="lhs")
    i = int(np.flatnonzero(np.asarray(p.param_high) > np.asarray(p.param_low))[0])
    u = (P[i] - p.param_low[i]) / (p.param_high[i] - p.param_low[i])
    assert np.array_equal(np.sort(np.floor(u * 1024)), np.arange(1024))  # one draw per stratum
    assert np.array_equal(P, draw(p, seed=3, runs=1024, method="lhs"))


@pytest.mark.skipif(not available(), reason="numba not installed: the numpy engine is the only one")
@pytest.mark.parametrize("shape", ["power", "bounded", "saturating"])
def test_numba_result_does_not_depend_on_lane_or_block(shape):
    m = synthetic_model(12, seed=7, delay_share=0.3, effect_shape=shape, stock_share=0.5)
    # doses from tiny to very large: some runs take the kernel's general stock formula, some the short series
    p = compile_model(
        m,
        [
            Intervention(variable="v4", dose=0.5, low=0.0, high=0.95, shape="step", start=3),
            Intervention(variable="v2", dose=0.5, low=0.0, high=0.95, shape="step", start=1),
        ],
    )
    P = _sampled(p, 301, seed=4)
    full = run_numba(p, P, save_slots=[p.outcome_slot], save_steps=[p.steps])
    for lanes in (1, 7, 64):
        part = run_numba(p, P, save_slots=[p.outcome_slot], save_steps=[p.steps], lanes=lanes)
        assert np.array_equal(full, part)
    shifted = run_numba(p, P[:, 5:], save_slots=[p.outcome_slot], save_steps=[p.steps])
    assert np.array_equal(full[..., 5:], shifted)
    assert np.max(np.abs(full - run_numpy(p, P, save_slots=[p.outcome_slot], save_steps=[p.steps]))) < 1e-12


def test_streamed_percentiles_respect_their_bound():
    m = synthetic_model(10, seed=1, delay_share=0.2)
    ivs = {"a": [Intervention(variable="v3", dose=0.2, low=0.05, high=0.6)]}
    exact = run_study(Study.build(m, ivs, seed=2, horizon=24.0, keep="exact"), runs=4096, chunk=512)
    streamed = run_study(Study.build(m, ivs, seed=2, horizon=24.0, keep="sketch"), runs=4096, chunk=512)
    assert streamed.values is None and streamed.sketch.n == 4096
    assert np.array_equal(exact.horizon, streamed.horizon)  # horizon values are always exact
    fe, fs = exact.fan("a"), streamed.fan("a")
    values = exact.values[1, 0]  # (times, runs) of the outcome
    for key, p in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
        rank = (values <= np.array(fs[key])[:, None]).mean(axis=1)
        assert np.all(np.abs(rank - p)[1:] <= fs["rank_error"])  # time 0: every run equals 1
        assert fe["percentiles"].startswith("exact")


def test_bad_input_gives_clear_errors():
    m = chain_model(3)
    with pytest.raises(NotFoundError, match="no variable 'nope'"):
        Study.build(m, {"x": [Intervention(variable="nope")]}, seed=1, horizon=12.0)
    with pytest.raises(SimulationError, match="beyond the model"):
        Study.build(m, {}, seed=1, horizon=61.0)
    with pytest.raises(SimulationError):
        Study.build(m, {}, seed=1, horizon=0.0)
    study = Study.build(m, {}, seed=1, horizon=12.0)
    for runs in (0, -5):
        with pytest.raises(InputError, match="at least one run"):
            run_study(study, runs=runs)
    with pytest.raises(InputError, match="seed"):
        Study.build(m, {}, seed=-1, horizon=12.0)
    with pytest.raises(InputError, match="method"):
        Study.build(m, {}, seed=1, horizon=12.0, method="sobol")
    with pytest.raises(InputError):
        run_parameters(study, np.ones((2, 3)))
    assert issubclass(InputError, GmbError) and issubclass(SimulationError, GmbError)


def test_engine_equals_pysd_on_havndal_with_every_idea(havndal, tmp_path):
    """Havndal, every idea of the idea bank switched on (shaped inputs), nominal strengths, the default
    (saturating) shape at the group's strengths: numpy engine = numba engine = reference = pysd."""
    from gmb.cld import to_graph
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.pysd_runner import run_pysd
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow
    from gmb.stockflow.write_xmile import to_xmile

    G = to_graph(havndal)
    ivs = default_scenarios(G).interventions(i.id for i in havndal.ideas)
    m = with_interventions(to_stockflow(G, Assumptions()), ivs)
    assert m.auxiliaries[0].saturation and m.elasticity_scale == 1.0
    p = compile_model(m)
    (tmp_path / "havndal.xmile").write_text(to_xmile(m), encoding="utf-8")
    tr = run_pysd(tmp_path / "havndal.xmile")
    ref = simulate(m)
    for engine in ENGINES:
        out = engine(p, p.nominal(1), save_slots=range(p.n_slots), save_steps=range(p.steps + 1))
        assert abs(out[p.slot_names.index(m.outcome), -1, 0] - 1.0) > 0.05  # the ideas do move the outcome
        worst = max(float(np.max(np.abs(out[i, :, 0] - tr[n]) / np.abs(tr[n]))) for i, n in enumerate(p.slot_names))
        assert worst < 1e-9
    worst = max(float(np.max(np.abs(ref[n] - tr[n]) / np.abs(tr[n]))) for n in p.slot_names)
    assert worst < 1e-9


def test_a_run_that_breaks_down_is_nan_in_both_engines_and_an_error_in_the_reference():
    m = chain_model(3)
    crash = [Intervention(variable="v1", channel="inflow", direction="-", dose=10.0, shape="pulse", start=2)]
    shaped = with_interventions(m, crash)
    with pytest.raises(SimulationError, match="broke down"):
        simulate(shaped)
    p = compile_model(shaped)
    P = p.nominal(3)
    P[p.param(f"dose[{p.term_keys[0]}]")] = [10.0, 0.0, 0.5]  # only the first run drives v1 below zero
    for engine in ENGINES:
        out = engine(p, P, save_slots=[p.outcome_slot], save_steps=[0, p.steps])
        assert np.isnan(out[..., 0]).all() and np.isfinite(out[..., 1:]).all()


def test_chunks_can_run_elsewhere_and_reduce_in_run_order():
    """The API another backend (dask) builds on: a pickled study, chunks run in any order, a fixed-order reduce."""
    import pickle

    from gmb.simulate.ensemble import reduce_chunks

    m = synthetic_model(8, seed=3, delay_share=0.3)
    study = Study.build(m, {"a": [Intervention(variable="v3", dose=0.2, low=0.1, high=0.3)]}, seed=21,
                        horizon=24.0, variables=["v2"])  # fmt: skip
    whole = run_study(study, runs=700, chunk=700)
    remote = pickle.loads(pickle.dumps(study))
    parts = [run_chunk(remote, start, n, total=700) for start, n in ((500, 200), (0, 250), (250, 250))]
    parts = [pickle.loads(pickle.dumps(c)) for c in parts]
    again = reduce_chunks(study, parts)
    assert np.array_equal(again.horizon, whole.horizon) and np.array_equal(again.values, whole.values)
    with pytest.raises(SimulationError, match="do not cover"):
        reduce_chunks(study, parts[:2])


def _one_stock(step: float):
    import networkx as nx

    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    G = nx.DiGraph(outcome="b")
    G.add_node("a", label="A")
    G.add_node("b", label="B", kind="stock")
    G.add_edge("a", "b", id="L1", sign=1, strength="medium", delay=False)
    # the power shape, so the indicated value is the dose itself (1.2): the test is about integration, not shape
    a = Assumptions().edit(time={"unit": "month", "start": 0.0, "horizon": 24.0, "step": step}, effect_shape="power")
    return to_stockflow(G, a)


def test_rk4_is_fourth_order_where_euler_is_first():
    """dS/dt = (S* - S)/tau with S* = 1.2 from t = 0: S(t) = 1.2 - 0.2 exp(-t/tau), by hand."""
    errors = {}
    for step in (0.5, 0.25):
        m = _one_stock(step)
        study = {}
        for integration in ("euler", "rk4"):
            s = Study.build(m, {"up": [Intervention(variable="b", dose=0.2, shape="step", start=0)]}, seed=0,
                            horizon=24.0, every=step, vary=(), integration=integration)  # fmt: skip
            r = run_study(s, runs=1)
            tau = m.element(m.flows[0].adjustment_time).value
            exact = 1.2 - 0.2 * np.exp(-s.times / tau)
            study[integration] = float(np.max(np.abs(r.values[1, 0, :, 0] - exact)))
            assert s.engine == "numpy" or integration == "euler"
        errors[step] = study
    assert errors[0.25]["rk4"] < 1e-7
    assert errors[0.25]["euler"] > 1e-4
    assert errors[0.5]["euler"] / errors[0.25]["euler"] == pytest.approx(2, rel=0.1)  # first order
    assert errors[0.5]["rk4"] / errors[0.25]["rk4"] == pytest.approx(16, rel=0.15)  # fourth order


def test_rk4_on_a_nonlinear_model_is_closer_to_a_fine_euler_run():
    m = synthetic_model(10, seed=2, delay_share=0.3, step=0.25, horizon=24.0)
    fine = synthetic_model(10, seed=2, delay_share=0.3, step=1 / 64, horizon=24.0)
    iv = {"x": [Intervention(variable="v3", dose=0.3, shape="ramp", start=0, ramp_up=6)]}
    get = {}
    for name, model, integration in (("euler", m, "euler"), ("rk4", m, "rk4"), ("fine", fine, "euler")):
        s = Study.build(model, iv, seed=0, horizon=24.0, every=6.0, vary=(), integration=integration)
        get[name] = run_study(s, runs=1).values[1, 0, :, 0]
    assert np.max(np.abs(get["rk4"] - get["fine"])) < 0.1 * np.max(np.abs(get["euler"] - get["fine"]))
    with pytest.raises(InputError, match="integration"):
        Study.build(m, iv, seed=0, horizon=24.0, integration="heun")


def test_spectral_radii_per_draw_equal_the_whole_matrix_eigenvalues():
    """The per-draw radius uses only the loops' blocks; it must equal |eig(W)| of the whole W."""
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.simulate.ensemble import spectral_radii
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    m = to_stockflow(to_graph(load_example("havndal")), Assumptions(stability="report"))
    study = Study.build(m, {}, seed=3, horizon=12.0)
    P = draw(study.program, seed=3, start=0, runs=40, method="mc", vary=study.vary)
    ids = [el.variable for el in m.variables]
    pos = {v: i for i, v in enumerate(ids)}
    expected = []
    for run in range(P.shape[1]):
        W = np.zeros((len(ids), len(ids)))
        for e in m.effects:
            W[pos[e.target], pos[e.cause]] += e.sign * P[study.program.param(e.elasticity), run]
        expected.append(np.max(np.abs(np.linalg.eigvals(W))))
    expected = np.array(expected)
    np.testing.assert_allclose(spectral_radii(study, P, exact=True), expected, rtol=1e-10)
    assert np.ptp(expected) > 0  # the draws really differ
    cheap = spectral_radii(study, P)  # the default: bounds and estimates, exact only near 1
    assert np.array_equal(cheap >= 1, expected >= 1) and np.all(np.abs(cheap - expected) < 0.05)
