"""The what-if panel's routes: ``POST /api/s/{sid}/whatif`` and the page ``/w``.

- ``POST /api/s/{sid}/whatif`` (facilitator or projector/viewer key; a participant key is refused with
  403): the body is a :class:`gmb.scenarios.whatif.Setting` without ``runs`` and ``seed`` —
  ``{"ideas": {idea id: {"on": bool, "dose": 0..3, "start": lag}}, "bundle": bool, "horizon": number,
  "preview": bool}``. ``preview: true`` runs 100 draws (while a slider is dragged), otherwise 1,000.
  The response is :func:`gmb.scenarios.whatif.whatif`'s (fan charts, effects with 90 % intervals and
  P(improves), the Shapley split, ``meta.exploratory``) plus ``ideas`` (id, label, planned dose lines).
  Bad settings get the documented ``{"error", "field", "hint"}`` shape (422 for a malformed body).
- ``POST /api/s/{sid}/whatif/save`` (facilitator): ``{"name", "setting"}`` saves the setting as the named
  scenario ``name`` — each switched-on idea's dose multiplier and start lag — as a ``scenario`` event in
  the session's log (who: the key's participant; when) and in the session's ``scenarios.json`` in the
  session store (``--sessions-dir``; ``saved``, schema ``gmb-scenarios/3``, naming the event), so
  ``gmb scenarios NAME``, ``gmb rank`` and ``gmb report`` show it (see :mod:`gmb.scenarios.whatif_saved`).
- ``GET /w`` the page (``static/whatif.html`` + ``whatif.js``), opened with ``#key=`` like the others.
- ``GET /r`` the session's report as served (``static/report_view.*``, opened with ``#key=``; facilitator
  or projector key): ``GET /api/s/{sid}/report`` builds it from the session (and the results ``gmb rank``
  & co. wrote in ``models/<id>/``) with an "open the what-if panel" link to ``/w``, which the report that
  ``gmb report`` writes offline never has (:func:`report_page`).

The model is the session's map converted with the default assumptions, and the doses those the
session's dose answers give (as ``gmb rank`` on the exported session without a ``scenarios.json``);
it is built once per session version and kept, with its compiled study (:mod:`gmb.scenarios.whatif`).
Runs in FastAPI's threadpool (the endpoints are plain functions).
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from typing import Any

from gmb.errors import AccessError

__all__ = [
    "FULL_RUNS",
    "OPEN_WHATIF",
    "PREVIEW_RUNS",
    "idea_row",
    "install",
    "report_page",
    "save_named",
    "session_model",
    "warm",
]

PREVIEW_RUNS = 100
FULL_RUNS = 1000
_MODELS: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def session_model(session: Any, key: Any) -> tuple[Any, Any, Any]:
    """(graph, stock-flow model, scenarios) of a session, cached under ``key`` (session id and version).

    The scenarios are the session store's ``sessions/SID/scenarios.json`` when there is one (completed with
    ideas added since and the idea bank's dose answers, as ``gmb rank SID`` reads it), else the defaults.
    """
    with _LOCK:
        hit = _MODELS.get(key)
    if hit is not None:
        return hit
    from gmb.cld import to_graph
    from gmb.scenarios.settings import SCENARIOS_FILE, complete_scenarios, default_scenarios, load_scenarios
    from gmb.stockflow.convert import to_stockflow
    from gmb.workflow.sources import store

    graph = to_graph(session)
    path = store().path(str(key[0])) / SCENARIOS_FILE if isinstance(key, tuple) and key else None
    scenarios = complete_scenarios(load_scenarios(path), graph) if path and path.is_file() else None
    hit = (graph, to_stockflow(graph), scenarios or default_scenarios(graph))
    with _LOCK:
        _MODELS[key] = hit
        while len(_MODELS) > 8:
            _MODELS.popitem(last=False)
    return hit


def _key(sid: str, live: Any) -> tuple:
    """The cache key of a session's model and compiled study: id, version and its scenarios.json's mtime
    (so an edited file — ``gmb scenarios set`` — is read again)."""
    from gmb.scenarios.settings import SCENARIOS_FILE
    from gmb.workflow.sources import store

    path = store().path(sid) / SCENARIOS_FILE
    return (sid, live.seq, path.stat().st_mtime_ns if path.is_file() else None)


def idea_row(scenarios: Any, idea: str, label: str) -> dict[str, Any]:
    """The page's row for an idea: id, label, planned dose and, for reach × intensity × persistence, each
    factor's nominal value and the slider's range (:func:`gmb.scenarios.whatif.factor_range`)."""
    from gmb.scenarios.whatif import MAX_DOSE, factor_range

    plan = scenarios.ideas[idea]
    factors = {
        n: {
            "nominal": f.nominal,
            "low": f.range[0],
            "high": f.range[2],
            "min": factor_range(n, f)[0],
            "max": factor_range(n, f)[1],
        }
        for n, f in plan.factors.items()
    }
    if factors and not all(f["nominal"] > 0 for f in factors.values()):
        factors = {}  # a nominal 0: no multiplier follows from the factors; the direct dose slider instead
    return {"id": idea, "label": label, "dose": plan.dose_range[1], "factors": factors, "max_dose": MAX_DOSE}  # fmt: skip


def save_named(workshops, actor, sid: str, body: Any) -> dict[str, Any]:
    """Save a what-if setting as a named scenario: a ``scenario`` event in the log, then ``scenarios.json``.

    The setting is checked first (name free, ideas known, one on: nothing is logged for a refused save);
    the event records who (the key's participant) and when; the file's entry names the event.
    """
    from gmb.errors import InputError
    from gmb.scenarios.settings import SCENARIOS_FILE, load_scenarios
    from gmb.scenarios.whatif_saved import save_setting, saved_scenarios
    from gmb.workflow.sources import store

    if not isinstance(body, dict) or set(body) - {"name", "setting"} or not isinstance(body.get("setting"), dict):
        raise InputError('send {"name": "…", "setting": {…what-if setting…}}', field="setting")
    setting = {k: v for k, v in body["setting"].items() if k not in ("preview", "part")}
    name = str(body.get("name") or "")
    live = workshops.live(sid)
    _, _, defaults = session_model(live.session, _key(sid, live))
    path = store().path(sid) / SCENARIOS_FILE
    scenarios = load_scenarios(path) if path.is_file() else defaults
    who = next((p.name for p in live.session.participants if p.id == actor.participant), None) or actor.role
    checked = saved_scenarios(scenarios, name, setting, who)  # refuses before anything is logged
    data = {"name": name, "ideas": {i: s.model_dump(exclude_none=True) for i, s in checked.saved[name].ideas.items()},
            "horizon": checked.saved[name].horizon, "who": who}  # fmt: skip
    (ev,) = workshops.commit(sid, actor, lambda _session: [("scenario", data)])
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = save_setting(path, scenarios, name, setting, who, ev.at.isoformat(), ev.seq)
    return {"name": name, "ideas": data["ideas"], "file": str(path), "event": ev.seq, "by": ev.by,
            "at": ev.at.isoformat(), "bundle": name in saved.bundles}  # fmt: skip


OPEN_WHATIF = {"en": "Open the what-if panel: move the ideas' doses and start times and see the effect now",
               "da": "Åbn hvad nu hvis-panelet: flyt idéernes dosis og start og se virkningen med det samme"}  # fmt: skip
SERVED_MAP = {"en": "The live map is on the facilitator's page and the projector (gmb serve); the report written by "
                     "gmb report embeds it.",
              "da": "Det levende kort er på facilitatorens side og projektoren (gmb serve); rapporten, som gmb report "
                    "skriver, har det indlejret."}  # fmt: skip
_REPORTS: OrderedDict = OrderedDict()


def report_page(session: Any, key: Any) -> str:
    """The session's report (:func:`gmb.views.report.report_html`, with the results in ``models/<id>/`` of the
    server's folder when ``gmb rank`` & co. made them) with an "open the what-if panel" link to ``/w`` added:
    only a served report gets it, the one ``gmb report`` writes offline has no server to open. Cached per version.
    """
    import re
    from html import escape
    from pathlib import Path

    from gmb.views.report import load_results, report_html

    with _LOCK:
        hit = _REPORTS.get(key)
    if hit is not None:
        return hit
    lang = session.languages[0] if session.languages else None
    models = Path("models") / str(key[0])
    html = report_html(session, lang=lang, results=load_results(models if models.is_dir() else None), name=key[0])
    link = (f'<p id="served-whatif" style="position:sticky;top:0;background:#eef6f0;padding:8px 12px;margin:0;'
            f'border-bottom:2px solid #2a7;z-index:5"><a id="open-whatif" href="/w"><strong>'
            f"{escape(OPEN_WHATIF.get(lang or 'en', OPEN_WHATIF['en']))}</strong></a></p>")  # fmt: skip
    # the server's Content-Security-Policy runs no inline script, so the embedded map (and map.html, a file
    # that only the offline report has beside it) would be a blank box here: say where the live map is instead
    note = f'<p class="muted" id="served-map">{escape(SERVED_MAP.get(lang or "en", SERVED_MAP["en"]))}</p>'
    frame = r'<iframe class="map" id="map-frame".*?</iframe>\s*<p><a href="map.html">.*?</a></p>'
    html = re.sub(frame, lambda _: note, html, count=1, flags=re.DOTALL)
    at = html.find("<body>")
    html = html[: at + len("<body>")] + link + html[at + len("<body>") :] if at >= 0 else link + html
    with _LOCK:
        _REPORTS[key] = html
        while len(_REPORTS) > 4:
            _REPORTS.popitem(last=False)
    return html


#: sessions warmed at server start (the most recent ones); ``GMB_WHATIF_WARM=0`` switches the warm-up off
WARM_SESSIONS = 3


def warm(workshops, sids: list[str]) -> None:
    """Build each session's model and run the panel's first two requests (a preview, then the first idea's
    1,000 draws), so the engine is compiled (or loaded from numba's cache) and the study cached before the
    first page asks. Runs in a daemon thread from :func:`install`; a failure is logged, never raised."""
    import logging

    from gmb.scenarios.whatif import parse_setting, whatif

    for sid in sids:
        try:
            live = workshops.live(sid)
            key = _key(sid, live)
            graph, model, scenarios = session_model(live.session, key)
            first = whatif(model, scenarios, parse_setting({"ideas": {}, "horizon": 36, "runs": PREVIEW_RUNS,
                                                            "part": "chart"}), key=key, source=graph)  # fmt: skip
            top = next(iter(scenarios.ideas), None)
            if top is not None:  # the page switches its first idea on and asks for the full draws
                whatif(
                    model,
                    scenarios,
                    parse_setting(
                        {"ideas": {top: {}}, "horizon": first["horizon"], "runs": FULL_RUNS, "part": "chart"}
                    ),
                    key=key,
                    source=graph,
                )
        except Exception as exc:  # noqa: BLE001 - a warm-up is an optimisation: say so and serve on
            logging.getLogger("gmb.serve").warning("what-if warm-up of session %s failed: %s", sid, exc)


def _start_warm(workshops) -> None:
    import os

    if os.environ.get("GMB_WHATIF_WARM", "1") == "0":
        return
    try:
        sids = workshops.db.session_ids()[-WARM_SESSIONS:]
    except Exception:  # noqa: BLE001 - no database to ask (e.g. a test double): nothing to warm
        return
    if sids:
        threading.Thread(target=warm, args=(workshops, sids), name="gmb-whatif-warm", daemon=True).start()


def install(app, *, workshops, auth: Callable) -> None:
    """Add the routes to ``app`` (made by :func:`gmb.serve.app.create_app`); warm the sessions already on the
    server (:func:`warm`, in the background)."""
    from fastapi import Request
    from fastapi.responses import Response

    from gmb.scenarios.whatif import parse_setting, whatif

    _start_warm(workshops)

    @app.post("/api/s/{sid}/whatif")
    def run_whatif(request: Request, sid: str, body: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        actor = auth(request, sid, write=False)
        if actor.role not in ("facilitator", "viewer"):
            raise AccessError("the what-if panel is for the facilitator and the projector")
        if not isinstance(body, dict) or {"runs", "seed"} & set(body):
            from gmb.errors import InputError

            raise InputError("runs and seed are set by the server (preview: 100 draws, else 1,000)", field="runs")
        setting = parse_setting(body)
        setting = setting.model_copy(update={"runs": PREVIEW_RUNS if setting.preview else FULL_RUNS})
        live = workshops.live(sid)
        key = _key(sid, live)
        graph, model, scenarios = session_model(live.session, key)
        lang = live.session.languages[0] if live.session.languages else None
        out = whatif(model, scenarios, setting, key=key, engine="auto", source=graph, lang=lang)
        from gmb.scenarios.answers import _label
        from gmb.scenarios.settings import ideas_of

        info = ideas_of(graph)
        out["ideas"] = [idea_row(scenarios, i, _label(info.get(i) or {}, i, lang)) for i in scenarios.ideas]
        out["preview"] = setting.preview
        out["timing"] = {"server_ms": round(1000 * (time.perf_counter() - t0), 1)}  # for the bench's breakdown
        return out

    @app.post("/api/s/{sid}/whatif/save")
    def save_whatif(request: Request, sid: str, body: dict[str, Any]) -> dict[str, Any]:
        actor = auth(request, sid, write=True)
        if not actor.is_facilitator:
            raise AccessError("only the facilitator saves a what-if setting as a scenario")
        return save_named(workshops, actor, sid, body)

    @app.get("/api/s/{sid}/report", include_in_schema=False)
    def served_report(request: Request, sid: str) -> Response:
        actor = auth(request, sid, write=False)
        if actor.role not in ("facilitator", "viewer"):
            raise AccessError("the served report is for the facilitator and the projector")
        live = workshops.live(sid)
        return Response(report_page(live.session, (sid, live.seq)), media_type="text/html; charset=utf-8")

    page = resources.files("gmb.serve") / "static"

    @app.get("/r", include_in_schema=False)
    def report_view() -> Response:
        return Response((page / "report_view.html").read_bytes(), media_type="text/html; charset=utf-8")

    @app.get("/static/report_view.js", include_in_schema=False)
    def report_view_js() -> Response:
        return Response((page / "report_view.js").read_bytes(), media_type="text/javascript; charset=utf-8")

    @app.get("/w", include_in_schema=False)
    def whatif_page() -> Response:
        return Response((page / "whatif.html").read_bytes(), media_type="text/html; charset=utf-8")

    @app.get("/static/whatif.js", include_in_schema=False)
    def whatif_js() -> Response:
        return Response((page / "whatif.js").read_bytes(), media_type="text/javascript; charset=utf-8")
