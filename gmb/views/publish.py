"""Writing the files people open: atomically, with the mode the user's umask gives any new file.

(A map is meant to be shared: with the usual umask 022 it is readable by others; a user who set
077 keeps it private. :func:`gmb.files.atomic_write_bytes` applies the umask to every gmb file.)

>>> import tempfile, pathlib, stat
>>> from gmb.files import current_umask
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.html"
>>> write_public_text(p, "<p>Søvn</p>")
>>> stat.S_IMODE(p.stat().st_mode) == 0o666 & ~current_umask(), p.read_text("utf-8")
(True, '<p>Søvn</p>')
"""

from __future__ import annotations

import os

from gmb.files import atomic_write_bytes

__all__ = ["write_public_bytes", "write_public_text"]


def write_public_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Atomically write ``data`` to ``path`` (mode 0666 minus the umask, like any new file)."""
    atomic_write_bytes(path, data)


def write_public_text(path: str | os.PathLike, text: str) -> None:
    """:func:`write_public_bytes` for UTF-8 text."""
    write_public_bytes(path, text.encode("utf-8"))
