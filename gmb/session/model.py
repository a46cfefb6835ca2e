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
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
    "Story",
    "Strength",
    "Theme",
    "Variable",
    "VariableKind",
]

STAGE_IDS = ("W0", "W1", "W2", "W3")
StageId = Literal["W0", "W1", "W2", "W3"]
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s/\\]+$")]


class Role(str, Enum):
    """Facilitation roles in group model building (Hovmand's scripts).

    Examples
    --------
    >>> Role("recorder") is Role.recorder
    True
    >>> [r.value for r in Role][:2]
    ['facilitator', 'modeller']
    """

    facilitator = "facilitator"
    modeller = "modeller"
    recorder = "recorder"
    participant = "participant"
    resource_person = "resource_person"


class VariableKind(str, Enum):
    """What the group thinks a variable is; the conversion uses it as a hint.

    Examples
    --------
    >>> VariableKind("outcome").value
    'outcome'
    """

    stock = "stock"
    auxiliary = "auxiliary"
    exogenous = "exogenous"
    outcome = "outcome"
    unknown = "unknown"


class Polarity(str, Enum):
    """Sign of a causal link: ``+`` same direction, ``-`` opposite, ``?`` not known.

    Examples
    --------
    >>> Polarity("-").sign, Polarity.positive.sign, Polarity.unknown.sign
    (-1, 1, 0)
    """

    positive = "+"
    negative = "-"
    unknown = "?"

    @property
    def sign(self) -> int:
        """+1, -1 or 0 (unknown)."""
        return {"+": 1, "-": -1, "?": 0}[self.value]


class Strength(str, Enum):
    """How strong participants judge a link to be.

    Examples
    --------
    >>> Strength("strong") is Strength.strong
    True
    """

    weak = "weak"
    medium = "medium"
    strong = "strong"
    unknown = "unknown"


def _plain(data: dict) -> bool:
    """Whether every text directly in ``data`` is printable ASCII (then :mod:`gmb.session.text` has nothing to do)."""
    parts: list[str] = []
    for value in data.values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            parts += [x for kv in value.items() for x in kv if isinstance(x, str)]
        elif isinstance(value, (list, tuple)):
            parts += [x for x in value if isinstance(x, str)]
    text = "".join(parts)
    return text.isascii() and text.isprintable()


class Record(BaseModel):
    """Base of every record: immutable, no unknown fields, strings stripped, text clean.

    Text is normalised to NFC and refused if it holds a control or invisible character
    (:mod:`gmb.session.text`): every way into a session builds records, so this is the one check.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    _clean_text: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _text(cls, data: Any) -> Any:
        if not cls._clean_text or not isinstance(data, dict):
            return data
        if _plain(data):
            return data  # plain printable ASCII everywhere: nothing to normalise or refuse (the common case)
        from gmb.session.text import clean_text

        where = cls.__name__.lower() + (f"[{data['id']}]" if isinstance(data.get("id"), str) else "")
        out = {}
        for key, value in data.items():
            field = f"{where}.{key}"
            if isinstance(value, str):
                value = clean_text(value, field)
            elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
                value = {clean_text(k, field) if isinstance(k, str) else k: clean_text(v, f"{field}.{k}")
                         for k, v in value.items()}  # fmt: skip
            elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                value = [clean_text(v, f"{field}[{i}]") for i, v in enumerate(value)]
            out[key] = value
        return out


Labels = dict[str, Annotated[str, Field(min_length=1, max_length=2000)]]


class _Labelled(Record):
    """Something with labels in several languages."""

    labels: Labels = Field(default_factory=dict)

    def label(self, lang: str | None = None) -> str:
        """Label in ``lang``, else the first one given, else the id."""
        if lang and lang in self.labels:
            return self.labels[lang]
        if self.labels:
            return next(iter(self.labels.values()))
        return getattr(self, "id", "")


class _Provenance(Record):
    """Who proposed an element, when, and at which workshop stage; who accepted it onto the map."""

    proposed_by: str | None = None
    proposed_at: dt.datetime | None = None
    stage: StageId | None = None
    accepted_by: str | None = None


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


class PresentationStep(Record):
    """One step of a :class:`Presentation`: which variables and links it shows and its caption per language.

    ``loop`` (variable ids in causal order) or ``path`` (variable ids from cause to outcome) is what the step
    highlights; ``variables`` and ``links`` are everything it shows (the rest of the map is faded).
    ``captions`` are plain text per language ({"da": ..., "en": ...}); pages show them as text, never markup.
    """

    title: Labels = Field(default_factory=dict)
    captions: Labels = Field(default_factory=dict)
    variables: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    loop: tuple[str, ...] = ()
    path: tuple[str, ...] = ()


class Presentation(Record):
    """A map told step by step on the projector (issue 15's "story"; not a W2 :class:`Story`, which is a
    narrative the group wrote). Kept in the event log like every record: kind ``presentation``."""

    id: Id
    title: Labels = Field(default_factory=dict)
    steps: tuple[PresentationStep, ...] = ()
    author: str | None = None
    source: str = ""  # how it was made, e.g. "auto" (gmb story --auto)


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
    """An observed indicator value (issue 18; :mod:`gmb.calibrate.records` documents the fields).

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
