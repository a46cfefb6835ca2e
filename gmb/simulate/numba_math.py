"""Fast ``exp``, ``log`` and ``tanh`` for numba kernels, and their array versions (for tests).

numba calls the C library for ``math.exp``/``math.log`` one number at a time, which
stops the loops of :mod:`gmb.simulate.engine_numba` from being vectorised; these
versions (:func:`fexp`, :func:`flog`) are plain arithmetic (range reduction +
polynomial: a Chebyshev fit for exp, fdlibm's minimax polynomial for log), accurate
to a few ulp (relative error < 1e-15 over the double range; tested against numpy),
and vectorise. The short series the kernel uses near its states' resting values
(``expm1``, ``log1p``, ``tanh``) and the lookup interpolation are here too.

They live apart from the kernel so that the engine module holds the simulation
and this one the numerics; the kernel imports them as module globals, so numba
inlines them (``inline="always"``) and its cache (:mod:`gmb._cache`) keeps working.
numba is first imported here, after the cache folder is set (the engine imports this module).

>>> import numpy as np
>>> x = np.array([-700.0, -1.5, 0.0, 1e-300, 2.0, 700.0])
>>> bool(np.allclose(vexp(x), np.exp(x), rtol=1e-15, atol=0))
True
>>> y = np.array([1e-300, 0.5, 1.0, 3.0, 1e300])
>>> bool(np.allclose(vlog(y), np.log(y), rtol=1e-15, atol=1e-300))
True
"""

from __future__ import annotations

import math

import numpy as np

from gmb._cache import configure_numba_cache

__all__ = ["available", "fexp", "flog", "vexp", "vlog", "vtanh"]

configure_numba_cache()  # compiled kernels go to the user's cache folder, not into the installed package

try:  # numba is a dependency; without it (a broken install) the numpy engine runs
    import numba
    from numba.core import types
    from numba.extending import intrinsic

    _HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised where numba is absent
    _HAVE_NUMBA = False


def available() -> bool:
    """Whether numba is installed (the engine then uses this kernel by default)."""
    return _HAVE_NUMBA


_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.4426950408889634
_SQRT2 = 1.4142135623730951
# a stock moves by u -> u + log1p(k expm1(d)) (u = log S, d = log S* - u, k = dt/tau); short series suffice
# where |d| <= _D_MAX and |k expm1(d)| <= _X_MAX, elsewhere (per run) the general formula runs
_D_MAX, _X_MAX = 0.2, 0.02
# the saturating shape's tanh: a short series where |y / B| <= _T_MAX, elsewhere (per run) one exp and a division
_T_MAX = 0.2
# exp: Chebyshev fit of degree 10 on [-ln2/2, ln2/2] (max relative error 7e-16, tested)
_E1, _E2, _E3, _E4, _E5 = (
    1.0000000000000075,
    0.49999999999998795,
    0.16666666666543695,
    0.04166666666757002,
    0.008333333389410186,
)
_E6, _E7, _E8, _E9, _E10 = (
    0.001388888866419638,
    0.00019841165525412161,
    2.4801793764461022e-05,
    2.764215496234068e-06,
    2.751861421104518e-07,
)
# log: fdlibm's (Sun Microsystems, 1993) minimax coefficients of R(z) for log(1+f), |error| < 2**-58.45
_LG1, _LG2, _LG3, _LG4 = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
)
_LG5, _LG6, _LG7 = 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01

