"""A CSV pair in a folder: ``variables.csv`` and ``links.csv`` (spreadsheet-friendly, UTF-8 with BOM).

``variables.csv``: ``id``, ``label_<lang>`` per language (a plain ``label`` column is read in the
import language), ``kind``, ``description``, ``themes`` (theme ids, ``;``-separated), ``x``, ``y``,
``notes``, ``proposed_by``, ``stage``. ``links.csv``: ``id``, ``from``, ``to`` (variable ids, or labels),
``sign`` (``+``/``-``/empty), ``delay`` (yes/no), ``strength``, ``supporters``, ``disputers``
(``;``-separated participant ids), ``evidence``, ``notes``, ``proposed_by``, ``stage``. Only ``from``,
``to`` and ``sign`` are required, so a bare edge list next to a variables list works too.

Text cells that begin with ``=``, ``+``, ``-`` or ``@`` are written with a leading ``'`` so that a
spreadsheet does not run them as formulas; the reader removes it again.

>>> import tempfile, pathlib
>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="t", languages=("da", "en"), variables=(
...     Variable(id="søvn", labels={"da": "Søvn", "en": "Sleep"}), Variable(id="trivsel", labels={"da": "Trivsel"})),
...     links=(Link(id="L1", cause="søvn", effect="trivsel", polarity="+", delay=True),))
>>> folder = write_csv_pair(s, pathlib.Path(tempfile.mkdtemp()) / "kort")
>>> sorted(p.name for p in folder.iterdir())
['links.csv', 'variables.csv']
>>> back = read_csv_pair(folder)
>>> back.variables == s.variables and back.links == s.links
True
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, NotFoundError, ValidationError
from gmb.files import atomic_write_text
from gmb.io.build import MapBuilder, as_session, read_utf8
from gmb.io.limits import check_items, find_columns
from gmb.io.safe_cells import neutralise, restore
from gmb.session.model import Session

__all__ = ["LINK_COLUMNS", "VARIABLE_COLUMNS", "is_csv_pair", "read_csv_pair", "write_csv_pair"]

VARIABLE_COLUMNS = ("id", "kind", "description", "themes", "x", "y", "notes", "proposed_by", "stage")
LINK_COLUMNS = ("id", "from", "to", "sign", "delay", "strength", "supporters", "disputers", "evidence", "notes",
                "proposed_by", "stage")  # fmt: skip
_BOOL = {"": False, "no": False, "false": False, "0": False, "n": False, "nej": False,
         "yes": True, "true": True, "1": True, "y": True, "||": True, "delay": True, "ja": True}  # fmt: skip
_LABEL = re.compile(r"^label_([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})?)$")


def is_csv_pair(path: Path) -> bool:
    """A folder with ``links.csv`` or ``variables.csv``, or one of those files next to the other."""
    if path.is_dir():
        return (path / "links.csv").is_file() or (path / "variables.csv").is_file()
    return path.name in ("links.csv", "variables.csv") and (path.parent / "variables.csv").is_file()


def _unescape(text: str) -> str:
    return restore(text)


def _escape(text: str) -> str:
    return neutralise(text)


def _table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = read_utf8(path)
    # the separator is the one the header uses most (guessing from data rows trips over quoted labels)
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda d: (header_line.count(d), d == ","))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        for row in reader:
            check_items(len(rows), str(path), line=reader.line_num, what="rows")
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, {h: (restore(row[i].strip()) if i < len(row) else "") for i, h in
                                               enumerate(header) if h}))  # fmt: skip
    except csv.Error as exc:
        raise FormatError(f"not a CSV file: {exc}", file=str(path), line=reader.line_num) from None
    if not header:
        raise FormatError("empty file: expected a header row", file=str(path), line=1)
    return header, rows


def _list(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[;|]", text) if t.strip()]


def _coordinate(b: MapBuilder, text: str, line: int, field: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        b.skip("position", f"not a finite number: {text!r}", line=line, field=field, action="no position kept")
        return None
    return value


def read_csv_pair(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read ``variables.csv`` + ``links.csv`` from a folder (or given either file) into a new Session."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    var_file, link_file = folder / "variables.csv", folder / "links.csv"
    if not var_file.is_file() and not link_file.is_file():
        raise NotFoundError("no variables.csv or links.csv here", file=str(folder))
    b = MapBuilder(var_file if var_file.is_file() else link_file, lang=lang, by=by)
    by_label: dict[str, list[str]] = {}
    if var_file.is_file():
        file = str(var_file)
        b.file = file
        header, rows = _table(var_file)
        label_columns = [(m.group(1), h) for h in header if (m := _LABEL.match(h))]
        if "label" in header:
            label_columns.insert(0, (lang, "label"))
        if not label_columns and "id" not in header:
            raise FormatError("variables.csv needs an id or a label column", file=file, line=1)
        if label_columns and label_columns[0][0] != lang:
            b.lang = lang = label_columns[0][0]
            b.languages = [lang]
        for line, row in rows:
            labels = {code: _unescape(row[col]) for code, col in label_columns if row.get(col)}
            first = labels.pop(lang, None) or next(iter(labels.values()), None) or row.get("id", "")
            themes = []
            for theme in _list(row.get("themes", "")):
                if theme not in b.themes:
                    b.themes[theme] = {"id": theme, "labels": {lang: theme}}
                themes.append(theme)
            x = _coordinate(b, row.get("x", ""), line, "x")
            y = _coordinate(b, row.get("y", ""), line, "y")
            kind = row.get("kind") or None
            if kind and kind not in ("stock", "auxiliary", "exogenous", "outcome", "unknown"):
                b.skip("kind", f"invalid kind {kind!r} (stock, auxiliary, exogenous, outcome or unknown)", line=line,
                       field="kind", action="read as unknown")  # fmt: skip
                kind = None
            var = b.variable(first, key=("row", line), id=row.get("id") or None, line=line, field="label",
                             labels=labels, kind=kind,
                             position=(x, y) if x is not None and y is not None else None,
                             description=_unescape(row.get("description", "")), themes=themes,
                             notes=_unescape(row.get("notes", "")), proposed_by=b.person(row.get("proposed_by")),
                             stage=row.get("stage") or None)  # fmt: skip
            if var is None:
                continue
            if row.get("id"):
                by_label.setdefault(row["id"], []).append(var)
            by_label.setdefault(first, []).append(var)
    if link_file.is_file():
        file = str(link_file)
        b.file = file
        header, rows = _table(link_file)
        col = find_columns(header, file)
        name = {role: header[i] for role, i in col.items()}
        for line, row in rows:
            ends = [_end(b, by_label, _unescape(row.get(name[end], "")), line, end, var_file.is_file())
                    for end in ("from", "to")]  # fmt: skip
            if None in ends:
                continue
            raw, delay = row.get(name["sign"], "") if "sign" in name else "", row.get("delay", "").lower()
            polarity = b.sign(raw)
            if polarity == "?" and raw not in ("", "?"):
                b.skip("sign", f"'{raw}' is no sign gmb reads", line=line, field="sign", action="read as unknown (?)")
            if delay not in _BOOL:
                b.skip("delay", f"invalid delay {delay!r}", line=line, field="delay", action="read as no delay")
            strength = row.get("strength", "").lower()
            if strength not in ("", "weak", "medium", "strong", "unknown"):
                b.skip("strength", f"invalid strength {strength!r}", line=line, field="strength",
                       action="read as unknown")  # fmt: skip
                strength = ""
            b.link(ends[0], ends[1], polarity=polarity, delay=_BOOL.get(delay, False), strength=strength or None,
                   id=row.get("id") or None, line=line, field="to", repeated="note",
                   evidence=_unescape(row.get("evidence", "")), notes=_unescape(row.get("notes", "")),
                   supporters=[b.person(p) for p in _list(row.get("supporters", ""))],
                   disputers=[b.person(p) for p in _list(row.get("disputers", ""))],
                   proposed_by=b.person(row.get("proposed_by")), stage=row.get("stage") or None)  # fmt: skip
    return b.build(title=title or folder.name or "untitled")


def _end(b: MapBuilder, by_label: dict[str, list[str]], ref: str, line: int, field: str,
         listed: bool) -> str | None:  # fmt: skip
    """The variable a from/to cell names; None (with a warning) for an empty, unknown or ambiguous one."""
    if not ref:
        b.skip("end", "empty cell: a link needs both ends", line=line, field=field)
        return None
    found = by_label.get(ref)
    if found and len(set(found)) > 1:
        b.skip("end", f"more than one variable is called '{ref}' (use the ids from variables.csv)", line=line,
               field=field)  # fmt: skip
        return None
    if found:
        return found[0]
    if listed:
        b.skip("end", f"'{ref}' is neither an id nor a label in variables.csv", line=line, field=field)
        return None
    var = b.variable(ref, key=("label", ref), line=line, field=field)
    by_label[ref] = [var]
    return var


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # every cell of every column (ids, link ends, proposed_by, supporters too): nothing a spreadsheet runs
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()  # the BOM makes spreadsheet programs read UTF-8 (æ ø å)


def write_csv_pair(session: Any, path: str | Path) -> Path:
    """Write ``variables.csv`` and ``links.csv`` into the folder ``path`` (made if needed)."""
    session = as_session(session)
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ValidationError("is a file; the CSV pair is written into a folder", file=str(folder), field="--out")
    languages = list(session.languages) or ["en"]
    variables = [["id", *[f"label_{x}" for x in languages], *VARIABLE_COLUMNS[1:]]]
    for v in session.variables:
        x, y = v.position if v.position is not None else ("", "")
        variables.append([v.id, *[_escape(v.labels.get(x_, "")) for x_ in languages], v.kind.value,
                          _escape(v.description), ";".join(v.themes), x, y, _escape(v.notes), v.proposed_by or "",
                          v.stage or ""])  # fmt: skip
    links = [list(LINK_COLUMNS)]
    for link in session.links:
        links.append([link.id, link.cause, link.effect, "" if link.polarity.value == "?" else link.polarity.value,
                      "yes" if link.delay else "no", link.strength.value, ";".join(link.supporters),
                      ";".join(link.disputers), _escape(link.evidence), _escape(link.notes), link.proposed_by or "",
                      link.stage or ""])  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "variables.csv", _csv(variables))
    atomic_write_text(folder / "links.csv", _csv(links))
    return folder
