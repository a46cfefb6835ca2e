"""Same input, same bytes — across processes, not only within one.

Python randomises ``hash()`` of strings per process (``PYTHONHASHSEED``), so iterating a ``set`` or a
networkx structure built from one can order things differently in another process: a Dask worker, a
re-run tomorrow. This test runs the same commands (``tests/determinism_run.py``: convert, simulate,
ensembles, rank, attribute, sensitivity, loops, analyse, every export format, map, report) under two hash
seeds, in the *same* absolute folder one after the other (so printed paths agree), and compares every
command's exit code and output and every byte of every file written.

Fields that legitimately depend on the time of the run are listed in :data:`TIME_FIELDS`: only the times
the imports record (each event's ``at`` and, for items a file gives no time, ``proposed_at``), which are
blanked before comparing. An event log's checksums (``sum``, and ``prev``, the line before's) cover its
line *with* its time, so they differ with it: :data:`CHECKSUMMED` logs are first checked to be intact and
fully checksummed (:func:`gmb.session.integrity.scan_log`), then their checksums are blanked too. Nothing
else may differ (the XLSX writer's clock readings are fixed by ``gmb.files.reproducible_zip``).
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "determinism_run.py"

#: where the time of the run is recorded, legitimately: (files or `gmb` commands, JSON keys blanked there)
TIME_FIELDS = {
    "sessions/from-*/events.jsonl": ("at", "proposed_at"),  # when the import happened
    "sessions/from-*/session.json": ("proposed_at",),  # items the file gives no time: the import's
    "session show from-*": ("proposed_at",),
}
#: event logs whose lines hold a time of the run, so their checksums depend on it (checked, then blanked)
CHECKSUMMED = ("sessions/from-*/events.jsonl",)
_SUM = r'"(sum|prev)":\s*"[0-9a-f]*"'
_TIME = r'"({keys})":\s*"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"'


def _blank_times(where: str, text: str) -> str:
    for pattern, keys in TIME_FIELDS.items():
        if fnmatch.fnmatch(where, pattern):
            text = re.sub(_TIME.format(keys="|".join(keys)), r'"\1": "<time of the run>"', text)
    return text


def _blank_sums(name: str, text: str) -> str:
    from gmb.session.integrity import scan_log

    scan = scan_log(text, name)
    assert scan.problems == [] and scan.legacy == 0 and scan.lines, (name, scan.problems, scan.legacy)
    return re.sub(_SUM, r'"\1": "<checksum of a line with the time of the run>"', text)


def _run(work: Path, hashseed: str) -> dict:
    shutil.copytree(ROOT / "sessions" / "havndal", work / "sessions" / "havndal")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hashseed, "GMB_SESSIONS_DIR": str(work / "sessions"),
           "COLUMNS": "100"}  # fmt: skip
    proc = subprocess.run([sys.executable, str(RUNNER)], cwd=work, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=600, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout)
    failed = {cmd: r for cmd, r in results.items() if r["exit"] != 0}
    assert failed == {}, failed
    for cmd, r in results.items():
        r["stdout"] = _blank_times(cmd, r["stdout"])
    return results


def _files(folder: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(folder.rglob("*")):
        name = str(p.relative_to(folder))
        if p.is_file() and p.name != ".lock":
            data = p.read_bytes()
            if any(fnmatch.fnmatch(name, pattern) for pattern in CHECKSUMMED):
                data = _blank_sums(name, data.decode("utf-8")).encode("utf-8")
            if any(fnmatch.fnmatch(name, pattern) for pattern in TIME_FIELDS):
                data = _blank_times(name, data.decode("utf-8")).encode("utf-8")
            out[name] = data
    return out


def _first_difference(a: str, b: str) -> str:
    lines = [d for d in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
             if d[:1] in "+-" and not d.startswith(("+++", "---"))]  # fmt: skip
    return "\n".join(line[:400] for line in lines[:2])


def test_outputs_do_not_depend_on_the_hash_seed(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    first = _run(work, "1")
    first_files = _files(work)
    work.rename(tmp_path / "seed1")
    work.mkdir()
    second = _run(work, "2")
    second_files = _files(work)

    assert len(first_files) > 20 and any(name.endswith("index.html") for name in first_files)
    assert sorted(first_files) == sorted(second_files)
    problems = []
    for command in first:
        if first[command] != second[command]:
            problems.append(f"`gmb {command}` prints differently:\n"
                            + _first_difference(first[command]["stdout"], second[command]["stdout"]))  # fmt: skip
    for name, data in first_files.items():
        if data != second_files[name]:
            try:
                detail = _first_difference(data.decode("utf-8"), second_files[name].decode("utf-8"))
            except UnicodeDecodeError:
                detail = "(binary)"
            problems.append(f"{name} differs:\n{detail}")
    assert problems == [], "\n\n".join(problems)
