"""How formats write a link's sign and a yes/no cell: the spellings every reader accepts.

Kept apart from :mod:`gmb.io.build` because they are pure value parsing (no builder state): the
builder, the CSV readers and the tests use :func:`polarity_of` and :func:`truthy` on their own.

>>> polarity_of("opposite"), truthy("ja")
('-', True)
"""

from __future__ import annotations

from typing import Any

__all__ = ["NEGATIVE", "POSITIVE", "polarity_of", "truthy"]

#: sign spellings read as ``+`` / ``-`` (lowercase, spaces removed): symbols, Kumu's ``++ -- +- -+``
#: (how the cause moves, how the effect moves), s/o, same/opposite, positive/negative, +ve/-ve
POSITIVE = frozenset(
    {
        "+",
        "+1",
        "1",
        "++",
        "--",
        "−−",
        "positive",
        "pos",
        "same",
        "s",
        "p",
        "+ve",
        "ve+",
        "plus",
        "increase",
        "increases",
        "reinforcing",
    }
)
NEGATIVE = frozenset(
    {
        "-",
        "−",
        "-1",
        "+-",
        "-+",
        "+−",
        "−+",
        "negative",
        "neg",
        "opposite",
        "o",
        "n",
        "-ve",
        "−ve",
        "minus",
        "decrease",
        "decreases",
        "inverse",
    }
)


def polarity_of(value: Any) -> str:
    """``+``/``-``/``?`` from the many ways tools write a sign; anything unclear is ``?``.

    >>> [polarity_of(v) for v in ("++", "--", "+-", "-+", "S", "opposite", "+ve", "-VE", 2, "maybe")]
    ['+', '+', '-', '-', '+', '-', '+', '-', '+', '?']
    """
    if isinstance(value, bool) or value is None:
        return "?"
    if isinstance(value, (int, float)):
        return "+" if value > 0 else "-" if value < 0 else "?"
    text = "".join(str(value).split()).lower()
    if text in POSITIVE:
        return "+"
    if text in NEGATIVE:
        return "-"
    return "?"


def truthy(value: Any) -> bool:
    """A yes/no cell or attribute: ``True``, ``"yes"``, ``"x"``, ``"||"``, ``1``… are yes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value or "").strip().lower() in {"yes", "y", "true", "1", "x", "||", "delay", "delayed", "ja", "j"}
