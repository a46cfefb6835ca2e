"""The what-if fast path's ways of running give the same numbers bit for bit: numba's prange over blocks or
the two Python threads or one serial call, and a chart's horizon values taken from the trajectories' call."""

import numpy as np
import pytest

from gmb.cld import to_graph
from gmb.examples import load_example
from gmb.scenarios import whatif_runs
from gmb.scenarios.settings import default_scenarios
from gmb.scenarios.whatif import _compiled, parse_setting, whatif
from gmb.simulate import engine_numba
from gmb.stockflow.convert import to_stockflow

pytestmark = pytest.mark.skipif(not engine_numba.available(), reason="numba is not installed")


@pytest.fixture(scope="module")
def havndal():
    G = to_graph(load_example("havndal"))
    return G, to_stockflow(G), default_scenarios(G)


def test_prange_over_blocks_is_bit_identical_to_the_serial_kernel(havndal):
    _, m, sc = havndal
    setting = parse_setting({"ideas": {i: {} for i in sc.ideas}, "runs": 300, "seed": 2})
    study, P, _, _, _ = _compiled(m, sc, setting, ("runs-test", 1), "numba")
    p = study.program
    steps = np.asarray(study.save_steps[: study.horizon_index + 1], dtype=np.int64)
    slots = np.arange(p.n_stocks, dtype=np.int64)
    a = engine_numba.run_numba(p, P, save_slots=slots, save_steps=steps, plan=study.plan())
    b = engine_numba.run_numba(p, P, save_slots=slots, save_steps=steps, plan=study.plan(), parallel=True)
    assert a.shape == b.shape and a.view(np.int64).tobytes() == b.view(np.int64).tobytes()  # 300 = 128+128+44


@pytest.mark.parametrize("mode", ["threads", "prange"])
def test_every_way_of_running_gives_the_same_answer(havndal, monkeypatch, mode):
    _, m, sc = havndal
    ideas = list(sc.ideas)[:3]
    body = {"ideas": {i: {"dose": 0.7 + 0.1 * k} for k, i in enumerate(ideas)}, "runs": 1000, "seed": 1}
    monkeypatch.setattr(whatif_runs, "THREADS", 1)
    serial_all = whatif(m, sc, {**body, "part": "all"}, key=("serial", mode), engine="numba")
    monkeypatch.setattr(whatif_runs, "THREADS", 2)
    monkeypatch.setattr(whatif_runs, "PARALLEL", mode)
    chart = whatif(m, sc, {**body, "part": "chart"}, key=("chart", mode), engine="numba")  # merged call
    for i in ideas:
        assert chart["effects"][i] == serial_all["effects"][i]
    assert chart["fan"] == serial_all["fan"] and chart["setting_effect"] == serial_all["setting_effect"]
    split = whatif(m, sc, {**body, "part": "split"}, key=("chart", mode), engine="numba")
    assert split["shapley"] == serial_all["shapley"]
