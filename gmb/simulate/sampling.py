"""Parameter draws for ensembles: Monte Carlo or Latin hypercube, seeded, reproducible bit for bit.

Which parameters vary: the link elasticities within their strength class's
range, stock adjustment times and delay times within theirs, and intervention
doses within their ``low``–``high`` range — each uniformly. A parameter whose
range is a single value stays fixed.

Structure (kind ``structure``, on by default): for each link whose record leaves
it in doubt (:mod:`gmb.stockflow.structure`: P(present) < 1 or P(sign as drawn)
< 1), each run draws whether the link is present (probability ``p_present``)
and its sign (as drawn with probability ``p_sign``, else flipped), and its
sampled elasticity ``e`` becomes ``z · e`` with ``z`` in {-1, 0, +1}: every
engine and effect shape uses ``sign · e``, so ``z = 0`` is exactly the model
without the link. A ``?`` link (nominal elasticity 0, ``p_sign`` 1/2) has an
effect only where structure varies; without ``structure`` it stays at 0, as in
the model files.

Runs are drawn in blocks of :data:`BLOCK` runs. Block ``b`` of the model's
parameters comes from ``numpy.random.SeedSequence(seed, spawn_key=(0, b))``;
the doses of an intervention from their own stream keyed by the intervention
(``spawn_key=(1, crc32(key), b)``). So:

* the same seed gives the same draws, whatever the chunk size or the number of
  processes (a chunk is a range of runs; its blocks are generated independently);
* every scenario sees the *same* model parameters run by run, and an idea's
  dose draws do not depend on which other ideas are in the bundle (common random
  numbers: differences between scenarios are not blurred by sampling noise);
* a Latin hypercube is stratified within each block (of :data:`BLOCK` runs);
* a link's structure draws come from a stream keyed by its id
  (``spawn_key=(3, crc32(link id), b)``): the same in every scenario and every
  study with the same seed, and unchanged when other links are added or removed.
  The magnitude draws are the same with and without ``structure``.
* an idea's dose factors (``idea:reach`` …, or ``idea:dose``) are parameters of
  their own, keyed the same way, and the doses of the terms that share them are
  computed from them (:meth:`~gmb.simulate.program.Program.derive_doses`): one draw
  of the idea's dose for all its targets, in every scenario it appears in.

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
from collections.abc import Iterable

import numpy as np

from gmb.errors import InputError

__all__ = ["BLOCK", "KINDS", "METHODS", "VARY", "draw", "structural", "structure_block", "uniform_block", "varying"]

#: runs per independently seeded block
BLOCK = 1024
METHODS = ("mc", "lhs")
#: what varies by default: parameter kinds, and ``structure`` (links' presence and sign)
VARY = ("elasticity", "adjustment_time", "delay_time", "dose", "structure")
#: everything ``vary`` may name
KINDS = ("elasticity", "adjustment_time", "delay_time", "dose", "saturation", "other", "structure")


def _probabilities(p) -> tuple[np.ndarray, np.ndarray]:
    ones = np.ones(p.n_params)
    present = getattr(p, "param_present", None)
    sign = getattr(p, "param_sign", None)
    return (ones if present is None else np.asarray(present), ones if sign is None else np.asarray(sign))


def _unsigned(p) -> np.ndarray:
    """Elasticities of ``?`` links: nominal 0 and a sign left to chance."""
    _, sign = _probabilities(p)
    kind = np.array([k == "elasticity" for k in p.param_kind], dtype=bool)
    return kind & (np.asarray(p.param_nominal) == 0) & (sign < 1)


def _check_vary(vary: Iterable[str]) -> set[str]:
    vary = set(vary)
    unknown = vary - set(KINDS)
    if unknown:
        raise InputError(f"unknown parameter kind(s): {', '.join(sorted(unknown))}", field="vary",
                         hint=", ".join(k for k in KINDS if k != "other"))  # fmt: skip
    return vary


def varying(p, vary: Iterable[str] = VARY) -> np.ndarray:
    """Indices of the parameters whose value is drawn: kind in ``vary`` and a range wider than a point.

    A ``?`` link's elasticity counts only where ``structure`` varies too (without it the link stays neutral).
    """
    vary = _check_vary(vary)
    unsigned = _unsigned(p)
    return np.array([i for i, k in enumerate(p.param_kind) if k in vary and p.param_high[i] > p.param_low[i]
                     and ("structure" in vary or not unsigned[i])], dtype=np.int64)  # fmt: skip


def structural(p, vary: Iterable[str] = VARY) -> np.ndarray:
    """Indices of the elasticities whose link's presence or sign is drawn (none unless ``structure`` varies)."""
    if "structure" not in _check_vary(vary):
        return np.zeros(0, dtype=np.int64)
    present, sign = _probabilities(p)
    return np.array([i for i, k in enumerate(p.param_kind) if k == "elasticity" and (present[i] < 1 or sign[i] < 1)],
                    dtype=np.int64)  # fmt: skip


def structure_block(p, seed: int, b: int, method: str, idx: Iterable[int]) -> np.ndarray:
    """``(len(idx), BLOCK)`` factors ``z`` in {-1, 0, +1} for block ``b``: presence times sign, per link.

    Each link's two uniforms (presence, sign) come from its own stream keyed by its id, so a link's
    draws do not depend on which other links the model has.
    """
    present, sign = _probabilities(p)
    idx = list(idx)
    Z = np.empty((len(idx), BLOCK))
    for row, i in enumerate(idx):
        key = zlib.crc32(str(p.param_ref[i] if p.param_ref[i] is not None else p.param_names[i]).encode("utf-8"))
        U = uniform_block(np.random.SeedSequence(seed, spawn_key=(3, key, b)), 2, method)
        Z[row] = (U[0] < present[i]) * np.where(U[1] < sign[i], 1.0, -1.0)
    return Z


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


def _block(p, seed: int, b: int, method: str, idx: np.ndarray, vary: set[str]) -> np.ndarray:
    P = np.repeat(np.asarray(p.param_nominal)[:, None], BLOCK, axis=1)
    # magnitudes: the same rows (so the same draws) whether structure varies or not
    model = [i for i in varying(p, vary | {"structure"}) if p.param_kind[i] != "dose"]
    U = uniform_block(np.random.SeedSequence(seed, spawn_key=(0, b)), len(model), method)
    for row, i in zip(U, model):
        P[i] = p.param_low[i] + (p.param_high[i] - p.param_low[i]) * row
    unsigned = _unsigned(p)
    links = structural(p, vary)
    if "structure" not in vary:
        P[unsigned] = 0.0  # a '?' link stays neutral, as in the model files
    elif len(links):
        fixed = unsigned & ~np.isin(np.arange(p.n_params), model)
        # a '?' link whose magnitude does not vary: the middle of its range (its nominal 0 is no magnitude)
        P[fixed] = ((np.asarray(p.param_low) + np.asarray(p.param_high)) / 2)[fixed][:, None]
        P[links] *= structure_block(p, seed, b, method, links)
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
    vary = _check_vary(vary)
    idx = varying(p, vary)
    out = np.empty((p.n_params, runs))
    first, last = start // BLOCK, (start + runs - 1) // BLOCK
    for b in range(first, last + 1):
        P = _block(p, int(seed), b, method, idx, vary)
        lo, hi = max(start, b * BLOCK), min(start + runs, (b + 1) * BLOCK)
        out[:, lo - start : hi - start] = P[:, lo - b * BLOCK : hi - b * BLOCK]
    return p.derive_doses(out)  # rows of terms that share their idea's dose follow from its factor draws
