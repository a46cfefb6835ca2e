"""The :class:`Scenarios` value: the ideas' plans, defaults, bundles and ranking weights, checked on creation.

Separate from :mod:`gmb.scenarios.settings`, which makes it from the idea bank and reads and writes
``scenarios.json`` (and re-exports these names): this module is only the value and its rules, so
anything that computes with scenarios needs nothing of the file format.

>>> Scenarios(better="down").horizon_for("month", 0.0, 60.0)
36.0
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from gmb.errors import GmbError, NotFoundError, ValidationError
from gmb.scenarios.doses import FACTORS, IdeaPlan, Target
from gmb.simulate.interventions import Bundle, Intervention

__all__ = [
    "SCENARIOS_SCHEMA",
    "SCENARIOS_SCHEMA_3",
    "DoseDefaults",
    "RankWeights",
    "SavedIdea",
    "SavedScenario",
    "Scenarios",
    "default_horizon",
]

SCENARIOS_SCHEMA = "gmb-scenarios/2"
#: a file that holds saved what-ifs (``saved``) says /3, so an older gmb refuses it instead of dropping them;
#: a /2 file reads as a /3 one without saved scenarios (the only difference)
SCENARIOS_SCHEMA_3 = "gmb-scenarios/3"

#: three years — the Havndal evaluation's re-measurement — in common time units
_THREE_YEARS = {"month": 36.0, "months": 36.0, "year": 3.0, "years": 3.0, "week": 156.0, "weeks": 156.0,
                "day": 1095.0, "days": 1095.0, "quarter": 12.0, "quarters": 12.0}  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class DoseDefaults(_Frozen):
    """What an idea's plan gets when the file does not say otherwise: its dose, range, channel and timing."""

    dose: float = Field(default=0.2, ge=0)
    low: float = Field(default=0.1, ge=0)
    high: float = Field(default=0.3, ge=0)
    channel: Literal["auto", "level", "indicated", "inflow"] = "auto"
    shape: Literal["step", "ramp", "pulse"] = "ramp"
    lag: float = Field(default=0.0, ge=0)
    ramp_up: float = Field(default=12.0, gt=0)
    end: float | None = None

    def plan(self, targets: Iterable[Mapping[str, Any]], note: str = "") -> IdeaPlan:
        """A plan with these defaults for ``targets`` (``{"variable", "direction"}`` each)."""
        ts = tuple(Target(variable=t["variable"], direction=t.get("direction", "+"), channel=self.channel)
                   for t in targets)  # fmt: skip
        return IdeaPlan(dose=self.dose, low=self.low, high=self.high, lag=self.lag, ramp_up=self.ramp_up,
                        shape=self.shape, end=self.end, targets=ts, note=note)  # fmt: skip


class RankWeights(_Frozen):
    """Weights of the combined score (see :mod:`gmb.scenarios.idea_ranking`); they need not sum to 1."""

    effect: float = Field(default=0.5, ge=0)
    feasibility: float = Field(default=0.25, ge=0)
    votes: float = Field(default=0.25, ge=0)


class SavedIdea(_Frozen):
    """One idea in a saved what-if: its dose multiplier (1 = the planned dose) and start lag (time units)."""

    dose: float = Field(default=1.0, ge=0, le=3)
    start: float = Field(default=0.0, ge=0, le=10000)
    #: the reach/intensity/persistence values set on the panel (the dose multiplier is their product over the
    #: nominal product); None: the idea was given a dose multiplier directly
    factors: dict[str, float] | None = None


class SavedScenario(_Frozen):
    """A what-if setting saved by name: the switched-on ideas with their dose multipliers and lags.

    ``by`` and ``at`` say who saved it and when; ``event`` is its event in the session's log (``gmb serve``).

    >>> SavedScenario(ideas={"a": SavedIdea(dose=0.5)}, by="Ada", at="2026-12-03T13:40:00+00:00").ideas["a"].dose
    0.5
    """

    ideas: dict[str, SavedIdea] = Field(min_length=1)
    by: str | None = None
    at: str | None = None
    event: int | None = None
    horizon: float | None = Field(default=None, gt=0)


