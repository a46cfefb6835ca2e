"""The equation of each element in the two file dialects, XMILE and Vensim.

Both writers go through :func:`equation`, so the two files cannot drift apart;
the order of operations is the reference simulator's (products left to right,
``(indicated - stock) / tau + inflow``), so results agree to round-off.

>>> from gmb.stockflow.model import Effect, Smooth
>>> e = Effect("e", link="L1", source="a", elasticity="k", sign=-1, cause="a", target="b", lookup="sat")
>>> equation(e, "xmile"), equation(Smooth("s", source="a", delay_time="d", order=3), "vensim")
('sat(a ^ (-k))', 'SMOOTH3I(a, d, 1.0)')
"""

from __future__ import annotations

from typing import Literal

from gmb.stockflow.model import Element

__all__ = ["equation", "number", "saturated"]

Dialect = Literal["xmile", "vensim"]


def number(x: float) -> str:
    """A float literal that reads back exactly (``repr``), always with a point or exponent.

    Always a float on purpose: pysd stores a SMOOTH's stages in an array of its
    initial value's type, so an integer ``1`` makes an integer array and the
    first step's input is truncated (tests/test_stockflow_pysd.py shows it).

    >>> number(6), number(0.45), number(1e-20)
    ('6.0', '0.45', '1e-20')
    """
    return repr(float(x))


def saturated(product: str, b: str) -> str:
    """``exp(b·tanh(ln(product)/b))`` in functions both dialects (and pysd) have: only ``^`` and ``EXP``.

    With ``q = p^(1/b)``, ``tanh(ln p / b) = (q - 1/q) / (q + 1/q)``. Written with both powers
    (not ``(q² - 1)/(q² + 1)``) so that ``p = 0`` gives NaN (or an error), as in the native engines,
    instead of the floor ``e^-b``; a negative ``p`` has no real power either. The reference
    simulator evaluates the same expression in the same order.

    >>> saturated("a * b", "sat")
    'EXP(sat * ((a * b) ^ (1 / sat) - (a * b) ^ (-1 / sat)) / ((a * b) ^ (1 / sat) + (a * b) ^ (-1 / sat)))'
    """
    up, down = f"({product}) ^ (1 / {b})", f"({product}) ^ (-1 / {b})"
    return f"EXP({b} * ({up} - {down}) / ({up} + {down}))"


def equation(el: Element, dialect: Dialect) -> str:
    """The right-hand side of ``el`` in ``dialect`` (a stock's is its initial value)."""
    kind = el.kind
    if kind == "constant":
        return number(el.value)
    if kind == "input":
        if el.shape is not None and hasattr(el.shape, "equation"):  # issue 6: time shapes
            return el.shape.equation(el, dialect)
        return number(el.constant)
    if kind == "smooth":
        if dialect == "xmile":
            return f"SMTH{el.order}({el.source}, {el.delay_time}, {number(el.initial)})"
        return f"SMOOTH{'3' if el.order == 3 else ''}I({el.source}, {el.delay_time}, {number(el.initial)})"
    if kind == "effect":
        power = f"{el.source} ^ ({'-' if el.sign < 0 else ''}{el.elasticity})"
        return f"{el.lookup}({power})" if el.lookup else power
    if kind == "auxiliary":
        terms = [*([el.input] if el.input else []), *el.factors]
        product = " * ".join(terms) if terms else "1"
        return saturated(product, el.saturation) if el.saturation else product
    if kind == "flow":
        gap = f"({el.indicated} - {el.stock}) / {el.adjustment_time}"
        return f"{gap} + {el.input}" if el.input else gap
    if kind == "stock":
        return number(el.initial)
    raise ValueError(f"no equation for a {kind}")
