"""Which variables an equation uses: a small tokenizer for Vensim and XMILE expressions (never eval).

A reference is any name that is a variable of the model (``known``); everything else — functions,
keywords, numbers, strings, subscript ranges — is ignored. Names inside ``[...]`` are subscripts, not
references. Arguments that only set an *initial* value (the second argument of ``INTEG``, the
argument of ``INITIAL``/``INIT``, the initial value of ``DELAY1I``, ``SMTH1``…) are reported apart, as
:attr:`Refs.initial`: they are not causal links of the running model.

>>> known = {"births", "deaths", "population", "initial population"}
>>> vensim_refs("INTEG(Births - Deaths, Initial Population)", known)
Refs(dynamic=('births', 'deaths'), initial=('initial population',))
>>> xmile_refs("SMTH1(Population, 3, Initial_Population) + Births[town]", {"population", "births",
...            "initial_population"})
Refs(dynamic=('population', 'births'), initial=('initial_population',))
>>> signed_terms(vensim_tokens("Births-Deaths"), vensim_name)
[('+', 'births'), ('-', 'deaths')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "EquationError",
    "Refs",
    "Token",
    "signed_terms",
    "split_args",
    "unquote",
    "vensim_name",
    "vensim_refs",
    "vensim_tokens",
    "xmile_name",
    "xmile_refs",
    "xmile_tokens",
]


class EquationError(ValueError):
    """An expression that cannot be tokenized or whose brackets do not match; ``offset`` is where."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class Token(NamedTuple):
    kind: str  # name, number, string, op, "(", ")", "[", "]", ","
    text: str
    offset: int


@dataclass(frozen=True)
class Refs:
    """Names an equation uses, in order of first use: while running, and only for initial values."""

    dynamic: tuple[str, ...] = ()
    initial: tuple[str, ...] = ()


# -- names ------------------------------------------------------------------
_SPACE = re.compile(r"[\s_]+")


def unquote(text: str) -> str:
    """The name inside ``"..."`` with its backslash escapes undone (other text unchanged)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def vensim_name(text: str) -> str:
    """Vensim compares names ignoring case, quotes and runs of spaces/underscores."""
    return _SPACE.sub(" ", unquote(text)).strip().casefold()


def xmile_name(text: str) -> str:
    r"""XMILE compares names ignoring case; spaces, ``\n`` and underscores are the same character."""
    if text.strip()[:1] == '"':
        text = unquote(text)
    else:  # Stella writes a line break in a name as \n (and a backslash as \\)
        text = re.sub(r"\\(.)", lambda m: " " if m.group(1) == "n" else m.group(1), text)
    return _SPACE.sub("_", text).strip("_").casefold()


# -- tokenizers -------------------------------------------------------------
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_VENSIM_STOP = set('+-*/^=<>()[],;!:"{}~|')
_VENSIM_KEYWORD = re.compile(r":[A-Za-z ]+:")
_XMILE_NAME = re.compile(r"[^\W\d][\w$]*(?:\.[^\W\d][\w$]*)*")


def _quoted(text: str, i: int) -> int:
    """Index just after the closing quote of the quoted name starting at ``text[i]``."""
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == '"':
            return j + 1
        j += 1
    raise EquationError("a quoted name is not closed", i)


def _braces(text: str, i: int) -> int:
    j = text.find("}", i)
    if j < 0:
        raise EquationError("a {comment} is not closed", i)
    return j + 1


def _shared_token(text: str, i: int, out: list[Token]) -> int | None:
    """Where the token at ``i`` ends, for what both dialects read alike (space, a quoted name, a
    ``{comment}``, a bracket or comma), appending the token to ``out``; None for anything else."""
    c = text[i]
    if c.isspace():
        return i + 1
    if c == '"':
        j = _quoted(text, i)
        out.append(Token("name", text[i:j], i))
        return j
    if c == "{":
        return _braces(text, i)
    if c in "()[],":
        out.append(Token(c, c, i))
        return i + 1
    return None


def vensim_tokens(text: str) -> list[Token]:
    """Vensim tokens: names may contain spaces; ``'...'`` at a token start is a string literal."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if (j := _shared_token(text, i, out)) is not None:
            i = j
            continue
        c = text[i]
        if c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                raise EquationError("a 'string' is not closed", i)
            out.append(Token("string", text[i : j + 1], i))
            i = j + 1
        elif c == ":":
            m = _VENSIM_KEYWORD.match(text, i)
            j = m.end() if m else i + 1
            out.append(Token("op", text[i:j], i))
            i = j
        elif c in _VENSIM_STOP:
            j = i + 1
            if text[i : i + 2] in ("<=", ">=", "<>", "==", "->"):
                j += 1
            out.append(Token("op", text[i:j], i))
            i = j
        else:
            m = _NUMBER.match(text, i)
            if m and (m.end() == n or text[m.end()] in _VENSIM_STOP or text[m.end()].isspace()):
                out.append(Token("number", m.group(), i))
                i = m.end()
                continue
            j = i
            while j < n and text[j] not in _VENSIM_STOP:  # an apostrophe inside a name is part of it
                j += 1
            out.append(Token("name", text[i:j].rstrip(), i))
            i = j
    return out


