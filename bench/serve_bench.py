"""Benchmark: what storing a workshop change costs the server, against the bare event ``apply``.

Builds a session with 40 variables and adds 1,000 links one event at a time, twice in the same
process: with the foundation's :func:`gmb.session.events.apply` alone (the reference: validation,
no storage), and through :class:`gmb.serve.workshops.Workshops.commit` on SQLite (WAL,
``synchronous=FULL``; the in-memory session cache, the lock, the transaction, the log row).
Then it restarts: a new ``Workshops`` rebuilds the session from the database (snapshot + log),
against a bare ``replay`` of the same events. Prints milliseconds per change and the ratios.

Run: ``python bench/serve_bench.py [--links N] [--db postgresql://…]``. Not a test: nothing asserts timings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gmb.serve.db import describe_url, open_database  # noqa: E402
from gmb.serve.workshops import Workshops  # noqa: E402
from gmb.session.events import Event, apply, replay  # noqa: E402
from gmb.session.model import Participant, Session, Variable  # noqa: E402


def start() -> Session:
    return Session(title="bench", participants=(Participant(id="p1", name="P"),),
                   variables=tuple(Variable(id=f"v{i}") for i in range(40)))  # fmt: skip


def changes(n: int) -> list[tuple[str, dict]]:
    pairs = [(a, b) for a in range(40) for b in range(40) if a != b][:n]
    return [("add", {"kind": "link", "item": {"id": f"L{i}", "cause": f"v{a}", "effect": f"v{b}", "polarity": "+"}})
            for i, (a, b) in enumerate(pairs)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    todo = changes(args.links)

    t = time.perf_counter()
    session = apply(None, Event(seq=1, op="create", data=start().model_dump(mode="json", exclude_defaults=True)))
    events = []
    for i, (op, data) in enumerate(todo, start=2):
        ev = Event(seq=i, op=op, by="p1", data=data)
        session = apply(session, ev)
        events.append(ev)
    bare = (time.perf_counter() - t) / len(todo)

    url = args.db or str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    w = Workshops(open_database(url))
    made = w.create(start(), session_id="bench")
    actor = w.authenticate(made.facilitator_key)
    t = time.perf_counter()
    for op, data in todo:
        w.commit("bench", actor, lambda s, op=op, data=data: [(op, data)])
    served = (time.perf_counter() - t) / len(todo)
    w.db.close()

    log = open_database(url).events("bench")
    t = time.perf_counter()
    replay(log)
    bare_replay = time.perf_counter() - t
    db = open_database(url)
    t = time.perf_counter()
    rebuilt = Workshops(db).live("bench")
    restart = time.perf_counter() - t
    assert rebuilt.session == replay(log)
    db.close()

    print(f"database                    : {describe_url(url)}")
    print(f"links added                 : {len(todo)} (one event each)")
    print(f"bare apply (reference)      : {bare * 1000:.2f} ms per change")
    print(f"Workshops.commit (stored)   : {served * 1000:.2f} ms per change  = {served / bare:.2f}x the reference")
    print(f"bare replay of the log      : {bare_replay * 1000:.0f} ms")
    print(f"restart (snapshot + log)    : {restart * 1000:.0f} ms  = {restart / bare_replay:.2f}x the reference")


if __name__ == "__main__":
    main()
