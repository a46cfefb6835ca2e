"""What every import may cost, and how strict it is: limits and options shared by all readers.

A reader never holds more than :data:`MAX_BYTES` of file (XLSX: :data:`MAX_UNPACKED` unpacked),
more than ``max_items`` variables + links (rows, elements, relationships…: counted while reading,
so a file that unfolds into millions of items is refused early), or nesting deeper than
``max_depth`` (XML elements, JSON arrays/objects). Each refusal is a
:class:`~gmb.errors.FormatError` naming the limit and the option that raises it.

Options are set for one import with :func:`import_options` (``gmb import --strict --columns ...
--max-items ...``); readers read them with :func:`options`, so reader signatures stay the same.

>>> with import_options(max_items=2):
...     check_items(3, "m.csv", line=4)
Traceback (most recent call last):
gmb.errors.FormatError: m.csv: line 4: more than 2 items (variables and links); the limit is 2 ...
>>> parse_columns("from=Sender, to=Receiver ,sign=Effect")
{'from': 'sender', 'to': 'receiver', 'sign': 'effect'}
>>> json_depth('{"a": [[1, "]]]"], {"b": {}}]}')  # { [ { {
4
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from gmb.errors import FormatError, InputError, ValidationError, warn

__all__ = [
    "COLUMN_SYNONYMS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_UNPACKED",
    "ImportOptions",
    "check_depth",
    "check_items",
    "import_options",
    "json_depth",
    "lenient",
    "options",
    "parse_columns",
]  # fmt: skip

#: files larger than this are refused before parsing (a CLD is kilobytes, not gigabytes)
MAX_BYTES = 64 * 1024 * 1024
#: uncompressed size an XLSX workbook may unpack to (refuses zip bombs)
MAX_UNPACKED = 256 * 1024 * 1024
#: variables + links (and rows, elements, relationships) one import may hold; a workshop map has hundreds
MAX_ITEMS = 200_000
#: deepest nesting of XML elements or JSON arrays/objects (real files: < 20)
MAX_DEPTH = 200

#: what each link column may be called in an edge list (lowercase); ``--columns`` maps any other name
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "from": ("from", "source", "sender", "cause", "origin", "tail", "start", "from variable", "cause variable"),
    "to": ("to", "target", "receiver", "effect", "destination", "head", "end", "to variable", "effect variable"),
    "sign": ("sign", "polarity", "type", "connection type", "link type", "valence", "+/-"),
}


@dataclass(frozen=True)
class ImportOptions:
    """How one import behaves: ``strict`` all-or-nothing, column names, colour polarity, limits."""

    strict: bool = False
    columns: dict[str, str] | None = None
    polarity_from_colour: bool = False
    max_items: int = MAX_ITEMS
    max_bytes: int = MAX_BYTES
    max_depth: int = MAX_DEPTH


_DEFAULT = ImportOptions()
_CURRENT: ContextVar[ImportOptions | None] = ContextVar("gmb_import_options", default=None)


def options() -> ImportOptions:
    """The options of the import running now (the defaults outside :func:`import_options`)."""
    return _CURRENT.get() or _DEFAULT


@contextmanager
def import_options(**changes) -> Iterator[ImportOptions]:
    """Run the readers inside with some options changed (``None`` values keep the current ones)."""
    changes = {k: v for k, v in changes.items() if v is not None}
    for name in ("max_items", "max_bytes", "max_depth"):
        if name in changes and (not isinstance(changes[name], int) or changes[name] < 1):
            raise InputError(f"must be a whole number ≥ 1, got {changes[name]!r}", field="--" + name.replace("_", "-"))
    token = _CURRENT.set(replace(options(), **changes))
    try:
        yield options()
    finally:
        _CURRENT.reset(token)


def check_items(count: int, file: str, *, line: int | None = None, what: str = "items (variables and links)") -> None:
    """Refuse the file once ``count`` exceeds the item limit."""
    limit = options().max_items
    if count > limit:
        raise FormatError(
            f"more than {limit:,} {what}; the limit is {limit:,}", file=file, line=line,
            hint=f"a workshop map has hundreds; if this file is right, give --max-items {max(limit * 4, count)}",
        )  # fmt: skip


def check_depth(depth: int, file: str, *, line: int | None = None) -> None:
    """Refuse nesting deeper than the depth limit."""
    limit = options().max_depth
    if depth > limit:
        raise FormatError(
            f"nested more than {limit} levels deep; the limit is {limit}", file=file, line=line,
            hint="no map file nests so deeply; this one is damaged or hostile",
        )  # fmt: skip


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def json_outline(text: str) -> tuple[int, list[list[int]]]:
    """How deeply JSON ``text`` nests, and the line of each object in each top-level array.

    The arrays are in file order (match them with the parsed document's array-valued keys): JSON
    parsers keep no line numbers. Strings are blanked first with one regex substitution (a valid
    string holds no raw line break), then only brackets are visited: one linear pass.

    >>> json_outline('{"a": [\\n{"x": "[{"},\\n {}], "b": 1, "c": [{}]}')
    (3, [[2, 3], [3]])
    """
    plain = _JSON_STRING.sub('""', text)
    depth = deepest = 0
    arrays: list[list[int]] = []
    current: list[int] | None = None
    line, last = 1, 0
    for m in _BRACKET.finditer(plain):
        c = m.group()
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if depth == 2 and c == "[":
                current = []
                arrays.append(current)
            elif depth == 3 and c == "{" and current is not None:
                line += plain.count("\n", last, m.start())
                last = m.start()
                current.append(line)
        else:
            depth -= 1
            if depth == 1:
                current = None
    return deepest, arrays


def json_depth(text: str) -> int:
    """How deeply JSON ``text`` nests arrays and objects (one linear pass; strings skipped)."""
    return json_outline(text)[0]


def parse_columns(text: str | None) -> dict[str, str] | None:
    """``from=Sender,to=Receiver,sign=Effect`` as ``{"from": "sender", ...}`` (``--columns``)."""
    if not text:
        return None
    out: dict[str, str] = {}
    for part in text.split(","):
        role, sep, name = part.partition("=")
        role = role.strip().lower()
        if not sep or role not in COLUMN_SYNONYMS or not name.strip():
            raise InputError(f"cannot read {part.strip()!r}", field="--columns",
                             hint="give e.g. --columns from=Sender,to=Receiver,sign=Effect")  # fmt: skip
        out[role] = name.strip().lower()
    return out


def find_columns(header: list[str], file: str, *, required: tuple[str, ...] = ("from", "to")) -> dict[str, int]:
    """Column index of each role (from, to, sign) in a lowercase ``header``: ``--columns``, else synonyms."""
    given = options().columns or {}
    out: dict[str, int] = {}
    for role, names in COLUMN_SYNONYMS.items():
        if role in given:
            if given[role] not in header:
                raise FormatError(f"--columns names a column '{given[role]}' that the header does not have "
                                  f"(header is {','.join(header)})", file=file, line=1)  # fmt: skip
            out[role] = header.index(given[role])
            continue
        for name in names:
            if name in header and header.index(name) not in out.values():
                out[role] = header.index(name)
                break
    missing = [role for role in required if role not in out]
    if missing:
        raise FormatError(
            f"no {' or '.join(missing)} column (header is {','.join(header)})", file=file, line=1,
            hint="name the columns from,to,sign (or source/target, sender/receiver, cause/effect, "
                 "origin/destination; sign/polarity/type), or map them: --columns from=A,to=B,sign=C",
        )  # fmt: skip
    return out


def lenient(message: str, *, file: str | None, line: int | None = None, field: str | None = None,
            hint: str | None = None, action: str = "skipped") -> None:  # fmt: skip
    """One bad item: a ``warning:`` naming it (and what was done) — or, with ``--strict``, the error."""
    if options().strict:
        raise ValidationError(message, file=file, line=line, field=field, hint=hint)
    warn(f"{message}; {action}" if action else message, file=file, line=line, field=field)
