"""Names of a package loaded on first use (PEP 562), so importing the package stays cheap.

>>> getattr_, dir_, names = lazy_names("demo", {"json": ("dumps",)}, {})
>>> names, getattr_("dumps")({"a": 1})
(['dumps'], '{"a": 1}')
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, Mapping, Sequence

__all__ = ["lazy_names"]


def lazy_names(
    package: str, where: Mapping[str, Sequence[str]], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, names)`` for a package exporting ``where`` ({module: names}).

    A name is imported from its module the first time it is asked for and then kept in
    ``namespace`` (the package's globals), so later look-ups are plain attribute reads.
    """
    module_of = {name: module for module, names in where.items() for name in names}
    names = [name for names in where.values() for name in names]

    def getattr_(name: str) -> Any:
        if name in module_of:
            value = getattr(import_module(module_of[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted({*namespace, *names})

    return getattr_, dir_, names
