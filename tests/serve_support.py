"""Helpers shared by the gmb serve tests that run a real server process (not a test module)."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gmb.serve.db import describe_url

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m gmb serve`` in a subprocess, its output in files."""

    def __init__(self, tmp: Path, db: str, *imports: str, extra: tuple[str, ...] = (),
                 thread_idle_s: float | None = None) -> None:  # fmt: skip
        self.tmp, self.db, self.imports, self.extra = tmp, db, imports, extra
        # thread_idle_s: how long anyio keeps an idle worker thread (10 s by default); shorter lets
        # a test make the server's threads come and go within seconds, as they do over a day.
        self.thread_idle_s = thread_idle_s
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.runs = 0

    def start(self) -> dict[str, str]:
        self.runs += 1
        self.out = self.tmp / f"server{self.runs}.out"
        self.err = self.tmp / f"server{self.runs}.err"
        gmb = [sys.executable, "-m", "gmb"]
        if self.thread_idle_s is not None:
            gmb = [sys.executable, "-c", ("import sys, anyio._backends._asyncio as a; "
                   f"a.WorkerThread.MAX_IDLE_TIME = {self.thread_idle_s!r}; from gmb.cli import main; "
                   "sys.argv[0] = 'gmb'; main()")]  # fmt: skip
        args = [*gmb, "--sessions-dir", str(self.tmp / "sessions"), "serve",
                "--port", str(self.port), "--db", self.db, *self.extra]  # fmt: skip
        for name in self.imports:
            args += ["--import", name]
        # no what-if warm-up in tests: it runs 1,000-draw ensembles in the background of every server (tested directly)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "GMB_WHATIF_WARM": "0"}
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(args, cwd=self.tmp, stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.err.read_text()}")
            try:
                if httpx.get(self.base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start in 30 s")
        text = self.out.read_text(encoding="utf-8")
        return {
            "facilitator": re.search(r"/f#key=(\S+)", text).group(1),
            "viewer": re.search(r"/v#key=(\S+)", text).group(1),
            "code": re.search(r"with code\s+(\S+)", text).group(1),
            "admin": re.search(r"/new#admin=(\S+)", text).group(1),
        }

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def H(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def write_session(tmp: Path, n_vars: int, title: str = "Havndal load") -> Path:
    data = {"title": title, "languages": ["da", "en"],
            "variables": [{"id": f"v{i}", "labels": {"da": f"Variabel {i} æøå"}} for i in range(n_vars)]}  # fmt: skip
    path = tmp / "load.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


PG_URL = os.environ.get("GMB_TEST_POSTGRES", "postgresql://gmb:gmb@127.0.0.1:5432/gmb_test")


@pytest.fixture
def pg_url():
    """A fresh schema in the test PostgreSQL (see .ci/setup-postgres.sh); dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {describe_url(PG_URL)}: {str(exc).strip()[:200]} "
                    "(run .ci/setup-postgres.sh, or set GMB_TEST_POSTGRES)")  # fmt: skip
    schema = "gmb_t_" + secrets.token_hex(6)
    admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()
