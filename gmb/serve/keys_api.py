"""The facilitator's keys: list them, revoke one, rotate one, give the session a new join code.

Routes (facilitator key only; the key in use cannot revoke itself, rotate it instead):

* ``GET  /api/s/{sid}/keys`` — every key's id, role, participant, creation time (never a secret);
* ``POST /api/s/{sid}/keys/revoke`` ``{"key_id": …}`` — the key stops working;
* ``POST /api/s/{sid}/keys/rotate`` ``{"key_id": …}`` — a new key for the same role and person,
  the old one stops working; answers the new key and its link;
* ``POST /api/s/{sid}/join-code`` ``{"length": 8}`` — a new (e.g. longer) join code; the old stops.

>>> from fastapi.testclient import TestClient
>>> import tempfile, os
>>> from gmb.serve.app import create_app
>>> app = create_app(os.path.join(tempfile.mkdtemp(), "t.sqlite3"), admin_key="secret-admin-key")
>>> with TestClient(app) as c:
...     made = c.post("/api/sessions", json={"title": "Demo"}, headers={"Authorization": "Bearer secret-admin-key"}).json()
...     fac = {"Authorization": f"Bearer {made['facilitator_key']}"}
...     viewer = made["viewer_key"].split(".")[0]
...     c.post(f"/api/s/{made['session']}/keys/revoke", json={"key_id": viewer}, headers=fac).status_code
...     c.get("/api/me", headers={"Authorization": f"Bearer {made['viewer_key']}"}).status_code
200
401
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at definition time.

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gmb.errors import AccessError, InputError
from gmb.serve.security import MAX_JOIN_LENGTH, MIN_JOIN_LENGTH

__all__ = ["KeyRef", "NewCode", "add_key_routes"]

LINKS = {"facilitator": "/f#key=", "viewer": "/v#key=", "participant": "/p#key="}


class KeyRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_id: Annotated[str, Field(min_length=1, max_length=64)]


class NewCode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    length: Annotated[int, Field(ge=MIN_JOIN_LENGTH, le=MAX_JOIN_LENGTH)] = 8


def add_key_routes(app: Any, workshops: Any, auth: Callable[..., Any]) -> None:
    """Add the key routes to ``app``; ``auth(request, sid, write=…)`` is the app's own key check."""
    from fastapi import Request

    def facilitator(request: Request, sid: str):
        actor = auth(request, sid, write=True)
        if not actor.is_facilitator:
            raise AccessError("only the facilitator can manage keys")
        return actor

    @app.get("/api/s/{sid}/keys")
    def list_keys(request: Request, sid: str) -> dict[str, Any]:
        actor = facilitator(request, sid)
        people = {p.id: p.name for p in workshops.live(sid).session.participants}
        return {"keys": [{"id": r.id, "role": r.role, "participant": r.participant,
                          "name": people.get(r.participant) if r.participant else None,
                          "created_at": r.created_at, "current": r.id == actor.key_id}
                         for r in workshops.keys(sid)]}  # fmt: skip

    @app.post("/api/s/{sid}/keys/revoke")
    def revoke(request: Request, sid: str, body: KeyRef) -> dict[str, Any]:
        actor = facilitator(request, sid)
        if body.key_id == actor.key_id:
            raise InputError("this is the key you are using", field="key_id", hint="rotate it instead")
        workshops.revoke_key(sid, body.key_id)
        return {"revoked": body.key_id}

    @app.post("/api/s/{sid}/keys/rotate")
    def rotate(request: Request, sid: str, body: KeyRef) -> dict[str, Any]:
        facilitator(request, sid)
        row = next((r for r in workshops.keys(sid) if r.id == body.key_id), None)
        key = workshops.rotate_key(sid, body.key_id)
        role = row.role if row is not None else "participant"
        return {"key": key, "role": role, "link": LINKS.get(role, "/p#key=") + key}

    @app.post("/api/s/{sid}/join-code")
    def join_code(request: Request, sid: str, body: NewCode) -> dict[str, Any]:
        facilitator(request, sid)
        return {"join_code": workshops.new_join_code(sid, body.length)}
