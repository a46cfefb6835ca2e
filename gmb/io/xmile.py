"""XMILE and Stella files (``.xmile``, ``.stmx``, ``.itmx``): stocks, flows, auxiliaries and connectors.

**Reading.** Variables are the ``<stock>``, ``<flow>``, ``<aux>`` and ``<gf>`` elements of the main
``<model>``. A variable with an equation gets its links from the equation (:mod:`gmb.io.equations`;
a stock's ``<eqn>`` is only its initial value, its links are its ``<inflow>`` (``+``) and ``<outflow>``
(``-``) flows). A variable without an equation — a causal-loop diagram drawn in Stella — gets its
links from the ``<connector>`` elements of the views. Connectors also carry ``polarity="+"``/``"-"``
onto links. Positions come from the views; ``<group>`` elements become themes. Parsing refuses DTDs
and entities (:mod:`gmb.io.safexml`).

**Writing** (:func:`write_xmile`) gives a causal-loop diagram Stella opens on its CLD layer:
variables as ``<aux>`` (``<stock>`` for ``kind: stock``) without equations, connectors with
polarity, positions, themes as groups, descriptions as ``<doc>``. What XMILE has no place for — ids,
kind, delay marks, strength — goes into ``gmb:`` attributes (namespace :data:`GMB_NS`) that other
tools ignore and gmb reads back.

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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

from gmb.errors import EncodingError, FormatError, ValidationError, warn
from gmb.files import atomic_write_bytes
from gmb.io.build import MapBuilder, as_session, check_new_file, polarity_of, read_bytes, truthy, xml_safe
from gmb.io.equations import EquationError, xmile_name, xmile_refs
from gmb.io.safexml import attr, child, children, line_of, local, parse_xml, text_of
from gmb.io.vensim import layout, names_for
from gmb.session.model import Session

__all__ = ["read_xmile", "write_xmile", "XMILE_NS", "GMB_NS"]

XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"
ISEE_NS = "http://iseesystems.com/XMILE"
#: gmb's own attributes in XMILE files (ids, kinds, delays, strengths)
GMB_NS = "https://gmb.invalid/ns/xmile-cld/1"
_VARIABLE_TAGS = ("stock", "flow", "aux", "gf")
#: simulation-control names some tools write as variables; they are no part of the map
_CONTROL = {"time", "dt", "starttime", "stoptime", "initial_time", "final_time", "time_step", "saveper"}


@dataclass
class _Var:
    label: str
    key: str
    tag: str
    elem: Element
    eqns: list[tuple[str, Element]] = field(default_factory=list)
    inflows: list[str] = field(default_factory=list)
    outflows: list[str] = field(default_factory=list)
    themes: list[tuple[str, str | None]] = field(default_factory=list)  # (group name, gmb:id)

    @property
    def quantified(self) -> bool:
        return bool(self.eqns or self.inflows or self.outflows) or self.tag == "gf"


def _label(name: str) -> str:
    """A name attribute as a label: ``\\n`` (a line break in Stella) becomes a space."""
    return " ".join(re.sub(r"\\(.)", lambda m: " " if m.group(1) == "n" else m.group(1), name).split())


def _gmb(elem: Element, name: str) -> str | None:
    return elem.attrib.get(f"{{{GMB_NS}}}{name}")


def read_xmile(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read an XMILE/Stella model into a new in-memory :class:`Session` (nothing is written)."""
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
    if len(models) > 1:
        warn(f"only the main model is read; {len(models) - 1} other model(s) (modules) skipped", file=file,
             line=line_of(models[1]))  # fmt: skip

    found = _variables(main, file)
    positions = _positions(main, found)
    b = MapBuilder(file, lang=lang, by=by)
    for var in found.values():
        themes = [b.theme(group, id=group_id, line=line_of(var.elem)) for group, group_id in var.themes]
        b.variable(var.label, key=var.key, id=_gmb(var.elem, "id"), line=line_of(var.elem),
                   position=positions.get(var.key), description=text_of(child(var.elem, "doc")),
                   themes=themes)  # fmt: skip
    known = set(found)
    initial_only: dict[str, set[str]] = {}
    for var in found.values():
        b.set(b.id_of(var.key), kind=_kind(var, known, b, file, initial_only))
    _connectors(main, found, b, file, initial_only)
    header = child(root, "header")
    return b.build(title=title or (text_of(child(header, "name")) if header is not None else "") or path.stem)


