"""Files gmb creates follow the user's umask, as ``open()`` and ``mkdir()`` would — not mkstemp's private 0600.

Every command that writes (session store, conversion, simulation, export, map, report) runs in a fresh
process under umask 022 and 077; each file must then be 0644/0600 and each folder 0755/0700, the same
as ``events.jsonl`` (appended with a plain ``open``) always was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# One process per umask; the commands run in it through typer's runner (one start-up, not eleven).
SCRIPT = r"""
import json, os, sys
from typer.testing import CliRunner
from gmb.cli import app

commands = [
    "session new byen --title Byen --lang da",
    "var add byen a --label da=Æbler",
    "var add byen b --label da=Trivsel --kind outcome",
    "link add byen a b --sign +",
    "link add byen b a --sign - --delay",
    "convert byen",
    "simulate byen",
    "export byen --format graphml --out exports/byen.graphml",
    "export byen --format csv --out exports/kort",
    "map byen --out maps/byen.html",
    "report byen",
]
runner = CliRunner()
for command in commands:
    result = runner.invoke(app, command.split())
    if result.exit_code != 0:
        sys.exit(f"{command}: exit {result.exit_code}: {result.output} {result.exception!r}")
modes = {}
for folder, dirs, files in os.walk("."):
    for name in dirs + files:
        path = os.path.join(folder, name)
        modes[os.path.relpath(path)] = [os.path.isdir(path), os.stat(path).st_mode & 0o777]
print(json.dumps(modes))
"""


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=["umask022", "umask077"])
def test_created_files_follow_the_umask(tmp_path, umask):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GMB_SESSIONS_DIR": str(tmp_path / "sessions")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, preexec_fn=lambda: os.umask(umask), check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    modes = json.loads(proc.stdout.strip().splitlines()[-1])
    # everything the brief names is there (so the check below is not vacuous)
    for expected in ("sessions/byen", "sessions/byen/session.json", "sessions/byen/events.jsonl",
                     "models/byen/model.xmile", "models/byen/assumptions.md", "models/byen/baseline-native.csv",
                     "exports/byen.graphml", "exports/kort/links.csv", "maps/byen.html",
                     "reports/byen/index.html", "reports/byen/figures"):  # fmt: skip
        assert expected in modes, (expected, sorted(modes))
    wrong = {path: oct(mode) for path, (is_dir, mode) in modes.items() if mode != (0o777 if is_dir else 0o666) & ~umask}
    assert wrong == {}, f"umask {oct(umask)}: {wrong}"
