"""The what-if panel's computation: ideas switched on/off, their dose and start moved, re-run at once.

A *setting* says, per idea, whether it is on, a dose multiplier (1 = the dose in ``scenarios.json``,
0.5 = half the reach × intensity × persistence) and a start lag (time units after the planned start);
whether the switched-on ideas form a bundle (then its Shapley split is computed); the horizon, the
number of draws and the seed.

Speed: the compiled study (program, engine plan) is cached per model, scenarios, horizon, seed and
start lags — a dose move only rescales the dose rows of the cached parameter matrix and runs the
engine. Every idea is always in the study (off ideas only switched off), so the parameter draws are
those of ``gmb rank`` with the same seed (common random numbers): at dose 1 and no lag each idea's
effect is exactly ``rank_ideas``'s, and curves move smoothly, not noisily, as a slider moves.

The Shapley split is exact over all sub-bundles of the switched-on ideas (at most :data:`MAX_SHAPLEY`),
shares as a ratio of means (:func:`gmb.scenarios.attribution.expected_shapley`). Results carry the
CLI's ``meta`` (``exploratory: True``).

>>> from gmb.examples import load_example
>>> from gmb.cld import to_graph
>>> from gmb.stockflow.convert import to_stockflow
>>> from gmb.scenarios.settings import default_scenarios
>>> G = to_graph(load_example("havndal")); sc = default_scenarios(G)
>>> r = whatif(to_stockflow(G), sc, {"ideas": {next(iter(sc.ideas)): {}}, "runs": 20})
>>> r["meta"]["exploratory"], sorted(r["fan"]), len(r["effects"])
(True, ['baseline', 'setting'], 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from itertools import combinations
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gmb.errors import InputError, ValidationError

__all__ = ["MAX_SHAPLEY", "IdeaSetting", "Setting", "factor_range", "parse_setting", "whatif", "with_factors"]

#: exact Shapley over at most this many switched-on ideas (2^7 = 128 sub-bundles)
MAX_SHAPLEY = 7
MAX_DOSE = 3.0
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 8
_MEMOS: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


FactorName = Literal["reach", "intensity", "persistence"]


class IdeaSetting(BaseModel):
    """One idea's setting: on/off, dose multiplier (1 = as planned), start lag (time units).

    ``factors`` (for an idea whose plan has reach × intensity × persistence): the values set on the panel;
    the dose multiplier is then their product over the nominal product (see :func:`with_factors`).
    """

    model_config = ConfigDict(extra="forbid")
    on: bool = True
    dose: float = Field(default=1.0, ge=0.0, le=MAX_DOSE)
    start: float = Field(default=0.0, ge=0.0, le=10000.0)
    factors: dict[FactorName, Annotated[float, Field(ge=0.0, le=1e6, allow_inf_nan=False)]] | None = None


class Setting(BaseModel):
    """A what-if setting (the request of ``POST /api/s/{sid}/whatif``)."""

    model_config = ConfigDict(extra="forbid")
    ideas: dict[str, IdeaSetting] = Field(default_factory=dict, max_length=200)
    bundle: bool = True
    horizon: float | None = Field(default=None, gt=0)
    runs: int = Field(default=1000, ge=1, le=5000)
    seed: int = Field(default=0, ge=0)
    preview: bool = False
    #: "all": everything; "chart": fans and effects only (the split pending); "split": the Shapley split only
    part: Literal["all", "chart", "split"] = "all"


def parse_setting(data: Any) -> Setting:
    """A :class:`Setting` from JSON data; ValidationError naming the field otherwise.

    >>> parse_setting({"ideas": {"a": {"dose": 9}}})
    Traceback (most recent call last):
    gmb.errors.ValidationError: ideas.a.dose: Input should be less than or equal to 3
    """
    from pydantic import ValidationError as PydanticError

    if isinstance(data, Setting):
        return data
    try:
        return Setting.model_validate(data)
    except PydanticError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise ValidationError(err["msg"], field=field) from None


def factor_range(name: str, factor: Any) -> tuple[float, float]:
    """The panel's slider range of a dose factor: reach 0–1 (a share), the others the plan's ``[low, high]``.

    >>> from gmb.scenarios.doses import Factor
    >>> factor_range("reach", Factor.parse("0.15:0.3:0.45")), factor_range("intensity", Factor.parse("0.2:0.4:0.6"))
    ((0.0, 1.0), (0.2, 0.6))
    """
    lo, _, hi = factor.range
    return (0.0, max(1.0, hi)) if name == "reach" else (lo, hi)


def with_factors(scenarios: Any, setting: Setting) -> Setting:
    """``setting`` with each factor-set idea's dose multiplier = Π factor values / Π nominal values.

    A factor not set stays at its nominal value. Refused (InputError naming ``ideas.ID.factors``): an idea
    whose plan has no factors, a factor the plan lacks, a value outside :func:`factor_range`, a multiplier
    above 3, or a ``dose`` sent beside the factors that is not their multiplier.

    >>> from gmb.scenarios.doses import Factor, IdeaPlan
    >>> from gmb.scenarios.settings import Scenarios
    >>> sc = Scenarios(ideas={"f": IdeaPlan(reach=Factor.parse("0.15:0.3:0.45"), intensity=Factor.parse("0.4"))})
    >>> with_factors(sc, parse_setting({"ideas": {"f": {"factors": {"reach": 0.45}}}})).ideas["f"].dose
    1.5
    """
    ideas = dict(setting.ideas)
    for i, s in setting.ideas.items():
        if s.factors is None:
            continue
        field = f"ideas.{i}.factors"
        plan = scenarios.ideas[i]
        if not plan.factors:
            raise InputError(f"the idea {i!r} has a dose, not reach × intensity × persistence", field=field,
                             hint="send a dose multiplier instead")  # fmt: skip
        num = den = 1.0
        for name, f in plan.factors.items():
            v = s.factors.get(name, f.nominal)
            lo, hi = factor_range(name, f)
            if not lo - 1e-9 <= v <= hi + 1e-9:
                raise InputError(f"{name} {v:g} is outside {lo:g}–{hi:g}", field=f"{field}.{name}")
            num, den = num * v, den * f.nominal
        extra = set(s.factors) - set(plan.factors)
        if extra:
            raise InputError(f"the idea's plan has no {', '.join(sorted(extra))}", field=field)
        if den <= 0:
            raise InputError("the nominal dose is 0: no multiplier follows from the factors", field=field)
        k = float(f"{num / den:.12g}")
        if k > MAX_DOSE:
            raise InputError(f"reach × intensity × persistence is {k:.2f} × the planned dose (at most {MAX_DOSE:g})",
                             field=field)  # fmt: skip
        if "dose" in s.model_fields_set and not np.isclose(s.dose, k, rtol=1e-6, atol=1e-9):
            raise InputError(f"dose {s.dose:g} is not the factors' multiplier {k:g}", field=f"ideas.{i}.dose")
        ideas[i] = s.model_copy(update={"dose": k})
    return setting.model_copy(update={"ideas": ideas})


def _shifted(ivs, lag: float):
    if not lag:
        return tuple(ivs)
    return tuple(iv.model_copy(update={"start": iv.start + lag, "end": None if iv.end is None else iv.end + lag})
                 for iv in ivs)  # fmt: skip


def _compiled(model, scenarios, setting: Setting, key: Any, engine: str):
    """(study, P with doses derived, radii, recip, memo) from the cache or built (compile once per structure).

    The memo of coalition outcomes (:class:`gmb.scenarios.whatif_runs.Memo`) is shared by every start-lag
    variant of the same model, horizon, seed and draws: a coalition's outcome depends on its members' lags only.
    """
    from gmb.scenarios.answers import _study
    from gmb.scenarios.whatif_runs import Memo
    from gmb.simulate.ensemble import spectral_radii
    from gmb.simulate.sampling import draw

    starts = tuple((i, s.start) for i, s in sorted(setting.ideas.items()) if s.start)
    base = (key if key is not None else id(model), id(scenarios) if key is None else None, setting.horizon,
            setting.seed, setting.runs, engine)  # fmt: skip
    ck = (*base, starts)
    with _LOCK:
        hit = _CACHE.get(ck)
        if hit is not None:
            _CACHE.move_to_end(ck)
            return hit
    lags = dict(starts)
    runs_map = {i: _shifted(scenarios.interventions([i]), lags.get(i, 0.0)) for i in scenarios.ideas}
    study = _study(model, scenarios, runs_map, seed=setting.seed, method="mc", horizon=setting.horizon,
                   engine=engine)  # fmt: skip
    p = study.program
    P = draw(p, seed=study.seed, start=0, runs=setting.runs, method=study.method, vary=study.vary)
    radius = spectral_radii(study, P)
    with _LOCK:
        memo = _MEMOS.get(base)
        if memo is None:
            memo = _MEMOS[base] = Memo()
        _MEMOS.move_to_end(base)
        while len(_MEMOS) > _CACHE_SIZE:
            _MEMOS.popitem(last=False)
    memo.same_draws(P)
    P = p.derive_doses(P)
    # the doses are derived here (and rescaled per request), so the engine must not derive them again
    study = replace(study, program=replace(p, term_shares=()))
    hit = (study, P, radius, {t for t, _, _, recip in p.term_shares if recip}, memo)
    with _LOCK:
        _CACHE[ck] = hit
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return hit


def _scaled(study, P: np.ndarray, recip: set, doses: dict[str, float]) -> np.ndarray:
    """``P`` with each idea's dose rows times its multiplier (a '-' share stays x / (1 + x) of the scaled x)."""
    p = study.program
    if all(k == 1.0 for k in doses.values()):
        return P
    Q = P.copy()
    for t, idea in enumerate(study.term_ideas):
        k = doses.get(idea, 1.0) if idea else 1.0
        if k == 1.0:
            continue
        row = p.term_param[t]
        if t in recip:
            x = Q[row] / (1.0 - Q[row]) * k
            Q[row] = x / (1.0 + x)
        elif p.term_channel[t] == 0 and p.term_sign[t] < 0:
            Q[row] = np.minimum(Q[row] * k, 0.999)  # multiplies by 1 - dose: must stay below 1
        else:
            Q[row] = Q[row] * k
    return Q


