"""Observations and what was implemented: from the session's records to what calibration compares.

An **observation** (``Session.observations``) is an indicator value at a time in the
model's time unit, with its uncertainty:

* ``se`` — a standard error;
* ``low``–``high`` — a 90 % interval, read as ``se = (high − low) / (2 · 1.645)``;
* ``n`` — the sample size of a share ``p``: ``se = sqrt(p̃ (1 − p̃) / n)`` with
  ``p̃ = (n·p + 0.5) / (n + 1)`` (so a share of 0 or 1 still has an uncertainty).

**Transformations** (how the value is compared with the model's variable ``x``):

* ``level`` (``kind: index``): the value is in the model's units (an index, 1 = the start),
  compared with ``x(t)`` directly;
* ``relative_to_first`` (the default for ``kind: share``): the series (same variable and
  ``series``) is read relative to its first observation ``y0`` at ``t0``, and
  ``ln(y_t / y0)`` is compared with ``ln(x(t) / x(t0))``. Its standard error is
  ``sqrt((se_t/y_t)² + (se_0/y0)²)``, and the ratios of one series share ``y0``, so their
  errors are correlated (covariance ``(se_0/y0)²``) — the likelihood uses the full covariance.

A share of an indicator is thus an index relative to its first value: a fall of the
loneliness share from 39 % to 20 % reads ``x(t)/x(t0) = 0.51``. The model's index and the
share are assumed proportional (documented assumption; say so when reporting).

An **implementation** (``Session.implemented``) says what was actually done for an idea:
``start`` (the lag), ``end``, ``ramp_up`` and the dose factors *reach*, *intensity*,
*persistence* (each ``nominal`` with an optional ``low``–``high``; see
:mod:`gmb.scenarios.doses`). Its targets and weights come from the idea's plan in
``scenarios.json``; only implemented ideas are active when calibrating.

>>> from gmb.session.model import Observation
>>> round(observation_se(Observation(id="o1", variable="x", time=0, value=0.2, kind="share", n=57)), 4)
0.0535
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gmb.errors import InputError, NotFoundError

__all__ = ["Z90", "Series", "check_observation", "implemented_plans", "observation_se", "series_of"]

#: the normal quantile of a 90 % interval
Z90 = 1.6448536269514722


def observation_se(ob: Any) -> float:
    """The observation's standard error from ``se``, a 90 % interval, or ``n`` (a share)."""
    if ob.se is not None:
        return float(ob.se)
    if ob.low is not None and ob.high is not None:
        return float(ob.high - ob.low) / (2 * Z90)
    if ob.n is not None:
        p = (ob.n * ob.value + 0.5) / (ob.n + 1)
        return math.sqrt(p * (1 - p) / ob.n)
    raise InputError(f"observation {ob.id} has no uncertainty", field=f"observations.{ob.id}",
                     hint="give --se, --low and --high (a 90 % interval), or --n (a share's sample size)")  # fmt: skip


def check_observation(ob: Any, variables: Iterable[str], span: tuple[float, float] | None = None) -> None:
    """Raise an :class:`~gmb.errors.InputError` naming the field if ``ob`` cannot be used.

    ``span`` is the model's ``(start, stop)``: the time must lie inside the run.
    """
    where = f"observation {ob.id}"
    if ob.variable not in set(variables):
        raise NotFoundError(f"unknown variable {ob.variable!r}", field=f"{where}.variable",
                            hint="observe a variable of the map (gmb session show NAME lists them)")  # fmt: skip
    if span is not None and not span[0] <= ob.time <= span[1]:
        raise InputError(f"time {ob.time:g} is outside the run ({span[0]:g}–{span[1]:g})", field=f"{where}.time",
                         hint="give the time in the model's unit after its start")  # fmt: skip
    if ob.kind == "share":
        if not 0 <= ob.value <= 1:
            raise InputError(f"a share must lie in [0, 1], got {ob.value:g}", field=f"{where}.value",
                             hint="give 0.20 for 20 %")  # fmt: skip
        if ob.transform != "relative_to_first":
            raise InputError("a share is compared relative to its first value", field=f"{where}.transform",
                             hint="use transform relative_to_first (the default for shares)")  # fmt: skip
    if ob.transform == "relative_to_first" and not ob.value > 0:
        raise InputError(f"a value read relative to the first must be > 0, got {ob.value:g}", field=f"{where}.value")
    if ob.n is not None and ob.n < 1:
        raise InputError(f"the sample size must be >= 1, got {ob.n}", field=f"{where}.n")
    if (ob.low is None) != (ob.high is None):
        raise InputError("give both low and high (a 90 % interval)", field=f"{where}.low")
    if ob.low is not None and not ob.low <= ob.value <= ob.high:
        raise InputError(f"need low <= value <= high, got {ob.low:g}, {ob.value:g}, {ob.high:g}", field=f"{where}.low")
    observation_se(ob)


