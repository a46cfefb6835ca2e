"""Where sessions come from: the session store chosen for this process, and loading a SOURCE.

Separate from the command line's plumbing (:mod:`gmb.commands.common` re-exports these) because
the workflow functions, the web app and the report read sessions the same way the commands do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["load_source", "set_sessions_dir", "store"]

_state: dict[str, Any] = {"sessions_dir": None}


def set_sessions_dir(path: Path | None) -> None:
    """Use ``path`` as the sessions folder from now on (``None``: ``$GMB_SESSIONS_DIR`` or ``./sessions``)."""
    _state["sessions_dir"] = path


def store():
    """The session store chosen by ``--sessions-dir`` / ``$GMB_SESSIONS_DIR`` / ``./sessions``."""
    from gmb.session.store import Store

    return Store(_state["sessions_dir"])


def load_source(source: str, *, fmt: str | None = None):
    """A session by name, or any map file ``gmb import`` reads (read in memory, nothing stored)."""
    path = Path(source)
    if path.is_file() or path.suffix:
        from gmb.io.registry import read_any

        return read_any(path, fmt=fmt)
    return store().load(source)
