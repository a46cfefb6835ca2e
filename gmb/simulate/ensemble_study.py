"""What an ensemble runs and keeps: the :class:`Study`, and which engine runs it.

A :class:`Study` fixes a compiled :class:`~gmb.simulate.program.Program` (the model plus
every intervention term any scenario uses), the scenarios (each a mask saying which terms
are active; the first is the baseline), how parameters are drawn, the horizon, and which
variables to keep at which times. It is separate from :mod:`gmb.simulate.ensemble`, which
runs a study chunk by chunk and combines the results: this module only describes the work
(and states its assumptions), so it can be built, inspected and shipped to other processes
without the running machinery. Import it from :mod:`gmb.simulate.ensemble` (re-exported).

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
...                     engine="numpy")
>>> study.scenarios, study.horizon, engine_for("numpy")
(('baseline', 'push'), 24.0, 'numpy')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gmb.errors import InputError, SimulationError
from gmb.simulate.program import Program, compile_model
from gmb.simulate.sampling import BLOCK, METHODS, VARY

__all__ = ["ENGINES", "EXACT_LIMIT", "INTEGRATIONS", "Study", "engine_for", "response_of"]

ENGINES = ("auto", "numba", "numpy")
INTEGRATIONS = ("euler", "rk4")
#: keep every fan-chart value when runs × scenarios × variables × times is at most this
EXACT_LIMIT = 20_000_000


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