def _variables(model: Element, file: str) -> dict[str, _Var]:
    found: dict[str, _Var] = {}
    block = child(model, "variables")
    if block is None:
        block = model  # pre-1.0 XMILE (older Stella): variables directly in <model>
    groups: list[Element] = []
    for elem in block if block is not None else ():
        tag = local(elem.tag)
        if tag == "group":
            groups.append(elem)
            continue
        if tag == "module":
            warn(f"module '{attr(elem, 'name', '?')}' is not read (modules are not supported)", file=file,
                 line=line_of(elem))  # fmt: skip
            continue
        if tag not in _VARIABLE_TAGS:
            continue
        name = attr(elem, "name")
        if name is None or not name.strip():
            raise ValidationError(f"a <{tag}> without a name", file=file, line=line_of(elem), field=f"<{tag}>")
        key = xmile_name(name)
        if key in _CONTROL:
            continue
        if key in found:
            raise ValidationError(
                f"two variables are called '{_label(name)}' (XMILE names ignore case, spaces and underscores)",
                file=file, line=line_of(elem), field=f"<{tag} name>",
            )  # fmt: skip
        var = found[key] = _Var(label=_label(name), key=key, tag=tag, elem=elem)
        for sub in elem.iter():
            if local(sub.tag) == "eqn" and text_of(sub):
                var.eqns.append((text_of(sub), sub))
        for sub in elem.iter():
            if "\ufffd" in text_of(sub) or any("\ufffd" in v for v in sub.attrib.values()):
                raise EncodingError(f"variable '{var.label}' holds bytes that are not UTF-8", file=file,
                                    line=line_of(sub), hint="save the file as UTF-8")  # fmt: skip
        var.inflows = [xmile_name(text_of(e)) for e in children(elem, "inflow") if text_of(e)]
        var.outflows = [xmile_name(text_of(e)) for e in children(elem, "outflow") if text_of(e)]
        if tag == "aux" and child(elem, "gf") is not None:
            var.tag = "gf" if not var.eqns else "aux"
    for group in groups:
        name = attr(group, "name")
        if not name or not name.strip():
            continue
        for entity in children(group, "entity"):
            key = xmile_name(attr(entity, "name", "") or "")
            if key in found:
                found[key].themes.append((_label(name), _gmb(group, "id")))
    return found


def _kind(var: _Var, known: set[str], b: MapBuilder, file: str, initial_only: dict[str, set[str]]) -> str:
    """Add the links into ``var`` from its equations and flows; return its kind.

    Names used only for an initial value are noted in ``initial_only``: a connector drawn for one
    makes it a link (the modeller meant it), otherwise it is not one.
    """
    me = b.id_of(var.key)
    declared = _gmb(var.elem, "kind")
    if var.tag == "stock":
        for flow, sign in [(f, "+") for f in var.inflows] + [(f, "-") for f in var.outflows]:
            if flow in known:
                b.link(b.id_of(flow), me, polarity=sign, line=line_of(var.elem))
            else:
                warn(f"stock '{var.label}' names a flow '{flow}' that is not defined; ignored", file=file,
                     line=line_of(var.elem))  # fmt: skip
        return declared or "stock"
    used = False
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
            b.link(b.id_of(name), me, line=line_of(elem))
        initial_only.setdefault(var.key, set()).update(refs.initial)
        used = used or bool(refs.dynamic or refs.initial)
    if declared:
        return declared
    if not var.quantified:
        return "unknown"
    if var.tag in ("flow", "gf") or used:
        return "auxiliary"
    return "exogenous"


def _view_names(view: Element) -> dict[str, str]:
    """uid -> variable key for aliases in a view (``<alias uid><of>name</of></alias>``)."""
    out = {}
    for elem in view:
        if local(elem.tag) == "alias" and attr(elem, "uid") is not None:
            out[attr(elem, "uid")] = xmile_name(text_of(child(elem, "of")))
    return out


def _views(model: Element) -> list[Element]:
    """The diagrams: ``<views><view>``, and ``<display>`` directly in ``<model>`` in pre-1.0 XMILE."""
    block = child(model, "views")
    return (children(block, "view") if block is not None else []) + children(model, "display")


def _positions(model: Element, found: dict[str, _Var]) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for view in _views(model):
        for elem in view:
            if local(elem.tag) not in ("stock", "flow", "aux") or attr(elem, "name") is None:
                continue
            key = xmile_name(attr(elem, "name", ""))
            x, y = _number(attr(elem, "x")), _number(attr(elem, "y"))
            if key in found and key not in out and x is not None and y is not None:
                out[key] = (x, y)
    for key, var in found.items():  # pre-1.0 XMILE: <display x= y=> inside the variable
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


