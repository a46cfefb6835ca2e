"""Names of a package loaded on first use (PEP 562), so importing the package stays cheap.

>>> getattr_, dir_, names = lazy_names("demo", {"json": ("dumps",)}, {})
>>> names, getattr_("dumps")({"a": 1})
(['dumps'], '{"a": 1}')
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

__all__ = ["callable_module", "lazy_names"]


def lazy_names(
    package: str, where: Mapping[str, Sequence[str]], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, names)`` for a package exporting ``where`` ({module: names}).

    A name is imported from its module the first time it is asked for and then kept in
    ``namespace`` (the package's globals), so later look-ups are plain attribute reads. A name
    listed under its own subpackage (``"gmb.simulate": ("simulate", …)``) is that subpackage,
    which is what Python's import system sets it to anyway (see :func:`callable_module`).
    """
    module_of = {name: module for module, names in where.items() for name in names}
    names = [name for names in where.values() for name in names]

    def getattr_(name: str) -> Any:
        if name in module_of:
            module = import_module(module_of[name])
            value = module if module.__name__ == f"{package}.{name}" else getattr(module, name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted({*namespace, *names})

    return getattr_, dir_, names


def callable_module(name: str, function: Callable[..., Any]) -> None:
    """Make module ``name`` callable as ``function``: ``gmb.simulate(model)`` runs :func:`simulate`.

    ``gmb.simulate`` is both the public function and a subpackage. Python sets the attribute
    ``simulate`` on ``gmb`` to the subpackage as soon as any ``gmb.simulate.*`` module is imported,
    so a lazily loaded *function* of that name was replaced by the module depending on what was
    imported first. Instead ``gmb.simulate`` is always the subpackage, and the subpackage is
    callable: every import order, ``import gmb.simulate.engine_numba as e`` and
    ``from gmb import simulate`` give the same object. ``inspect.signature`` follows
    ``__wrapped__`` to the function's parameters.
    """
    module = sys.modules[name]

    def __call__(self: types.ModuleType, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    module.__class__ = type(f"{name}.<callable>", (types.ModuleType,), {"__call__": __call__})
    module.__wrapped__ = function
