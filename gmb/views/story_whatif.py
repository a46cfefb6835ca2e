"""A story step's what-if, computed for the offline page: the fan chart and effects embedded as data.

A :class:`~gmb.session.model.PresentationStep` may carry a what-if setting (ideas on/off, dose
multipliers, start lags: :class:`gmb.scenarios.whatif.Setting` without runs and seed). Played in
``gmb serve`` the server computes it (``POST /api/s/{sid}/whatif``: 1,000 draws, seed 0); written into
the offline page by ``gmb story --export``, :func:`step_results` computes it the same way — the same
model (the session's map with the default assumptions and dose answers), draws and seed — so the
page's numbers equal the live ones, and embeds them: the page needs no server and no network.

>>> from gmb.session.model import Presentation, PresentationStep, Session
>>> step_results(Session(title="T"), Presentation(id="p", steps=(PresentationStep(),)))
[None]
"""

from __future__ import annotations

from typing import Any

from gmb.session.model import Presentation, Session

__all__ = ["RUNS", "SEED", "compact", "step_results"]

#: what the live server runs for a full (not preview) what-if
RUNS = 1000
SEED = 0
_DIGITS = 6


def _r(values):
    return [round(float(v), _DIGITS) for v in values]


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """The parts of :func:`gmb.scenarios.whatif.whatif`'s answer a story page draws (rounded, smaller)."""
    keep = ("median", "p5", "p95", "p_improves", "runs")

    def effect(e):
        out = {k: round(float(e[k]), _DIGITS) for k in keep if k in e and e[k] is not None}
        return {**out, "label": e.get("label")} if "label" in e else out

    fan = {name: {q: _r(f[q]) for q in ("p5", "p50", "p95")} for name, f in result["fan"].items()}
    return {"times": _r(result["times"]), "unit": result.get("unit"), "horizon": result.get("horizon"),
            "runs": result.get("runs"), "seed": result.get("seed"), "exploratory": bool(result["meta"].get("exploratory")),
            "fan": fan, "effects": {i: effect(e) for i, e in result["effects"].items()},
            "setting_effect": effect(result["setting_effect"]) if result.get("setting_effect") else None}  # fmt: skip


def step_results(session: Session, presentation: Presentation, *, lang: str | None = None) -> list[dict | None]:
    """Per step, its what-if result (:func:`compact`) or None for a step without one.

    Raises what :func:`gmb.scenarios.whatif.whatif` raises (e.g. an idea the model's scenarios lack).
    """
    if not any(step.whatif is not None for step in presentation.steps):
        return [None] * len(presentation.steps)
    from gmb.cld import to_graph
    from gmb.scenarios.settings import default_scenarios
    from gmb.scenarios.whatif import whatif
    from gmb.stockflow.convert import to_stockflow

    graph = to_graph(session)
    model, scenarios = to_stockflow(graph), default_scenarios(graph)
    out: list[dict | None] = []
    for step in presentation.steps:
        if step.whatif is None:
            out.append(None)
            continue
        setting = {**step.whatif.model_dump(mode="json"), "runs": RUNS, "seed": SEED}
        res = whatif(model, scenarios, setting, engine="auto", source=graph, lang=lang)
        out.append(compact(res))
    return out
