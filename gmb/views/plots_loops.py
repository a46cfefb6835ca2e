"""The loops' plot: how many feedback loops touch each theme, stacked by polarity.

A plot kind of its own, apart from the fan charts and the ideas' plots;
:mod:`gmb.views.plots` re-exports :func:`plot_loop_counts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError, ValidationError
from gmb.views.plots_common import _POLARITY, _figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_loop_counts"]


def _loop_polarity(value: Any) -> str:
    text = str(getattr(value, "value", value)).strip()
    mapping = {"R": "R", "+": "R", "reinforcing": "R", "B": "B", "-": "B", "balancing": "B",
               "?": "?", "0": "?", "unsigned": "?", "unknown": "?", "": "?"}  # fmt: skip
    if text not in mapping:
        raise ValidationError(f"unknown loop polarity {text!r} (use R, B or ?)", field="polarity")
    return mapping[text]


def plot_loop_counts(
    loops: Sequence[Mapping[str, Any]],
    *,
    theme_labels: Mapping[str, str] | None = None,
    title: str = "Feedback loops by theme and polarity",
    no_theme: str = "no theme",
    all_loops: str = "all loops",
    ylabel: str = "number of loops",
    polarity_labels: Mapping[str, str] | None = None,
) -> Figure:
    """How many loops touch each theme, stacked by polarity; the first group counts all loops.

    A loop crossing two themes is counted under each of them. The label arguments let a report
    in another language name the groups, axis and polarities (``{"R": ..., "B": ..., "?": ...}``).

    Parameters
    ----------
    loops : sequence of mapping
        Loops as JSON (``{"polarity": "R", "themes": [...]}``, as ``gmb loops --json`` writes them).
    theme_labels : mapping of str to str, optional
        Theme id -> label.
    title, no_theme, all_loops, ylabel : str, optional
        Texts of the figure.
    polarity_labels : mapping of str to str, optional
        Names of R, B and ?.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> fig = plot_loop_counts([{"polarity": "R", "themes": ["food"]}, {"polarity": "B", "themes": []}])
    >>> type(fig).__name__
    'Figure'
    """
    theme_labels = dict(theme_labels or {})
    names = {p: label for p, (label, _) in _POLARITY.items()} | dict(polarity_labels or {})
    groups: dict[str, dict[str, int]] = {all_loops: {"R": 0, "B": 0, "?": 0}}
    for i, loop in enumerate(loops):
        if not isinstance(loop, Mapping):
            raise InputError("each loop must be a dict with 'polarity' and 'themes'", field=f"loops[{i}]")
        pol = _loop_polarity(loop.get("polarity", "?"))
        groups[all_loops][pol] += 1
        themes = list(loop.get("themes") or []) or [None]
        for t in dict.fromkeys(themes):
            name = no_theme if t is None else theme_labels.get(t, str(t))
            groups.setdefault(name, {"R": 0, "B": 0, "?": 0})[pol] += 1
    fig = _figure(6.5, 3.4)
    ax = fig.add_subplot()
    x = np.arange(len(groups))
    bottom = np.zeros(len(groups))
    for pol, (_, colour) in _POLARITY.items():
        counts = np.array([g[pol] for g in groups.values()], dtype=float)
        ax.bar(x, counts, bottom=bottom, color=colour, label=names[pol], edgecolor="white", linewidth=0.5)
        bottom += counts
    for xi, total in zip(x, bottom):
        ax.annotate(f"{int(total)}", (xi, total), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(x, list(groups), rotation=20 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig
