"""Summaries of many runs that can be built chunk by chunk and merged in a fixed order.

:class:`Sketch` summarises the values of many *cells* (e.g. scenario × variable ×
time) over runs without keeping the runs:

* ``n``, mean, variance (Chan et al.'s pairwise update), min and max — exact;
* quantiles — approximate: each chunk keeps its quantiles on a grid of ``G``
  probabilities; merging two sketches mixes their (piecewise-linear) CDFs and
  puts the result back on the grid. A chunk's sketch is within ``1/(G-1)`` of its
  data's CDF (plus ``1/n`` for the discrete quantile); each merge adds at most
  ``1/(G-1)``. :attr:`Sketch.rank_error` states the bound for the result: a
  reported 5th percentile is a value whose true rank is within that of 5 %.

Where every value is kept (:func:`exact_quantiles`) percentiles are exact.

>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(4000, 2))
>>> parts = [Sketch.of(x[i:i + 1000]) for i in range(0, 4000, 1000)]
>>> s = merge_all(parts)
>>> s.n, bool(np.allclose(s.mean, x.mean(axis=0)))
(4000, True)
>>> true = np.quantile(x, 0.9, axis=0)
>>> ranks = (x <= s.quantile(0.9)).mean(axis=0)
>>> bool(np.all(np.abs(ranks - 0.9) <= s.rank_error)), s.rank_error < 0.01
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["GRID", "Sketch", "exact_quantiles", "merge_all"]

#: quantile grid points a sketch keeps
GRID = 1001


@dataclass(frozen=True, eq=False)
class Sketch:
    """A mergeable summary of ``n`` runs for an array of cells (see the module docstring)."""

    n: int
    mean: np.ndarray
    m2: np.ndarray  # sum of squared deviations from the mean
    min: np.ndarray
    max: np.ndarray
    q: np.ndarray  # (G, *cells): quantiles at probabilities linspace(0, 1, G)
    depth: int = 0  # merges on the longest path to this sketch

    @classmethod
    def of(cls, values: np.ndarray, grid: int = GRID) -> Sketch:
        """Sketch of ``values`` shaped ``(runs, *cells)`` (non-finite values are ignored by the quantiles)."""
        values = np.asarray(values, dtype=float)
        n = values.shape[0]
        with np.errstate(invalid="ignore"):
            mean = values.mean(axis=0)
            m2 = ((values - mean) ** 2).sum(axis=0)
        q = np.nanquantile(np.where(np.isfinite(values), values, np.nan), np.linspace(0, 1, grid), axis=0)
        return cls(n, mean, m2, values.min(axis=0), values.max(axis=0), q, 0)

    @property
    def grid(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, self.q.shape[0])

    @property
    def std(self) -> np.ndarray:
        return np.sqrt(self.m2 / max(self.n - 1, 1))

    @property
    def rank_error(self) -> float:
        """Bound on the rank error of :meth:`quantile` (see the module docstring)."""
        return (self.depth + 1) / (self.q.shape[0] - 1) + 1.0 / max(self.n, 1)

    def quantile(self, p: float | Sequence[float]) -> np.ndarray:
        """Approximate quantile(s) ``p`` of every cell (leading axis for a sequence of ``p``)."""
        p = np.asarray(p, dtype=float)
        flat = self.q.reshape(self.q.shape[0], -1)
        out = np.empty((p.size, flat.shape[1]))
        for c in range(flat.shape[1]):
            out[:, c] = np.interp(p.ravel(), self.grid, flat[:, c])
        return out.reshape(p.shape + self.q.shape[1:])

    def merge(self, other: Sketch) -> Sketch:
        """The sketch of both sets of runs."""
        n = self.n + other.n
        delta = other.mean - self.mean
        with np.errstate(invalid="ignore"):
            mean = self.mean + delta * (other.n / n)
            m2 = self.m2 + other.m2 + delta**2 * (self.n * other.n / n)
        grid = self.grid
        a = self.q.reshape(len(grid), -1)
        b = other.q.reshape(len(grid), -1)
        q = np.empty_like(a)
        wa, wb = self.n / n, other.n / n
        for c in range(a.shape[1]):
            qa, qb = a[:, c], b[:, c]
            if np.isnan(qa).any() or np.isnan(qb).any():
                q[:, c] = qb if np.isnan(qa).any() else qa
                continue
            xs = np.union1d(qa, qb)
            F = wa * _cdf(xs, qa, grid) + wb * _cdf(xs, qb, grid)
            q[:, c] = _inverse(grid, F, xs)
        return Sketch(n, mean, m2, np.minimum(self.min, other.min), np.maximum(self.max, other.max),
                      q.reshape(self.q.shape), max(self.depth, other.depth) + 1)  # fmt: skip


def _cdf(x: np.ndarray, q: np.ndarray, grid: np.ndarray) -> np.ndarray:
    # the piecewise-linear CDF through (q_j, p_j); flat runs of equal q take their largest p
    uq, last = np.unique(q[::-1], return_index=True)
    p_at = grid[::-1][last]
    return np.interp(x, uq, p_at, left=0.0, right=1.0)


def _inverse(grid: np.ndarray, F: np.ndarray, xs: np.ndarray) -> np.ndarray:
    # smallest x with F(x) >= p, interpolating between the breakpoints
    F = np.maximum.accumulate(F)
    out = np.interp(grid, F, xs)
    out[0], out[-1] = xs[0], xs[-1]
    return out


def merge_all(sketches: Sequence[Sketch]) -> Sketch:
    """Merge in a fixed order as a balanced tree (so the rank error grows with log2 of the count)."""
    items = list(sketches)
    if not items:
        raise ValueError("nothing to merge")
    while len(items) > 1:
        items = [items[i].merge(items[i + 1]) if i + 1 < len(items) else items[i] for i in range(0, len(items), 2)]
    return items[0]


def exact_quantiles(values: np.ndarray, p: Sequence[float]) -> np.ndarray:
    """Exact quantiles over the first axis (numpy's linear interpolation), ignoring non-finite values."""
    values = np.asarray(values, dtype=float)
    return np.nanquantile(np.where(np.isfinite(values), values, np.nan), np.asarray(p), axis=0)
