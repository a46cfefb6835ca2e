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
    """Facilitation roles in group model building (Hovmand's scripts)."""

    facilitator = "facilitator"
    modeller = "modeller"
    recorder = "recorder"
    participant = "participant"
    resource_person = "resource_person"


class VariableKind(str, Enum):
    """What the group thinks a variable is; the conversion uses it as a hint."""

    stock = "stock"
    auxiliary = "auxiliary"
    exogenous = "exogenous"
    outcome = "outcome"
    unknown = "unknown"


class Polarity(str, Enum):
    """Sign of a causal link: ``+`` same direction, ``-`` opposite, ``?`` not known."""

    positive = "+"
    negative = "-"
    unknown = "?"

    @property
    def sign(self) -> int:
        """+1, -1 or 0 (unknown)."""
        return {"+": 1, "-": -1, "?": 0}[self.value]


class Strength(str, Enum):
    """How strong participants judge a link to be."""

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
    role: Role
    duty: str = ""


class Stage(Record):
    """One workshop (W0–W3) with its purpose, inputs, outputs and roles."""

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
    """A participant, by display name or pseudonym; no real names needed."""

    id: Id
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.participant
    title: str = ""
    organisation: str = ""


class Indicator(Record):
    """A W0 data point shown to the group, e.g. overweight at school start."""

    id: Id
    name: str = Field(min_length=1)
    value: float | str | None = None
    comparison: str = ""
    unit: str = ""
    source: str = ""
    notes: str = ""


class Variable(_Labelled, _Provenance):
    """A CLD variable with labels per language and a kind hint."""

    id: Id
    description: str = ""
    kind: VariableKind = VariableKind.unknown
    themes: tuple[str, ...] = ()
    notes: str = ""
    position: tuple[float, float] | None = None


class Link(_Provenance):
    """A signed, optionally delayed causal link ``cause -> effect``."""

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

    Membership is kept on the variables (``Variable.themes``), so there is one source of truth.
    """

    id: Id
    description: str = ""


class Story(Record):
    """A narrative told along variables and links of the map."""

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
    """An existing initiative (W3 step 1) and the variables it acts on."""

    id: Id
    description: str = ""
    variables: tuple[str, ...] = ()
    owner: str = ""
    notes: str = ""


class IdeaTarget(Record):
    """A variable an idea acts on, and in which direction."""

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
    """An entry of the idea bank ("bankbog")."""

    id: Id
    description: str = ""
    targets: tuple[IdeaTarget, ...] = ()
    votes: tuple[str, ...] = ()
    feasibility: float | None = Field(default=None, ge=0, le=5)
    working_group: str | None = None
    notes: str = ""
    dose: IdeaDose | None = None  # the working group's dose answers (None: not answered yet)


class Session(Record):
    """A whole workshop record. Cross-references are checked on construction."""

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
