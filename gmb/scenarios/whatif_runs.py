"""The what-if panel's fast path: only the outcome, only what changed, on both cores.

The panel asks for the outcome of a few *coalitions* (sets of switched-on ideas: the baseline, each idea
alone, the whole setting, and for the Shapley split every sub-bundle). A coalition's outcome depends only on
its members' doses and start lags (the other ideas' dose rows are 0, and a zero dose adds exactly nothing),
so a :class:`Memo` keeps each coalition's horizon outcome (or trajectory, for the fan chart) keyed by its
members' (dose, lag): when one slider moves, every sub-bundle without that idea is reused, not re-run.

The engine is asked for the outcome variable only (one save slot), at the horizon only for the
sub-bundles (trajectories only for the two curves the chart draws), and the runs are spread over both cores
by numba's ``prange`` or two threads (:data:`PARALLEL`; the compiled kernel releases the GIL). The numbers
are the engine's, column for column: each run is independent, so which block or thread ran it changes
nothing (the tests compare with ``gmb rank``).

>>> m = Memo(); m.put(("a",), ((1.0, 0.0),), False, np.zeros(3)); m.get(("a",), ((1.0, 0.0),), False)
array([0., 0., 0.])
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["THREADS", "Memo", "run_coalitions"]

#: threads the runs are split over (the machine's 2 cores)
THREADS = 2
#: how the runs are spread over the cores: "prange" (one call, numba's threads over the blocks of runs; the
#: default: its p95 was lower in bench/whatif_bench.py, README) or "threads" (two Python threads, each a serial
#: kernel call); ``GMB_WHATIF_PARALLEL`` sets it. The numbers are the same bit for bit either way
#: (tests/test_whatif_runs.py). The parallel kernel's first compile is slow (20–50 s, then numba's cache):
#: ``gmb serve`` warms it up at start (:func:`gmb.serve.routes_whatif.warm`).
PARALLEL = os.environ.get("GMB_WHATIF_PARALLEL", "prange")
#: horizon-only coalitions run in the trajectories' engine call when there are at most this many (the chart:
#: one call, both cores busy, instead of two calls); the split's many sub-bundles keep their own call
MERGE_HORIZON = 4
#: coalition outcomes kept per memo (1,000 runs: 8 kB each; a trajectory ~0.3 MB)
MEMO_SIZE = 4096
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_PRANGE_LOCK = threading.Lock()


class Memo:
    """Outcomes of coalitions under one set of parameter draws, keyed by the members' (dose, lag)."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.P: np.ndarray | None = None  # the draws the outcomes belong to

    def same_draws(self, P: np.ndarray) -> None:
        """Forget everything when ``P`` (the undosed draws) is not the one the outcomes were run with."""
        with self._lock:
            if self.P is None or self.P.shape != P.shape or not np.array_equal(self.P, P):
                self._d.clear()
                self.P = P

    def get(self, coalition: tuple, members: tuple, traj: bool) -> np.ndarray | None:
        """The kept outcome (``None`` if not kept); a trajectory also answers a horizon-only request."""
        with self._lock:
            for k in ((coalition, members, True), *([] if traj else [(coalition, members, False)])):
                if k in self._d:
                    self._d.move_to_end(k)
                    v = self._d[k]
                    return v if traj or k[2] is False else v[-1]
        return None

    def put(self, coalition: tuple, members: tuple, traj: bool, value: np.ndarray) -> None:
        """Keep an outcome (a trajectory ``(times, runs)`` when ``traj``, else the horizon ``(runs,)``)."""
        with self._lock:
            self._d[(coalition, members, traj)] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(THREADS, thread_name_prefix="gmb-whatif")
        return _POOL


