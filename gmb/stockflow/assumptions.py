"""Every assumption the CLD → stock-flow conversion makes, in one editable object.

A CLD does not define a model; these are the few, standard choices that turn it
into one. They are saved as ``models/<name>/assumptions.json`` next to the model
files, and can be edited and given back with ``gmb convert NAME --assumptions FILE``.

* ``stocks``: which variables accumulate. ``None`` means: the variables marked
  ``stock`` in the CLD, plus — where a feedback loop still has no stock — a small
  set chosen automatically (a feedback vertex set), which the conversion reports.
  A list given here is used exactly as given.
* ``adjustment_time``: how long a stock takes to close most of the gap to its
  indicated value (``tau``), nominal and range; ``adjustment_times`` per variable.
* ``strengths``: each link strength class (weak/medium/strong/unknown) → a range
  of elasticities with a nominal value; ``elasticities`` per link overrides it.
* ``delay``: delayed links become a first- or third-order smooth of the cause
  over ``delay.time``; ``delay_times`` per link.
* ``effect_shape``: ``saturating`` (the default: in log space every variable is
  ``y* = B·tanh((Σ s·e·y_j + u)/B)``, so its slope at baseline is the group's
  elasticities, a fall mirrors a rise, and the index stays within
  ``[e^-B, e^B]`` with ``B = saturation``); ``power`` (``x^(s·e)``, unbounded) or
  ``bounded`` (``x^(s·e)`` through the lookup ``L(z) = 2z²/(1+z²)`` per link:
  slope kept at 1, values in (0, 2), but *not* symmetric in log space).
* ``saturation``: ``B`` of the saturating shape, in log units; the default
  ``ln 3`` keeps every index between 1/3 and 3 times its baseline.
* ``unknown_polarity``: links with polarity ``?`` (and no sign in ``polarities``)
  are sampled (``sample``) — in the model with nominal elasticity 0 (neutral in the model
  files and nominal runs), and in ensembles sampled ``+`` or ``-`` with probability
  1/2 each — or, with ``exclude``, left out (listed as such). Never guessed.
* ``presence`` (the rule), ``link_presence`` and ``link_sign`` (per link): each
  link's probability of being present and of having the sign drawn, from its
  record (supporters, disputers, evidence code); see :mod:`gmb.stockflow.structure`.
* ``stability``: ``report`` (the default) keeps the group's elasticities and
  names the reinforcing loops that would run away at them (under the saturating
  shape they push their variables to the ceiling); ``scale`` multiplies every
  elasticity (nominal and range) by one factor so the radius is
  ``stability_target``, and reports that factor.
* ``time``: unit, horizon and Euler step.

>>> a = Assumptions()
>>> a.strengths["strong"].nominal, a.delay.order, a.time.unit, a.effect_shape, a.stability
(0.8, 3, 'month', 'saturating', 'report')
>>> round(a.saturation, 6)  # ln 3
1.098612
>>> Assumptions.model_validate_json(a.model_dump_json()) == a
True
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from gmb.errors import ValidationError

__all__ = [
    "ASSUMPTIONS_SCHEMA",
    "DEFAULT_SATURATION",
    "DEFAULT_STRENGTHS",
    "Assumptions",
    "DelayAssumption",
    "PresenceRule",
    "Range",
    "TimeAssumption",
    "load_assumptions",
    "save_assumptions",
]

ASSUMPTIONS_SCHEMA = "gmb-assumptions/1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Range(_Frozen):
    """A positive parameter: ``nominal`` value and the ``[low, high]`` range it is sampled from."""

    low: float = Field(gt=0)
    high: float = Field(gt=0)
    nominal: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.nominal <= self.high:
            raise ValueError(f"need low <= nominal <= high, got {self.low}, {self.nominal}, {self.high}")
        return self


DEFAULT_STRENGTHS = {
    "weak": Range(low=0.1, high=0.3, nominal=0.2),
    "medium": Range(low=0.3, high=0.6, nominal=0.45),
    "strong": Range(low=0.6, high=1.0, nominal=0.8),
    # participants did not say: the whole plausible range, centred on the typical (medium) link
    "unknown": Range(low=0.1, high=1.0, nominal=0.45),
}


#: the saturating shape's ceiling in log units: ln 3, so an index stays within [1/3, 3]
DEFAULT_SATURATION = math.log(3)


class DelayAssumption(_Frozen):
    """How a delayed link is formed: a smooth of the cause of this ``order`` over ``time``."""

    order: Literal[1, 3] = 3
    time: Range = Range(low=6, high=24, nominal=12)


class PresenceRule(_Frozen):
    """The default rule for a link's probability of being present (see :mod:`gmb.stockflow.structure`).

    ``P(present) = α / (α + β)`` with ``α = alpha + per_supporter · support + evidence[code]`` and
    ``β = beta + per_disputer · disputers + doubt[code]``; ``code`` is the first word of the link's
    evidence (``S``, ``I``, ``Inf``, ``candidate``…, case ignored) and ``support`` counts the distinct
    participants who proposed or support the link.
    """

    alpha: float = Field(default=1.0, gt=0)
    beta: float = Field(default=0.0, ge=0)
    per_supporter: float = Field(default=1.0, ge=0)
    per_disputer: float = Field(default=1.0, ge=0)
    evidence: dict[str, float] = Field(default_factory=lambda: {"S": 2.0, "I": 1.0})
    doubt: dict[str, float] = Field(default_factory=lambda: {"candidate": 1.0, "Inf": 1.0})

    @model_validator(mode="after")
    def _non_negative(self) -> PresenceRule:
        for group in ("evidence", "doubt"):
            for code, value in getattr(self, group).items():
                if not value >= 0:
                    raise ValueError(f"presence.{group}.{code} must be >= 0, got {value}")
        return self


class TimeAssumption(_Frozen):
    """Time unit, horizon (stop - start) and Euler step, all in ``unit``."""

    unit: str = Field(default="month", min_length=1, max_length=40)
    start: float = 0.0
    horizon: float = Field(default=60.0, gt=0)
    step: float = Field(default=0.25, gt=0)

    @model_validator(mode="after")
    def _whole_steps(self) -> TimeAssumption:
        steps = self.horizon / self.step
        if abs(steps - round(steps)) > 1e-9:
            raise ValueError(f"horizon {self.horizon} is not a whole number of steps of {self.step}")
        return self


class Assumptions(_Frozen):
    """The conversion's assumptions (see the module docstring); immutable, JSON round-trips.

    Every field has a default, so ``Assumptions()`` is the documented default set; the file
    ``assumptions.json`` of a model folder is this object as JSON.

    Parameters
    ----------
    outcome : str, optional
        The outcome variable (default: the map's).
    stocks : tuple of str, optional
        Variables that are stocks (default: chosen by the conversion).
    adjustment_time, adjustment_times : Range, dict, optional
        The stocks' adjustment time range, and per-stock overrides.
    strengths : dict of str to Range, optional
        Effect elasticity range per link strength class.
    elasticities : dict of str to float, optional
        Per-link overrides.
    delay, delay_times : optional
        Order and time range of delayed links, per-link overrides.
    effect_shape : {"saturating", "power", "bounded"}, optional
        How an effect responds to its cause.
    saturation : float, optional
        The saturating shape's parameter.
    unknown_polarity : {"sample", "exclude"}, optional
        What a ``?`` link does in ensembles.
    polarities, presence, link_presence, link_sign : optional
        Per-link sign choices, the rule giving each link's probability of being present, overrides.
    stability : {"report", "scale"}, optional
        Report runaway loops, or scale the elasticities to stay stable.
    stability_target : float, optional
        The spectral radius scaling aims at.
    time : TimeAssumption, optional
        Unit, start, horizon and step.
    notes : str, optional
        Remarks.

    Raises
    ------
    pydantic.ValidationError
        A value out of range (e.g. a range with ``low > high``); :func:`load_assumptions` turns
        this into :class:`gmb.errors.ValidationError` naming the file and field.

    Examples
    --------
    >>> a = Assumptions(stocks=("v0",), effect_shape="power")
    >>> a.effect_shape, a.time.unit, Assumptions.model_validate_json(a.model_dump_json()) == a
    ('power', 'month', True)
    """

    schema_: str = Field(default=ASSUMPTIONS_SCHEMA, alias="schema")
    outcome: str | None = None
    stocks: tuple[str, ...] | None = None
    adjustment_time: Range = Range(low=3, high=12, nominal=6)
    adjustment_times: dict[str, float] = Field(default_factory=dict)
    strengths: dict[str, Range] = Field(default_factory=lambda: dict(DEFAULT_STRENGTHS))
    elasticities: dict[str, float] = Field(default_factory=dict)
    delay: DelayAssumption = DelayAssumption()
    delay_times: dict[str, float] = Field(default_factory=dict)
    effect_shape: Literal["saturating", "power", "bounded"] = "saturating"
    saturation: float = Field(default=DEFAULT_SATURATION, gt=0)
    unknown_polarity: Literal["sample", "exclude"] = "sample"
    polarities: dict[str, Literal["+", "-"]] = Field(default_factory=dict)
    presence: PresenceRule = PresenceRule()
    link_presence: dict[str, float] = Field(default_factory=dict)
    link_sign: dict[str, float] = Field(default_factory=dict)
    stability: Literal["report", "scale"] = "report"
    stability_target: float = Field(default=0.9, gt=0, lt=1)
    time: TimeAssumption = TimeAssumption()
    notes: str = ""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _positive(self) -> Assumptions:
        for field in ("adjustment_times", "elasticities", "delay_times"):
            for key, value in getattr(self, field).items():
                if not value > 0:
                    raise ValueError(f"{field}.{key} must be > 0, got {value}")
        for field in ("link_presence", "link_sign"):
            for key, value in getattr(self, field).items():
                if not 0 <= value <= 1:
                    raise ValueError(f"{field}.{key} is a probability: between 0 and 1, got {value}")
        for needed in ("weak", "medium", "strong", "unknown"):
            if needed not in self.strengths:
                raise ValueError(f"strengths must give a range for '{needed}'")
        return self

    def to_json(self) -> str:
        """Pretty JSON (UTF-8 text, keys in a stable order)."""
        data = self.model_dump(mode="json", by_alias=True)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def edit(self, **changes) -> Assumptions:
        """A validated copy with ``changes`` applied.

        >>> Assumptions().edit(effect_shape="bounded").effect_shape
        'bounded'
        """
        data = self.model_dump(by_alias=True)
        data.update(changes)
        return Assumptions.model_validate(data)


def _field_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p not in ("function-after",)) or "assumptions"


def parse_assumptions(data: object, *, file: str | None = None) -> Assumptions:
    """Validate raw data (from JSON) into :class:`Assumptions`; errors name the file and field."""
    try:
        return Assumptions.model_validate(data)
    except PydanticError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        raise ValidationError(msg, file=file, field=_field_path(err["loc"])) from None


def load_assumptions(path: str | Path) -> Assumptions:
    """Read an assumptions JSON file (strict UTF-8; errors name file, line or field).

    Parameters
    ----------
    path : str or pathlib.Path
        The file, as :func:`save_assumptions` writes it.

    Returns
    -------
    Assumptions
        The assumptions.

    Raises
    ------
    gmb.errors.NotFoundError
        The file does not exist.
    gmb.errors.EncodingError, gmb.errors.FormatError, gmb.errors.ValidationError
        Not UTF-8, not JSON, or a field out of range.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "assumptions.json"
    >>> save_assumptions(Assumptions(stocks=("a",)), path)
    >>> load_assumptions(path).stocks
    ('a',)
    """
    from gmb.files import read_json

    return parse_assumptions(read_json(path), file=str(path))


def save_assumptions(assumptions: Assumptions, path: str | Path) -> None:
    """Write ``assumptions`` atomically as pretty UTF-8 JSON.

    Parameters
    ----------
    assumptions : Assumptions
        What to write.
    path : str or pathlib.Path
        The file (replaced atomically if it exists).

    Returns
    -------
    None

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "assumptions.json"
    >>> save_assumptions(Assumptions(), path)
    >>> '"effect_shape": "saturating"' in path.read_text(encoding="utf-8")
    True
    """
    from gmb.files import atomic_write_text

    atomic_write_text(path, assumptions.to_json())
