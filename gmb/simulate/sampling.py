"""Parameter draws for ensembles: Monte Carlo or Latin hypercube, seeded, reproducible bit for bit.

Which parameters vary: the link elasticities within their strength class's
range, stock adjustment times and delay times within theirs, and intervention
doses within their ``low``–``high`` range — each uniformly. A parameter whose
range is a single value stays fixed.

Runs are drawn in blocks of :data:`BLOCK` runs. Block ``b`` of the model's
parameters comes from ``numpy.random.SeedSequence(seed, spawn_key=(0, b))``;
the doses of an intervention from their own stream keyed by the intervention
(``spawn_key=(1, crc32(key), b)``). So:

* the same seed gives the same draws, whatever the chunk size or the number of
  processes (a chunk is a range of runs; its blocks are generated independently);
* every scenario sees the *same* model parameters run by run, and an idea's
  dose draws do not depend on which other ideas are in the bundle (common random
  numbers: differences between scenarios are not blurred by sampling noise);
* a Latin hypercube is stratified within each block (of :data:`BLOCK` runs).

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.program import compile_model
>>> p = compile_model(chain_model(3))
>>> a = draw(p, seed=7, start=0, runs=5)
>>> b = draw(p, seed=7, start=3, runs=2)
>>> bool((a[:, 3:] == b).all()), bool((draw(p, seed=8, start=0, runs=5) != a).any())
(True, True)
"""

from __future__ import annotations

import zlib
from typing import Iterable

import numpy as np

from gmb.errors import InputError

__all__ = ["BLOCK", "METHODS", "VARY", "draw", "varying", "uniform_block"]

#: runs per independently seeded block
BLOCK = 1024
METHODS = ("mc", "lhs")
#: parameter kinds that vary by default
VARY = ("elasticity", "adjustment_time", "delay_time", "dose")


def varying(p, vary: Iterable[str] = VARY) -> np.ndarray:
    """Indices of the parameters that vary: kind in ``vary`` and a range wider than a point."""
    vary = set(vary)
    unknown = vary - {"elasticity", "adjustment_time", "delay_time", "dose", "saturation", "other"}
    if unknown:
        raise InputError(f"unknown parameter kind(s): {', '.join(sorted(unknown))}", field="vary",
                         hint="elasticity, adjustment_time, delay_time, dose, saturation")  # fmt: skip
    return np.array([i for i, k in enumerate(p.param_kind) if k in vary and p.param_high[i] > p.param_low[i]],
                    dtype=np.int64)  # fmt: skip


def uniform_block(seq: np.random.SeedSequence, d: int, method: str) -> np.ndarray:
    """``(d, BLOCK)`` uniforms in [0, 1): plain Monte Carlo or a Latin hypercube."""
    rng = np.random.Generator(np.random.PCG64(seq))
    if d == 0:
        return np.zeros((0, BLOCK))
    if method == "mc":
        return rng.random((d, BLOCK))
    # Latin hypercube: one point in each of BLOCK strata per dimension, strata shuffled independently
    u = (np.argsort(rng.random((d, BLOCK)), axis=1) + rng.random((d, BLOCK))) / BLOCK
    return u


def _block(p, seed: int, b: int, method: str, idx: np.ndarray) -> np.ndarray:
    P = np.repeat(np.asarray(p.param_nominal)[:, None], BLOCK, axis=1)
    model = [i for i in idx if p.param_kind[i] != "dose"]
    U = uniform_block(np.random.SeedSequence(seed, spawn_key=(0, b)), len(model), method)
    for row, i in zip(U, model):
        P[i] = p.param_low[i] + (p.param_high[i] - p.param_low[i]) * row
    for i in idx:
        if p.param_kind[i] == "dose":
            key = zlib.crc32(str(p.param_ref[i]).encode("utf-8"))
            u = uniform_block(np.random.SeedSequence(seed, spawn_key=(1, key, b)), 1, method)[0]
            P[i] = p.param_low[i] + (p.param_high[i] - p.param_low[i]) * u
    return P


def draw(p, *, seed: int, start: int = 0, runs: int, method: str = "mc", vary: Iterable[str] = VARY) -> np.ndarray:
    """Parameter matrix ``(n_params, runs)`` for runs ``start .. start + runs - 1`` of the ensemble ``seed``."""
    if method not in METHODS:
        raise InputError(f"unknown sampling method {method!r}", field="method", hint="mc or lhs")
    if runs < 1:
        raise InputError(f"need at least one run, got {runs}", field="runs")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"the seed must be a whole number >= 0, got {seed!r}", field="seed")
    idx = varying(p, vary)
    out = np.empty((p.n_params, runs))
    first, last = start // BLOCK, (start + runs - 1) // BLOCK
    for b in range(first, last + 1):
        P = _block(p, int(seed), b, method, idx)
        lo, hi = max(start, b * BLOCK), min(start + runs, (b + 1) * BLOCK)
        out[:, lo - start : hi - start] = P[:, lo - b * BLOCK : hi - b * BLOCK]
    return out
