"""What every command shares: the store location, output helpers, loading a SOURCE."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from gmb.errors import InputError

__all__ = ["SessionsDir", "console", "err_console", "load_source", "print_json", "store"]

SessionsDir = typer.Option(
    None, "--sessions-dir", envvar="GMB_SESSIONS_DIR", help="Where sessions live (default ./sessions).",
    show_default=False,
)  # fmt: skip

_state: dict[str, Any] = {"sessions_dir": None}


def set_sessions_dir(path: Path | None) -> None:
    _state["sessions_dir"] = path


def store():
    """The session store chosen by ``--sessions-dir`` / ``$GMB_SESSIONS_DIR`` / ``./sessions``."""
    from gmb.session.store import Store

    return Store(_state["sessions_dir"])


def console():
    from rich.console import Console

    return Console(highlight=False)


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """Plain JSON on stdout (UTF-8, no colour), for scripts."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def load_source(source: str, *, fmt: str | None = None):
    """A session by name, or any map file ``gmb import`` reads (read in memory, nothing stored)."""
    path = Path(source)
    if path.is_file() or path.suffix:
        from gmb.io.registry import read_any

        return read_any(path, fmt=fmt)
    return store().load(source)


def parse_labels(values: list[str], default_lang: str) -> dict[str, str]:
    """``["da=Søvn", "en=Sleep"]`` or a bare ``"Søvn"`` (default language) to a labels dict."""
    out: dict[str, str] = {}
    for value in values:
        lang, sep, text = value.partition("=")
        if sep and 1 < len(lang) <= 8 and lang.isalpha():
            out[lang] = text
        else:
            out[default_lang] = value
    if any(not t.strip() for t in out.values()):
        raise InputError("a label cannot be empty", field="--label")
    return out
