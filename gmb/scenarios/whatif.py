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
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gmb.errors import InputError, ValidationError

__all__ = ["MAX_SHAPLEY", "IdeaSetting", "Setting", "save_setting", "whatif"]

#: exact Shapley over at most this many switched-on ideas (2^7 = 128 sub-bundles)
MAX_SHAPLEY = 7
MAX_DOSE = 3.0
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()


class IdeaSetting(BaseModel):
    """One idea's setting: on/off, dose multiplier (1 = as planned), start lag (time units)."""

    model_config = ConfigDict(extra="forbid")
    on: bool = True
    dose: float = Field(default=1.0, ge=0.0, le=MAX_DOSE)
    start: float = Field(default=0.0, ge=0.0, le=10000.0)


class Setting(BaseModel):
    """A what-if setting (the request of ``POST /api/s/{sid}/whatif``)."""

    model_config = ConfigDict(extra="forbid")
    ideas: dict[str, IdeaSetting] = Field(default_factory=dict, max_length=200)
    bundle: bool = True
    horizon: float | None = Field(default=None, gt=0)
    runs: int = Field(default=1000, ge=1, le=5000)
    seed: int = Field(default=0, ge=0)
    preview: bool = False


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


def _shifted(ivs, lag: float):
    if not lag:
        return tuple(ivs)
    return tuple(iv.model_copy(update={"start": iv.start + lag, "end": None if iv.end is None else iv.end + lag})
                 for iv in ivs)  # fmt: skip


def _compiled(model, scenarios, setting: Setting, key: Any, engine: str):
    """(study, P with doses derived, radii) from the cache or built (compile once per structure)."""
    from gmb.scenarios.answers import _study
    from gmb.simulate.ensemble import spectral_radii
    from gmb.simulate.sampling import draw

    starts = tuple((i, s.start) for i, s in sorted(setting.ideas.items()) if s.start)
    ck = (key if key is not None else id(model), id(scenarios) if key is None else None, starts, setting.horizon,
          setting.seed, setting.runs, engine)  # fmt: skip
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
    P = p.derive_doses(P)
    # the doses are derived here (and rescaled per request), so the engine must not derive them again
    study = replace(study, program=replace(p, term_shares=()))
    hit = (study, P, radius, {t for t, _, _, recip in p.term_shares if recip})
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
    q = np.nanpercentile(values, [5, 25, 50, 75, 95], axis=-1)
    return {k: q[i].tolist() for i, k in enumerate(("p5", "p25", "p50", "p75", "p95"))}


def whatif(model: Any, scenarios: Any, setting: Any, *, key: Any = None, engine: str = "auto",
           max_broken: float = 0.01, lang: str | None = None, source: Any = None) -> dict[str, Any]:  # fmt: skip
    """Run a what-if setting (see the module docstring) and return fan charts, effects and the Shapley split.

    ``key`` (e.g. the session's id and version) names the cache entry; without it the cache is keyed
    by the objects' identity. Returns ``{"meta", "unit", "horizon", "runs", "seed", "times", "fan":
    {"baseline", "setting"}, "effects": {idea: summary}, "setting_effect", "shapley"}``.
    """
    from gmb.scenarios.answers import _guard, _label, _sign, effect_summary
    from gmb.scenarios.attribution import expected_shapley
    from gmb.scenarios.settings import ideas_of
    from gmb.simulate.ensemble import Result, run_parameters

    setting = parse_setting(setting)
    known = set(scenarios.ideas)
    for i in setting.ideas:
        if i not in known:
            raise InputError(f"no idea {i!r} in the scenarios", field=f"ideas.{i}", hint=", ".join(sorted(known)))
    on = [i for i in scenarios.ideas if i in setting.ideas and setting.ideas[i].on]
    study, P, radius, recip = _compiled(model, scenarios, setting, key, engine)
    Q = _scaled(study, P, recip, {i: s.dose for i, s in setting.ideas.items()})
    n0 = sum(1 for t in study.term_ideas if t is None)
    term_ideas = np.array([t or "" for t in study.term_ideas], dtype=object)
    shapley_on = setting.bundle and 2 <= len(on) <= MAX_SHAPLEY
    coalitions = [tuple(c) for n in range(len(on) + 1) for c in combinations(on, n)] if shapley_on else \
        [(), *((i,) for i in on), *([tuple(on)] if len(on) > 1 else [])]  # fmt: skip
    names, active = [], []
    for c in coalitions:
        mask = np.isin(term_ideas, list(c)) if c else np.zeros(len(term_ideas), dtype=bool)
        mask[:n0] = True
        names.append("baseline" if not c else "+".join(c))
        active.append(mask)
    sub = study.with_scenarios(names, np.array(active))
    out = run_parameters(sub, Q)  # (scenarios, variables, times, runs)
    slot = list(sub.save_slots).index(sub.program.outcome_slot) if sub.program.outcome_slot >= 0 else 0
    horizon = out[:, slot, sub.horizon_index, :]
    result = Result(sub, Q.shape[1], horizon, None, None, radius)
    _, meta = _guard(result, scenarios, on, max_broken, "the what-if",
                     {"setting": setting.model_dump(exclude={"preview"}), "dose_multiplier_rule":
                      "dose x multiplier (1 = scenarios.json); start lag in model time units"})  # fmt: skip
    sign = _sign(scenarios)
    idx = {c: k for k, c in enumerate(coalitions)}
    full = idx[tuple(on)] if on else 0
    vals = out[:, slot, : sub.horizon_index + 1, :]
    info = ideas_of(source) if source is not None else {}
    effects = {i: {**effect_summary(horizon[idx[(i,)]] - horizon[0], sign), "label": _label(info.get(i) or {}, i, lang)}
               for i in on}  # fmt: skip
    res = {
        "meta": meta,
        "unit": sub.program.unit,
        "horizon": sub.horizon,
        "runs": result.runs,
        "seed": sub.seed,
        "times": (sub.times[: sub.horizon_index + 1] - sub.program.times[0]).tolist(),
        "fan": {"baseline": _fan(vals[0]), "setting": _fan(vals[full])},
        "effects": effects,
        "setting_effect": effect_summary(horizon[full] - horizon[0], sign) if on else None,
        "shapley": None,
    }
    if shapley_on:
        from gmb.scenarios.answers import _exact_shapley

        V = np.array([horizon[idx[c]] - horizon[0] for c in coalitions])
        by_mask = np.empty_like(V)
        for c, k in idx.items():  # reorder to bit masks over `on`
            by_mask[sum(1 << on.index(i) for i in c)] = V[k]
        phi = _exact_shapley(by_mask, len(on))
        e = expected_shapley(phi, by_mask[-1])
        res["shapley"] = {"ideas": on, "expected": e["expected"], "shares": e["shares"], "bundle": e["bundle"],
                          "rule": "exact Shapley over all sub-bundles; share = E[phi_i] / E[bundle effect]"}  # fmt: skip
    return res


