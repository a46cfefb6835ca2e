"""The engine-neutral part of the session store: the tables, the stored key rows, transactions and
the SQL every engine shares (see :mod:`gmb.serve.db` for what is stored and how writes take turns).

Kept apart from :mod:`gmb.serve.db` so the two engines (:mod:`gmb.serve.db_engines`) build on it
without the module that chooses between them.

>>> TokenRow("k1", "00", "demo", "viewer", None, "2026-01-01T00:00:00+00:00").role
'viewer'
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from gmb.errors import ConflictError, InputError, NotFoundError, StoreError
from gmb.session.events import Event

__all__ = ["Database", "TokenRow", "Transaction"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS gmb_sessions (
        id TEXT PRIMARY KEY,
        join_code TEXT NOT NULL UNIQUE,
        last_seq INTEGER NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS gmb_events (
        session_id TEXT NOT NULL REFERENCES gmb_sessions(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        by_participant TEXT,
        op TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS gmb_tokens (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        session_id TEXT NOT NULL REFERENCES gmb_sessions(id),
        role TEXT NOT NULL,
        participant TEXT,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS gmb_snapshots (
        session_id TEXT PRIMARY KEY REFERENCES gmb_sessions(id),
        seq INTEGER NOT NULL,
        body TEXT NOT NULL
    )""",
)


@dataclass(frozen=True)
class TokenRow:
    """A stored key: ``id`` is public (it selects the row), ``secret_hash`` = sha256(secret) in hex."""

    id: str
    secret_hash: str
    session_id: str
    role: str
    participant: str | None
    created_at: str


def _event_row(sid: str, ev: Event) -> tuple[Any, ...]:
    return (sid, ev.seq, ev.at.isoformat(), ev.by, ev.op, ev.model_dump_json())


