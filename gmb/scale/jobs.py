"""A chunkable job, and running one on any backend with the same answer.

A *job* is a picklable value with

* ``size``: how many items it has (runs; or scenario × run pairs in a sweep;
  or sub-bundle × run pairs in a Shapley attribution);
* ``run(start, stop)``: a **pure** function of the job and the item range that
  returns a *summary* of items ``start..stop`` (per-item values at the report
  times, never whole trajectories unless the job was asked for them) — the
  result for an item must not depend on which range it came in;
* ``reduce(parts)``: combines the summaries of consecutive ranges, given in
  item order, into the answer.

:func:`run_job` cuts the items into chunks (:func:`gmb.scale.chunks.plan`),
maps ``run`` over them on the backend and reduces in chunk order. Because
``reduce`` always sees the parts in the same order and each item's summary is
fixed, the answer is bit-identical on every backend and for every chunking.

>>> class Squares:
...     size = 10
...     def run(self, start, stop):
...         return [i * i for i in range(start, stop)]
...     def reduce(self, parts):
...         return sum(parts, [])
>>> run_job(Squares(), chunks=3) == run_job(Squares(), chunk_size=1) == [i * i for i in range(10)]
True
>>> seen = []
>>> _ = run_job(Squares(), chunks=2, progress=lambda done, size: seen.append((done, size)))
>>> seen
[(5, 10), (10, 10)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, Protocol, runtime_checkable

import numpy as np

from gmb.scale.backends import Backend, open_backend
from gmb.scale.chunks import plan

__all__ = ["Job", "concat", "run_job", "segments", "using"]


@runtime_checkable
class Job(Protocol):
    size: int

    def run(self, start: int, stop: int) -> Any: ...

    def reduce(self, parts: Sequence[Any]) -> Any: ...


def _run_range(job: Job, items: range) -> Any:
    return job.run(items.start, items.stop)


@contextmanager
def using(backend: Any = None, **options: Any) -> Iterator[Backend]:
    """A backend from whatever the caller gave, opened here if needed and then closed here.

    * ``None`` or ``"local"``: this process;
    * ``"dask"``: a LocalCluster sized to the machine (``options`` go to :func:`open_backend`);
    * an address such as ``"tcp://host:8786"``: the Dask scheduler there;
    * an open :class:`Backend`, or a ``distributed.Client``: used as it is, not closed.

    >>> with using("local") as be:
    ...     be.name
    'local'
    """
    if isinstance(backend, Backend):
        with nullcontext(backend) as be:
            yield be
        return
    if isinstance(backend, str) and "://" in backend:
        options = {**options, "scheduler": backend}
        backend = "dask"
    elif backend is not None and not isinstance(backend, str):
        try:
            from distributed import Client
        except ImportError:  # then it cannot be a Client either
            Client = ()
        if not isinstance(backend, Client):
            from gmb.errors import InputError

            raise InputError(f"not a backend: {backend!r}", field="backend",
                             hint="local, dask, tcp://host:port, or a distributed.Client")  # fmt: skip
        options = {**options, "client": backend}
        backend = "dask"
    with open_backend(backend or "local", **options) as be:
        yield be


def run_job(
    job: Job,
    backend: str | Backend | None = None,
    *,
    chunks: int | None = None,
    chunk_size: int | None = None,
    description: str = "",
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> Any:
    """Run ``job`` in chunks on ``backend`` and reduce in order (``options`` go to :func:`open_backend`).

    ``progress(done, size)`` is called as chunks finish (in the order they finish), with items done so far.
    """
    with using(backend, **options) as be:
        ranges = plan(job.size, workers=be.workers, chunks=chunks, chunk_size=chunk_size)
        done = [0]

        def tick(i: int, _: Any) -> None:
            done[0] += len(ranges[i])
            progress(done[0], job.size)

        parts = be.map(_run_range, ranges, shared=job, description=description or type(job).__name__,
                       on_done=tick if progress else None)  # fmt: skip
    return job.reduce(parts)


def segments(start: int, stop: int, runs: int) -> Iterator[tuple[int, int, int]]:
    """Items ``start..stop`` of a ``groups × runs`` grid (item ``g * runs + r``) as ``(g, r0, r1)`` pieces.

    >>> list(segments(3, 9, 4))  # groups of 4 runs: items 3..8 are run 3 of group 0, runs 0-3 of 1, run 0 of 2
    [(0, 3, 4), (1, 0, 4), (2, 0, 1)]
    """
    i = start
    while i < stop:
        g, r = divmod(i, runs)
        r1 = min(runs, r + stop - i)
        yield g, r, r1
        i += r1 - r


def concat(parts: Sequence[Any], axis: int = 0) -> Any:
    """Chunk summaries joined in order: arrays along ``axis``, dicts key by key (recursively), lists end to end.

    >>> concat([{"y": np.array([1.0])}, {"y": np.array([2.0, 3.0])}])["y"].tolist()
    [1.0, 2.0, 3.0]
    """
    first = parts[0]
    if isinstance(first, dict):
        return {k: concat([p[k] for p in parts], axis) for k in first}
    if isinstance(first, list):
        return [x for p in parts for x in p]
    return np.concatenate([np.asarray(p) for p in parts], axis=axis)
