"""Reading and writing files safely: strict UTF-8, located errors, atomic saves.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.json", '{"æ": 1}')
>>> read_json(d / "a.json")
{'æ': 1}
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gmb.errors import EncodingError, FormatError, NotFoundError, StoreError

__all__ = ["atomic_write_text", "atomic_write_bytes", "read_text", "read_json", "fsync_dir"]


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (POSIX); a no-op where unsupported."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` so that ``path`` holds either the old or the new content, never a torn mix.

    Temporary file in the same folder, fsync, ``os.replace``, fsync of the folder.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


def read_text(path: str | os.PathLike, *, encoding: str = "utf-8") -> str:
    """Read a text file strictly; a bad byte raises :class:`EncodingError` naming file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise NotFoundError("is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EncodingError(
            f"not valid {encoding.upper()} (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            file=str(path),
            line=line,
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")  # a BOM from Excel/Notepad is not content


def read_json(path: str | os.PathLike) -> Any:
    """Parse a JSON file; malformed JSON raises :class:`FormatError` with the line."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON: {exc.msg} (column {exc.colno})", file=str(path), line=exc.lineno) from None
