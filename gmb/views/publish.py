"""Writing the files people open: atomic, and readable by others (a map is meant to be shared).

:func:`gmb.files.atomic_write_bytes` writes through :func:`tempfile.mkstemp`, whose files are
private (mode 0600); a map copied to a web folder or a shared drive must be readable, so the
views set 0644 after the atomic replace.

>>> import tempfile, pathlib, stat
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.html"
>>> write_public_text(p, "<p>Søvn</p>")
>>> oct(stat.S_IMODE(p.stat().st_mode)), p.read_text("utf-8")
('0o644', '<p>Søvn</p>')
"""

from __future__ import annotations

import os
from pathlib import Path

from gmb.files import atomic_write_bytes

__all__ = ["write_public_text", "write_public_bytes"]


def write_public_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Atomically write ``data`` to ``path`` and make it world-readable (0644)."""
    atomic_write_bytes(path, data)
    try:
        os.chmod(path, 0o644)
    except OSError:  # e.g. a file system without POSIX modes: the content is written, that matters
        pass


def write_public_text(path: str | os.PathLike, text: str) -> None:
    """:func:`write_public_bytes` for UTF-8 text."""
    write_public_bytes(path, text.encode("utf-8"))
