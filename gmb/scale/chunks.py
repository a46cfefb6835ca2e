"""Cutting a job's items (runs, scenario × run pairs, sub-bundles) into contiguous, ordered chunks.

A chunk is a ``range`` of item indices. Chunks never change *what* is computed
for an item — only which task computes it — so any plan gives the same answer
(the ensemble engine draws in seeded blocks of runs, :mod:`gmb.simulate.sampling`, so its draws stay put).

>>> split(10, chunks=3)
(range(0, 4), range(4, 7), range(7, 10))
>>> split(10, size=4)
(range(0, 4), range(4, 8), range(8, 10))
>>> [len(r) for r in plan(20_000, workers=2)]  # 8 chunks: four per worker
[2500, 2500, 2500, 2500, 2500, 2500, 2500, 2500]
"""

from __future__ import annotations

import math

from gmb.errors import InputError

__all__ = ["CHUNKS_PER_WORKER", "MAX_CHUNK", "MIN_CHUNK", "plan", "split"]

#: fewer items than this per task and the per-task overhead (milliseconds on Dask) starts to show
MIN_CHUNK = 250
#: more items than this per task and a chunk's working arrays grow past a few tens of MB on large models
MAX_CHUNK = 5_000
#: several chunks per worker, so a slow or restarted worker does not hold up the end
CHUNKS_PER_WORKER = 4


def split(n: int, *, chunks: int | None = None, size: int | None = None) -> tuple[range, ...]:
    """Items ``0..n-1`` as ``chunks`` near-equal ranges, or ranges of ``size`` items (the last may be short)."""
    if n < 0:
        raise InputError(f"cannot split {n} items", field="items")
    if (chunks is None) == (size is None):
        raise InputError("give either a number of chunks or a chunk size", field="chunks")
    if size is not None:
        if size < 1:
            raise InputError(f"a chunk holds at least one item, not {size}", field="chunk_size")
        return tuple(range(a, min(a + size, n)) for a in range(0, n, size))
    if chunks < 1:
        raise InputError(f"need at least one chunk, not {chunks}", field="chunks")
    chunks = min(chunks, n)  # never an empty chunk (and none at all for no items)
    if chunks == 0:
        return ()
    base, extra = divmod(n, chunks)
    out, start = [], 0
    for i in range(chunks):
        stop = start + base + (1 if i < extra else 0)
        out.append(range(start, stop))
        start = stop
    return tuple(out)


def plan(
    n: int,
    *,
    workers: int = 1,
    chunks: int | None = None,
    chunk_size: int | None = None,
    min_size: int = MIN_CHUNK,
    max_size: int = MAX_CHUNK,
) -> tuple[range, ...]:
    """The chunks for ``n`` items on ``workers`` workers: as asked, or a default.

    The default gives each worker :data:`CHUNKS_PER_WORKER` chunks, keeps every
    chunk between ``min_size`` and ``max_size`` items where it can, and never
    makes an empty chunk (``plan(0)`` is empty).
    """
    if chunks is not None or chunk_size is not None:
        return split(n, chunks=chunks, size=chunk_size)
    if n == 0:
        return ()
    wanted = max(1, workers) * CHUNKS_PER_WORKER if workers > 1 else 1
    wanted = min(wanted, max(1, n // max(1, min_size)))  # not too small ...
    wanted = max(wanted, math.ceil(n / max_size))  # ... nor too large
    return split(n, chunks=wanted)
