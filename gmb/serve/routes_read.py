"""Routes that read a session: its state, one item's history, the whole log, the export.

Kept apart from :mod:`gmb.serve.app`: none of these change anything, and the log and the export
are the facilitator's alone.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

from typing import Any

from gmb.errors import AccessError, InputError, NotFoundError
from gmb.serve.access import Access
from gmb.serve.view import item_history

__all__ = ["install_read"]


def install_read(app: Any, access: Access) -> None:
    """Add ``state``, ``history/{kind}/{item_id}``, ``events`` and ``export`` under ``/api/s/{sid}/``."""
    from fastapi import Request
    from fastapi.responses import Response

    workshops, auth = access.workshops, access.auth

    @app.get("/api/s/{sid}/state")
    def state(request: Request, sid: str) -> Response:
        auth(request, sid, write=False)
        return Response(access.feed.full(sid)[1], media_type="application/json")

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
