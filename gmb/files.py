"""Reading and writing files safely: strict UTF-8, located errors, atomic saves.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.json", '{"æ": 1}')
>>> read_json(d / "a.json")
{'æ': 1}
>>> oct((d / "a.json").stat().st_mode & 0o777) == oct(0o666 & ~current_umask())  # like open(..., "w")
True
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gmb.errors import EncodingError, FormatError, NotFoundError, StoreError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "current_umask",
    "fsync_dir",
    "make_temp_dir",
    "read_json",
    "read_text",
    "reproducible_zip",
]  # fmt: skip


def current_umask() -> int:
    """The process's umask (e.g. ``0o022``), read without changing it where the system says it (Linux).

    :func:`tempfile.mkstemp` and :func:`tempfile.mkdtemp` create private files (0600) and folders
    (0700) whatever the umask; gmb's files are ordinary files, so they get the mode ``open()`` and
    ``mkdir()`` would give them — the user's umask decides who may read them.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no other way to read it: set and restore at once
    os.umask(mask)
    return mask


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """A new folder in ``parent`` to build something in and rename into place, with ``mkdir``'s mode."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(tmp, 0o777 & ~current_umask())
    return tmp


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

    Temporary file in the same folder, fsync, ``os.replace``, fsync of the folder. The file gets
    the mode a plain ``open(path, "w")`` would give it (0666 minus the umask), not mkstemp's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
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


def reproducible_zip(data: bytes) -> bytes:
    """The ZIP archive ``data`` (e.g. an XLSX) with its clock readings fixed, so equal content gives equal bytes.

    Writers such as openpyxl stamp every member with the current time and write it into
    ``docProps/core.xml`` (``dcterms:created``/``modified``). Both are set to ``SOURCE_DATE_EPOCH``
    (the reproducible-builds convention) or, without it, 1980-01-01, the earliest ZIP date.

    >>> import io, zipfile, time
    >>> def make():
    ...     buf = io.BytesIO()
    ...     with zipfile.ZipFile(buf, "w") as z:
    ...         z.writestr(zipfile.ZipInfo("a.txt", time.localtime()[:6]), "æ")
    ...     return buf.getvalue()
    >>> one = reproducible_zip(make()); time.sleep(2); reproducible_zip(make()) == one
    True
    """
    import io
    import re
    import time
    import zipfile

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01T00:00:00Z
    stamp = time.gmtime(max(epoch, 315532800))
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<)", rb"\g<1>" + iso.encode() + rb"\2", body
                )
            fixed = zipfile.ZipInfo(info.filename, stamp[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()
