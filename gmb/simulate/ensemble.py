"""Ensembles: thousands of parameter sets of one model, under several scenarios, in one pass.

A :class:`Study` fixes what is run: a compiled :class:`~gmb.simulate.program.Program`
(the model plus every intervention term any scenario uses), the scenarios (each
a mask saying which terms are active; the first is the baseline), how
parameters are drawn (seed, Monte Carlo or Latin hypercube, which kinds vary),
the horizon, and which variables to keep at which times for fan charts.

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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gmb.errors import InputError, SimulationError
from gmb.simulate.program import Program, compile_model
from gmb.simulate.sampling import BLOCK, METHODS, VARY, draw
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

ENGINES = ("auto", "numba", "numpy")
INTEGRATIONS = ("euler", "rk4")
#: keep every fan-chart value when runs × scenarios × variables × times is at most this
EXACT_LIMIT = 20_000_000
#: default runs per chunk (a multiple of the sampling block)
CHUNK = 2 * BLOCK
#: the percentiles of a fan chart: 90 % band, 50 % band, median
PERCENTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def engine_for(name: str = "auto") -> str:
    """The engine that will run: ``numba`` when installed (for ``auto``), else ``numpy``."""
    from gmb.simulate.engine_numba import available

    if name not in ENGINES:
        raise InputError(f"unknown engine {name!r}", field="engine", hint=", ".join(ENGINES))
    if name == "auto":
        return "numba" if available() else "numpy"
    if name == "numba" and not available():
        raise SimulationError("numba is not installed", field="engine", hint="pip install numba, or use numpy")
    return name


@dataclass(frozen=True, eq=False)
class Study:
    """What an ensemble runs and keeps (build with :meth:`Study.build`).

    Parameters
    ----------
    program : Program
        The compiled model and its uncertain parameters.
    scenarios : tuple of str
        Scenario names, the baseline first.
    active : numpy.ndarray
        Which intervention terms each scenario switches on.
    seed : int
        Seed of the parameter draws.
    method : {"mc", "lhs"}, optional
        How the draws are made.
    vary : tuple of str, optional
        What is uncertain.
    horizon_step : int, optional
        The step effects are read at.
    save_steps, save_slots : numpy.ndarray, optional
        The steps and elements kept for fan charts.
    variables : tuple of str, optional
        The variables kept besides the outcome.
    keep : str, optional
        Whether fan-chart values are kept whole or sketched (``auto``: by ensemble size).
    engine : {"auto", "numba", "numpy"}, optional
        The engine.
    integration : {"euler", "rk4"}, optional
        The integration method.
    term_ideas : tuple, optional
        The idea of each intervention term.

    Examples
    --------
    >>> from gmb.scenarios import Intervention
    >>> from gmb.simulate.synthetic import chain_model
    >>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
    ...                     engine="numpy")
    >>> study.scenarios
    ('baseline', 'push')
    """

    program: Program
    scenarios: tuple[str, ...]  # names; the first is the baseline
    active: np.ndarray  # (scenarios, terms) bool
    seed: int
    method: str = "mc"
    vary: tuple[str, ...] = VARY
    horizon_step: int = 0
    save_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    save_slots: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    variables: tuple[str, ...] = ()
    keep: str = "auto"
    engine: str = "auto"
    integration: str = "euler"
    term_ideas: tuple[str | None, ...] = ()
    _plans: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        model: Any,
        scenarios: Mapping[str, Sequence[Any]],
        *,
        seed: int,
        horizon: float,
        method: str = "mc",
        vary: Iterable[str] = VARY,
        variables: Sequence[str] = (),
        every: float | None = None,
        keep: str = "auto",
        engine: str = "auto",
        baseline: str = "baseline",
        integration: str = "euler",
        until: float | None = None,
    ) -> Study:
        """A study of ``model`` under ``scenarios`` ({name: interventions}) plus a baseline.

        Interventions that are equal (same idea, variable, channel and dose) are one
        term shared by every scenario that uses it, so its dose draws are shared too.
        ``variables`` (CLD ids or element names; the outcome is always kept) are saved
        every ``every`` time units (default: one time unit) up to the horizon.
        ``integration``: ``euler`` (as pysd) or ``rk4`` (classic Runge-Kutta, numpy engine).
        ``until`` (>= the horizon, within the model's time): keep the variables up to this time, so fan
        charts show what happens after the horizon; effects are still taken at the horizon.
        """
        if integration not in INTEGRATIONS:
            raise InputError(f"unknown integration {integration!r}", field="integration", hint="euler or rk4")
        if method not in METHODS:
            raise InputError(f"unknown sampling method {method!r}", field="method", hint="mc or lhs")
        if keep not in ("auto", "exact", "sketch"):
            raise InputError(f"keep must be auto, exact or sketch, got {keep!r}", field="keep")
        terms: list[Any] = []
        index: dict[str, int] = {}
        rows = []
        for ivs in scenarios.values():
            row = []
            for iv in ivs:
                key = iv.model_dump_json()
                if key not in index:
                    index[key] = len(terms)
                    terms.append(iv)
                row.append(index[key])
            rows.append(row)
        if baseline in scenarios:
            raise InputError(f"{baseline!r} is the name of the run without interventions", field="scenario")
        program = compile_model(model, terms)
        n0 = program.n_terms - len(terms)  # terms already on the model's inputs stay on in every scenario
        active = np.zeros((len(scenarios) + 1, program.n_terms), dtype=bool)
        active[:, :n0] = True
        for s, row in enumerate(rows, start=1):
            active[s, [n0 + t for t in row]] = True
        span = program.times[-1] - program.times[0]
        if not horizon > 0:
            raise SimulationError(f"the horizon must be > 0, got {horizon:g}", field="horizon")
        if horizon > span + 1e-9:
            raise SimulationError(
                f"the horizon {horizon:g} {program.unit} is beyond the model's {span:g} {program.unit}",
                field="horizon", hint="choose a shorter horizon, or convert with a longer time horizon",
            )  # fmt: skip
        h_step = program.step_of(program.times[0] + horizon)
        last = h_step
        if until is not None:
            if not until >= horizon - 1e-9 or until > span + 1e-9:
                raise SimulationError(f"'until' must be between the horizon {horizon:g} and the model's {span:g} "
                                      f"{program.unit}, got {until:g}", field="until")  # fmt: skip
            last = program.step_of(program.times[0] + until)
        every = 1.0 if every is None else float(every)
        if not every > 0:
            raise InputError(f"every must be > 0, got {every:g}", field="every")
        stride = max(1, round(every / program.dt))
        save_steps = np.unique(np.append(np.arange(0, last + 1, stride), [h_step, last])).astype(np.int64)
        # kept variables, named by their CLD id where they have one (the outcome always kept)
        by_slot = {slot: var for var, slot in program.variables.items()}
        wanted = [*variables, *([program.outcome] if program.outcome else [])]
        slot_of = {by_slot.get(program.slot(v), v): program.slot(v) for v in wanted}
        names = list(slot_of)
        slots = np.array(list(slot_of.values()), dtype=np.int64)
        return cls(
            program=program, scenarios=(baseline, *scenarios), active=active, seed=_seed(seed), method=method,
            vary=tuple(vary), horizon_step=h_step, save_steps=save_steps, save_slots=slots,
            variables=tuple(names), keep=keep, integration=integration,
            engine="numpy" if integration == "rk4" else engine_for(engine),  # RK4: numpy engine only
            term_ideas=tuple([None] * n0 + [iv.idea for iv in terms]),
        )  # fmt: skip

    # -- derived
    @property
    def horizon(self) -> float:
        return float(self.program.times[self.horizon_step] - self.program.times[0])

    @property
    def times(self) -> np.ndarray:
        return self.program.times[self.save_steps]

    @property
    def horizon_index(self) -> int:
        """Position of the horizon among the saved times (the last one unless ``until`` went further)."""
        return int(np.searchsorted(self.save_steps, self.horizon_step))

    def keeps_all(self, runs: int) -> bool:
        """Whether fan-chart values are all kept (exact percentiles) for ``runs`` runs."""
        if self.keep != "auto":
            return self.keep == "exact"
        return runs * len(self.scenarios) * len(self.save_slots) * len(self.save_steps) <= EXACT_LIMIT

    def with_scenarios(self, names: Sequence[str], active: np.ndarray) -> Study:
        """The same program and draws under other scenario masks (e.g. all sub-bundles)."""
        return replace(self, scenarios=tuple(names), active=np.asarray(active, dtype=bool), _plans=self._plans)

    def plan(self):
        """The engine's per-program structures (built once, shared by every chunk)."""
        if self.engine not in self._plans:
            if self.engine == "numba":
                from gmb.simulate.engine_numba import NumbaPlan

                self._plans[self.engine] = NumbaPlan(self.program)
            else:
                from gmb.simulate.engine_numpy import Plan

                self._plans[self.engine] = Plan(self.program)
        return self._plans[self.engine]

    def assumptions(self) -> dict[str, Any]:
        """What the numbers rest on: sampling, ranges, engine, time step (for every output)."""
        p = self.program
        ranges = {}
        for i, name in enumerate(p.param_names):
            kind = p.param_kind[i]
            if kind in self.vary and p.param_high[i] > p.param_low[i]:
                ranges.setdefault(kind, {})[p.param_ref[i] or name] = [float(p.param_low[i]), float(p.param_high[i])]
        from gmb.simulate.sampling import structural

        links = structural(p, ("elasticity", "structure"))  # the uncertain links, listed whether varied or not
        structure = {
            "varied": "structure" in self.vary,
            "rule": "each run draws every uncertain link present with P(present) and with its sign as drawn with "
                    "P(sign) (a '?' link: + or - with 1/2 each); P(present) = a/(a+b), a = 1 + supporters + 2[S] "
                    "+ 1[I], b = disputers + 1[candidate or Inf] unless set per link (README: structural uncertainty)",
            "links": {str(p.param_ref[i]): {"p_present": float(p.param_present[i]), "p_sign": float(p.param_sign[i])}
                      for i in links},
        }  # fmt: skip
        return {
            "label": "exploratory — what the group's map implies under these assumptions, not a prediction",
            "seed": self.seed, "method": {"mc": "Monte Carlo", "lhs": "Latin hypercube"}[self.method],
            "sampling": f"uniform within each range; blocks of {BLOCK} runs seeded from (seed, block)",
            "varied": list(self.vary), "ranges": ranges, "engine": self.engine,
            "integration": {"euler": "Euler", "rk4": "RK4 (classic Runge-Kutta)"}[self.integration],
            "dt": p.dt, "unit": p.unit, "horizon": self.horizon,
            **response_of(p.model),
            "model_notes": list(getattr(p.model, "notes", ()) or ()), "structure": structure,
        }  # fmt: skip


def response_of(model: Any) -> dict[str, Any]:
    """The model's effect shape, its ceiling B (saturating) and the elasticity scale factor (1 = the group's).

    >>> from gmb.simulate.synthetic import chain_model
    >>> r = response_of(chain_model(2)); r["effect_shape"], round(r["saturation"], 4), r["elasticity_scale"]
    ('saturating', 1.0986, 1.0)
    """
    out: dict[str, Any] = {"effect_shape": "power", "saturation": None,
                           "elasticity_scale": float(getattr(model, "elasticity_scale", 1.0))}  # fmt: skip
    if model is None:
        return out
    sat = next((a.saturation for a in model.auxiliaries if getattr(a, "saturation", None)), None)
    if sat is not None:
        out.update(effect_shape="saturating", saturation=float(model.element(sat).value))
    elif any(e.lookup for e in model.effects):
        out["effect_shape"] = "bounded"
    return out


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"the seed must be a whole number >= 0, got {seed!r}", field="seed")
    return int(seed)


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
