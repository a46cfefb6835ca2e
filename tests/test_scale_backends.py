"""Backends: the local reference and a real 2-worker Dask LocalCluster give bit-identical answers.

One cluster (2 single-threaded worker processes) serves the whole module.
"""

from __future__ import annotations

import functools
import operator
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from gmb.errors import ClusterError, InputError, ValidationError
from gmb.scale import concat, open_backend, plan, run_job

pytest.importorskip("distributed")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import this test module


@dataclass(frozen=True)
class Decay:
    """A small nonlinear Monte Carlo: per-run parameters from per-run seeds, Euler steps, summaries."""

    size: int
    seed: int
    steps: int = 40

    def run(self, start, stop):
        # run i's numbers come from its own child of SeedSequence(seed), whichever chunk asks for them
        u = np.array([np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(i,))).random(2)
                      for i in range(start, stop)]).reshape(-1, 2)  # fmt: skip
        k, x = 0.05 + 0.1 * u[:, 0], 1.0 + u[:, 1]
        for _ in range(self.steps):
            x = x + 0.25 * (np.sin(x) - k * x**1.5)
        return {"x": x, "pid": np.full(stop - start, os.getpid())}

    def reduce(self, parts):
        got = concat(parts)
        x = got["x"]
        return {"x": x, "q": np.quantile(x, [0.05, 0.5, 0.95]), "mean": float(x.mean()),
                "pids": set(got["pid"].tolist())}  # fmt: skip


@dataclass(frozen=True)
class DiesOnce(Decay):
    """Like Decay, but the first chunk to start kills its own worker process (once, via a marker file)."""

    marker: str = ""

    def run(self, start, stop):
        from distributed import get_worker

        get_worker()  # raises outside a worker: never kill the test process
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return super().run(start, stop)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)  # the worker dies mid-task, as on an out-of-memory kill


@dataclass(frozen=True)
class Refuses:
    size: int = 4
    tally: str = ""

    def run(self, start, stop):
        if start >= 2:
            with open(self.tally, "a") as f:  # count the attempts
                f.write("x")
            raise ValidationError("dose must be ≥ 0", field="ideas[2].dose", hint="Havndal: søstien")
        return [start]

    def reduce(self, parts):
        return parts


@pytest.fixture(scope="module")
def cluster():
    with open_backend("dask", workers=2) as backend:
        yield backend
    assert backend.client.status == "closed"


def same(a, b):
    assert np.array_equal(a["x"], b["x"]) and np.array_equal(a["q"], b["q"]) and a["mean"] == b["mean"]


def test_cluster_is_two_single_threaded_processes(cluster):
    info = cluster.client.scheduler_info()["workers"]
    assert cluster.workers == 2 and {w["nthreads"] for w in info.values()} == {1}
    assert cluster.describe()["scheduler"].startswith("tcp://")


def test_dask_equals_local_whatever_the_chunks(cluster):
    job = Decay(size=3_000, seed=11)
    reference = run_job(job, "local", chunks=1)
    assert reference["pids"] == {os.getpid()}
    for chunking in ({"chunks": 7}, {"chunk_size": 1_000}, {"chunk_size": 333}, {}):
        got = run_job(job, cluster, **chunking)
        same(got, reference)
        assert os.getpid() not in got["pids"]  # really computed on the workers
    assert len(run_job(job, cluster, chunks=8)["pids"]) == 2  # ... on both of them
    # and different seeds draw differently
    assert not np.array_equal(run_job(Decay(size=3_000, seed=12), cluster)["x"], reference["x"])


def test_a_client_or_an_address_will_do(cluster):
    job = Decay(size=600, seed=2)
    reference = run_job(job)
    same(run_job(job, cluster.client, chunks=3), reference)  # a distributed.Client, left open
    assert cluster.client.status == "running"
    same(run_job(job, cluster.client.scheduler.address, chunks=3), reference)  # an address: connect, close
    with pytest.raises(InputError, match="not a backend"):
        run_job(job, object())


def test_local_chunking_does_not_change_the_answer():
    job = Decay(size=2_500, seed=3)
    same(run_job(job, chunks=1), run_job(job, chunk_size=97))


def test_a_worker_killed_mid_run_gives_the_same_answer(cluster, tmp_path):
    marker = tmp_path / "killed"
    job = DiesOnce(size=2_000, seed=5, marker=str(marker))
    reference = run_job(Decay(size=2_000, seed=5), "local")
    got = run_job(job, cluster, chunks=6)
    assert marker.exists(), "no worker was killed: the test proved nothing"
    same(got, reference)
    assert int(marker.read_text()) not in got["pids"]  # the dead worker's chunk was recomputed elsewhere
    cluster.client.wait_for_workers(2, timeout=60)  # the nanny brings the worker back for the next tests


