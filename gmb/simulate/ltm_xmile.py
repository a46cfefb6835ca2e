"""A plain XMILE model (stocks, flows, auxiliaries; no arrays or modules) as an LTM equation graph.

For checking loop dominance on classic models (e.g. SDXorg's SIR) against other tools. Constants
are auxiliaries whose equation is a number or uses only other constants; names are lower-cased
with spaces as underscores (XMILE names are case-insensitive).

>>> text = '''<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><sim_specs><start>0</start>
... <stop>4</stop><dt>1</dt></sim_specs><model><variables><stock name="x"><eqn>1</eqn><inflow>grow</inflow>
... </stock><flow name="grow"><eqn>x * r</eqn></flow><aux name="r"><eqn>0.5</eqn></aux></variables></model></xmile>'''
>>> g, spec = read_xmile_text(text.encode())
>>> spec, g.stocks, dict(g.constants)
({'start': 0.0, 'stop': 4.0, 'dt': 1.0}, ('x',), {'r': 0.5})
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gmb.errors import FormatError
from gmb.io.safexml import child, children, local, parse_xml, text_of
from gmb.simulate.expr import parse
from gmb.simulate.ltm import EquationGraph, from_equations

__all__ = ["read_xmile", "read_xmile_text"]


def _name(text: str) -> str:
    return " ".join(text.split()).replace(" ", "_").lower()


def read_xmile_text(data: bytes, file: str = "model.xmile") -> tuple[EquationGraph, dict[str, float]]:
    """The graph and ``{start, stop, dt}`` of one XMILE model."""
    root = parse_xml(data, file)
    specs = child(root, "sim_specs")
    spec = {k: float(text_of(child(specs, k))) for k in ("start", "stop", "dt")} if specs is not None else {}
    model = child(root, "model")
    variables = child(model, "variables") if model is not None else None
    if variables is None:
        raise FormatError("no <model><variables>", file=file)
    eqs: dict[str, str] = {}
    stocks: dict[str, tuple[list[str], list[str]]] = {}
    initial_eq: dict[str, str] = {}
    for el in list(variables):
        kind, name = local(el.tag), _name(el.get("name", ""))
        eqn = child(el, "eqn")
        text = " ".join(text_of(eqn).split()) if eqn is not None else ""
        if kind == "stock":
            stocks[name] = ([_name(text_of(c)) for c in children(el, "inflow")],
                            [_name(text_of(c)) for c in children(el, "outflow")])  # fmt: skip
            initial_eq[name] = text
        elif kind in ("flow", "aux"):
            eqs[name] = text
        else:
            raise FormatError(f"<{kind}> is not read here (plain stocks, flows and auxiliaries only)", file=file)
    constants: dict[str, Any] = {}
    changed = True
    while changed:  # constants: numbers, or equations of constants only
        changed = False
        for name, text in list(eqs.items()):
            fn = parse(text, element=name)
            if fn.names <= set(constants):
                constants[name] = float(fn(constants))
                del eqs[name]
                changed = True
    initial = {s: float(parse(t, element=s)(constants)) for s, t in initial_eq.items()}
    return from_equations(eqs, stocks=stocks, constants=constants, initial=initial), spec


def read_xmile(path: str | Path) -> tuple[EquationGraph, dict[str, float]]:
    """:func:`read_xmile_text` of a file."""
    p = Path(path)
    return read_xmile_text(p.read_bytes(), str(p))
