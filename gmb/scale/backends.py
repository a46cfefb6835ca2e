"""Where chunks run: here, one after another (``local``), or as tasks on a Dask cluster (``dask``).

Both backends have one method, ``map(fn, specs, shared=...)``: call the pure
function ``fn(shared, spec)`` for every spec and return the results **in the
order of the specs**, however the tasks were scheduled or finished. The caller
reduces that list in that fixed order, so the answer cannot depend on the
backend, the number of workers or the order of completion.

:func:`open_backend` is the one way in, a context manager: ``dask`` without a
scheduler address starts a :class:`distributed.LocalCluster` sized to the
machine (one single-threaded worker process per core) and closes it on exit;
with an address it connects to an existing scheduler, failing with a
:class:`~gmb.errors.ClusterError` within ``timeout`` seconds when none answers.
Dask is imported only here (and in :mod:`gmb.scale.dask_connect`), only when asked for.

>>> with open_backend("local") as be:
...     be.map(lambda shared, spec: shared * spec, [1, 2, 3], shared=10)
[10, 20, 30]
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

from gmb.errors import ClusterError, GmbError, InputError
from gmb.scale.dask_connect import check_address, seconds_left, unusable_scheduler

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["BACKENDS", "Backend", "DaskBackend", "LocalBackend", "machine_workers", "open_backend"]

BACKENDS = ("local", "dask")

OnDone = Callable[[int, Any], None] | None

#: seconds ``open_backend`` may spend reaching a scheduler (importing Dask included) before giving up: 7, so
#: that a command — start-up and reading the map included — fails within the 10 s the README promises
CONNECT_TIMEOUT = 7.0


def machine_workers() -> int:
    """Cores this process may use (the default number of LocalCluster workers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class _Progress:
    """A rich progress bar on stderr (or nothing), advanced as chunks finish."""

    def __init__(self, enabled: bool, total: int, description: str) -> None:
        self.bar = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self.task = self.bar.add_task(description or "chunks", total=total)

    def __enter__(self) -> Self:
        if self.bar is not None:
            self.bar.start()
        return self

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


class Backend:
    """What a backend offers; see the module docstring."""

    name: str = ""
    progress: bool = False

    @property
    def workers(self) -> int:
        raise NotImplementedError

    def map(self, fn: Callable[[Any, Any], Any], specs: Sequence[Any], *, shared: Any = None,
            description: str = "", on_done: OnDone = None) -> list[Any]:  # fmt: skip
        """``[fn(shared, spec) for spec in specs]``, computed wherever; ``on_done(i, result)`` as each one finishes."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What ran the work, for the record that goes with the results."""
        return {"backend": self.name, "workers": self.workers}


class LocalBackend(Backend):
    """Chunks one after another in this process (the reference every other backend must match)."""

    name = "local"

    def __init__(self, *, progress: bool = False) -> None:
        self.progress = progress

    @property
    def workers(self) -> int:
        return 1

    def map(self, fn, specs, *, shared=None, description="", on_done=None):
        out = []
        with _Progress(self.progress, len(specs), description) as bar:
            for i, spec in enumerate(specs):
                out.append(fn(shared, spec))
                bar.advance()
                if on_done:
                    on_done(i, out[-1])
        return out


# -- worker side: the shared payload is pickled once by the client and unpickled once per worker process
_PAYLOADS: OrderedDict[str, Any] = OrderedDict()


def _payload(token: str, blob: bytes) -> Any:
    if token not in _PAYLOADS:
        import cloudpickle

        _PAYLOADS[token] = cloudpickle.loads(blob)
        while len(_PAYLOADS) > 4:  # a long-lived worker keeps only the last few jobs
            _PAYLOADS.popitem(last=False)
    return _PAYLOADS[token]


class _Refused:
    """A chunk's GmbError, returned rather than raised: bad input is not worth Dask's retries."""

    def __init__(self, error: GmbError) -> None:
        self.error = error


def _run_task(token: str, blob: bytes, spec: Any) -> Any:
    fn, shared = _payload(token, blob)
    try:
        return fn(shared, spec)
    except GmbError as exc:
        return _Refused(exc)


class DaskBackend(Backend):
    """Chunks as tasks on a Dask cluster, through a ``distributed.Client``.

    ``fn`` and ``shared`` travel once as one cloudpickled blob inside each task
    (small: a model and its settings — the draws are made on the workers), and
    each worker process unpickles it once. Each task may be retried ``retries``
    times after an unexpected exception (a :class:`~gmb.errors.GmbError` — bad
    input — comes back at once, whole); a task whose worker *dies* is rescheduled by the
    scheduler itself (up to ``distributed.scheduler.allowed-failures`` times).
    Either way the task is recomputed from the same spec, so the answer does
    not change.
    """

    name = "dask"

    def __init__(self, client: Any, *, retries: int = 2, progress: bool = False) -> None:
        self.client = client
        self.retries = retries
        self.progress = progress

    @property
    def workers(self) -> int:
        try:
            return max(1, len(self.client.scheduler_info().get("workers", {})))
        except Exception:  # noqa: BLE001 - a lost scheduler shows up on the next map
            return 1

    def describe(self) -> dict[str, Any]:
        try:
            workers = len(self.client.scheduler_info().get("workers", {}))
        except Exception:  # noqa: BLE001
            workers = 0
        return {"backend": self.name, "workers": workers, "scheduler": self.client.scheduler.address}

    def map(self, fn, specs, *, shared=None, description="", on_done=None):
        import cloudpickle
        from distributed import as_completed

        if not specs:
            return []
        token = uuid.uuid4().hex
        blob = cloudpickle.dumps((fn, shared))
        futures = [
            self.client.submit(_run_task, token, blob, spec, key=f"gmb-{token[:12]}-{i}", pure=False,
                               retries=self.retries)
            for i, spec in enumerate(specs)
        ]  # fmt: skip
        where = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        try:
            with _Progress(self.progress, len(futures), description) as bar:
                for fut in as_completed(futures, loop=self.client.loop):
                    i = where[fut.key]
                    out[i] = _result(fut)
                    bar.advance()
                    if on_done:
                        on_done(i, out[i])
        finally:
            self.client.cancel(futures)  # no-op for finished ones; stops the rest after an error or Ctrl-C
        return out


def _result(fut: Any) -> Any:
    """A finished future's value; cluster failures become ClusterError, gmb's own errors pass through."""
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    try:
        value = fut.result()
    except GmbError:
        raise
    except KilledWorker as exc:
        raise ClusterError(
            f"a chunk kept killing its workers and was given up ({exc})",
            hint="the workers may be short of memory: fewer runs per chunk (chunk=) or workers with more memory",
        ) from None
    except (FutureCancelledError, OSError) as exc:
        raise ClusterError(f"the cluster lost the work: {exc}") from None
    if isinstance(value, _Refused):
        raise value.error
    return value


@contextmanager
def open_backend(
    name: str = "local",
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    retries: int = 2,
    timeout: float = CONNECT_TIMEOUT,
    client: Client | None = None,
) -> Iterator[Backend]:
    """A backend ready to use, closed (cluster and all, if we started it) when the block ends.

    * ``local``: this process; ``scheduler``/``workers`` make no sense with it.
    * ``dask`` with ``client``: use that ``distributed.Client`` as it is (not closed).
    * ``dask`` with ``scheduler``: connect to ``tcp://host:port`` (``timeout`` seconds at most).
    * ``dask`` alone: a LocalCluster of ``workers`` (default: one per core) single-threaded processes.

    Parameters
    ----------
    name : {"local", "dask"}, optional
        The backend.
    scheduler : str, optional
        Address of a running Dask scheduler.
    workers : int, optional
        Workers of a LocalCluster.
    progress : bool, optional
        Show a progress bar on stderr.
    retries : int, optional
        Times a lost chunk is retried.
    timeout : float, optional
        Seconds connecting may take.
    client : distributed.Client, optional
        An open client to use.

    Yields
    ------
    Backend
        Runs ensemble chunks (:func:`gmb.run_study` takes it as ``backend``).

    Raises
    ------
    gmb.errors.InputError
        An unknown backend, or options that do not fit it.
    gmb.errors.ClusterError
        Dask is missing, or the scheduler cannot be reached within ``timeout``.

    Examples
    --------
    >>> with open_backend("local") as backend:
    ...     type(backend).__name__
    'LocalBackend'
    >>> with open_backend("spark"):
    ...     pass
    Traceback (most recent call last):
    ...
    gmb.errors.InputError: --backend: unknown backend 'spark' (local or dask)
    """
    if name not in BACKENDS:
        raise InputError(f"unknown backend {name!r}", field="--backend", hint=" or ".join(BACKENDS))
    if name == "local":
        if scheduler or client is not None:
            raise InputError("a scheduler address needs the dask backend", field="--scheduler",
                             hint="add --backend dask")  # fmt: skip
        yield LocalBackend(progress=progress)
        return
    if workers is not None and workers < 1:
        raise InputError(f"need at least one worker, not {workers}", field="--workers")
    # one budget for every step of connecting, from here: importing Dask alone can take 2 s on a busy machine
    deadline = time.monotonic() + timeout
    try:
        import distributed
    except ImportError:
        raise ClusterError("the dask backend needs Dask", hint='pip install "gmb[dask]"') from None
    if client is not None:
        yield DaskBackend(client, retries=retries, progress=progress)
        return
    if scheduler:
        if workers is not None:
            raise InputError("--workers sizes a local cluster; an existing scheduler has its own workers",
                             field="--workers")  # fmt: skip
        with _scheduler_backend(distributed, scheduler, deadline, retries=retries, progress=progress) as backend:
            yield backend
        return
    with _local_cluster_backend(distributed, workers, retries=retries, progress=progress) as backend:
        yield backend


@contextmanager
def _scheduler_backend(
    distributed: Any, scheduler: str, deadline: float, *, retries: int, progress: bool
) -> Iterator[DaskBackend]:
    """``open_backend``'s ``dask`` with ``scheduler``: a client of that scheduler, closed on exit."""
    address = check_address(scheduler, deadline)
    try:
        dask_client = distributed.Client(address, timeout=seconds_left(deadline), set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - whatever answered, it was not a usable scheduler
        raise unusable_scheduler(address, exc, hint="is it a `dask scheduler` of a compatible version?") from None
    try:
        yield DaskBackend(dask_client, retries=retries, progress=progress)
    finally:
        dask_client.close()


@contextmanager
def _local_cluster_backend(
    distributed: Any, workers: int | None, *, retries: int, progress: bool
) -> Iterator[DaskBackend]:
    """``open_backend``'s ``dask`` alone: a LocalCluster of single-threaded worker processes, closed on exit."""
    try:
        cluster = distributed.LocalCluster(
            n_workers=workers or machine_workers(), threads_per_worker=1, processes=True,
            # any free port for the dashboard: never clash with another cluster; and no log noise on the terminal
            # (a worker logs a failed heartbeat when the machine is busy): failures that matter raise in map()
            dashboard_address=":0", silence_logs=logging.CRITICAL,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - e.g. worker processes that cannot start
        raise ClusterError(
            f"could not start a local Dask cluster: {type(exc).__name__}: {exc}",
            hint='in a script, open it under `if __name__ == "__main__":` (workers are spawned and import the '
            "script); or give --scheduler",
        ) from None
    try:
        with distributed.Client(cluster, set_as_default=False) as dask_client:
            yield DaskBackend(dask_client, retries=retries, progress=progress)
    finally:
        cluster.close()