@dataclass(frozen=True)
class Series:
    """Observations of one variable (and series key), in time order, and how they are compared.

    ``values`` are in comparison space: the level, or ``ln(y_t / y0)`` for ``relative_to_first``
    (then the first observation is the reference and not itself a data point). ``cov`` is their
    error covariance.
    """

    variable: str
    key: str
    transform: str
    times: np.ndarray  # data points' times
    values: np.ndarray
    cov: np.ndarray
    ref_time: float | None  # t0 of relative_to_first
    raw: tuple[Any, ...]  # the observations, first included

    @property
    def label(self) -> str:
        return self.variable + (f" ({self.key})" if self.key else "")

    def model_values(self, x_at: Any) -> np.ndarray:
        """The model's values in comparison space; ``x_at(t)`` gives ``(runs,)`` of the variable at ``t``."""
        rows = np.array([x_at(t) for t in self.times])
        if self.transform == "relative_to_first":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log(rows) - np.log(x_at(self.ref_time))[None, :]
        return rows


def series_of(observations: Sequence[Any]) -> list[Series]:
    """Group observations into :class:`Series` (by variable, series key and transform)."""
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for ob in observations:
        groups.setdefault((ob.variable, ob.series, ob.transform), []).append(ob)
    out = []
    for (var, key, transform), obs in groups.items():
        obs = sorted(obs, key=lambda o: o.time)
        se = np.array([observation_se(o) for o in obs])
        y = np.array([o.value for o in obs], dtype=float)
        t = np.array([o.time for o in obs], dtype=float)
        if transform == "relative_to_first":
            if len(obs) < 2:
                raise InputError(f"the series {var}{' ' + key if key else ''} has one observation: a value relative "
                                 "to the first needs at least two", field=f"observations.{obs[0].id}")  # fmt: skip
            rel = (se / y) ** 2
            values = np.log(y[1:] / y[0])
            cov = np.diag(rel[1:]) + rel[0]
            out.append(Series(var, key, transform, t[1:], values, cov, float(t[0]), tuple(obs)))
        else:
            out.append(Series(var, key, transform, t, y, np.diag(se**2), None, tuple(obs)))
    return out


def implemented_plans(session: Any, scenarios: Any) -> dict[str, Any]:
    """``{idea: IdeaPlan}`` as implemented: the plan's targets with the implementation's timing and dose.

    >>> from gmb.scenarios.doses import IdeaPlan, Target
    >>> from types import SimpleNamespace as NS
    >>> from gmb.session.model import Implementation
    >>> sc = NS(ideas={"i1": IdeaPlan(dose=0.2, targets=(Target(variable="a"),))})
    >>> im = Implementation(id="i1", idea="i1", start=6, reach={"nominal": 0.5}, intensity={"nominal": 0.3})
    >>> p = implemented_plans(NS(implemented=(im,)), sc)["i1"]
    >>> p.lag, round(p.dose, 3)
    (6.0, 0.15)
    """
    from gmb.scenarios.doses import Factor, IdeaPlan

    out = {}
    for im in session.implemented:
        if im.idea not in scenarios.ideas:
            raise NotFoundError(f"the implemented idea {im.idea!r} has no plan", field=f"implemented.{im.id}",
                                hint="gmb scenarios NAME lists the plans; give the idea targets first")  # fmt: skip
        plan = scenarios.ideas[im.idea]
        factors = {n: Factor(nominal=a.nominal, low=a.low, high=a.high)
                   for n in ("reach", "intensity", "persistence") if (a := getattr(im, n)) is not None}  # fmt: skip
        if not factors:
            lo, nom, hi = plan.dose_range
            factors = {"intensity": Factor(nominal=nom, low=lo, high=hi)}  # as planned, said in the output
        out[im.idea] = IdeaPlan(targets=plan.targets, lag=im.start, end=im.end, ramp_up=im.ramp_up or plan.ramp_up,
                                shape=plan.shape, source=im.source or "implemented", **factors)  # fmt: skip
    return out
