"""The scenario assumptions: which variables each idea acts on, with one dose per idea.

Nobody measured how much a bike path or a craft café moves its target variables
(the Havndal sources report no effect sizes), so every dose is an assumption.
They are written down — ``sessions/<name>/scenarios.json`` — where anyone can
read and edit them (``gmb scenarios NAME``, ``gmb scenarios set NAME IDEA …``),
and every result names them.

Schema ``gmb-scenarios/2``: each idea has **one dose** — its total relative push,
given directly or as reach × intensity × persistence — split over its targets
(equal shares by default); the rule is in :mod:`gmb.scenarios.doses`.

Defaults: every idea gets the *same* dose, 0.2 (a 20 % push, sampled from
0.1–0.3) split equally over its targets on their ``auto`` channel (a stock's
indicated value, any other variable's level), ramped in over 12 time units from
time 0 and kept. The same dose for every idea on purpose: the ranking then
reflects the map's structure, not a guess about which idea is bigger. Where the
session's idea bank holds the working group's answers (reach, intensity,
persistence, lag; ``gmb serve``), those are the idea's dose: the session is
their one source, the file shows them (``source``).

**Migration from** ``gmb-scenarios/1`` (a dose per tagged target): an idea whose
targets all still carry the old defaults gets the new default idea dose split
over them; an idea whose doses were edited keeps them as written, as explicit
per-target doses (the old rule ``× (1 ± dose)``). Every idea and target is kept,
and ``migration`` in the file says what happened.

>>> import networkx as nx
>>> G = nx.DiGraph(ideas={"i1": {"targets": [{"variable": "a", "direction": "-"}, {"variable": "b"}]}})
>>> s = default_scenarios(G)
>>> [(iv.variable, iv.direction, round(iv.dose, 4), iv.idea) for iv in s.interventions(["i1"])]
[('a', '-', 0.0909, 'i1'), ('b', '+', 0.1, 'i1')]
>>> Scenarios.model_validate_json(s.to_json()) == s
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from gmb.errors import GmbError, NotFoundError, ValidationError
from gmb.scenarios.doses import FACTORS, Factor, IdeaPlan, Target
from gmb.simulate.interventions import Bundle, Intervention

if TYPE_CHECKING:
    import networkx as nx

    from gmb.session.model import Session

__all__ = [
    "SCENARIOS_FILE",
    "SCENARIOS_SCHEMA",
    "DoseDefaults",
    "IdeaPlan",
    "RankWeights",
    "Scenarios",
    "complete_scenarios",
    "default_horizon",
    "default_scenarios",
    "ideas_of",
    "load_scenarios",
    "migrate_v1",
    "parse_scenarios",
    "save_scenarios",
]

SCENARIOS_SCHEMA = "gmb-scenarios/2"
SCHEMA_V1 = "gmb-scenarios/1"
SCENARIOS_FILE = "scenarios.json"

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
    """Weights of the combined score (see :mod:`gmb.scenarios.answers`); they need not sum to 1."""

    effect: float = Field(default=0.5, ge=0)
    feasibility: float = Field(default=0.25, ge=0)
    votes: float = Field(default=0.25, ge=0)


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

    Examples
    --------
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


def ideas_of(source: Any) -> dict[str, dict[str, Any]]:
    """The idea bank as ``{id: {labels, targets, votes, feasibility, dose, …}}`` from a graph or a session."""
    if hasattr(source, "graph") and isinstance(source.graph, dict):
        return dict(source.graph.get("ideas") or {})
    if hasattr(source, "ideas"):
        return {
            i.id: {"labels": dict(i.labels), "targets": [{"variable": t.variable, "direction": t.direction}
                   for t in i.targets], "votes": list(i.votes), "feasibility": i.feasibility,
                   "working_group": i.working_group,
                   "dose": None if getattr(i, "dose", None) is None else i.dose.model_dump(mode="json")}
            for i in source.ideas
        }  # fmt: skip
    raise ValidationError("expected a CLD graph or a session", field="source")


#: where a plan's dose description comes from when the session's idea bank holds it
FROM_SESSION = "the working group's answers in the session's idea bank"


def _answers(info: Mapping[str, Any]) -> dict[str, Any] | None:
    """The idea bank's dose answers as plan fields (factors and lag), or None."""
    dose = info.get("dose")
    if not dose:
        return None
    out: dict[str, Any] = {}
    for name in FACTORS:
        f = dose.get(name)
        out[name] = None if f is None else Factor(nominal=f["nominal"], low=f.get("low"), high=f.get("high"))
    if not any(out.values()):
        out = {}
    if dose.get("lag") is not None:
        out["lag"] = float(dose["lag"])
    return out or None


