"""Write a :class:`StockFlowModel` as an XMILE 1.0 file (opens in Stella; runs in pysd).

The file is built with :mod:`xml.etree.ElementTree`, so every label and note is
escaped text; names are safe identifiers (:mod:`gmb.stockflow.names`). A view
holds the CLD: one element per variable and one ``<connector polarity="+|-">``
per modelled link, so the causal-loop picture survives the round trip.

>>> from gmb.stockflow.model import *
>>> m = StockFlowModel(name="m", inputs=(Input("i", variable="a", channel="level"),),
...     auxiliaries=(Auxiliary("a", variable="a", doc="Ä & <b>", input="i"),), order=("a",))
>>> text = to_xmile(m)
>>> '<aux name="a">' in text and "Ä &amp; &lt;b&gt;" in text
True
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from gmb.stockflow.equations import equation, number
from gmb.stockflow.model import StockFlowModel

__all__ = ["XMILE_NS", "clean_text", "to_xmile"]

XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text safe inside an XML element: characters XML 1.0 forbids are dropped."""
    return _BAD_XML.sub("", str(text))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = clean_text(text)
    return el


def _layout(model: StockFlowModel, positions: Mapping[str, tuple[float, float]] | None) -> dict[str, tuple]:
    variables = model.variables
    out = {}
    n = max(len(variables), 1)
    for i, el in enumerate(variables):
        if positions and positions.get(el.variable) is not None:
            x, y = positions[el.variable]
        else:  # a circle, like a connection circle
            x = 400 + 300 * math.cos(2 * math.pi * i / n)
            y = 400 + 300 * math.sin(2 * math.pi * i / n)
        out[el.name] = (float(x), float(y))
    return out


def _units(model: StockFlowModel, el) -> str:
    unit = model.time.unit
    return {
        "constant": el.unit if el.kind == "constant" else "",
        "input": f"index/{unit}" if el.kind == "input" and el.channel == "inflow" else "dmnl",
        "flow": f"index/{unit}",
        "lookup": "dmnl",
    }.get(el.kind, "index")


def to_xmile(
    model: StockFlowModel,
    *,
    positions: Mapping[str, tuple[float, float]] | None = None,
    vendor: str = "gmb",
    version: str = "0.1.0",
) -> str:
    """The model as XMILE 1.0 text (UTF-8).

    Parameters
    ----------
    model : StockFlowModel
        The model.
    positions : mapping of str to (float, float), optional
        Places variables in the view ({variable id: (x, y)}).
    vendor, version : str, optional
        Written in the file's header.

    Returns
    -------
    str
        The XMILE document; pysd and Stella read it and give the same trajectories.

    Examples
    --------
    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)  # three stocks v2 -> v1 -> v0 with a balancing link back
    >>> text = to_xmile(model)
    >>> text.startswith('<?xml version="1.0" encoding="utf-8"?>'), '<stock name="v0">' in text
    (True, True)
    """
    ET.register_namespace("", XMILE_NS)
    root = ET.Element("xmile", {"version": "1.0", "xmlns": XMILE_NS})
    header = _sub(root, "header")
    _sub(header, "vendor", vendor)
    _sub(header, "name", model.title or model.name)
    _sub(header, "product", "gmb", version=version, lang="en")
    specs = _sub(root, "sim_specs", time_units=clean_text(model.time.unit), method="Euler")
    _sub(specs, "start", number(model.time.start))
    _sub(specs, "stop", number(model.time.stop))
    _sub(specs, "dt", number(model.time.dt))
    body = _sub(root, "model")
    variables = _sub(body, "variables")

    def doc_of(el) -> str:
        text = el.doc
        if el.links:
            text += f" [links: {', '.join(el.links)}]"
        return text

    for s in model.stocks:
        node = _sub(variables, "stock", name=s.name)
        _sub(node, "doc", doc_of(s))
        _sub(node, "eqn", equation(s, "xmile"))
        _sub(node, "inflow", s.flow)
        _sub(node, "units", _units(model, s))
    for f in model.flows:
        node = _sub(variables, "flow", name=f.name)
        _sub(node, "doc", doc_of(f))
        _sub(node, "eqn", equation(f, "xmile"))
        _sub(node, "units", _units(model, f))
    for el in (*model.constants, *model.inputs, *model.smooths):
        node = _sub(variables, "aux", name=el.name)
        _sub(node, "doc", doc_of(el))
        _sub(node, "eqn", equation(el, "xmile"))
        _sub(node, "units", _units(model, el))
    for name in model.order:
        el = model.element(name)
        node = _sub(variables, "aux", name=el.name)
        _sub(node, "doc", doc_of(el))
        _sub(node, "eqn", equation(el, "xmile"))
        _sub(node, "units", _units(model, el))
    for lk in model.lookups:
        node = _sub(variables, "gf", name=lk.name)
        _sub(node, "doc", lk.doc)
        _sub(node, "xpts", ",".join(number(x) for x, _ in lk.points))
        _sub(node, "ypts", ",".join(number(y) for _, y in lk.points))

    # the CLD view: variables and signed connectors
    views = _sub(body, "views")
    view = _sub(views, "view", type="stock_flow")
    where = _layout(model, positions)
    for el in model.variables:
        x, y = where[el.name]
        _sub(view, "stock" if el.kind == "stock" else "aux", name=el.name, x=number(round(x, 2)), y=number(round(y, 2)))
    by_var = {el.variable: el.name for el in model.variables}
    for uid, e in enumerate(model.effects, start=1):
        conn = _sub(view, "connector", uid=str(uid), angle="0", polarity="+" if e.sign > 0 else "-")
        _sub(conn, "from", by_var[e.cause])
        _sub(conn, "to", by_var[e.target])
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
