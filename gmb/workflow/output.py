"""Where output goes: rich consoles on stdout and stderr, and plain JSON for scripts.

Shared by the command line (:mod:`gmb.commands.common` re-exports these) and the workflow
functions that print progress, notes and tables.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["console", "err_console", "print_json", "show_warnings"]


def console():
    """A rich console on stdout (no syntax highlighting, so labels print as written)."""
    from rich.console import Console

    return Console(highlight=False)


def err_console():
    """A rich console on stderr: notes, warnings and progress, so ``--json`` on stdout stays clean."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """Plain JSON on stdout (UTF-8, no colour), for scripts; a typed result (:class:`gmb.results.Result`) as its
    ``to_dict()``."""
    from gmb.results import Result

    if isinstance(data, Result):
        data = data.to_dict()
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def show_warnings() -> Iterator[None]:
    """Print each :class:`~gmb.errors.GmbWarning` raised inside as one line on stderr."""
    from rich.markup import escape

    from gmb.errors import GmbWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GmbWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, GmbWarning):
                    err_console().print(f"[yellow]warning:[/yellow] {escape(str(w.message))}", soft_wrap=True)
