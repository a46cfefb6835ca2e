"""Ensembles, rankings and Shapley attributions on a 2-worker Dask LocalCluster equal the local ones, bit for bit."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import cloudpickle
import numpy as np
import pytest

pytest.importorskip("distributed")

from gmb.scale import open_backend, run_job
from gmb.scale.ensemble_jobs import HorizonJob, StudyJob, horizon_values, run_study_on

cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def cluster():
    with open_backend("dask", workers=2) as backend:
        yield backend


@pytest.fixture(scope="module")
def havndal_model():
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.scenarios.settings import default_scenarios
    from gmb.stockflow.convert import to_stockflow

    G = to_graph(load_example("havndal"))
    return to_stockflow(G), G, default_scenarios(G)


@pytest.fixture(scope="module")
def sweep():
    """A synthetic 12-variable map, baseline + each idea + the bundle, exact fan-chart values kept."""
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.ensemble import Study
    from gmb.simulate.synthetic import synthetic_cld, synthetic_model

    G = synthetic_cld(12, seed=4, ideas=3)
    sc = default_scenarios(G)
    runs = {i: sc.interventions([i]) for i in sc.ideas} | {"all": sc.interventions(list(sc.ideas))}
    return Study.build(synthetic_model(12, seed=4), runs, seed=9, horizon=24.0, variables=("v1", "v2"), every=6.0)


def equal(a, b, path="result"):
    """Deep equality of answers (dicts, lists, arrays, floats), NaN equal to NaN, nothing approximate."""
    assert type(a) is type(b), path
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            equal(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            equal(x, y, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b, equal_nan=True), path
    elif isinstance(a, float):
        assert a == b or (math.isnan(a) and math.isnan(b)), f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, path


def test_ensemble_on_the_cluster_equals_run_study(sweep, cluster):
    from gmb.simulate.ensemble import run_study

    local = run_study(sweep, 1_500, chunk=200)
    assert local.exact and local.values.shape == (5, 3, 5, 1_500)
    for chunks in (None, 3, 8):
        got = run_study_on(sweep, 1_500, chunk=200, backend=cluster, chunks=chunks)
        assert got.runs == 1_500
        assert np.array_equal(got.horizon, local.horizon) and np.array_equal(got.values, local.values)
        assert np.array_equal(got.radius, local.radius)
        equal(got.fan("all", "v1"), local.fan("all", "v1"))
    # exact summaries do not even depend on the grain
    assert np.array_equal(run_study(sweep, 1_500, chunk=1_024).horizon, local.horizon)


def test_the_work_is_spread_over_both_workers(sweep, cluster):
    from distributed import get_task_stream

    with get_task_stream(client=cluster.client) as ts:
        run_study_on(sweep, 1_600, chunk=200, backend=cluster)  # 8 grains
    tasks = [t for t in ts.data if str(t["key"]).startswith("gmb-")]
    assert len(tasks) == 8 and len({t["worker"] for t in tasks}) == 2


def test_streamed_sketches_are_identical_too(sweep, cluster):
    """Where fan-chart values are sketched, not kept, the merge order is fixed by the grains, not the workers."""
    from dataclasses import replace

    from gmb.simulate.ensemble import run_study

    study = replace(sweep, keep="sketch", _plans={})
    local = run_study(study, 1_200, chunk=150)
    assert not local.exact
    got = run_study_on(study, 1_200, chunk=150, backend=cluster)
    assert np.array_equal(got.sketch.q, local.sketch.q) and np.array_equal(got.sketch.mean, local.sketch.mean)
    equal(got.fan("baseline"), local.fan("baseline"))


def test_rk4_runs_on_the_cluster_too(sweep, cluster):
    from dataclasses import replace

    from gmb.simulate.ensemble import run_study

    study = replace(sweep, integration="rk4", engine="numpy", _plans={})
    local = run_study(study, 400, chunk=100)
    assert not np.array_equal(local.horizon, run_study(sweep, 400, chunk=100).horizon)  # really another method
    got = run_study_on(study, 400, chunk=100, backend=cluster)
    assert np.array_equal(got.horizon, local.horizon) and np.array_equal(got.values, local.values)


def test_sub_bundle_groups_do_not_change_a_bit(sweep, cluster):
    """Scenarios cut into groups of 2 (→ 3 groups × 6 grains = 18 items) give the engine's own numbers."""
    from gmb.simulate.ensemble import run_study

    V, radius = horizon_values(sweep, 700, chunk=128, backend=cluster, group=2, chunks=5)
    reference = run_study(sweep, 700, chunk=700)
    assert HorizonJob(sweep, 700, 128, 2).size == 18
    assert np.array_equal(V, reference.horizon) and np.array_equal(radius, reference.radius)
    V1, _ = horizon_values(sweep, 700, chunk=64)  # local, one group, other grains
    assert np.array_equal(V1, V)


def test_rank_havndal_on_the_cluster_equals_local(havndal_model, cluster):
    from gmb.scenarios.answers import rank_ideas

    model, G, sc = havndal_model
    local = rank_ideas(model, G, sc, runs=400, seed=2, chunk=128)
    remote = rank_ideas(model, G, sc, runs=400, seed=2, chunk=128, backend=cluster)
    equal(remote, local)
    assert len(local["ideas"]) == 7


