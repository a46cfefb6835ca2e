"""XMILE and Stella files (``.xmile``, ``.stmx``, ``.itmx``): stocks, flows, auxiliaries and connectors.

**Reading.** Variables are the ``<stock>``, ``<flow>``, ``<aux>`` and ``<gf>`` elements of the main
``<model>``. A variable with an equation gets its links from the equation (:mod:`gmb.io.equations`;
a stock's ``<eqn>`` is only its initial value, its links are its ``<inflow>`` (``+``) and ``<outflow>``
(``-``) flows). A variable without an equation — a causal-loop diagram drawn in Stella — gets its
links from the ``<connector>`` elements of the views. Connectors also carry ``polarity="+"``/``"-"``
onto links. Positions come from the views; ``<group>`` elements become themes. Parsing refuses DTDs
and entities (:mod:`gmb.io.safexml`).

**Modules** (Stella) are flattened: every module instance's variables come in with module-qualified
labels (``Food Cost.Δ``), equations resolve names inside their module, and each ``<connect>`` (a module
input taking the value of a variable outside) is a ``+`` link. A module naming no model in the file
is skipped with a warning.

**Writing** (:func:`write_xmile`) gives a causal-loop diagram Stella opens on its CLD layer:
variables as ``<aux>`` (``<stock>`` for ``kind: stock``), connectors with polarity, positions, themes
as groups, descriptions as ``<doc>``. It carries ``<sim_specs>`` and a placeholder equation ``0`` per
variable (marked ``gmb:eqn="placeholder"``, ignored when gmb reads it back), so tools that run models
(pysd, Stella) open it — as a diagram whose every variable is 0, not a model of anything; the
runnable model is ``gmb export --model`` (the stock-flow model of ``gmb convert``). What XMILE has no place for — ids,
kind, delay marks, strength — goes into ``gmb:`` attributes (namespace :data:`GMB_NS`) that other
tools ignore and gmb reads back.

This module reads; Stella modules are flattened in :mod:`gmb.io.xmile_modules`, writing is in
:mod:`gmb.io.xmile_write` (``write_xmile`` is re-exported here), and what they share (namespaces,
control names) is in :mod:`gmb.io.xmile_model`.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.xmile"
>>> _ = p.write_text('''<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><model><variables>
... <stock name="Børn"><eqn>10</eqn><inflow>fødsler</inflow></stock>
... <flow name="Fødsler"><eqn>Børn * 0.1</eqn></flow></variables></model></xmile>''', encoding="utf-8")
>>> s = read_xmile(p, lang="da")
>>> sorted((l.cause, l.effect, l.polarity.value) for l in s.links)
[('børn', 'fødsler', '?'), ('fødsler', 'børn', '+')]
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from gmb.errors import EncodingError, FormatError
from gmb.io.build import MapBuilder, read_bytes
from gmb.io.equations import EquationError, xmile_name, xmile_refs
from gmb.io.limits import lenient
from gmb.io.safexml import attr, child, children, line_of, local, parse_xml, text_of
from gmb.io.signs import truthy
from gmb.io.xmile_model import _CONTROL, _VARIABLE_TAGS, GMB_NS, XMILE_NS, _gmb, _label, _Var, _variables_block
from gmb.io.xmile_modules import _instances, _module_connections
from gmb.io.xmile_write import write_xmile  # in __all__, with the namespaces: the import path of the format
from gmb.session.model import Session

__all__ = ["GMB_NS", "XMILE_NS", "read_xmile", "write_xmile"]


def read_xmile(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read an XMILE/Stella model into a new in-memory :class:`Session` (nothing is written).

    Modules are flattened: each module instance's variables come in with module-qualified names
    (``Food Cost.Δ``), and a module's ``<connect>`` (an input taking a value from outside) is a ``+`` link.
    """
    path = Path(path)
    file = str(path)
    root = parse_xml(read_bytes(path), file, repair=True)
    if local(root.tag) != "xmile":
        raise FormatError(
            f"not an XMILE file: the outermost element is <{local(root.tag) or '?'}>, not <xmile>",
            file=file, line=line_of(root), hint="XMILE files come from Stella, iThink, Vensim or Simlin",
        )  # fmt: skip
    models = children(root, "model")
    if not models:
        raise FormatError("no <model> element in the file", file=file, line=line_of(root))
    main = next((m for m in models if not attr(m, "name")), models[0])
    b = MapBuilder(file, lang=lang, by=by)
    instances = _instances(main, models, b)

    found: dict[str, _Var] = {}
    for model, scope, label in instances:
        _variables(model, file, found, scope, label)
    positions: dict[str, tuple[float, float]] = {}
    for model, scope, _ in instances:
        positions.update({k: v for k, v in _positions(model, found, scope).items() if k not in positions})
    for var in found.values():
        themes = [b.theme(group, id=group_id, line=line_of(var.elem)) for group, group_id in var.themes]
        b.variable(var.label, key=var.key, id=_gmb(var.elem, "id"), line=line_of(var.elem),
                   position=positions.get(var.key), description=text_of(child(var.elem, "doc")),
                   themes=themes)  # fmt: skip
    initial_only: dict[str, set[str]] = {}
    for var in found.values():
        b.set(b.id_of(var.key), kind=_kind(var, found, b, file, initial_only))
    if any(var.eqns for var in found.values()):
        b.unsigned_reason = ("equations give a link's sign only for a stock's inflows (+) and outflows (−); other "
                             "links are signed only by polarity on the diagram's connectors (gmb does not guess a "
                             "sign from an equation)")  # fmt: skip
    for model, scope, _ in instances:
        _connectors(model, found, b, file, initial_only, scope)
    for model, scope, _ in instances:
        _module_connections(model, found, b, file, scope)
    header = child(root, "header")
    return b.build(title=title or (text_of(child(header, "name")) if header is not None else "") or path.stem)


