"""The two engines of the session store: SQLite (one file, WAL, a small pool of its own) and
PostgreSQL (psycopg 3 with psycopg_pool), and :func:`describe_url`, which keeps passwords out of
their messages.

Kept apart from :mod:`gmb.serve.db_core` (the SQL both share): this is how each engine connects,
pools connections and locks a session.

>>> describe_url("postgresql://gmb:pw@localhost/gmb")
'postgresql://gmb:***@localhost/gmb'
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gmb.errors import InputError, StoreError
from gmb.serve.db_core import Database

__all__ = ["PostgresDatabase", "SqliteDatabase", "describe_url"]


class SqliteDatabase(Database):
    """One SQLite file in WAL mode; ``synchronous=FULL`` so an acknowledged write survives a crash."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database folder: {exc.strerror}", file=str(self.path.parent)) from None
        self.url = f"sqlite:///{self.path}"
        super().__init__()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database: {exc}", file=str(self.path)) from None
        return conn

    # A small pool of its own: at most POOL_SIZE connections (each holds ~3 open files with WAL),
    # opened when needed, reused by any thread, closed on close(). SQLite takes one writer at a time.
    def _open_pool(self) -> None:
        self._idle: list[sqlite3.Connection] = []
        self._slots = threading.BoundedSemaphore(self.POOL_SIZE)
        self._pool_lock = threading.Lock()

    def _get(self) -> sqlite3.Connection:
        if not self._slots.acquire(timeout=30):
            raise StoreError("the database is busy: every connection has been in use for 30 s", file=str(self.path))
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            try:
                conn = self._connect()
            except BaseException:
                self._slots.release()
                raise
        return conn

    def _put(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:  # an aborted transaction must not reach the next user
            conn.rollback()
        with self._pool_lock:
            if self._closed:
                conn.close()
            else:
                self._idle.append(conn)
        self._slots.release()

    def _close_pool(self) -> None:
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def open_connections(self) -> int:
        """How many connections the pool holds now (idle or in use)."""
        return len(self._idle) + self.POOL_SIZE - self._slots._value

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        # IMMEDIATE takes the write lock at once: two writers never both read last_seq and then collide.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


class PostgresDatabase(Database):
    """PostgreSQL through psycopg 3 and psycopg_pool (at most ``POOL_SIZE`` connections), the session row
    locked ``FOR UPDATE``."""

    placeholder = "%s"

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:  # pragma: no cover - depends on the installation
            raise InputError(
                "PostgreSQL needs the psycopg package", hint="pip install 'gmb[serve]' (psycopg[binary])"
            ) from None
        self.url = url
        super().__init__()

    def _open_pool(self) -> None:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:  # pragma: no cover - depends on the installation
            raise InputError(
                "PostgreSQL needs the psycopg_pool package", hint="pip install 'gmb[serve]' (psycopg-pool)"
            ) from None
        import psycopg

        try:  # one plain connection first: a wrong password or host fails at once, with psycopg's reason
            psycopg.connect(self.url, autocommit=True, connect_timeout=10).close()
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {describe_url(self.url)}: {_first_line(exc)}") from None
        # max_idle: connections unused for a while are closed, down to min_size.
        self._pool = ConnectionPool(
            self.url, min_size=1, max_size=self.POOL_SIZE, max_idle=60, timeout=30, open=False, num_workers=2,
            kwargs={"autocommit": True, "connect_timeout": 10}, name="gmb",
        )  # fmt: skip
        try:
            self._pool.open(wait=True, timeout=15)
        except Exception as exc:  # noqa: BLE001 - PoolTimeout or a connection error: one line, password masked
            self._pool.close()
            raise StoreError(f"cannot connect to PostgreSQL at {describe_url(self.url)}: {_first_line(exc)}") from None

    def _get(self) -> Any:
        from psycopg_pool import PoolTimeout

        try:
            return self._pool.getconn()
        except PoolTimeout:
            raise StoreError(f"no PostgreSQL connection free within 30 s ({describe_url(self.url)})") from None

    def _put(self, conn: Any) -> None:
        self._pool.putconn(conn)  # the pool rolls back a connection left in a transaction, drops a broken one

    def _close_pool(self) -> None:
        self._pool.close(timeout=5)

    def open_connections(self) -> int:
        """How many connections the pool holds now (idle or in use)."""
        return int(self._pool.get_stats().get("pool_size", 0))

    @contextmanager
    def _transaction(self, conn: Any) -> Iterator[None]:
        with conn.transaction():
            yield

    def _lock_session(self, conn: Any, sid: str) -> Any:
        return self._exec(conn, "SELECT last_seq FROM gmb_sessions WHERE id = ? FOR UPDATE", (sid,)).fetchone()

    def _integrity_errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.IntegrityError,)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe_url(url: str) -> str:
    """The URL without its password (for messages and logs): in the user part and in ``?password=``.

    >>> describe_url("postgresql://gmb:secret@db.example:5432/gmb")
    'postgresql://gmb:***@db.example:5432/gmb'
    >>> describe_url("postgresql://db.example/gmb?user=gmb&password=secret&sslmode=require")
    'postgresql://db.example/gmb?user=gmb&password=***&sslmode=require'
    """
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc and ":" in netloc.rpartition("@")[0]:
            user = netloc.rpartition("@")[0].partition(":")[0]
            netloc = f"{user}:***@{netloc.rpartition('@')[2]}"
        query = re.sub(r"(?i)(^|&)(password|pass|pwd)=[^&]*", r"\1\2=***", parts.query)
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:  # not a URL we can take apart: show nothing that could be a secret
        return url.split("://", 1)[0] + "://***"
