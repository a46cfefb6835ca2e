"""Kumu maps: the JSON blueprint (``elements``, ``connections``, ``maps``) and the XLSX import sheets.

Kumu keeps free-form fields on elements and connections; gmb reads and writes these:

=================  ===========================================  ==========================================
gmb                element field (JSON attribute / XLSX column)  connection field
=================  ===========================================  ==========================================
label              ``label`` / Label (other languages:           ``connection type`` / Type: ``+`` or ``-``
                   ``label (da)``)
kind               ``element type`` / Type: stock, auxiliary,    ``delay``: yes/no
                   constant (= exogenous), outcome
themes             ``tags`` / Tags (``a | b``)                   ``strength``: weak/medium/strong (or 1–3)
description        ``description`` / Description                 ``evidence``, ``notes``, ``supporters``,
                                                                 ``disputers``
id                 ``id`` / ID                                   ``id`` / ID
position           the first map's element ``position``          —
                   (X, Y columns in XLSX)
=================  ===========================================  ==========================================

Element types that are no variable kind (Kumu's "Action", "Goal"…) are kept in the variable's notes.
``mutual`` connections become two links; ``undirected`` ones are skipped with a warning.

>>> import tempfile, pathlib, json
>>> p = pathlib.Path(tempfile.mkdtemp()) / "k.json"
>>> _ = p.write_text(json.dumps({"elements": [{"_id": "e1", "attributes": {"label": "Søvn"}},
...     {"_id": "e2", "attributes": {"label": "Trivsel", "element type": "stock"}}],
...     "connections": [{"from": "e1", "to": "e2", "attributes": {"connection type": "+", "delay": True}}]}))
>>> s = read_kumu_json(p, lang="da")
>>> [(l.cause, l.effect, l.polarity.value, l.delay) for l in s.links], s.variable("trivsel").kind.value
([('søvn', 'trivsel', '+', True)], 'stock')
"""

from __future__ import annotations

import io
import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, warn
from gmb.files import atomic_write_bytes, atomic_write_text, reproducible_zip
from gmb.io.build import (
    MapBuilder,
    as_session,
    check_new_file,
    read_bytes,
    read_utf8,
    xml_safe,
)  # fmt: skip
from gmb.io.limits import MAX_UNPACKED, check_depth, check_items, json_outline
from gmb.io.signs import truthy
from gmb.session.model import Session

__all__ = ["KIND_OF_TYPE", "TYPE_OF_KIND", "read_kumu_json", "read_kumu_xlsx", "write_kumu_json", "write_kumu_xlsx"]

#: Kumu element type (lowercase) -> variable kind
KIND_OF_TYPE = {
    "stock": "stock", "auxiliary": "auxiliary", "variable": "auxiliary", "flow": "auxiliary", "rate": "auxiliary",
    "constant": "exogenous", "exogenous": "exogenous", "parameter": "exogenous", "input": "exogenous",
    "outcome": "outcome",
}  # fmt: skip
#: variable kind -> Kumu element type (unknown: none)
TYPE_OF_KIND = {"stock": "stock", "auxiliary": "auxiliary", "exogenous": "constant", "outcome": "outcome"}
_STRENGTH = {"1": "weak", "2": "medium", "3": "strong", "weak": "weak", "medium": "medium", "strong": "strong",
             "unknown": "unknown"}  # fmt: skip
_LABEL_LANG = re.compile(r"^label \(([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})?)\)$", re.IGNORECASE)
_LIST_SEP = re.compile(r"\s*\|\s*")