def _fan(values: np.ndarray) -> dict[str, list[float]]:
    # nanpercentile goes time by time in Python (~10 ms); with no broken run the vectorised one is the same
    pct = np.percentile if np.isfinite(values).all() else np.nanpercentile
    q = pct(values, [5, 25, 50, 75, 95], axis=-1)
    return {k: q[i].tolist() for i, k in enumerate(("p5", "p25", "p50", "p75", "p95"))}


def _coalitions(on: list[str], shapley_on: bool, part: str) -> list[tuple]:
    chart = [(), *((i,) for i in on), *([tuple(on)] if len(on) > 1 else [])]
    if not shapley_on or part == "chart":
        return chart
    subs = [tuple(c) for n in range(len(on) + 1) for c in combinations(on, n)]
    return subs if part == "split" else list(dict.fromkeys([*chart, *subs]))


def _split(on: list[str], values: dict[tuple, np.ndarray]) -> dict[str, Any]:
    """The exact Shapley split of the bundle ``on`` from every sub-bundle's horizon outcome."""
    from gmb.scenarios.answers import _exact_shapley
    from gmb.scenarios.attribution import expected_shapley

    base = values[()]
    by_mask = np.empty((1 << len(on), len(base)))
    for c, v in values.items():  # bit masks over `on`
        if set(c) <= set(on):
            by_mask[sum(1 << on.index(i) for i in c)] = v - base
    phi = _exact_shapley(by_mask, len(on))
    e = expected_shapley(phi, by_mask[-1])
    return {"ideas": on, "expected": e["expected"], "shares": e["shares"], "bundle": e["bundle"],
            "sub_bundles": 1 << len(on),
            "rule": "exact Shapley over all sub-bundles; share = E[phi_i] / E[bundle effect]"}  # fmt: skip