if _HAVE_NUMBA:
    import os

    # cache compiled code next to this file (or per user); GMB_NO_CACHE=1 to inspect fresh builds
    _OPTS = {
        "error_model": "numpy",
        "cache": not os.environ.get("GMB_NO_CACHE"),
        "nogil": True,
        "fastmath": {"contract"},
    }

    @intrinsic
    def _i2f(typingctx, x):  # reinterpret the bits of an int64 as a float64
        sig = types.float64(types.int64)

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.float64))

        return sig, codegen

    @intrinsic
    def _f2i(typingctx, x):  # reinterpret the bits of a float64 as an int64
        sig = types.int64(types.float64)

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.int64))

        return sig, codegen

    @numba.njit(inline="always", **_OPTS)
    def _fexp_fast(x):
        """e**x without the special cases (inf, underflow to 0): x = k ln2 + r, |r| <= ln2/2; a degree-10
        polynomial (Chebyshev fit) in r; times 2**k. The kernel guards its states instead."""
        xc = min(max(x, -745.2), 709.79)
        kf = math.floor(xc * _INV_LN2 + 0.5)
        r = (xc - kf * _LN2_HI) - kf * _LN2_LO
        r2 = r * r
        # Estrin-style: two half-length chains in r**2 run in parallel
        even = _E10 * r2 + _E8
        even = even * r2 + _E6
        even = even * r2 + _E4
        even = even * r2 + _E2
        even = even * r2 + 1.0
        odd = _E9 * r2 + _E7
        odd = odd * r2 + _E5
        odd = odd * r2 + _E3
        odd = odd * r2 + _E1
        p = even + r * odd
        k = np.int64(kf)
        k1 = k >> 1  # 2**k in two factors, each a normal number, so results near the limits stay exact
        return p * _i2f((k1 + 1023) << 52) * _i2f((k - k1 + 1023) << 52)

    @numba.njit(inline="always", **_OPTS)
    def fexp(x):
        """e**x: :func:`_fexp_fast` (inlined by numba, so no call) with numpy's special cases."""
        out = _fexp_fast(x)
        out = np.inf if x > 709.782712893384 else out
        out = 0.0 if x < -745.2 else out
        return out if x == x else x  # noqa: PLR0124 - NaN test, branch-free in the kernel

    @numba.njit(inline="always", **_OPTS)
    def flog(x):
        """log x: x = m 2**e, m in [sqrt(1/2), sqrt(2)); log m = 2s + s R(s**2), s = (m-1)/(m+1) (fdlibm's R)."""
        tiny = x < 2.2250738585072014e-308  # subnormal (or <= 0): scale into the normal range first
        xs = x * 18014398509481984.0 if tiny else x  # 2**54
        bits = _f2i(xs)
        e = ((bits >> 52) & 0x7FF) - 1023
        e = e - 54 if tiny else e
        m = _i2f((bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000)
        big = m > _SQRT2
        m = m * 0.5 if big else m
        e = e + 1 if big else e
        f = m - 1.0
        s = f / (m + 1.0)
        z = s * s
        w = z * z
        t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
        t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
        hfsq = 0.5 * f * f
        ef = float(e)
        out = ef * _LN2_HI - ((hfsq - (s * (hfsq + t1 + t2) + ef * _LN2_LO)) - f)
        out = out if x > 0.0 else (-np.inf if x == 0.0 else np.nan)  # as numpy: log 0 = -inf, log(<0) = nan
        return np.inf if x == np.inf else out

    @numba.njit(inline="always", **_OPTS)
    def _flog_fast(x):
        # flog for normal positive x only: the kernel keeps its states within [GUARD_LOW, GUARD_HIGH]
        bits = _f2i(x)
        e = ((bits >> 52) & 0x7FF) - 1023
        m = _i2f((bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000)
        big = m > _SQRT2
        m = m * 0.5 if big else m
        e = e + 1 if big else e
        f = m - 1.0
        s = f / (m + 1.0)
        z = s * s
        w = z * z
        t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
        t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
        hfsq = 0.5 * f * f
        ef = float(e)
        return ef * _LN2_HI - ((hfsq - (s * (hfsq + t1 + t2) + ef * _LN2_LO)) - f)

    @numba.njit(inline="always", **_OPTS)
    def _expm1_small(d):
        # e**d - 1 for |d| <= _D_MAX: Taylor to degree 11 (relative error < 5e-17 there)
        p = 1.0 / 39916800.0
        p = p * d + 1.0 / 3628800.0
        p = p * d + 1.0 / 362880.0
        p = p * d + 1.0 / 40320.0
        p = p * d + 1.0 / 5040.0
        p = p * d + 1.0 / 720.0
        p = p * d + 1.0 / 120.0
        p = p * d + 1.0 / 24.0
        p = p * d + 1.0 / 6.0
        p = p * d + 0.5
        p = p * d + 1.0
        return p * d

    @numba.njit(inline="always", **_OPTS)
    def _log1p_small(x):
        # log(1 + x) for |x| <= _X_MAX: Taylor to degree 10 (relative error < 1e-18 there)
        p = -1.0 / 10.0
        p = p * x + 1.0 / 9.0
        p = p * x - 1.0 / 8.0
        p = p * x + 1.0 / 7.0
        p = p * x - 1.0 / 6.0
        p = p * x + 1.0 / 5.0
        p = p * x - 1.0 / 4.0
        p = p * x + 1.0 / 3.0
        p = p * x - 0.5
        p = p * x + 1.0
        return p * x

    @numba.njit(inline="always", **_OPTS)
    def _tanh_series(z):
        # tanh(x) / x as a polynomial in z = x**2, Taylor to x**19: error < 3e-17 for |x| <= _T_MAX (tested)
        p = -0.00023912911424355248
        p = p * z + 0.000590027440945586
        p = p * z - 0.0014558343870513183
        p = p * z + 0.003592128036572481
        p = p * z - 0.008863235529902197
        p = p * z + 0.021869488536155203
        p = p * z - 0.05396825396825397
        p = p * z + 0.13333333333333333
        p = p * z - 0.3333333333333333
        return p * z + 1.0

    @numba.njit(inline="always", **_OPTS)
    def _tanh(x):
        # tanh from one fexp (vectorises, unlike math.tanh): (1 - e^-2|x|) / (1 + e^-2|x|) with x's sign;
        # absolute error ~1e-16, which is what the saturating shape needs (y = B tanh(y / B), then exp)
        u = _fexp_fast(-2.0 * abs(x))
        t = (1.0 - u) / (1.0 + u)
        return t if x >= 0.0 else -t

    @numba.njit(**_OPTS)
    def _vtanh(x, out):
        for i in range(x.size):
            v = x[i]
            out[i] = _tanh(v) if abs(v) > _T_MAX else v * _tanh_series(v * v)

    @numba.njit(**_OPTS)
    def _vexp(x, out):
        for i in range(x.size):
            out[i] = fexp(x[i])

    @numba.njit(**_OPTS)
    def _vlog(x, out):
        for i in range(x.size):
            out[i] = flog(x[i])

    @numba.njit(inline="always", **_OPTS)
    def _interp_even(v, xs, ys, n, h):
        # the same for equally spaced points: the segment is found without a search, so loops vectorise
        vc = min(max(v, xs[0]), xs[n - 1])
        i = min(np.int64((vc - xs[0]) / h), n - 2)
        w = (vc - xs[i]) / (xs[i + 1] - xs[i])
        out = ys[i] + w * (ys[i + 1] - ys[i])
        return out if v == v else v  # noqa: PLR0124 - NaN test, branch-free in the kernel

    @numba.njit(inline="always", **_OPTS)
    def _interp(v, xs, ys, n):
        # piecewise linear through n points, flat beyond the ends (np.interp)
        if not v > xs[0]:
            return ys[0] if v == v else v  # noqa: PLR0124 - NaN test
        if v >= xs[n - 1]:
            return ys[n - 1]
        lo, hi = 0, n - 1
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if xs[mid] <= v:
                lo = mid
            else:
                hi = mid
        w = (v - xs[lo]) / (xs[hi] - xs[lo])
        return ys[lo] + w * (ys[hi] - ys[lo])


def vexp(x: np.ndarray) -> np.ndarray:
    """:func:`fexp` over an array (for tests)."""
    x = np.ascontiguousarray(x, dtype=float).ravel()
    out = np.empty_like(x)
    _vexp(x, out)
    return out


def vtanh(x: np.ndarray) -> np.ndarray:
    """The kernel's tanh over an array (for tests).

    >>> x = np.array([-30.0, -0.5, -0.2, 0.0, 1e-9, 0.15, 0.2000001, 2.0])
    >>> bool(np.allclose(vtanh(x), np.tanh(x), rtol=0, atol=2e-16))
    True
    """
    x = np.ascontiguousarray(x, dtype=float).ravel()
    out = np.empty_like(x)
    _vtanh(x, out)
    return out


def vlog(x: np.ndarray) -> np.ndarray:
    """:func:`flog` over an array (for tests)."""
    x = np.ascontiguousarray(x, dtype=float).ravel()
    out = np.empty_like(x)
    _vlog(x, out)
    return out
