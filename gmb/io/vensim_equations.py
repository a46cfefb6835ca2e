r"""The equations of a Vensim ``.mdl`` file: decoding its bytes, splitting the text into
``name = … ~ units ~ comment |`` blocks, and the variables those blocks define.

Kept apart from :mod:`gmb.io.vensim` (which turns the variables' equations into links and kinds) and
from :mod:`gmb.io.vensim_sketch` (the diagram below the equations): this part knows only the text.

>>> found = _equations('{UTF-8}\nSøvn = A FUNCTION OF(-Skærm)\n~~|\n', "m.mdl")
>>> [(v.label, v.line, [rhs.strip() for rhs, _ in v.rhs]) for v in found.values()]
[('Søvn', 1, ['A FUNCTION OF(-Skærm)'])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gmb.errors import EncodingError, FormatError, warn
from gmb.io.equations import unquote, vensim_name

#: simulation-control names: equations of the model's clock, no variables of the map
_CONTROL = {"initial time", "final time", "time step", "saveper", "time"}


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
