"""Interventions: what an idea does to one variable, over time, and how hard.

An :class:`Intervention` acts on a variable's ``channel`` — its ``level`` (an
auxiliary or exogenous variable), the ``indicated`` value of a stock (where the
stock is heading), or a stock's ``inflow`` — with a time ``shape`` and a
``dose``. The shape is a profile ``g(t)`` between 0 and 1:

* ``step``: 1 from ``start`` until ``end`` (or for ever);
* ``ramp``: rises linearly from 0 at ``start`` to 1 at ``start + ramp_up``, then
  stays at 1 until ``end``;
* ``pulse``: 1 from ``start`` until ``end`` (default: one time unit).

The input then is ``1 ± dose · g(t)`` for the multiplicative channels (``level``,
``indicated``: dose 0.2 = +20 % of the baseline index) and ``± dose · g(t)``
index units per time unit for ``inflow``; ``direction`` gives the sign, doses are
never negative. Several interventions on one input multiply (level, indicated)
or add (inflow). ``low``/``high`` give the range a dose is sampled from in an
ensemble (default: the dose itself, i.e. no uncertainty).

**A share of an idea's dose** (``share``, see :mod:`gmb.simulate.dose_shares`):
the idea's one dose ``d`` split over its targets, sampled once per idea.

**Applied to a model** (:mod:`gmb.simulate.intervention_inputs`):
:func:`resolve_channel` and :func:`check_resolved` settle the channel and refuse a
multiplier that could reach zero; :class:`InputShape` is what
:attr:`gmb.stockflow.model.Input.shape` holds, and :func:`with_interventions`
returns a model whose inputs carry the interventions.

>>> iv = Intervention(variable="sleep", dose=0.2, shape="ramp", start=0, ramp_up=12)
>>> [round(iv.profile(t), 3) for t in (0, 6, 12, 30)]
[0.0, 0.5, 1.0, 1.0]
>>> InputShape("level", (iv,)).at(6.0, 1.0)
1.1
>>> Intervention(variable="sleep", dose=-1)
Traceback (most recent call last):
...
gmb.errors.ValidationError: dose: must be >= 0, got -1.0 (give the sign as direction '+' or '-')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from gmb.errors import ValidationError

# Re-exported: ``gmb.simulate.interventions`` stays the one import path for all of them.
from gmb.simulate.dose_shares import DoseFactor, DoseShare, share_dose
from gmb.simulate.intervention_inputs import InputShape, check_resolved, resolve_channel, with_interventions

__all__ = [
    "SHAPES",
    "Bundle",
    "DoseFactor",
    "DoseShare",
    "InputShape",
    "Intervention",
    "check_resolved",
    "resolve_channel",
    "share_dose",
    "with_interventions",
]

SHAPES = ("step", "ramp", "pulse")
Channel = Literal["auto", "level", "indicated", "inflow"]


class Intervention(BaseModel):
    """One variable, one channel, one time shape and dose (see the module docstring).

    Parameters
    ----------
    variable : str
        The variable pushed (CLD id).
    channel : {"auto", "level", "indicated", "inflow"}, optional
        Where the push enters (``auto``: the stock's inflow for a stock, else the level).
    direction : {"+", "-"}, optional
        Raise or lower.
    dose : float, optional
        The push, as a share of the variable's baseline (default 0.2).
    low, high : float, optional
        The dose's uncertainty range (drawn in ensembles).
    shape : {"step", "ramp", "pulse"}, optional
        How the push develops in time.
    start, ramp_up, end : float, optional
        When it starts, how long the ramp takes, when it ends (None: never).
    idea : str, optional
        The idea it belongs to.
    note : str, optional
        Remarks.
    share : DoseShare, optional
        How the dose follows from the idea's total dose split over its targets.

    Raises
    ------
    gmb.errors.ValidationError
        ``low <= dose <= high`` broken, a ramp without ``ramp_up``, ``end`` before ``start``.

    Examples
    --------
    >>> i = Intervention(variable="v1", dose=0.2, low=0.1, high=0.3, shape="step")
    >>> i.direction, i.channel
    ('+', 'auto')
    >>> Intervention(variable="v1", dose=0.5, high=0.3)
    Traceback (most recent call last):
    ...
    gmb.errors.ValidationError: dose: need low <= dose <= high, got 0.5, 0.5, 0.3
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    variable: str = Field(min_length=1)
    channel: Channel = "auto"
    direction: Literal["+", "-"] = "+"
    dose: float = 0.2
    low: float | None = None
    high: float | None = None
    shape: Literal["step", "ramp", "pulse"] = "ramp"
    start: float = 0.0
    ramp_up: float = 12.0
    end: float | None = None
    idea: str | None = None
    note: str = ""
    share: DoseShare | None = None  # a share of the idea's dose (then dose/low/high follow from it)

    @classmethod
    def from_share(cls, share: DoseShare, **data: Any) -> Intervention:
        """The intervention for ``share`` of an idea's dose (dose, low and high computed from it)."""
        direction, channel = data.get("direction", "+"), data.get("channel", "auto")
        lo, nom, hi = (share_dose(share.push(w), direction, channel) for w in ("low", "nominal", "high"))
        return cls(**data, dose=nom, low=lo if lo < nom else None, high=hi if hi > nom else None, share=share)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except PydanticError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            raise ValidationError(err["msg"].removeprefix("Value error, "), field=field) from None

    @model_validator(mode="after")
    def _check(self) -> Intervention:
        for name in ("dose", "low", "high"):
            value = getattr(self, name)
            if value is not None and not (np.isfinite(value) and value >= 0):
                raise ValidationError(
                    f"must be >= 0, got {float(value)!r}", field=name, hint="give the sign as direction '+' or '-'"
                )
        low, high = self.dose_range
        if not low <= self.dose <= high:
            raise ValidationError(f"need low <= dose <= high, got {low}, {self.dose}, {high}", field="dose")
        if self.channel in ("level", "indicated") and self.direction == "-" and high >= 1:
            raise ValidationError(
                f"a '-' dose on the {self.channel} must stay below 1 (it multiplies by 1 - dose), got {high}",
                field="high" if self.high is not None else "dose",
            )
        if self.share is not None:
            want = [share_dose(self.share.push(w), self.direction, self.channel) for w in ("low", "nominal", "high")]
            got = [self.dose_range[0], self.dose, self.dose_range[1]]
            if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
                raise ValidationError(f"dose, low and high must follow from the share: {want}, got {got}", field="dose")
        if self.shape == "ramp" and not self.ramp_up > 0:
            raise ValidationError("a ramp needs ramp_up > 0", field="ramp_up")
        end = self.stop
        if end is not None and not end > self.start:
            raise ValidationError(f"end ({end}) must be after start ({self.start})", field="end")
        return self

    # -- derived -----------------------------------------------------------
    @property
    def sign(self) -> float:
        return 1.0 if self.direction == "+" else -1.0

    @property
    def dose_range(self) -> tuple[float, float]:
        """``(low, high)`` of the dose; the dose itself where not given."""
        return (self.dose if self.low is None else self.low, self.dose if self.high is None else self.high)

    @property
    def stop(self) -> float | None:
        """When the profile falls back to 0 (``None``: never)."""
        if self.shape == "pulse" and self.end is None:
            return self.start + 1.0
        return self.end

    @property
    def key(self) -> str:
        """A stable identifier: ``idea:variable:channel`` (``-`` for no idea)."""
        return f"{self.idea or '-'}:{self.variable}:{self.channel}"

    def profile(self, t: float, dt: float = 0.0) -> float:
        """``g(t)`` in [0, 1] (see the module docstring); ``t`` may be an array.

        With the model's time step ``dt``, a switch at time ``s`` happens at the first
        step with ``t + dt/2 > s`` — pysd's ``STEP`` rule, robust to a clock that
        accumulates round-off.
        """
        t = np.asarray(t, dtype=float)
        half = dt / 2
        on = (t + half > self.start) if half else (t >= self.start)
        if self.stop is not None:
            on = on & ~((t + half > self.stop) if half else (t >= self.stop))
        if self.shape == "ramp":
            g = np.clip((t - self.start) / self.ramp_up, 0.0, 1.0)
        else:
            g = np.ones_like(t)
        out = np.where(on, g, 0.0)
        return float(out) if out.ndim == 0 else out

    def describe(self, unit: str = "month") -> str:
        """One readable line, e.g. ``sleep level +0.2 (ramp from 0 over 12 month)``."""
        low, high = self.dose_range
        dose = f"{self.direction}{self.dose:g}" + (f" [{low:g}–{high:g}]" if high > low else "")
        if self.share is not None:
            mult = 1 + self.sign * self.dose if self.channel != "inflow" else None
            d = [self.share.push(w) / self.share.weight for w in ("low", "nominal", "high")]
            dose = (
                f"{self.direction} {self.share.weight:.0%} of the idea's dose {d[1]:.3g}"
                + (f" [{d[0]:.3g}–{d[2]:.3g}]" if d[2] > d[0] else "")
                + (f" (×{mult:.4g})" if mult else "")
            )
        when = {"step": f"step at {self.start:g}", "ramp": f"ramp from {self.start:g} over {self.ramp_up:g} {unit}",
                "pulse": f"pulse at {self.start:g}"}[self.shape]  # fmt: skip
        if self.stop is not None:
            when += f" until {self.stop:g}"
        return f"{self.variable} {self.channel} {dose} ({when})"

    def expression(self, dialect: str) -> str:
        """``g(t)`` in XMILE or Vensim syntax (``STEP``/``RAMP`` builtins; both dialects spell them alike)."""
        from gmb.stockflow.equations import number

        def step_at(t: float) -> str:
            return f"STEP(1.0, {number(t)})"

        if self.shape == "ramp":
            g = f"RAMP({number(1.0 / self.ramp_up)}, {number(self.start)}, {number(self.start + self.ramp_up)})"
        else:
            g = step_at(self.start)
        if self.stop is not None:
            g = f"({g} - {step_at(self.stop)})" if self.shape != "ramp" else f"{g} * (1.0 - {step_at(self.stop)})"
        return g


@dataclass(frozen=True)
class Bundle:
    """A named set of interventions (e.g. one idea, or several ideas together).

    Parameters
    ----------
    name : str
        The bundle's name.
    interventions : tuple of Intervention, optional
        What it does.

    Examples
    --------
    >>> b = Bundle("walk", (Intervention(variable="v1"), Intervention(variable="v2", direction="-")))
    >>> [i.variable for i in b.interventions]
    ['v1', 'v2']
    """

    name: str
    interventions: tuple[Intervention, ...] = ()

    @property
    def ideas(self) -> tuple[str, ...]:
        """The ideas in the bundle, in first-mention order."""
        return tuple(dict.fromkeys(i.idea for i in self.interventions if i.idea))
