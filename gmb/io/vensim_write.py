"""Writing a map as a Vensim ``.mdl`` causal-loop sketch (:func:`write_mdl`), and the two helpers the
XMILE writer shares with it (:func:`layout`, :func:`names_for`).

Kept apart from reading (:mod:`gmb.io.vensim`): the writer needs none of the reader's parsing, and
the XMILE writer imports its helpers from here without pulling in the .mdl reader.

>>> layout(4, 0)
(230, 80)
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from gmb.errors import ValidationError
from gmb.files import atomic_write_bytes
from gmb.io.equations import vensim_name
from gmb.io.vensim_equations import _CONTROL, write_comment
from gmb.io.writing import prepare_write
from gmb.session.model import Session

__all__ = ["layout", "names_for", "write_mdl"]

#: a name Vensim (and pysd) read unquoted: letters, digits, spaces, ``_`` and ``'``, not starting with a digit,
#: ``_`` or ``'``; anything else (``&``, ``%``, ``.``, ``$``, ``-``…) is written in quotes
_NEEDS_QUOTES = re.compile(r"""[^\w ']|^['\s\d_]|\s$""", re.UNICODE)


def _quote(name: str) -> str:
    name = " ".join(name.split())
    if _NEEDS_QUOTES.search(name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def layout(n: int, i: int) -> tuple[float, float]:
    """A circle layout for variables without a position (so the sketch is readable)."""
    radius = max(150.0, 28.0 * n)
    angle = 2 * math.pi * i / max(n, 1) - math.pi / 2
    return (round(radius + 80 + radius * math.cos(angle)), round(radius + 80 + radius * math.sin(angle)))


def names_for(session: Session, lang: str, norm, reserved: set[str] = frozenset()) -> dict[str, str]:
    """One name per variable; two labels that the tool would treat as the same name are refused."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for v in session.variables:
        label = " ".join(v.label(lang).split())
        key = norm(label)
        if key in reserved:
            raise ValidationError(f"'{label}' is a reserved name in this format (simulation time)",
                                  field=f"variables.{v.id}.labels", hint="rename the variable")  # fmt: skip
        if key in seen:
            raise ValidationError(
                f"variables '{seen[key]}' and '{v.id}' would get the same name '{label}' "
                "(names ignore case, spaces and underscores)", field=f"variables.{v.id}.labels",
                hint="give one of them a different label",
            )  # fmt: skip
        seen[key] = v.id
        out[v.id] = label
    return out


def write_mdl(session: Any, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the map as a Vensim causal-loop sketch (``A FUNCTION OF`` equations + arrows)."""
    session, path, lang = prepare_write(session, path, lang)
    names = names_for(session, lang, vensim_name, _CONTROL)
    causes: dict[str, list[str]] = {v.id: [] for v in session.variables}
    for link in session.links:
        causes[link.effect].append(("-" if link.polarity.value == "-" else "") + _quote(names[link.cause]))
    out = ["{UTF-8}"]
    for v in session.variables:
        out += [f"{_quote(names[v.id])}  = A FUNCTION OF( {', '.join(causes[v.id])} )", "\t~\t",
                f"\t~\t{write_comment(v.description)}", "\t|", ""]  # fmt: skip
    out += [
        "*" * 56, "\t.Control", "*" * 56 + "~", "\t\tSimulation Control Parameters", "\t|", "",
        "FINAL TIME  = 100", "\t~\tMonth", "\t~\tThe final time for the simulation.", "\t|", "",
        "INITIAL TIME  = 0", "\t~\tMonth", "\t~\tThe initial time for the simulation.", "\t|", "",
        "SAVEPER  = ", "        TIME STEP", "\t~\tMonth [0,?]", "\t~\tThe frequency with which output is stored.",
        "\t|", "",
        "TIME STEP  = 1", "\t~\tMonth [0,?]", "\t~\tThe time step for the simulation.", "\t|", "",
        "\\\\\\---/// Sketch information - do not modify anything except names",
        "V300  Do not put anything below this section - it will be ignored",
        "*View 1",
        "$192-192-192,0,Arial|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0",
    ]  # fmt: skip
    uid: dict[str, int] = {}
    n = len(session.variables)
    for i, v in enumerate(session.variables):
        uid[v.id] = i + 1
        x, y = v.position if v.position is not None else layout(n, i)
        stock = v.kind.value == "stock"
        width = 40 if stock else max(20, min(90, 4 * len(names[v.id])))
        shape = 3 if stock else 8
        out.append(f"10,{i + 1},{_quote(names[v.id])},{round(x)},{round(y)},{width},{20 if stock else 12},"
                   f"{shape},3,0,0,0,0,0,0,0,0,0,0,0,0")  # fmt: skip
    next_uid = n + 1
    for link in session.links:
        pol = {"+": 43, "-": 45}.get(link.polarity.value, 0)
        font = "|12||0-0-0" if pol else ""
        dtype = 64 | (1 if link.delay else 0)
        out.append(f"1,{next_uid},{uid[link.cause]},{uid[link.effect]},1,0,{pol},0,{2 if pol else 0},{dtype},0,"
                   f"-1--1--1,{font},1|(0,0)|")  # fmt: skip
        next_uid += 1
    out += ["///---\\\\\\", ":L<%^E!@", "5:" + (_quote(names[session.variables[0].id]) if n else ""), ""]
    atomic_write_bytes(path, "\n".join(out).encode("utf-8"))
    return path
