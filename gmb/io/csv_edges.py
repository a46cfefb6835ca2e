"""CSV edge lists: ``from,to,sign`` plus optional ``delay`` and ``strength`` columns.

``sign`` is ``+``, ``-`` or empty (unknown), or any spelling :func:`gmb.io.build.polarity_of` reads.
``delay`` is yes/no (also true/false, 1/0, ``||``). Variables are created from the labels in order
of first appearance. Columns may also be called source/target, sender/receiver, cause/effect,
origin/destination (and polarity/type for the sign); ``--columns from=A,to=B,sign=C`` maps any
other names (:mod:`gmb.io.limits`). One bad row (an empty end, a link to itself, an unreadable
sign, delay or strength) is skipped or repaired with a warning; ``--strict`` refuses the file.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
>>> _ = p.write_text("sender,receiver,polarity\\nSøvn,Trivsel,+\\nTrivsel,Søvn,\\n", encoding="utf-8")
>>> s = read_edge_csv(p)
>>> [(l.cause, l.effect, l.polarity.value) for l in s.links]
[('søvn', 'trivsel', '+'), ('trivsel', 'søvn', '?')]
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gmb.errors import FormatError
from gmb.io.build import MapBuilder, read_utf8
from gmb.io.limits import check_items, find_columns
from gmb.session.model import Session

__all__ = ["OPTIONAL", "REQUIRED", "read_edge_csv"]

REQUIRED = ("from", "to", "sign")
OPTIONAL = ("delay", "strength")
_BOOL = {"": False, "no": False, "false": False, "0": False, "n": False,
         "yes": True, "true": True, "1": True, "y": True, "||": True, "delay": True}  # fmt: skip
_STRENGTHS = {"", "weak", "medium", "strong", "unknown"}


def read_edge_csv(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read an edge list into a new in-memory :class:`Session` (nothing is written).

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV or TSV file (``from,to,sign`` plus optional ``delay`` and ``strength``).
    lang : str, optional
        Language of the labels (default ``en``).
    title : str, optional
        The session's title (default: the file's name).
    by : str, optional
        Who the links are proposed by.

    Returns
    -------
    gmb.session.Session
        Variables in order of first appearance, ids made from the labels.

    Raises
    ------
    gmb.errors.FormatError, gmb.errors.EncodingError
        Not a readable edge list, or not UTF-8.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = path.write_text(chr(10).join(["from,to,sign", "Screen time,Sleep,-", "Sleep,Mood,+"]),
    ...                     encoding="utf-8")
    >>> s = read_edge_csv(path)
    >>> [v.id for v in s.variables], s.variables[0].label()
    (['screen_time', 'sleep', 'mood'], 'Screen time')
    """
    path = Path(path)
    file = str(path)
    text = read_utf8(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FormatError("empty file: expected a header 'from,to,sign'", file=file, line=1) from None
    except csv.Error as exc:
        raise FormatError(f"not a CSV file: {exc}", file=file, line=1) from None
    col = find_columns(header, file)
    col.update({name: header.index(name) for name in OPTIONAL if name in header})
    b = MapBuilder(file, lang=lang, by=by)
    rows = 0
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            check_items(rows, file, line=line, what="rows")
            cells = {name: (row[i].strip() if i < len(row) else "") for name, i in col.items()}
            if not cells["from"] or not cells["to"]:
                b.skip(
                    "row", "a row without both ends (from, to)", line=line, field="from" if not cells["from"] else "to"
                )
                continue
            cause = b.variable(cells["from"], line=line, field="from")
            effect = b.variable(cells["to"], line=line, field="to")
            raw = cells.get("sign", "")
            polarity = b.sign(raw)
            if polarity == "?" and raw not in ("", "?"):
                b.skip("sign", f"'{raw}' is no sign gmb reads", line=line, field="sign", action="read as unknown (?)")
            delay = cells.get("delay", "").lower()
            if delay not in _BOOL:
                b.skip("delay", f"invalid delay {delay!r}", line=line, field="delay", action="read as no delay")
            strength = cells.get("strength", "").lower()
            if strength not in _STRENGTHS:
                b.skip("strength", f"invalid strength {strength!r}", line=line, field="strength",
                       action="read as unknown")  # fmt: skip
                strength = ""
            b.link(cause, effect, polarity=polarity, delay=_BOOL.get(delay, False), strength=strength or "unknown",
                   line=line, field="to", repeated="note", notes=f"{path.name} line {line}")  # fmt: skip
    except csv.Error as exc:
        raise FormatError(f"not a CSV file: {exc}", file=file, line=reader.line_num) from None
    return b.build(title=title or path.stem)
