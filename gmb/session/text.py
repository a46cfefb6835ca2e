"""Text that enters a session: Unicode NFC, and no control or invisible characters.

Every record of a session (:class:`gmb.session.model.Record`) passes its text through
:func:`clean_text` when it is built — from the command line, the web API, an import or a stored
file — so what is stored can always be written to every format (XML, XLSX, ``.mdl``, CSV) and
reads the same on every screen. Text is normalised to NFC (``å`` typed as ``a`` + ring becomes one
character), ``\\r\\n`` becomes ``\\n``, and these are refused with :class:`UnsafeTextError`, naming
the field, the character and its position:

* C0 and C1 control characters (NUL, escape, …) and DEL — newline and tab are allowed;
* invisible format characters: zero-width space, word joiner, soft hyphen, byte-order mark,
  bidirectional overrides and isolates (the zero-width (non-)joiners of emoji and Indic or
  Persian script are allowed), line and paragraph separators;
* characters that look like nothing (Hangul fillers, braille blank), unpaired surrogates and
  unassigned or private-use code points.

>>> clean_text("Søvn", "labels.da") == "Søvn" and clean_text("So\\u0308vn", "x") == "Sövn"
True
>>> clean_text("a\\u200bb", "labels.da")
Traceback (most recent call last):
...
gmb.session.text.UnsafeTextError: labels.da: contains an invisible or control character U+200B ZERO WIDTH SPACE at position 2 (retype the text without it)
"""

from __future__ import annotations

import unicodedata
from typing import Any

from gmb.errors import ValidationError

__all__ = ["UnsafeTextError", "bad_character", "clean_data", "clean_text"]

_ALLOWED_FORMAT = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: needed by scripts and emoji
_BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


class UnsafeTextError(ValidationError):
    """Text with a control or invisible character; ``field`` names where it was found."""


def bad_character(text: str) -> tuple[int, str] | None:
    """The first (position, character) that may not be stored, or None."""
    for i, ch in enumerate(text):
        if ch in "\n\t":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp") or ch in _BLANK_LOOKING:
            return i, ch
        if cat == "Cf" and ch not in _ALLOWED_FORMAT:
            return i, ch
    return None


def clean_text(text: str, field: str) -> str:
    """``text`` in NFC with ``\\n`` line ends; :class:`UnsafeTextError` if it holds a character that may not."""
    if text.isascii() and text.isprintable():
        return text  # the common case, quickly
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    found = bad_character(text)
    if found is not None:
        i, ch = found
        name = unicodedata.name(ch, "") or {"\x00": "NUL", "\x1b": "ESCAPE", "\x7f": "DELETE"}.get(ch, "control")
        raise UnsafeTextError(f"contains an invisible or control character U+{ord(ch):04X} {name} at position {i + 1}",
                              field=field, hint="retype the text without it")  # fmt: skip
    return text


def clean_data(value: Any, field: str = "") -> Any:
    """Every string in ``value`` (dicts, lists, tuples; keys too) through :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value, field)
    if isinstance(value, dict):
        return {(clean_text(k, field) if isinstance(k, str) else k): clean_data(v, f"{field}.{k}" if field else str(k))
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, (list, tuple)):
        return type(value)(clean_data(v, f"{field}[{i}]") for i, v in enumerate(value))
    return value