def _end(elem: Element | None, aliases: dict[str, str]) -> str | None:
    if elem is None:
        return None
    alias = child(elem, "alias")
    if alias is not None:
        return aliases.get(attr(alias, "uid", ""))
    return xmile_name(text_of(elem)) or None


def _connectors(model: Element, found: dict[str, _Var], b: MapBuilder, file: str,
                initial_only: dict[str, set[str]]) -> None:  # fmt: skip
    for view in _views(model):
        aliases = _view_names(view)
        for conn in view:
            if local(conn.tag) != "connector":
                continue
            line = line_of(conn)
            source, target = _end(child(conn, "from"), aliases), _end(child(conn, "to"), aliases)
            if source not in found or target not in found:
                missing = source if source not in found else target
                warn(f"connector {attr(conn, 'uid', '?')} points at '{missing}', which is not a variable; ignored",
                     file=file, line=line)  # fmt: skip
                continue
            polarity = polarity_of(attr(conn, "polarity"))
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
                warn(f"connector from '{found[source].label}' to '{found[target].label}' is not used by the "
                     "equation; ignored", file=file, line=line)  # fmt: skip
                continue
            b.link(cause, effect, polarity=polarity, delay=delay, strength=strength, id=_gmb(conn, "id"), line=line)


# -- writing -----------------------------------------------------------------------
def _attr_name(name: str) -> str:
    return name.replace("\\", "\\\\")


def _ident(name: str) -> str:
    """How a connector names a variable: underscores for spaces, quoted when it has other symbols."""
    ident = name.replace(" ", "_")
    if all(ch.isalnum() or ch in "_$" for ch in ident) and not ident[:1].isdigit():
        return ident
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_xmile(session: Any, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the map as an XMILE causal-loop diagram (Stella opens it on the CLD layer)."""
    from gmb import __version__

    session = as_session(session)
    path = Path(path)
    check_new_file(path)
    lang = lang or (session.languages[0] if session.languages else "en")
    names = names_for(session, lang, xmile_name, _CONTROL)
    xml_safe(session)
    q = quoteattr
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<xmile version="1.0" xmlns="{XMILE_NS}" xmlns:isee="{ISEE_NS}" xmlns:gmb="{GMB_NS}">',
        "\t<header>",
        '\t\t<smile version="1.0" namespace="std, isee"/>',
        f"\t\t<name>{escape(session.title)}</name>",
        "\t\t<vendor>gmb</vendor>",
        f'\t\t<product version="{__version__}" lang={q(lang)}>gmb</product>',
        "\t</header>",
        '\t<isee:prefs layer="cld"/>',
        "\t<model>",
        "\t\t<variables>",
    ]
    for v in session.variables:
        tag = "stock" if v.kind.value == "stock" else "aux"
        doc = f"<doc>{escape(v.description)}</doc>" if v.description else ""
        out.append(
            f"\t\t\t<{tag} name={q(_attr_name(names[v.id]))} gmb:id={q(v.id)} gmb:kind={q(v.kind.value)}>{doc}</{tag}>"
        )
    for theme in session.themes:
        members = [v for v in session.variables if theme.id in v.themes]
        out.append(f"\t\t\t<group name={q(theme.label(lang))} gmb:id={q(theme.id)}>")
        out += [f"\t\t\t\t<entity name={q(_ident(names[v.id]))}/>" for v in members]
        out.append("\t\t\t</group>")
    out += ["\t\t</variables>", "\t\t<views>", '\t\t\t<view type="stock_flow">']
    n = len(session.variables)
    for i, v in enumerate(session.variables):
        x, y = v.position if v.position is not None else layout(n, i)
        tag = "stock" if v.kind.value == "stock" else "aux"
        out.append(f"\t\t\t\t<{tag} x={q(_num(x))} y={q(_num(y))} name={q(_attr_name(names[v.id]))}/>")
    for uid, link in enumerate(session.links, start=1):
        extra = f" polarity={q(link.polarity.value)}" if link.polarity.value in "+-" else ""
        extra += ' gmb:delay="true"' if link.delay else ""
        extra += f" gmb:strength={q(link.strength.value)}" if link.strength.value != "unknown" else ""
        out += [f'\t\t\t\t<connector uid="{uid}"{extra} gmb:id={q(link.id)}>',
                f"\t\t\t\t\t<from>{escape(_ident(names[link.cause]))}</from>",
                f"\t\t\t\t\t<to>{escape(_ident(names[link.effect]))}</to>", "\t\t\t\t</connector>"]  # fmt: skip
    out += ["\t\t\t</view>", "\t\t</views>", "\t</model>", "</xmile>", ""]
    atomic_write_bytes(path, "\n".join(out).encode("utf-8"))
    return path


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
