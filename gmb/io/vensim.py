r"""Vensim ``.mdl`` files: causal-loop and stock-flow sketches in, causal-loop sketches out.

**Reading.** Variables are the model's equations (control variables such as ``TIME STEP`` left out).
Links are what each equation uses (:mod:`gmb.io.equations`): ``A FUNCTION OF(a, -b)`` lists (a leading
``-`` marks a negative link) and ordinary equations alike; initial-value arguments (``INTEG``'s second
argument, ``INITIAL(x)``…) are not causal links and are left out. A stock's flows are links with the
flow's sign in ``INTEG(in - out, …)``. The sketch adds what equations cannot hold: arrow polarity
(field 7 of an arrow line ``1,…``: ``43`` is ``+``, ``45`` is ``-``; ``S``/``O`` letters too), delay
marks, and positions (kept in ``Variable.position``). An arrow that points at a deleted object is
skipped with a :class:`~gmb.errors.GmbWarning`. In a map without equations (a drawn sketch), arrows
make the links.

**Writing** (:func:`write_mdl`) gives a causal-loop sketch Vensim opens: one ``A FUNCTION OF``
equation per variable, arrows with polarity and delay marks, positions (a circle layout where none
is known), ``kind: stock`` drawn as a box. Quantified stock-flow models are written by the stock-flow
stage, not here.

Delay marks: gmb reads and writes them in the low bits of the arrow's field 10 (``64`` plain,
``65`` delay); we found no public description of Vensim's encoding to check this against.

This module turns the equations into links and kinds; the file's text is split in
:mod:`gmb.io.vensim_equations`, the sketch read in :mod:`gmb.io.vensim_sketch`, and writing is in
:mod:`gmb.io.vensim_write` (``write_mdl`` is re-exported here).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.mdl"
>>> _ = p.write_text('{UTF-8}\nSøvn = A FUNCTION OF(-Skærm)\n~~|\nSkærm = A FUNCTION OF()\n~~|\n', encoding="utf-8")
>>> s = read_mdl(p, lang="da")
>>> [(l.cause, l.effect, l.polarity.value) for l in s.links]
[('skærm', 'søvn', '-')]
"""

from __future__ import annotations

import re
from pathlib import Path

from gmb.errors import FormatError, warn
from gmb.io.build import MapBuilder, read_bytes
from gmb.io.equations import EquationError, Token, signed_terms, split_args, vensim_name, vensim_refs, vensim_tokens
from gmb.io.vensim_equations import _continued, _decode, _equations, _Var
from gmb.io.vensim_sketch import _SKETCH, _arrows, _place, _sketch
from gmb.io.vensim_write import write_mdl  # in __all__: gmb.io.vensim is where readers and tests find it
from gmb.session.model import Session

__all__ = ["read_mdl", "write_mdl"]


