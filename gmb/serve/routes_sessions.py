"""Routes for sessions and people: config, create and import a session, join, who am I, hand out keys.

Kept apart from :mod:`gmb.serve.app`: these are the routes that make sessions and keys (the admin
key creates and imports; a join code makes a participant key; the facilitator hands out more keys),
as opposed to the routes that change a session's content (:mod:`gmb.serve.routes_items`).
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

from typing import Any

from gmb.errors import AccessError, InputError
from gmb.serve import actions
from gmb.serve.access import GUESSES, Access
from gmb.serve.security import NotAuthenticated, RateLimited
from gmb.serve.workshops import Created

__all__ = ["created", "install_keys", "install_sessions"]


def created(made: Created) -> dict[str, Any]:
    """The answer to creating or importing a session: its keys and the links to open."""
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


def install_sessions(app: Any, access: Access) -> None:
    """Add ``/api/config``, ``/api/sessions``, ``/api/admin/import``, ``/api/join`` and ``/api/me``."""
    from fastapi import Request

    workshops, limits, buckets = access.workshops, access.limits, access.buckets

    @app.get("/api/config")
    def config() -> dict[str, Any]:
        return {"lang": access.lang, "languages": ["da", "en"], "web_create": access.admin_hash is not None}

    @app.post("/api/sessions")
    def create_session(request: Request, body: actions.NewSession) -> dict[str, Any]:
        from gmb.session.parse import parse_session

        access.admin(request)
        data = {"title": body.title, "focus": body.focus, "place": body.place, "languages": body.languages}
        session = parse_session(data, file=None)
        return created(workshops.create(session, session_id=body.id, facilitator_name=body.facilitator_name,
                                        lang=body.languages[0]))  # fmt: skip

    @app.post("/api/admin/import")
    def import_session(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        from gmb.session.parse import parse_session

        access.admin(request)
        unknown = set(body) - {"session", "id"}
        if unknown or not isinstance(body.get("session"), dict):
            raise InputError("send {\"session\": {…session.json…}, \"id\": optional name}",
                             field=min(unknown) if unknown else "session")  # fmt: skip
        data = {k: v for k, v in body["session"].items() if k != "last_event"}
        session = parse_session(data, file="session")
        return created(workshops.create(session, session_id=body.get("id")))

    @app.post("/api/join")
    def join(request: Request, body: actions.Join) -> dict[str, Any]:
        access.anonymous(request)
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
        actor = access.auth(request, None, write=False)
        session = workshops.live(actor.session).session
        name = session.participant(actor.participant).name if actor.participant else None
        return {"session": actor.session, "role": actor.role, "participant": actor.participant, "name": name,
                "title": session.title, "join_code": workshops.join_code(actor.session)}  # fmt: skip


def install_keys(app: Any, access: Access) -> None:
    """Add ``POST /api/s/{sid}/keys``: the facilitator hands out a viewer or facilitator key."""
    from fastapi import Request

    @app.post("/api/s/{sid}/keys")
    def keys(request: Request, sid: str, body: dict[str, Any]) -> dict[str, Any]:
        actor = access.auth(request, sid, write=True)
        if not actor.is_facilitator:
            raise AccessError("only the facilitator can hand out keys")
        role = body.get("role")
        if role not in ("viewer", "facilitator") or set(body) != {"role"}:
            raise InputError("role must be 'viewer' or 'facilitator'", field="role")
        key = access.workshops.issue_key(sid, role, actor.participant if role == "facilitator" else None)
        return {"key": key, "link": ("/v#key=" if role == "viewer" else "/f#key=") + key}
