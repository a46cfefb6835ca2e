"""Spreadsheet cells that cannot run: the OWASP "CSV injection" rule, in one place for every writer.

A spreadsheet program evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some
also after a leading tab or carriage return) as a formula, so a label such as
``=HYPERLINK("http://evil", "click")`` in a workshop record would run when a CSV export is opened.
:func:`neutralise` puts a ``'`` in front of such text (what OWASP recommends; spreadsheets show
the text as typed and hide the quote), :func:`restore` takes it off again when gmb reads its own
files. Plain numbers (``-1.5``) and a bare sign (``+``, ``-``) cannot run and are left alone.

>>> neutralise('=HYPERLINK("http://x")'), neutralise("-1.5"), neutralise("-"), neutralise("@sum(A1)")
('\\'=HYPERLINK("http://x")', '-1.5', '-', "'@sum(A1)")
>>> restore(neutralise("+cmd|' /C calc'!A0"))
"+cmd|' /C calc'!A0"
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FORMULA_START", "needs_neutralising", "neutralise", "restore"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def needs_neutralising(value: Any) -> bool:
    """Whether a spreadsheet could evaluate ``value`` as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    return value not in ("+", "-") and not _NUMBER.fullmatch(value)


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if a spreadsheet could evaluate it; anything else unchanged."""
    return "'" + value if needs_neutralising(value) else value


def restore(value: str) -> str:
    """Undo :func:`neutralise` (for gmb reading the files it wrote)."""
    return value[1:] if len(value) > 1 and value[0] == "'" and needs_neutralising(value[1:]) else value
