"""XMILE right-hand sides as numpy functions, read safely (no ``eval``): the equations LTM scores.

Loop dominance (:mod:`gmb.simulate.ltm`) must evaluate each element with only one
of its causes moved. To work for any formulation the converter writes — power or
bounded effects today, other response shapes tomorrow — it reads the element's own
XMILE equation (:func:`gmb.stockflow.equations.equation`, the text pysd and Simlin
run) rather than a copy of one shape's formula. The text is parsed with Python's
``ast`` module after ``^`` becomes ``**``; only numbers, names, ``+ - * / **``,
comparisons and a short list of functions are accepted, anything else is a
:class:`~gmb.errors.SimulationError` naming the element.

>>> f = parse("sat(a ^ (-k)) * EXP(b)", lookups={"sat": ((0.0, 2.0), (0.0, 2.0))})
>>> sorted(f.names)
['a', 'b', 'k']
>>> float(f({"a": 2.0, "k": 1.0, "b": 0.0}))
0.5
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gmb.errors import SimulationError

__all__ = ["FUNCTIONS", "Expression", "parse"]

#: the XMILE builtins an equation may call (names are case-insensitive)
FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "exp": np.exp, "ln": np.log, "log10": np.log10, "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh,
    "sin": np.sin, "cos": np.cos, "min": np.minimum, "max": np.maximum, "int": np.floor,
}  # fmt: skip

_BIN = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide, ast.Pow: np.power}
_CMP = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
        ast.Eq: np.equal, ast.NotEq: np.not_equal}  # fmt: skip


@dataclass(frozen=True)
class Expression:
    """A parsed right-hand side: call it with ``{name: value}`` (numbers or arrays that broadcast)."""

    text: str
    names: frozenset[str]
    _fn: Callable[[Mapping[str, Any]], Any]

    def __call__(self, values: Mapping[str, Any]) -> Any:
        return self._fn(values)


def parse(text: str, *, lookups: Mapping[str, Sequence[Sequence[float]]] | None = None,
          element: str = "") -> Expression:  # fmt: skip
    """Parse one XMILE right-hand side; ``lookups`` maps a graphical function's name to its (xs, ys)."""
    lookups = {k: (np.asarray(v[0], float), np.asarray(v[1], float)) for k, v in (lookups or {}).items()}
    source = re.sub(r"\^", "**", text)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        raise SimulationError(f"cannot read the equation {text!r}", field=element or "equation") from None
    names: set[str] = set()

    def bad(node: ast.AST) -> SimulationError:
        return SimulationError(f"the equation {text!r} uses {ast.dump(node)[:60]}, which loop dominance cannot read",
                               field=element or "equation", hint="numbers, names, + - * / ^ and " + ", ".join(FUNCTIONS))  # fmt: skip

    def build(node: ast.AST) -> Callable[[Mapping[str, Any]], Any]:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            value = float(node.value)
            return lambda v: value
        if isinstance(node, ast.Name):
            name = node.id
            names.add(name)
            return lambda v: v[name]
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            op, a, b = _BIN[type(node.op)], build(node.left), build(node.right)
            return lambda v: op(a(v), b(v))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            a = build(node.operand)
            return (lambda v: -a(v)) if isinstance(node.op, ast.USub) else a
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP:
            op, a, b = _CMP[type(node.ops[0])], build(node.left), build(node.comparators[0])
            return lambda v: op(a(v), b(v)).astype(float)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            fname = node.func.id
            args = [build(a) for a in node.args]
            if fname in lookups and len(args) == 1:
                xs, ys = lookups[fname]
                return lambda v: np.interp(args[0](v), xs, ys)
            fn = FUNCTIONS.get(fname.lower())
            if fn is not None:
                if fname.lower() in ("min", "max") and len(args) == 2:
                    return lambda v: fn(args[0](v), args[1](v))
                if len(args) == 1:
                    return lambda v: fn(args[0](v))
        raise bad(node)

    fn = build(tree.body)
    return Expression(text, frozenset(names), fn)