def read_mdl(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read a Vensim model or sketch into a new in-memory :class:`Session` (nothing is written)."""
    path = Path(path)
    file = str(path)
    text = _decode(read_bytes(path), file)
    marker = _SKETCH.search(text)
    equations_text = text[: marker.start()] if marker else text
    sketch_line = equations_text.count("\n") + 1
    if "\\\n" in equations_text:  # a line that ends in a backslash continues on the next one
        equations_text = _continued(equations_text)
    found = _equations(equations_text, file)
    views = _sketch(text[marker.start() :], sketch_line) if marker else []
    if not found and not any(v.objects for v in views):
        raise FormatError(
            "no variables found: not a Vensim model", file=file, line=1,
            hint="a .mdl file has equations 'name = ... ~ units ~ comment |' and a sketch",
        )  # fmt: skip

    b = MapBuilder(file, lang=lang, by=by)
    placed, shape_of, names_by_uid = _place(views, found, file)
    for var in found.values():
        b.variable(var.label, key=var.key, line=var.line, position=placed.get(var.key),
                   description=var.comment)  # fmt: skip
    known = set(found)

    kinds: dict[str, str] = {}
    quantified: dict[str, set[str]] = {}  # variable with equations -> names it uses only initially
    for var in found.values():
        kinds[var.key] = _links_of(var, known, b, file, quantified)
    for key, kind in kinds.items():
        if kind == "unknown" and shape_of.get(key, 0) & 0x1F == 3:
            kind = "stock"  # drawn as a box in a causal-loop sketch
        if key in shape_of and shape_of[key] & 32 and kind != "stock":
            kind = "auxiliary"  # a rate attached to a valve
        b.set(b.id_of(key), kind=kind)
    if any(var.rhs and not _is_function_of(var) for var in found.values()):
        b.unsigned_reason = ("equations give a link's sign only in A FUNCTION OF(-x) and a stock's INTEG(in - out); "
                             "other links are signed only by polarity marks on the sketch's arrows (gmb does not guess "
                             "a sign from an equation)")  # fmt: skip
    _arrows(views, names_by_uid, found, quantified, b, file)
    return b.build(title=title or path.stem)


def _is_function_of(var: _Var) -> bool:
    return all(re.match(r"\s*a\s+function\s+of\s*\(", rhs, re.IGNORECASE) for rhs, _ in var.rhs)


def _links_of(var: _Var, known: set[str], b: MapBuilder, file: str, quantified: dict[str, set[str]]) -> str:
    """Add the links into ``var`` from its equations; return its kind.

    ``quantified`` gets ``var`` with the names its equations use only for initial values: an arrow
    drawn for one of those makes it a link (the modeller meant it), otherwise it is not one.
    """
    me = b.id_of(var.key)
    kind = "auxiliary" if var.lookup else "exogenous" if var.data and not var.rhs else "unknown"
    any_refs = False
    for rhs, line in var.rhs:
        try:
            tokens = vensim_tokens(rhs)
            head = _call(tokens)
            if head == "a function of":
                for sign, name, offset in _function_of(tokens, file, line, rhs):
                    if name not in known:
                        warn(f"'{name}' in A FUNCTION OF is not defined; added as a variable",
                             file=file, line=line + rhs.count("\n", 0, offset))  # fmt: skip
                        known.add(name)
                        b.variable(name, key=name, line=line)
                    b.link(b.id_of(name), me, polarity=sign, line=line)
                    any_refs = True
                continue
            refs = vensim_refs(rhs, known)
            quantified.setdefault(var.key, set()).update(refs.initial)
        except EquationError as exc:
            raise FormatError(f"in the equation of '{var.label[:80]}': {exc}", file=file,
                              line=line + rhs.count("\n", 0, exc.offset)) from None  # fmt: skip
        signs: dict[str, str] = {}
        if head == "integ":
            kind = "stock"
            args, _ = split_args(tokens, 1)
            rate = signed_terms(args[0], vensim_name) if args else None
            signs = {name: sign for sign, name in rate or ()}
        elif kind == "unknown":
            kind = "auxiliary"
        for name in refs.dynamic:
            b.link(b.id_of(name), me, polarity=signs.get(name, "?"), line=line)
        any_refs = any_refs or bool(refs.dynamic or refs.initial)
    if kind == "auxiliary" and not any_refs and var.rhs and not var.lookup:
        kind = "exogenous"  # a constant or an input over time: nothing in the map drives it
    return kind


def _call(tokens: list[Token]) -> str | None:
    """The function name if the whole right-hand side is one call ``F(...)``."""
    if len(tokens) >= 3 and tokens[0].kind == "name" and tokens[1].kind == "(" and tokens[-1].kind == ")":
        _, close = split_args(tokens, 1)
        if close == len(tokens) - 1:
            return vensim_name(tokens[0].text)
    return None


def _function_of(tokens: list[Token], file: str, line: int, rhs: str) -> list[tuple[str, str, int]]:
    args, _ = split_args(tokens, 1)
    out = []
    for arg in args:
        sign = "?"
        if arg and arg[0].kind == "op" and arg[0].text in "+-":
            sign, arg = ("-" if arg[0].text == "-" else "+"), arg[1:]
        if len(arg) != 1 or arg[0].kind != "name":
            where = arg[0].offset if arg else 0
            raise FormatError("A FUNCTION OF(...) must list variable names, e.g. A FUNCTION OF(a, -b)",
                              file=file, line=line + rhs.count("\n", 0, where))  # fmt: skip
        out.append((sign, vensim_name(arg[0].text), arg[0].offset))
    return out
