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

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.mdl"
>>> _ = p.write_text('{UTF-8}\nSøvn = A FUNCTION OF(-Skærm)\n~~|\nSkærm = A FUNCTION OF()\n~~|\n', encoding="utf-8")
>>> s = read_mdl(p, lang="da")
>>> [(l.cause, l.effect, l.polarity.value) for l in s.links]
[('skærm', 'søvn', '-')]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gmb.errors import EncodingError, FormatError, ValidationError, warn
from gmb.files import atomic_write_bytes
from gmb.io.build import MapBuilder, as_session, check_new_file, read_bytes
from gmb.io.equations import (
    EquationError,
    Token,
    signed_terms,
    split_args,
    unquote,
    vensim_name,
    vensim_refs,
    vensim_tokens,
)  # fmt: skip
from gmb.session.model import Session

__all__ = ["read_mdl", "write_mdl"]

_CONTROL = {"initial time", "final time", "time step", "saveper", "time"}
_SKETCH = re.compile(r"^[ \t]*\\{2,}---///", re.MULTILINE)
_SKETCH_END = "///---\\\\\\"


@dataclass
class _Var:
    label: str
    key: str
    line: int
    rhs: list[tuple[str, int]] = field(default_factory=list)  # (right-hand side, line it starts on)
    lookup: bool = False
    data: bool = False
    comment: str = ""


