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
This module holds the JSON blueprint; the XLSX sheets are in :mod:`gmb.io.kumu_xlsx` (re-exported
here) and the fields both share in :mod:`gmb.io.kumu_fields`.

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

import json
from pathlib import Path
from typing import Any

from gmb.errors import FormatError
from gmb.files import atomic_write_text
from gmb.io.build import MapBuilder, read_utf8
from gmb.io.kumu_fields import KIND_OF_TYPE, TYPE_OF_KIND, _connection, _element, _number
from gmb.io.kumu_xlsx import read_kumu_xlsx, write_kumu_xlsx  # in __all__: the import path of both formats
from gmb.io.limits import check_depth, json_outline
from gmb.io.writing import prepare_write
from gmb.session.model import Session

__all__ = ["KIND_OF_TYPE", "TYPE_OF_KIND", "read_kumu_json", "read_kumu_xlsx", "write_kumu_json", "write_kumu_xlsx"]


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
    session, path, lang = prepare_write(session, path, lang)
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