def test_gmb_errors_come_back_whole_and_are_not_retried(cluster, tmp_path):
    tally = tmp_path / "attempts"
    with pytest.raises(ValidationError) as info:
        run_job(Refuses(tally=str(tally)), cluster, chunks=3)  # chunks 0-1, 2, 3: two refuse
    assert info.value.field == "ideas[2].dose" and "søstien" in str(info.value)
    assert len(tally.read_text()) <= 2  # each refusing chunk ran once: bad input is not retried


@dataclass(frozen=True)
class FailsOnce:
    """An unexpected, transient failure (the first attempt of each chunk raises): Dask's retries absorb it."""

    folder: str
    size: int = 6

    def run(self, start, stop):
        mark = os.path.join(self.folder, f"tried-{start}")
        if not os.path.exists(mark):
            open(mark, "w").close()
            raise MemoryError("transient")
        return list(range(start, stop))

    def reduce(self, parts):
        return functools.reduce(operator.iadd, parts, [])


def test_transient_failures_are_retried_without_changing_the_answer(cluster, tmp_path):
    assert run_job(FailsOnce(str(tmp_path)), cluster, chunks=3) == list(range(6))
    assert len(list(tmp_path.iterdir())) == 3


def test_bad_scheduler_address_is_a_clear_error_not_a_hang():
    with socket.socket() as s:  # a port where certainly nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.monotonic()
    with pytest.raises(ClusterError) as info, open_backend("dask", scheduler=f"tcp://127.0.0.1:{port}", timeout=3):
        pass
    assert time.monotonic() - t < 15
    assert info.value.field == "--scheduler" and f"127.0.0.1:{port}" in str(info.value)
    with pytest.raises(InputError), open_backend("dask", scheduler="http://example.org:8786"):
        pass


def test_something_that_is_not_a_scheduler_is_a_clear_error_not_a_hang():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()  # accepts, says nothing
    try:
        t = time.monotonic()
        with (
            pytest.raises(ClusterError, match="could not talk to a Dask scheduler"),
            open_backend("dask", scheduler=f"127.0.0.1:{server.getsockname()[1]}", timeout=2),
        ):
            pass
        assert time.monotonic() - t < 20
    finally:
        server.close()


def test_a_silent_scheduler_fails_within_the_budget():
    """The README promises an error within 10 s: the whole connect budget (Dask's import, TCP, handshake, client)
    is CONNECT_TIMEOUT, and a peer that accepts and says nothing must not overrun it."""
    from gmb.scale.backends import CONNECT_TIMEOUT

    assert CONNECT_TIMEOUT <= 7.0  # + start-up and reading the map: within 10 s
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=lambda: [server.accept() for _ in range(4)], daemon=True).start()
    try:
        t = time.monotonic()
        with (
            pytest.raises(ClusterError),
            open_backend("dask", scheduler=f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=1.5),
        ):
            pass
        assert time.monotonic() - t < 2.2
    finally:
        server.close()


def test_options_that_do_not_fit_are_refused():
    with pytest.raises(InputError), open_backend("spark"):
        pass
    with pytest.raises(InputError, match="dask"), open_backend("local", scheduler="tcp://h:8786"):
        pass
    with pytest.raises(InputError), open_backend("dask", workers=0):
        pass


def test_plan_covers_every_item_once_in_order():
    for n in (0, 1, 249, 250, 10_001, 20_000):
        for kw in ({}, {"workers": 2}, {"workers": 64}, {"chunks": 3}, {"chunk_size": 7}):
            ranges = plan(n, **kw)
            assert [i for r in ranges for i in r] == list(range(n)) and all(len(r) for r in ranges)


@dataclass(frozen=True)
class Slow(Decay):
    def run(self, start, stop):
        time.sleep(0.3)
        return super().run(start, stop)


def test_the_progress_bar_follows_the_cluster(cluster, monkeypatch):
    from gmb.scale import backends

    ticks = []

    class Watch(backends._Progress):
        def advance(self):
            ticks.append(time.monotonic())
            super().advance()

    job = Slow(size=800, seed=1)
    reference = run_job(job, "local")
    monkeypatch.setattr(backends, "_Progress", Watch)
    monkeypatch.setattr(cluster, "progress", True)  # a real rich bar, on stderr
    t0 = time.monotonic()
    same(run_job(job, cluster, chunks=4), reference)
    assert len(ticks) == 4  # one tick per chunk, as each one finishes on the cluster ...
    assert ticks[0] - t0 < ticks[-1] - t0 - 0.2  # ... not all at the end


def test_path_is_importable_on_workers(cluster):
    """Workers see gmb (they import it to run tasks): the same source tree as the client."""
    import gmb

    where = cluster.client.run(lambda: __import__("gmb").__file__)
    assert {Path(p).resolve() for p in where.values()} == {Path(gmb.__file__).resolve()}
