"""Ensembles: thousands of parameter sets of one model, under several scenarios, in one pass.

A :class:`Study` fixes what is run: a compiled :class:`~gmb.simulate.program.Program`
(the model plus every intervention term any scenario uses), the scenarios (each
a mask saying which terms are active; the first is the baseline), how
parameters are drawn (seed, Monte Carlo or Latin hypercube, which kinds vary),
the horizon, and which variables to keep at which times for fan charts (it lives in
:mod:`gmb.simulate.ensemble_study` and is importable from here).

The work is split into chunks of runs. :func:`run_chunk` runs one chunk — its
parameter draws depend only on the seed and the run numbers, so chunks can run
anywhere, in any order — and returns a :class:`Chunk` of summaries;
:func:`reduce_chunks` combines chunks in run order. :func:`run_study` does both,
with an optional progress callback. Within a chunk every scenario runs with the
*same* parameter draws (common random numbers), stacked side by side into one
engine call.

What is kept, and what is exact:

* the outcome at the horizon, per run and scenario (``Result.horizon``) — exact,
  so effects, intervals, probabilities and Shapley values are exact statistics of
  the runs;
* the chosen variables at the saved times: every value when the study is small
  enough (``keep="exact"``, or ``"auto"`` under :data:`EXACT_LIMIT` values), so
  fan-chart percentiles are exact; otherwise a mergeable :class:`~gmb.simulate.summary.Sketch`
  per chunk, whose percentiles carry a stated rank-error bound.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> m = chain_model(3)
>>> study = Study.build(m, {"push": [Intervention(variable="v2", dose=0.2)]}, seed=1, horizon=12.0)
>>> r = run_study(study, runs=50)
>>> r.horizon.shape, bool((r.effect("push") > 0).all())
((2, 50), True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gmb.errors import InputError, SimulationError

# the study (what is run) lives in its own module; its names stay importable from here
from gmb.simulate.ensemble_study import (
    ENGINES,
    EXACT_LIMIT,
    INTEGRATIONS,  # noqa: F401 - re-exported: the old import path keeps working
    Study,
    engine_for,
    response_of,  # noqa: F401 - re-exported: the old import path keeps working
)
from gmb.simulate.sampling import BLOCK, draw
from gmb.simulate.summary import Sketch, exact_quantiles, merge_all

__all__ = [
    "CHUNK",
    "ENGINES",
    "EXACT_LIMIT",
    "PERCENTILES",
    "Chunk",
    "Result",
    "Study",
    "engine_for",
    "reduce_chunks",
    "run_chunk",
    "run_parameters",
    "run_study",
    "spectral_radii",
]

#: default runs per chunk (a multiple of the sampling block)
CHUNK = 2 * BLOCK
#: the percentiles of a fan chart: 90 % band, 50 % band, median
PERCENTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class Chunk:
    """One chunk's results: runs ``start .. start + runs - 1``."""

    start: int
    runs: int
    horizon: np.ndarray  # (scenarios, runs): the outcome at the horizon
    values: np.ndarray | None  # (scenarios, variables, times, runs) when kept
    sketch: Sketch | None  # over runs, cells (scenarios, variables, times), when not kept
    radius: np.ndarray  # (runs,) spectral radius of the log-linear matrix per draw


def run_parameters(study: Study, P: np.ndarray, scenarios: Sequence[int] | None = None) -> np.ndarray:
    """Run explicit parameter sets ``P`` ``(n_params, runs)`` under every scenario (or the given ones).

    Returns ``(scenarios, variables, times, runs)`` at ``study.save_steps`` (the last is the horizon).
    """
    p = study.program
    P = np.asarray(P, dtype=float)
    if P.ndim != 2 or P.shape[0] != p.n_params:
        raise InputError(f"need a ({p.n_params}, runs) parameter matrix, got {P.shape}", field="parameters")
    runs = P.shape[1]
    P = p.derive_doses(P)  # share terms: each target's dose from its idea's factor draws
    which = range(len(study.scenarios)) if scenarios is None else scenarios
    stacked = []
    dose_rows = np.asarray(p.term_param)
    for s in which:
        Q = P.copy()
        Q[dose_rows[~study.active[s]]] = 0.0  # an inactive term: dose 0 adds exactly nothing
        stacked.append(Q)
    big = np.concatenate(stacked, axis=1)
    if study.engine == "numba":
        from gmb.simulate.engine_numba import run_numba

        out = run_numba(p, big, save_slots=study.save_slots, save_steps=study.save_steps, plan=study.plan())
    else:
        from gmb.simulate.engine_numpy import run_numpy

        out = run_numpy(p, big, save_slots=study.save_slots, save_steps=study.save_steps, plan=study.plan(),
                        integration=study.integration)  # fmt: skip
    # (variables, times, scenarios * runs) -> (scenarios, variables, times, runs)
    return out.reshape(out.shape[0], out.shape[1], len(which), runs).transpose(2, 0, 1, 3)


