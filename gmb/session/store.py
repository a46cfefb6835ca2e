"""The session store: ``sessions/<slug>/session.json`` plus ``events.jsonl``.

* ``session.json`` is the readable, diff-friendly snapshot with ``schema_version``
  and ``last_event`` (the seq of the last event it contains).
* ``events.jsonl`` is the append-only log: one JSON event per line.

A change (:meth:`Store.commit`) takes a per-session file lock, appends the
event (fsync), then saves the snapshot atomically. A crash between the two
leaves a log that is ahead of the snapshot; :meth:`Store.load` replays the
missing events, so an acknowledged change is never lost.

>>> import tempfile
>>> store = Store(tempfile.mkdtemp())
>>> s = store.create("demo", {"title": "Demo"})
>>> s, ev = store.commit("demo", "add", {"kind": "variable", "item": {"id": "a"}})
>>> [v.id for v in store.load("demo").variables], ev.seq
(['a'], 2)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gmb.errors import ConflictError, FormatError, NotFoundError, SlugError, StoreError, ValidationError
from gmb.files import atomic_write_text, fsync_dir, make_temp_dir, read_json, read_text
from gmb.session.events import Event, apply, now
from gmb.session.integrity import LogScan, event_line, line_sum, scan_log
from gmb.session.model import Session
from gmb.session.parse import parse_session

__all__ = ["SESSIONS_ENV", "Store", "check_slug", "default_sessions_dir", "read_snapshot", "session_to_json"]

SESSIONS_ENV = "GMB_SESSIONS_DIR"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LOCK_TIMEOUT_S = 60.0


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a safe session folder name, else raise :class:`SlugError`.

    Parameters
    ----------
    slug : str
        The session name: lowercase letters, digits, ``-`` and ``_``, at most 64 characters.

    Returns
    -------
    str
        ``slug`` unchanged.

    Raises
    ------
    gmb.errors.SlugError
        If ``slug`` is not a safe name (``../x``, ``/etc``, upper case, spaces …).

    Examples
    --------
    >>> check_slug("havndal")
    'havndal'
    >>> check_slug("../x")
    Traceback (most recent call last):
    ...
    gmb.errors.SlugError: session name: '../x' is not a valid session name (use lowercase letters, digits, '-' and '_', at most 64 characters, e.g. 'havndal-2024')
    """
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise SlugError(
            f"{slug!r} is not a valid session name",
            field="session name",
            hint="use lowercase letters, digits, '-' and '_', at most 64 characters, e.g. 'havndal-2024'",
        )
    return slug


def default_sessions_dir() -> Path:
    """``$GMB_SESSIONS_DIR`` if set, else ``./sessions``."""
    return Path(os.environ.get(SESSIONS_ENV) or "sessions")


def session_to_json(session: Session, *, last_event: int | None = None) -> str:
    """The snapshot text: stable key order, UTF-8 (no ``\\u`` escapes), 2-space indent."""
    body = session.model_dump(mode="json", exclude_defaults=True)
    head: dict[str, Any] = {"schema_version": session.schema_version}
    if last_event is not None:
        head["last_event"] = last_event
    return json.dumps({**head, **body}, ensure_ascii=False, indent=2) + "\n"


def read_snapshot(file: str | os.PathLike) -> tuple[Session, int]:
    """A ``session.json`` snapshot: the session and the seq of the last event it contains."""
    data = read_json(file)
    if not isinstance(data, dict):
        raise ValidationError("a session must be a JSON object", file=str(file))
    last = data.pop("last_event", 0)
    if not isinstance(last, int) or last < 0:
        raise ValidationError("must be a whole number ≥ 0", file=str(file), field="last_event")
    return parse_session(data, file=str(file)), last


