"""Where the server keeps its sessions: SQLite (default, one file, WAL) or PostgreSQL.

Three tables, the same on both:

* ``gmb_sessions``  — one row per session: id, join code, ``last_seq``;
* ``gmb_events``    — the append-only log, ``PRIMARY KEY (session_id, seq)``
  (so a sequence number can never be given twice), one JSON event per row;
* ``gmb_tokens``    — access keys, stored only as SHA-256 hashes of their secret part;
* ``gmb_snapshots`` — the session as of some ``seq`` (a cache that bounds replay on restart).

Every write goes through :meth:`Database.write`, a transaction that first
locks the session (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``SELECT … FOR
UPDATE`` on the session row), so concurrent writers — threads or processes —
take turns and sequence numbers never collide or go missing.

>>> import tempfile, os
>>> db = open_database(os.path.join(tempfile.mkdtemp(), "t.sqlite3"))
>>> from gmb.session.events import Event
>>> db.create_session("demo", "ABC234", [Event(seq=1, op="create", data={"title": "Demo"})], [])
>>> with db.write("demo") as tx:
...     tx.last_seq()
1
>>> [e.op for e in db.events("demo")]
['create']
>>> db.close()
"""

from __future__ import annotations

from pathlib import Path

from gmb.errors import InputError

# The store is split in two modules (shared SQL, engines); every name stays importable from here.
from gmb.serve.db_core import Database, TokenRow, Transaction  # noqa: F401 - Transaction: importable as before
from gmb.serve.db_engines import PostgresDatabase, SqliteDatabase, describe_url

__all__ = ["Database", "PostgresDatabase", "SqliteDatabase", "TokenRow", "describe_url", "open_database"]


def open_database(url: str | Path) -> Database:
    """``postgresql://…`` → PostgreSQL; ``sqlite:///path`` or a plain path → SQLite."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text)
    if text.startswith("sqlite:///"):
        return SqliteDatabase(text.removeprefix("sqlite:///") or "gmb-serve.sqlite3")
    if "://" in text:
        raise InputError(f"unsupported database URL {describe_url(text)!r}", field="--db",
                         hint="use postgresql://user:password@host/dbname or a SQLite file path")  # fmt: skip
    return SqliteDatabase(text)
