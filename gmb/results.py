"""Typed, frozen answers: the base of every result a public function returns (:func:`gmb.rank_ideas`,
:func:`gmb.attribute`, :func:`gmb.fan_charts`, :func:`gmb.sobol` …).

A :class:`Result` is a frozen dataclass with typed fields, and three views of itself:

* :meth:`Result.to_dict` — JSON-ready plain data: lists, floats, ints, str, bool and ``None``
  (no numpy values, no private ``_`` keys, a non-finite float becomes ``None``), its keys in the
  fields' order (optional parts left out when absent, big arrays left out with the reason in
  their class's docstring);
* :meth:`Result.to_json` — that dict as JSON text (UTF-8, non-ASCII letters kept as written,
  the same bytes every run);
* :meth:`Result.to_frame` — a :class:`pandas.DataFrame` of the result's main table (pandas is
  imported only then).

**Kept for compatibility**: a result is also a read-only mapping over :meth:`to_dict`'s keys, whose
values are the fields as computed (numpy arrays and ``nan`` included) — the dict the functions
returned before they returned typed results, so ``res["ideas"]`` and ``dict(res)`` keep working.
Nested tables are the plain dicts and lists the function built; only the top level is frozen.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, eq=False)
... class Pair(Result):
...     name: str
...     value: float
>>> p = Pair("æble", float("nan"))
>>> p.to_dict(), p.to_json(), p["name"]
({'name': 'æble', 'value': None}, '{"name": "æble", "value": null}', 'æble')
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Self

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OPTIONAL", "Result", "hidden", "plain"]


#: a field's ``metadata`` for a part the function adds only when asked: left out of :meth:`Result.to_dict`
#: when ``None`` (``settled: dict | None = field(default=None, metadata=OPTIONAL)``)
OPTIONAL: Mapping[str, Any] = MappingProxyType({"optional": True})


def hidden(key: str | None = None, why: str = "") -> Mapping[str, Any]:
    """A field's ``metadata`` for a value left out of :meth:`Result.to_dict` (and the mapping view), e.g. a
    large array: ``key`` is its key in the dict the function used to return (e.g. ``"_phi"``), ``why`` the reason
    (say it in the class's docstring too).

    Examples
    --------
    >>> from dataclasses import dataclass, field
    >>> @dataclass(frozen=True, eq=False)
    ... class Two(Result):
    ...     a: int
    ...     draws: list = field(metadata=hidden("_draws", "too many numbers"))
    ...     b: list | None = field(default=None, metadata=OPTIONAL)
    >>> Two(1, [0.5]).to_dict(), Two(1, [0.5], [2]).to_dict(), Two.from_dict({"a": 1, "_draws": []}).draws
    ({'a': 1}, {'a': 1, 'b': [2]}, [])
    """
    return MappingProxyType({"key": key, "in_dict": False, "why": why})


def plain(value: Any) -> Any:
    """``value`` as plain JSON data: numpy values and arrays to Python numbers and lists, tuples to lists,
    private (``_``) keys dropped, non-finite floats to ``None``, results to their :meth:`~Result.to_dict`.

    >>> import numpy as np
    >>> plain({"a": np.float64(1.5), "b": np.array([1, 2]), "_c": 3, "d": (float("inf"), None)})
    {'a': 1.5, 'b': [1, 2], 'd': [None, None]}
    """
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy arrays and scalars, without importing numpy
        return plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclasses.dataclass(frozen=True, eq=False)
class Result(Mapping[str, Any]):
    """Base of the typed, frozen answers (see the module docstring).

    Subclasses are ``@dataclass(frozen=True, eq=False, repr=False)`` with typed fields (declared with
    :data:`OPTIONAL` or :func:`hidden` metadata when they are not plain fields) and name their main table in ``_table``.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True, eq=False)
    ... class Rows(Result):
    ...     _table: ClassVar[str] = "rows"
    ...     rows: list
    >>> r = Rows([{"idea": "a", "effect": 1.0}, {"idea": "b", "effect": 2.0}])
    >>> r.to_frame()["effect"].tolist(), list(r), len(r)
    ([1.0, 2.0], ['rows'], 1)
    """

    #: the field holding the main table (:meth:`to_frame`)
    _table: ClassVar[str | None] = None
    #: the column that becomes the frame's index, when present
    _index: ClassVar[str | None] = None

    def _items(self) -> Iterator[tuple[str, Any]]:
        """The public (key, raw value) pairs, in the fields' order."""
        for f in dataclasses.fields(self):
            if not f.metadata.get("in_dict", True):
                continue
            value = getattr(self, f.name)
            if value is None and f.metadata.get("optional"):
                continue
            yield f.metadata.get("key") or f.name, value

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready plain data (see :func:`plain`), keys in the fields' order."""
        return {k: plain(v) for k, v in self._items()}

    def to_json(self, indent: int | None = None) -> str:
        """:meth:`to_dict` as JSON text: UTF-8 (``ensure_ascii=False``), deterministic, strict (no ``NaN``)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)

    def _rows(self) -> list[dict[str, Any]]:
        """The main table as a list of flat-ish rows (subclasses with a different shape override this)."""
        if self._table is None:
            return [self.to_dict()]
        table = plain(self[self._table])
        if isinstance(table, dict):
            return [{"key": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in table.items()]
        return list(table)

    def to_frame(self) -> pd.DataFrame:
        """A :class:`pandas.DataFrame` view of the main table: one row per item, nested dicts flattened
        into ``outer.inner`` columns (:func:`pandas.json_normalize`), lists kept as cells."""
        import pandas as pd

        rows = self._rows()
        frame = pd.json_normalize(rows) if rows else pd.DataFrame()
        if self._index and self._index in frame.columns:
            frame = frame.set_index(self._index)
        return frame

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The result from the dict shape its function used to return (private keys included).

        Every key must be a field's (its name or its ``key``); a field missing from ``data`` takes its default.
        """
        keys = {f.metadata.get("key") or f.name: f.name for f in dataclasses.fields(cls)}
        unknown = [k for k in data if k not in keys]
        if unknown:
            raise TypeError(f"{cls.__name__} has no field for {unknown}")
        return cls(**{keys[k]: v for k, v in data.items()})

    # -- the read-only mapping view, kept for compatibility (the old dict's shape) --
    def __getitem__(self, key: str) -> Any:
        for k, v in self._items():
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items())

    def __len__(self) -> int:
        return sum(1 for _ in self._items())

    def __repr__(self) -> str:
        """The class and its keys (the values can be long: use :meth:`to_dict` or :meth:`to_frame` to see them)."""
        return f"{type(self).__name__}({', '.join(k for k, _ in self._items())})"
