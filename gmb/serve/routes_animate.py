"""Watch it travel in ``gmb serve``: ``GET /api/s/{sid}/animate`` and ``GET /static/animate.js``.

- ``GET /api/s/{sid}/animate?scenario=IDEA&push=true&runs=1000`` (facilitator or projector/viewer key; a
  participant key is refused with 403): the same JSON ``gmb map --animate SCENARIO`` embeds in the offline
  map (:func:`gmb.views.animate.animation`): the scenario's median change of every variable over time,
  each variable's push on the same draws (``push=false`` leaves them out) and the pulses' colours and
  words. ``scenario`` is an idea id, several joined by commas, a bundle of the session's default
  scenarios, or ``all``; ``runs`` between 100 and 1,000 (default 1,000), seed 0 — so the numbers equal
  ``gmb map NAME --animate SCENARIO`` on the exported session without a ``scenarios.json``.
  Computed on demand (Havndal with 1,000 draws and all 45 pushes: a few seconds) and kept for the
  session's version, so the facilitator's and the projector's page share one computation.
- ``GET /static/animate.js`` the page script (``GmbAnimate.attach``) that plays it, as map.html does.

Runs in FastAPI's threadpool (the endpoints are plain functions).
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from gmb.errors import AccessError, InputError

__all__ = ["animation_for", "install"]

_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def _computed(key: tuple, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is None:
        hit = make()
        with _LOCK:
            _CACHE[key] = hit
            while len(_CACHE) > 6:
                _CACHE.popitem(last=False)
    return hit


def animation_for(session: Any, key: Any, scenario: str, *, push: bool = True, runs: int = 1000) -> dict[str, Any]:
    """The animation of ``scenario`` on the session's model (see the module docstring); cached under ``key``."""
    from gmb.serve.routes_whatif import session_model
    from gmb.views.animate import animation
    from gmb.workflow.studies import resolve_bundle

    if not 100 <= runs <= 1000:
        raise InputError(f"runs must be between 100 and 1000, got {runs}", field="runs")
    _, model, sc = session_model(session, key)
    ideas = resolve_bundle(sc, scenario)
    interventions = sc.interventions(ideas)
    if not interventions:
        raise InputError("the scenario pushes nothing, so nothing moves", field="scenario")
    t = model.time
    horizon = sc.horizon_for(t.unit, t.start, t.stop)
    return _computed(
        (key, scenario, push, runs),
        lambda: animation(
            model, interventions, horizon=horizon, runs=runs, seed=0, name=scenario, push_size=1.0 if push else None
        ),
    )


def install(app, *, workshops, auth: Callable) -> None:
    """Add the routes to ``app`` (made by :func:`gmb.serve.app.create_app`)."""
    from fastapi import Request
    from fastapi.responses import Response

    @app.get("/api/s/{sid}/animate")
    def animate(request: Request, sid: str, scenario: str, push: bool = True, runs: int = 1000) -> dict[str, Any]:
        actor = auth(request, sid, write=False)
        if actor.role not in ("facilitator", "viewer"):
            raise AccessError("the animation is for the facilitator and the projector")
        live = workshops.live(sid)
        return animation_for(live.session, (sid, live.seq), scenario, push=push, runs=runs)

    @app.get("/static/animate.js", include_in_schema=False)
    def animate_js() -> Response:
        from gmb.views.animate import animate_js

        return Response(animate_js(), media_type="text/javascript; charset=utf-8")
