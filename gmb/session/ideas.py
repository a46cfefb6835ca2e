"""The records of what the group proposes and what happened: existing initiatives, the idea bank
with its targets and dose answers, implementations and observed indicator values.

Separate from :mod:`gmb.session.map_items` (the map itself) and from the
:class:`~gmb.session.model.Session` that holds them all. Import the public names from
:mod:`gmb.session.model`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from gmb.session.records import Id, Record, _Labelled, _Provenance

__all__ = [
    "DoseAnswer",
    "Idea",
    "IdeaDose",
    "IdeaTarget",
    "Implementation",
    "Initiative",
    "Observation",
]


class Initiative(_Labelled, _Provenance):
    """An existing initiative (W3 step 1) and the variables it acts on.

    Parameters
    ----------
    id : str
        Identifier.
    labels : dict of str to str, optional
        Label per language.
    description, owner, notes : str, optional
        What it does, who runs it, remarks.
    variables : tuple of str, optional
        Variable ids it acts on.
    proposed_by, proposed_at, stage, accepted_by, source, provenance : optional
        Provenance: who proposed it (participant id), when (datetime), at which workshop (``"W0"``–``"W3"``),
        who accepted it onto the map, where it came from.

    Examples
    --------
    >>> Initiative(id="i1", labels={"en": "School walk"}, variables=("motion",)).label()
    'School walk'
    """

    id: Id
    description: str = ""
    variables: tuple[str, ...] = ()
    owner: str = ""
    notes: str = ""


class IdeaTarget(Record):
    """A variable an idea acts on, and in which direction.

    Parameters
    ----------
    variable : str
        Variable id.
    direction : {"+", "-"}, optional
        Whether the idea raises (default) or lowers it.

    Examples
    --------
    >>> IdeaTarget(variable="motion").direction
    '+'
    """

    variable: Id
    direction: Literal["+", "-"] = "+"


class DoseAnswer(Record):
    """A working group's answer with its range: ``nominal`` and optional ``low``/``high``."""

    nominal: float = Field(ge=0, allow_inf_nan=False)
    low: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    high: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> DoseAnswer:
        lo = self.nominal if self.low is None else self.low
        hi = self.nominal if self.high is None else self.high
        if not lo <= self.nominal <= hi:
            raise ValueError(f"need low <= nominal <= high, got {lo:g}, {self.nominal:g}, {hi:g}")
        return self


class IdeaDose(Record):
    """How hard an idea pushes, as the working group answers it (see :mod:`gmb.scenarios.doses`):
    reach (share of the children), intensity (relative change for them), persistence (share kept), and
    the implementation lag in the model's time unit."""

    reach: DoseAnswer | None = None
    intensity: DoseAnswer | None = None
    persistence: DoseAnswer | None = None
    lag: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    note: str = ""


class Observation(Record):
    """An observed indicator value (issue 18; :mod:`gmb.calibration.records` documents the fields).

    ``kind``: ``index`` (in the model's units, 1 = the start) or ``share`` (0–1, compared as an index
    relative to the series' first value, ``transform`` ``relative_to_first``). Uncertainty: ``se``, a
    90 % interval ``low``–``high``, or ``n`` (sample size, for a share).
    """

    id: Id
    variable: Id
    time: float = Field(allow_inf_nan=False)
    value: float = Field(allow_inf_nan=False)
    kind: Literal["index", "share"] = "index"
    transform: Literal["level", "relative_to_first"] = "level"
    series: str = ""
    se: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    n: int | None = Field(default=None, ge=1)
    indicator: str | None = None
    source: str = ""
    provenance: str = ""
    notes: str = ""


class Implementation(Record):
    """What was actually done for an idea (start, end, reach, intensity, persistence), apart from the plan."""

    id: Id
    idea: Id
    start: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    end: float | None = Field(default=None, allow_inf_nan=False)
    ramp_up: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    reach: DoseAnswer | None = None
    intensity: DoseAnswer | None = None
    persistence: DoseAnswer | None = None
    source: str = ""
    provenance: str = ""
    notes: str = ""


class Idea(_Labelled, _Provenance):
    """An entry of the idea bank ("bankbog").

    Parameters
    ----------
    id : str
        Identifier.
    labels : dict of str to str, optional
        Label per language.
    description : str, optional
        What the idea is.
    targets : tuple of IdeaTarget, optional
        The variables it acts on.
    votes : tuple of str, optional
        Participant ids who voted for it.
    feasibility : float, optional
        0–5, as the group rates it.
    working_group : str, optional
        Who works it out.
    notes : str, optional
        Remarks.
    dose : IdeaDose, optional
        The working group's answers on reach, intensity, persistence and lag (None: not answered yet).
    proposed_by, proposed_at, stage, accepted_by, source, provenance : optional
        Provenance: who proposed it (participant id), when (datetime), at which workshop (``"W0"``–``"W3"``),
        who accepted it onto the map, where it came from.

    Examples
    --------
    >>> idea = Idea(id="walk", labels={"en": "Walk to school"}, targets=[{"variable": "motion"}])
    >>> idea.targets[0].direction, idea.label()
    ('+', 'Walk to school')
    """

    id: Id
    description: str = ""
    targets: tuple[IdeaTarget, ...] = ()
    votes: tuple[str, ...] = ()
    feasibility: float | None = Field(default=None, ge=0, le=5)
    working_group: str | None = None
    notes: str = ""
    dose: IdeaDose | None = None  # the working group's dose answers (None: not answered yet)