def whatif(model: Any, scenarios: Any, setting: Any, *, key: Any = None, engine: str = "auto",
           max_broken: float = 0.01, lang: str | None = None, source: Any = None) -> dict[str, Any]:  # fmt: skip
    """Run a what-if setting (see the module docstring) and return fan charts, effects and the Shapley split.

    ``key`` (e.g. the session's id and version) names the cache entry; without it the cache is keyed
    by the objects' identity. Returns ``{"meta", "unit", "horizon", "runs", "seed", "times", "fan":
    {"baseline", "setting"}, "effects": {idea: summary}, "setting_effect", "shapley", "shapley_pending"}``.
    ``setting.part`` "chart" leaves the split out (``shapley_pending`` True when a split is due), "split"
    returns only ``meta``, ``runs``, ``seed`` and ``shapley`` (the panel asks for it second).
    """
    from gmb.scenarios.answers import _guard, _label, _sign, effect_summary
    from gmb.scenarios.settings import ideas_of
    from gmb.scenarios.whatif_runs import run_coalitions
    from gmb.simulate.ensemble import Result

    setting = parse_setting(setting)
    known = set(scenarios.ideas)
    for i in setting.ideas:
        if i not in known:
            raise InputError(f"no idea {i!r} in the scenarios", field=f"ideas.{i}", hint=", ".join(sorted(known)))
    setting = with_factors(scenarios, setting)
    on = [i for i in scenarios.ideas if i in setting.ideas and setting.ideas[i].on]
    study, P, radius, recip, memo = _compiled(model, scenarios, setting, key, engine)
    Q = _scaled(study, P, recip, {i: s.dose for i, s in setting.ideas.items()})
    shapley_on = setting.bundle and 2 <= len(on) <= MAX_SHAPLEY
    coalitions = _coalitions(on, shapley_on, setting.part)
    full = tuple(on)
    traj = [(), full] if setting.part != "split" else []
    members = lambda c: tuple((setting.ideas[i].dose, setting.ideas[i].start) for i in c)
    values = run_coalitions(study, Q, coalitions, members, memo, trajectories=traj)
    horizon = np.array([values[c][-1] if c in traj else values[c] for c in coalitions])
    names = ["baseline" if not c else "+".join(c) for c in coalitions]
    sub = study.with_scenarios(names, np.zeros((len(names), len(study.term_ideas)), dtype=bool))
    result = Result(sub, Q.shape[1], horizon, None, None, radius)
    _, meta = _guard(result, scenarios, on, max_broken, "the what-if",
                     {"setting": setting.model_dump(exclude={"preview", "part"}), "dose_multiplier_rule":
                      "dose x multiplier (1 = scenarios.json; with factors set: the product of reach, intensity and "
                      "persistence over their nominal product); start lag in model time units"})  # fmt: skip
    res: dict[str, Any] = {"meta": meta, "runs": result.runs, "seed": study.seed, "part": setting.part}
    if shapley_on and setting.part != "chart":
        res["shapley"] = _split(on, {c: horizon[k] for k, c in enumerate(coalitions)})
    if setting.part == "split":
        res["shapley"] = res.get("shapley")
        return res
    sign = _sign(scenarios)
    h = dict(zip(coalitions, horizon))
    info = ideas_of(source) if source is not None else {}
    res.update({
        "unit": study.program.unit,
        "horizon": study.horizon,
        "times": (study.times[: study.horizon_index + 1] - study.program.times[0]).tolist(),
        "fan": {"baseline": _fan(values[()]), "setting": _fan(values[full] if on else values[()])},
        "effects": {i: {**effect_summary(h[(i,)] - h[()], sign), "label": _label(info.get(i) or {}, i, lang)}
                    for i in on},
        "setting_effect": effect_summary(h[full] - h[()], sign) if on else None,
        "shapley": res.get("shapley"),
        "shapley_pending": shapley_on and setting.part == "chart",
    })  # fmt: skip
    return res
