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
# time, and Request and friends are imported inside create_app (so importing this module stays light).

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from gmb.errors import (
    AccessError,
    ConflictError,
    GmbError,
    InputError,
    NotFoundError,
    StoreError,
)
from gmb.serve import actions, routes_live
from gmb.serve.db import Database, open_database
from gmb.serve.feed import Feed
from gmb.serve.security import Limits, NotAuthenticated, RateLimited, TokenBuckets
from gmb.serve.view import find_loops, item_history, state_view
from gmb.serve.workshops import Actor, Created, Workshops

__all__ = ["MAX_BODY", "MAX_IMPORT_BODY", "create_app", "status_for"]

MAX_BODY = 64 * 1024
GUESSES = "global:wrong-join-codes"
MAX_IMPORT_BODY = 8 * 1024 * 1024
PAGES = {"/": "join.html", "/p": "participant.html", "/f": "facilitator.html", "/v": "projector.html",
         "/new": "new.html"}  # fmt: skip
ASSETS = {"app.js": "text/javascript", "i18n.js": "text/javascript", "style.css": "text/css"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def status_for(exc: GmbError) -> int:
    """The HTTP status of a refusal."""
    for cls, code in (
        (RateLimited, 429),
        (NotAuthenticated, 401),
        (AccessError, 403),
        (NotFoundError, 404),
        (ConflictError, 409),
        (InputError, 422),
        (StoreError, 503),
    ):
        if isinstance(exc, cls):
            return code
    return 400


def vis_network_dir() -> Path:
    """The vis-network files that ship inside pyvis (served from here; never from a CDN)."""
    import pyvis

    base = Path(pyvis.__file__).parent
    for candidate in sorted(base.glob("**/vis-network.min.js"), reverse=True):  # newest version first
        if (candidate.parent / "vis-network.css").is_file():
            return candidate.parent
    raise StoreError("vis-network.min.js not found inside the pyvis package", file=str(base))


def _static(name: str) -> bytes:
    return (resources.files("gmb.serve") / "static" / name).read_bytes()


class Hub:
    """Tells waiting live streams that a session has moved on (from any thread)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.seqs: dict[str, int] = {}
        self._events: dict[str, asyncio.Event] = {}
        self.watching: dict[str, int] = {}
        self.listeners: list[Callable[[str], None]] = []

    def publish(self, sid: str, seq: int) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self.bump, sid, seq)
            except RuntimeError:  # the loop closed meanwhile (shutting down)
                pass

    def bump(self, sid: str, seq: int) -> None:
        if seq > self.seqs.get(sid, -1):
            self.seqs[sid] = seq
            for listener in self.listeners:
                listener(sid)
            ev = self._events.pop(sid, None)
            if ev is not None:
                ev.set()

    async def wait(self, sid: str, seen: int, timeout: float) -> bool:
        """Wait until ``sid`` is past ``seen``; False after ``timeout`` seconds without news."""
        if self.seqs.get(sid, -1) > seen:
            return True
        ev = self._events.setdefault(sid, asyncio.Event())
        try:
            await asyncio.wait_for(ev.wait(), timeout)
            return True
        except TimeoutError:
            return False


def _bearer(request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _client(request) -> str:
    return request.client.host if request.client else "unknown"


class Guard:
    """ASGI middleware: body size limit, JSON-only request bodies, security headers on every response."""

    def __init__(self, app, *, max_body: int, large: dict[str, int]) -> None:
        self.app, self.max_body, self.large = app, max_body, large

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        limit = self.large.get(scope["path"], self.max_body)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if scope["path"].startswith("/api/"):
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        async def refuse(status: int, text: str) -> None:
            body = json.dumps({"error": text}).encode()
            await send_with_headers({"type": "http.response.start", "status": status,
                                     "headers": [(b"content-type", b"application/json"),
                                                 (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(413, f"the request body is larger than {limit} bytes")
            return
        has_body = (length is not None and int(length) > 0) or "transfer-encoding" in headers
        if scope["method"] in ("POST", "PUT", "PATCH") and has_body and scope["path"].startswith("/api/"):
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json":
                await refuse(415, "send JSON (Content-Type: application/json)")
                return
        # Read the (small) body first: too large -> 413 before any handler sees it.
        chunks, size = [], 0
        if scope["method"] in ("POST", "PUT", "PATCH"):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                size += len(message.get("body", b""))
                if size > limit:
                    await refuse(413, f"the request body is larger than {limit} bytes")
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)


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
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    limits = limits if limits is not None else Limits()
    owns_db = not isinstance(db, Database)
    database = open_database(db) if owns_db else db
    hub = Hub()
    workshops = Workshops(database, on_change=hub.publish, code_length=code_length)
    buckets = TokenBuckets()
    room = routes_live.Room(workshops.events)
    feed = Feed(workshops.live, lambda sid, live, loops: {**state_view(live, join_code=workshops.join_code(sid), loops=loops),
                                                         **room.view(sid, live)}, find_loops)  # fmt: skip
    # Views are built ahead only for sessions someone watches; a page's first fetch builds its own.
    hub.listeners.append(lambda sid: feed.kick(sid) if hub.watching.get(sid) else None)
    admin_hash = hashlib.sha256(admin_key.encode()).digest() if admin_key else None
    vis_dir = vis_network_dir()

    async def poll() -> None:
        # Writes by this process wake streams at once; this also notices other processes' writes.
        while True:
            await asyncio.sleep(poll_interval)
            for sid in [s for s, n in hub.watching.items() if n > 0]:
                try:
                    hub.bump(sid, await run_in_threadpool(database.last_seq, sid))
                except Exception as exc:  # noqa: BLE001 - a session removed or the database briefly away
                    # keep polling the other sessions and try this one again next round, but say so
                    logging.getLogger("gmb.serve").warning("polling session %s for changes failed: %s", sid, exc)

    @asynccontextmanager
    async def lifespan(app):
        hub.loop = feed.loop = asyncio.get_running_loop()
        task = asyncio.create_task(poll())
        try:
            yield
        finally:
            task.cancel()
            hub.loop = feed.loop = None
            feed.close()
            if owns_db:
                database.close()

    app = FastAPI(title="gmb serve", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workshops = workshops
    app.state.hub = hub

    # -- refusals -------------------------------------------------------------------
    @app.exception_handler(GmbError)
    async def _gmb_error(request: Request, exc: GmbError):
        body = {"error": exc.message, "field": exc.field, "hint": exc.hint}
        headers = {"Retry-After": str(max(1, round(exc.retry_after)))} if isinstance(exc, RateLimited) else None
        return JSONResponse({k: v for k, v in body.items() if v is not None}, status_code=status_for(exc),
                            headers=headers)  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        # Starlette's own refusals (unknown route, wrong method, a body that is not UTF-8 JSON) get the
        # documented {"error": …} shape too, never {"detail": …}.
        message = exc.detail if isinstance(exc.detail, str) else "malformed request"
        if exc.status_code == 400 and "parsing the body" in message:
            message = "the request body is not valid JSON in UTF-8"
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = str(first.get("msg", "malformed request")).removeprefix("Value error, ")
        return JSONResponse({"error": message, "field": field or None}, status_code=422)

    # -- who is asking ----------------------------------------------------------------
    def anonymous(request: Request) -> None:
        wait = buckets.take("ip:" + _client(request), burst=limits.anonymous_burst, rate=limits.anonymous_rate)
        if wait:
            raise RateLimited("too many requests from this address; wait a moment", retry_after=wait)

    def auth(request: Request, sid: str | None, *, write: bool) -> Actor:
        key = _bearer(request)
        try:
            if key is None:
                raise NotAuthenticated("this needs a key (Authorization: Bearer …)",
                                       hint="open your facilitator, projector or participant link")  # fmt: skip
            actor = workshops.authenticate(key)
        except NotAuthenticated:
            anonymous(request)  # failed attempts are rate limited per address: no guessing
            raise
        if sid is not None and actor.session != sid:
            raise AccessError("this key belongs to another session")
        burst, rate = (limits.write_burst, limits.write_rate) if write else (limits.read_burst, limits.read_rate)
        wait = buckets.take(("w:" if write else "r:") + actor.key_id, burst=burst, rate=rate)
        if wait:
            raise RateLimited("too many requests; slow down a little", retry_after=wait)
        return actor

    def admin(request: Request) -> None:
        key = _bearer(request)
        if admin_hash is None:
            raise AccessError("creating sessions over the web is switched off on this server",
                              hint="use the admin link gmb serve prints, or gmb serve --import")  # fmt: skip
        given = hashlib.sha256((key or "").encode()).digest()
        if key is None or not hmac.compare_digest(given, admin_hash):
            anonymous(request)
            raise NotAuthenticated("wrong or missing admin key")
        anonymous(request)

    def created(made: Created) -> dict[str, Any]:
        return {
            "session": made.session_id,
            "join_code": made.join_code,
            "facilitator": made.facilitator,
            "facilitator_key": made.facilitator_key,
            "viewer_key": made.viewer_key,
            "links": {
                "facilitator": f"/f#key={made.facilitator_key}",
                "projector": f"/v#key={made.viewer_key}",
                "join": f"/#code={made.join_code}",
            },
        }

    def write(request: Request, sid: str, build: Callable, *, new_id: Callable | None = None) -> dict[str, Any]:
        actor = auth(request, sid, write=True)
        events = workshops.commit(sid, actor, lambda session: build(session, actor))
        out: dict[str, Any] = {"seq": events[-1].seq if events else None, "events": [e.seq for e in events]}
        if new_id is not None and events:
            out["id"] = new_id(events)
        return out

    routes_live.install(app, write=write, workshops=workshops, room=room, feed=feed, auth=auth)
    from gmb.serve import routes_whatif  # issue 15: the what-if panel

    routes_whatif.install(app, workshops=workshops, auth=auth)

    def added_id(events) -> str:
        return events[-1].data["item"]["id"]

    # -- pages --------------------------------------------------------------------------
    def page(name: str):
        body = _static(name)

        def handler() -> Response:
            return Response(body, media_type="text/html; charset=utf-8")

        return handler

    for path, name in PAGES.items():
        app.get(path, include_in_schema=False)(page(name))

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name in ASSETS:
            return Response(_static(name), media_type=ASSETS[name] + "; charset=utf-8")
        if name in ("vis-network.min.js", "vis-network.css"):
            media = "text/javascript" if name.endswith(".js") else "text/css"
            return Response((vis_dir / name).read_bytes(), media_type=media + "; charset=utf-8",
                            headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip
        raise NotFoundError(f"no file {name!r}")

    # -- public API ---------------------------------------------------------------------------
    @app.get("/api/config")
    def config() -> dict[str, Any]:
        return {"lang": lang, "languages": ["da", "en"], "web_create": admin_hash is not None}

    @app.post("/api/sessions")
    def create_session(request: Request, body: actions.NewSession) -> dict[str, Any]:
        from gmb.session.parse import parse_session

        admin(request)
        data = {"title": body.title, "focus": body.focus, "place": body.place, "languages": body.languages}
        session = parse_session(data, file=None)
        return created(workshops.create(session, session_id=body.id, facilitator_name=body.facilitator_name,
                                        lang=body.languages[0]))  # fmt: skip

    @app.post("/api/admin/import")
    def import_session(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        from gmb.session.parse import parse_session

        admin(request)
        unknown = set(body) - {"session", "id"}
        if unknown or not isinstance(body.get("session"), dict):
            raise InputError("send {\"session\": {…session.json…}, \"id\": optional name}",
                             field=min(unknown) if unknown else "session")  # fmt: skip
        data = {k: v for k, v in body["session"].items() if k != "last_event"}
        session = parse_session(data, file="session")
        return created(workshops.create(session, session_id=body.get("id")))

    @app.post("/api/join")
    def join(request: Request, body: actions.Join) -> dict[str, Any]:
        anonymous(request)
        # Wrong codes from every address together share one bucket: many addresses guess no faster than one.
        guess = {"burst": limits.guess_burst, "rate": limits.guess_rate}
        wait = buckets.wait(GUESSES, **guess)
        if wait:
            raise RateLimited("too many wrong join codes on this server just now; try again in a moment",
                              retry_after=wait)  # fmt: skip
        try:
            actor, key = workshops.join(body.code, body.name)
        except NotAuthenticated:
            buckets.take(GUESSES, **guess)
            raise
        return {"session": actor.session, "participant": actor.participant, "role": actor.role, "key": key}

    @app.get("/api/me")
    def me(request: Request) -> dict[str, Any]:
        actor = auth(request, None, write=False)
        session = workshops.live(actor.session).session
        name = session.participant(actor.participant).name if actor.participant else None
        return {"session": actor.session, "role": actor.role, "participant": actor.participant, "name": name,
                "title": session.title, "join_code": workshops.join_code(actor.session)}  # fmt: skip

    # -- reading a session ----------------------------------------------------------------------
    @app.get("/api/s/{sid}/state")
    def state(request: Request, sid: str) -> Response:
        auth(request, sid, write=False)
        return Response(feed.full(sid)[1], media_type="application/json")

    @app.get("/api/s/{sid}/history/{kind}/{item_id}")
    def history(request: Request, sid: str, kind: str, item_id: str) -> dict[str, Any]:
        auth(request, sid, write=False)
        if kind not in ("variable", "link", "idea", "stage", "participant"):
            raise InputError(f"unknown kind {kind!r}", field="kind")
        live = workshops.live(sid)
        entries = item_history(live, kind, item_id)
        if not entries:
            raise NotFoundError(f"no {kind} '{item_id}' in this session's log")
        wanted = {e["seq"] for e in entries}
        events = [e for e in workshops.events(sid) if e.seq in wanted]
        return {"kind": kind, "id": item_id, "events": [e.model_dump(mode="json") for e in events]}

    @app.get("/api/s/{sid}/events")
    def events(request: Request, sid: str) -> dict[str, Any]:
        actor = auth(request, sid, write=False)
        if not actor.is_facilitator:
            raise AccessError("only the facilitator can read the whole log")
        return {"events": [e.model_dump(mode="json") for e in workshops.events(sid)]}

    @app.get("/api/s/{sid}/export")
    def export(request: Request, sid: str) -> Response:
        from gmb.session.store import session_to_json

        actor = auth(request, sid, write=False)
        if not actor.is_facilitator:
            raise AccessError("only the facilitator can export the session")
        live = workshops.live(sid)
        return Response(session_to_json(live.session, last_event=live.seq), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{sid}.json"'})  # fmt: skip

    @app.get("/api/s/{sid}/stream")
    async def stream(request: Request, sid: str):
        """Server-sent events: ``patch`` (JSON: from, to, seq, set, del, top) or ``reset`` (fetch the state)."""
        await run_in_threadpool(auth, request, sid, write=False)
        asked = request.query_params.get("from", "")
        current = (await run_in_threadpool(feed.full, sid))[0]
        # A page older than this server process (versions restart at 1) starts afresh from "hello".
        start = int(asked) if asked.isdigit() and int(asked) <= current else current

        async def messages():
            hub.watching[sid] = hub.watching.get(sid, 0) + 1
            try:
                sent = start
                yield f"retry: 1000\nevent: hello\ndata: {current}\n\n"
                while True:
                    latest, text = feed.since(sid, sent)
                    if text is None:
                        yield f"event: reset\ndata: {latest}\n\n"
                        sent = latest
                    elif text:
                        yield text
                        sent = latest
                    elif not await feed.wait(sid, sent, 15.0):
                        yield ": still here\n\n"
            finally:
                hub.watching[sid] -= 1

        return StreamingResponse(messages(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})  # fmt: skip

    # -- contributions (participants and facilitator) -----------------------------------------------
    @app.post("/api/s/{sid}/variables")
    def add_variable(request: Request, sid: str, body: actions.NewVariable) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.add_variable(s, a, body), new_id=added_id)

    @app.post("/api/s/{sid}/links")
    def add_link(request: Request, sid: str, body: actions.NewLink) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.add_link(s, a, body), new_id=added_id)

    @app.post("/api/s/{sid}/ideas")
    def add_idea(request: Request, sid: str, body: actions.NewIdea) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.add_idea(s, a, body), new_id=added_id)

    @app.post("/api/s/{sid}/links/{link_id}/opinion")
    def opinion(request: Request, sid: str, link_id: str, body: actions.Opinion) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.opinion(s, a, link_id, body))

    @app.post("/api/s/{sid}/ideas/{idea_id}/vote")
    def vote(request: Request, sid: str, idea_id: str) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.vote(s, a, idea_id, on=True))

    @app.post("/api/s/{sid}/ideas/{idea_id}/unvote")
    def unvote(request: Request, sid: str, idea_id: str) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.vote(s, a, idea_id, on=False))

    @app.post("/api/s/{sid}/ideas/{idea_id}/dose")
    def set_dose(request: Request, sid: str, idea_id: str, body: actions.DoseIn) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.set_dose(s, a, idea_id, body))

    @app.post("/api/s/{sid}/edit")
    def edit(request: Request, sid: str, body: actions.Edit) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.edit(s, a, body))

    # -- the facilitator's tools ----------------------------------------------------------------------
    @app.post("/api/s/{sid}/accept")
    def accept(request: Request, sid: str, body: actions.ItemRef) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.accept(s, a, body))

    @app.post("/api/s/{sid}/remove")
    def remove(request: Request, sid: str, body: actions.ItemRef) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.remove(s, a, body))

    @app.post("/api/s/{sid}/merge")
    def merge(request: Request, sid: str, body: actions.Merge) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.merge(s, a, body))

    @app.post("/api/s/{sid}/stage")
    def stage(request: Request, sid: str, body: actions.MoveStage) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.move_to_stage(s, a, body))

    @app.post("/api/s/{sid}/lock")
    def lock(request: Request, sid: str, body: actions.LockStage) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.lock_stage(s, a, body))

    @app.post("/api/s/{sid}/keys")
    def keys(request: Request, sid: str, body: dict[str, Any]) -> dict[str, Any]:
        actor = auth(request, sid, write=True)
        if not actor.is_facilitator:
            raise AccessError("only the facilitator can hand out keys")
        role = body.get("role")
        if role not in ("viewer", "facilitator") or set(body) != {"role"}:
            raise InputError("role must be 'viewer' or 'facilitator'", field="role")
        key = workshops.issue_key(sid, role, actor.participant if role == "facilitator" else None)
        return {"key": key, "link": ("/v#key=" if role == "viewer" else "/f#key=") + key}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/api/health")
    def health() -> PlainTextResponse:
        return PlainTextResponse("ok")

    from gmb.serve.keys_api import add_key_routes

    add_key_routes(app, workshops, auth)

    app.add_middleware(Guard, max_body=max_body, large={"/api/admin/import": max_import_body})
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app
