"""The scenario assumptions: which interventions each idea stands for, with which doses.

Nobody measured how much a bike path or a craft café moves its target variable
(the Havndal sources report no effect sizes), so every dose is an assumption.
They are written down — ``sessions/<name>/scenarios.json`` — where anyone can
read and edit them, and every result names them.

Defaults: each idea target ``(variable, direction)`` becomes one intervention on
the variable's ``auto`` channel (a stock's indicated value, any other variable's
level) with dose 0.2 (a 20 % change of the baseline index) sampled from
0.1–0.3, ramped in over 12 time units from time 0 and kept. Every idea gets the
*same* default dose on purpose: the ranking then reflects the map's structure,
not a guess about which idea is bigger. Edit an idea's entry to change that.

>>> import networkx as nx
>>> G = nx.DiGraph(ideas={"i1": {"targets": [{"variable": "a", "direction": "-"}]}})
>>> s = default_scenarios(G)
>>> iv = s.ideas["i1"].interventions[0]
>>> (iv.variable, iv.direction, iv.dose, iv.dose_range, iv.idea)
('a', '-', 0.2, (0.1, 0.3), 'i1')
>>> Scenarios.model_validate_json(s.to_json()) == s
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticError

from gmb.errors import GmbError, NotFoundError, ValidationError
from gmb.scenarios.interventions import Bundle, Intervention

__all__ = [
    "SCENARIOS_SCHEMA",
    "SCENARIOS_FILE",
    "DoseDefaults",
    "RankWeights",
    "IdeaPlan",
    "Scenarios",
    "default_scenarios",
    "complete_scenarios",
    "parse_scenarios",
    "load_scenarios",
    "save_scenarios",
    "default_horizon",
    "ideas_of",
]

SCENARIOS_SCHEMA = "gmb-scenarios/1"
SCENARIOS_FILE = "scenarios.json"

#: three years — the Havndal evaluation's re-measurement — in common time units
_THREE_YEARS = {"month": 36.0, "months": 36.0, "year": 3.0, "years": 3.0, "week": 156.0, "weeks": 156.0,
                "day": 1095.0, "days": 1095.0, "quarter": 12.0, "quarters": 12.0}  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class DoseDefaults(_Frozen):
    """What an idea target becomes when the file does not say otherwise."""

    dose: float = Field(default=0.2, ge=0)
    low: float = Field(default=0.1, ge=0)
    high: float = Field(default=0.3, ge=0)
    channel: Literal["auto", "level", "indicated", "inflow"] = "auto"
    shape: Literal["step", "ramp", "pulse"] = "ramp"
    start: float = 0.0
    ramp_up: float = Field(default=12.0, gt=0)
    end: float | None = None

    def intervention(self, idea: str, variable: str, direction: str) -> Intervention:
        return Intervention(
            variable=variable, direction=direction, idea=idea, dose=self.dose, low=self.low, high=self.high,
            channel=self.channel, shape=self.shape, start=self.start, ramp_up=self.ramp_up, end=self.end,
        )  # fmt: skip


class RankWeights(_Frozen):
    """Weights of the combined score (see :mod:`gmb.scenarios.answers`); they need not sum to 1."""

    effect: float = Field(default=0.5, ge=0)
    feasibility: float = Field(default=0.25, ge=0)
    votes: float = Field(default=0.25, ge=0)


class IdeaPlan(_Frozen):
    """The interventions one idea stands for, and why."""

    interventions: tuple[Intervention, ...]
    note: str = ""


class Scenarios(_Frozen):
    """Everything the scenario answers assume beyond the model (saved as ``scenarios.json``)."""

    schema_: str = Field(default=SCENARIOS_SCHEMA, alias="schema")
    horizon: float | None = Field(default=None, gt=0)  # None: three years in the model's time unit
    better: Literal["up", "down"] = "up"  # which way the outcome improves
    defaults: DoseDefaults = DoseDefaults()
    ideas: dict[str, IdeaPlan] = Field(default_factory=dict)
    bundles: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    weights: RankWeights = RankWeights()
    note: str = (
        "Doses are assumptions, not measurements: every idea gets the same default dose so that the ranking "
        "reflects the map's structure. Edit them here; results are exploratory, not predictions."
    )

    def to_json(self) -> str:
        """Pretty UTF-8 JSON with a stable key order."""
        data = self.model_dump(mode="json", by_alias=True)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def interventions(self, ideas: Iterable[str]) -> tuple[Intervention, ...]:
        """The interventions of ``ideas`` (NotFoundError for an idea the file does not know)."""
        out: list[Intervention] = []
        for idea in ideas:
            plan = self.ideas.get(idea)
            if plan is None:
                raise NotFoundError(f"unknown idea {idea!r}", field="idea", hint=f"ideas: {', '.join(self.ideas)}")
            out.extend(iv if iv.idea == idea else iv.model_copy(update={"idea": idea}) for iv in plan.interventions)
        return tuple(out)

    def bundle(self, ideas: Iterable[str], name: str | None = None) -> Bundle:
        """A :class:`Bundle` of ``ideas`` (or of a named bundle when ``name`` is one)."""
        ideas = list(ideas)
        return Bundle(name or "+".join(ideas), self.interventions(ideas))

    def horizon_for(self, unit: str, start: float, stop: float) -> float:
        """The evaluation horizon (time after ``start``), checked against the model's time."""
        from gmb.errors import SimulationError

        h = self.horizon if self.horizon is not None else default_horizon(unit, stop - start)
        if h > stop - start + 1e-9:
            raise SimulationError(
                f"the horizon {h:g} {unit} is beyond the model's {stop - start:g} {unit}",
                field="horizon",
                hint="choose a shorter horizon or convert with a longer time horizon",
            )
        return h


