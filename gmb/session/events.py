"""Changes to a session as events: who did what, when.

Every change to a stored session is an :class:`Event` appended to
``events.jsonl``; :func:`apply` turns a session and an event into the next
session, and :func:`replay` rebuilds a session from its whole log. Nothing
else changes a stored session, so the log *is* the history.

>>> e1 = Event(seq=1, op="create", data={"title": "Demo"})
>>> e2 = Event(seq=2, op="add", by=None, data={"kind": "variable", "item": {"id": "a", "labels": {"en": "A"}}})
>>> replay([e1, e2]).variable("a").label()
'A'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

import pydantic
from pydantic import Field

from gmb.errors import ConflictError, NotFoundError, ValidationError
from gmb.session.model import (
    Idea,
    Implementation,
    Indicator,
    Initiative,
    Link,
    Observation,
    Participant,
    Presentation,
    Record,
    Session,
    Stage,
    Story,
    Theme,
    Variable,
)
from gmb.session.parse import parse_session
from gmb.session.validate import RuleBroken, check_item, check_references, pydantic_to_gmb

__all__ = ["KINDS", "Event", "apply", "now", "replay"]

#: kind name -> (collection field on Session, record type)
KINDS: dict[str, tuple[str, type[Record]]] = {
    "stage": ("stages", Stage),
    "participant": ("participants", Participant),
    "indicator": ("indicators", Indicator),
    "variable": ("variables", Variable),
    "link": ("links", Link),
    "theme": ("themes", Theme),
    "story": ("stories", Story),
    "initiative": ("initiatives", Initiative),
    "idea": ("ideas", Idea),
    "observation": ("observations", Observation),
    "implementation": ("implemented", Implementation),
    "presentation": ("presentations", Presentation),
}
META_FIELDS = {"title", "place", "focus", "languages", "dates", "outcome", "notes"}
_PROVENANCE_KINDS = {"variable", "link", "initiative", "idea"}

Op = Literal["create", "set", "add", "update", "remove", "support", "dispute", "vote", "unvote", "scenario"]


def now() -> datetime:
    """The current time in UTC, to the second (what the log records)."""
    return datetime.now(UTC).replace(microsecond=0)


class Event(Record):
    """One change: ``op`` with its ``data``, made by ``by`` at ``at``.

    ``seq`` numbers events 1, 2, 3… within a session's log.

    Parameters
    ----------
    seq : int
        Position in the session's log, from 1.
    at : datetime
        When the change was made (UTC; default: now).
    by : str or None
        The participant id of who made it (None: the facilitator's tools or an import).
    op : str
        ``create``, ``add``, ``update``, ``remove``, ``set``, ``support``, ``dispute``, ``vote``, …
    data : dict
        What changed: for ``add``, ``{"kind": …, "item": {…}}``; for ``update``, the kind, id and fields.

    Examples
    --------
    >>> ev = Event(seq=1, op="create", data={"title": "Havndal"})
    >>> ev.seq, ev.op, ev.data["title"]
    (1, 'create', 'Havndal')
    """

    _clean_text: ClassVar[bool] = False  # its data is checked when it is applied (the records it builds)

    seq: int = Field(ge=1)
    at: datetime = Field(default_factory=now)
    by: str | None = None
    op: Op
    data: dict[str, Any] = Field(default_factory=dict)


def replay(events: Iterable[Event]) -> Session:
    """Rebuild a session by applying its events in order from nothing.

    Parameters
    ----------
    events : iterable of Event
        The session's log, starting with its ``create`` event.

    Returns
    -------
    Session
        The session the log describes; every event is checked against the whole session.

    Raises
    ------
    ValidationError
        When the log is empty or an event does not fit (the error names the event).

    Examples
    --------
    >>> log = [Event(seq=1, op="create", data={"title": "x"}),
    ...        Event(seq=2, op="add", data={"kind": "variable", "item": {"id": "sleep"}})]
    >>> [v.id for v in replay(log).variables]
    ['sleep']
    """
    session: Session | None = None
    for ev in events:
        session = apply(session, ev, full=True)
    if session is None:
        raise ValidationError("the event log is empty: nothing to rebuild")
    return session


def apply(session: Session | None, ev: Event, *, full: bool = False) -> Session:
    """The session after ``ev``. Raises a GmbError (never mutates anything) if ``ev`` does not fit.

    An event that adds or changes one item checks only that item's references
    (:func:`gmb.session.validate.check_item`), so storing a change does not walk the whole
    session; it raises exactly what checking the whole session would. ``full=True`` checks the
    whole session after every event (what :func:`replay` does), as do ``set`` and ``remove``.

    Parameters
    ----------
    session : Session or None
        The session before the event (None only for a ``create`` event).
    ev : Event
        The change.
    full : bool, optional
        Check the whole session after the event, not only the item it touches.

    Returns
    -------
    Session
        A new session; ``session`` itself is never changed.

    Raises
    ------
    ValidationError, NotFoundError, ConflictError
        When the event does not fit the session; the message names the event and field.

    Examples
    --------
    >>> s = apply(None, Event(seq=1, op="create", data={"title": "x"}))
    >>> s = apply(s, Event(seq=2, op="add", data={"kind": "variable", "item": {"id": "sleep"}}))
    >>> [v.id for v in s.variables]
    ['sleep']
    """
    where = f"event {ev.seq} ({ev.op})"
    if ev.op == "create":
        if session is not None:
            raise ConflictError("the session exists already", field=where)
        return parse_session(ev.data, file=None)
    if session is None:
        raise ValidationError("the first event must be 'create'", field=where)
    if ev.op == "scenario":  # a what-if saved as a named scenario: recorded (who, when), the map is unchanged
        _check_scenario(ev, where)
        return session
    handler = _HANDLERS[ev.op]
    try:
        new, collection, index = handler(session, ev)
        if full or collection is None:
            check_references(new)
        else:
            check_item(new, collection, index)
    except RuleBroken as exc:
        raise ValidationError(exc.message, field=f"{where}: {exc.field}", hint=exc.hint) from None
    except pydantic.ValidationError as exc:
        raise pydantic_to_gmb(exc, prefix=where) from None
    return new


def _check_scenario(ev: Event, where: str) -> None:
    """A ``scenario`` event's data: ``{"name": str, "ideas": {idea: {"dose": k, "start": lag}}, …}``."""
    name, ideas = ev.data.get("name"), ev.data.get("ideas")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("a saved scenario needs a name", field=f"{where}.data.name")
    if not isinstance(ideas, dict) or not ideas or not all(isinstance(v, dict) for v in ideas.values()):
        raise ValidationError("a saved scenario needs its ideas with dose and start", field=f"{where}.data.ideas")


def _kind(ev: Event) -> tuple[str, str, type[Record]]:
    kind = ev.data.get("kind")
    if kind not in KINDS:
        raise ValidationError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}", field=f"event {ev.seq}.data.kind")
    field, cls = KINDS[kind]
    return kind, field, cls


