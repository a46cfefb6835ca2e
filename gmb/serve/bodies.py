"""The request bodies of the served workshop's actions: what each route accepts, checked by pydantic.

Kept apart from :mod:`gmb.serve.actions` (the rules that turn a request into events) because these
are the wire format alone: lengths, patterns and allowed values. Unknown fields are refused, not
ignored.

>>> ItemRef(kind="variable", id="søvn").id
'søvn'
>>> from pydantic import ValidationError
>>> try:
...     ItemRef(kind="variable", id="a", extra=1)
... except ValidationError as exc:
...     print(exc.errors()[0]["type"])
extra_forbidden
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gmb.session.model import Polarity, Strength, VariableKind

__all__ = [
    "AnswerIn",
    "Body",
    "DoseIn",
    "Edit",
    "ItemId",
    "ItemRef",
    "Join",
    "LockStage",
    "Merge",
    "MoveStage",
    "NewIdea",
    "NewLink",
    "NewSession",
    "NewVariable",
    "Opinion",
    "TargetIn",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
ItemId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s/\\]+$")]
Kind = Literal["variable", "link", "idea"]


class Body(BaseModel):
    """Request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NewVariable(Body):
    label: Text
    lang: Lang | None = None
    description: LongText = ""
    kind: VariableKind = VariableKind.unknown


class NewLink(Body):
    cause: ItemId
    effect: ItemId
    polarity: Polarity = Polarity.unknown
    delay: bool = False
    strength: Strength = Strength.unknown
    notes: LongText = ""


class TargetIn(Body):
    variable: ItemId
    direction: Literal["+", "-"] = "+"


class NewIdea(Body):
    label: Text
    lang: Lang | None = None
    description: LongText = ""
    targets: list[TargetIn] = Field(default_factory=list, max_length=20)


class AnswerIn(Body):
    """One dose answer: nominal with an optional low–high range (all >= 0)."""

    nominal: float = Field(ge=0, le=1e6, allow_inf_nan=False)
    low: float | None = Field(default=None, ge=0, le=1e6, allow_inf_nan=False)
    high: float | None = Field(default=None, ge=0, le=1e6, allow_inf_nan=False)


class DoseIn(Body):
    """The working group's dose answers for an idea (see :mod:`gmb.scenarios.doses`); all fields empty clears them."""

    reach: AnswerIn | None = None
    intensity: AnswerIn | None = None
    persistence: AnswerIn | None = None
    lag: float | None = Field(default=None, ge=0, le=1e4, allow_inf_nan=False)
    note: LongText = ""


class Opinion(Body):
    """Support or dispute a link."""

    stance: Literal["support", "dispute"]


class Edit(Body):
    """Change some fields of an item. Labels are merged per language, so editing Danish keeps English."""

    kind: Kind
    id: ItemId
    labels: dict[Lang, Text] | None = Field(default=None, max_length=10)
    description: LongText | None = None
    notes: LongText | None = None
    variable_kind: VariableKind | None = None
    polarity: Polarity | None = None
    delay: bool | None = None
    strength: Strength | None = None
    evidence: LongText | None = None
    feasibility: float | None = Field(default=None, ge=0, le=5)


class ItemRef(Body):
    kind: Kind
    id: ItemId


class Merge(Body):
    keep: ItemId
    duplicate: ItemId


class MoveStage(Body):
    stage: Literal["W0", "W1", "W2", "W3"]


class LockStage(Body):
    stage: Literal["W0", "W1", "W2", "W3"]
    locked: bool


class Join(Body):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class NewSession(Body):
    title: Text
    languages: list[Lang] = Field(default_factory=lambda: ["da", "en"], min_length=1, max_length=5)
    focus: LongText = ""
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    facilitator_name: Text = "Facilitator"
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")] | None = None
