"""Ensembles, scenario sweeps and Shapley sub-bundles as chunkable jobs (see :mod:`gmb.scale.jobs`).

The ensemble engine (:mod:`gmb.simulate.ensemble`) already works in *grains*: a
grain is ``chunk`` consecutive runs (its ``run_study(..., chunk=)``), its
parameter draws depend only on the seed and the run numbers
(:mod:`gmb.simulate.sampling`), and :func:`~gmb.simulate.ensemble.reduce_chunks`
merges grains in run order. A job here is a list of grains; a backend chunk is a
range of grains. So:

* :class:`StudyJob` gives **exactly** ``run_study(study, runs, chunk=chunk)``
  — the same grains, each computed by the same call, merged in the same order —
  on any backend, for any number of workers and any cut into tasks. (Where the
  fan-chart values are too many to keep and are *sketched*, the grain size is
  part of what is computed: keep ``chunk`` the same to compare runs.)
* :class:`HorizonJob` gives the outcome at the horizon for every scenario and
  run — what ranking and Shapley attribution need — with the scenarios cut into
  groups of at most :data:`GROUP` too, so that 2^n sub-bundles spread over a
  cluster even when there are few runs. Each column of the engine is computed
  on its own (the engine's runs and scenarios are independent lanes), so
  grouping does not change a single bit.

Workers return summaries: per-run values at the horizon and (for fan charts)
the kept times of the chosen variables, or mergeable sketches — never whole
trajectories.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> from gmb.simulate.ensemble import Study, run_study
>>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2", dose=0.2)]}, seed=1, horizon=12.0)
>>> a, b = run_study(study, 300, chunk=64), run_study_on(study, 300, chunk=64, chunks=3)
>>> bool((a.horizon == b.horizon).all() and (a.values == b.values).all())
True
>>> V, radius = horizon_values(study, 300, chunk=64)
>>> bool((V == a.horizon).all()), V.shape
(True, (2, 300))
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gmb.errors import InputError
from gmb.scale.chunks import plan
from gmb.scale.jobs import segments, using

__all__ = ["GROUP", "HorizonJob", "StudyJob", "horizon_values", "run_study_on"]

#: scenarios per task when a sweep is cut by scenario too (e.g. Shapley's 2^n sub-bundles)
GROUP = 32

Progress = Callable[[int, int], None] | None


def _check_runs(runs: Any) -> int:
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise InputError(f"need at least one run, got {runs!r}", field="runs")
    return int(runs)


def _grain(start: int, chunk: int, runs: int) -> tuple[int, int]:
    return start * chunk, min(chunk, runs - start * chunk)


@dataclass(frozen=True, eq=False)
class StudyJob:
    """``runs`` runs of ``study`` in grains of ``chunk`` runs; reduces to a :class:`~gmb.simulate.ensemble.Result`."""

    study: Any
    runs: int
    chunk: int

    @property
    def size(self) -> int:
        return math.ceil(self.runs / self.chunk)

    def run(self, start: int, stop: int) -> list:
        from gmb.simulate.ensemble import run_chunk

        return [run_chunk(self.study, *_grain(g, self.chunk, self.runs), total=self.runs) for g in range(start, stop)]

    def reduce(self, parts: list) -> Any:
        from gmb.simulate.ensemble import reduce_chunks

        return reduce_chunks(self.study, [c for part in parts for c in part])


@dataclass(frozen=True, eq=False)
class HorizonJob:
    """The outcome at the horizon per scenario and run, and each draw's loop radius.

    Items are (scenario group, grain) pairs, group-major: item ``g * grains + r``.
    """

    study: Any
    runs: int
    chunk: int
    group: int = GROUP
    radius: bool = True  # each draw's loop radius (a dense eigenvalue problem per draw: costly on big maps)

    @property
    def grains(self) -> int:
        return math.ceil(self.runs / self.chunk)

    @property
    def groups(self) -> tuple[range, ...]:
        n = len(self.study.scenarios)
        return tuple(range(a, min(a + self.group, n)) for a in range(0, n, self.group))

    @property
    def size(self) -> int:
        return len(self.groups) * self.grains

    def run(self, start: int, stop: int) -> list:
        from gmb.simulate.ensemble import run_parameters, spectral_radii
        from gmb.simulate.sampling import draw

        study, p = self.study, self.study.program
        slot = list(study.save_slots).index(p.outcome_slot) if p.outcome_slot >= 0 else 0
        out = []
        for g, r0, r1 in segments(start, stop, self.grains):
            which = self.groups[g]
            for r in range(r0, r1):
                first, k = _grain(r, self.chunk, self.runs)
                P = draw(p, seed=study.seed, start=first, runs=k, method=study.method, vary=study.vary)
                values = run_parameters(study, P, scenarios=which)[:, slot, study.horizon_index, :]
                radius = spectral_radii(study, P) if g == 0 and self.radius else None  # once per draw, not per group
                out.append((which.start, first, values, radius))
        return out

    def reduce(self, parts: list) -> tuple[np.ndarray, np.ndarray]:
        V = np.full((len(self.study.scenarios), self.runs), np.nan)
        radius = np.full(self.runs, np.nan)
        for s0, first, values, rad in (item for part in parts for item in part):
            V[s0 : s0 + values.shape[0], first : first + values.shape[1]] = values
            if rad is not None:
                radius[first : first + len(rad)] = rad
        return V, radius


def _map_job(job: Any, backend: Any, chunks: int | None, progress: Progress, weight: Callable[[list], int],
             total: int, options: dict) -> Any:  # fmt: skip
    from gmb.scale.jobs import _run_range

    with using(backend, **options) as be:
        # an item is a whole grain (hundreds of runs), so even one item is worth a task of its own
        ranges = plan(job.size, workers=be.workers, chunks=chunks, min_size=1, max_size=max(1, job.size))
        done = [0]

        def tick(i: int, result: list) -> None:
            done[0] += weight(result)
            progress(done[0], total)

        parts = be.map(_run_range, ranges, shared=job, description=f"{total} runs",
                       on_done=tick if progress else None)  # fmt: skip
    return job.reduce(parts)


def run_study_on(
    study: Any,
    runs: int,
    *,
    chunk: int | None = None,
    backend: Any = None,
    chunks: int | None = None,
    progress: Progress = None,
    **options: Any,
) -> Any:
    """``run_study(study, runs, chunk=chunk)`` on ``backend`` (see :func:`gmb.scale.jobs.using`).

    The grains go out as ``chunks`` tasks (default: a few per worker); ``progress(runs_done, runs)``
    is called as tasks finish.
    """
    from gmb.simulate.ensemble import CHUNK

    runs = _check_runs(runs)
    job = StudyJob(study, runs, max(1, int(chunk or CHUNK)))
    return _map_job(job, backend, chunks, progress, lambda part: sum(c.runs for c in part), runs, options)


def horizon_values(
    study: Any,
    runs: int,
    *,
    chunk: int = 256,
    backend: Any = None,
    chunks: int | None = None,
    group: int = GROUP,
    radius: bool = True,
    progress: Progress = None,
    **options: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """The outcome at the horizon, ``(scenarios, runs)``, and each draw's loop radius ``(runs,)``.

    ``radius=False`` skips the radius (NaN then): it costs an ``n × n`` eigenvalue problem per draw.

    ``progress(done, runs)`` is called as tasks finish (``done`` counts scenario-runs, scaled to runs).
    """
    runs = _check_runs(runs)
    job = HorizonJob(study, runs, max(1, int(chunk)), max(1, int(group)), bool(radius))
    total = len(study.scenarios) * runs
    scaled = (lambda done, _: progress(done * runs // total, runs)) if progress else None
    return _map_job(job, backend, chunks, scaled, lambda part: sum(v.size for _, _, v, _ in part), total, options)
