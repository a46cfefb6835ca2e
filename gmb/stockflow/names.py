"""Safe identifiers from any label: valid in XMILE, Vensim and Python, and injection-free.

Every name is ``[a-z][a-z0-9_]*``, at most :data:`MAX_LEN` characters, never a
reserved word of XMILE, Vensim, PySD or Python, and unique in its :class:`Namer`
— compared case-insensitively and with spaces equal to underscores, as XMILE and
Vensim compare names. Because a name can only hold those characters, no label
can inject an equation, a quote or markup; the original label stays in the
element's documentation.

>>> n = Namer()
>>> n.claim("Børns trivsel"), n.claim("børns  TRIVSEL!"), n.claim("time"), n.claim('"; x = 1 |')
('boerns_trivsel', 'boerns_trivsel_2', 'time_var', 'x_1')
"""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata

__all__ = ["MAX_LEN", "RESERVED", "Namer", "identifier", "is_valid"]

MAX_LEN = 60

_SPECIAL = {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d"}

#: words an identifier must not be: simulation controls and builtins of XMILE, Vensim and PySD
RESERVED = frozenset(
    {
        # time and controls
        "time", "dt", "start", "stop", "initial_time", "final_time", "time_step", "saveper", "starttime",
        "stoptime", "timestep",
        # operators and constants
        "if", "then", "else", "and", "or", "not", "mod", "pi", "e", "inf", "nan", "true", "false", "na",
        # XMILE / Vensim builtins (names PySD maps to functions)
        "abs", "arccos", "arcsin", "arctan", "cos", "sin", "tan", "exp", "ln", "log", "log10", "sqrt",
        "max", "min", "int", "integer", "integ", "round", "sum", "prod", "mean", "size", "stddev", "rank",
        "step", "ramp", "pulse", "pulse_train", "xpulse", "xpulse_train", "xramp",
        "smth1", "smth3", "smthn", "smooth", "smoothi", "smooth3", "smooth3i", "smooth_n",
        "delay", "delay1", "delay3", "delayn", "delay1i", "delay3i", "delay_n", "delay_fixed",
        "trend", "forcst", "forecast", "safediv", "zidz", "xidz", "if_then_else", "init", "initial",
        "active_initial", "with_lookup", "lookup", "lookup_extrapolation", "lookup_forward",
        "lookup_backward", "get_data", "get_lookups", "get_constants", "random_uniform", "random_normal",
        "random_0_1", "normal", "uniform", "modulo", "quantum", "sample_if_true", "previous", "self",
        "invert_matrix", "vmax", "vmin", "vector_select", "elmcount", "negative", "tabbed_arrays",
        "power", "game", "model", "component", "components", "np", "xr", "functions", "statefuls",
        "lookups", "data", "utils", "cache", "macro",
    }
    | {k.lower() for k in keyword.kwlist}
    | {k.lower() for k in keyword.softkwlist}
)  # fmt: skip

_VALID = re.compile(r"^[a-z][a-z0-9_]*$")


def _ascii(text: str) -> str:
    text = "".join(_SPECIAL.get(ch, ch) for ch in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def identifier(text: str, *, max_len: int = MAX_LEN) -> str:
    """A valid identifier for ``text`` (not yet made unique).

    >>> identifier("Søvnproblemer (min./døgn) + 'stress'")
    'soevnproblemer_min_doegn_stress'
    >>> identifier("42"), identifier("!!!")[:2]
    ('v_42', 'v_')
    """
    name = re.sub(r"[^a-z0-9]+", "_", _ascii(str(text))).strip("_")
    if not name:
        name = "v_" + _digest(str(text))
    elif not name[0].isalpha():
        name = "v_" + name
    if name in RESERVED:
        name += "_var"
    if len(name) > max_len:
        # keep the readable start, make it unique with a digest of the whole text
        name = name[: max_len - 9].rstrip("_") + "_" + _digest(str(text))
    return name


def is_valid(name: str) -> bool:
    """True if ``name`` is a safe identifier (the form :func:`identifier` produces)."""
    return bool(_VALID.match(name)) and len(name) <= MAX_LEN and name not in RESERVED


class Namer:
    """Hands out unique identifiers; ``claim`` the same text twice and get two different names."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self._taken

    def claim(self, text: str, *, prefix: str = "") -> str:
        """A new unique identifier for ``prefix + text``."""
        base = identifier(prefix + str(text))
        name, n = base, 1
        while name in self._taken or name in RESERVED:
            n += 1
            suffix = f"_{n}"
            name = base[: MAX_LEN - len(suffix)].rstrip("_") + suffix
        self._taken.add(name)
        return name
