"""README.md is true line by line: every ``gmb …`` command in its shell blocks runs, in order, in a fresh
folder after ``gmb demo`` (``tools/check_readme.py``; commands marked ``[slow]`` are left to the tool's full
run, ``[not checked: …]`` ones need a server or a Dask cluster). Select with ``pytest -m readme``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_readme


@pytest.mark.readme
def test_every_readme_command_works_after_the_demo(tmp_path):
    log: list[str] = []
    problems = check_readme.check(tmp_path, skip_slow=True, log=log.append)
    print("\n".join(log))  # the timings, in pytest's report with -s or on failure
    assert problems == [], "\n\n".join(problems)
    assert sum(line.lstrip().startswith("ok") for line in log) >= 40  # the commands did run


def test_markers_are_understood(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(
        "```console\n"
        "$ gmb loops havndal --json   # a comment [slow]\n"
        "$ gmb link add x a b   # refused [expect error]\n"
        "laptop$ gmb rank havndal --scheduler tcp://h:8786  # [not checked: needs a Dask scheduler]\n"
        "$ pip install gmb && gmb demo  # [not checked: installs gmb]\n"
        "$ export GMB_SCHEDULER=tcp://h:8786\n"
        "```\n"
        "```python\ngmb.simulate(model)  # not a shell block\n```\n",
        encoding="utf-8",
    )
    commands = check_readme.parse(readme)
    assert [(c.line, c.argv[:2], c.slow, c.expect_error, c.skip) for c in commands] == [
        (2, ["loops", "havndal"], True, False, None),
        (3, ["link", "add"], False, True, None),
        (4, ["rank", "havndal"], False, False, "needs a Dask scheduler"),
        (5, [], False, False, "installs gmb"),
    ]
    for bad in ("$ pip install gmb && gmb demo\n", "$ echo hi  # [slow]\n", "$ gmb demo  # [not checked]\n"):
        readme.write_text(f"```console\n{bad}```\n", encoding="utf-8")
        with pytest.raises(check_readme.ReadmeError):
            check_readme.parse(readme)


def test_the_tool_lists_the_readme_commands():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "check_readme.py"), "--list"], capture_output=True,
                         text=True, encoding="utf-8", check=True).stdout  # fmt: skip
    assert "gmb map havndal --highlight-loop" in out and "'skip': 'a server runs until stopped'" in out