def save_setting(path: Any, scenarios: Any, name: str, setting: Any, who: str, when: str | None = None) -> Any:
    """Save a setting's switched-on ideas as the bundle ``name`` in ``scenarios.json`` at ``path`` (atomically).

    Who saved it and when are added to the file's ``note``. A bundle holds ideas only, so a setting with a
    dose multiplier other than 1 or a start lag is refused (InputError naming the idea), never saved without
    them; change an idea's dose with ``gmb scenarios set``. Returns the new :class:`Scenarios`.

    >>> import tempfile, pathlib
    >>> from gmb.scenarios.doses import IdeaPlan
    >>> from gmb.scenarios.settings import Scenarios, load_scenarios
    >>> sc = Scenarios(ideas={"a": IdeaPlan(dose=0.2), "b": IdeaPlan(dose=0.2)})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "scenarios.json"
    >>> _ = save_setting(p, sc, "both", {"ideas": {"a": {}, "b": {}}}, "Ada", "2026-12-03T13:40Z")
    >>> load_scenarios(p).bundles["both"]
    ('a', 'b')
    """
    import re
    from datetime import UTC, datetime

    from gmb.errors import ConflictError
    from gmb.scenarios.settings import save_scenarios

    setting = parse_setting(setting)
    if not re.fullmatch(r"[A-Za-z0-9æøåÆØÅ_][A-Za-z0-9æøåÆØÅ_ -]{0,63}", name or ""):
        raise InputError("a scenario name: letters, digits, space, - or _ (at most 64)", field="name")
    if name == "baseline" or name in scenarios.ideas or name in scenarios.bundles:
        raise ConflictError(f"the name {name!r} is already taken", field="name")
    on = [i for i in scenarios.ideas if i in setting.ideas and setting.ideas[i].on]
    if not on:
        raise InputError("switch on at least one idea to save a scenario", field="ideas")
    for i in on:
        if setting.ideas[i].dose != 1.0 or setting.ideas[i].start:
            raise InputError(f"a saved scenario holds ideas with their planned doses; {i!r} has dose "
                             f"×{setting.ideas[i].dose:g} and lag {setting.ideas[i].start:g}", field=f"ideas.{i}",
                             hint="set the dose with gmb scenarios set, or save at dose 1 and no lag")  # fmt: skip
    for i in setting.ideas:
        if i not in scenarios.ideas:
            raise InputError(f"no idea {i!r} in the scenarios", field=f"ideas.{i}")
    when = when or datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")
    note = f"{scenarios.note} Bundle {name!r} saved from the what-if panel by {who} at {when}."
    new = scenarios.model_copy(update={"bundles": {**scenarios.bundles, name: tuple(on)}, "note": note})
    save_scenarios(new, path)
    return new
