"""The building blocks of every session record: the base :class:`Record`, enums and shared fields.

Kept apart from the record types (:mod:`gmb.session.map_items`, :mod:`gmb.session.ideas`) and the
:class:`~gmb.session.model.Session` aggregate because all of them build on these, and nothing here
depends on them. Import the public names from :mod:`gmb.session.model`.

Examples
--------
>>> Polarity("-").sign, Role("recorder").value
(-1, 'recorder')
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "STAGE_IDS",
    "Id",
    "Labels",
    "Polarity",
    "Record",
    "Role",
    "StageId",
    "Strength",
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
