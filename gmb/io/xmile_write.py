"""Writing a map as an XMILE causal-loop diagram (:func:`write_xmile`; Stella opens it on its CLD layer).

Kept apart from reading (:mod:`gmb.io.xmile`): the writer builds the file as text and needs none of
the reader's parsing. ``write_xmile`` is re-exported by :mod:`gmb.io.xmile`.

>>> _ident("Food cost"), _ident("Børn & unge"), _num(3.0), _num(2.5)
('Food_cost', '"Børn & unge"', '3', '2.5')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from gmb.files import atomic_write_bytes
from gmb.io.equations import xmile_name
from gmb.io.vensim_write import layout, names_for
from gmb.io.writing import prepare_write, xml_safe
from gmb.io.xmile_model import _CONTROL, GMB_NS, ISEE_NS, XMILE_NS

__all__ = ["write_xmile"]


def _quoted(name: str) -> str:
    """``name`` as an XMILE quoted name: in double quotes, with backslashes and quotes escaped."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attr_name(name: str) -> str:
    """A ``name`` attribute: backslashes doubled; a name that starts with ``"`` written quoted.

    Readers (gmb's and Stella's) take a name attribute that starts with a quote for a quoted name
    and unquote it, so a label such as ``""`` must itself be written quoted to come back as it was.
    """
    if name.startswith('"'):
        return _quoted(name)
    return name.replace("\\", "\\\\")


def _ident(name: str) -> str:
    """How a connector names a variable: underscores for spaces, quoted when it has other symbols."""
    ident = name.replace(" ", "_")
    if all(ch.isalnum() or ch in "_$" for ch in ident) and not ident[:1].isdigit():
        return ident
    return _quoted(name)


def write_xmile(session: Any, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the map as an XMILE causal-loop diagram (Stella opens it on the CLD layer)."""
    from gmb import __version__

    session, path, lang = prepare_write(session, path, lang)
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
        # a time frame and (below) an equation for each variable: tools that run models (pysd, Stella) open it
        '\t<sim_specs method="Euler" time_units="Months">',
        "\t\t<start>0</start>",
        "\t\t<stop>100</stop>",
        "\t\t<dt>1</dt>",
        "\t</sim_specs>",
        "\t<model>",
        "\t\t<variables>",
    ]
    for v in session.variables:
        tag = "stock" if v.kind.value == "stock" else "aux"
        doc = f"<doc>{escape(v.description)}</doc>" if v.description else ""
        out.append(
            f"\t\t\t<{tag} name={q(_attr_name(names[v.id]))} gmb:id={q(v.id)} gmb:kind={q(v.kind.value)} "
            f'gmb:eqn="placeholder"><eqn>0</eqn>{doc}</{tag}>'
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
