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

Schema ``gmb-scenarios/3`` is ``/2`` plus ``saved``: what-if settings saved by name from the what-if
panel (each switched-on idea's dose multiplier and start lag, who saved it, when, and its event in the
session's log). A file is written as ``/3`` only when it holds a saved what-if, so every other file stays
``/2`` and a ``/2`` file reads unchanged (no saved what-ifs); an older gmb refuses a ``/3`` file by its
schema instead of dropping what it cannot read.

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

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticError

from gmb.errors import GmbError, ValidationError
from gmb.scenarios.doses import FACTORS, Factor, IdeaPlan
from gmb.scenarios.scenarios_v1 import SCHEMA_V1, migrate_v1
from gmb.scenarios.scenarios_value import (  # the value lives there; this stays its public path
    SCENARIOS_SCHEMA,
    SCENARIOS_SCHEMA_3,
    DoseDefaults,
    RankWeights,
    Scenarios,
    _field,
    default_horizon,
)

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

SCENARIOS_FILE = "scenarios.json"


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


def parse_scenarios(data: object, *, file: str | None = None) -> Scenarios:
    """Validate raw data into :class:`Scenarios` (a ``/1`` file is migrated); errors name the file and field."""
    try:
        if isinstance(data, dict) and data.get("schema") == SCHEMA_V1:
            data = migrate_v1(data)
        elif isinstance(data, dict) and data.get("schema", SCENARIOS_SCHEMA) not in (
            SCENARIOS_SCHEMA,
            SCENARIOS_SCHEMA_3,
        ):
            raise ValidationError(f"unknown schema {data.get('schema')!r}", field="schema",
                                  hint=f"this gmb reads {SCHEMA_V1}, {SCENARIOS_SCHEMA} and "
                                       f"{SCENARIOS_SCHEMA_3}")  # fmt: skip
        elif isinstance(data, dict) and data.get("schema") == SCENARIOS_SCHEMA and "saved" in data:
            raise ValidationError(f"saved what-ifs need schema {SCENARIOS_SCHEMA_3}", field="schema")
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