def _variables(model: Element, file: str, found: dict[str, _Var], scope: str = "", prefix: str = "") -> None:
    block = _variables_block(model)
    groups: list[Element] = []
    for elem in block:
        tag = local(elem.tag)
        if tag == "group":
            groups.append(elem)
            continue
        if tag not in _VARIABLE_TAGS:
            continue
        name = attr(elem, "name")
        if name is None or not name.strip():
            lenient(f"a <{tag}> without a name", file=file, line=line_of(elem), field=f"<{tag}>")
            continue
        key = xmile_name(name)
        if key in _CONTROL and not scope:
            continue
        key = scope + key
        if key in found:
            lenient(f"two variables are called '{_label(name)}' (XMILE names ignore case, spaces and underscores)",
                    file=file, line=line_of(elem), field=f"<{tag} name>", action="the second is skipped")  # fmt: skip
            continue
        var = found[key] = _Var(label=prefix + _label(name), key=key, tag=tag, elem=elem, scope=scope)
        placeholder = _gmb(elem, "eqn") == "placeholder"  # gmb's CLD export: an equation only so tools run it
        for sub in elem.iter():
            if local(sub.tag) == "eqn" and not placeholder and text_of(sub):
                var.eqns.append((text_of(sub), sub))
            # each element's own text and attributes (not itertext: that is quadratic in the nesting depth)
            if any("\ufffd" in t for t in (sub.text or "", sub.tail or "", *sub.attrib.values())):
                raise EncodingError(f"variable '{var.label}' holds bytes that are not UTF-8", file=file,
                                    line=line_of(sub), hint="save the file as UTF-8")  # fmt: skip
        var.inflows = [scope + xmile_name(text_of(e)) for e in children(elem, "inflow") if text_of(e)]
        var.outflows = [scope + xmile_name(text_of(e)) for e in children(elem, "outflow") if text_of(e)]
        if tag == "aux" and child(elem, "gf") is not None:
            var.tag = "gf" if not var.eqns else "aux"
    for group in groups:
        name = attr(group, "name")
        if not name or not name.strip():
            continue
        for entity in children(group, "entity"):
            key = scope + xmile_name(attr(entity, "name", "") or "")
            if key in found:
                found[key].themes.append((_label(name), _gmb(group, "id")))


