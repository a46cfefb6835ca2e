"""Routes of the live workshop pages beyond the basics: map positions, accept all, withdraw, undo.

Kept out of :func:`gmb.serve.app.create_app`; ``install`` adds them, given the
app's ``write(request, sid, build)`` helper. Every change is an ordinary event in the session's log.

- ``POST /api/s/{sid}/positions`` (facilitator): ``{"positions": {variable id: [x, y]}}`` stores where
  the map's layout put each variable (``Variable.position``), so every page and every reload draws
  the same map and new variables join it without reshuffling the others.
- ``POST /api/s/{sid}/accept-all`` (facilitator): accept every proposed item, or those in ``items``.
- ``POST /api/s/{sid}/withdraw``: a participant removes their own item while it is not accepted.
- ``POST /api/s/{sid}/reject`` (facilitator): ``{"kind", "id", "reason"}`` removes a proposed item, the
  reason kept in the event and shown to its proposer (see :mod:`gmb.serve.room`).
- ``POST /api/s/{sid}/projector`` (facilitator): ``{"panel": "auto"|"loops"|"ideas"|"activity", "loop": n}``
  sets what the projector's side panel shows; every projector follows it through the feed.
- ``POST /api/s/{sid}/projector/travel`` (facilitator): ``{"scenario": IDEA | null, "show": "idea"|"push:VAR"}``
  the animation (``GET /api/s/{sid}/animate``) every projector plays; ``null`` stops it (watch it travel).
- ``POST /api/s/{sid}/undo`` (facilitator): undo the last change (an ``add``, ``update`` or ``remove``)
  by logging its inverse.

>>> from gmb.session.model import Session, Variable
>>> s = Session(title="x", variables=(Variable(id="a"),))
>>> accept_all_changes(s, "f", None)
[('update', {'kind': 'variable', 'id': 'a', 'changes': {'accepted_by': 'f'}})]
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from gmb.errors import AccessError, ConflictError, NotFoundError, ValidationError
from gmb.serve.actions import Body, ItemId, ItemRef, _facilitator, _find, _open, remove
from gmb.serve.room import Room
from gmb.serve.workshops import Actor
from gmb.session.model import Session

__all__ = ["AcceptAll", "Positions", "Room", "accept_all_changes", "install", "undo_changes"]

FIELDS = {"variable": "variables", "link": "links", "idea": "ideas"}
#: a map coordinate (vis-network's canvas units); far beyond any real layout
LIMIT = 1e6


class Positions(Body):
    positions: dict[ItemId, tuple[float, float]] = Field(max_length=2000)


class AcceptAll(Body):
    items: list[ItemRef] | None = Field(default=None, max_length=5000)


class Reject(ItemRef):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class Projector(Body):
    panel: Literal["auto", "loops", "ideas", "activity"]
    loop: int | None = Field(default=None, ge=0, le=100000)


class Travel(Body):
    scenario: str | None = Field(default=None, min_length=1, max_length=200)
    show: str = Field(default="idea", pattern=r"^(idea|push:[^\s]{1,200})$")


class Undo(Body):
    seq: int | None = None  # the change the page showed as last: refused if another came since


def position_changes(session: Session, actor: Actor, req: Positions) -> list[tuple[str, dict[str, Any]]]:
    _facilitator(actor)
    out = []
    for vid, (x, y) in sorted(req.positions.items()):
        if not (abs(x) < LIMIT and abs(y) < LIMIT):
            raise ValidationError("a position is out of range", field=f"positions.{vid}")
        var = session.variable(vid)  # raises NotFoundError for an unknown id
        new = (round(x, 1), round(y, 1))
        if var.position is None or tuple(var.position) != new:
            out.append(("update", {"kind": "variable", "id": vid, "changes": {"position": list(new)}}))
    if not out:
        raise ConflictError("every variable is there already: nothing changes")
    return out


def accept_all_changes(
    session: Session, by: str | None, items: list[ItemRef] | None
) -> list[tuple[str, dict[str, Any]]]:
    """Updates accepting every unaccepted variable, link and idea (or just ``items``)."""
    wanted = None if items is None else {(i.kind, i.id) for i in items}
    out = []
    for kind, field in FIELDS.items():
        for item in getattr(session, field):
            if item.accepted_by is None and (wanted is None or (kind, item.id) in wanted):
                out.append(("update", {"kind": kind, "id": item.id, "changes": {"accepted_by": by}}))
    if not out:
        raise ConflictError("nothing is waiting to be accepted")
    return out


def withdraw_changes(session: Session, actor: Actor, req: ItemRef) -> list[tuple[str, dict[str, Any]]]:
    _open(session, actor)
    item = _find(session, req.kind, req.id)
    if not actor.is_facilitator and (item.proposed_by != actor.participant or item.accepted_by is not None):
        raise AccessError("you can remove only your own proposals, before they are accepted")
    return remove(session, Actor(actor.session, "facilitator", actor.participant, actor.key_id), req)


def _item_before(events, kind: str, item_id: str, seq: int) -> dict[str, Any] | None:
    """The item as it was just before event ``seq`` (folded from its add and updates in the log)."""
    item: dict[str, Any] | None = None
    for ev in events:
        if ev.seq >= seq:
            break
        if ev.op == "create":
            for x in ev.data.get(FIELDS[kind], []):
                if x.get("id") == item_id:
                    item = dict(x)
        elif ev.data.get("kind") != kind:
            continue
        elif ev.op == "add" and (ev.data.get("item") or {}).get("id") == item_id:
            item = dict(ev.data["item"])
            item.setdefault("proposed_by", ev.by)
            item.setdefault("proposed_at", ev.at.isoformat())
        elif ev.op == "update" and ev.data.get("id") == item_id and item is not None:
            item.update(ev.data.get("changes") or {})
        elif ev.op == "remove" and ev.data.get("id") == item_id:
            item = None
    return item


def undo_changes(session: Session, events, seq: int | None) -> list[tuple[str, dict[str, Any]]]:
    """The inverse of the last event in ``events`` (add -> remove, update -> old values, remove -> add back).

    Moving variables on the map (position-only updates) is not a change people undo: it is skipped.
    """
    moved = lambda ev: ev.op == "update" and set(ev.data.get("changes") or {}) == {"position"}
    last = next((ev for ev in reversed(events) if not moved(ev)), events[-1])
    if seq is not None and last.seq != seq:
        raise ConflictError("another change came in meanwhile; look at the history again")
    kind, data = last.data.get("kind"), last.data
    if last.op not in ("add", "update", "remove") or kind not in FIELDS:
        raise ConflictError(f"the last change ({last.op}) cannot be undone here")
    if last.op == "add":
        return [("remove", {"kind": kind, "id": data["item"]["id"]})]
    before = _item_before(events, kind, data["id"], last.seq)
    if before is None:
        raise NotFoundError(f"the log has no earlier state of {kind} '{data['id']}'")
    if last.op == "remove":
        return [("add", {"kind": kind, "item": before})]
    defaults = {"accepted_by": None, "position": None}
    changes = {k: before.get(k, defaults.get(k)) for k in data.get("changes") or {}}
    return [("update", {"kind": kind, "id": data["id"], "changes": changes})]


def map_style() -> dict[str, Any]:
    """The visual language the live map draws with, from the static map's :mod:`gmb.views.style`.

    The one place to switch when the shared style module of issue 14 lands. "Proposed, not yet
    accepted" is drawn faded with a hollow ring after the sign (``proposed_mark``), never with a dash
    pattern: dashes and dots already say "negative" and "not sure" on the static map.

    >>> map_style()["polarity"]["-"]["dashes"]
    [10, 6]
    """
    from gmb.views import style

    return {"polarity": style.POLARITY_STYLE, "strength": style.STRENGTH_WIDTH, "outcome_border": style.OUTCOME_BORDER,
            "idea_fill": style.IDEA_FILL, "proposed_opacity": 0.4, "proposed_mark": "○", "delay_mark": "‖"}  # fmt: skip


def install(app, *, write: Callable, workshops, room=None, feed=None, auth: Callable | None = None) -> None:
    """Add the routes to ``app`` (a FastAPI app made by :func:`gmb.serve.app.create_app`)."""
    from fastapi import Request

    style = map_style()

    @app.get("/api/style")
    def get_style() -> dict[str, Any]:
        return style

    @app.post("/api/s/{sid}/positions")
    def positions(request: Request, sid: str, body: Positions) -> dict[str, Any]:
        return write(request, sid, lambda s, a: position_changes(s, a, body))

    @app.post("/api/s/{sid}/accept-all")
    def accept_all(request: Request, sid: str, body: AcceptAll) -> dict[str, Any]:
        def build(s, a):
            _facilitator(a)
            return accept_all_changes(s, a.participant, body.items)

        return write(request, sid, build)

    @app.post("/api/s/{sid}/withdraw")
    def withdraw(request: Request, sid: str, body: ItemRef) -> dict[str, Any]:
        return write(request, sid, lambda s, a: withdraw_changes(s, a, body))

    @app.post("/api/s/{sid}/reject")
    def reject(request: Request, sid: str, body: Reject) -> dict[str, Any]:
        from gmb.serve.room import reject_changes

        return write(request, sid, lambda s, a: reject_changes(s, a, body.kind, body.id, body.reason))

    if room is not None and auth is not None:

        @app.post("/api/s/{sid}/projector")
        def projector(request: Request, sid: str, body: Projector) -> dict[str, Any]:
            # Checked like a change (the facilitator's key of this session), but nothing is logged: a view setting.
            _facilitator(auth(request, sid, write=True))
            out = room.set_projector(sid, body.panel, body.loop)
            if feed is not None:
                feed.refresh(sid)
            return out

        @app.post("/api/s/{sid}/projector/travel")
        def projector_travel(request: Request, sid: str, body: Travel) -> dict[str, Any]:
            _facilitator(auth(request, sid, write=True))  # a view setting like the panel's: not logged
            out = room.set_travel(sid, body.scenario, body.show)
            if feed is not None:
                feed.refresh(sid)
            return out

    @app.post("/api/s/{sid}/undo")
    def undo(request: Request, sid: str, body: Undo) -> dict[str, Any]:
        def build(s, a):
            _facilitator(a)
            return undo_changes(s, workshops.events(sid), body.seq)

        return write(request, sid, build)
