"""Fan charts: one variable over time across an ensemble (median with 50 % and 90 % bands).

:class:`Band` is the input (one scenario's percentiles over time) and :func:`plot_behaviour` draws
one or more of them. A plot kind of its own, apart from the ideas' and the loops' plots;
:mod:`gmb.views.plots` re-exports both names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmb.errors import InputError, ValidationError
from gmb.views.plots_common import _SCENARIO_COLOURS, _array, _figure
from gmb.views.style import figure_word

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from numpy.typing import ArrayLike

__all__ = ["Band", "plot_behaviour"]


@dataclass(frozen=True)
class Band:
    """A variable over time across an ensemble: ``median`` and optional percentiles (same length as ``times``).

    ``p25``/``p75`` draw the 50 % band, ``p5``/``p95`` the 90 % band; give both ends of a band or neither.

    Parameters
    ----------
    times : array_like
        Increasing times, at least two.
    median : array_like
        The median at each time.
    p5, p25, p75, p95 : array_like, optional
        Percentiles at each time.
    label : str, optional
        The legend's text.

    Raises
    ------
    gmb.errors.ValidationError
        When plotted: lengths differ, times do not increase, a band has one end only or its ends cross.

    Examples
    --------
    >>> b = Band(times=[0, 1, 2], median=[1.0, 1.1, 1.2], p25=[1.0, 1.05, 1.1], p75=[1.0, 1.15, 1.3])
    >>> b.label, len(b.median)
    ('', 3)
    >>> plot_behaviour({"x": Band(times=[0, 1], median=[1, 1], p25=[1, 1])})
    Traceback (most recent call last):
    ...
    gmb.errors.ValidationError: bands['x']: give both p25 and p75, or neither
    """

    times: ArrayLike
    median: ArrayLike
    p5: ArrayLike | None = None
    p25: ArrayLike | None = None
    p75: ArrayLike | None = None
    p95: ArrayLike | None = None
    label: str = ""

    def arrays(self, name: str = "band") -> dict[str, np.ndarray]:
        """The series as float arrays, checked: same length, finite, bands around the median."""
        t = _array(self.times, f"{name}.times")
        if t.size < 2 or np.any(np.diff(t) <= 0):
            raise ValidationError("times must be increasing and have at least two points", field=f"{name}.times")
        out = {"times": t}
        for key in ("median", "p5", "p25", "p75", "p95"):
            value = getattr(self, key)
            if value is None:
                continue
            arr = _array(value, f"{name}.{key}")
            if arr.shape != t.shape:
                raise ValidationError(f"has {arr.size} values but times has {t.size}", field=f"{name}.{key}")
            out[key] = arr
        for lo, hi in (("p5", "p95"), ("p25", "p75")):
            if (lo in out) != (hi in out):
                raise ValidationError(f"give both {lo} and {hi}, or neither", field=name)
            if lo in out and np.any(out[lo] > out[hi] + 1e-12):
                raise ValidationError(f"{lo} is above {hi} somewhere", field=name)
        return out


def plot_behaviour(
    bands: Band | Mapping[str, Band],
    *,
    title: str | None = None,
    ylabel: str = "",
    xlabel: str | None = None,
    baseline: float | None = None,
    max_banded: int = 3,
    horizon: float | None = None,
    after_horizon: str = "after the horizon: not settled",
    lang: str | None = None,
) -> Figure:
    """Median lines with 50 % and 90 % bands, one colour per scenario (e.g. baseline, each idea, the bundle).

    With more than ``max_banded`` scenarios only the first and the last (baseline and bundle, by
    convention) get their bands, so the lines stay readable; the legend sits beside the plot.

    Parameters
    ----------
    bands : Band or mapping of str to Band
        One band, or one per scenario.
    title, ylabel, xlabel : str, optional
        Texts of the figure.
    baseline : float, optional
        Draw a horizontal reference line here.
    max_banded : int, optional
        Scenarios drawn with bands (default 3).
    horizon : float, optional
        Where effects are read; the part after it is shaded and labelled ``after_horizon`` (the
        outcome has not settled there: effects read at the horizon are not final).
    after_horizon : str, optional
        That label.
    lang : str, optional
        Language of the default texts.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (save it with :func:`save_figure`).

    Examples
    --------
    >>> fig = plot_behaviour({"baseline": Band([0, 1, 2], [1.0, 1.0, 1.0]),
    ...                       "walk": Band([0, 1, 2], [1.0, 1.1, 1.2], p25=[1, 1.05, 1.1], p75=[1, 1.15, 1.3])})
    >>> type(fig).__name__
    'Figure'
    """
    if isinstance(bands, Band):
        bands = {bands.label or "median": bands}
    if not bands:
        raise InputError("nothing to plot: no scenarios given", field="bands")
    names = list(bands)
    banded = set(names) if len(names) <= max_banded else {names[0], names[-1]}
    fig = _figure(9.5 if len(names) > 1 else 7.5, 4.5)
    ax = fig.add_subplot()
    palette = iter(_SCENARIO_COLOURS * (1 + len(names) // len(_SCENARIO_COLOURS)))
    for name, band in bands.items():
        if not isinstance(band, Band):
            raise InputError("expected a Band", field=f"bands[{name!r}]")
        s = band.arrays(f"bands[{name!r}]")
        # the baseline is the reference every idea is read against: neutral grey, never a palette colour
        colour = "#555555" if str(name).lower() in ("baseline", "basis") else next(palette)
        if name in banded and "p5" in s:
            ax.fill_between(s["times"], s["p5"], s["p95"], color=colour, alpha=0.13, linewidth=0)
        if name in banded and "p25" in s:
            ax.fill_between(s["times"], s["p25"], s["p75"], color=colour, alpha=0.28, linewidth=0)
        ax.plot(s["times"], s["median"], color=colour, linewidth=2, label=str(name))
    if baseline is not None:
        ax.axhline(baseline, color="#444444", linewidth=0.8, linestyle=":")
    end = max(float(np.max(_array(b.times, "times"))) for b in bands.values())
    if horizon is not None and end > horizon:
        ax.axvline(horizon, color="#444444", linewidth=1.0, linestyle="--")
        ax.axvspan(horizon, end, color="#999999", alpha=0.12, linewidth=0, hatch="//", fill=False)
        ax.text(horizon, 0.98, " " + after_horizon, transform=ax.get_xaxis_transform(), fontsize=8,
                va="top", ha="left", color="#444444")  # fmt: skip
    ax.set_title(title if title is not None else figure_word(lang, "behaviour_title"))
    ax.set_xlabel(xlabel if xlabel is not None else figure_word(lang, "time"))
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    handles += [Patch(color="#888888", alpha=0.28), Patch(color="#888888", alpha=0.13)]
    labels += [figure_word(lang, "band50"), figure_word(lang, "band90")]
    ax.legend(handles, labels, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