# -- shared ------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _list(value: Any) -> list[str]:
    """Kumu multi-value fields: a JSON list or ``a | b`` text."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value if _text(v)]
    return [t for t in _LIST_SEP.split(_text(value)) if t]


def _kind(value: Any) -> tuple[str | None, str]:
    """(kind, note) for an element type."""
    text = _text(value)
    if not text:
        return None, ""
    kind = KIND_OF_TYPE.get(text.lower())
    return (kind, "") if kind else (None, f"Kumu element type: {text}")


def _strength(value: Any) -> str | None:
    return _STRENGTH.get(_text(value).lower())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _element(b: MapBuilder, fields: dict[str, Any], *, key: Any, line: int | None, where: str,
             position: tuple[float, float] | None = None) -> str | None:  # fmt: skip
    """Add one element (``fields`` keyed by lowercase field name)."""
    kind, note = _kind(fields.get("element type", fields.get("type")))
    labels = {m.group(1): v for k, v in fields.items() if (m := _LABEL_LANG.match(k)) and _text(v)}
    themes = [b.theme(t, line=line, field=f"{where}.tags") for t in _list(fields.get("tags"))]
    notes = "; ".join(t for t in (_text(fields.get("notes")), note) if t)
    return b.variable(
        # a numeric id is Kumu's own numbering, not a name: ids are then made from labels
        _text(fields.get("label")), key=key, id=fields.get("id") if isinstance(fields.get("id"), str) else None,
        line=line,
        field=f"{where}.label", labels={k: _text(v) for k, v in labels.items()}, kind=kind, position=position,
        description=_text(fields.get("description")), themes=themes, notes=notes,
        proposed_by=b.person(_text(fields.get("proposed by"))) , stage=_stage(fields.get("stage")),
    )  # fmt: skip


def _stage(value: Any) -> str | None:
    text = _text(value).upper()
    return text if text in ("W0", "W1", "W2", "W3") else None


def _connection(b: MapBuilder, fields: dict[str, Any], cause: str, effect: str, direction: Any, *,
                line: int | None, where: str) -> None:  # fmt: skip
    direction = _text(direction).lower() or "directed"
    if direction == "undirected":
        warn("an undirected connection is not a causal link; skipped", file=b.file, line=line, field=where)
        return
    sign = next((fields[k] for k in ("connection type", "type", "polarity", "sign") if _text(fields.get(k))), None)
    kw = {
        "polarity": b.sign(sign), "repeated": "note",
        "delay": truthy(fields.get("delay")), "strength": _strength(fields.get("strength")), "line": line, "field": where,
        "evidence": _text(fields.get("evidence")), "notes": _text(fields.get("notes")),
        "supporters": [b.person(p) for p in _list(fields.get("supporters"))],
        "disputers": [b.person(p) for p in _list(fields.get("disputers"))],
        "proposed_by": b.person(_text(fields.get("proposed by"))), "stage": _stage(fields.get("stage")),
    }  # fmt: skip
    b.link(cause, effect, id=fields.get("id") if isinstance(fields.get("id"), str) else None, **kw)
    if direction == "mutual":
        b.link(effect, cause, **kw)


# -- JSON blueprint -------------------------------------------------------------------
def read_kumu_json(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read a Kumu JSON blueprint into a new in-memory :class:`Session`."""
    path = Path(path)
    file = str(path)
    text = read_utf8(path)
    depth, arrays = json_outline(text)  # before parsing: the depth limit protects the parser
    check_depth(depth, file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    except RecursionError:
        raise FormatError("JSON nested too deeply", file=file) from None
    if not isinstance(data, dict) or not isinstance(data.get("elements", []), list) or "elements" not in data:
        raise FormatError(
            "not a Kumu blueprint: expected a JSON object with an 'elements' list", file=file, line=1,
            hint="export from Kumu with Share > Export > JSON",
        )  # fmt: skip
    connections = data.get("connections") or []
    if not isinstance(connections, list):
        raise FormatError("'connections' must be a list", file=file, field="connections")
    positions: dict[Any, tuple[float, float]] = {}
    maps = data.get("maps")
    if isinstance(maps, list) and maps and isinstance(maps[0], dict):
        for item in maps[0].get("elements") or []:
            if isinstance(item, dict) and isinstance(item.get("position"), dict):
                x, y = _number(item["position"].get("x")), _number(item["position"].get("y"))
                if x is not None and y is not None and isinstance(item.get("element"), (str, int)):
                    positions.setdefault(item["element"], (x, y))
    b = MapBuilder(file, lang=lang, by=by)
    array_keys = [k for k, v in data.items() if isinstance(v, list)]  # file order, as the arrays were found
    object_lines = dict(zip(array_keys, arrays))

    def _json_line(text: str, index: int, key: str) -> int | None:
        found = object_lines.get(key, [])
        return found[index] if index < len(found) else None

    for i, elem in enumerate(data["elements"]):
        where = f"elements[{i}]"
        if not isinstance(elem, dict):
            b.skip("element", "an element must be a JSON object", line=_json_line(text, i, "elements"), field=where)
            continue
        attrs = elem.get("attributes") if isinstance(elem.get("attributes"), dict) else {}
        fields = {str(k).lower(): v for k, v in {**elem, **attrs}.items() if k not in ("_id", "attributes")}
        key = elem.get("_id", f"#{i}")
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            key = f"#{i}"
        if b.has(("e", key)):
            b.skip("element", f"element id '{key}' appears twice", line=_json_line(text, i, "elements"),
                   field=f"{where}._id", action="the second is skipped")  # fmt: skip
            continue
        _element(b, fields, key=("e", key), line=_json_line(text, i, "elements"), where=where,
                 position=positions.get(key))  # fmt: skip
    for i, conn in enumerate(connections):
        where = f"connections[{i}]"
        line = _json_line(text, i, "connections")
        if not isinstance(conn, dict):
            b.skip("connection", "a connection must be a JSON object", line=line, field=where)
            continue
        ends = []
        for end in ("from", "to"):
            ref = conn.get(end)
            if isinstance(ref, (str, int)) and not isinstance(ref, bool) and b.has(("e", ref)):
                ends.append(b.id_of(("e", ref)))
            else:
                b.skip("connection", f"'{end}' names no element ({str(ref)[:60]!r})", line=line,
                       field=f"{where}.{end}")  # fmt: skip
                break
        if len(ends) < 2:
            continue
        attrs = conn.get("attributes") if isinstance(conn.get("attributes"), dict) else {}
        fields = {str(k).lower(): v for k, v in attrs.items()}
        _connection(b, fields, ends[0], ends[1], conn.get("direction"), line=line, where=where)
    name = data.get("name") if isinstance(data.get("name"), str) else None
    if not name and isinstance(maps, list) and maps and isinstance(maps[0], dict):
        name = maps[0].get("name") if isinstance(maps[0].get("name"), str) else None
    return b.build(title=title or name or path.stem)


def _element_fields(session: Session, v, lang: str) -> dict[str, Any]:
    theme_label = {t.id: t.label(lang) for t in session.themes}
    fields: dict[str, Any] = {"label": v.label(lang), "id": v.id}
    if TYPE_OF_KIND.get(v.kind.value):
        fields["element type"] = TYPE_OF_KIND[v.kind.value]
    for other, text in v.labels.items():
        if other != lang:
            fields[f"label ({other})"] = text
    optional = {"description": v.description, "tags": [theme_label[t] for t in v.themes], "notes": v.notes,
                "proposed by": v.proposed_by, "stage": v.stage}  # fmt: skip
    fields.update({k: val for k, val in optional.items() if val})
    return fields


def _connection_fields(link) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": link.id}
    if link.polarity.value in "+-":
        fields["connection type"] = link.polarity.value
    optional = {"delay": link.delay, "strength": link.strength.value if link.strength.value != "unknown" else "",
                "evidence": link.evidence, "notes": link.notes, "supporters": list(link.supporters),
                "disputers": list(link.disputers), "proposed by": link.proposed_by, "stage": link.stage}  # fmt: skip
    fields.update({k: val for k, val in optional.items() if val})
    return fields


def write_kumu_json(session: Any, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the map as a Kumu JSON blueprint (import it in Kumu with Import > JSON)."""
    session = as_session(session)
    path = Path(path)
    check_new_file(path)
    lang = lang or (session.languages[0] if session.languages else "en")
    elements = [{"_id": f"elem-{v.id}", "attributes": _element_fields(session, v, lang)} for v in session.variables]
    connections = [
        {"_id": f"conn-{link.id}", "from": f"elem-{link.cause}", "to": f"elem-{link.effect}", "direction": "directed",
         "attributes": _connection_fields(link)}
        for link in session.links
    ]  # fmt: skip
    placed = [
        {"_id": f"node-{v.id}", "element": f"elem-{v.id}", "position": {"x": v.position[0], "y": v.position[1]}}
        for v in session.variables if v.position is not None
    ]  # fmt: skip
    data = {
        "name": session.title, "elements": elements, "connections": connections,
        "maps": [{"_id": "map-1", "name": session.title, "elements": placed,
                  "connections": [{"_id": f"edge-{link.id}", "connection": f"conn-{link.id}"}
                                  for link in session.links]}],
    }  # fmt: skip
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path


# -- XLSX ---------------------------------------------------------------------------------
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

    session = as_session(session)
    path = Path(path)
    check_new_file(path)
    xml_safe(session)  # a workbook is XML inside
    lang = lang or (session.languages[0] if session.languages else "en")
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
