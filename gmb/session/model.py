"""The workshop record: typed, immutable, validated.

A :class:`Session` holds everything a STICKE-style group model building process
produces: stages W0–W3, participants, W0 indicators, variables and links (with
who proposed them, when and at which stage), themes, stories, existing
initiatives and the idea bank. All models are frozen pydantic models; change
them with :mod:`gmb.session.ops`, which returns new values.

>>> s = Session(title="Demo", languages=("da", "en"))
>>> s = s.model_copy(update={"variables": (Variable(id="a", labels={"en": "A"}),)})
>>> s.variable("a").label("en")
'A'
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

# The record types live in their own modules; this one re-exports them, since everything imports
# them from here, and holds the Session aggregate that ties them together.
from gmb.session.ideas import DoseAnswer, Idea, IdeaDose, IdeaTarget, Implementation, Initiative, Observation
from gmb.session.map_items import (
    Indicator,
    Link,
    Participant,
    Presentation,
    PresentationStep,
    Stage,
    StageRole,
    StepIdea,
    StepWhatif,
    Story,
    Theme,
    Variable,
)
from gmb.session.records import STAGE_IDS, Polarity, Record, Role, StageId, Strength, VariableKind

SCHEMA_VERSION = 1

__all__ = [
    "SCHEMA_VERSION",
    "STAGE_IDS",
    "DoseAnswer",
    "Idea",
    "IdeaDose",
    "IdeaTarget",
    "Implementation",
    "Indicator",
    "Initiative",
    "Link",
    "Observation",
    "Participant",
    "Polarity",
    "Presentation",
    "PresentationStep",
    "Record",
    "Role",
    "Session",
    "Stage",
    "StageId",
    "StageRole",
    "StepIdea",
    "StepWhatif",
    "Story",
    "Strength",
    "Theme",
    "Variable",
    "VariableKind",
]


class Session(Record):
    """A whole workshop record. Cross-references are checked on construction.

    Parameters
    ----------
    title : str
        The session's title.
    place, focus, notes : str, optional
        Where, the question the group works on, remarks.
    languages : tuple of str, optional
        Language codes of the labels, first is the default (default ``("en",)``).
    dates : tuple of datetime.date, optional
        Workshop dates.
    outcome : str, optional
        The outcome variable's id (else the one variable of kind outcome).
    stages, participants, indicators, variables, links, themes, stories, initiatives, ideas : tuple, optional
        The records (:class:`Stage`, :class:`Participant`, :class:`Indicator`, :class:`Variable`,
        :class:`Link`, :class:`Theme`, :class:`Story`, :class:`Initiative`, :class:`Idea`).
    observations, implemented, presentations : tuple, optional
        Observed indicator values, implemented ideas, step-by-step presentations.
    schema_version : int, optional
        The file format version (:data:`SCHEMA_VERSION`).

    Raises
    ------
    gmb.errors.ValidationError
        A reference to an unknown variable, participant, theme …, or a duplicate id.

    Examples
    --------
    >>> s = Session(title="Demo", variables=[{"id": "a"}, {"id": "b"}],
    ...             links=[{"id": "l1", "cause": "a", "effect": "b", "polarity": "+"}])
    >>> s.link("l1").effect, s.variable("a").label()
    ('b', 'a')
    """

    schema_version: Literal[1] = SCHEMA_VERSION
    title: str = Field(min_length=1)
    place: str = ""
    focus: str = ""
    languages: tuple[str, ...] = ("en",)
    dates: tuple[dt.date, ...] = ()
    outcome: str | None = None
    notes: str = ""
    stages: tuple[Stage, ...] = ()
    participants: tuple[Participant, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    variables: tuple[Variable, ...] = ()
    links: tuple[Link, ...] = ()
    themes: tuple[Theme, ...] = ()
    stories: tuple[Story, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    ideas: tuple[Idea, ...] = ()
    observations: tuple[Observation, ...] = ()
    implemented: tuple[Implementation, ...] = ()
    presentations: tuple[Presentation, ...] = ()

    @model_validator(mode="after")
    def _check_references(self) -> Session:
        from gmb.session.validate import check_references

        check_references(self)
        return self

    # -- look-ups ---------------------------------------------------------
    def variable(self, var_id: str) -> Variable:
        return _find(self.variables, var_id, "variable")

    def link(self, link_id: str) -> Link:
        return _find(self.links, link_id, "link")

    def idea(self, idea_id: str) -> Idea:
        return _find(self.ideas, idea_id, "idea")

    def participant(self, pid: str) -> Participant:
        return _find(self.participants, pid, "participant")

    @property
    def outcome_variable(self) -> str | None:
        """The outcome: ``outcome`` if set, else the single variable of kind outcome."""
        if self.outcome:
            return self.outcome
        marked = [v.id for v in self.variables if v.kind is VariableKind.outcome]
        return marked[0] if len(marked) == 1 else None


def _find(items, item_id: str, what: str):
    for item in items:
        if item.id == item_id:
            return item
    from gmb.errors import NotFoundError

    known = ", ".join(i.id for i in items[:12])
    raise NotFoundError(
        f"unknown {what} '{item_id}'",
        hint=f"known {what}s: {known}{'…' if len(items) > 12 else ''}" if items else f"no {what}s yet",
    )
