"""Benchmark of ``gmb serve``: the room's latency, the projector in Chromium, and the store.

**Room** (default): a real ``gmb serve`` process on 127.0.0.1 with a 40-variable session; 50
participants join, each keeps the live stream open (as their page does), and each adds 20 links
back to back (the load test's 1,000 changes). For every change and every *other* open screen
(49 participants and the projector) it records when that screen's stream delivered a patch
containing the change, and prints p50 / p95 / max of "change sent → every other screen has it"
(target: p95 <= 300 ms on a 2-core machine). The clients run in this process and share the
machine's cores with the server, as a worst case; the browser's drawing time is not included (the
projector part measures that). They are plain asyncio (``serve_bench_client.py``: each participant
posts over its own keep-alive connection, each screen reads its own stream) because httpx's pool cost
the client more CPU than the server used. The time of a change starts just before its request is
written and ends when a screen's stream has delivered the patch holding it; the server's and this
client's CPU seconds per change are printed too (they vary less with the machine's load).

**Projector** (``--projector``): a 150-variable, 400-link session in headless Chromium at
1920×1080: seconds until the layout settles (and stops), and milliseconds from a new link to the
projector's page having drawn it, over 20 updates.

**Store** (``--store``): what storing a change costs against the bare event ``apply``: adds 1,000
links one event at a time with :func:`gmb.session.events.apply` alone and through
:class:`gmb.serve.workshops.Workshops.commit` on SQLite (or ``--db``), then a restart (snapshot +
log) against a bare ``replay``. Prints milliseconds per change and the ratios.

Run: ``python bench/serve_bench.py [--participants 50 --changes 20] [--projector] [--store]``.
Not a test: nothing asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gmb.serve.db import describe_url, open_database
from gmb.serve.workshops import Workshops
from gmb.session.events import Event, apply, replay
from gmb.session.model import Participant, Session, Variable


# -- a real server ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tmp: Path, session: dict) -> tuple[subprocess.Popen, str, dict[str, str]]:
    """Start ``gmb serve --import`` on a free port; return the process, the base URL and the keys."""
    import httpx

    path = tmp / "room.json"
    path.write_text(json.dumps(session, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with open(tmp / "out.txt", "wb") as out, open(tmp / "err.txt", "wb") as err:  # the child keeps its own copies
        proc = subprocess.Popen([sys.executable, "-m", "gmb", "--sessions-dir", str(tmp / "s"), "serve", "--port",
                                 str(port), "--db", str(tmp / "room.sqlite3"), "--import", str(path)], cwd=tmp,
                                stdout=out, stderr=err, env=env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        raise SystemExit(f"the server did not start: {(tmp / 'err.txt').read_text()}")
    text = (tmp / "out.txt").read_text(encoding="utf-8")
    keys = {"facilitator": re.search(r"/f#key=(\S+)", text).group(1), "viewer": re.search(r"/v#key=(\S+)", text).group(1),
            "code": re.search(r"with code\s+(\S+)", text).group(1)}  # fmt: skip
    return proc, base, keys


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def room_session(n_vars: int) -> dict:
    return {"title": "Room bench", "languages": ["da", "en"],
            "variables": [{"id": f"v{i}", "labels": {"da": f"Variabel {i} æøå"}} for i in range(n_vars)]}  # fmt: skip


# -- the room: 50 screens, 1,000 changes -------------------------------------------------------
async def room(base: str, keys: dict[str, str], n_people: int, n_changes: int, n_vars: int, think: float) -> dict:
    """Every participant posts over its own keep-alive connection; every screen reads its own stream."""
    from serve_bench_client import Connection, listen

    host, port = base.removeprefix("http://").rsplit(":", 1)
    port = int(port)
    pairs = [(a, b) for a in range(n_vars) for b in range(n_vars) if a != b]
    random.Random(9).shuffle(pairs)
    door = Connection(host, port)
    joined = [json.loads((await door.request("POST", "/api/join", body={"code": keys["code"], "name": f"P{i}"}))[1])
              for i in range(n_people)]  # fmt: skip
    door.close()
    sid = joined[0]["session"]
    screens = [(j["participant"], j["key"]) for j in joined] + [("projector", keys["viewer"])]
    seen = {who: [] for who, _ in screens}
    readies = [asyncio.Event() for _ in screens]
    tasks = [asyncio.create_task(listen(host, port, f"/api/s/{sid}/stream", key, seen[who], ready))
             for (who, key), ready in zip(screens, readies)]  # fmt: skip
    await asyncio.wait_for(asyncio.gather(*[r.wait() for r in readies]), 30)
    sent: list[tuple[str, int, float]] = []
    refused, posted = [], []

    async def participant(i: int, who: str, key: str) -> None:
        pause = random.Random(i)
        phone = Connection(host, port)
        await phone.open()
        for a, b in pairs[i * n_changes : (i + 1) * n_changes]:
            if think:  # a person looks at the map before the next change: 0.5–1.5 × think seconds
                await asyncio.sleep(think * pause.uniform(0.5, 1.5))
            t = time.perf_counter()
            status, body = await phone.request("POST", f"/api/s/{sid}/links", key,
                                               {"cause": f"v{a}", "effect": f"v{b}", "polarity": "+-"[(a + b) % 2]})  # fmt: skip
            posted.append(time.perf_counter() - t)
            if status == 200:
                sent.append((who, json.loads(body)["seq"], t))
            else:
                refused.append(status)
        phone.close()

    t0 = time.perf_counter()
    await asyncio.gather(*[participant(i, who, key) for i, (who, key) in enumerate(screens[:-1])])
    wall = time.perf_counter() - t0
    last = max(s for _, s, _ in sent)
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and any(not v or max(x for x, _ in v) < last for v in seen.values()):
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies, missing = [], 0
    for who, seq, t in sent:
        for other, got in seen.items():
            if other == who:
                continue
            when = next((tt for s, tt in got if s >= seq), None)
            if when is None:
                missing += 1
            else:
                latencies.append(when - t)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    return {"changes": len(sent), "refused": len(refused), "pairs": len(latencies), "missing": missing,
            "resets": sum(1 for v in seen.values() for s, _ in v if s == -1), "wall": wall,
            "p50": pick(0.5), "p95": pick(0.95), "max": latencies[-1],
            "post_p50": sorted(posted)[len(posted) // 2], "post_p95": sorted(posted)[int(len(posted) * 0.95)]}  # fmt: skip


def room_bench(n_people: int, n_changes: int, think: float) -> None:
    n_vars = 40
    with tempfile.TemporaryDirectory() as tmp:
        proc, base, keys = serve(Path(tmp), room_session(n_vars))
        try:
            server0, client0 = cpu_seconds(proc.pid), time.process_time()
            out = asyncio.run(room(base, keys, n_people, n_changes, n_vars, think))
            server_cpu, client_cpu = cpu_seconds(proc.pid) - server0, time.process_time() - client0
        finally:
            stop(proc)
    pace = f"a pause of {think * 0.5:g}-{think * 1.5:g} s before each change" if think else "back to back (no pause)"
    print(
        f"room                        : {n_people} participants x {n_changes} links, {pace}; {n_people} + 1 open streams"
    )
    print(f"machine                     : {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"changes stored              : {out['changes']} (refused {out['refused']}) in {out['wall']:.1f} s")
    print(
        f"CPU per change              : server {server_cpu / out['changes'] * 1000:.1f} ms, this client "
        f"{client_cpu / out['changes'] * 1000:.1f} ms (joins, streams and the drain included)"
    )
    print(f"the change's own request    : p50 {out['post_p50'] * 1000:.0f} ms, p95 {out['post_p95'] * 1000:.0f} ms")
    print(f"change -> every other screen: p50 {out['p50'] * 1000:.0f} ms, p95 {out['p95'] * 1000:.0f} ms, "
          f"max {out['max'] * 1000:.0f} ms over {out['pairs']} (change, screen) pairs; missing {out['missing']}, "
          f"resets {out['resets']}  (target p95 <= 300 ms)")  # fmt: skip


def start() -> Session:
    return Session(title="bench", participants=(Participant(id="p1", name="P"),),
                   variables=tuple(Variable(id=f"v{i}") for i in range(40)))  # fmt: skip


def changes(n: int) -> list[tuple[str, dict]]:
    pairs = [(a, b) for a in range(40) for b in range(40) if a != b][:n]
    return [("add", {"kind": "link", "item": {"id": f"L{i}", "cause": f"v{a}", "effect": f"v{b}", "polarity": "+"}})
            for i, (a, b) in enumerate(pairs)]  # fmt: skip


def store_bench(args) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--changes", type=int, default=20, help="links each participant adds")
    parser.add_argument(
        "--think",
        type=float,
        nargs="*",
        default=[2.0, 0.0],
        help="mean seconds each participant pauses before a change; one room per value (0: back to back)",
    )
    parser.add_argument("--projector", action="store_true", help="also time the projector page in Chromium")
    parser.add_argument("--store", action="store_true", help="also time storing changes (Workshops.commit)")
    parser.add_argument("--links", type=int, default=1000, help="--store: links to add")
    parser.add_argument("--db", default=None, help="--store: database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    for think in args.think:
        room_bench(args.participants, args.changes, think)
    if args.projector:
        from serve_bench_projector import projector_bench

        projector_bench()
    if args.store:
        store_bench(args)


if __name__ == "__main__":
    main()
