"""The records of the workshop and its map: stages, participants, W0 indicators, variables, links,
themes, stories and presentations.

Separate from :mod:`gmb.session.ideas` (what the group proposes to do, and what was done and
observed) and from the :class:`~gmb.session.model.Session` that holds them all. Import the public
names from :mod:`gmb.session.model`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator

from gmb.session.records import (
    Id,
    Labels,
    Polarity,
    Record,
    Role,
    StageId,
    Strength,
    VariableKind,
    _Labelled,
    _Provenance,
)

__all__ = [
    "Indicator",
    "Link",
    "Participant",
    "Presentation",
    "PresentationStep",
    "Stage",
    "StageRole",
    "StepIdea",
    "StepWhatif",
    "Story",
    "Theme",
    "Variable",
]


class StageRole(Record):
    """A role at a workshop stage and the duty it has there.

    Parameters
    ----------
    role : Role
        The facilitation role.
    duty : str, optional
        What the person in that role does at this stage.

    Examples
    --------
    >>> StageRole(role="recorder", duty="writes the links down").role
    <Role.recorder: 'recorder'>
    """

    role: Role
    duty: str = ""


class Stage(Record):
    """One workshop (W0–W3) with its purpose, inputs, outputs and roles.

    Parameters
    ----------
    id : {"W0", "W1", "W2", "W3"}
        The workshop.
    title : str
        Its title.
    purpose : str, optional
        What the workshop is for.
    inputs, activities, outputs : tuple of str, optional
        What goes in, what the group does, what comes out.
    roles : tuple of StageRole, optional
        Who does what.
    date : datetime.date, optional
        When it takes place.
    participants : tuple of str, optional
        Participant ids present.
    locked : bool, optional
        Whether the stage's record is closed for changes (default False).

    Examples
    --------
    >>> Stage(id="W1", title="Kortet").id
    'W1'
    """

    id: StageId
    title: str
    purpose: str = ""
    inputs: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    roles: tuple[StageRole, ...] = ()
    date: dt.date | None = None
    participants: tuple[str, ...] = ()
    locked: bool = False


class Participant(Record):
    """A participant, by display name or pseudonym; no real names needed.

    Parameters
    ----------
    id : str
        Identifier (no spaces or slashes).
    name : str
        Display name or pseudonym.
    role : Role, optional
        Facilitation role (default ``Role.participant``).
    title, organisation : str, optional
        Job title and organisation.

    Examples
    --------
    >>> Participant(id="p1", name="Sundhedsplejerske").role.value
    'participant'
    """

    id: Id
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.participant
    title: str = ""
    organisation: str = ""


class Indicator(Record):
    """A W0 data point shown to the group, e.g. overweight at school start.

    Parameters
    ----------
    id : str
        Identifier.
    name : str
        What is measured.
    value : float or str, optional
        The value shown.
    comparison, unit, source, notes : str, optional
        A value to compare with, the unit, where the figure comes from, remarks.

    Examples
    --------
    >>> Indicator(id="ow", name="Overweight at school start", value=12.5, unit="%").value
    12.5
    """

    id: Id
    name: str = Field(min_length=1)
    value: float | str | None = None
    comparison: str = ""
    unit: str = ""
    source: str = ""
    notes: str = ""


class Variable(_Labelled, _Provenance):
    """A CLD variable with labels per language and a kind hint.

    Parameters
    ----------
    id : str
        Identifier (no spaces or slashes).
    labels : dict of str to str, optional
        Label per language code, e.g. ``{"da": "Motion", "en": "Exercise"}``.
    description : str, optional
        What the variable means.
    kind : VariableKind, optional
        Stock, auxiliary, exogenous, outcome or unknown (default): a hint for the conversion.
    themes : tuple of str, optional
        Theme ids it belongs to.
    notes : str, optional
        Remarks.
    position : tuple of float, optional
        ``(x, y)`` on the map.
    proposed_by, proposed_at, stage, accepted_by, source, provenance : optional
        Provenance: who proposed it (participant id), when (datetime), at which workshop (``"W0"``–``"W3"``),
        who accepted it onto the map, where it came from.

    Examples
    --------
    >>> v = Variable(id="motion", labels={"da": "Motion", "en": "Exercise"})
    >>> v.label("en"), v.label("de"), v.kind.value
    ('Exercise', 'Motion', 'unknown')
    """

    id: Id
    description: str = ""
    kind: VariableKind = VariableKind.unknown
    themes: tuple[str, ...] = ()
    notes: str = ""
    position: tuple[float, float] | None = None


class Link(_Provenance):
    """A signed, optionally delayed causal link ``cause -> effect``.

    Parameters
    ----------
    id : str
        Identifier.
    cause, effect : str
        Variable ids.
    polarity : Polarity or str, optional
        ``+``, ``-`` or ``?`` (default); ``+1``, ``-1``, ``−`` are accepted too.
    delay : bool, optional
        Whether the effect comes with a delay.
    strength : Strength, optional
        How strong the group judges it.
    supporters, disputers : tuple of str, optional
        Participant ids agreeing and disagreeing.
    evidence, notes : str, optional
        What supports the link; remarks.
    proposed_by, proposed_at, stage, accepted_by, source, provenance : optional
        Provenance: who proposed it (participant id), when (datetime), at which workshop (``"W0"``–``"W3"``),
        who accepted it onto the map, where it came from.

    Examples
    --------
    >>> Link(id="l1", cause="motion", effect="weight", polarity="-1").polarity.sign
    -1
    """

    id: Id
    cause: Id
    effect: Id
    polarity: Polarity = Polarity.unknown
    delay: bool = False
    strength: Strength = Strength.unknown
    supporters: tuple[str, ...] = ()
    disputers: tuple[str, ...] = ()
    evidence: str = ""
    notes: str = ""

    @field_validator("polarity", mode="before")
    @classmethod
    def _polarity_aliases(cls, value: object) -> object:
        # Users write signs in many ways; accept the unambiguous ones.
        aliases = {"": "?", "+1": "+", "1": "+", "-1": "-", "−": "-", "unknown": "?", None: "?"}
        if isinstance(value, str) or value is None:
            key = value.strip() if isinstance(value, str) else value
            return aliases.get(key, key)
        return value

    @model_validator(mode="after")
    def _no_self_loop(self) -> Link:
        if self.cause == self.effect:
            raise ValueError(f"link {self.id} goes from {self.cause} to itself")
        return self


class Theme(_Labelled):
    """A named part of the map the group wants to talk about.

    Parameters
    ----------
    id : str
        Identifier.
    labels : dict of str to str, optional
        Label per language.
    description : str, optional
        What the theme covers.

    Examples
    --------
    >>> Theme(id="food", labels={"en": "Food"}).label()
    'Food'
    """

    id: Id
    description: str = ""


class Story(Record):
    """A narrative told along variables and links of the map.

    Parameters
    ----------
    id : str
        Identifier.
    title : str
        Its title.
    text : str, optional
        The narrative.
    theme : str, optional
        Theme id.
    variables, links : tuple of str, optional
        The variables and links it runs along.
    author : str, optional
        Participant id.
    stage : {"W0", "W1", "W2", "W3"}, optional
        The workshop it was told at.

    Examples
    --------
    >>> Story(id="s1", title="Screen time", links=("l1",)).links
    ('l1',)
    """

    id: Id
    title: str = Field(min_length=1)
    text: str = ""
    theme: str | None = None
    variables: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    author: str | None = None
    stage: StageId | None = None


class StepIdea(Record):
    """One idea in a step's what-if: on/off, dose multiplier (1 = as planned, at most 3), start lag (time units).

    The same fields and limits as :class:`gmb.scenarios.whatif.IdeaSetting` (this layer cannot import it).
    """

    on: bool = True
    dose: float = Field(default=1.0, ge=0.0, le=3.0)
    start: float = Field(default=0.0, ge=0.0, le=10000.0)


class StepWhatif(Record):
    """A step's what-if setting: :class:`gmb.scenarios.whatif.Setting` without runs, seed and preview.

    Played live, the server's what-if (1,000 draws, seed 0) computes its fan chart and effects; the
    offline export computes them when it is written and embeds them as data.

    >>> StepWhatif(ideas={"cafe": {"dose": 0.5}}).ideas["cafe"].dose
    0.5
    """

    ideas: dict[str, StepIdea] = Field(default_factory=dict, max_length=200)
    bundle: bool = True
    horizon: float | None = Field(default=None, gt=0)


class PresentationStep(Record):
    """One step of a :class:`Presentation`: which variables and links it shows and its caption per language.

    ``loop`` (variable ids in causal order) or ``path`` (variable ids from cause to outcome) is what the step
    highlights; ``variables`` and ``links`` are everything it shows (the rest of the map is faded).
    ``captions`` are plain text per language ({"da": ..., "en": ...}); pages show them as text, never markup.
    ``whatif`` (optional; absent in older files) is a what-if setting whose fan chart the step shows.
    """

    title: Labels = Field(default_factory=dict)
    captions: Labels = Field(default_factory=dict)
    variables: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    loop: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    whatif: StepWhatif | None = None


class Presentation(Record):
    """A map told step by step on the projector (issue 15's "story"; not a W2 :class:`Story`, which is a
    narrative the group wrote). Kept in the event log like every record: kind ``presentation``."""

    id: Id
    title: Labels = Field(default_factory=dict)
    steps: tuple[PresentationStep, ...] = ()
    author: str | None = None
    source: str = ""  # how it was made, e.g. "auto" (gmb story --auto)