def xmile_tokens(text: str) -> list[Token]:
    """XMILE tokens: names are identifiers (``Our_Weapons``) or quoted (``"Our Weapons"``)."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if (j := _shared_token(text, i, out)) is not None:
            i = j
            continue
        if (m := _NUMBER.match(text, i)) is not None:
            out.append(Token("number", m.group(), i))
            i = m.end()
        elif (m := _XMILE_NAME.match(text, i)) is not None:
            out.append(Token("name", m.group(), i))
            i = m.end()
        else:
            j = i + 1
            if text[i : i + 2] in ("<=", ">=", "<>", "==", ":="):
                j += 1
            out.append(Token("op", text[i:j], i))
            i = j
    return out


# -- references -------------------------------------------------------------
#: arguments (0-based) that only set initial values, by function
VENSIM_INITIAL_ARGS: dict[str, frozenset[int]] = {
    "integ": frozenset({1}), "active initial": frozenset({1}), "initial": frozenset({0}),
    "reinitial": frozenset({0}), "delay1i": frozenset({2}), "delay3i": frozenset({2}),
    "delay n": frozenset({2, 3}), "smoothi": frozenset({2}), "smooth3i": frozenset({2}),
    "smooth n": frozenset({2, 3}), "delay fixed": frozenset({1, 2}), "trend": frozenset({2}),
    "sample if true": frozenset({2}), "npv": frozenset({2}),
}  # fmt: skip
XMILE_INITIAL_ARGS: dict[str, frozenset[int]] = {
    "init": frozenset({0}), "previous": frozenset({1}), "smth1": frozenset({2}), "smth3": frozenset({2}),
    "smthn": frozenset({3}), "delay": frozenset({2}), "delay1": frozenset({2}), "delay3": frozenset({2}),
    "delayn": frozenset({3}), "trend": frozenset({2}), "forcst": frozenset({3}),
}  # fmt: skip


def _refs(
    tokens: list[Token],
    known: Iterable[str] | Callable[[str], bool],
    norm: Callable[[str], str],
    initial_args: dict[str, frozenset[int]],
) -> Refs:
    is_known = known if callable(known) else set(known).__contains__
    dynamic: dict[str, None] = {}
    initial: dict[str, None] = {}
    # stack of open brackets: [kind, function name (normalised) or "", argument index, offset, initial?];
    # ``squares`` and ``initials`` count the open "[" and initial-argument frames, so each token costs O(1)
    # whatever the nesting depth
    stack: list[list] = []
    squares = initials = 0
    for k, tok in enumerate(tokens):
        if tok.kind in ("(", "["):
            func = ""
            if tok.kind == "(" and k and tokens[k - 1].kind == "name":
                func = norm(tokens[k - 1].text).replace("_", " ")
            init = tok.kind == "(" and 0 in initial_args.get(func, ())
            stack.append([tok.kind, func, 0, tok.offset, init])
            squares += tok.kind == "["
            initials += init
        elif tok.kind in (")", "]"):
            want = "(" if tok.kind == ")" else "["
            if not stack or stack[-1][0] != want:
                raise EquationError(f"'{tok.text}' without a matching '{want}'", tok.offset)
            frame = stack.pop()
            squares -= frame[0] == "["
            initials -= frame[4]
        elif tok.kind == ",":
            if stack:
                frame = stack[-1]
                frame[2] += 1
                init = frame[0] == "(" and frame[2] in initial_args.get(frame[1], ())
                initials += init - frame[4]
                frame[4] = init
        elif tok.kind == "name":
            if squares:
                continue  # a subscript, not a variable
            name = norm(tok.text)
            if not name or not is_known(name):
                continue
            (initial if initials else dynamic)[name] = None
    if stack:
        raise EquationError(f"'{stack[-1][0]}' is not closed", stack[-1][3])
    return Refs(tuple(dynamic), tuple(n for n in initial if n not in dynamic))


def vensim_refs(expr: str, known: Iterable[str] | Callable[[str], bool]) -> Refs:
    """References of a Vensim right-hand side to ``known`` names (normalised with :func:`vensim_name`)."""
    return _refs(vensim_tokens(expr), known, vensim_name, VENSIM_INITIAL_ARGS)


def xmile_refs(expr: str, known: Iterable[str] | Callable[[str], bool]) -> Refs:
    """References of an XMILE ``<eqn>`` to ``known`` names (normalised with :func:`xmile_name`)."""
    return _refs(xmile_tokens(expr), known, xmile_name, XMILE_INITIAL_ARGS)


# -- structure helpers ------------------------------------------------------
def split_args(tokens: list[Token], open_index: int) -> tuple[list[list[Token]], int]:
    """The arguments of the call whose ``(`` is ``tokens[open_index]``, and the index of its ``)``."""
    args: list[list[Token]] = [[]]
    depth = 0
    for k in range(open_index + 1, len(tokens)):
        tok = tokens[k]
        if tok.kind in ("(", "["):
            depth += 1
        elif tok.kind in (")", "]"):
            if depth == 0:
                return ([] if args == [[]] else args), k
            depth -= 1
        elif tok.kind == "," and depth == 0:
            args.append([])
            continue
        args[-1].append(tok)
    raise EquationError("'(' is not closed", tokens[open_index].offset)


def signed_terms(tokens: list[Token], norm: Callable[[str], str]) -> list[tuple[str, str]] | None:
    """``a - b + c[x]`` as ``[('+','a'), ('-','b'), ('+','c')]``; None when it is not such a plain sum."""
    terms: list[tuple[str, str]] = []
    sign = "+"
    expect_term = True
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if expect_term and tok.kind == "op" and tok.text in "+-":
            sign = "-" if (tok.text == "-") != (sign == "-") else "+"
        elif expect_term and tok.kind == "name":
            terms.append((sign, norm(tok.text)))
            expect_term = False
            if k + 1 < len(tokens) and tokens[k + 1].kind == "[":
                depth = 0
                while k + 1 < len(tokens):
                    k += 1
                    depth += {"[": 1, "]": -1}.get(tokens[k].kind, 0)
                    if depth == 0:
                        break
        elif not expect_term and tok.kind == "op" and tok.text in "+-":
            sign = tok.text
            expect_term = True
        else:
            return None
        k += 1
    return terms if not expect_term else None
