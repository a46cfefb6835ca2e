"""One dose per idea: how hard an idea pushes, in words a working group can answer, split over its targets.

An idea's plan in ``scenarios.json`` (schema ``gmb-scenarios/2``) has **one dose**
``d`` for the idea — its total relative push — however many variables it is
tagged with. ``d`` is either given directly (``dose`` with its ``low``–``high``
range) or described as

    d = reach × intensity × persistence

* *reach*: how many of the children does it reach (a share, 0–1);
* *intensity*: how much does it change for them (a relative change, 0.3 = +30 %);
* *persistence*: how much of it lasts (the share kept, 0–1),

each with a low, nominal and high answer. In an ensemble each factor is drawn
uniformly within its range, once per idea and run, from its own random stream
(keyed by ``idea:factor``), so the idea's dose is the same draw alone and in
every bundle (common random numbers). Without factors, ``d`` itself is drawn
within ``low``–``high`` (key ``idea:dose``). The range shown is
``Π lows … Π highs``.

**Split over the targets**: target ``k`` gets the share ``w_k = weight_k / Σ
weight`` (weights are relative; default 1 each, i.e. equal shares; weight 0 leaves
a target out but keeps it listed). On the multiplicative channels (``auto``,
``level``, ``indicated``) the target is multiplied by ``1 + d·w_k`` for ``+`` and
by ``1 / (1 + d·w_k)`` for ``-``, so ``u_k = ±ln(1 + d·w_k)`` in log space: the
multiplier stays positive and a fall mirrors a rise. On the ``inflow`` channel
the share is ``± d·w_k`` index units per time unit, added to the stock's inflow.
The idea's push does not grow with its number of tags: whatever the number of
targets and weights, ``ln(1 + d) <= Σ_k u_k = Σ_k ln(1 + d·w_k) <= d`` exactly
(``ln(1 + d·w) >= w·ln(1 + d)`` by concavity, ``ln(1 + x) <= x``), so the sum is
``d`` to first order, ``ln(1 + d)`` for one target.

**Timing**: ``lag`` (the implementation lag) is when the ramp starts; it rises
over ``ramp_up`` and is kept (or ends at ``end``).

**Explicit per-target doses** (a target with its own ``dose``) keep the first
schema's rule ``× (1 ± dose)`` and take no share of the idea's dose; a ``-``
dose there must stay below 1 (checked once the channel is resolved).

**Targets the map does not connect to the outcome** (no directed path in the
map) are flagged by :func:`target_flags` (a ``warning:`` in the CLI, ``flags`` in
JSON). They keep their share of the dose, so the idea's total push is what the
group said; the push on them just does not reach the outcome. To give their
share to the other targets instead, set their weight to 0
(``gmb scenarios set NAME IDEA --drop-unlinked``).

>>> plan = IdeaPlan(dose=0.2, low=0.1, high=0.3, targets=(Target(variable="a"), Target(variable="b", direction="-")))
>>> [(iv.variable, round(iv.dose, 4)) for iv in plan.interventions_for("i1")]
[('a', 0.1), ('b', 0.0909)]
>>> IdeaPlan(reach=Factor.parse("0.5:0.6:0.7"), intensity=Factor.parse("0.3"), targets=()).dose_range
(0.15, 0.18, 0.21)
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gmb.errors import InputError, ValidationError
from gmb.simulate.interventions import DoseFactor, DoseShare, Intervention

__all__ = [
    "DOSE_RULE",
    "FACTORS",
    "QUESTIONS",
    "Factor",
    "IdeaPlan",
    "Target",
    "dose_meta",
    "linked_to_outcome",
    "target_flags",
]  # fmt: skip

FACTORS = ("reach", "intensity", "persistence")
#: the questions a working group answers for each factor
QUESTIONS = {
    "reach": "how many of the children does it reach (share, 0–1)",
    "intensity": "how much does it change for them (relative change, 0.3 = +30 %)",
    "persistence": "how much of it lasts (share kept, 0–1)",
}
DOSE_RULE = (
    "one dose per idea: d = reach × intensity × persistence (or given directly), split over its targets with "
    "shares w (Σ w = 1, equal by default); a '+' target is multiplied by 1 + d·w, a '-' target by 1/(1 + d·w)"
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _finite(value: float | None, field: str) -> None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise ValidationError(f"must be a number >= 0, got {value!r}", field=field)


class Factor(_Frozen):
    """One answer with its range: ``nominal`` and optional ``low``/``high`` (default: the nominal)."""

    nominal: float
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Factor:
        for name in ("nominal", "low", "high"):
            _finite(getattr(self, name), name)
        lo, nom, hi = self.range
        if not lo <= nom <= hi:
            raise ValidationError(f"need low <= nominal <= high, got {lo:g}, {nom:g}, {hi:g}", field="low")
        return self

    @property
    def range(self) -> tuple[float, float, float]:
        """``(low, nominal, high)``."""
        return (self.nominal if self.low is None else self.low, self.nominal,
                self.nominal if self.high is None else self.high)  # fmt: skip

    @classmethod
    def parse(cls, text: str, field: str = "factor") -> Factor:
        """``"0.6"`` or ``"low:nominal:high"`` (e.g. ``"0.4:0.6:0.8"``); an InputError naming ``field``.

        >>> Factor.parse("0.4:0.6:0.8").range
        (0.4, 0.6, 0.8)
        """
        parts = [p.strip() for p in str(text).split(":")]
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            raise InputError(f"not a number: {text!r}", field=field, hint="give NOMINAL or LOW:NOMINAL:HIGH") from None
        if len(nums) == 1:
            try:
                return cls(nominal=nums[0])
            except ValidationError as exc:
                raise InputError(f"{exc.message}: {text!r}", field=field) from None
        if len(nums) != 3:
            raise InputError(f"give one or three numbers, got {text!r}", field=field,
                             hint="NOMINAL or LOW:NOMINAL:HIGH")  # fmt: skip
        try:
            return cls(low=nums[0], nominal=nums[1], high=nums[2])
        except ValidationError as exc:
            raise InputError(f"{exc.message}: {text!r}", field=field, hint="LOW <= NOMINAL <= HIGH, all >= 0") from None

    def text(self) -> str:
        lo, nom, hi = self.range
        return f"{nom:g}" + (f" [{lo:g}–{hi:g}]" if hi > lo else "")


class Target(_Frozen):
    """A variable the idea acts on: direction, relative weight of its share, channel (and an explicit dose)."""

    variable: str = Field(min_length=1)
    direction: Literal["+", "-"] = "+"
    weight: float = Field(default=1.0, ge=0)
    channel: Literal["auto", "level", "indicated", "inflow"] = "auto"
    # an explicit per-target dose (the first schema's rule × (1 ± dose)); it takes no share of the idea's dose
    dose: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> Target:
        for name in ("weight", "dose", "low", "high"):
            _finite(getattr(self, name), name)
        if self.dose is None and (self.low is not None or self.high is not None):
            raise ValidationError("low/high belong to an explicit dose: give dose too, or remove them", field="low")
        return self

    @property
    def explicit(self) -> bool:
        return self.dose is not None


class IdeaPlan(_Frozen):
    """An idea's dose (given, or reach × intensity × persistence), timing and targets (see the module docstring)."""

    dose: float | None = None
    low: float | None = None
    high: float | None = None
    reach: Factor | None = None
    intensity: Factor | None = None
    persistence: Factor | None = None
    lag: float = Field(default=0.0, ge=0)
    ramp_up: float = Field(default=12.0, gt=0)
    shape: Literal["step", "ramp", "pulse"] = "ramp"
    end: float | None = None
    targets: tuple[Target, ...] = ()
    note: str = ""
    source: str = ""  # where the dose description comes from (e.g. the session's idea bank)

    @model_validator(mode="after")
    def _check(self) -> IdeaPlan:
        for name in ("dose", "low", "high"):
            _finite(getattr(self, name), name)
        if self.factors:
            lo, nom, hi = self._product()
            given = (self.low, self.dose, self.high)
            for name, mine, theirs in zip(("low", "dose", "high"), given, (lo, nom, hi)):
                if mine is not None and not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-12):
                    raise ValidationError(
                        f"{name} {mine:g} is not reach × intensity × persistence = {theirs:g}", field=name,
                        hint="remove dose/low/high (they follow from the factors) or the factors",
                    )  # fmt: skip
            # store the product so the file shows the idea's total push
            for name, value in (("dose", nom), ("low", lo), ("high", hi)):
                object.__setattr__(self, name, float(f"{value:.12g}"))  # 0.6 × 0.3 × 0.8 reads 0.144
        elif self.dose is None and self.shares:
            raise ValidationError("an idea with targets needs a dose (or reach, intensity and persistence)",
                                  field="dose", hint="e.g. \"dose\": 0.2, \"low\": 0.1, \"high\": 0.3")  # fmt: skip
        if self.dose is not None:
            lo, nom, hi = self.dose_range
            if not lo <= nom <= hi:
                raise ValidationError(f"need low <= dose <= high, got {lo:g}, {nom:g}, {hi:g}", field="dose")
        seen = set()
        for t in self.targets:
            if t.variable in seen:
                raise ValidationError(f"the target {t.variable!r} is listed twice", field=f"targets.{t.variable}")
            seen.add(t.variable)
        if self.shares and sum(t.weight for t in self.shares) <= 0:
            raise ValidationError("the targets' weights add up to 0: the dose has nowhere to go",
                                  field="targets", hint="give at least one target a weight > 0")  # fmt: skip
        if self.end is not None and not self.end > self.lag:
            raise ValidationError(f"end ({self.end:g}) must be after the lag ({self.lag:g})", field="end")
        return self

    # -- derived -----------------------------------------------------------
    @property
    def factors(self) -> dict[str, Factor]:
        """The dose's factors that are given (reach, intensity, persistence)."""
        return {n: getattr(self, n) for n in FACTORS if getattr(self, n) is not None}

    def _product(self) -> tuple[float, float, float]:
        lo = nom = hi = 1.0
        for f in self.factors.values():
            a, b, c = f.range
            lo, nom, hi = lo * a, nom * b, hi * c
        return (lo, nom, hi)

    @property
    def dose_range(self) -> tuple[float, float, float]:
        """``(low, dose, high)`` of the idea's total push ``d`` (``(0, 0, 0)`` without a dose)."""
        if self.factors:
            return self._product()
        d = self.dose or 0.0
        return (d if self.low is None else self.low, d, d if self.high is None else self.high)

    @property
    def shares(self) -> tuple[Target, ...]:
        """The targets that share the idea's dose (not those with an explicit dose)."""
        return tuple(t for t in self.targets if not t.explicit)

    def share_of(self, target: Target) -> float:
        """``w_k``: the target's weight over the sum of the sharing targets' weights (0 for an explicit dose)."""
        if target.explicit:
            return 0.0
        return target.weight / sum(t.weight for t in self.shares)

    def dose_factors(self, idea: str) -> tuple[DoseFactor, ...]:
        """The sampled factors of the idea's dose, keyed ``idea:factor`` (or ``idea:dose``)."""
        if self.factors:
            return tuple(DoseFactor(key=f"{idea}:{n}", low=f.range[0], nominal=f.range[1], high=f.range[2])
                         for n, f in self.factors.items())  # fmt: skip
        lo, nom, hi = self.dose_range
        return (DoseFactor(key=f"{idea}:dose", low=lo, nominal=nom, high=hi),)

    def interventions_for(self, idea: str) -> tuple[Intervention, ...]:
        """The interventions this plan stands for (a target with weight 0 changes nothing and is left out)."""
        timing = {"shape": self.shape, "start": self.lag, "ramp_up": self.ramp_up, "end": self.end, "idea": idea}
        out = []
        factors = self.dose_factors(idea) if self.shares else ()
        for t in self.targets:
            common = {"variable": t.variable, "direction": t.direction, "channel": t.channel, "note": t.note, **timing}
            if t.explicit:
                out.append(Intervention(dose=t.dose, low=t.low, high=t.high, **common))
            elif (w := self.share_of(t)) > 0:
                out.append(Intervention.from_share(DoseShare(factors=factors, weight=min(w, 1.0)), **common))
        return tuple(out)

    def summary(self, idea: str, unit: str = "month") -> dict[str, Any]:
        """A JSON-ready description: total dose and range, factors, timing, targets with shares."""
        lo, nom, hi = self.dose_range
        return {
            "idea": idea, "dose": nom, "low": lo, "high": hi,
            "factors": {n: dict(zip(("low", "nominal", "high"), f.range)) for n, f in self.factors.items()},
            "lag": self.lag, "ramp_up": self.ramp_up, "shape": self.shape, "end": self.end, "unit": unit,
            "targets": [{"variable": t.variable, "direction": t.direction, "channel": t.channel,
                         "weight": t.weight, "share": self.share_of(t),
                         **({"explicit_dose": [t.low if t.low is not None else t.dose, t.dose,
                                               t.high if t.high is not None else t.dose]} if t.explicit else {})}
                        for t in self.targets],
            "note": self.note, "source": self.source,
        }  # fmt: skip


