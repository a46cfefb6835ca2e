"""What-if settings saved by name: into ``scenarios.json`` (``saved``, schema ``/3``) and back into runs.

A saved what-if keeps each switched-on idea's dose multiplier and start lag (and, for an idea set by its
reach, intensity and persistence, those values: "reach 0.5 instead of 0.3"), who saved it and when (and,
from ``gmb serve``, the number of its ``scenario`` event in the session's log). ``gmb scenarios NAME``
lists it; ``gmb rank`` and ``gmb report`` show its effect, computed by :func:`gmb.scenarios.whatif.whatif`
on the same draws as the panel (same seed and runs: the same numbers). A setting at the planned doses
with no lag is also kept as a bundle, so ``gmb attribute NAME --bundle`` reads it as before.

>>> from gmb.scenarios.doses import IdeaPlan
>>> from gmb.scenarios.settings import Scenarios
>>> sc = Scenarios(ideas={"a": IdeaPlan(dose=0.2), "b": IdeaPlan(dose=0.2)})
>>> new = saved_scenarios(sc, "halv", {"ideas": {"a": {"dose": 0.5}, "b": {"start": 6}}}, "Ada", "2026-12-03")
>>> new.saved["halv"].ideas["a"].dose, new.saved["halv"].ideas["b"].start, "halv" in new.bundles
(0.5, 6.0, False)
>>> as_setting(new.saved["halv"], runs=100, seed=1).ideas["a"].dose
0.5
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from gmb.errors import ConflictError, InputError
from gmb.scenarios.whatif import Setting, parse_setting, with_factors

__all__ = ["as_setting", "save_setting", "saved_effects", "saved_scenarios"]

_NAME = re.compile(r"[A-Za-z0-9æøåÆØÅ_][A-Za-z0-9æøåÆØÅ_ -]{0,63}")


def saved_scenarios(scenarios: Any, name: str, setting: Any, who: str | None, when: str | None = None,
                    event: int | None = None) -> Any:  # fmt: skip
    """``scenarios`` with ``setting`` saved as ``name`` (checked: a free name, known ideas, at least one on)."""
    from gmb.scenarios.scenarios_value import SavedIdea, SavedScenario

    setting = parse_setting(setting)
    if not _NAME.fullmatch(name or ""):
        raise InputError("a scenario name: letters, digits, space, - or _ (at most 64)", field="name")
    if name == "baseline" or name in scenarios.ideas or name in scenarios.bundles or name in scenarios.saved:
        raise ConflictError(f"the name {name!r} is already taken", field="name")
    for i in setting.ideas:
        if i not in scenarios.ideas:
            raise InputError(f"no idea {i!r} in the scenarios", field=f"ideas.{i}")
    setting = with_factors(scenarios, setting)
    on = [i for i in scenarios.ideas if i in setting.ideas and setting.ideas[i].on]
    if not on:
        raise InputError("switch on at least one idea to save a scenario", field="ideas")
    when = when or datetime.now(UTC).replace(microsecond=0).isoformat()
    saved = SavedScenario(ideas={i: SavedIdea(dose=setting.ideas[i].dose, start=setting.ideas[i].start,
                                               factors=setting.ideas[i].factors) for i in on},
                          by=who, at=when, event=event, horizon=setting.horizon)  # fmt: skip
    update: dict[str, Any] = {"saved": {**scenarios.saved, name: saved}}
    if all(setting.ideas[i].dose == 1.0 and not setting.ideas[i].start and not setting.ideas[i].factors for i in on):
        update["bundles"] = {**scenarios.bundles, name: tuple(on)}  # planned doses: gmb attribute reads it too
    return scenarios.model_copy(update=update)


def save_setting(path: Any, scenarios: Any, name: str, setting: Any, who: str | None, when: str | None = None,
                 event: int | None = None) -> Any:  # fmt: skip
    """Save ``setting`` as ``name`` in the ``scenarios.json`` at ``path`` (atomically); the new Scenarios.

    >>> import tempfile, pathlib
    >>> from gmb.scenarios.doses import IdeaPlan
    >>> from gmb.scenarios.settings import Scenarios, load_scenarios
    >>> sc = Scenarios(ideas={"a": IdeaPlan(dose=0.2), "b": IdeaPlan(dose=0.2)})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "scenarios.json"
    >>> _ = save_setting(p, sc, "both", {"ideas": {"a": {}, "b": {"dose": 2}}}, "Ada", "2026-12-03T13:40Z")
    >>> s = load_scenarios(p); s.schema_, s.saved["both"].ideas["b"].dose, s.saved["both"].by
    ('gmb-scenarios/3', 2.0, 'Ada')
    """
    from gmb.scenarios.settings import save_scenarios

    new = saved_scenarios(scenarios, name, setting, who, when, event)
    save_scenarios(new, path)
    return new


def as_setting(saved: Any, *, runs: int, seed: int, horizon: float | None = None) -> Setting:
    """The what-if :class:`~gmb.scenarios.whatif.Setting` of a saved scenario (its ideas on, as a bundle)."""
    return parse_setting({"ideas": {i: {"dose": s.dose, "start": s.start, **({"factors": s.factors} if s.factors else {})}
                                    for i, s in saved.ideas.items()},
                          "bundle": True, "horizon": horizon if horizon is not None else saved.horizon,
                          "runs": runs, "seed": seed})  # fmt: skip


def saved_effects(model: Any, scenarios: Any, *, runs: int, seed: int, horizon: float | None = None,
                  engine: str = "auto", max_broken: float = 0.01) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Each saved what-if's effect at the horizon (median, intervals, P(improves)), as the panel computes it.

    ``horizon`` None: each saved scenario's own horizon (else the file's). Keys: the effect summary plus
    ``ideas`` (idea: dose multiplier and lag), ``by``, ``at``, ``event``, ``horizon``, ``runs``, ``seed``.
    """
    from gmb.scenarios.whatif import whatif

    out = {}
    for name, saved in scenarios.saved.items():
        setting = as_setting(saved, runs=runs, seed=seed, horizon=horizon).model_copy(update={"part": "chart"})
        r = whatif(model, scenarios, setting, key=("saved", id(model), id(scenarios)), engine=engine,
                   max_broken=max_broken)  # fmt: skip
        out[name] = {**r["setting_effect"], "ideas": {i: s.model_dump(exclude_none=True) for i, s in saved.ideas.items()},
                     "by": saved.by, "at": saved.at, "event": saved.event, "horizon": r["horizon"],
                     "runs": r["runs"], "seed": r["seed"]}  # fmt: skip
    return out
