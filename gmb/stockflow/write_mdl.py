"""Write a :class:`StockFlowModel` as a Vensim ``.mdl`` file (opens in Vensim; runs in pysd).

Each equation is followed by its units and a comment naming its source links and
original labels. Vensim ends fields with ``~`` and ``|`` and treats ``\\`` and
``:MACRO:`` specially, so comments are cleaned of those; names are safe
identifiers. There is no sketch: Vensim shows the equations, the CLD view lives
in the XMILE file.

>>> from gmb.stockflow.model import *
>>> m = StockFlowModel(name="m", inputs=(Input("i", variable="a", channel="level"),),
...     auxiliaries=(Auxiliary("a", variable="a", label="A", input="i", doc="x ~ y | z"),), order=("a",))
>>> "a = i\\n\\t~\\tindex\\n\\t~\\tx - y / z\\n\\t|" in to_mdl(m)
True
"""

from __future__ import annotations

import re

from gmb.stockflow.equations import equation, number
from gmb.stockflow.model import StockFlowModel

__all__ = ["clean_comment", "to_mdl"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MACRO = re.compile(r":\s*(END\s+OF\s+)?MACRO\s*:", re.IGNORECASE)


def clean_comment(text: str) -> str:
    """Text safe in a Vensim comment field: one line, no ``~``, ``|``, ``\\`` or macro markers.

    >>> clean_comment("a|b~c\\\\d :MACRO: e")
    'a/b-c/d MACRO e'
    """
    text = _MACRO.sub("MACRO", str(text))
    text = text.replace("~", "-").replace("|", "/").replace("\\", "/")
    return _CONTROL.sub(" ", text).strip()


def _entry(name: str, eq: str, units: str, doc: str) -> str:
    return f"{name} = {eq}\n\t~\t{units}\n\t~\t{clean_comment(doc)}\n\t|\n"


def to_mdl(model: StockFlowModel) -> str:
    """The model as Vensim ``.mdl`` text (UTF-8).

    Parameters
    ----------
    model : StockFlowModel
        The model.

    Returns
    -------
    str
        The ``.mdl`` text; pysd and Vensim read it and give the same trajectories.

    Examples
    --------
    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)  # three stocks v2 -> v1 -> v0 with a balancing link back
    >>> to_mdl(model).splitlines()[:3]
    ['{UTF-8}', '', 'v0 = INTEG(change_in_v0, 1.0)']
    """
    unit = clean_comment(model.time.unit) or "month"
    out = ["{UTF-8}\n"]

    def doc_of(el) -> str:
        return el.doc + (f" [links: {', '.join(el.links)}]" if el.links else "")

    for s in model.stocks:
        out.append(_entry(s.name, f"INTEG({s.flow}, {equation(s, 'vensim')})", "index", doc_of(s)))
    for f in model.flows:
        out.append(_entry(f.name, equation(f, "vensim"), f"index/{unit}", doc_of(f)))
    for el in (*model.constants, *model.inputs):
        units = (
            clean_comment(el.unit)
            if el.kind == "constant"
            else ("index" if el.channel != "inflow" else f"index/{unit}")
        )
        if el.kind == "constant" and el.low is not None and el.high is not None:
            units += f" [{number(el.low)},{number(el.high)}]"
        out.append(_entry(el.name, equation(el, "vensim"), units or "dmnl", doc_of(el)))
    for sm in model.smooths:
        out.append(_entry(sm.name, equation(sm, "vensim"), "index", doc_of(sm)))
    for name in model.order:
        el = model.element(name)
        out.append(_entry(el.name, equation(el, "vensim"), "index", doc_of(el)))
    for lk in model.lookups:
        xs = [x for x, _ in lk.points]
        ys = [y for _, y in lk.points]
        pts = ",".join(f"({number(x)},{number(y)})" for x, y in lk.points)
        rng = f"[({number(min(xs))},{number(min(ys))})-({number(max(xs))},{number(max(ys))})]"
        out.append(f"{lk.name}(\n\t{rng},{pts})\n\t~\tdmnl\n\t~\t{clean_comment(lk.doc)}\n\t|\n")
    out.append(
        "********************************************************\n\t.Control\n"
        "********************************************************~\n\t\tSimulation Control Parameters\n\t|\n"
    )
    out.append(_entry("FINAL TIME ", number(model.time.stop), unit, "The final time for the simulation."))
    out.append(_entry("INITIAL TIME ", number(model.time.start), unit, "The initial time for the simulation."))
    out.append(_entry("SAVEPER ", "TIME STEP", f"{unit} [0,?]", "The frequency with which output is stored."))
    out.append(_entry("TIME STEP ", number(model.time.dt), f"{unit} [0,?]", "The time step for the simulation."))
    return "\n".join(out)
