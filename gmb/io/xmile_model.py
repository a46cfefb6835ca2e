r"""The parts of an XMILE ``<model>`` that reading, flattening Stella modules and writing share:
the namespaces, the simulation-control names, the variables block, a variable found (``_Var``),
and how a ``name`` attribute becomes a label.

Kept apart so :mod:`gmb.io.xmile` (reading), :mod:`gmb.io.xmile_modules` (Stella modules) and
:mod:`gmb.io.xmile_write` (writing) each import them without importing one another.

>>> _label("Food\\nCost"), sorted(_CONTROL)[:2]
('Food Cost', ['dt', 'final_time'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from gmb.io.equations import unquote
from gmb.io.safexml import child

__all__ = ["GMB_NS", "ISEE_NS", "XMILE_NS"]

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
    scope: str = ""  # key prefix of the module instance it lives in ("" for the main model)
    eqns: list[tuple[str, Element]] = field(default_factory=list)
    inflows: list[str] = field(default_factory=list)
    outflows: list[str] = field(default_factory=list)
    themes: list[tuple[str, str | None]] = field(default_factory=list)  # (group name, gmb:id)

    @property
    def quantified(self) -> bool:
        return bool(self.eqns or self.inflows or self.outflows) or self.tag == "gf"


def _label(name: str) -> str:
    """A name attribute as a label: ``\\n`` (a line break in Stella) becomes a space.

    A name written in quotes (``"\\"x"``, as gmb writes a label that starts with a quote) is unquoted,
    as :func:`~gmb.io.equations.xmile_name` does for its key, so label and key agree.
    """
    bare = name.strip()
    if len(bare) >= 2 and bare[0] == '"' and bare[-1] == '"':
        return " ".join(unquote(bare).split())
    return " ".join(re.sub(r"\\(.)", lambda m: " " if m.group(1) == "n" else m.group(1), name).split())


def _gmb(elem: Element, name: str) -> str | None:
    return elem.attrib.get(f"{{{GMB_NS}}}{name}")


def _variables_block(model: Element) -> Element:
    block = child(model, "variables")
    return model if block is None else block  # pre-1.0 XMILE (older Stella): variables directly in <model>
