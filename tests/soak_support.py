"""A workshop day against a running ``gmb serve`` process, measuring what it holds (not a test module).

Used by ``tests/test_serve_soak.py`` (reduced: seconds) and ``bench/soak.py`` (full: a day's worth).
Every request opens and closes its own TCP connection (``Connection: close``), so ``cycles`` counts
connection cycles. Participants join in waves and leave (stop using their key and close their live
stream); between bursts the server sits idle for ``gap`` seconds — longer than its worker threads
live when idle — so threads retire and new ones start, which is what leaked connections before.
After every gap the server process is measured: open files (``/proc/PID/fd``), threads, resident
memory and, on PostgreSQL, the connections the server holds (``pg_stat_activity``, counted by the
``application_name`` the caller put in the URL).
"""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx


@dataclass
class Sample:
    burst: int
    fds: int
    threads: int
    rss_mb: float
    db_connections: int | None


@dataclass
class SoakResult:
    cycles: int = 0
    failures: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    joined: int = 0
    left: int = 0

    def bounds(self, skip: int = 1) -> dict[str, float]:
        """The largest value of each measure after the first ``skip`` samples (the warm-up)."""
        later = self.samples[skip:] or self.samples
        out = {"fds": max(s.fds for s in later), "threads": max(s.threads for s in later),
               "rss_mb": max(s.rss_mb for s in later)}  # fmt: skip
        conns = [s.db_connections for s in later if s.db_connections is not None]
        if conns:
            out["db_connections"] = max(conns)
        return out


def process_sample(pid: int, burst: int, db_connections: int | None) -> Sample:
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        status = dict(line.split(":", 1) for line in fh if ":" in line)
    threads = int(status["Threads"].strip())
    rss_mb = int(status["VmRSS"].split()[0]) / 1024
    return Sample(burst, fds, threads, round(rss_mb, 1), db_connections)


def pg_connections(monitor_url: str, application_name: str) -> int:
    import psycopg

    with psycopg.connect(monitor_url, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                           (application_name,)).fetchone()  # fmt: skip
        return int(row[0])


class Participant:
    def __init__(self, name: str) -> None:
        self.name, self.key = name, None


def run_day(base: str, facilitator_key: str, sid: str, code: str, pid: int, *, participants: int = 50,
            bursts: int = 5, requests_per_burst: int = 200, concurrency: int = 20, gap: float = 1.0,
            monitor=None, seed: int = 1) -> SoakResult:  # fmt: skip
    """Run the day; ``monitor()`` returns the server's database connections (or None on SQLite)."""
    rng = random.Random(seed)
    result = SoakResult()
    lock = threading.Lock()
    people = [Participant(f"Deltager {i} æøå") for i in range(participants)]
    close = {"Connection": "close"}
    # no keep-alive: every request opens and closes its own connection (one client, so no per-request set-up)
    client = httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0))

    def call(method: str, path: str, key: str | None = None, **kw) -> httpx.Response | None:
        headers = dict(close)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        try:
            r = client.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            with lock:
                result.failures.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        with lock:
            result.cycles += 1
            if r.status_code >= 500 or r.status_code == 401:
                result.failures.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
        return r

    def join(p: Participant) -> None:
        r = call("POST", "/api/join", json={"code": code, "name": p.name})
        if r is not None and r.status_code == 200:
            p.key = r.json()["key"]
            with lock:
                result.joined += 1

    def stream(p: Participant) -> None:
        # open the live stream, read its first message, leave (the phone is put away)
        try:
            with client.stream(
                "GET", f"/api/s/{sid}/stream", headers={**close, "Authorization": f"Bearer {p.key}"}
            ) as r:
                for _ in r.iter_raw():
                    break
            with lock:
                result.cycles += 1
        except httpx.HTTPError as exc:
            with lock:
                result.failures.append(f"stream: {type(exc).__name__}: {exc}")

    def one(i: int, present: list[Participant]) -> None:
        p = present[i % len(present)]
        roll = rng.random()
        if roll < 0.75:
            call("GET", f"/api/s/{sid}/state", p.key)
        elif roll < 0.85:
            call("POST", f"/api/s/{sid}/variables", p.key, json={"label": f"Idé {i} fra {p.name}"})
        elif roll < 0.95:
            call("GET", f"/api/s/{sid}/events", p.key)
        else:
            stream(p)

    for burst in range(bursts):
        # a wave: up to a fifth of the group arrives (joins), some of the rest leave
        waiting = [p for p in people if p.key is None]
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(join, waiting[: max(1, participants // 5)]))
        present = [p for p in people if p.key is not None]
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(requests_per_burst), [present] * requests_per_burst))
        for p in present[: len(present) // 10]:  # they leave: their key is never used again
            p.key, p.name = None, p.name + "+"
            result.left += 1
        time.sleep(gap)
        result.samples.append(process_sample(pid, burst, monitor() if monitor else None))
    client.close()
    return result
