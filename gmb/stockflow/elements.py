"""The elements of a stock-flow model: time, constants, inputs, lookups, smooths, effects,
auxiliaries, stocks and flows.

Each is a small frozen dataclass; :class:`~gmb.stockflow.model.StockFlowModel` (in
:mod:`gmb.stockflow.model`, whose docstring states the contract) holds them and checks that their
references resolve. They live apart from the model so the model module stays about the whole; import
them from :mod:`gmb.stockflow.model`, which re-exports every name.

Examples
--------
>>> Input("input_a", variable="a", channel="inflow").constant
0.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from gmb.errors import ConversionError

__all__ = [
    "CHANNELS",
    "Auxiliary",
    "Constant",
    "Effect",
    "Element",
    "Flow",
    "Input",
    "Lookup",
    "Smooth",
    "Stock",
    "TimeSpec",
]

#: intervention channels and their neutral value / how they combine
CHANNELS: Mapping[str, tuple[float, str]] = MappingProxyType(
    {"level": (1.0, "multiply"), "indicated": (1.0, "multiply"), "inflow": (0.0, "add")}
)


@dataclass(frozen=True)
class TimeSpec:
    """Simulation time: ``start``..``stop`` in Euler steps of ``dt``; every step is saved.

    Parameters
    ----------
    start, stop : float, optional
        First and last time (default 0 and 60).
    dt : float, optional
        The Euler step (default 0.25).
    unit : str, optional
        The time unit (default ``"month"``).

    Examples
    --------
    >>> TimeSpec(stop=12, dt=0.5, unit="month").stop
    12
    """

    start: float = 0.0
    stop: float = 60.0
    dt: float = 0.25
    unit: str = "month"

    def __post_init__(self) -> None:
        if not self.dt > 0 or not self.stop > self.start:
            raise ConversionError(f"need dt > 0 and stop > start, got {self}", field="time")
        steps = (self.stop - self.start) / self.dt
        if abs(steps - round(steps)) > 1e-9:
            raise ConversionError(
                f"the horizon {self.stop - self.start} is not a whole number of steps dt={self.dt}", field="time"
            )

    @property
    def steps(self) -> int:
        """Number of Euler steps from start to stop."""
        return round((self.stop - self.start) / self.dt)


@dataclass(frozen=True)
class _Element:
    name: str
    doc: str = field(default="", kw_only=True)
    links: tuple[str, ...] = field(default=(), kw_only=True)

    kind: str = field(default="", init=False, repr=False)


@dataclass(frozen=True)
class Constant(_Element):
    """A parameter: ``value`` with a sampling range ``(low, high)``; ``role`` and ``ref`` say what it is."""

    value: float
    role: Literal["elasticity", "adjustment_time", "delay_time", "saturation", "other"] = "other"
    ref: str | None = None  # link id (elasticity, delay_time) or variable id (adjustment_time)
    low: float | None = None
    high: float | None = None
    unit: str = ""
    category: str | None = None  # an elasticity's strength class (weak/medium/strong/unknown)
    # an elasticity's link: P(present) and P(sign as drawn) where ensembles vary "structure"
    # (gmb.stockflow.structure); a '?' link has value 0 (neutral in files) and p_sign 0.5
    p_present: float = 1.0
    p_sign: float = 1.0
    kind: str = field(default="constant", init=False, repr=False)


@dataclass(frozen=True)
class Input(_Element):
    """An intervention hook on one variable's ``channel``; ``value`` is neutral unless set.

    ``shape`` is reserved for issue 6 (time shapes: step, ramp, pulse); ``None``
    means the constant ``value`` at all times.
    """

    variable: str
    channel: Literal["level", "indicated", "inflow"]
    value: float | None = None  # None: the channel's neutral value
    shape: Any = None
    kind: str = field(default="input", init=False, repr=False)

    @property
    def neutral(self) -> float:
        return CHANNELS[self.channel][0]

    @property
    def constant(self) -> float:
        """The constant value (neutral unless set)."""
        return self.neutral if self.value is None else float(self.value)

    def at(self, t: float) -> Any:
        """The input's value at time ``t`` (constant until issue 6 adds shapes)."""
        if self.shape is not None and hasattr(self.shape, "at"):
            return self.shape.at(t, self.constant)
        return self.constant


@dataclass(frozen=True)
class Lookup(_Element):
    """A graphical function through ``points`` ((x, y), x increasing); flat beyond the ends."""

    points: tuple[tuple[float, float], ...]
    kind: str = field(default="lookup", init=False, repr=False)


@dataclass(frozen=True)
class Smooth(_Element):
    """Exponential smooth of ``source`` over ``delay_time`` (a constant's name), order 1 or 3, initial 1."""

    source: str
    delay_time: str
    order: Literal[1, 3] = 1
    initial: float = 1.0
    kind: str = field(default="smooth", init=False, repr=False)


@dataclass(frozen=True)
class Effect(_Element):
    """One link's effect: ``source ** (sign * elasticity)``, through ``lookup`` when bounded."""

    link: str
    source: str  # a variable's element or a smooth
    elasticity: str  # a constant's name; its value is the magnitude e > 0
    sign: Literal[1, -1]
    cause: str  # CLD variable ids of the link's ends
    target: str
    lookup: str | None = None
    kind: str = field(default="effect", init=False, repr=False)


@dataclass(frozen=True)
class Auxiliary(_Element):
    """``input * Π factors``: a variable's value (role ``variable``) or a stock's indicated value.

    With ``saturation`` (a constant ``B``) the product ``p`` is bounded: ``exp(B·tanh(ln p / B))``.
    """

    variable: str
    label: str = ""
    role: Literal["variable", "indicated"] = "variable"
    factors: tuple[str, ...] = ()  # effect names
    input: str | None = None  # an Input's name (multiplicative)
    saturation: str | None = None  # a constant's name (B): bound the product within [e^-B, e^B], see the module doc
    kind: str = field(default="auxiliary", init=False, repr=False)


@dataclass(frozen=True)
class Stock(_Element):
    """A variable that accumulates: ``d name/dt = flow``, starting at ``initial``."""

    variable: str
    flow: str
    label: str = ""
    initial: float = 1.0
    chosen: Literal["marked", "automatic", "assumed"] = "assumed"  # why it is a stock
    kind: str = field(default="stock", init=False, repr=False)


@dataclass(frozen=True)
class Flow(_Element):
    """Net flow of ``stock``: ``(indicated - stock) / adjustment_time + input``."""

    stock: str
    indicated: str
    adjustment_time: str
    input: str | None = None  # an Input's name (additive)
    kind: str = field(default="flow", init=False, repr=False)


Element = Constant | Input | Lookup | Smooth | Effect | Auxiliary | Stock | Flow
