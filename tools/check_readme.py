"""Run every ``gmb …`` command of README.md, in order, in a fresh folder after ``gmb demo``.

    python tools/check_readme.py              # all commands (the slow ones too); exit 1 on a failure
    python tools/check_readme.py --skip-slow  # what tests/test_readme.py runs
    python tools/check_readme.py --list       # the commands and their markers, nothing run
    python tools/check_readme.py --keep DIR   # run in DIR (must not exist) and keep it for a look

Commands are the lines of README.md's ```bash and ```console blocks that start with ``gmb`` (after a
prompt such as ``$`` or ``laptop$``); a trailing ``\\`` joins the next line. A command must exit 0,
unless its comment carries a marker:

``[expect error]``
    the command must be refused the way gmb refuses bad input: exit status 2 and one ``error:`` line.
``[not checked: REASON]``
    not run, for the REASON given (a server that never ends, a Dask cluster or scheduler, …).
``[slow]``
    run by default, skipped with ``--skip-slow``.

A ``gmb`` command inside a longer line (``pip install . && gmb demo``) cannot be run alone: it
must be marked ``[not checked: …]`` (or split).

A marker in a line that is not a ``gmb`` command is an error, and so is a marked command whose
marker no longer fits (an ``[expect error]`` command that succeeds).

Before the README's commands run, the checker runs ``gmb demo`` (exactly as the quick start does)
and writes the stand-ins for the reader's own files that the README names (:data:`FIXTURES`): small
maps made by gmb's own writers from one edge list. Afterwards it runs every command the report
prints (``gmb map havndal --highlight-loop …``), which must work as well.

The commands run in one child process through typer's runner, the way ``gmb`` runs them (an error
prints ``error: …`` and exits 2), so 50 commands cost one interpreter start-up.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MARKER = re.compile(r"\[(expect error|slow|not checked(?::\s*([^\]]*))?)\]")
PROMPT = re.compile(r"^(?:[\w.-]*\$\s+)?(gmb(?:\s.*)?)$")
FENCE = re.compile(r"^```(\w*)\s*$")
EMBEDDED = re.compile(r"(?:&&|;|\|)\s*gmb\b")
CHECKED_BLOCKS = ("bash", "console", "sh", "shell")
#: environment that would point commands elsewhere than the fresh folder
CLEARED_ENV = ("GMB_SESSIONS_DIR", "GMB_SCHEDULER", "GMB_SERVE_ADMIN_KEY", "GMB_SHARED_DIR")

#: the stand-ins for the reader's own files: {name the README uses: what the checker writes}
FIXTURES = {
    "edges.csv": "a 6-link edge list (from,to,sign,delay,strength) about sleep, screen time and wellbeing",
    "map.csv": "the same edge list",
    "model.json": "a two-variable isee sd-ai model file with one Stella loop",
    "Participant 3.mdl": "the edge list as a Vensim file (gmb's writer)",
    "Sleep.xlsx": "the edge list as a Kumu workbook (gmb's writer)",
    "kort/": "the edge list as a folder with variables.csv and links.csv (gmb's writer)",
    "my.json": "the demo's models/havndal/assumptions.json with the bounded effect shape",
}

EDGES = (
    "from,to,sign,delay,strength\n"
    "Søvn,Trivsel,+,,strong\n"
    "Trivsel,Søvn,+,yes,weak\n"
    "Skærmtid,Søvn,-,,medium\n"
    "Trivsel,Fællesskab,+,,medium\n"
    "Fællesskab,Trivsel,+,yes,medium\n"
    "Fællesskab,Skærmtid,-,,weak\n"
)
SDAI = {
    "model": {
        "variables": [{"name": "Stock", "type": "stock"}, {"name": "flow", "type": "flow"}],
        "relationships": [{"from": "Stock", "to": "flow", "polarity": "+"}, {"from": "flow", "to": "Stock", "polarity": "+"}],
    },
    "feedback": {"feedbackLoops": [{"identifier": "R1", "name": "R1 growth", "polarity": "+", "links": [
        {"from": "Stock", "to": "flow", "polarity": "+"}, {"from": "flow", "to": "Stock", "polarity": "+"}]}]},
}  # fmt: skip


class ReadmeError(Exception):
    """The README breaks the checker's rules (a marker without a command, an unknown marker …)."""


