"""A workshop day in seconds: what the server holds stays bounded (issue 20, item 1).

The server runs as its own process with worker threads that retire after 0.3 s idle (anyio's
default is 10 s), so the idle gaps between bursts make threads come and go as they do over a
day. Before the pool, each new thread opened a new database connection and never closed it:
PostgreSQL ran out of connections and SQLite out of file descriptors. ``bench/soak.py`` runs the
full day (10,000 connection cycles, real 10 s thread timeout) and prints the bounds it measured.
"""

from __future__ import annotations

import secrets
import socket
import time

import pytest

from tests.serve_support import (
    PG_URL,
    Server,
    pg_url,  # noqa: F401 - a fixture
    write_session,
)
from tests.soak_support import pg_connections, run_day

pytestmark = pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/fd"), reason="needs Linux /proc")

#: what a served day may hold at most, whatever its length (POOL_SIZE connections, ~40 worker threads)
MAX_DB_CONNECTIONS = 8
MAX_THREADS = 60
MAX_FD_GROWTH = 24  # the pool may still grow to its 8 connections, each up to 3 files (SQLite WAL)
MAX_RSS_GROWTH_MB = 40


def _day(tmp_path, db: str, monitor=None):
    write_session(tmp_path, 10)
    server = Server(tmp_path, db, str(tmp_path / "load.json"), thread_idle_s=0.3)
    keys = server.start()
    try:
        sid = "havndal-load"
        result = run_day(server.base, keys["facilitator"], sid, keys["code"], server.proc.pid, participants=50,
                         bursts=6, requests_per_burst=150, concurrency=30, gap=0.8, monitor=monitor)  # fmt: skip
    finally:
        server.stop()
    assert result.failures == [], result.failures[:5]
    first, bounds = result.samples[0], result.bounds()
    assert result.cycles >= 6 * 150 and result.joined >= 30 and result.left > 0
    assert bounds["threads"] <= MAX_THREADS, result.samples
    assert bounds["fds"] <= first.fds + MAX_FD_GROWTH, result.samples
    assert bounds["rss_mb"] <= first.rss_mb + MAX_RSS_GROWTH_MB, result.samples
    return result


def test_sqlite_day_keeps_files_threads_and_memory_bounded(tmp_path):
    _day(tmp_path, str(tmp_path / "serve.sqlite3"))


def test_postgres_day_keeps_connections_bounded(tmp_path, request):
    url = request.getfixturevalue("pg_url")
    app = "gmb_soak_" + secrets.token_hex(4)
    result = _day(tmp_path, url + f"&application_name={app}", monitor=lambda: pg_connections(PG_URL, app))
    assert max(s.db_connections for s in result.samples) <= MAX_DB_CONNECTIONS, result.samples
    # and all of them are closed when the server stops
    deadline = time.monotonic() + 5
    while pg_connections(PG_URL, app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pg_connections(PG_URL, app) == 0


HALF_SENT = [
    b"",  # connects, sends nothing
    b"POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",  # half the headers
    (
        b"POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"code": '
    ),  # half the body
]


def test_half_sent_requests_are_dropped_within_the_timeout(tmp_path):
    import httpx

    write_session(tmp_path, 2)
    server = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(tmp_path / "load.json"),
                    extra=("--request-timeout", "1"))  # fmt: skip
    server.start()
    try:
        socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in HALF_SENT]
        t = time.monotonic()
        for s, sent in zip(socks, HALF_SENT):
            s.sendall(sent)
        for s, sent in zip(socks, HALF_SENT):
            s.settimeout(6)
            data = s.recv(1000)  # b"" once the server closes the connection
            waited = time.monotonic() - t
            s.close()
            assert data == b"" and 0.5 < waited < 4, (sent, data, waited)
        # a client that sends its request promptly is served as before
        assert httpx.get(server.base + "/api/health", timeout=5).status_code == 200
    finally:
        server.stop()
