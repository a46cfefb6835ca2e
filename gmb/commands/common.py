"""What every command shares: the store location, output helpers, loading a SOURCE."""

from __future__ import annotations

import typer

from gmb.errors import InputError
from gmb.workflow.output import console, err_console, print_json
from gmb.workflow.sources import _state, load_source, set_sessions_dir, store  # noqa: F401 (_state: tests set it)

__all__ = ["SessionsDir", "console", "err_console", "load_source", "print_json", "set_sessions_dir", "store"]

SessionsDir = typer.Option(
    None, "--sessions-dir", envvar="GMB_SESSIONS_DIR", help="Where sessions live (default ./sessions).",
    show_default=False,
)  # fmt: skip


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
