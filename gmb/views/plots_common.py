"""What every plot kind shares: the blank Agg figure, the palette, number checks, and output.

Separate from the plot kinds (:mod:`gmb.views.plots_fan`, :mod:`gmb.views.plots_ideas`,
:mod:`gmb.views.plots_loops`) so each of them imports only this, and from :mod:`gmb.views.plots`,
which re-exports them all. matplotlib is imported inside the functions only, so importing this
module stays cheap (``gmb --help`` must stay instant).

>>> _finite("0.5"), _finite(float("nan")), _finite(None)
(True, False, False)
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError, ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "data_uri", "figure_bytes", "save_figure"]

FORMATS = ("png", "svg")
_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#7F7F7F"
_SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
_POLARITY = {"R": ("reinforcing (R)", _BLUE), "B": ("balancing (B)", _ORANGE), "?": ("sign unknown", _GREY)}


# -- checks ---------------------------------------------------------------------
def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _array(value: Any, where: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValidationError("expected numbers", field=where) from None
    if arr.ndim != 1:
        raise ValidationError(f"expected a 1-d series, got shape {arr.shape}", field=where)
    if not np.all(np.isfinite(arr)):
        raise ValidationError("contains NaN or infinite values", field=where)
    return arr


# -- figures ----------------------------------------------------------------------
def _figure(width: float = 7.5, height: float = 4.2):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)  # the non-interactive Agg canvas, without touching pyplot's global backend
    return fig


# -- output -------------------------------------------------------------------------
def figure_bytes(fig, fmt: str = "png") -> bytes:
    """The figure encoded as PNG or SVG (SVG without a date and with fixed ids, so it is reproducible)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown image format '{fmt}'", field="format", hint="png or svg")
    from matplotlib import rc_context

    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": "gmb"}
    with rc_context({"svg.hashsalt": "gmb", "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


def save_figure(fig: Figure, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` (atomically).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    stem : str or pathlib.Path
        The path without its ending.
    formats : sequence of str, optional
        Endings written (default png and svg).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from gmb.views.plots import plot_attribution
    >>> fig = plot_attribution({"Walk": 0.1})
    >>> [p.name for p in save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "shares")]
    ['shares.png', 'shares.svg']
    """
    from gmb.views.publish import write_public_bytes

    stem = Path(stem)
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        write_public_bytes(path, figure_bytes(fig, fmt))
        paths.append(path)
    return paths


def data_uri(fig, fmt: str = "png") -> str:
    """The figure as a ``data:`` URI, to embed in a self-contained HTML page."""
    mime = {"png": "image/png", "svg": "image/svg+xml"}[fmt]
    return f"data:{mime};base64," + base64.b64encode(figure_bytes(fig, fmt)).decode("ascii")
