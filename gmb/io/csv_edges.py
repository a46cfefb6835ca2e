"""CSV edge lists: ``from,to,sign`` plus optional ``delay`` and ``strength`` columns.

``sign`` is ``+``, ``-`` or empty (unknown). ``delay`` is yes/no (also true/false, 1/0, ``||``).
Variables are created from the labels in order of first appearance.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
>>> _ = p.write_text("from,to,sign\\nSøvn,Trivsel,+\\nTrivsel,Søvn,\\n", encoding="utf-8")
>>> s = read_edge_csv(p)
>>> [(l.cause, l.effect, l.polarity.value) for l in s.links]
[('søvn', 'trivsel', '+'), ('trivsel', 'søvn', '?')]
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gmb.errors import FormatError, ValidationError
from gmb.files import read_text
from gmb.io.ids import make_id
from gmb.session.model import Session
from gmb.session.validate import parse_session

__all__ = ["read_edge_csv", "REQUIRED", "OPTIONAL"]

REQUIRED = ("from", "to", "sign")
OPTIONAL = ("delay", "strength")
_SIGNS = {"+": "+", "-": "-", "": "?", "?": "?", "+1": "+", "-1": "-", "−": "-", "pos": "+", "neg": "-"}
_BOOL = {"": False, "no": False, "false": False, "0": False, "n": False,
         "yes": True, "true": True, "1": True, "y": True, "||": True, "delay": True}  # fmt: skip
_STRENGTHS = {"", "weak", "medium", "strong", "unknown"}


def read_edge_csv(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read an edge list into a new in-memory :class:`Session` (nothing is written)."""
    path = Path(path)
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FormatError("empty file: expected a header 'from,to,sign'", file=str(path), line=1) from None
    except csv.Error as exc:
        raise FormatError(f"not a CSV file: {exc}", file=str(path), line=1) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FormatError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (header is {','.join(header)})",
            file=str(path), line=1, hint="the header must include from,to,sign",
        )  # fmt: skip
    col = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    ids: dict[str, str] = {}
    variables, links = [], []
    seen_pairs: dict[tuple[str, str], int] = {}

    def var(label: str, line: int, field: str) -> str:
        if not label:
            raise ValidationError("empty variable label", file=str(path), line=line, field=field)
        if len(label) > 2000:
            raise ValidationError(f"variable name is {len(label):,} characters long (the limit is 2,000)",
                                  file=str(path), line=line, field=field)  # fmt: skip
        if label not in ids:
            ids[label] = make_id(label, set(ids.values()))
            variables.append({"id": ids[label], "labels": {lang: label}, "proposed_by": by})
        return ids[label]

    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: (row[i].strip() if i < len(row) else "") for name, i in col.items()}
            cause, effect = var(cells["from"], line, "from"), var(cells["to"], line, "to")
            if cause == effect:
                raise ValidationError("a link from a variable to itself", file=str(path), line=line, field="to")
            sign = cells["sign"]
            if sign not in _SIGNS:
                raise ValidationError(
                    f"invalid polarity {sign!r}", file=str(path), line=line, field="sign", hint="use +, - or leave empty"
                )
            delay = cells.get("delay", "").lower()
            if delay not in _BOOL:
                raise ValidationError(f"invalid delay {delay!r}", file=str(path), line=line, field="delay", hint="yes or no")
            strength = cells.get("strength", "").lower()
            if strength not in _STRENGTHS:
                raise ValidationError(
                    f"invalid strength {strength!r}", file=str(path), line=line, field="strength",
                    hint="weak, medium, strong or unknown",
                )  # fmt: skip
            if (cause, effect) in seen_pairs:
                raise ValidationError(
                    f"duplicate link {cells['from']} -> {cells['to']} (first on line {seen_pairs[cause, effect]})",
                    file=str(path), line=line,
                )  # fmt: skip
            seen_pairs[cause, effect] = line
            links.append({
                "id": f"L{len(links) + 1}", "cause": cause, "effect": effect, "polarity": _SIGNS[sign],
                "delay": _BOOL[delay], "strength": strength or "unknown", "proposed_by": by,
                "notes": f"{path.name} line {line}",
            })  # fmt: skip
    except csv.Error as exc:
        raise FormatError(f"not a CSV file: {exc}", file=str(path), line=reader.line_num) from None
    data = {"title": title or path.stem, "languages": [lang], "variables": variables, "links": links}
    if by:
        data["participants"] = [{"id": by, "name": by}]
    return parse_session(data, file=str(path))
