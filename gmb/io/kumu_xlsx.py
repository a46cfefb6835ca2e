"""Kumu's XLSX import sheets (*Elements*, *Connections*): reading and writing the workbook.

The fields are those of :mod:`gmb.io.kumu` (read in :mod:`gmb.io.kumu_fields`). Kept apart from the
JSON blueprint because a workbook is a zip of XML read through openpyxl: its size checks (unpacked
bytes, rows counted before openpyxl reads them), streaming rows, and cells a spreadsheet must not
evaluate are its own. ``read_kumu_xlsx`` and ``write_kumu_xlsx`` are re-exported by :mod:`gmb.io.kumu`.

>>> import tempfile, pathlib
>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="t", languages=("da",), variables=(Variable(id="a", labels={"da": "Søvn"}),
...             Variable(id="b", labels={"da": "=Trivsel"})), links=(Link(id="L1", cause="a", effect="b", polarity="-"),))
>>> back = read_kumu_xlsx(write_kumu_xlsx(s, pathlib.Path(tempfile.mkdtemp()) / "k.xlsx"), lang="da")
>>> [v.label("da") for v in back.variables], [(l.cause, l.effect, l.polarity.value) for l in back.links]
(['Søvn', '=Trivsel'], [('a', 'b', '-')])
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, warn
from gmb.files import atomic_write_bytes, reproducible_zip
from gmb.io.build import MapBuilder, read_bytes
from gmb.io.kumu_fields import TYPE_OF_KIND, _connection, _element, _number, _text
from gmb.io.limits import MAX_UNPACKED, check_items
from gmb.io.writing import prepare_write, xml_safe
from gmb.session.model import Session

__all__ = ["read_kumu_xlsx", "write_kumu_xlsx"]


def _workbook(raw: bytes, file: str):
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise FormatError(f"not an XLSX workbook ({exc})", file=file, hint="save the sheet as .xlsx") from None
    if unpacked > MAX_UNPACKED:
        raise FormatError(f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED:,}", file=file,
                          hint="a map's sheets are far smaller; is this the right file?")  # fmt: skip
    _count_rows(raw, file)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        for w in caught:  # openpyxl's complaints about odd parts of the file, said as ours
            warn(f"{w.message}", file=file)
        return wb
    except Exception as exc:  # noqa: BLE001 - a broken workbook fails in many ways inside openpyxl
        raise FormatError(f"cannot read the workbook: {type(exc).__name__}: {exc}"[:300], file=file) from None


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(raw: bytes, file: str) -> None:
    """Refuse a workbook with a sheet of more rows than the item limit before openpyxl reads it.

    The sheets are unzipped as a stream, 1 MB at a time, counting ``<row`` tags: a workbook that
    unfolds into millions of rows stops after the first ``max_items`` of them, in constant memory
    (openpyxl would first scan each whole sheet for its size).
    """
    import zipfile
    import zlib

    try:
        _count_sheet_rows(zipfile.ZipFile(io.BytesIO(raw)), file)
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"not an XLSX workbook ({exc})"[:300], file=file, hint="save the sheet as .xlsx") from None


def _count_sheet_rows(zf, file: str) -> None:
    with zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            rows, tail = 0, b""
            with zf.open(info) as part:
                while chunk := part.read(1 << 20):
                    data = tail + chunk
                    cut = data.rfind(b"<")  # a tag may be cut in two: count it with the next chunk
                    cut = cut if cut > 0 else len(data)
                    rows += len(_ROW.findall(data, 0, cut))
                    tail = data[cut:]
                    check_items(rows - 1, file, what=f"rows in {info.filename.removeprefix('xl/worksheets/')}")
                rows += len(_ROW.findall(tail))
            check_items(rows - 1, file, what=f"rows in {info.filename.removeprefix('xl/worksheets/')}")


def _rows(sheet, file: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Header (lowercase) and the non-empty rows as ``(row number, {header: value})``."""
    try:
        rows = sheet.iter_rows(values_only=True)
        header = [_text(h).lower() for h in next(rows, ())]
        while header and not header[-1]:
            header.pop()  # a sheet may report thousands of empty columns
        check_items(len(header), file, what="columns", line=1)
        width = len(header)
        out = []
        for number, row in enumerate(rows, start=2):
            # counted as they stream: a workbook that unfolds into millions of rows stops here, early
            check_items(number - 1, file, line=number, what=f"rows in sheet '{sheet.title}'")
            row = row[:width] if row is not None else None
            if row is None or not any(_text(c) for c in row):
                continue
            out.append((number, {h: row[i] for i, h in enumerate(header) if h and i < len(row)}))
    except FormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - cells are parsed lazily, so broken XML surfaces here
        raise FormatError(f"cannot read sheet '{sheet.title}': {type(exc).__name__}: {exc}"[:300], file=file) from None
    return header, out


