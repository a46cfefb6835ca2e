"""The dose models of an intervention that is a share of its idea's dose.

**A share of an idea's dose** (``share``, what ``scenarios.json`` ideas expand to,
see :mod:`gmb.scenarios.doses`): the idea has one dose ``d`` (its total relative
push, possibly ``reach × intensity × persistence``) and target ``k`` gets the
share ``w_k`` (Σ w = 1). On a multiplicative channel the target is multiplied by
``1 + d·w_k`` for ``+`` and by ``1 / (1 + d·w_k)`` for ``-``, so the multiplier
stays positive and a fall mirrors a rise in log space (``u_k = ±ln(1 + d·w_k)``).
The engine still sees ``1 ± dose · g(t)``: the term's dose is ``x = d·w_k`` for
``+`` and ``x / (1 + x)`` for ``-`` (exactly ``1/(1 + x)`` once ``g`` = 1; while a
ramp rises, the multiplier moves linearly from 1 to its full value either way).
On the ``inflow`` channel the share is additive: ``± d·w_k`` index units per
time unit. The factors are sampled once per idea (their own random streams,
keyed by ``idea:factor``), so every target and every scenario of an idea sees
the same draw of ``d``.

They sit apart from :class:`gmb.simulate.interventions.Intervention` because they are
the bridge to the scenario layer's dose plans (:mod:`gmb.scenarios.doses` builds them)
and need nothing of the intervention itself; :mod:`gmb.simulate.interventions`
re-exports them.

>>> DoseShare(factors=(DoseFactor(key="i1:dose", low=0.1, nominal=0.2, high=0.3),), weight=0.5).push("high")
0.15
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DoseFactor", "DoseShare", "share_dose"]


def share_dose(x: Any, direction: str, channel: str) -> Any:
    """The engine's term dose for a share ``x = d·w`` of an idea's dose (see the module docstring).

    >>> share_dose(0.25, "+", "level"), share_dose(0.25, "-", "level"), share_dose(0.25, "-", "inflow")
    (0.25, 0.2, 0.25)
    >>> round((1 - share_dose(0.25, "-", "auto")) * (1 + 0.25), 12)  # a fall mirrors a rise: 1/(1 + x)
    1.0
    """
    if direction == "-" and channel != "inflow":
        return x / (1.0 + x)
    return x


class DoseFactor(BaseModel):
    """One sampled factor of an idea's dose: ``key`` (``idea:factor``, the random stream) and its range."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1)
    low: float = Field(ge=0)
    nominal: float = Field(ge=0)
    high: float = Field(ge=0)


class DoseShare(BaseModel):
    """A term's share of its idea's dose: ``d = Π factors``, term push ``x = weight · d``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factors: tuple[DoseFactor, ...] = Field(min_length=1)
    weight: float = Field(gt=0, le=1)

    def push(self, which: str = "nominal") -> float:
        """``weight · Π factor`` at the factors' ``low``, ``nominal`` or ``high``."""
        out = self.weight
        for f in self.factors:
            out *= getattr(f, which)
        return float(out)