def _kind(var: _Var, found: dict[str, _Var], b: MapBuilder, file: str, initial_only: dict[str, set[str]]) -> str:
    """Add the links into ``var`` from its equations and flows; return its kind.

    Names used only for an initial value are noted in ``initial_only``: a connector drawn for one
    makes it a link (the modeller meant it), otherwise it is not one. Names resolve inside the
    variable's module instance (``scope``).
    """
    me = b.id_of(var.key)
    declared = _gmb(var.elem, "kind")
    scope = var.scope
    if var.tag == "stock":
        for flow, sign in [(f, "+") for f in var.inflows] + [(f, "-") for f in var.outflows]:
            if flow in found:
                b.link(b.id_of(flow), me, polarity=sign, line=line_of(var.elem))
            else:
                b.note("flow", f"stock '{var.label}' names a flow '{flow[len(scope):]}' that is not defined; ignored",
                       line=line_of(var.elem))  # fmt: skip
        return declared or "stock"
    used = False

    def known(name: str) -> bool:
        return scope + name in found

    for eqn, elem in var.eqns:
        try:
            refs = xmile_refs(eqn, known)
        except EquationError as exc:
            line = line_of(elem)
            raise FormatError(
                f"in the equation of '{var.label[:80]}': {exc}",
                file=file,
                line=None if line is None else line + eqn.count("\n", 0, exc.offset),
            ) from None
        for name in refs.dynamic:
            b.link(b.id_of(scope + name), me, line=line_of(elem))
        initial_only.setdefault(var.key, set()).update(scope + n for n in refs.initial)
        used = used or bool(refs.dynamic or refs.initial)
    if declared:
        return declared
    if not var.quantified:
        return "unknown"
    if var.tag in ("flow", "gf") or used:
        return "auxiliary"
    return "exogenous"


def _view_names(view: Element, scope: str = "") -> dict[str, str]:
    """uid -> variable key for aliases in a view (``<alias uid><of>name</of></alias>``)."""
    out = {}
    for elem in view:
        if local(elem.tag) == "alias" and attr(elem, "uid") is not None:
            out[attr(elem, "uid")] = scope + xmile_name(text_of(child(elem, "of")))
    return out


def _views(model: Element) -> list[Element]:
    """The diagrams: ``<views><view>``, and ``<display>`` directly in ``<model>`` in pre-1.0 XMILE."""
    block = child(model, "views")
    return (children(block, "view") if block is not None else []) + children(model, "display")


def _positions(model: Element, found: dict[str, _Var], scope: str = "") -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for view in _views(model):
        for elem in view:
            if local(elem.tag) not in ("stock", "flow", "aux") or attr(elem, "name") is None:
                continue
            key = scope + xmile_name(attr(elem, "name", ""))
            x, y = _number(attr(elem, "x")), _number(attr(elem, "y"))
            if key in found and key not in out and x is not None and y is not None:
                out[key] = (x, y)
    for key, var in found.items():  # pre-1.0 XMILE: <display x= y=> inside the variable
        if var.scope != scope:
            continue
        display = child(var.elem, "display")
        if key not in out and display is not None:
            x, y = _number(attr(display, "x")), _number(attr(display, "y"))
            if x is not None and y is not None:
                out[key] = (x, y)
    return out


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _end(elem: Element | None, aliases: dict[str, str], scope: str = "") -> str | None:
    if elem is None:
        return None
    alias = child(elem, "alias")
    if alias is not None:
        return aliases.get(attr(alias, "uid", ""))
    name = xmile_name(text_of(elem))
    return scope + name if name else None


def _connectors(model: Element, found: dict[str, _Var], b: MapBuilder, file: str,
                initial_only: dict[str, set[str]], scope: str = "") -> None:  # fmt: skip
    modules = {scope + xmile_name(attr(e, "name") or "") for e in _variables_block(model) if local(e.tag) == "module"}
    for view in _views(model):
        aliases = _view_names(view, scope)
        for conn in view:
            if local(conn.tag) != "connector":
                continue
            line = line_of(conn)
            source = _end(child(conn, "from"), aliases, scope)
            target = _end(child(conn, "to"), aliases, scope)
            if source in modules or target in modules:
                continue  # drawn for a module connection: the module's <connect> is the link
            if source not in found or target not in found:
                missing = source if source not in found else target
                b.note("connector", f"connector {attr(conn, 'uid', '?')} points at '{missing}', which is not a "
                       "variable; ignored", line=line)  # fmt: skip
                continue
            polarity = b.sign(attr(conn, "polarity"))
            delay = truthy(_gmb(conn, "delay") or attr(conn, "delay") or attr(conn, "delay_mark"))
            strength = _gmb(conn, "strength")
            cause, effect = b.id_of(source), b.id_of(target)
            fields: dict[str, Any] = {"delay": True} if delay else {}
            if polarity != "?":
                fields["polarity"] = polarity
            if b.update_link(cause, effect, **fields, strength=strength, id=_gmb(conn, "id")):
                continue
            if source == target:
                continue
            if found[target].quantified and source not in initial_only.get(target, ()):
                b.note("unused", f"connector from '{found[source].label}' to '{found[target].label}' is not used by "
                       "the equation; ignored", line=line)  # fmt: skip
                continue
            b.link(cause, effect, polarity=polarity, delay=delay, strength=strength, id=_gmb(conn, "id"), line=line)