def test_attribute_havndal_on_the_cluster_equals_local(havndal_model, cluster):
    from gmb.scenarios.answers import attribute

    model, G, sc = havndal_model
    bundle = list(sc.ideas)[:5]  # 32 sub-bundles
    local = attribute(model, G, sc, bundle, runs=300, seed=4, chunk=100)
    ticks = []
    remote = attribute(model, G, sc, bundle, runs=300, seed=4, chunk=100, backend=cluster,
                       progress=lambda done, total: ticks.append((done, total)))  # fmt: skip
    equal(remote, local)
    assert ticks[-1] == (300, 300) and [d for d, _ in ticks] == sorted(d for d, _ in ticks)
    # the shares still add up to the bundle's effect, draw by draw
    assert remote["meta"]["efficiency_max_error"] < 1e-9


def test_an_address_string_reaches_the_cluster(sweep, cluster):
    from gmb.simulate.ensemble import run_study

    address = cluster.client.scheduler.address
    got = run_study_on(sweep, 300, chunk=100, backend=address)
    assert np.array_equal(got.horizon, run_study(sweep, 300, chunk=100).horizon)


@dataclass(frozen=True, eq=False)
class KillsOnce(StudyJob):
    marker: str = ""

    def run(self, start, stop):
        from distributed import get_worker

        get_worker()  # only ever inside a worker
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return super().run(start, stop)
        os._exit(1)


def test_engine_work_survives_a_killed_worker(sweep, cluster, tmp_path):
    from gmb.simulate.ensemble import run_study

    marker = tmp_path / "killed"
    job = KillsOnce(sweep, 1_000, 125, marker=str(marker))
    got = run_job(job, cluster, chunks=4)
    assert marker.exists()
    reference = run_study(sweep, 1_000, chunk=125)
    assert np.array_equal(got.horizon, reference.horizon) and np.array_equal(got.values, reference.values)
    cluster.client.wait_for_workers(2, timeout=60)  # the nanny brings the worker back for the next tests


# -- the CLI: --backend dask [--scheduler ADDRESS] [--workers N] ---------------------------------------------
@pytest.fixture
def in_store(tmp_path):
    import shutil

    from gmb.examples import example_dir

    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")


def _json(cli, *args):
    import json

    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_cli_rank_and_attribute_on_a_scheduler_equal_local(cli, in_store, cluster):
    address = cluster.client.scheduler.address
    for command in (("rank", "havndal", "--runs", "300", "--seed", "5"),
                    ("attribute", "havndal", "--bundle", "bike_paths,soestien,lan_party", "--runs", "200"),
                    ("simulate", "havndal", "--runs", "300", "--seed", "1", "--scenario", "soestien")):  # fmt: skip
        local = _json(cli, *command)
        remote = _json(cli, *command, "--scheduler", address)
        assert local["meta"].pop("backend") == {"backend": "local", "workers": 1}
        assert remote["meta"].pop("backend") == {"backend": "dask", "workers": 2, "scheduler": address}
        equal(remote, local)


def test_cli_starts_and_closes_its_own_local_cluster(cli, in_store):
    import multiprocessing

    before = set(multiprocessing.active_children())  # the module's cluster
    data = _json(cli, "rank", "havndal", "--runs", "200", "--backend", "dask", "--workers", "1")
    assert data["meta"]["backend"]["backend"] == "dask" and data["meta"]["backend"]["workers"] == 1
    equal(data["ideas"], _json(cli, "rank", "havndal", "--runs", "200")["ideas"])
    assert set(multiprocessing.active_children()) == before  # the command's own worker process is gone


def test_cli_bad_scheduler_is_a_clear_error(cli, in_store):
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.monotonic()
    code, _out, err = cli("rank", "havndal", "--runs", "50", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert code == 2 and "no Dask scheduler answers" in err and f"127.0.0.1:{port}" in err
    assert time.monotonic() - t < 30
    code, _out, err = cli("rank", "havndal", "--runs", "50", "--backend", "spark")
    assert code == 2 and "unknown backend" in err
    code, _out, err = cli("simulate", "havndal", "--backend", "dask")
    assert code == 2 and "--runs" in err


@pytest.fixture
def dask_cli_cluster(tmp_path):
    """A scheduler and a worker started as the README says (`dask scheduler`, `dask worker ADDRESS`)."""
    import json
    import signal
    import subprocess
    import time
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    info = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([*dask, "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(info)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers",
                                       "1", "--nthreads", "1"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True))  # fmt: skip
        from distributed import Client

        with Client(address, timeout=30, set_as_default=False) as c:
            c.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for p in reversed(procs):  # only the processes started here, by their own process group
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def test_cli_on_a_separately_started_scheduler_and_worker(cli, in_store, dask_cli_cluster):
    command = ("rank", "havndal", "--runs", "300", "--seed", "8")
    local = _json(cli, *command)
    remote = _json(cli, *command, "--scheduler", dask_cli_cluster)
    assert remote["meta"].pop("backend") == {"backend": "dask", "workers": 1, "scheduler": dask_cli_cluster}
    local["meta"].pop("backend")
    equal(remote, local)