def linked_to_outcome(source: Any) -> tuple[str | None, Any]:
    """``(outcome, graph)`` of a CLD graph (``graph['outcome']``) or a stock-flow model (its effects)."""
    import networkx as nx

    if isinstance(source, nx.DiGraph):
        return source.graph.get("outcome"), source
    G = nx.DiGraph()
    G.add_nodes_from(el.variable for el in source.variables)
    G.add_edges_from((e.cause, e.target) for e in source.effects)
    outcome = source.element(source.outcome).variable if source.outcome else None
    return outcome, G


def target_flags(plans: dict[str, IdeaPlan], source: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """``{idea: {variable: {"no_path_to_outcome": bool, "links_to_outcome": int | None}}}`` for every target.

    ``source`` is the CLD graph (or a stock-flow model). ``links_to_outcome`` is the shortest
    directed path's length in links (``None``: no path, or no outcome in the map).

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("c", "a")], outcome="b")
    >>> plans = {"i1": IdeaPlan(dose=0.2, targets=(Target(variable="a"), Target(variable="d")))}
    >>> target_flags(plans, G)["i1"]["d"]
    {'no_path_to_outcome': True, 'links_to_outcome': None}
    """
    import networkx as nx

    outcome, G = linked_to_outcome(source)
    dist = dict(nx.single_target_shortest_path_length(G, outcome)) if outcome in G else {}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for idea, plan in plans.items():
        out[idea] = {}
        for t in plan.targets:
            d = dist.get(t.variable)
            out[idea][t.variable] = {"no_path_to_outcome": outcome is not None and d is None, "links_to_outcome": d}
    return out


def dose_meta(scenarios: Any, ideas: Any, model: Any, unit: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """For a result's ``meta``: each idea's dose plan (:meth:`IdeaPlan.summary`) with its targets' flags, and
    ``{idea: [targets with no path to the outcome]}`` (in the simulated model's links)."""
    plans = {i: scenarios.ideas[i] for i in ideas}
    flags = target_flags(plans, model) if model is not None and model.outcome else {}
    out, unlinked = {}, {}
    for i, plan in plans.items():
        summary = plan.summary(i, unit)
        for t in summary["targets"]:
            t.update(flags.get(i, {}).get(t["variable"], {}))
        out[i] = summary
        cut = [v for v, f in flags.get(i, {}).items() if f["no_path_to_outcome"]]
        if cut:
            unlinked[i] = cut
    return out, unlinked
