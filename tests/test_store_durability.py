"""Saves survive kill -9; concurrent writers lose nothing.

These tests start real writer processes and kill them at random moments, so they
exercise the actual fsync/rename/lock code, not a simulation of it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gmb import Store, replay

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics are POSIX")


def _spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def _wait_for(path: Path, timeout: float = 20.0) -> None:
    """Wait until a writer has started writing (import time varies with machine load)."""
    end = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > end:
            raise AssertionError(f"writer never started: {path} missing")
        time.sleep(0.02)


def test_atomic_write_is_old_or_new_after_kill(tmp_path):
    """A process killed mid-save leaves the old or the new file, never a torn one."""
    target = tmp_path / "big.json"
    # Two large distinct contents so a write takes long enough to be interrupted.
    contents = [json.dumps({"v": k, "pad": str(k) * 2_000_000}) for k in (0, 1)]
    target.write_text(contents[0], encoding="utf-8")
    writer = """
        import sys, json
        from gmb.files import atomic_write_text
        path = sys.argv[1]
        c = [json.dumps({"v": k, "pad": str(k) * 2_000_000}) for k in (0, 1)]
        open(path + ".started", "w").close()
        i = 0
        while True:
            i += 1
            atomic_write_text(path, c[i % 2])
    """
    rng = random.Random(7)
    for _ in range(12):
        proc = _spawn(writer, str(target))
        _wait_for(Path(str(target) + ".started"))
        time.sleep(rng.uniform(0.01, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os.unlink(str(target) + ".started")
        assert target.read_text(encoding="utf-8") in contents
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # temp files of killed writers may remain; they never replace the target
    assert all(name.startswith(".big.json.") for name in leftovers)


def test_store_survives_writers_killed_mid_commit(tmp_path):
    store = Store(tmp_path / "sessions")
    store.create("w", {"title": "Havndal", "variables": [{"id": "base"}]})
    writer = """
        import sys, itertools
        from gmb.session.store import Store
        store = Store(sys.argv[1])
        open(sys.argv[2], "w").close()
        for i in itertools.count():
            n = len(store.events("w"))
            store.commit("w", "add", {"kind": "variable", "item": {"id": f"v{n}_{i}", "labels": {"da": "æøå" * 200}}})
    """
    rng = random.Random(11)
    flag = tmp_path / "started"
    for _ in range(10):
        proc = _spawn(writer, str(store.root), str(flag))
        _wait_for(flag)
        time.sleep(rng.uniform(0.02, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        flag.unlink()
        # The snapshot always parses, and snapshot + log always agree with a full replay.
        snap = json.loads((store.path("w") / "session.json").read_text(encoding="utf-8"))
        events = store.events("w")
        assert snap["last_event"] <= events[-1].seq
        loaded = store.load("w")
        assert replay(events) == loaded
    assert len(store.load("w").variables) > 1, "the writers never committed anything"


def test_two_cli_processes_adding_links_lose_nothing(tmp_path):
    sessions = tmp_path / "sessions"
    store = Store(sessions)
    store.create("w", {"title": "t", "participants": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
                       "variables": [{"id": f"x{i}"} for i in range(21)]})  # fmt: skip
    # Each process runs the real CLI entry point 10 times (in one interpreter to keep the test fast).
    code = """
        import sys
        from gmb.cli import main
        who, start, sessions = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        for i in range(start, start + 10):
            sys.argv = ["gmb", "--sessions-dir", sessions, "link", "add", "w", f"x{i}", f"x{i + 1}",
                        "--sign", "+", "--by", who, "--id", f"{who}{i}"]
            try:
                main()
            except SystemExit as e:
                if e.code:
                    raise
    """
    procs = [_spawn(code, "a", "0", str(sessions)), _spawn(code, "b", "10", str(sessions))]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    session = store.load("w")
    assert len(session.links) == 20
    assert {l.proposed_by for l in session.links} == {"a", "b"}
    assert [e.seq for e in store.events("w")] == list(range(1, 22))


def test_two_real_gmb_commands_at_once(tmp_path):
    """The installed console script, twice at the same moment."""
    sessions = tmp_path / "sessions"
    store = Store(sessions)
    store.create("w", {"title": "t", "variables": [{"id": "a"}, {"id": "b"}, {"id": "c"}]})
    cmd = [sys.executable, "-m", "gmb", "--sessions-dir", str(sessions), "link", "add", "w"]
    procs = [
        subprocess.Popen([*cmd, "a", "b", "--sign", "+"], env=ENV, stderr=subprocess.PIPE, stdout=subprocess.PIPE),
        subprocess.Popen([*cmd, "b", "c", "--sign", "-", "--id", "Lbc"], env=ENV, stderr=subprocess.PIPE,
                         stdout=subprocess.PIPE),
    ]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    assert {(l.cause, l.effect) for l in store.load("w").links} == {("a", "b"), ("b", "c")}
