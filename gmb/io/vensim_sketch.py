r"""The sketch of a Vensim ``.mdl`` file (the part after ``\\\---///``): views, their objects and arrows.

The sketch adds what equations cannot hold: positions, shapes (a box is a stock), arrow polarity
(field 7 of an arrow line ``1,…``), delay marks, and in a map without equations the links themselves.
Kept apart from :mod:`gmb.io.vensim` because it is its own line format (comma-separated fields per
object), read after the equations and handed to the builder by :func:`_place` and :func:`_arrows`.

>>> [(a.source, a.target, a.polarity) for a in _sketch("*View 1\n1,3,1,2,0,0,45,0,0,64,0,-1--1--1,,1|(0,0)|", 10)[0].arrows]
[(1, 2, '-')]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from gmb.errors import warn
from gmb.io.build import MapBuilder
from gmb.io.equations import unquote, vensim_name
from gmb.io.vensim_equations import _CONTROL, _Var

_SKETCH = re.compile(r"^[ \t]*\\{2,}---///", re.MULTILINE)
_SKETCH_END = "///---\\\\\\"


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