class Scenarios(_Frozen):
    """Everything the scenario answers assume beyond the model (saved as ``scenarios.json``).

    Parameters
    ----------
    horizon : float, optional
        When effects are read (default: the model's stop time).
    better : {"up", "down"}, optional
        Whether a higher outcome is better.
    defaults : DoseDefaults, optional
        The dose, range, channel and shape every idea starts from.
    ideas : dict of str to IdeaPlan, optional
        Per idea: its interventions.
    bundles : dict of str to tuple of str, optional
        Named sets of ideas run together.
    weights : RankWeights, optional
        Weights of effect, feasibility and votes in the combined score.
    note : str, optional
        What the doses mean, for the reader.
    migration : str, optional
        What was changed when an older file was read.
    saved : dict of str to SavedScenario, optional
        What-if settings saved by name (dose multipliers and start lags; schema ``/3``).

    Examples
    --------
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld
    >>> sc = default_scenarios(synthetic_cld(8, seed=2))
    >>> sorted(sc.ideas), sc.better, sc.defaults.dose
    (['idea0', 'idea1', 'idea2'], 'up', 0.2)
    """

    schema_: str = Field(default=SCENARIOS_SCHEMA, alias="schema")
    horizon: float | None = Field(default=None, gt=0)  # None: three years in the model's time unit
    better: Literal["up", "down"] = "up"  # which way the outcome improves
    defaults: DoseDefaults = DoseDefaults()
    ideas: dict[str, IdeaPlan] = Field(default_factory=dict)
    bundles: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    weights: RankWeights = RankWeights()
    note: str = (
        "Doses are assumptions, not measurements: one dose per idea (its total push, split over its targets), "
        "the same default for every idea so that the ranking reflects the map's structure. Edit them here or with "
        "gmb scenarios set; results are exploratory, not predictions."
    )
    migration: str = ""  # what reading an older schema changed
    saved: dict[str, SavedScenario] = Field(default_factory=dict)  # what-ifs saved by name (schema /3)

    @model_validator(mode="before")
    @classmethod
    def _plans(cls, data: Any) -> Any:
        # validate each idea's plan here, so an error names the idea (ideas.IDEA.field)
        if isinstance(data, dict) and isinstance(data.get("ideas"), dict):
            plans = {}
            d = data.get("defaults")
            d = d.model_dump() if isinstance(d, DoseDefaults) else {**DoseDefaults().model_dump(), **(d or {})}
            for idea, plan in data["ideas"].items():
                if isinstance(plan, dict) and plan.get("dose") is None and not any(plan.get(n) for n in FACTORS):
                    # a hand-written plan without a dose: the defaults' (every idea the same)
                    plan = {**plan, "dose": d.get("dose"), "low": d.get("low"), "high": d.get("high")}
                try:
                    plans[idea] = plan if isinstance(plan, IdeaPlan) else IdeaPlan.model_validate(plan)
                except GmbError as exc:
                    raise ValidationError(exc.message, field=f"ideas.{idea}.{exc.field or ''}".rstrip("."),
                                          hint=exc.hint) from None  # fmt: skip
                except PydanticError as exc:
                    err = exc.errors()[0]
                    raise ValidationError(err["msg"].removeprefix("Value error, "),
                                          field=f"ideas.{idea}.{_field(err['loc'])}") from None  # fmt: skip
            data = {**data, "ideas": plans}
        return data

    def to_json(self) -> str:
        """Pretty UTF-8 JSON with a stable key order (a target's unused explicit-dose fields left out)."""
        data = self.model_dump(mode="json", by_alias=True)
        data["schema"] = SCENARIOS_SCHEMA_3 if self.saved else SCENARIOS_SCHEMA
        if not self.saved:
            data.pop("saved")
        for saved in data.get("saved", {}).values():  # a saved idea set by its dose multiplier has no factors
            for idea in saved["ideas"].values():
                if idea.get("factors") is None:
                    idea.pop("factors", None)
        for plan in data["ideas"].values():
            for name in FACTORS:
                if plan.get(name) is None:
                    plan.pop(name, None)
            for t in plan["targets"]:
                for key in ("dose", "low", "high"):
                    if t.get(key) is None:
                        t.pop(key, None)
                if not t.get("note"):
                    t.pop("note", None)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def interventions(self, ideas: Iterable[str]) -> tuple[Intervention, ...]:
        """The interventions of ``ideas`` (NotFoundError for an idea the file does not know)."""
        out: list[Intervention] = []
        for idea in ideas:
            plan = self.ideas.get(idea)
            if plan is None:
                raise NotFoundError(f"unknown idea {idea!r}", field="idea", hint=f"ideas: {', '.join(self.ideas)}")
            out.extend(plan.interventions_for(idea))
        return tuple(out)

    def with_plan(self, idea: str, plan: IdeaPlan) -> Scenarios:
        """A copy with ``idea``'s plan replaced."""
        return self.model_copy(update={"ideas": {**self.ideas, idea: plan}})

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


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "scenarios"