class Transaction:
    """What a writer may do while it holds a session's lock (see :meth:`Database.write`)."""

    def __init__(self, db: Database, conn: Any, sid: str, last_seq: int) -> None:
        self._db, self._conn, self.sid, self._last = db, conn, sid, last_seq

    def last_seq(self) -> int:
        """The sequence number of the session's last stored event."""
        return self._last

    def events_after(self, seq: int) -> list[Event]:
        return self._db._events(self._conn, self.sid, seq)

    def append(self, events: Sequence[Event]) -> None:
        """Store events; their seqs must continue the log without a gap."""
        last = self._last
        for ev in events:
            if ev.seq != last + 1:
                raise ConflictError(f"event seq {ev.seq} does not follow {last}", field="seq")
            last = ev.seq
        # One call for the whole batch: each call lets go of the interpreter lock (GIL), and getting it back
        # while the event loop is busy cost up to 5 ms per row in the room benchmark.
        rows = [_event_row(self.sid, ev) for ev in events]
        self._db._exec_many(self._conn, "INSERT INTO gmb_events VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._last = last
        self._db._exec(self._conn, "UPDATE gmb_sessions SET last_seq = ? WHERE id = ?", (self._last, self.sid))

    def add_token(self, row: TokenRow) -> None:
        self._db._insert_token(self._conn, row)

    def save_snapshot(self, seq: int, body: str) -> None:
        self._db._exec(
            self._conn,
            "INSERT INTO gmb_snapshots VALUES (?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET seq = excluded.seq, body = excluded.body",
            (self.sid, seq, body),
        )


class Database:
    """Common SQL over pooled DB-API connections; subclasses say how to connect, pool and lock.

    Connections come from one bounded pool per database (never one per thread: worker threads
    come and go all day, and a connection per thread leaked until PostgreSQL said "too many
    clients"). A thread that already holds a connection gets the same one again when it nests
    calls (a write that reads the snapshot), so a full pool can never deadlock on itself.
    """

    placeholder = "?"
    url = ""
    #: the most connections one server process holds at once
    POOL_SIZE = 8

    def __init__(self) -> None:
        self._local = threading.local()
        self._closed = False
        self._open_pool()
        with self._conn() as conn:
            for statement in _SCHEMA:
                self._exec(conn, statement)

    # -- connections --------------------------------------------------------
    def _open_pool(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _get(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _put(self, conn: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _close_pool(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        held = getattr(self._local, "conn", None)
        if held is not None:  # nested use on this thread: the connection it holds already
            yield held
            return
        if self._closed:
            raise StoreError("the database is closed (the server is shutting down)")
        conn = self._get()
        self._local.conn = conn
        try:
            yield conn
        finally:
            self._local.conn = None
            self._put(conn)

    def close(self) -> None:
        """Close the pool and every connection in it (idempotent)."""
        if not self._closed:
            self._closed = True
            self._close_pool()

    def _sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def _exec(self, conn: Any, statement: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self._sql(statement), tuple(params))

    def _exec_many(self, conn: Any, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cur = conn.cursor()  # sqlite3 and psycopg both have cursor().executemany (psycopg's connection has not)
            try:
                cur.executemany(self._sql(statement), [tuple(r) for r in rows])
            finally:
                cur.close()

    def _one(self, statement: str, params: Sequence[Any] = ()) -> Any:
        with self._conn() as conn:
            return self._exec(conn, statement, params).fetchone()

    # -- transactions -------------------------------------------------------
    @contextmanager
    def _transaction(self, conn: Any) -> Iterator[None]:  # pragma: no cover - abstract
        raise NotImplementedError
        yield

    def _lock_session(self, conn: Any, sid: str) -> Any:
        return self._exec(conn, "SELECT last_seq FROM gmb_sessions WHERE id = ?", (sid,)).fetchone()

    @contextmanager
    def write(self, sid: str) -> Iterator[Transaction]:
        """A transaction holding session ``sid``'s write lock; commits on success, rolls back on error."""
        with self._conn() as conn, self._transaction(conn):
            row = self._lock_session(conn, sid)
            if row is None:
                raise NotFoundError(f"no session '{sid}' on this server")
            yield Transaction(self, conn, sid, int(row[0]))

    # -- sessions -----------------------------------------------------------
    def create_session(self, sid: str, join_code: str, events: Sequence[Event], tokens: Sequence[TokenRow]) -> None:
        """Store a new session with its first events (1: ``create``, 2, 3…) and keys, all or nothing."""
        if not events or events[0].op != "create" or [e.seq for e in events] != list(range(1, len(events) + 1)):
            raise InputError("a session starts with event 1, 'create', and counts on without gaps")
        with self._conn() as conn:
            try:
                with self._transaction(conn):
                    if self._exec(conn, "SELECT 1 FROM gmb_sessions WHERE id = ?", (sid,)).fetchone():
                        raise ConflictError(f"a session '{sid}' exists already on this server")
                    created = events[0].at.isoformat()
                    self._exec(
                        conn, "INSERT INTO gmb_sessions VALUES (?, ?, ?, ?)", (sid, join_code, len(events), created)
                    )
                    for ev in events:
                        self._exec(conn, "INSERT INTO gmb_events VALUES (?, ?, ?, ?, ?, ?)", _event_row(sid, ev))
                    for row in tokens:
                        self._insert_token(conn, row)
            except self._integrity_errors() as exc:
                raise ConflictError(f"cannot create session '{sid}': {exc}") from None

    def _integrity_errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.IntegrityError,)

    def _insert_token(self, conn: Any, row: TokenRow) -> None:
        self._exec(
            conn,
            "INSERT INTO gmb_tokens VALUES (?, ?, ?, ?, ?, ?)",
            (row.id, row.secret_hash, row.session_id, row.role, row.participant, row.created_at),
        )

    def add_token(self, row: TokenRow) -> None:
        with self._conn() as conn, self._transaction(conn):
            self._insert_token(conn, row)

    def session_ids(self) -> list[str]:
        with self._conn() as conn:
            return [r[0] for r in self._exec(conn, "SELECT id FROM gmb_sessions ORDER BY id").fetchall()]

    def session_by_code(self, join_code: str) -> str | None:
        row = self._one("SELECT id FROM gmb_sessions WHERE join_code = ?", (join_code,))
        return None if row is None else row[0]

    def join_code(self, sid: str) -> str:
        row = self._one("SELECT join_code FROM gmb_sessions WHERE id = ?", (sid,))
        if row is None:
            raise NotFoundError(f"no session '{sid}' on this server")
        return row[0]

    def last_seq(self, sid: str) -> int:
        row = self._one("SELECT last_seq FROM gmb_sessions WHERE id = ?", (sid,))
        if row is None:
            raise NotFoundError(f"no session '{sid}' on this server")
        return int(row[0])

    def token(self, token_id: str) -> TokenRow | None:
        row = self._one(
            "SELECT id, secret_hash, session_id, role, participant, created_at FROM gmb_tokens WHERE id = ?",
            (token_id,),
        )
        return None if row is None else TokenRow(*row)

    def tokens(self, sid: str) -> list[TokenRow]:
        """The keys of session ``sid`` (rows hold only hashes), oldest first."""
        with self._conn() as conn:
            rows = self._exec(conn, "SELECT id, secret_hash, session_id, role, participant, created_at FROM gmb_tokens "
                              "WHERE session_id = ? ORDER BY created_at, id", (sid,)).fetchall()  # fmt: skip
        return [TokenRow(*r) for r in rows]

    def replace_token(self, sid: str, old_id: str, new: TokenRow | None) -> bool:
        """Delete key ``old_id`` of session ``sid`` and store ``new`` (if given), in one transaction.

        Returns whether the old key existed (nothing changes if it did not).
        """
        with self._conn() as conn, self._transaction(conn):
            cur = self._exec(conn, "DELETE FROM gmb_tokens WHERE id = ? AND session_id = ?", (old_id, sid))
            if cur.rowcount != 1:
                return False
            if new is not None:
                self._insert_token(conn, new)
            return True

    def set_join_code(self, sid: str, code: str) -> None:
        """Give session ``sid`` a new join code (the old one stops working)."""
        with self._conn() as conn, self._transaction(conn):
            self._exec(conn, "UPDATE gmb_sessions SET join_code = ? WHERE id = ?", (code, sid))

    def events(self, sid: str, after: int = 0) -> list[Event]:
        with self._conn() as conn:
            return self._events(conn, sid, after)

    def _events(self, conn: Any, sid: str, after: int) -> list[Event]:
        rows = self._exec(
            conn, "SELECT body FROM gmb_events WHERE session_id = ? AND seq > ? ORDER BY seq", (sid, after)
        ).fetchall()
        return [Event.model_validate_json(r[0]) for r in rows]

    def snapshot(self, sid: str) -> tuple[int, str] | None:
        row = self._one("SELECT seq, body FROM gmb_snapshots WHERE session_id = ?", (sid,))
        return None if row is None else (int(row[0]), row[1])

    def count_events(self, sid: str) -> int:
        return int(self._one("SELECT COUNT(*) FROM gmb_events WHERE session_id = ?", (sid,))[0])