def default_horizon(unit: str, span: float) -> float:
    """Three years in ``unit`` (the Havndal re-measurement), capped at the model's ``span``.

    >>> default_horizon("month", 60), default_horizon("year", 2), default_horizon("fortnight", 10)
    (36.0, 2.0, 10.0)
    """
    return float(min(_THREE_YEARS.get(unit.strip().lower(), span), span))


def ideas_of(source: Any) -> dict[str, dict[str, Any]]:
    """The idea bank as ``{id: {labels, targets, votes, feasibility, …}}`` from a graph or a session."""
    if hasattr(source, "graph") and isinstance(getattr(source, "graph"), dict):
        return dict(source.graph.get("ideas") or {})
    if hasattr(source, "ideas"):
        return {
            i.id: {"labels": dict(i.labels), "targets": [{"variable": t.variable, "direction": t.direction}
                   for t in i.targets], "votes": list(i.votes), "feasibility": i.feasibility,
                   "working_group": i.working_group}
            for i in source.ideas
        }  # fmt: skip
    raise ValidationError("expected a CLD graph or a session", field="source")


def _plan(idea: str, info: Mapping[str, Any], defaults: DoseDefaults) -> IdeaPlan:
    targets = info.get("targets") or []
    ivs = tuple(defaults.intervention(idea, t["variable"], t.get("direction", "+")) for t in targets)
    note = "default doses (assumption)" if ivs else "this idea names no target variable, so it changes nothing"
    return IdeaPlan(interventions=ivs, note=note)


def default_scenarios(source: Any, defaults: DoseDefaults | None = None) -> Scenarios:
    """Scenarios for every idea of ``source`` (a CLD graph or a session) from its targets and directions."""
    defaults = defaults or DoseDefaults()
    ideas = ideas_of(source)
    plans = {idea: _plan(idea, info, defaults) for idea, info in ideas.items()}
    bundles = {"all": tuple(i for i, p in plans.items() if p.interventions)} if plans else {}
    return Scenarios(defaults=defaults, ideas=plans, bundles=bundles)


def complete_scenarios(scenarios: Scenarios, source: Any) -> Scenarios:
    """``scenarios`` plus default plans for ideas added to the idea bank since it was written."""
    ideas = ideas_of(source)
    missing = {i: _plan(i, info, scenarios.defaults) for i, info in ideas.items() if i not in scenarios.ideas}
    if not missing:
        return scenarios
    return scenarios.model_copy(update={"ideas": {**scenarios.ideas, **missing}})


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "scenarios"


def parse_scenarios(data: object, *, file: str | None = None) -> Scenarios:
    """Validate raw data into :class:`Scenarios`; errors name the file and field."""
    try:
        return Scenarios.model_validate(data)
    except PydanticError as exc:
        err = exc.errors()[0]
        raise ValidationError(err["msg"].removeprefix("Value error, "), file=file, field=_field(err["loc"])) from None
    except GmbError as exc:  # an intervention's own check
        raise exc.located(file=file) from None


def load_scenarios(path: str | Path) -> Scenarios:
    """Read a ``scenarios.json`` (strict UTF-8; errors name the file, line or field)."""
    from gmb.files import read_json

    return parse_scenarios(read_json(path), file=str(path))


def save_scenarios(scenarios: Scenarios, path: str | Path) -> None:
    """Write ``scenarios`` atomically as pretty UTF-8 JSON."""
    from gmb.files import atomic_write_text

    atomic_write_text(path, scenarios.to_json())