def read_kumu_xlsx(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read Kumu's spreadsheet layout (sheets *Elements* and *Connections*) into a new :class:`Session`."""
    path = Path(path)
    file = str(path)
    wb = _workbook(read_bytes(path), file)
    try:
        sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        if "connections" not in sheets and "elements" not in sheets:
            raise FormatError(
                f"no sheet called Elements or Connections (sheets: {', '.join(ws.title for ws in wb.worksheets)})",
                file=file, hint="Kumu's import sheets are called Elements and Connections",
            )  # fmt: skip
        for name, ws in sheets.items():
            if name not in ("elements", "connections"):
                warn(f"sheet '{ws.title}' is not read", file=file)
        b = MapBuilder(file, lang=lang, by=by)
        by_label: dict[str, list[str]] = {}
        if "elements" in sheets:
            header, rows = _rows(sheets["elements"], file)
            if "label" not in header:
                raise FormatError("the Elements sheet has no Label column", file=file, line=1, field="Elements!1")
            first_row: dict[Any, int] = {}
            for number, fields in rows:
                label, eid = _text(fields.get("label")), _text(fields.get("id"))
                ref = ("id", eid) if eid else label
                if ref in first_row and label:  # Kumu itself treats a repeated Label (or ID) as one element
                    b.skip("repeat", f"element '{label[:60]}' is listed again (first in row {first_row[ref]})",
                           line=number, field=f"Elements row {number}", action="kept as one element")  # fmt: skip
                    continue
                first_row[ref] = number
                x, y = _number(fields.get("x")), _number(fields.get("y"))
                key = ("row", number)
                var = _element(b, fields, key=key, line=number, where=f"Elements row {number}",
                               position=(x, y) if x is not None and y is not None else None)  # fmt: skip
                by_label.setdefault(_text(fields.get("label")), []).append(var)
                if _text(fields.get("id")):
                    by_label.setdefault(("id", _text(fields.get("id"))), []).append(var)  # type: ignore[arg-type]
        if "connections" in sheets:
            header, rows = _rows(sheets["connections"], file)
            missing = [c for c in ("from", "to") if c not in header]
            if missing:
                raise FormatError(f"the Connections sheet has no {' or '.join(c.title() for c in missing)} column",
                                  file=file, line=1, field="Connections!1")  # fmt: skip
            for number, fields in rows:
                where = f"Connections row {number}"
                ends = []
                for end in ("from", "to"):
                    ends.append(_end(b, by_label, _text(fields.get(end)), number, f"{where}.{end.title()}"))
                if None in ends:
                    continue
                _connection(b, fields, ends[0], ends[1], fields.get("direction"), line=number, where=where)
        return b.build(title=title or path.stem)
    finally:
        wb.close()


def _end(b: MapBuilder, by_label: dict, ref: str, line: int, field: str) -> str | None:
    """The variable a From/To cell names: an element ID, else a label (made if the sheet has none)."""
    if not ref:
        b.skip("end", "empty cell: a connection needs both ends", line=line, field=field)
        return None
    found = by_label.get(("id", ref)) or by_label.get(ref)
    if found and len(set(found)) > 1:
        b.skip("end", f"more than one element is called '{ref[:60]}' (give the elements an ID column and use the "
               "IDs in From/To)", line=line, field=field)  # fmt: skip
        return None
    if found:
        return found[0]
    var = b.variable(ref, key=("label", ref), line=line, field=field)
    by_label[ref] = [var]
    return var


def write_kumu_xlsx(session: Any, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the map as Kumu import sheets (Elements, Connections) in one XLSX workbook."""
    from openpyxl import Workbook

    session, path, lang = prepare_write(session, path, lang)
    xml_safe(session)  # a workbook is XML inside
    others = [x for x in session.languages if x != lang]
    theme_label = {t.id: t.label(lang) for t in session.themes}
    wb = Workbook(write_only=True)  # streams rows: several times faster than the normal mode
    ws = wb.create_sheet("Elements")
    ws.append(["Label", "Type", "Tags", "Description", "ID", *[f"Label ({x})" for x in others], "Notes", "X", "Y",
               "Proposed by", "Stage"])  # fmt: skip
    for v in session.variables:
        _append(ws, [
            _cell(v.label(lang)), TYPE_OF_KIND.get(v.kind.value, ""),
            _cell(" | ".join(theme_label[t] for t in v.themes)),
            _cell(v.description), v.id, *[_cell(v.labels.get(x, "")) for x in others], _cell(v.notes),
            v.position[0] if v.position else None, v.position[1] if v.position else None, v.proposed_by or "",
            v.stage or "",
        ])  # fmt: skip
    ws = wb.create_sheet("Connections")
    ws.append(["From", "To", "Direction", "Label", "Type", "Tags", "Description", "Delay", "Strength", "ID",
               "Evidence", "Notes", "Supporters", "Disputers", "Proposed by", "Stage"])  # fmt: skip
    # From/To name elements by ID (Kumu matches them against the ID column): labels may repeat
    name = {v.id: v.id for v in session.variables}
    for link in session.links:
        _append(ws, [
            _cell(name[link.cause]), _cell(name[link.effect]), "directed", "",
            link.polarity.value if link.polarity.value in "+-" else "", "", "", "yes" if link.delay else "",
            "" if link.strength.value == "unknown" else link.strength.value, link.id, _cell(link.evidence),
            _cell(link.notes), " | ".join(link.supporters), " | ".join(link.disputers), link.proposed_by or "",
            link.stage or "",
        ])  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(path, reproducible_zip(buffer.getvalue()))  # openpyxl stamps the time of writing
    return path


def _cell(text: str) -> str:
    return text or ""


def _append(ws, row: list[Any]) -> None:
    """Append a row; text a spreadsheet could evaluate (``=``, ``+``, ``-``, ``@``, tab, CR first) is stored as
    text with Excel's quote prefix, in every column (openpyxl would otherwise write ``=…`` as a formula)."""
    from openpyxl.cell import WriteOnlyCell

    from gmb.io.safe_cells import needs_neutralising

    cells = []
    for value in row:
        if needs_neutralising(value):
            value = WriteOnlyCell(ws, value=value)
            value.data_type = "s"
            value.quotePrefix = True
        cells.append(value)
    ws.append(cells)