@dataclass(frozen=True)
class Command:
    """One ``gmb`` command of the README."""

    line: int
    text: str
    argv: list[str]
    expect_error: bool = False
    slow: bool = False
    skip: str | None = None  # the reason it is not run


def _split_comment(line: str) -> tuple[str, str]:
    """``(command, comment)``: the comment starts at the first ``#`` outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def parse(readme: Path) -> list[Command]:
    """Every ``gmb`` command in the README's shell blocks, with its markers."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    commands: list[Command] = []
    block: str | None = None
    i = 0
    while i < len(lines):
        raw, number = lines[i], i + 1
        fence = FENCE.match(raw.strip())
        if fence:
            block = None if block is not None else fence.group(1)
            i += 1
            continue
        while raw.endswith("\\") and i + 1 < len(lines):  # a continued line
            i += 1
            raw = raw[:-1] + " " + lines[i].strip()
        i += 1
        if block is None:
            continue
        command, comment = _split_comment(raw.strip())
        markers = MARKER.findall(comment)
        match = PROMPT.match(command) if block in CHECKED_BLOCKS else None
        if not match:
            embedded = block in CHECKED_BLOCKS and EMBEDDED.search(command)
            skips = [
                reason.strip() for marker, reason in markers if marker.startswith("not checked") and reason.strip()
            ]
            if embedded and skips:  # e.g. `createdb gmb && gmb serve …`, explicitly not run
                commands.append(Command(number, command, [], skip=skips[0]))
            elif embedded:
                raise ReadmeError(f"README.md:{number}: a gmb command inside a longer line: split it, or mark it "
                                  "[not checked: REASON]")  # fmt: skip
            elif markers:
                raise ReadmeError(f"README.md:{number}: a checker marker on a line that is not a gmb command")
            continue
        expect = slow = False
        skip = None
        for marker, reason in markers:
            if marker == "expect error":
                expect = True
            elif marker == "slow":
                slow = True
            else:
                if not reason.strip():
                    raise ReadmeError(f"README.md:{number}: [not checked: …] needs a reason")
                skip = reason.strip()
        try:
            argv = shlex.split(match.group(1))[1:]
        except ValueError as exc:
            raise ReadmeError(f"README.md:{number}: cannot split the command: {exc}") from None
        commands.append(Command(number, match.group(1), argv, expect, slow, skip))
    if block is not None:
        raise ReadmeError("README.md: a code block is not closed")
    return commands


def write_fixtures(folder: Path) -> None:
    """The stand-ins for the reader's own files (:data:`FIXTURES`), made with gmb itself."""
    sys.path.insert(0, str(ROOT))
    from gmb.io import read_edge_csv, write_any

    (folder / "edges.csv").write_text(EDGES, encoding="utf-8")
    (folder / "map.csv").write_text(EDGES, encoding="utf-8")
    (folder / "model.json").write_text(json.dumps(SDAI, ensure_ascii=False), encoding="utf-8")
    session = read_edge_csv(folder / "edges.csv")
    write_any(session, folder / "Participant 3.mdl")
    write_any(session, folder / "Sleep.xlsx")
    write_any(session, folder / "kort", fmt="csv")
    assumptions = json.loads((folder / "models" / "havndal" / "assumptions.json").read_text(encoding="utf-8"))
    assumptions["effect_shape"] = "bounded"
    (folder / "my.json").write_text(json.dumps(assumptions, indent=2), encoding="utf-8")


def report_commands(folder: Path) -> list[Command]:
    """The commands the Havndal report tells its reader to run (one per key loop)."""
    page = html.unescape((folder / "reports" / "havndal" / "index.html").read_text(encoding="utf-8"))
    found = []
    for text in dict.fromkeys(re.findall(r"gmb map havndal --highlight-loop [\w,]+", page)):
        found.append(Command(0, text, shlex.split(text)[1:]))
    if not found:
        raise ReadmeError("the report shows no `gmb map havndal --highlight-loop …` command")
    return found


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("COLUMNS", "120")
    return env


