"""Soak: a whole workshop day against ``gmb serve``, printing the bounds it measured.

50 participants join in waves and leave; every request opens and closes its own connection
(10,000+ connection cycles by default); between bursts the server idles longer than its worker
threads live (anyio: 10 s), so threads retire and new ones start all day. After every gap it
measures the server process: open files, threads, resident memory and (PostgreSQL) the
connections it holds in ``pg_stat_activity``. The reduced form runs in the test suite
(``tests/test_serve_soak.py``, worker threads retiring after 0.3 s).

Run: ``python bench/soak.py [--db postgresql://…] [--bursts 21 --requests 500 --gap 11]``.
Prints the measured series and the bounds; exits non-zero if a bound of the test is exceeded.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gmb.serve.db import describe_url
from tests.serve_support import Server, write_session
from tests.soak_support import pg_connections, run_day
from tests.test_serve_soak import MAX_DB_CONNECTIONS, MAX_FD_GROWTH, MAX_RSS_GROWTH_MB, MAX_THREADS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="postgresql://… URL (default: a temporary SQLite file)")
    parser.add_argument("--bursts", type=int, default=21)
    parser.add_argument("--requests", type=int, default=500, help="requests per burst")
    parser.add_argument("--concurrency", type=int, default=30)
    parser.add_argument("--gap", type=float, default=11.0, help="idle seconds between bursts (> 10 s thread timeout)")
    parser.add_argument("--thread-idle", type=float, default=None, help="override anyio's 10 s worker idle time")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="gmb-soak-"))
    write_session(tmp, 10)
    monitor, db, admin = None, str(tmp / "serve.sqlite3"), None
    if args.db:
        import psycopg

        # a schema of its own, dropped afterwards: the bench leaves nothing in the database
        app = "gmb_soak_" + secrets.token_hex(4)
        admin = psycopg.connect(args.db, autocommit=True)
        admin.execute(f"CREATE SCHEMA {app}")
        db = args.db + ("&" if "?" in args.db else "?") + f"options=-csearch_path%3D{app}&application_name={app}"
        monitor = lambda: pg_connections(args.db, app)
    server = Server(tmp, db, str(tmp / "load.json"), thread_idle_s=args.thread_idle)
    keys = server.start()
    t = time.monotonic()
    try:
        result = run_day(server.base, keys["facilitator"], "havndal-load", keys["code"], server.proc.pid,
                         participants=50, bursts=args.bursts, requests_per_burst=args.requests,
                         concurrency=args.concurrency, gap=args.gap, monitor=monitor)  # fmt: skip
    finally:
        server.stop()
        if admin is not None:
            admin.execute(f"DROP SCHEMA {app} CASCADE")
            admin.close()
    took = time.monotonic() - t
    print(f"database: {describe_url(args.db) if args.db else 'SQLite'}; {result.cycles} connection cycles, "
          f"{result.joined} joins, {result.left} leaves, {args.bursts} bursts with {args.gap:.1f} s idle gaps, "
          f"{took:.0f} s; failures: {len(result.failures)}")  # fmt: skip
    for f in result.failures[:5]:
        print("  failure:", f)
    print("burst  open files  threads  RSS MB  db connections")
    for s in result.samples:
        print(
            f"{s.burst:5d}  {s.fds:10d}  {s.threads:7d}  {s.rss_mb:6.1f}  {s.db_connections if s.db_connections is not None else '-':>14}"
        )
    first, bounds = result.samples[0], result.bounds()
    print("measured bounds after the first burst:", bounds)
    limits = {"fds": first.fds + MAX_FD_GROWTH, "threads": MAX_THREADS, "rss_mb": first.rss_mb + MAX_RSS_GROWTH_MB}
    if "db_connections" in bounds:
        limits["db_connections"] = MAX_DB_CONNECTIONS
    print("limits the test asserts:             ", limits)
    over = [k for k, v in bounds.items() if v > limits[k]]
    if over or result.failures:
        print("EXCEEDED:", over, "failures:", len(result.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
