"""A log that detects damage: checksummed, chained event lines and what is wrong with a log.

Each line ``events.jsonl`` gains is the event's JSON plus two fields:

* ``prev`` — the checksum of the line before it (``""`` on the first line), so a deleted,
  duplicated or swapped line breaks the chain where it happened;
* ``sum``  — the first 32 hex digits of SHA-256 of the line's JSON without ``sum``, so an edited
  line no longer matches.

Lines written before checksums existed (no ``sum``) are still read: their sequence numbers are
checked, and the next checksummed line chains to the SHA-256 of their text.
:func:`scan_log` reads a log and lists *exactly* what is wrong, by line and seq.

>>> import pydantic

from gmb.errors import FormatError
from gmb.session.events import Event
>>> a = Event(seq=1, op="create", data={"title": "T"})
>>> b = Event(seq=2, op="set", data={"place": "Havndal"})
>>> l1 = event_line(a, ""); l2 = event_line(b, line_sum(l1))
>>> scan_log(l1 + l2, "events.jsonl").problems
[]
>>> scan_log(l2 + l1, "events.jsonl").problems[0]
'seq 1 and seq 2 are swapped (lines 1 and 2)'
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field

import pydantic

from gmb.errors import FormatError
from gmb.session.events import Event

__all__ = ["LogLine", "LogScan", "event_line", "line_sum", "scan_log"]

SUM_DIGITS = 32


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:SUM_DIGITS]


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def event_line(ev: Event, prev: str) -> str:
    """The log line of ``ev`` (with its newline), chained to the line whose checksum is ``prev``."""
    body = {**ev.model_dump(mode="json"), "prev": prev}
    text = _dumps(body)
    return _dumps({**body, "sum": _digest(text)}) + "\n"


def line_sum(line: str) -> str:
    """The checksum the next line chains to: the stored ``sum``, or SHA-256 of an old line's text."""
    line = line.rstrip("\n")
    try:
        data = json.loads(line)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("sum"), str):
        return data["sum"]
    return _digest(line)


@dataclass
class LogLine:
    """One readable line: where it is, its seq, checksum state and (parsed and validated when first asked) event."""

    no: int
    text: str
    seq: int
    sum: str | None  # None: written before checksums
    prev: str | None
    intact: bool  # the checksum matches (always True for old lines)
    _data: dict | None = None
    _event: Event | None = None

    @property
    def data(self) -> dict:
        if self._data is None:
            data = json.loads(self.text)
            data.pop("sum", None)
            data.pop("prev", None)
            self._data = data
        return self._data

    @property
    def event(self) -> Event:
        if self._event is None:
            self._event = Event.model_validate(self.data)
        return self._event


@dataclass
class LogScan:
    """What :func:`scan_log` found: the readable lines, a torn tail and every problem in words."""

    lines: list[LogLine] = field(default_factory=list)
    torn: tuple[int, str] | None = None  # (line number, text) of an unfinished last line
    problems: list[str] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (line number, error)
    legacy: int = 0  # lines without checksum

    file: str = ""

    @property
    def events(self) -> list[Event]:
        return self.events_after(0)

    def events_after(self, seq: int) -> list[Event]:
        """The events after ``seq``, validated; a line that is not a valid event is a FormatError naming it."""
        out = []
        for ln in self.lines:
            if ln.seq > seq:
                try:
                    out.append(ln.event)
                except pydantic.ValidationError as exc:
                    raise FormatError(f"bad event: {str(exc).splitlines()[0]}", file=self.file, line=ln.no) from None
        return out

    @property
    def last_sum(self) -> str:
        if not self.lines:
            return ""
        last = self.lines[-1]
        return last.sum or _digest(last.text)


_SUM_TAIL = len(',"sum":"') + SUM_DIGITS + len('"}')
# A line this module wrote: {"seq":N,…,"prev":"…","sum":"…"}. Reading seq and checksums from the text
# spares parsing JSON for every line on every load; the event itself is parsed only when it is needed.
_HEAD = re.compile(r'\{"seq":([1-9][0-9]*),"at":')
_TAIL = re.compile(r',"prev":"([0-9a-f]*)","sum":"([0-9a-f]{' + str(SUM_DIGITS) + r'})"\}$')