def _engine(study, parallel: bool = False) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """``run(big, slots, steps) -> (slots, steps, runs)`` for the study's engine, with its compiled plan
    (``parallel``: numba's ``prange`` over the blocks of runs, :func:`gmb.simulate.engine_numba.run_numba`)."""
    p, plan = study.program, study.plan()
    if study.engine == "numba":
        from gmb.simulate.engine_numba import run_numba

        return lambda big, slots, steps: run_numba(p, big, save_slots=slots, save_steps=steps, plan=plan,
                                                   parallel=parallel)  # fmt: skip
    from gmb.simulate.engine_numpy import run_numpy

    return lambda big, slots, steps: run_numpy(p, big, save_slots=slots, save_steps=steps, plan=plan,
                                               integration=study.integration)  # fmt: skip


def _run(study, big: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The outcome at ``steps`` for every column of ``big``: ``(steps, columns)``, split over the threads."""
    p = study.program
    slots = np.array([p.outcome_slot if p.outcome_slot >= 0 else int(study.save_slots[0])], dtype=np.int64)
    n = big.shape[1]
    if PARALLEL == "prange" and study.engine == "numba" and n >= 512:
        # one parallel launch at a time: numba's "workqueue" threading layer (used when neither TBB nor OpenMP
        # is there) is not safe for launches from two threads, and both would want the same cores anyway
        with _PRANGE_LOCK:
            return _engine(study, parallel=True)(big, slots, steps)[0]
    run = _engine(study)
    if n < 512 or THREADS < 2:
        return run(big, slots, steps)[0]
    cut = np.linspace(0, n, THREADS + 1).astype(int)
    parts = list(_pool().map(lambda k: run(np.ascontiguousarray(big[:, cut[k] : cut[k + 1]]), slots, steps),
                             range(THREADS)))  # fmt: skip
    return np.concatenate([q[0] for q in parts], axis=1)


def run_coalitions(study, Q: np.ndarray, coalitions: Sequence[tuple], members: Callable[[tuple], tuple],
                   memo: Memo, *, trajectories: Sequence[tuple] = ()) -> dict[tuple, np.ndarray]:  # fmt: skip
    """Each coalition's outcome: the horizon ``(runs,)``, or ``(times, runs)`` for those in ``trajectories``.

    ``Q`` holds the draws with every idea's dose already scaled; a coalition switches on its ideas' dose
    rows (and the always-on ones, ``term_ideas`` None). ``members(c)`` is the memo key of ``c``'s members'
    settings. Kept outcomes come from ``memo``; the rest run in one engine call per kind (trajectory or
    horizon), and are kept.
    """
    p = study.program
    term_ideas = study.term_ideas
    rows = np.asarray(p.term_param, dtype=np.int64)
    want_traj = set(trajectories)
    out: dict[tuple, np.ndarray] = {}
    todo: dict[bool, list[tuple]] = {True: [], False: []}
    horizon_only: set[tuple] = set()
    for c in dict.fromkeys(coalitions):
        hit = memo.get(c, members(c), c in want_traj)
        if hit is None:
            todo[c in want_traj].append(c)
        else:
            out[c] = hit
    runs = Q.shape[1]
    steps = {True: np.asarray(study.save_steps[: study.horizon_index + 1], dtype=np.int64),
             False: np.array([study.horizon_step], dtype=np.int64)}  # fmt: skip
    if todo[True] and 0 < len(todo[False]) <= MERGE_HORIZON and steps[True][-1] == steps[False][0]:
        # one call for the chart: a horizon value is the last saved step of the same run (bit for bit)
        for c in todo.pop(False):
            todo[True].append(c)
            horizon_only.add(c)
    for traj, group in todo.items():
        if not group:
            continue
        big = np.empty((Q.shape[0], runs * len(group)))
        for k, c in enumerate(group):
            block = big[:, k * runs : (k + 1) * runs]
            block[:] = Q
            off = [t for t, idea in enumerate(term_ideas) if idea is not None and idea not in c]
            block[rows[off]] = 0.0  # an inactive term: dose 0 adds exactly nothing
        res = _run(study, big, steps[traj])
        for k, c in enumerate(group):
            v = res[:, k * runs : (k + 1) * runs]
            kept = traj and c not in horizon_only
            v = v.copy() if kept else v[-1].copy()
            memo.put(c, members(c), kept, v)
            out[c] = v
    return out