def spectral_radii(study: Study, P: np.ndarray, *, exact: bool = False) -> np.ndarray:
    """Spectral radius of W (w[i, j] = s·e for link j -> i) for each draw: >= 1 means runaway loops.

    Over the strongly connected parts of the map only, cheaply: a Perron–Frobenius bound and a
    power iteration decide the clear draws, exact eigenvalues the rest (see
    :mod:`gmb.simulate.diagnostics`); so whether a draw's radius is >= 1 is the exact answer's.
    ``exact=True`` computes every block's eigenvalues (the reference).
    """
    from gmb.simulate.diagnostics import loop_radii

    m = study.program.model
    if m is None or not m.effects:
        return np.zeros(P.shape[1])
    ids = [el.variable for el in m.variables]
    pos = {v: i for i, v in enumerate(ids)}
    rows = np.array([pos[e.target] for e in m.effects])
    cols = np.array([pos[e.cause] for e in m.effects])
    weights = (P[np.array([study.program.param(e.elasticity) for e in m.effects])]
               * np.array([e.sign for e in m.effects], dtype=float)[:, None])  # (effects, runs)  # fmt: skip
    return loop_radii(len(ids), rows, cols, weights, exact=exact)


def run_chunk(study: Study, start: int, runs: int, *, total: int | None = None) -> Chunk:
    """Run runs ``start .. start + runs - 1`` of ``study`` (draws from the study's seed) and summarise them.

    Parameters
    ----------
    study : Study
        What to run.
    start : int
        Index of the first run (the draws depend on it, not on who runs the chunk).
    runs : int
        How many runs.
    total : int, optional
        The ensemble's size: decides whether fan-chart values are kept whole.

    Returns
    -------
    Chunk
        The runs' values and summaries, for :func:`reduce_chunks`.

    Examples
    --------
    >>> from gmb.scenarios import Intervention
    >>> from gmb.simulate.synthetic import chain_model
    >>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
    ...                     engine="numpy")
    >>> chunk = run_chunk(study, 16, 16, total=32)
    >>> chunk.start, chunk.runs
    (16, 16)
    """
    P = draw(study.program, seed=study.seed, start=start, runs=runs, method=study.method, vary=study.vary)
    out = run_parameters(study, P)
    slot = list(study.save_slots).index(study.program.outcome_slot) if study.program.outcome_slot >= 0 else 0
    horizon = out[:, slot, study.horizon_index, :].copy()
    if study.keeps_all(total or runs):
        values, sketch = out, None
    else:
        values, sketch = None, Sketch.of(np.moveaxis(out, -1, 0))
    return Chunk(start, runs, horizon, values, sketch, spectral_radii(study, P))


@dataclass(frozen=True, eq=False)
class Result:
    """An ensemble's results (see the module docstring for what is exact)."""

    study: Study
    runs: int
    horizon: np.ndarray  # (scenarios, runs)
    values: np.ndarray | None  # (scenarios, variables, times, runs)
    sketch: Sketch | None
    radius: np.ndarray  # (runs,)

    def index(self, scenario: str) -> int:
        try:
            return self.study.scenarios.index(scenario)
        except ValueError:
            raise InputError(f"no scenario {scenario!r}", field="scenario",
                             hint=", ".join(self.study.scenarios)) from None  # fmt: skip

    def effect(self, scenario: str) -> np.ndarray:
        """Outcome at the horizon minus the baseline's, run by run (same parameter draws)."""
        return self.horizon[self.index(scenario)] - self.horizon[0]

    @property
    def exact(self) -> bool:
        return self.values is not None

    def fan(self, scenario: str, variable: str | None = None) -> dict[str, Any]:
        """Fan-chart data for one scenario and variable (default: the outcome)."""
        s = self.index(scenario)
        p = self.study.program
        slot = p.outcome_slot if variable is None else p.slot(variable)  # NotFoundError for an unknown variable
        slots = list(self.study.save_slots)
        if slot not in slots:
            raise InputError(f"{variable!r} was not kept in this ensemble", field="variable",
                             hint="ask for it with --variable")  # fmt: skip
        v = slots.index(slot)
        var = self.study.variables[v]
        if self.values is not None:
            q = exact_quantiles(np.moveaxis(self.values[s, v], -1, 0), PERCENTILES)
            note, err = "exact percentiles of all runs", 0.0
        else:
            q = self.sketch.quantile(PERCENTILES)[:, s, v]
            err = self.sketch.rank_error
            note = f"streamed percentiles: true rank within ±{err:.2%} of the stated one"
        keys = ("p5", "p25", "p50", "p75", "p95")
        return {"scenario": scenario, "variable": var, "time": self.study.times.tolist(),
                **{k: q[i].tolist() for i, k in enumerate(keys)}, "percentiles": note, "rank_error": err}  # fmt: skip

    @property
    def runaway_share(self) -> float:
        """Share of draws whose log-linear spectral radius is >= 1 (reinforcing loops run away)."""
        return float(np.mean(self.radius >= 1.0)) if len(self.radius) else 0.0

    def broken(self, scenario: str | None = None) -> int:
        """Runs whose outcome at the horizon is not a finite number (overflow)."""
        h = self.horizon if scenario is None else self.horizon[self.index(scenario)][None]
        return int((~np.isfinite(h)).any(axis=0).sum())