def child() -> None:
    """Run the commands given as JSON on stdin; one JSON line per command on stdout as it ends."""
    from typer.testing import CliRunner

    from gmb.cli import app
    from gmb.errors import GmbError

    runner = CliRunner()
    for argv in json.loads(sys.stdin.read()):
        t = time.perf_counter()
        result = runner.invoke(app, argv)
        exc = result.exception
        if isinstance(exc, GmbError):
            code, error = exc.exit_code, f"error: {exc}"
        elif exc is not None and not isinstance(exc, SystemExit):
            code, error = 1, f"{type(exc).__name__}: {exc} (a traceback, not a clean error)"
        else:
            code, error = result.exit_code, ""
        output = (result.stdout + error)[-1500:]
        print(json.dumps({"code": code, "output": output, "seconds": time.perf_counter() - t}), flush=True)


def _run_all(commands: list[Command], folder: Path, timeout: float) -> list[dict]:
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child"], cwd=folder, env=_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")  # fmt: skip
    try:
        out, err = proc.communicate(json.dumps([c.argv for c in commands]), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += f"\n(the commands did not finish within {timeout:.0f} s)"
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if len(results) < len(commands):
        missing = commands[len(results)]
        results.append({"code": None, "output": err[-2000:], "seconds": 0.0, "died_at": missing.text})
    return results


def check(folder: Path, *, skip_slow: bool = False, timeout: float = 900.0, log=print) -> list[str]:
    """Run the README in ``folder`` (empty); returns the problems (empty: the README is true)."""
    commands = parse(ROOT / "README.md")
    t0 = time.perf_counter()
    demo = subprocess.run([sys.executable, "-m", "gmb", "demo"], cwd=folder, env=_env(), capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, check=False)  # fmt: skip
    log(f"gmb demo: exit {demo.returncode} in {time.perf_counter() - t0:.1f} s")
    if demo.returncode != 0:
        return [f"gmb demo failed (exit {demo.returncode}): {demo.stderr[-2000:]}"]
    write_fixtures(folder)
    run = [c for c in commands if c.skip is None and not (skip_slow and c.slow)]
    from_report = report_commands(folder)
    run += from_report
    for c in commands:
        if c.skip is not None:
            log(f"  not checked  README.md:{c.line}: {c.text}  ({c.skip})")
        elif skip_slow and c.slow:
            log(f"  slow, skipped README.md:{c.line}: {c.text}")
    results = _run_all(run, folder, timeout)
    problems = []
    for c, r in zip(run, results):
        where = f"README.md:{c.line}" if c.line else "the report"
        if r["code"] is None:
            problems.append(f"{where}: `{c.text}` did not finish: {r['output']}")
            continue
        if c.expect_error:
            ok = r["code"] == 2 and "error:" in r["output"] and "Traceback" not in r["output"]
            why = "is marked [expect error] but did not fail with one error line and exit 2"
        else:
            ok, why = r["code"] == 0, f"exit {r['code']}"
        log(f"  {'ok  ' if ok else 'FAIL'} {r['seconds']:6.1f} s  {where}: {c.text}")
        if not ok:
            problems.append(f"{where}: `{c.text}`: {why}\n{r['output'].strip()}")
    total = time.perf_counter() - t0
    slowest = sorted(zip(results, run), key=lambda x: -x[0]["seconds"])[:3]
    log(f"{len(run)} commands run ({len(from_report)} from the report), {len(commands) - len(run) + len(from_report)} "
        "not run, "
        f"{len(problems)} problems, {total:.1f} s in all (demo included); slowest: "
        + ", ".join(f"{c.text[:40]} {r['seconds']:.1f} s" for r, c in slowest))  # fmt: skip
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-slow", action="store_true", help="skip the commands marked [slow]")
    parser.add_argument("--list", action="store_true", help="list the commands and their markers; run nothing")
    parser.add_argument("--keep", type=Path, help="run in this new folder and keep it")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for all commands together")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child()
        return 0
    try:
        if args.list:
            for c in parse(ROOT / "README.md"):
                marks = {k: v for k, v in asdict(c).items() if k in ("expect_error", "slow", "skip") and v}
                print(f"README.md:{c.line}: {c.text}" + (f"  {marks}" if marks else ""))
            return 0
        if args.keep:
            args.keep.mkdir(parents=True)
            folder, cleanup = args.keep, False
        else:
            folder, cleanup = Path(tempfile.mkdtemp(prefix="gmb-readme-")), True
        try:
            problems = check(folder, skip_slow=args.skip_slow, timeout=args.timeout)
        finally:
            if cleanup:
                shutil.rmtree(folder, ignore_errors=True)
    except ReadmeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for p in problems:
        print(f"\nPROBLEM {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