# Each handler returns the new session and, if only one item changed, its (collection, index):
# the earlier session obeyed every rule, so that item is all there is to check.
Changed = tuple[Session, str | None, int | None]


def _set(session: Session, ev: Event) -> Changed:
    bad = set(ev.data) - META_FIELDS
    if bad:
        raise ValidationError(f"cannot set {', '.join(sorted(bad))}", field=f"event {ev.seq}.data")
    return Session.model_validate({**session.model_dump(), **ev.data}), None, None


def _add(session: Session, ev: Event) -> Changed:
    kind, field, cls = _kind(ev)
    item = dict(ev.data.get("item") or {})
    if kind in _PROVENANCE_KINDS:
        # Who and when come from the event unless the item says otherwise (imports keep their own).
        item.setdefault("proposed_by", ev.by)
        item.setdefault("proposed_at", ev.at)
    record = cls.model_validate(item)
    existing = getattr(session, field)
    if any(x.id == record.id for x in existing):
        raise ConflictError(f"a {kind} with id '{record.id}' exists already", field=f"event {ev.seq}")
    return session.model_copy(update={field: (*existing, record)}), field, len(existing)


def _index(session: Session, field: str, item_id: str, kind: str) -> int:
    for i, x in enumerate(getattr(session, field)):
        if x.id == item_id:
            return i
    raise NotFoundError(f"unknown {kind} '{item_id}'")


def _update(session: Session, ev: Event) -> Changed:
    kind, field, cls = _kind(ev)
    item_id = ev.data.get("id")
    changes = dict(ev.data.get("changes") or {})
    if "id" in changes and changes["id"] != item_id:
        raise ValidationError("an id cannot be changed", field=f"event {ev.seq}.data.changes.id")
    items = list(getattr(session, field))
    i = _index(session, field, item_id, kind)
    items[i] = cls.model_validate({**items[i].model_dump(), **changes})
    return session.model_copy(update={field: tuple(items)}), field, i


def _remove(session: Session, ev: Event) -> Changed:
    kind, field, _ = _kind(ev)
    item_id = ev.data.get("id")
    _index(session, field, item_id, kind)
    # check_references (in apply) refuses the removal if anything still points at the item.
    return session.model_copy(update={field: tuple(x for x in getattr(session, field) if x.id != item_id)}), None, None


def _toggle(field: str, key: str, attr: str, add: bool):
    def handler(session: Session, ev: Event) -> Changed:
        item_id = ev.data.get(key)
        who = ev.data.get("participant", ev.by)
        if who is None:
            raise ValidationError("who is it? give a participant", field=f"event {ev.seq}.data.participant")
        items = list(getattr(session, field))
        i = _index(session, field, item_id, key)
        current = getattr(items[i], attr)
        if add and who in current:
            raise ConflictError(f"'{who}' already counted on {key} '{item_id}'", field=f"event {ev.seq}")
        if not add and who not in current:
            raise NotFoundError(f"'{who}' has no vote on {key} '{item_id}'", field=f"event {ev.seq}")
        new = (*current, who) if add else tuple(p for p in current if p != who)
        items[i] = items[i].model_copy(update={attr: new})
        return session.model_copy(update={field: tuple(items)}), field, i

    return handler


_HANDLERS = {
    "set": _set,
    "add": _add,
    "update": _update,
    "remove": _remove,
    "support": _toggle("links", "link", "supporters", True),
    "dispute": _toggle("links", "link", "disputers", True),
    "vote": _toggle("ideas", "idea", "votes", True),
    "unvote": _toggle("ideas", "idea", "votes", False),
}
