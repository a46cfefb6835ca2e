"""Simulation results as data, read from any engine, and compared under SDXorg's rule.

:class:`Trajectories` holds a time vector and one array per variable (shape
``(len(time),)`` for one run, ``(len(time), runs)`` for an ensemble). It is what
the native simulator returns and what :func:`from_frame` makes of a pysd run;
:func:`read_canonical` reads the SDXorg test-models' ``output.csv``/``output.tab``.

SDXorg's rule (:func:`compare`): rows are aligned by position, blank canonical
cells are skipped, and a value matches when its relative difference is at most
``rtol`` (1e-4) — or, for canonical values of zero, its absolute difference is at
most ``atol``.

>>> import numpy as np
>>> a = Trajectories(np.array([0.0, 1.0]), {"x": np.array([1.0, 2.0])})
>>> b = Trajectories(np.array([0.0, 1.0]), {"x": np.array([1.0, np.nan])})
>>> compare(a, b).ok, compare(a, b).compared  # two times and one value
(True, 3)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from gmb.errors import FormatError, NotFoundError
from gmb.results import Result, plain

__all__ = ["Comparison", "Trajectories", "compare", "from_frame", "max_relative_difference", "read_canonical"]


@dataclass(frozen=True)
class Trajectories:
    """Time series of named variables: ``time`` and ``values[name]`` (first axis is time).

    Parameters
    ----------
    time : numpy.ndarray
        The times, 1-D.
    values : mapping of str to numpy.ndarray, optional
        Per name, an array whose first axis has ``len(time)`` entries.

    Raises
    ------
    gmb.errors.FormatError
        An array's length differs from ``time``'s.

    Examples
    --------
    >>> import numpy as np
    >>> tr = Trajectories(np.array([0.0, 1.0]), {"x": np.array([1.0, 2.0])})
    >>> tr["x"].tolist(), "x" in tr, tr.names
    ([1.0, 2.0], True, ('x',))
    >>> tr.to_csv().splitlines()
    ['time,x', '0.0,1.0', '1.0,2.0']
    """

    time: np.ndarray
    values: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        time = np.asarray(self.time, dtype=float)
        values = {}
        for name, v in self.values.items():
            arr = np.asarray(v, dtype=float)
            if arr.ndim == 0:
                arr = np.full(len(time), float(arr))
            if arr.shape[0] != len(time):
                raise FormatError(f"{name} has {arr.shape[0]} values for {len(time)} times", field=name)
            values[name] = arr
        object.__setattr__(self, "time", time)
        object.__setattr__(self, "values", MappingProxyType(values))

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.values[name]
        except KeyError:
            raise NotFoundError(f"no variable {name!r} in the results", field="name") from None

    def __contains__(self, name: object) -> bool:
        return name in self.values

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.values)

    def at(self, times: Iterable[float]) -> np.ndarray:
        """Row indices of the saved times nearest to ``times``."""
        return np.array([int(np.argmin(np.abs(self.time - t))) for t in times])

    def to_csv(self, names: Iterable[str] | None = None) -> str:
        """CSV text: a ``time`` column and one column per variable (single runs only)."""
        names = list(names or self.names)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        from gmb.io.safe_cells import neutralise

        w.writerow(["time", *(neutralise(n) for n in names)])  # names come from labels: nothing a spreadsheet runs
        for i, t in enumerate(self.time):
            w.writerow([repr(float(t)), *(repr(float(self.values[n][i])) for n in names)])
        return buf.getvalue()


def from_frame(frame: Any, *, drop: Iterable[str] = ()) -> Trajectories:
    """Trajectories from a pysd result (a pandas DataFrame indexed by time); non-numeric columns are dropped."""
    drop = set(drop)
    values = {}
    for col in frame.columns:
        if col in drop:
            continue
        try:
            values[str(col)] = np.asarray(frame[col].to_numpy(), dtype=float)
        except (TypeError, ValueError):
            continue  # lookups and other non-numeric outputs
    return Trajectories(np.asarray(frame.index, dtype=float), values)


def read_canonical(path: str | Path) -> Trajectories:
    """An SDXorg canonical output (``.csv`` or tab-separated ``.tab``; any line ending; blanks → NaN).

    Parameters
    ----------
    path : str or pathlib.Path
        The file, with a ``Time`` column.

    Returns
    -------
    Trajectories
        One series per column besides ``Time``.

    Raises
    ------
    gmb.errors.FormatError
        The file is empty, has no ``Time`` column or a cell that is not a number.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "output.csv"
    >>> _ = path.write_text(chr(10).join(["Time,Stock", "0,100", "1,90"]), encoding="utf-8")
    >>> read_canonical(path)["Stock"].tolist()
    [100.0, 90.0]
    """
    from gmb.files import read_text

    path = Path(path)
    text = read_text(path)
    lines = [ln for ln in text.splitlines() if ln.strip()]  # old files end lines with a bare CR
    if not lines:
        raise FormatError("empty results file", file=str(path))
    delimiter = "\t" if "\t" in lines[0] else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    time_col = next((i for i, h in enumerate(header) if h.lower() == "time"), None)
    if time_col is None:
        raise FormatError("no 'Time' column", file=str(path), line=1)
    data = np.full((len(rows) - 1, len(header)), np.nan)
    for r, row in enumerate(rows[1:]):
        for c, cell in enumerate(row[: len(header)]):
            cell = cell.strip()
            if cell:
                try:
                    data[r, c] = float(cell)
                except ValueError:
                    raise FormatError(f"not a number: {cell!r}", file=str(path), line=r + 2, field=header[c]) from None
    values = {h: data[:, c] for c, h in enumerate(header) if c != time_col and h}
    return Trajectories(data[:, time_col], values)


@dataclass(frozen=True)
class Comparison(Result):
    """Outcome of :func:`compare`: how many cells were compared, and the ones that differ.

    A typed, frozen result (:class:`gmb.results.Result`): ``to_dict()`` / ``to_json()`` give ``ok``,
    ``compared``, ``columns``, ``missing`` and ``mismatches`` (``[column, row, actual, canonical]``);
    ``to_frame()`` has one row per mismatching cell.

    Parameters
    ----------
    compared : int
        Cells compared.
    columns : tuple of str
        Columns matched.
    missing : tuple of str
        Columns of the canonical output missing from the run.
    mismatches : tuple of (str, int, float, float)
        ``(column, row, actual, canonical)`` per cell outside the tolerance.

    Examples
    --------
    >>> c = Comparison(4, ("time", "x"), (), (("x", 1, 2.5, 2.0),))
    >>> c.ok, c.to_frame().to_dict("records")
    (False, [{'column': 'x', 'row': 1, 'actual': 2.5, 'canonical': 2.0}])
    """

    compared: int
    columns: tuple[str, ...]
    missing: tuple[str, ...]
    mismatches: tuple[tuple[str, int, float, float], ...]  # (column, row, actual, canonical)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.missing

    def _items(self) -> Iterator[tuple[str, Any]]:
        yield "ok", self.ok
        yield from super()._items()

    def _rows(self) -> list[dict[str, Any]]:
        return [dict(zip(("column", "row", "actual", "canonical"), m, strict=True)) for m in plain(self.mismatches)]


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).lower()


def compare(actual: Trajectories, canonical: Trajectories, *, rtol: float = 1e-4, atol: float = 1e-10) -> Comparison:
    """Compare ``actual`` with ``canonical`` under SDXorg's rule (see the module docstring).

    Column names match case-insensitively with spaces and underscores equal (as
    XMILE and Vensim compare names); ``Time`` is compared too.

    Parameters
    ----------
    actual, canonical : Trajectories
        The run and the expected output.
    rtol, atol : float, optional
        Relative and absolute tolerance per cell.

    Returns
    -------
    Comparison
        Cells compared, columns matched, columns ``missing`` from ``actual``, the ``mismatches``;
        ``ok`` is True when nothing differs or is missing.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([0.0, 1.0])
    >>> c = compare(Trajectories(t, {"my_stock": np.array([1.0, 2.0])}),
    ...             Trajectories(t, {"My Stock": np.array([1.0, 2.5])}))
    >>> c.ok, c.mismatches
    (False, (('My Stock', 1, 2.0, 2.5),))
    """
    by_norm = {_norm(n): n for n in actual.names}
    columns, missing, mismatches = [], [], []
    compared = 0
    pairs = [("time", actual.time, canonical.time)]
    for name in canonical.names:
        key = by_norm.get(_norm(name))
        if key is None:
            missing.append(name)
            continue
        pairs.append((name, actual[key], canonical[name]))
    for name, a, c in pairs:
        n = len(c)
        if len(a) < n:
            missing.append(f"{name} (only {len(a)} of {n} rows)")
            continue
        a = np.asarray(a[:n], dtype=float)
        keep = ~np.isnan(c)
        diff = np.abs(a - c)
        bad = keep & ~((diff <= rtol * np.abs(c)) | (diff <= atol))
        compared += int(keep.sum())
        columns.append(name)
        mismatches.extend((name, int(i), float(a[i]), float(c[i])) for i in np.flatnonzero(bad)[:5])
    return Comparison(compared, tuple(columns), tuple(missing), tuple(mismatches))


def max_relative_difference(a: Trajectories, b: Trajectories, names: Iterable[str] | None = None) -> dict[str, float]:
    """``max |a - b| / max(|b|, tiny)`` per variable (rows aligned by position)."""
    out = {}
    for name in names or a.names:
        x, y = a[name], b[name]
        n = min(len(x), len(y))
        x, y = x[:n], y[:n]
        out[name] = float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300))) if n else 0.0
    return out
