"""Stella modules in XMILE: which models the main model instantiates (flattened with
module-qualified names) and the ``<connect>`` links from a module's inputs to their sources.

Kept apart from :mod:`gmb.io.xmile` because modules are Stella's extension to XMILE with their own
rules (nested instances, self-containing modules, ``"quoted.paths"``); a map without modules never
needs them.

>>> _path_key("Food_Cost.X_1"), _path_key(".Effect")
('food_cost.x_1', 'effect')
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from gmb.io.build import MapBuilder
from gmb.io.equations import xmile_name
from gmb.io.safexml import attr, children, line_of, local
from gmb.io.xmile_model import _label, _Var, _variables_block


def _instances(main: Element, models: list[Element], b: MapBuilder) -> list[tuple[Element, str, str]]:
    """``(model, key prefix, label prefix)`` of the main model and of every module instance in it, depth first."""
    from gmb.io.limits import check_depth

    by_name = {xmile_name(attr(m, "name") or ""): m for m in models if attr(m, "name")}
    out: list[tuple[Element, str, str]] = []
    used: set[int] = {id(main)}
    todo = [(main, "", "", 0, (id(main),))]
    while todo:
        model, scope, label, depth, stack = todo.pop()
        check_depth(depth, b.file, line=line_of(model))
        out.append((model, scope, label))
        for elem in reversed(list(_variables_block(model))):
            if local(elem.tag) != "module":
                continue
            name = attr(elem, "name") or ""
            target = by_name.get(xmile_name(attr(elem, "model") or name)) if name.strip() else None
            if target is None:
                b.skip("module", f"module '{_label(name)}' names no <model> in the file (an external resource?)",
                       line=line_of(elem), action="its variables are not read")  # fmt: skip
                continue
            if id(target) in stack:
                b.skip("module", f"module '{_label(name)}' contains itself", line=line_of(elem),
                       action="not read again")  # fmt: skip
                continue
            used.add(id(target))
            todo.append((target, f"{scope}{xmile_name(name)}.", f"{label}{_label(name)}.", depth + 1,
                         (*stack, id(target))))  # fmt: skip
    for model in models:
        if id(model) not in used:
            b.note("model", f"model '{attr(model, 'name')}' is used by no module; not read", line=line_of(model))
    return out


def _module_connections(model: Element, found: dict[str, _Var], b: MapBuilder, file: str, scope: str) -> None:
    """``<connect to="Module.input" from="source"/>`` of the modules in ``model``: a ``+`` link source -> input."""
    for elem in _variables_block(model):
        if local(elem.tag) != "module":
            continue
        inner = f"{scope}{xmile_name(attr(elem, 'name') or '')}."
        for conn in children(elem, "connect"):
            ends = []
            for end, bases in (("from", (scope, "")), ("to", (scope, inner, ""))):
                ref = _path_key(attr(conn, end) or "")
                ends.append(next((base + ref for base in bases if base + ref in found), None))
            if None in ends:
                b.note("connect", f"module connection {attr(conn, 'from')!r} -> {attr(conn, 'to')!r} names no "
                       "variable read; ignored", line=line_of(conn))  # fmt: skip
                continue
            b.link(b.id_of(ends[0]), b.id_of(ends[1]), polarity="+", line=line_of(conn),
                   notes="module connection: the input takes the value of its source")  # fmt: skip


def _path_key(text: str) -> str:
    """``Food_Cost.X_1``, ``"Environment,_Climate".Δ`` or ``.Effect`` as a key (parts normalised, outer ``.`` off)."""
    parts, cur, quote = [], [], False
    for c in text.strip():
        if c == '"':
            quote = not quote
        if c == "." and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return ".".join(xmile_name(p) for p in parts if p.strip())