def _with_answers(plan: IdeaPlan, answers: dict[str, Any] | None) -> IdeaPlan:
    if not answers:
        return plan
    data = plan.model_dump()
    data.update(answers)
    if any(answers.get(n) for n in FACTORS):
        data.update(dose=None, low=None, high=None)  # they follow from the factors
        for n in FACTORS:
            data[n] = answers.get(n)
    data["source"] = FROM_SESSION
    return IdeaPlan.model_validate(data)


def _plan(idea: str, info: Mapping[str, Any], defaults: DoseDefaults) -> IdeaPlan:
    targets = info.get("targets") or []
    note = "default dose (assumption)" if targets else "this idea names no target variable, so it changes nothing"
    return _with_answers(defaults.plan(targets, note), _answers(info))


def default_scenarios(source: nx.DiGraph | Session, defaults: DoseDefaults | None = None) -> Scenarios:
    """Scenarios for every idea of ``source`` (a CLD graph or a session) from its targets and directions.

    Parameters
    ----------
    source : networkx.DiGraph or gmb.session.Session
        The map with its idea bank.
    defaults : DoseDefaults, optional
        The dose every idea gets (default: 0.2, range 0.1–0.3, a 12-month ramp).

    Returns
    -------
    Scenarios
        One plan per idea with targets, the same dose for each.

    Examples
    --------
    >>> import gmb
    >>> sc = default_scenarios(gmb.load_example("havndal"))
    >>> "bike_paths" in sc.ideas
    True
    """
    defaults = defaults or DoseDefaults()
    ideas = ideas_of(source)
    plans = {idea: _plan(idea, info, defaults) for idea, info in ideas.items()}
    bundles = {"all": tuple(i for i, p in plans.items() if p.targets)} if plans else {}
    return Scenarios(defaults=defaults, ideas=plans, bundles=bundles)


def complete_scenarios(scenarios: Scenarios, source: Any) -> Scenarios:
    """``scenarios`` plus default plans for ideas added to the idea bank since it was written, and with the
    working group's dose answers from the idea bank (they win: the session is their one source)."""
    ideas = ideas_of(source)
    plans = dict(scenarios.ideas)
    changed = False
    for i, info in ideas.items():
        if i not in plans:
            plans[i], changed = _plan(i, info, scenarios.defaults), True
            continue
        synced = _with_answers(plans[i], _answers(info))
        if synced != plans[i]:
            plans[i], changed = synced, True
    if not changed:
        return scenarios
    return scenarios.model_copy(update={"ideas": plans})


