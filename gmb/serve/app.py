"""The web app: JSON API, live updates (server-sent events) and the plain HTML/JS pages.

Keys travel only in the ``Authorization: Bearer …`` header, never in a URL or
a cookie (so the access log never shows one, and no other site can make a
browser send one: CSRF needs a cookie to ride on). The links people open
carry the key after ``#``, which browsers never send to the server; the page
moves it into ``sessionStorage`` and removes it from the address bar.

>>> from fastapi.testclient import TestClient
>>> import tempfile, os
>>> app = create_app(os.path.join(tempfile.mkdtemp(), "t.sqlite3"), admin_key="secret-admin-key")
>>> with TestClient(app) as c:
...     made = c.post("/api/sessions", json={"title": "Demo"}, headers={"Authorization": "Bearer secret-admin-key"}).json()
...     me = c.post("/api/join", json={"code": made["join_code"], "name": "Ada"}).json()
...     r = c.post(f"/api/s/{made['session']}/variables", json={"label": "Søvn"},
...                headers={"Authorization": f"Bearer {me['key']}"})
...     r.status_code, r.json()["id"]
(200, 'søvn')
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations at definition
# time, and Request and friends are imported inside the install functions (so importing this module
# stays light). The routes live in one module per resource (routes_*.py); this module puts them together.

import asyncio
import hashlib
from contextlib import asynccontextmanager
from pathlib import Path

from gmb.serve import routes_live
from gmb.serve.access import GUESSES, Access
from gmb.serve.db import Database, open_database
from gmb.serve.feed import Feed
from gmb.serve.guard import CSP, Guard
from gmb.serve.live_events import Hub, install_stream, poll
from gmb.serve.refusals import install_refusals, status_for
from gmb.serve.routes_items import install_contributions, install_facilitation
from gmb.serve.routes_pages import ASSETS, PAGES, install_pages, install_plain, vis_network_dir
from gmb.serve.routes_read import install_read
from gmb.serve.routes_sessions import install_keys, install_sessions
from gmb.serve.security import Limits, TokenBuckets
from gmb.serve.view import find_loops, state_view
from gmb.serve.workshops import Workshops

# Re-exported: these lived here before the routes were split into their own modules.
__all__ = ["ASSETS", "CSP", "GUESSES", "MAX_BODY", "MAX_IMPORT_BODY", "PAGES", "Guard", "Hub", "create_app",
           "status_for", "vis_network_dir"]  # fmt: skip

MAX_BODY = 64 * 1024
MAX_IMPORT_BODY = 8 * 1024 * 1024


def create_app(
    db: Database | str | Path,
    *,
    lang: str = "en",
    admin_key: str | None = None,
    limits: Limits | None = None,
    max_body: int = MAX_BODY,
    max_import_body: int = MAX_IMPORT_BODY,
    allowed_hosts: list[str] | None = None,
    poll_interval: float = 0.5,
    code_length: int = 6,
):
    """The ASGI app serving the sessions in ``db`` (a Database, a SQLite path or a postgresql:// URL).

    ``admin_key`` allows creating and importing sessions over HTTP (``gmb serve`` makes one and prints
    the link); without it only sessions created from the command line exist. ``allowed_hosts``
    restricts the Host header (``gmb serve`` sets it for a localhost bind, against DNS rebinding).
    ``code_length`` is the length of new join codes (``gmb serve --code-length``).
    """
    from fastapi import FastAPI

    owns_db = not isinstance(db, Database)
    database = open_database(db) if owns_db else db
    access = _access(database, lang=lang, admin_key=admin_key, limits=limits, code_length=code_length)
    hub, feed = access.hub, access.feed

    @asynccontextmanager
    async def lifespan(app):
        hub.loop = feed.loop = asyncio.get_running_loop()
        task = asyncio.create_task(poll(hub, database, poll_interval))
        try:
            yield
        finally:
            task.cancel()
            hub.loop = feed.loop = None
            feed.close()
            if owns_db:
                database.close()

    app = FastAPI(
        title="gmb serve", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None, **_no_telemetry()
    )
    app.state.workshops = access.workshops
    app.state.hub = hub
    _install_routes(app, access)
    app.add_middleware(Guard, max_body=max_body, large={"/api/admin/import": max_import_body})
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app


def _no_telemetry() -> dict:
    """``FastAPI(telemetry=...)`` switching its OpenTelemetry hooks off, on FastAPI versions that have them.

    gmb sends nothing anywhere (no network at run time), yet FastAPI looked up the global tracer,
    meter and logger providers (and read the environment) on every request: about a tenth of the
    server's time in the room benchmark's profile.
    """
    import inspect

    from fastapi import FastAPI

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}}


def _access(database: Database, *, lang: str, admin_key: str | None, limits: Limits | None,
            code_length: int) -> Access:  # fmt: skip
    """The workshops, live parts and checks every route shares, wired together."""
    hub = Hub()
    workshops = Workshops(database, on_change=hub.publish, code_length=code_length)
    room = routes_live.Room(workshops.events)
    caches: dict[str, dict] = {}  # per session: the items' serialised entries, reused while unchanged

    def build(sid: str, live, loops) -> dict:
        view = state_view(live, join_code=workshops.join_code(sid), loops=loops, cache=caches.setdefault(sid, {}))
        return {**view, **room.view(sid, live)}

    feed = Feed(workshops.live, build, find_loops)
    # Views are built ahead only for sessions someone watches; a page's first fetch builds its own.
    hub.listeners.append(lambda sid: feed.kick(sid) if hub.watching.get(sid) else None)
    return Access(
        workshops=workshops,
        limits=limits if limits is not None else Limits(),
        buckets=TokenBuckets(),
        admin_hash=hashlib.sha256(admin_key.encode()).digest() if admin_key else None,
        hub=hub,
        room=room,
        feed=feed,
        lang=lang,
        vis_dir=vis_network_dir(),
    )


def _install_routes(app, access: Access) -> None:
    """Add every route, in the order they always had (the first matching route answers)."""
    install_refusals(app)
    routes_live.install(app, write=access.write, workshops=access.workshops, room=access.room, feed=access.feed,
                        auth=access.auth)  # fmt: skip
    from gmb.serve import routes_whatif  # issue 15: the what-if panel

    routes_whatif.install(app, workshops=access.workshops, auth=access.auth)
    from gmb.serve import routes_story  # issue 15: stories built in the browser, played on the projector

    routes_story.install(app, access)
    from gmb.serve import routes_animate  # issue 15, item 2: watch it travel (same JSON as the offline map)

    routes_animate.install(app, workshops=access.workshops, auth=access.auth)
    install_pages(app, access.vis_dir)
    install_sessions(app, access)
    install_read(app, access)
    install_stream(app, access)
    install_contributions(app, access)
    install_facilitation(app, access)
    install_keys(app, access)
    install_plain(app)
    from gmb.serve.keys_api import add_key_routes

    add_key_routes(app, access.workshops, access.auth)