def _read_line(no: int, line: str) -> LogLine:
    head, tail = _HEAD.match(line), _TAIL.search(line)
    if head and tail:
        # The line is the JSON without "sum", with ',"sum":"…"' added before its closing brace.
        stored = tail.group(2)
        intact = _digest(line[:-_SUM_TAIL] + "}") == stored
        if not intact:  # edited: make sure it is at least a readable event, to say which kind of damage
            _parse(line)
        return LogLine(no, line, int(head.group(1)), stored, tail.group(1), intact)
    data = _parse(line)
    stored, prev = data.pop("sum", None), data.pop("prev", None)
    intact = True
    if stored is not None:
        intact = line.endswith(f',"sum":"{stored}"}}') and _digest(line[:-_SUM_TAIL] + "}") == stored
    return LogLine(no, line, data["seq"], stored, prev, intact, _data=data)


def _parse(line: str) -> dict:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    seq = data.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1 or not isinstance(data.get("op"), str):
        raise ValueError("an event needs a whole-number seq ≥ 1 and an op")
    return data


def scan_log(text: str, file: str) -> LogScan:
    """Read a log's text; describe every problem (never raises on damage, only lists it)."""
    scan = LogScan(file=file)
    raw = text.split("\n")
    for no, line in enumerate(raw, start=1):
        if not line.strip():
            continue
        last = no == len(raw)  # no newline after it: written last, maybe unfinished
        try:
            entry = _read_line(no, line)
        except (ValueError, TypeError) as exc:  # json, pydantic (a ValueError) or not an object: unreadable
            if last:
                scan.torn = (no, line)
            else:
                scan.unreadable.append((no, str(exc).splitlines()[0]))
                scan.problems.append(f"line {no}: not a readable event ({str(exc).splitlines()[0]})")
            continue
        scan.lines.append(entry)
    _check_order(scan)
    _check_chain(scan)
    scan.legacy = sum(1 for ln in scan.lines if ln.sum is None)
    return scan


def _check_order(scan: LogScan) -> None:
    seqs = [ln.seq for ln in scan.lines]
    where: dict[int, list[LogLine]] = {}
    for ln in scan.lines:
        where.setdefault(ln.seq, []).append(ln)
    for seq, same_seq in sorted(where.items()):
        if len(same_seq) > 1:
            nos = [ln.no for ln in same_seq]
            same = len({ln.text for ln in same_seq}) == 1
            what = "duplicated" if same else "given twice, with different content"
            scan.problems.append(f"seq {seq} {what} (lines {', '.join(map(str, nos))})")
    if not seqs:
        return
    present = set(seqs)
    missing = [s for s in range(1, max(seqs) + 1) if s not in present]
    for start, end in _runs(missing):
        span = f"seq {start}" if start == end else f"seqs {start}–{end}"
        after = max((ln.no for ln in scan.lines if ln.seq < start), default=0)
        scan.problems.append(f"{span} missing: deleted after line {after}" if after else f"{span} missing at the start")
    # out of order. With every seq present once, the lines not at their place say exactly what moved.
    misplaced = [ln for i, ln in enumerate(scan.lines, start=1) if ln.seq != i]
    if len(misplaced) == 2 and sorted(seqs) == list(range(1, len(seqs) + 1)):
        a, b = misplaced
        scan.problems.append(f"seq {b.seq} and seq {a.seq} are swapped (lines {a.no} and {b.no})")
        return
    for a, b in itertools.pairwise(scan.lines):
        if b.seq < a.seq:
            scan.problems.append(f"seq {b.seq} comes after seq {a.seq} (lines {a.no}–{b.no}: out of order)")


def _check_chain(scan: LogScan) -> None:
    reported_order = bool(scan.problems)
    prev_line: LogLine | None = None
    for ln in scan.lines:
        if not ln.intact:
            scan.problems.append(f"line {ln.no} (seq {ln.seq}): edited after it was written (checksum does not match)")
        if ln.sum is not None and not reported_order:
            expected = "" if prev_line is None else prev_line.sum or _digest(prev_line.text)
            if ln.prev != expected:
                scan.problems.append(f"line {ln.no} (seq {ln.seq}): does not follow line "
                                     f"{prev_line.no if prev_line else '-'} (the chain is broken: a line before it "
                                     "was removed, replaced or edited)")  # fmt: skip
        prev_line = ln


def _runs(values: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out
