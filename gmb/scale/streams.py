"""Random draws that do not depend on how a job is chunked.

The rule: run ``i``'s random numbers come from block ``i // BLOCK``'s stream, and
block ``b``'s stream is ``numpy.random.SeedSequence(seed).spawn(...)[b]``. Blocks
are a fixed property of the *draw*, not of the execution: a chunk covering runs
``start..stop`` regenerates the blocks it overlaps and keeps its slice. So the
same seed gives bit-identical draws on one process, on two workers with eight
chunks or on fifty workers with a thousand chunks.

Why not one stream per *chunk* (``SeedSequence(seed).spawn(n_chunks)``)? Then the
draws — and the answer — would change with the number of chunks, i.e. with the
size of the cluster. Per-run streams would also be chunk-free but cost a
generator per run; a block of :data:`BLOCK` runs amortises that to nothing.

``SeedSequence(seed).spawn(n)[b]`` is ``SeedSequence(seed, spawn_key=(b,))`` for
every ``n > b``, which is what :func:`block_sequence` builds directly:

>>> import numpy as np
>>> np.random.SeedSequence(7).spawn(5)[3].generate_state(2).tolist() == block_sequence(7, 3).generate_state(2).tolist()
True
>>> a = uniforms(7, 0, 2500, 3)
>>> b = np.concatenate([uniforms(7, r.start, r.stop, 3) for r in (range(0, 999), range(999, 1001), range(1001, 2500))])
>>> bool((a == b).all()), a.shape
(True, (2500, 3))
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

from gmb.errors import InputError

__all__ = ["BLOCK", "resolve_seed", "block_sequence", "blocks", "draw", "uniforms"]

#: runs per random stream; changing it changes every seeded result, so it is fixed
BLOCK = 1024


def resolve_seed(seed: int | None) -> int:
    """``seed`` checked, or fresh entropy when ``None`` (reported with the results so a run can be repeated).

    >>> resolve_seed(42)
    42
    >>> isinstance(resolve_seed(None), int)
    True
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"a seed is a whole number ≥ 0, not {seed!r}", field="seed")
    return int(seed)


def block_sequence(seed: int, block: int) -> np.random.SeedSequence:
    """Block ``block``'s seed sequence: child ``block`` of ``SeedSequence(seed).spawn``."""
    return np.random.SeedSequence(resolve_seed(seed), spawn_key=(int(block),))


def blocks(seed: int, start: int, stop: int, *, block: int = BLOCK) -> Iterator[tuple[np.random.Generator, int, int]]:
    """``(generator, lo, hi)`` for each block overlapping runs ``start..stop``: keep rows ``lo:hi`` of its draws."""
    if not 0 <= start <= stop:
        raise InputError(f"bad run range {start}..{stop}", field="runs")
    for b in range(start // block, -(-stop // block)):
        first = b * block
        yield np.random.default_rng(block_sequence(seed, b)), max(start - first, 0), min(stop - first, block)


def draw(
    seed: int,
    start: int,
    stop: int,
    sample: Callable[[np.random.Generator, int], np.ndarray],
    *,
    block: int = BLOCK,
) -> np.ndarray:
    """Rows ``start..stop`` of a draw made block by block: ``sample(rng, block)`` returns ``block`` rows.

    ``sample`` must always draw a whole block (and the same way), so a row does
    not depend on which chunk asked for it.

    >>> normal = lambda rng, n: rng.standard_normal((n, 2))
    >>> bool((draw(1, 5, 9, normal) == draw(1, 0, 20, normal)[5:9]).all())
    True
    """
    parts = []
    for rng, lo, hi in blocks(seed, start, stop, block=block):
        rows = np.asarray(sample(rng, block))
        if rows.shape[:1] != (block,):
            raise InputError(f"a block's sample must have {block} rows, not {rows.shape[:1]}", field="sample")
        parts.append(rows[lo:hi])
    if not parts:
        probe = np.asarray(sample(np.random.default_rng(0), 1))
        return np.empty((0, *probe.shape[1:]), dtype=probe.dtype)
    return np.concatenate(parts)


def uniforms(seed: int, start: int, stop: int, dim: int, *, block: int = BLOCK) -> np.ndarray:
    """Uniform [0, 1) draws for runs ``start..stop``, ``dim`` per run: shape ``(stop - start, dim)``."""
    return draw(seed, start, stop, lambda rng, n: rng.random((n, dim)), block=block)