def migrate_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A ``gmb-scenarios/1`` file's data as ``/2`` (see the module docstring); every idea and target is kept."""
    d1 = dict(data.get("defaults") or {})
    defaults = {**DoseDefaults().model_dump(), **{k: v for k, v in d1.items() if k != "start"}}
    defaults["lag"] = float(d1.get("start", 0.0) or 0.0)
    untouched = {"dose": defaults["dose"], "low": defaults["low"], "high": defaults["high"],
                 "channel": defaults["channel"], "shape": defaults["shape"], "start": defaults["lag"],
                 "ramp_up": defaults["ramp_up"], "end": defaults["end"]}  # fmt: skip
    ideas, kept, joined, n_targets = {}, [], [], 0
    for idea, plan in (data.get("ideas") or {}).items():
        ivs = [Intervention(**iv).model_dump() for iv in plan.get("interventions") or []]
        n_targets += len(ivs)
        note = str(plan.get("note") or "")
        base = {"note": note}
        if all(all(iv[k] == v for k, v in untouched.items()) and not iv["note"] for iv in ivs):
            targets = [{"variable": iv["variable"], "direction": iv["direction"], "channel": iv["channel"]}
                       for iv in ivs]  # fmt: skip
            ideas[idea] = {**base, "dose": defaults["dose"], "low": defaults["low"], "high": defaults["high"],
                           "lag": defaults["lag"], "ramp_up": defaults["ramp_up"], "shape": defaults["shape"],
                           "end": defaults["end"], "targets": targets}  # fmt: skip
            if len(ivs) > 1:
                joined.append(idea)
            if note == "default doses (assumption)":
                ideas[idea]["note"] = "default dose (assumption)"
            continue
        first = ivs[0]
        timing = {"lag": first["start"], "ramp_up": first["ramp_up"], "shape": first["shape"], "end": first["end"]}
        for iv in ivs[1:]:
            if (iv["start"], iv["ramp_up"], iv["shape"], iv["end"]) != tuple(timing.values()):
                raise ValidationError(
                    f"idea {idea!r}: its targets start or ramp at different times, which gmb-scenarios/2 (one timing "
                    "per idea) cannot hold", field=f"ideas.{idea}",
                    hint="give its interventions the same start, ramp_up, shape and end, then read it again",
                )  # fmt: skip
        targets = [
            {
                "variable": iv["variable"],
                "direction": iv["direction"],
                "channel": iv["channel"],
                "dose": iv["dose"],
                "low": iv["low"],
                "high": iv["high"],
                "note": iv["note"],
            }
            for iv in ivs
        ]
        ideas[idea] = {**base, **timing, "targets": targets,
                       "note": (note + "; " if note else "") + "doses kept as written in gmb-scenarios/1: each target "
                       "has its own dose (× (1 ± dose)); to give the idea one dose split over its targets, run gmb "
                       "scenarios set NAME IDEA --dose D"}  # fmt: skip
        kept.append(idea)
    out = {k: v for k, v in data.items() if k not in ("schema", "defaults", "ideas")}
    out.update(schema=SCENARIOS_SCHEMA, defaults=defaults, ideas=ideas)
    text = (f"read from gmb-scenarios/1 (a dose per tagged target): all {len(ideas)} ideas and {n_targets} targets "
            "kept. ")  # fmt: skip
    if joined:
        text += (f"{len(joined)} ideas with the default dose on each of several targets ({', '.join(joined)}) now "
                 "have one default dose split over their targets, so an idea's push no longer grows with its number "
                 "of tags. ")  # fmt: skip
    if kept:
        text += f"Edited doses kept as explicit per-target doses: {', '.join(kept)}."
    out["migration"] = text.strip()
    out.pop("note", None)  # the old note described the per-target rule
    return out


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "scenarios"


def parse_scenarios(data: object, *, file: str | None = None) -> Scenarios:
    """Validate raw data into :class:`Scenarios` (a ``/1`` file is migrated); errors name the file and field."""
    try:
        if isinstance(data, dict) and data.get("schema") == SCHEMA_V1:
            data = migrate_v1(data)
        elif isinstance(data, dict) and data.get("schema", SCENARIOS_SCHEMA) != SCENARIOS_SCHEMA:
            raise ValidationError(f"unknown schema {data.get('schema')!r}", field="schema",
                                  hint=f"this gmb reads {SCHEMA_V1} and {SCENARIOS_SCHEMA}")  # fmt: skip
        return Scenarios.model_validate(data)
    except PydanticError as exc:
        err = exc.errors()[0]
        raise ValidationError(err["msg"].removeprefix("Value error, "), file=file, field=_field(err["loc"])) from None
    except GmbError as exc:  # an intervention's own check
        raise exc.located(file=file) from None


def load_scenarios(path: str | Path) -> Scenarios:
    """Read a ``scenarios.json`` (strict UTF-8; errors name the file, line or field).

    Parameters
    ----------
    path : str or pathlib.Path
        The file, as :func:`save_scenarios` writes it (older schema versions are migrated).

    Returns
    -------
    Scenarios
        The scenarios.

    Raises
    ------
    gmb.errors.NotFoundError
        The file does not exist.
    gmb.errors.EncodingError, gmb.errors.FormatError, gmb.errors.ValidationError
        Not UTF-8, not JSON, or a field out of range.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scenarios.json"
    >>> save_scenarios(Scenarios(better="down"), path)
    >>> load_scenarios(path).better
    'down'
    """
    from gmb.files import read_json

    return parse_scenarios(read_json(path), file=str(path))


def save_scenarios(scenarios: Scenarios, path: str | Path) -> None:
    """Write ``scenarios`` atomically as pretty UTF-8 JSON.

    Parameters
    ----------
    scenarios : Scenarios
        What to write.
    path : str or pathlib.Path
        The file (replaced atomically).

    Returns
    -------
    None

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scenarios.json"
    >>> save_scenarios(Scenarios(), path)
    >>> json.loads(path.read_text(encoding="utf-8"))["schema"]
    'gmb-scenarios/2'
    """
    from gmb.files import atomic_write_text

    atomic_write_text(path, scenarios.to_json())
