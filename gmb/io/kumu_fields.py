"""The fields of Kumu elements and connections, read the same way from the JSON blueprint
(:mod:`gmb.io.kumu`) and the XLSX import sheets (:mod:`gmb.io.kumu_xlsx`).

Kept apart so both formats share one reading of a field (label languages, element types, tags,
strength, stage, delay) and neither format module imports the other.

>>> _kind("Goal"), _list("a | b"), _strength(2.0)
((None, 'Kumu element type: Goal'), ['a', 'b'], 'medium')
"""

from __future__ import annotations

import math
import re
from typing import Any

from gmb.errors import warn
from gmb.io.build import MapBuilder
from gmb.io.signs import truthy

__all__ = ["KIND_OF_TYPE", "TYPE_OF_KIND"]

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
