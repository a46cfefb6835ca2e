"""Watch it travel: a scenario's simulated response, precomputed for the offline map (``gmb map --animate``).

:func:`trajectories` runs the ensemble (:func:`gmb.simulate.ensemble.run_study`: the baseline and the
scenario on the same parameter draws, common random numbers) and keeps, for every variable of the
model at every saved time, the **median over the draws of the scenario's change** — the variable under
the scenario minus the same draw's baseline. The page colours each node by that median change at the
time the slider shows (green up, red down, white no change; the scale is the largest absolute median
change of any variable at any time) and draws the outcome's median change with its 90 % band as a
sparkline. Runs with a non-finite value are left out of the medians and counted (``dropped_runs``).

:func:`pushes` does the same for a **push** of each variable (Loopy's gesture, with the real model): a step
of ``size`` (default 1: +100 % of the variable's baseline level; for a stock, where it is heading) from
``start`` on, on the same draws (same ``runs`` and ``seed``), one variable at a time. Its medians are
quantised (``q``: integers in units of ``step``, at most ``QUANT`` steps each way) so the offline map can
carry every variable's push without growing much. :func:`animate_js` is the page's script (``static/animate.js``).

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> a = trajectories(chain_model(3), [Intervention(variable="v2", dose=0.2)], horizon=12.0, runs=20)
>>> len(a["times"]) == len(a["change"]["v2"]), a["change"]["v2"][-1] > 0, a["dropped_runs"]
(True, True, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["EXPLORATORY", "PULSE", "PUSH_NOTE", "QUANT", "animate_js", "animation", "pushes", "trajectories"]

EXPLORATORY = {
    "en": "Exploratory: the median over {runs} simulated draws of each variable's change against the baseline "
          "(same draws) under the map's assumptions; not a prediction.",
    "da": "Udforskende: medianen over {runs} simulerede træk af hver variabels ændring mod grundforløbet "
          "(samme træk) under kortets antagelser; ikke en forudsigelse.",
}  # fmt: skip
PUSH_NOTE = {
    "en": "A push: the variable's level raised by {pct} % of its baseline (for a stock: where it is heading) as a "
          "step from time {start} ({unit_en}) on, with everything else as in the baseline; the median over the same {runs} "
          "draws (seed {seed}) of each variable's change against the baseline. Exploratory; not a prediction.",
    "da": "Et skub: variablens niveau hævet {pct} % af grundforløbet (for en beholdning: dér hvor den er på vej "
          "hen) som et trin fra tid {start} ({unit_da}), alt andet som i grundforløbet; medianen over de samme {runs} træk "
          "(frø {seed}) af hver variabels ændring mod grundforløbet. Udforskende; ikke en forudsigelse.",
}  # fmt: skip
# A link pulses from cause to effect while its cause changes; the colour says which way it pushes the effect.
PULSE = {
    "up": "#1a9850", "down": "#d73027", "unknown": "#888888",
    "words": {
        "en": {"legend": "Pulse along a link (its cause is changing) pushes the effect", "up": "up",
               "down": "down", "unknown": "sign unknown", "idea": "Idea", "push": "Push", "what": "Play",
               "play_push": "Push and play", "switch_on": "Switch on and play", "dropped": "broken runs left out",
               "scale": "Fill: median change (green up, red down)"},
        "da": {"legend": "Puls langs en pil (årsagen ændrer sig) skubber virkningen", "up": "op", "down": "ned",
               "unknown": "ukendt fortegn", "idea": "Idé", "push": "Skub", "what": "Afspil",
               "play_push": "Skub og afspil", "switch_on": "Slå til og afspil", "dropped": "brudte kørsler udeladt",
               "scale": "Farve: medianændring (grøn op, rød ned)"},
    },
}  # fmt: skip
_UNITS = {"month": {"en": "months", "da": "måneder"}, "year": {"en": "years", "da": "år"},
          "week": {"en": "weeks", "da": "uger"}, "day": {"en": "days", "da": "dage"}}  # fmt: skip
QUANT = 1000  # a push's medians are stored as integers in [-QUANT, QUANT] times its ``step``


def animate_js() -> str:
    """The animation's script (``static/animate.js``): ``window.GmbAnimate.attach(...)``; safe inside ``<script>``.

    >>> js = animate_js()
    >>> "GmbAnimate" in js and "</script" not in js.lower()
    True
    """
    from importlib import resources

    text = (resources.files("gmb.views") / "static" / "animate.js").read_text("utf-8")
    if "</script" in text.lower():  # would end the inline <script> early
        raise ValueError("animate.js contains '</script'")
    return text


def trajectories(model: Any, interventions: Sequence[Any], *, horizon: float, runs: int = 1000, seed: int = 0,
                 name: str = "scenario", every: float | None = None) -> dict[str, Any]:  # fmt: skip
    """The scenario's median change of every model variable over time (JSON-ready; see the module docstring).

    Returns ``times`` (the model times kept), ``change`` ({variable: [median change at each time]}),
    ``outcome`` (its id), ``outcome_band`` (``p5``/``p95`` of the outcome's change at each time),
    ``scale`` (largest absolute median change), ``runs``, ``dropped_runs``, ``seed``, ``scenario``, ``unit``.
    """
    from gmb.simulate.ensemble import Study, run_study

    probe = Study.build(model, {name: list(interventions)}, seed=seed, horizon=horizon, every=every)
    variables = list(probe.program.variables)
    study = Study.build(model, {name: list(interventions)}, seed=seed, horizon=horizon, every=every,
                        variables=variables, keep="exact")  # fmt: skip
    result = run_study(study, runs)
    diff = result.values[1] - result.values[0]  # (variables, times, runs): scenario minus baseline, draw by draw
    ok = np.isfinite(diff).all(axis=(0, 1))
    diff = diff[..., ok]
    if diff.shape[-1] == 0:
        from gmb.errors import SimulationError

        raise SimulationError("every run of the scenario broke (values not finite): nothing to animate", field=name)
    median = np.median(diff, axis=-1)
    outcome = study.program.outcome_variable
    band = {}
    if outcome in study.variables:
        o = diff[study.variables.index(outcome)]
        band = {"p5": np.quantile(o, 0.05, axis=-1).tolist(), "p95": np.quantile(o, 0.95, axis=-1).tolist()}
    return {
        "scenario": name, "times": study.times.tolist(), "unit": str(study.program.unit),
        "change": {v: median[i].tolist() for i, v in enumerate(study.variables)},
        "outcome": outcome, "outcome_band": band, "scale": float(np.max(np.abs(median))) if median.size else 0.0,
        "runs": int(ok.sum()), "dropped_runs": int((~ok).sum()), "seed": int(seed),
        "note": {L: t.format(runs=int(ok.sum())) for L, t in EXPLORATORY.items()},
    }  # fmt: skip


def _frames(n: int, max_frames: int) -> list[int]:
    """Indices of the saved times kept: every k-th (and the last) so that at most ``max_frames`` remain."""
    k = max(1, -(-n // max(2, max_frames)))
    keep = list(range(0, n, k))
    return keep if keep[-1] == n - 1 else [*keep, n - 1]


def _quantised(median: np.ndarray, band: np.ndarray | None, names: Sequence[str], frames: list[int]) -> dict:
    """One push's medians (variables × times) as integers of one ``step``; a variable whose integers are all 0
    (it never moves by half a step) is left out, and the page shows it as no change — the value it would decode to."""
    med = median[:, frames]
    top = float(np.max(np.abs(med))) if med.size else 0.0
    if band is not None:
        band = band[:, frames]
        top = max(top, float(np.max(np.abs(band))))
    step = top / QUANT if top > 0 else 1.0
    ints = np.rint(med / step).astype(int)
    q = {v: ints[i].tolist() for i, v in enumerate(names) if np.any(ints[i] != 0)}
    out: dict[str, Any] = {"step": step, "q": q, "scale": float(np.max(np.abs(med))) if med.size else 0.0}
    if band is not None:
        out["band"] = {"p5": np.rint(band[0] / step).astype(int).tolist(),
                       "p95": np.rint(band[1] / step).astype(int).tolist()}  # fmt: skip
    return out


def pushes(model: Any, *, horizon: float, runs: int = 1000, seed: int = 0, size: float = 1.0,
           start: float | None = None, variables: Sequence[str] | None = None, max_frames: int = 120,
           every: float | None = None, budget: float = 2.5e8) -> dict[str, Any]:  # fmt: skip
    """Each variable's push, precomputed for the offline map (see the module docstring); JSON-ready.

    A push of ``v`` is ``Intervention(variable=v, dose=size, shape="step", start=start)`` on its ``auto``
    channel (the level; a stock's indicated value), simulated with the baseline on the same ``runs`` draws
    (``seed``), a few pushes per ensemble so memory stays under ``budget`` bytes. ``start`` defaults to
    one time unit after the model's start. At most ``max_frames`` saved times are kept (every k-th).

    Returns ``times``, ``size``, ``start``, ``runs``, ``seed``, ``unit``, ``outcome``, ``quant``, ``note``
    and ``items``: {variable: {"step", "q" ({variable: [integer median change / step]}), "scale",
    "band" (the outcome's p5/p95 change, same units), "dropped_runs"}}. A median is ``q * step``
    (at most ``step / 2`` from the exact median).

    >>> from gmb.simulate.synthetic import chain_model
    >>> p = pushes(chain_model(3), horizon=12.0, runs=20)
    >>> sorted(p["items"]), max(p["items"]["v1"]["q"]["v1"]) == p["quant"], p["items"]["v1"]["dropped_runs"]
    (['v0', 'v1', 'v2'], True, 0)
    """
    from gmb.simulate.ensemble import Study, run_parameters
    from gmb.simulate.interventions import Intervention
    from gmb.simulate.sampling import draw

    t0 = float(model.time.start)
    start = t0 + 1.0 if start is None else float(start)
    probe = Study.build(model, {}, seed=seed, horizon=horizon, every=every)
    names = list(probe.program.variables)
    chosen = [v for v in (variables if variables is not None else names) if v in names]
    per = max(1, int(budget // max(1, len(names) * len(probe.times) * runs * 8)) - 1)  # + the baseline
    frames = _frames(len(probe.times), max_frames)
    outcome, items = probe.program.outcome_variable, {}
    for k in range(0, len(chosen), per):
        batch = chosen[k : k + per]
        scen = {v: [Intervention(variable=v, dose=size, shape="step", start=start, idea=f"push:{v}")] for v in batch}
        study = Study.build(model, scen, seed=seed, horizon=horizon, every=every, variables=names, keep="exact")
        # the study's own draws (the same for every study of this model and seed: the baseline is the idea's),
        # run without run_study's fan-chart summaries, which the animation does not use (a fifth of the time)
        P = draw(study.program, seed=seed, runs=runs, method=study.method, vary=study.vary)
        values = run_parameters(study, P)
        for j, v in enumerate(batch, start=1):
            diff = values[j] - values[0]
            ok = np.isfinite(diff).all(axis=(0, 1))
            if not ok.any():
                continue  # reported below as a push with every run broken
            d = diff[..., ok]
            o = d[study.variables.index(outcome)] if outcome in study.variables else None
            band = None if o is None else np.quantile(o, [0.05, 0.95], axis=-1)
            items[v] = {**_quantised(np.median(d, axis=-1), band, study.variables, frames),
                        "dropped_runs": int((~ok).sum())}  # fmt: skip
    times = probe.times[frames].tolist()
    unit = str(probe.program.unit)
    words = {"pct": f"{100 * size:g}", "start": f"{start:g}", "runs": runs, "seed": seed,
             **{f"unit_{L}": _UNITS.get(unit.lower(), {}).get(L, unit) for L in ("en", "da")}}  # fmt: skip
    return {
        "times": times, "size": float(size), "start": start, "runs": int(runs), "seed": int(seed),
        "unit": str(probe.program.unit), "outcome": outcome, "quant": QUANT,
        "broken": [v for v in chosen if v not in items],
        "note": {L: t.format(**words) for L, t in PUSH_NOTE.items()}, "items": items,
    }  # fmt: skip


def animation(model: Any, interventions: Sequence[Any], *, horizon: float, runs: int = 1000, seed: int = 0,
              name: str = "scenario", push_size: float | None = 1.0) -> dict[str, Any]:  # fmt: skip
    """What ``gmb map --animate`` embeds and ``GET /api/s/{sid}/animate`` returns: the scenario's
    :func:`trajectories`, each variable's :func:`pushes` (unless ``push_size`` is None) on the same draws,
    and the pulses' colours and words (:data:`PULSE`).

    >>> from gmb.simulate.synthetic import chain_model
    >>> from gmb.simulate.interventions import Intervention
    >>> a = animation(chain_model(3), [Intervention(variable="v2")], horizon=6.0, runs=10, push_size=0.5)
    >>> a["scenario"], sorted(a["pushes"]["items"]), a["pushes"]["size"], a["pulse"]["up"]
    ('scenario', ['v0', 'v1', 'v2'], 0.5, '#1a9850')
    """
    from gmb.errors import InputError

    anim = trajectories(model, interventions, horizon=horizon, runs=runs, seed=seed, name=name)
    if push_size is not None:
        if not (np.isfinite(push_size) and push_size > 0):
            raise InputError(f"a push must be > 0, got {push_size:g}", field="push_size")
        anim["pushes"] = pushes(model, horizon=horizon, runs=runs, seed=seed, size=push_size)
    return {"pulse": PULSE, **anim}
