"""Sessions on the server: the foundation's Session and event log, kept in a database.

:class:`Workshops` is the one place that changes a served session. Every
change is a list of ``(op, data)`` pairs computed from the *current* session
while its lock is held, turned into :class:`gmb.session.events.Event` objects
(who = the participant behind the key, when = now) and applied with
:func:`gmb.session.events.apply` — the same validation as the command line —
before it is stored. A change that does not fit raises and stores nothing.

The current session of each id is cached in memory (``Live``) and advanced
event by event, so a write costs one ``apply``, not a replay of the whole log.
Before every write the cache is brought up to the database's ``last_seq``, so
several server processes sharing one PostgreSQL database stay correct.

>>> import tempfile, os
>>> from gmb.serve.db import open_database
>>> from gmb.session.model import Session
>>> w = Workshops(open_database(os.path.join(tempfile.mkdtemp(), "w.sqlite3")))
>>> made = w.create(Session(title="Demo", languages=("da", "en")))
>>> alice, key = w.join(made.join_code, "Alice")
>>> w.authenticate(key).participant == alice.participant
True
>>> [e.op for e in w.commit(made.session_id, alice, lambda s: [("add", {"kind": "variable", "item": {"id": "a"}})])]
['add']
>>> w.live(made.session_id).session.variable("a").proposed_by == alice.participant
True
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gmb.errors import AccessError, ConflictError, GmbError, NotFoundError, StoreError
from gmb.serve.db import Database, TokenRow
from gmb.serve.security import (
    NotAuthenticated,
    check_secret,
    new_join_code,
    new_key,
    normalise_join_code,
    split_key,
)

# The values moved to gmb.serve.session_state; re-exported here, where the routes, tests and bench import them.
from gmb.serve.session_state import (
    STAGE_TITLES,
    Actor,
    Change,
    Created,
    Live,
    Touch,
    _free_id,
    slug_for,
    touched_item,
)
from gmb.session.events import Event, apply, now
from gmb.session.model import STAGE_IDS, Participant, Role, Session, Stage
from gmb.session.parse import parse_session
from gmb.session.store import session_to_json

__all__ = ["STAGE_TITLES", "Actor", "Created", "Live", "Touch", "Workshops", "slug_for", "touched_item"]


class Workshops:
    """All served sessions in one database; thread-safe."""

    SNAPSHOT_EVERY = 200
    #: seconds a key is trusted from memory; a key revoked by another server process stops working within this
    KEY_CACHE_S = 5.0

    def __init__(self, db: Database, *, on_change: Callable[[str, int], None] | None = None,
                 code_length: int = 6) -> None:  # fmt: skip
        self.db = db
        self.on_change = on_change
        self.code_length = code_length
        self._live: dict[str, Live] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._keys: dict[str, tuple[TokenRow, float]] = {}
        self._queues: dict[str, list[_Pending]] = {}
        self._leading: set[str] = set()
        self._queue_lock = threading.Lock()

    # -- keys ---------------------------------------------------------------------
    def authenticate(self, key: str) -> Actor:
        """The actor behind ``key``; :class:`NotAuthenticated` if the key is unknown or wrong."""
        parts = split_key(key or "")
        row = None
        if parts is not None:
            cached = self._keys.get(parts[0])
            if cached is not None and time.monotonic() - cached[1] < self.KEY_CACHE_S:
                row = cached[0]
            else:
                row = self.db.token(parts[0])
                if row is not None:
                    self._keys[row.id] = (row, time.monotonic())
                else:
                    self._keys.pop(parts[0], None)
        if not check_secret(key or "", row):
            raise NotAuthenticated("unknown or wrong key", hint="open your link again, or rejoin with the join code")
        assert row is not None
        return Actor(row.session_id, row.role, row.participant, row.id)

    def issue_key(self, sid: str, role: str, participant: str | None = None) -> str:
        """A new key for an existing session (e.g. another projector, or a lost facilitator link)."""
        self.db.last_seq(sid)  # NotFoundError if there is no such session
        if role == "facilitator" and participant is None:
            participant = self._facilitator_of(self.live(sid).session)
        key, row = new_key(sid, role, participant)
        self.db.add_token(row)
        return key

    def keys(self, sid: str) -> list[TokenRow]:
        """The keys of session ``sid`` (ids, roles and participants; secrets are never stored)."""
        self.db.last_seq(sid)
        return self.db.tokens(sid)

    def revoke_key(self, sid: str, key_id: str) -> None:
        """Key ``key_id`` stops working at once in this process (within ``KEY_CACHE_S`` in others)."""
        if not self.db.replace_token(sid, key_id, None):
            raise NotFoundError(f"no key '{key_id}' in session '{sid}'", field="key_id")
        self._keys.pop(key_id, None)

    def rotate_key(self, sid: str, key_id: str) -> str:
        """A new key with the role and participant of ``key_id``, which stops working; returns the new key."""
        row = next((r for r in self.db.tokens(sid) if r.id == key_id), None)
        if row is None:
            raise NotFoundError(f"no key '{key_id}' in session '{sid}'", field="key_id")
        key, new = new_key(sid, row.role, row.participant)
        if not self.db.replace_token(sid, key_id, new):
            raise NotFoundError(f"no key '{key_id}' in session '{sid}'", field="key_id")
        self._keys.pop(key_id, None)
        return key

    def new_join_code(self, sid: str, length: int | None = None) -> str:
        """Give the session a new join code (e.g. a longer one for a session open for days); the old one stops."""
        self.db.last_seq(sid)
        for _ in range(5):
            code = new_join_code(length or self.code_length)
            if self.db.session_by_code(code) is None:
                break
        self.db.set_join_code(sid, code)
        return code

    @staticmethod
    def _facilitator_of(session: Session) -> str | None:
        for p in session.participants:
            if p.role is Role.facilitator:
                return p.id
        return None

    # -- creating and joining ----------------------------------------------------
    def create(
        self,
        session: Session,
        *,
        session_id: str | None = None,
        facilitator_name: str = "Facilitator",
        lang: str | None = None,
    ) -> Created:
        """Serve ``session`` under a new id: stages W0–W3 and a facilitator are added if missing."""
        taken = set(self.db.session_ids())
        if session_id is not None:
            from gmb.session.store import check_slug

            check_slug(session_id)
            if session_id in taken:
                raise ConflictError(f"a session '{session_id}' exists already on this server",
                                    hint="choose another id, or export and delete the old one")  # fmt: skip
            sid = session_id
        else:
            sid = slug_for(session.title, taken)
        at = now()
        first = Event(seq=1, op="create", at=at, data=session.model_dump(mode="json", exclude_defaults=True))
        changes: list[Change] = []
        titles = STAGE_TITLES.get(lang or session.languages[0], STAGE_TITLES["en"])
        have = {st.id for st in session.stages}
        for stage_id in STAGE_IDS:
            if stage_id not in have:
                item = Stage(id=stage_id, title=titles[stage_id]).model_dump(mode="json", exclude_defaults=True)
                changes.append(("add", {"kind": "stage", "item": item}))
        fac = self._facilitator_of(session)
        if fac is None:
            ids = {p.id for p in session.participants}
            fac = "facilitator" if "facilitator" not in ids else _free_id("facilitator", ids)
            person = Participant(id=fac, name=facilitator_name, role=Role.facilitator)
            changes.append(("add", {"kind": "participant", "item": person.model_dump(mode="json")}))
        events = [first.model_copy(update={"by": fac})]
        current = apply(None, events[0])
        for op, data in changes:
            ev = Event(seq=len(events) + 1, op=op, at=at, by=fac, data=data)
            current = apply(current, ev)  # the same validation as every later change
            events.append(ev)
        fac_key, fac_row = new_key(sid, "facilitator", fac)
        view_key, view_row = new_key(sid, "viewer", None)
        for _ in range(5):  # a join code clash is rare (32^6 codes); draw again if it happens
            code = new_join_code(self.code_length)
            if self.db.session_by_code(code) is None:
                break
        self.db.create_session(sid, code, events, [fac_row, view_row])
        self._live.pop(sid, None)
        return Created(sid, code, fac_key, view_key, fac)

    def join(self, code: str, name: str) -> tuple[Actor, str]:
        """Join the session with join code ``code`` as a new participant called ``name``."""
        sid = self.db.session_by_code(normalise_join_code(code))
        if sid is None:
            raise NotAuthenticated("no session has this join code", field="code", hint="check the code on the screen")
        holder: dict[str, Any] = {}

        def build(session: Session) -> list[Change]:
            if all(st.locked for st in session.stages):
                raise AccessError("this session is closed: every stage is locked")
            pid = _free_id("w", {p.id for p in session.participants})
            key, row = new_key(sid, "participant", pid)
            holder.update(key=key, row=row, pid=pid)
            return [("add", {"kind": "participant", "item": {"id": pid, "name": name}})]

        def also(tx) -> None:
            tx.add_token(holder["row"])

        self._commit(sid, None, build, also=also, by_new=True)
        return Actor(sid, "participant", holder["pid"], holder["row"].id), holder["key"]

    # -- reading ------------------------------------------------------------------
    def _lock(self, sid: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(sid, threading.Lock())

    def live(self, sid: str) -> Live:
        """The current session (and item histories), brought up to date with the database."""
        cached = self._live.get(sid)
        if cached is not None and cached.seq >= self.db.last_seq(sid):
            return cached
        with self._lock(sid):
            return self._catch_up(sid, lambda after: self.db.events(sid, after))

    def _catch_up(self, sid: str, events_after: Callable[[int], list[Event]]) -> Live:
        """Apply the events the cache has not seen (all of them after a restart)."""
        cached = self._live.get(sid)
        try:
            if cached is None:
                every = events_after(0)
                if not every:
                    raise NotFoundError(f"no session '{sid}' on this server")
                snap = self.db.snapshot(sid)
                if snap is not None and snap[0] <= every[-1].seq:
                    # The snapshot spares re-applying the early events; the history still comes from all of them.
                    base = parse_session(_strip_last_event(snap[1]), file=f"snapshot of {sid}")
                    todo = [e for e in every if e.seq > snap[0]]
                    live = Live(base, 0).advanced(base, [e for e in every if e.seq <= snap[0]])
                else:
                    first = every[0]
                    live = Live(apply(None, first), 0).advanced(apply(None, first), [first])
                    todo = every[1:]
            else:
                todo = events_after(cached.seq)
                live = cached
            session = live.session
            for ev in todo:
                session = apply(session, ev)
            live = live.advanced(session, todo)
        except GmbError as exc:
            if isinstance(exc, NotFoundError):
                raise
            raise StoreError(f"the stored log of session '{sid}' does not replay: {exc}") from None
        self._live[sid] = live
        return live

    def events(self, sid: str) -> list[Event]:
        return self.db.events(sid)

    def join_code(self, sid: str) -> str:
        return self.db.join_code(sid)

    # -- writing ------------------------------------------------------------------
    def commit(self, sid: str, actor: Actor, build: Callable[[Session], list[Change]]) -> list[Event]:
        """Apply the changes ``build(current session)`` returns, as ``actor``; store them; return the events."""
        if actor.session != sid:
            raise AccessError("this key belongs to another session")
        return self._commit(sid, actor.participant, build)

    def _commit(self, sid: str, by: str | None, build, *, also=None, by_new: bool = False) -> list[Event]:
        """Queue a change and wait until it is stored (or refused).

        Group commit: changes that arrive while a transaction is being written wait, and the next
        transaction takes all of them — each still built, validated and applied on its own, in order,
        and refused on its own — so a burst of changes shares one fsync instead of paying one each.
        Each thread leads at most one transaction, then hands the lead to the first one still waiting.
        """
        mine = _Pending(by, build, also, by_new)
        with self._queue_lock:
            self._queues.setdefault(sid, []).append(mine)
            if sid not in self._leading:
                self._leading.add(sid)
                mine.lead = True
        if not mine.lead:
            mine.wake.wait()
        if mine.lead and not mine.finished:
            self._lead_once(sid)
        if mine.error is not None:
            raise mine.error
        return mine.events

    def _lead_once(self, sid: str) -> None:
        with self._queue_lock:
            batch = self._queues.pop(sid, [])
        try:
            self._write_batch(sid, batch)
        except BaseException as exc:  # noqa: BLE001 - the transaction failed: each waiting request gets the error
            for p in batch:
                if not p.finished:
                    p.events, p.error, p.finished = [], exc, True
        finally:
            with self._queue_lock:
                waiting = self._queues.get(sid)
                successor = waiting[0] if waiting else None
                if successor is None:
                    self._leading.discard(sid)
                else:
                    successor.lead = True
            for p in batch:
                p.wake.set()
            if successor is not None:
                successor.wake.set()

    def _write_batch(self, sid: str, batch: list[_Pending]) -> None:
        stored: list[_Pending] = []
        events: list[Event] = []
        with self._lock(sid):
            with self.db.write(sid) as tx:
                live = self._live.get(sid)
                if live is None or live.seq != tx.last_seq():
                    live = self._catch_up(sid, tx.events_after)
                session, seq, at = live.session, live.seq, now()
                for p in batch:
                    try:
                        after, mine = session, []
                        for op, data in p.build(session):
                            who = p.by
                            if p.by_new and op == "add" and data.get("kind") == "participant":
                                who = data["item"]["id"]  # a joining participant is the author of their own arrival
                            ev = Event(seq=seq + len(mine) + 1, op=op, by=who, at=at, data=data)
                            after = apply(after, ev)  # the same validation as everywhere; raises if it does not fit
                            mine.append(ev)
                    except Exception as exc:  # noqa: BLE001 - this change is refused (its request gets the error); the rest go on
                        p.events, p.error, p.finished = [], exc, True
                        continue
                    session, seq = after, seq + len(mine)
                    p.events = mine
                    events += mine
                    stored.append(p)
                if events:
                    tx.append(events)
                    for p in stored:
                        if p.also is not None:
                            p.also(tx)
                    if seq // self.SNAPSHOT_EVERY > live.seq // self.SNAPSHOT_EVERY:
                        tx.save_snapshot(seq, session_to_json(session, last_event=seq))
            # committed: only now does the cache move on, and only now are the changes acknowledged
            if events:
                self._live[sid] = live.advanced(session, events)
        for p in stored:
            p.finished = True
        if events and self.on_change is not None:
            self.on_change(sid, seq)


@dataclass(eq=False)
class _Pending:
    """A change waiting for its transaction; ``wake`` is set when it is done or must lead."""

    by: str | None
    build: Callable[[Session], list[Change]]
    also: Callable[[Any], None] | None
    by_new: bool
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    finished: bool = False
    events: list[Event] = field(default_factory=list)
    error: BaseException | None = None


def _strip_last_event(text: str) -> dict[str, Any]:
    import json

    data = json.loads(text)
    data.pop("last_event", None)
    return data