# -- text and blocks ------------------------------------------------------------
def _decode(raw: bytes, file: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if raw.lstrip().startswith(b"{UTF-8}"):
            raise EncodingError(
                f"the file says {{UTF-8}} but byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8",
                file=file, line=line, hint="save the model again from Vensim",
            ) from None  # fmt: skip
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc2:
            line = raw[: exc2.start].count(b"\n") + 1
            raise EncodingError(
                f"neither UTF-8 nor Windows-1252 (byte 0x{raw[exc2.start]:02x} at offset {exc2.start})",
                file=file, line=line, hint="save the model as UTF-8",
            ) from None  # fmt: skip
        warn("no {UTF-8} header and not UTF-8: read as Windows-1252", file=file, line=line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(text: str, file: str) -> list[tuple[str, str, int]]:
    """Split the equations into ``(equation part, comment, line)`` blocks, each ended by ``|``.

    Quotes matter only in the equation part (before the first ``~``); comments may hold any text.
    Lines are counted as the scan goes (one pass: linear in the file's size).
    """
    out: list[tuple[str, str, int]] = []
    start, i, n = 0, 0, len(text)
    tildes: list[int] = []
    quote = False
    line_at, counted = 1, 0  # newlines before ``counted``
    specials = re.compile(r'[\\"~|]')
    while i < n:
        if not quote:
            m = specials.search(text, i)
            if m is None:
                break
            i = m.start()
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == '"':
                quote = False
        elif c == '"' and not tildes:
            quote = True
        elif c == "~":
            tildes.append(i)
        elif c == "|":
            line_at += text.count("\n", counted, start)
            counted = start
            out.append(_block(text, start, i, tildes, line_at, counted))
            start, tildes = i + 1, []
        i += 1
    if quote:
        line = text.count("\n", 0, start) + 1
        raise FormatError("a quoted name is not closed", file=file, line=line)
    if text[start:].strip():
        line_at += text.count("\n", counted, start)
        out.append(_block(text, start, n, tildes, line_at, start))
    return out


def _block(text: str, start: int, end: int, tildes: list[int], line_at: int, counted: int) -> tuple[str, str, int]:
    eq_end = tildes[0] if tildes else end
    comment = text[tildes[1] + 1 : end] if len(tildes) > 1 else ""
    if len(tildes) > 2:
        comment = text[tildes[1] + 1 : tildes[2]]
    body = text[start:eq_end]
    lead = len(body) - len(body.lstrip())
    line = line_at + text.count("\n", counted, start + lead)
    return body.strip(), read_comment(comment), line


def read_comment(text: str) -> str:
    r"""A comment as a description: lines stripped of Vensim's indentation, ``&#126;`` (``~``),
    ``&#124;`` (``|``) and ``&#38;`` (``&``) as :func:`write_comment` escapes them.

    >>> read_comment("\tFirst line\n\t\tsecond &#126;2&#124;x&#38;#126;\n")
    'First line\nsecond ~2|x&#126;'
    """
    lines = [line.strip() for line in text.strip().split("\n")]
    text = "\n".join(lines)
    if "&#" in text:
        text = re.sub(r"&#(126|124|38);", lambda m: chr(int(m.group(1))), text)
    return text


def write_comment(text: str) -> str:
    r"""A description as a Vensim comment: ``~`` and ``|`` end fields in .mdl, so they are written as
    ``&#126;`` and ``&#124;`` (and ``&#`` as ``&#38;#``); line breaks stay, indented as Vensim does.

    >>> write_comment("a ~ b | c\nd &#126;")
    'a &#126; b &#124; c\n\t\td &#38;#126;'
    """
    text = text.replace("&#", "&#38;#").replace("~", "&#126;").replace("|", "&#124;")
    return "\n\t\t".join(line.strip() for line in text.strip().split("\n"))


_DATA_KEYWORD = re.compile(r":\s*(INTERPOLATE|RAW|HOLD\s+BACKWARD|LOOK\s+FORWARD)\s*:", re.IGNORECASE)


def _lhs(eq: str, file: str, line: int) -> tuple[str, str, str]:
    """``(name, operator, right-hand side)``; operator is ``=``, ``data``, ``lookup`` or ``skip``."""
    if eq.startswith('"'):
        close = 1
        while close < len(eq) and eq[close] != '"':
            close += 2 if eq[close] == "\\" else 1
        name, rest = eq[: close + 1], eq[close + 1 :]
    else:
        m = re.match(r'[^\[\]=(:~<>"|]*', eq)
        name, rest = m.group(), eq[m.end() :]
    rest = rest.lstrip()
    while rest.startswith(("[", ":EXCEPT:", ",")):
        if rest.startswith(":EXCEPT:"):
            rest = rest[len(":EXCEPT:") :].lstrip()
            continue
        if rest.startswith(","):
            rest = rest[1:].lstrip()
            continue
        close = rest.find("]")
        if close < 0:
            raise FormatError(f"'[' after '{name.strip()}' is not closed", file=file, line=line)
        rest = rest[close + 1 :].lstrip()
    data = _DATA_KEYWORD.match(rest)
    if data:  # a data variable (:INTERPOLATE:, :RAW:…): values from a data file, or ':=' an expression
        rest = rest[data.end() :].lstrip()
        if not rest:
            return name, "data", ""
    if rest.startswith((":=", "==")):
        return name, "=", rest[2:]
    if rest.startswith("="):
        return name, "=", rest[1:]
    if rest.startswith("("):
        return name, "lookup", rest
    if rest.startswith((":", "<->")) or name.strip().startswith(":"):
        return name, "skip", ""
    if not rest:
        return name, "data", ""
    raise FormatError(
        f"cannot read the equation of '{name.strip()[:80]}': expected '=' after the name", file=file, line=line
    )


def _equations(text: str, file: str) -> dict[str, _Var]:
    found: dict[str, _Var] = {}
    in_macro = False
    for body, comment, line in _blocks(text, file):
        if body.startswith("{UTF-8}"):
            body = body[len("{UTF-8}") :].lstrip()
        if body.upper().startswith(":END OF MACRO:"):
            in_macro = False
            body = body[len(":END OF MACRO:") :].lstrip()
        if body.upper().startswith(":MACRO:"):
            in_macro = True
        if in_macro or not body or body.startswith(("*", "{")):
            continue
        name, op, rhs = _lhs(body, file, line)
        key = vensim_name(name)
        if op == "skip" or not key or key in _CONTROL:
            continue
        label = " ".join(unquote(name).split())
        var = found.get(key)
        if var is None:
            var = found[key] = _Var(label=label, key=key, line=line)
        if op == "lookup":
            var.lookup = True
        elif op == "data":
            var.data = True
        elif rhs.strip():
            var.rhs.append((rhs, line))
        var.comment = var.comment or comment
    return found


# -- the sketch -------------------------------------------------------------------
def _fields(line: str) -> list[str]:
    """Comma-separated fields; a quoted name may hold commas."""
    if '"' not in line:
        return line.split(",")
    out, cur, quote = [], [], False
    i = 0
    while i < len(line):
        c = line[i]
        if quote and c == "\\" and i + 1 < len(line):
            cur.append(line[i : i + 2])
            i += 2
            continue
        if c == '"':
            quote = not quote
        if c == "," and not quote:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return None


@dataclass
class _Arrow:
    uid: int
    source: int
    target: int
    polarity: str
    delay: bool
    initial: bool
    line: int
    view: str
    colour: str = ""  # "+" green, "-" red, "" neither


@dataclass
class _View:
    name: str
    objects: dict[int, tuple[int, list[str], int]] = field(default_factory=dict)  # uid -> (type, fields, line)
    arrows: list[_Arrow] = field(default_factory=list)


_POLARITY = {43: "+", 45: "-", ord("S"): "+", ord("s"): "+", ord("O"): "-", ord("o"): "-", ord("0"): "-"}


def _sketch(text: str, first_line: int) -> list[_View]:
    views: list[_View] = []
    lines = text.split("\n")
    skip_next = False
    for k, raw in enumerate(lines):
        number = first_line + k
        if skip_next:
            skip_next = False
            continue
        line = raw.strip()
        if line.startswith(_SKETCH_END):
            break
        if re.match(r"\\{2,}---///", line):
            continue
        if line.startswith("*"):
            views.append(_View(name=line[1:].strip()))
            continue
        fields = _fields(line)
        kind, uid = _int(fields[0]), _int(fields[1]) if len(fields) > 1 else None
        if kind is None or uid is None:
            continue  # V300 line, $ style line, comment text
        if not views:
            views.append(_View(name="View 1"))
        view = views[-1]
        if kind == 1:
            nums = [_int(f) for f in fields[2:11]]
            if len(fields) < 4 or nums[0] is None or nums[1] is None:
                continue
            pol = nums[4] if len(nums) > 4 and nums[4] is not None else 0
            dtype = nums[7] if len(nums) > 7 and nums[7] is not None else 0
            res = nums[8] if len(nums) > 8 and nums[8] is not None else 0
            view.arrows.append(_Arrow(uid, nums[0], nums[1], _POLARITY.get(pol, "?"), bool(dtype & 0x3F),
                                      bool(res & 1), number, view.name,
                                      _colour(fields[11]) if len(fields) > 11 else ""))  # fmt: skip
        else:
            view.objects[uid] = (kind, fields, number)
            bits = _int(fields[8]) if len(fields) > 8 else None
            if kind == 12 and bits is not None and bits & 4:
                skip_next = True  # the comment's text is on the next line
    return views


def _colour(text: str) -> str:
    """``+`` for a green arrow colour ``r-g-b``, ``-`` for a red one, else ``""``.

    >>> _colour("0-128-0"), _colour("255-0-0"), _colour("-1--1--1"), _colour("0-0-255")
    ('+', '-', '', '')
    """
    m = re.fullmatch(r"\s*(\d{1,3})-(\d{1,3})-(\d{1,3})\s*", text)
    if not m:
        return ""
    r, g, b = (int(x) for x in m.groups())
    if g >= 100 and g > r + 60 and g > b + 60:
        return "+"
    if r >= 100 and r > g + 60 and r > b + 60:
        return "-"
    return ""


# -- reading ----------------------------------------------------------------------------
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


def _continued(text: str) -> str:
    r"""Join continuation lines (``\`` at a line end), moving the newlines so later line numbers stay right."""
    out: list[str] = []
    pending = 0
    lines = text.split("\n")
    for k, line in enumerate(lines):
        stripped = line.rstrip()
        if stripped.endswith("\\") and k < len(lines) - 1:
            out.append(stripped[:-1].lstrip() if pending else stripped[:-1])
            pending += 1
            continue
        out.append(line.lstrip() if pending else line)
        if k < len(lines) - 1:
            out.append("\n" * (pending + 1))
        pending = 0
    return "".join(out)


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


def _place(views: list[_View], found: dict[str, _Var], file: str):
    """Positions (first non-shadow copy), sketch shapes, and which uid names which variable per view."""
    placed: dict[str, tuple[float, float]] = {}
    shapes: dict[str, int] = {}
    names: dict[tuple[int, int], str] = {}
    originals: set[str] = set()
    for v_index, view in enumerate(views):
        for uid, (kind, fields, number) in view.objects.items():
            if kind != 10 or len(fields) < 5:
                continue
            key = vensim_name(fields[2])
            if not key or key in _CONTROL:
                continue
            if key not in found:
                if key.isdigit():
                    continue
                warn(f"'{fields[2].strip()[:80]}' is in the sketch but has no equation; added as a variable",
                     file=file, line=number)  # fmt: skip
                found[key] = _Var(label=" ".join(unquote(fields[2]).split()), key=key, line=number)
            names[v_index, uid] = key
            x, y = _float(fields[3]), _float(fields[4])
            bits = _int(fields[8]) if len(fields) > 8 else 3
            shadow = bits is not None and not bits & 1  # a copy of a variable defined elsewhere
            shape = _int(fields[7]) if len(fields) > 7 else None
            if not shadow and key not in originals:
                originals.add(key)
                if x is not None and y is not None:
                    placed[key] = (x, y)
                if shape is not None:
                    shapes[key] = shape
            elif key not in placed and x is not None and y is not None:
                placed[key] = (x, y)
    return placed, shapes, names


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _arrows(views, names, found, quantified, b: MapBuilder, file: str) -> None:
    from gmb.io.limits import options

    by_colour = options().polarity_from_colour
    coloured = 0  # unmarked arrows drawn green or red
    for v_index, view in enumerate(views):
        for arrow in view.arrows:
            ends = []
            for end in (arrow.source, arrow.target):
                obj = view.objects.get(end)
                if obj is None:
                    ends.append(None)
                    continue
                if obj[0] == 11:  # a valve: the arrow means the flow variable drawn with it (next uid)
                    end += 1
                ends.append(names.get((v_index, end), ""))
            if None in ends:
                missing = arrow.source if ends[0] is None else arrow.target
                b.note("arrow", f"arrow {arrow.uid} in view '{view.name}' points at object {missing}, which does not "
                       "exist (deleted?); ignored", line=arrow.line)  # fmt: skip
                continue
            source, target = ends
            if not source or not target or view.objects[arrow.source][0] == 11:
                continue  # a pipe, or an arrow to a comment or cloud
            polarity = arrow.polarity
            if polarity == "?" and arrow.colour:
                coloured += 1
                polarity = arrow.colour if by_colour else "?"
            cause, effect = b.id_of(source), b.id_of(target)
            fields = {"delay": True} if arrow.delay else {}
            if polarity != "?":
                fields["polarity"] = polarity
            if b.update_link(cause, effect, **fields):
                continue
            if arrow.initial or source == target:
                continue
            if target in quantified and source not in quantified[target]:
                b.note("unused", f"arrow {arrow.uid} from '{found[source].label[:60]}' to '{found[target].label[:60]}' "
                       "is not used by the equation; ignored", line=arrow.line)  # fmt: skip
                continue
            b.link(cause, effect, polarity=polarity, delay=arrow.delay, line=arrow.line)
    if coloured and by_colour:
        warn(f"polarity read from the colour of {coloured} unmarked arrow(s): green = +, red = −", file=file)
    elif coloured:
        b.unsigned_reason = (
            f"{coloured} of their arrows have no polarity mark but are drawn green or red; if the "
            "colours mean + and −, import again with --polarity-from-colour (green = +, red = −)"
        )
        warn(b.unsigned_reason, file=file)


# -- writing ------------------------------------------------------------------------------
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
    session = as_session(session)
    path = Path(path)
    check_new_file(path)
    lang = lang or (session.languages[0] if session.languages else "en")
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
