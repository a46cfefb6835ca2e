"""``gmb session check`` and ``gmb session repair``: what is wrong with a stored session, and the way out.

:func:`check` reads a session folder without changing it and reports damage (``problems``),
things worth knowing (``notes``) and what :func:`repair` would do (``actions``). :func:`repair`
first copies ``session.json`` and ``events.jsonl`` to ``<sessions>/.backups/<name>-<time>/``,
then, under the session's lock:

* cuts an unfinished last line (a writer killed mid-append: never acknowledged);
* rewrites a log whose only damage is duplicated or swapped lines (dropped / sorted by seq);
* rebuilds ``session.json`` from the log when it is missing, behind, or differs from it;
* starts a new log from ``session.json`` when lines are lost or edited (the old log stays in the backup).

>>> import tempfile
>>> from gmb.session.store import Store
>>> st = Store(tempfile.mkdtemp()); _ = st.create("w", {"title": "T"})
>>> (st.path("w") / "session.json").unlink()
>>> check(st, "w").problems
['session.json is missing (the event log is there)']
>>> r = repair(st, "w", confirm=lambda report: True)
>>> st.load("w").title, r.actions
('T', ['rebuild session.json from the event log (seq 1–1)'])
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from gmb.errors import GmbError, NotFoundError
from gmb.files import atomic_write_text, read_text
from gmb.session.events import Event, replay
from gmb.session.integrity import LogScan, event_line, scan_log
from gmb.session.model import Session

__all__ = ["Report", "check", "repair"]


@dataclass
class Report:
    """What :func:`check` found; ``ok`` when there is nothing to repair."""

    name: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    backup: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.actions


@dataclass
class _State:
    scan: LogScan
    snapshot: Session | None
    last: int
    plan: list[str]  # internal action codes, in order


def _first_difference(a: Session, b: Session) -> str:
    for name in type(a).model_fields:
        if getattr(a, name) != getattr(b, name):
            return name
    return "?"


def _fixed_lines(scan: LogScan) -> list[str] | None:
    """The log's lines without identical duplicates, in seq order, if that makes a clean log."""
    seen, lines = set(), []
    for ln in sorted(scan.lines, key=lambda ln: ln.seq):
        if ln.text in seen:
            continue
        seen.add(ln.text)
        lines.append(ln.text)
    text = "".join(line + "\n" for line in lines)
    return lines if not scan_log(text, "").problems else None


def _examine(store, name: str) -> tuple[Report, _State]:
    from gmb.session.store import read_snapshot

    folder = store.path(name)
    report = Report(name)
    if not folder.is_dir():
        raise NotFoundError(f"no session '{name}' in {store.root}")
    scan = store.scan(name)
    snap_file, log_file = folder / "session.json", folder / "events.jsonl"
    snapshot, last = None, 0
    if snap_file.exists():
        try:
            snapshot, last = read_snapshot(snap_file)
        except GmbError as exc:
            report.problems.append(f"session.json cannot be read: {exc}")
    elif log_file.exists():
        report.problems.append("session.json is missing (the event log is there)")
    else:
        raise NotFoundError(f"no session '{name}' in {store.root}: neither session.json nor events.jsonl")
    report.problems += [f"events.jsonl: {p}" for p in scan.problems]
    if scan.torn is not None:
        report.notes.append(f"events.jsonl: line {scan.torn[0]} is an unfinished event (a writer was stopped "
                            "mid-write; it was never acknowledged)")  # fmt: skip
    if scan.legacy:
        report.notes.append(f"{scan.legacy} event(s) were written before checksums: their order is checked, "
                            "their content cannot be")  # fmt: skip
    plan: list[str] = []
    if scan.torn is not None:
        plan.append("cut")
        report.actions.append(f"cut the unfinished line {scan.torn[0]} off the event log")
    log_ok = not scan.problems
    if scan.problems:
        if _fixed_lines(scan) is not None:
            plan.append("reorder")
            log_ok = True
            report.actions.append("rewrite the event log without the duplicated lines, in seq order")
        elif snapshot is not None:
            plan.append("new-log")
            report.actions.append("start a new event log from session.json (the damaged log is kept in the backup; "
                                  "the history before it is only there)")  # fmt: skip
    if log_ok and snapshot is not None and scan.lines:
        events = sorted({ln.event.seq: ln.event for ln in scan.lines}.values(), key=lambda e: e.seq)
        end = events[-1].seq
        if last > end:
            report.problems.append(f"session.json contains events up to seq {last} but the event log ends at seq "
                                   f"{end}: seq {end + 1}–{last} missing from the log")  # fmt: skip
            plan.append("new-log")
            report.actions.append("start a new event log from session.json (the history stays in the backup)")
        else:
            _compare(report, plan, events, snapshot, last)
    elif log_ok and snapshot is not None and not scan.lines:
        report.problems.append(f"the event log is empty but session.json contains events up to seq {last}")
        plan.append("new-log")
        report.actions.append("start a new event log from session.json")
    elif log_ok and snapshot is None and scan.lines:
        plan.append("rebuild")
        report.actions.append(f"rebuild session.json from the event log (seq 1–{scan.lines[-1].seq})")
    return report, _State(scan, snapshot, last, plan)


def _compare(report: Report, plan: list[str], events: list[Event], snapshot: Session, last: int) -> None:
    try:
        replayed = replay(e for e in events if e.seq <= last)
    except GmbError as exc:
        report.problems.append(f"the event log does not replay: {exc}")
        return
    if replayed != snapshot:
        report.problems.append(f"session.json differs from the event log replayed to seq {last} "
                               f"(first difference: {_first_difference(replayed, snapshot)})")  # fmt: skip
        plan.append("rebuild")
        report.actions.append(f"rebuild session.json from the event log (seq 1–{events[-1].seq})")


def check(store, name: str) -> Report:
    """Examine session ``name`` without changing anything."""
    return _examine(store, name)[0]


def repair(store, name: str, *, confirm: Callable[[Report], bool]) -> Report:
    """Back up, then carry out the actions :func:`check` lists if ``confirm(report)`` says yes."""
    from gmb.session.events import now
    from gmb.session.store import session_to_json

    with store._lock(name):
        report, state = _examine(store, name)
        if not report.actions or not confirm(report):
            return report
        folder = store.path(name)
        backup = store.root / ".backups" / f"{name}-{now().strftime('%Y%m%dT%H%M%SZ')}"
        backup.mkdir(parents=True, exist_ok=True)
        for file in ("session.json", "events.jsonl"):
            if (folder / file).exists():
                shutil.copy2(folder / file, backup / file)
        report.backup = str(backup)
        log = folder / "events.jsonl"
        lines = [ln.text for ln in state.scan.lines]
        if "reorder" in state.plan:
            lines = _fixed_lines(state.scan) or lines
        if "cut" in state.plan or "reorder" in state.plan:
            atomic_write_text(log, "".join(line + "\n" for line in lines))
        if "new-log" in state.plan and state.snapshot is not None:
            data = state.snapshot.model_dump(mode="json", exclude_defaults=True)
            first = Event(seq=1, op="create", by=None, data=data)
            atomic_write_text(log, event_line(first, ""))
            atomic_write_text(folder / "session.json", session_to_json(state.snapshot, last_event=1))
        elif "rebuild" in state.plan:
            scan = scan_log(read_text(log), str(log))
            session = replay(scan.events)
            atomic_write_text(folder / "session.json", session_to_json(session, last_event=scan.events[-1].seq))
        return report