def reduce_chunks(study: Study, chunks: Iterable[Chunk]) -> Result:
    """Combine chunks in run order (the order is fixed, so the result does not depend on who ran what).

    Parameters
    ----------
    study : Study
        The study the chunks were run from.
    chunks : iterable of Chunk
        The chunks, in any order.

    Returns
    -------
    Result
        As :func:`run_study` returns it.

    Examples
    --------
    >>> from gmb.scenarios import Intervention
    >>> from gmb.simulate.synthetic import chain_model
    >>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
    ...                     engine="numpy")
    >>> import numpy as np
    >>> chunks = [run_chunk(study, 16, 16, total=32), run_chunk(study, 0, 16, total=32)]
    >>> np.array_equal(reduce_chunks(study, chunks).values, run_study(study, 32, chunk=16).values)
    True
    """
    chunks = sorted(chunks, key=lambda c: c.start)
    if not chunks:
        raise SimulationError("no runs to combine", field="runs")
    pos = 0
    for c in chunks:
        if c.start != pos:
            raise SimulationError(f"chunks do not cover runs {pos}..{c.start - 1}", field="chunks")
        pos += c.runs
    horizon = np.concatenate([c.horizon for c in chunks], axis=1)
    radius = np.concatenate([c.radius for c in chunks])
    if all(c.values is not None for c in chunks):
        values, sketch = np.concatenate([c.values for c in chunks], axis=-1), None
    else:
        parts = [c.sketch if c.sketch is not None else Sketch.of(np.moveaxis(c.values, -1, 0)) for c in chunks]
        values, sketch = None, merge_all(parts)
    return Result(study, pos, horizon, values, sketch, radius)


def run_study(study: Study, runs: int, *, chunk: int = CHUNK,
              progress: Callable[[int, int], None] | None = None) -> Result:  # fmt: skip
    """Run ``runs`` runs of ``study`` chunk by chunk in this process; ``progress(done, runs)`` after each chunk.

    To run the chunks as tasks on a Dask cluster use :func:`gmb.scale.ensemble_jobs.run_study_on`
    (the same result, bit for bit); the simulator never reaches up into the backend layer.

    Parameters
    ----------
    study : Study
        What to run.
    runs : int
        How many parameter draws.
    chunk : int, optional
        Runs per chunk (memory bound).
    progress : callable, optional
        Called as ``progress(done, runs)``.

    Returns
    -------
    Result
        ``values`` (scenario × outcome × saved step × run), ``runs``, ``horizon``, spectral radii.

    Raises
    ------
    gmb.errors.InputError
        ``runs`` is not a positive integer.

    Examples
    --------
    >>> from gmb.scenarios import Intervention
    >>> from gmb.simulate.synthetic import chain_model
    >>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
    ...                     engine="numpy")
    >>> result = run_study(study, 32, chunk=16)
    >>> result.runs, result.values.shape
    (32, (2, 1, 25, 32))
    """
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise InputError(f"need at least one run, got {runs!r}", field="runs")
    chunk = max(1, int(chunk))
    chunks = []
    for start in range(0, runs, chunk):
        n = min(chunk, runs - start)
        chunks.append(run_chunk(study, start, n, total=runs))
        if progress:
            progress(start + n, runs)
    return reduce_chunks(study, chunks)
