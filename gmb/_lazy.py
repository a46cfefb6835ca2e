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

__all__ = ["lazy_names", "shadow_subpackages"]


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


def shadow_subpackages(package: str, getattr_: Callable[[str], Any], names: Sequence[str]) -> None:
    """Make ``package.NAME`` always the exported object ``NAME``, never the subpackage of that name.

    ``gmb.simulate`` is both a function (the public API) and a subpackage. Importing any
    ``gmb.simulate.*`` module makes Python set the attribute ``simulate`` on ``gmb`` to the
    subpackage, so without this a plain attribute read answered the function or the module
    depending on what was imported first. A property on the package's module class wins over
    that assignment: the import system's ``setattr`` of a submodule is ignored (the subpackage
    stays in :data:`sys.modules` and ``from gmb.simulate import …`` works as before), while any
    other assignment (a test's ``monkeypatch``) is honoured.
    """
    module = sys.modules[package]
    overrides: dict[str, Any] = {}

    def make(name: str) -> property:
        def get(self: types.ModuleType) -> Any:
            return overrides[name] if name in overrides else getattr_(name)

        def set_(self: types.ModuleType, value: Any) -> None:
            if isinstance(value, types.ModuleType) and value.__name__ == f"{package}.{name}":
                return  # the import system announcing the subpackage
            overrides[name] = value

        def delete(self: types.ModuleType) -> None:
            overrides.pop(name, None)

        return property(get, set_, delete, doc=f"{package}.{name} (the exported object, not the subpackage)")

    cls = type(f"{package}.<package>", (type(module),), {name: make(name) for name in names})
    module.__class__ = cls