def _event_line(ev: Event) -> str:
    """An event line without checksum, as logs were written before :mod:`gmb.session.integrity`.

    Kept for ``tools/build_havndal.py``, whose shipped example logs predate checksums (they still load).
    """
    return json.dumps(ev.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n"


def _remove_stale_folders(root: Path, slug: str, older_than_s: float = 600) -> None:
    """Half-built session folders (``.slug.XXXX``) a killed ``create`` left; only old ones: a create in progress is
    seconds old."""
    import time

    for tmp in root.glob(f".{slug}.*"):
        try:
            if tmp.is_dir() and not tmp.is_symlink() and time.time() - tmp.stat().st_mtime > older_than_s:
                shutil.rmtree(tmp)
        except OSError:  # someone else's or already gone: harmless, it is never read
            continue


class Store:
    """Sessions kept as folders below ``root`` (default: :func:`default_sessions_dir`).

    Each session is a folder ``root/SLUG`` with a snapshot ``session.json`` and an append-only event
    log ``events.jsonl``; writes are atomic and serialised by a lock file.

    Parameters
    ----------
    root : str or os.PathLike, optional
        The folder holding the sessions (default: ``$GMB_SESSIONS_DIR`` or ``./sessions``).

    Raises
    ------
    gmb.errors.SlugError
        A session name that is not a safe folder name (from every method taking ``slug``).
    gmb.errors.NotFoundError
        :meth:`load` of a session that does not exist.
    gmb.errors.ConflictError
        :meth:`create` of a session that exists.

    Examples
    --------
    >>> import tempfile
    >>> store = Store(tempfile.mkdtemp())
    >>> s = store.create("demo", {"title": "Demo", "variables": [{"id": "a"}]})
    >>> store.list(), store.load("demo").variables[0].id
    (['demo'], 'a')
    """

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root) if root is not None else default_sessions_dir()

    # -- paths ------------------------------------------------------------
    def path(self, slug: str) -> Path:
        """The folder of session ``slug``, guaranteed to lie inside ``root``."""
        folder = self.root / check_slug(slug)
        root = self.root.resolve()
        if root not in folder.resolve().parents:  # e.g. a symlink pointing elsewhere
            raise SlugError(f"{slug!r} leads outside {self.root}", field="session name")
        return folder

    def exists(self, slug: str) -> bool:
        return (self.path(slug) / "session.json").is_file()

    def list(self) -> list[str]:
        """Names of the stored sessions, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _SLUG.match(p.name) and (p / "session.json").is_file())

    def _lock(self, slug: str):
        import filelock

        self._refuse_links(slug)
        lock = self.path(slug) / ".lock"
        if lock.exists() and not lock.is_file():
            raise StoreError("the lock file is not a regular file", file=str(lock),
                             hint="remove it if no gmb process is running")  # fmt: skip
        # Taken here (use as ``with self._lock(slug):``). A short poll: writers waiting for each other
        # (several `gmb` processes at once) take turns within milliseconds, not the default 50 ms.
        return filelock.FileLock(str(lock), timeout=LOCK_TIMEOUT_S).acquire(poll_interval=0.002)

    def _refuse_links(self, slug: str) -> None:
        """A symlink in a session folder could make gmb write outside ``root``: refuse it."""
        folder = self.path(slug)
        for p in (folder, *(folder / name for name in ("session.json", "events.jsonl", ".lock"))):
            if p.is_symlink():
                raise StoreError("is a symbolic link; gmb keeps sessions in plain files only", file=str(p),
                                 hint="replace the link by the file it points to")  # fmt: skip

    # -- reading ----------------------------------------------------------
    def scan(self, slug: str) -> LogScan:
        """The event log read line by line, with every problem found (see :mod:`gmb.session.integrity`)."""
        self._refuse_links(slug)
        file = self.path(slug) / "events.jsonl"
        if not file.exists():
            return LogScan()
        return scan_log(read_text(file), str(file))

    def events(self, slug: str) -> list[Event]:
        """The session's event log, verified. A torn last line (a writer killed mid-append) is skipped with a
        warning; any other damage raises :class:`StoreError` naming the line and seq."""
        return self._verified(slug, self.scan(slug)).events

    def _verified(self, slug: str, scan: LogScan) -> LogScan:
        file = self.path(slug) / "events.jsonl"
        if scan.unreadable and len(scan.problems) == 1:
            no, error = scan.unreadable[0]
            raise FormatError(f"bad event: {error}", file=str(file), line=no,
                              hint=f"gmb session check {slug} shows what is wrong")  # fmt: skip
        if scan.problems:
            more = f" (and {len(scan.problems) - 1} more)" if len(scan.problems) > 1 else ""
            raise StoreError(f"the event log is damaged: {scan.problems[0]}{more}", file=str(file),
                             hint=f"gmb session check {slug} lists it all; gmb session repair {slug}")  # fmt: skip
        if scan.torn is not None:
            warnings.warn(f"{file}: line {scan.torn[0]}: ignoring an unfinished event (never acknowledged)")
        return scan

    def _read_snapshot(self, slug: str) -> tuple[Session, int]:
        file = self.path(slug) / "session.json"
        self._refuse_links(slug)
        if not file.exists():
            if (self.path(slug) / "events.jsonl").is_file():
                raise StoreError(f"session '{slug}' has its event log but no session.json",
                                 file=str(file), hint=f"gmb session repair {slug} rebuilds it from the log")  # fmt: skip
            raise NotFoundError(
                f"no session '{slug}' in {self.root}",
                hint=f"gmb session list shows what there is; set --sessions-dir or ${SESSIONS_ENV} to look elsewhere",
            )
        return read_snapshot(file)

    def _current(self, slug: str) -> tuple[Session, LogScan]:
        session, last = self._read_snapshot(slug)
        scan = self._verified(slug, self.scan(slug))
        end = scan.lines[-1].seq if scan.lines else 0
        if last > end:
            missing = f"seq {end + 1}" if last == end + 1 else f"seqs {end + 1}–{last}"
            what = "the event log is empty" if not scan.lines else f"the event log ends at seq {end}"
            raise StoreError(f"{what} but session.json contains events up to seq {last}: {missing} missing from "
                             "the log (deleted or lost)", file=str(self.path(slug) / "events.jsonl"),
                             hint=f"gmb session repair {slug} starts a new log from session.json")  # fmt: skip
        for ev in scan.events_after(last):
            session = apply(session, ev)
        return session, scan

    def load(self, slug: str) -> Session:
        """The session, including any logged event the snapshot does not have yet; damage is an error."""
        return self._current(slug)[0]

    # -- writing ----------------------------------------------------------
    def create(self, slug: str, data: dict[str, Any] | Session, *, by: str | None = None) -> Session:
        """Create session ``slug`` from ``data`` (a Session or its JSON form) in one step.

        The folder appears whole or not at all: it is built beside the final place and renamed.
        """
        folder = self.path(slug)
        if folder.exists() and any(folder.iterdir()):
            raise ConflictError(f"session '{slug}' exists already in {self.root}", hint="choose another name")
        if isinstance(data, Session):
            data = data.model_dump(mode="json", exclude_defaults=True)
        ev = Event(seq=1, op="create", by=by, data=data)
        session = apply(None, ev)
        self.root.mkdir(parents=True, exist_ok=True)
        _remove_stale_folders(self.root, slug)
        tmp = make_temp_dir(self.root, f".{slug}.")  # the folder's mode follows the umask, as mkdir's would
        try:
            (tmp / "events.jsonl").write_text(event_line(ev, ""), encoding="utf-8")
            atomic_write_text(tmp / "session.json", session_to_json(session, last_event=1))
            if folder.exists():
                folder.rmdir()  # empty: left by a failed earlier attempt
            os.rename(tmp, folder)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if folder.exists():
                raise ConflictError(f"session '{slug}' exists already in {self.root}") from None
            raise StoreError(f"cannot create session: {exc.strerror}", file=str(folder)) from None
        fsync_dir(self.root)
        return session

    def commit(self, slug: str, op: str, data: dict[str, Any], *, by: str | None = None) -> tuple[Session, Event]:
        """Apply one change under the session's lock; log it, then save the snapshot.

        If the change does not fit (unknown variable, duplicate id, …), nothing is written.
        """
        return self.commit_many(slug, [(op, data)], by=by)[-1]

    def commit_many(
        self, slug: str, changes: list[tuple[str, dict[str, Any]]], *, by: str | None = None
    ) -> list[tuple[Session, Event]]:
        """Apply several changes atomically: all are logged and saved, or none is."""
        return self.commit_built(slug, lambda session: changes, by=by)

    def commit_built(
        self, slug: str, build: Callable[[Session], list[tuple[str, dict[str, Any]]]], *, by: str | None = None
    ) -> list[tuple[Session, Event]]:
        """Like :meth:`commit_many`, with the changes computed from the current session *under the lock*
        (so a default id such as the next free ``L<n>`` cannot be taken by a concurrent writer)."""
        import filelock

        try:
            with self._lock(slug):
                self._clean_temporary(slug)
                session, scan = self._current(slug)
                seq = scan.lines[-1].seq if scan.lines else self._read_snapshot(slug)[1]
                out = []
                at = now()
                for op, data in build(session):
                    seq += 1
                    ev = Event(seq=seq, op=op, by=by, at=at, data=data)
                    session = apply(session, ev)  # raises before anything is written
                    out.append((session, ev))
                if not out:
                    return []
                self._append(slug, scan, [ev for _, ev in out])
                atomic_write_text(self.path(slug) / "session.json", session_to_json(session, last_event=seq))
                return out
        except filelock.Timeout:
            raise StoreError(
                f"session '{slug}' is locked by another process for more than {LOCK_TIMEOUT_S:.0f} s",
                hint="try again, or remove a stale .lock file if no gmb process is running",
            ) from None
        except OSError as exc:  # e.g. a .lock that cannot be opened
            raise StoreError(f"cannot write session '{slug}': {exc.strerror or exc}",
                             file=str(exc.filename or self.path(slug))) from None  # fmt: skip

    def _clean_temporary(self, slug: str) -> None:
        """Remove temporary files a killed writer left (we hold the lock: no writer is using them)."""
        for tmp in self.path(slug).glob(".session.json.*.tmp"):
            try:
                tmp.unlink()
            except OSError:  # another process's file we cannot remove: harmless, it is never read
                continue

    def _append(self, slug: str, scan: LogScan, events: list[Event]) -> None:
        file = self.path(slug) / "events.jsonl"
        # O_NOFOLLOW: never write through a symlink, even one made after the check (not on Windows)
        fd = os.open(file, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "r+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    fh.seek(0)
                    content = fh.read()
                    cut = content.rfind(b"\n") + 1
                    if scan.torn is not None:
                        # A writer died mid-line: that event was never acknowledged. Keep its bytes, then cut.
                        keep = self.path(slug) / f"events.torn-{now().strftime('%Y%m%dT%H%M%S')}.jsonl"
                        keep.write_bytes(content[cut:])
                        fh.truncate(cut)
                    else:
                        # The last event is complete, only its newline is missing: keep it, end its line.
                        fh.write(b"\n")
                    fh.seek(0, os.SEEK_END)
            prev = scan.last_sum
            text = ""
            for ev in events:
                line = event_line(ev, prev)
                prev = line_sum(line)
                text += line
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    def save(self, slug: str, session: Session, *, by: str | None = None) -> Session:
        """Replace a stored session with ``session`` as one logged change (a whole-session edit).

        Used when a session comes back from elsewhere (e.g. a graph edited with networkx):
        the change is logged as per-item events, so the history stays readable.
        """
        from gmb.session.diff import diff_events

        current = self.load(slug)
        changes = diff_events(current, session)
        if not changes:
            return current
        return self.commit_many(slug, changes, by=by)[-1][0]
