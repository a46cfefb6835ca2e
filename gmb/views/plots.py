"""Static plots for the report (matplotlib, Agg canvas, no pyplot state): PNG and SVG.

The inputs are plain, documented values so any stage can feed them:

* :class:`Band` — one variable over time across an ensemble (median, 50 % and 90 % bands);
* :class:`IdeaEffect` — one idea's simulated effect with its interval, the probability that the
  outcome improves, and the idea bank's feasibility and votes (or a tuple/dict with those fields);
* an attribution dict ``{idea: share}`` plus the interaction part of a bundle's effect;
* loops as dicts with ``polarity`` (``R``/``B``/``?``) and ``themes`` (a list of theme ids).

Every function returns a :class:`matplotlib.figure.Figure`; :func:`save_figure` writes it as PNG
and SVG (atomically), :func:`data_uri` embeds it in HTML.

>>> import numpy as np
>>> t = np.linspace(0, 3, 13)
>>> fig = plot_behaviour(Band(times=t, median=1 + 0.1 * t, p5=1 + 0.0 * t, p95=1 + 0.2 * t), ylabel="trivsel")
>>> data_uri(fig)[:22]
'data:image/png;base64,'
>>> fig = plot_attribution({"Krea-café": 0.3, "LAN-fest": 0.1}, interaction=0.05)
>>> fig.axes[0].get_title()
'Attribution of the bundle effect (total 0.45)'
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError, ValidationError
from gmb.views.style import figure_word

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "FORMATS",
    "Band",
    "IdeaEffect",
    "data_uri",
    "figure_bytes",
    "plot_attribution",
    "plot_behaviour",
    "plot_idea_ranking",
    "plot_loop_counts",
    "save_figure",
]  # fmt: skip

FORMATS = ("png", "svg")
_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#7F7F7F"
_SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
_POLARITY = {"R": ("reinforcing (R)", _BLUE), "B": ("balancing (B)", _ORANGE), "?": ("sign unknown", _GREY)}


# -- inputs -----------------------------------------------------------------------
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


@dataclass(frozen=True)
class IdeaEffect:
    """One idea's effect on the outcome at the horizon: median and interval (``low`` ≤ ``median`` ≤ ``high``).

    Parameters
    ----------
    idea : str
        The idea's label.
    median, low, high : float
        The median effect and its interval.
    p_improve : float, optional
        P(the idea improves the outcome).
    feasibility : float, optional
        0–5, as the group rated it.
    votes : int, optional
        Votes it got.
    extra : dict, optional
        Anything else to carry along.

    Examples
    --------
    >>> e = IdeaEffect("Walk to school", median=0.1, low=0.02, high=0.2, p_improve=0.97)
    >>> e.low <= e.median <= e.high
    True
    """

    idea: str
    median: float
    low: float
    high: float
    p_improve: float | None = None  # probability (0–1) that the outcome improves
    feasibility: float | None = None  # 0–5, from the idea bank
    votes: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def coerce(cls, value: Any, where: str) -> IdeaEffect:
        """From an IdeaEffect, a dict with these keys, or a tuple in field order."""
        if isinstance(value, IdeaEffect):
            item = value
        elif isinstance(value, Mapping):
            known = {
                k: value[k]
                for k in ("idea", "median", "low", "high", "p_improve", "feasibility", "votes")
                if k in value
            }
            try:
                item = cls(**known)
            except TypeError as exc:
                raise ValidationError(f"missing field: {exc}", field=where) from None
        elif isinstance(value, (tuple, list)) and 4 <= len(value) <= 7:
            item = cls(*value)
        else:
            raise InputError("expected an IdeaEffect, a dict or a tuple (idea, median, low, high, …)", field=where)
        for key in ("median", "low", "high"):
            if not _finite(getattr(item, key)):
                raise ValidationError(f"{key} must be a finite number", field=f"{where}.{key}")
        if not item.low <= item.median <= item.high:
            got = f"{item.low}, {item.median}, {item.high}"
            raise ValidationError(f"needs low ≤ median ≤ high, got {got}", field=where)
        if item.p_improve is not None and not (_finite(item.p_improve) and 0 <= item.p_improve <= 1):
            raise ValidationError("p_improve must be a probability between 0 and 1", field=f"{where}.p_improve")
        if item.feasibility is not None and not (_finite(item.feasibility) and 0 <= item.feasibility <= 5):
            raise ValidationError("feasibility must be between 0 and 5", field=f"{where}.feasibility")
        return item


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
):
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


def plot_idea_ranking(
    effects: Sequence[IdeaEffect | Mapping | tuple],
    *,
    title: str | None = None,
    xlabel: str | None = None,
    lang: str | None = None,
):
    """Each idea's median effect with its interval, best on top; colour = feasibility, text = P(improve), votes.

    Parameters
    ----------
    effects : sequence of IdeaEffect, mapping or tuple
        One per idea (a mapping with the fields of :class:`IdeaEffect`, or a tuple
        ``(idea, median, low, high, …)``).
    title, xlabel : str, optional
        Texts of the figure.
    lang : str, optional
        Language of the default texts.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Raises
    ------
    gmb.errors.InputError, gmb.errors.ValidationError
        An entry that is not an effect, a missing field, or ``low ≤ median ≤ high`` broken.

    Examples
    --------
    >>> fig = plot_idea_ranking([IdeaEffect("Walk", 0.1, 0.02, 0.2), ("Bike paths", 0.05, -0.01, 0.1)])
    >>> type(fig).__name__
    'Figure'
    """
    items = [IdeaEffect.coerce(e, f"effects[{i}]") for i, e in enumerate(effects)]
    if not items:
        raise InputError("nothing to plot: no ideas given", field="effects")
    items.sort(key=lambda e: e.median)  # barh draws bottom-up, so the best ends on top
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    cmap, norm = colormaps["viridis"], Normalize(0, 5)
    fig = _figure(7.5, 1.5 + 0.5 * len(items))
    ax = fig.add_subplot()
    y = np.arange(len(items))
    for yi, e in zip(y, items):
        colour = cmap(norm(e.feasibility)) if e.feasibility is not None else _GREY
        ax.plot([e.low, e.high], [yi, yi], color=colour, linewidth=3, solid_capstyle="butt")
        ax.plot([e.median], [yi], "o", color=colour, markeredgecolor="black", markersize=8)
        note = []
        if e.p_improve is not None:
            note.append(figure_word(lang, "p_better", p=f"{e.p_improve:.0%}"))
        note.append(figure_word(lang, "n_votes", n=e.votes))
        ax.annotate(" · ".join(note), (e.high, yi), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, [e.idea for e in items])
    ax.set_xlabel(xlabel if xlabel is not None else figure_word(lang, "effect"))
    ax.set_title(title if title is not None else figure_word(lang, "ranking_title"))
    ax.margins(x=0.25)
    ax.grid(axis="x", alpha=0.3)
    from matplotlib.cm import ScalarMappable

    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    bar.set_label(figure_word(lang, "feasibility"))
    return fig


def plot_attribution(
    shares: Mapping[str, float],
    interaction: float = 0.0,
    *,
    title: str | None = None,
    unit: str = "",
    lang: str | None = None,
):
    """Shapley shares of a bundle's effect, one bar per idea, plus the interaction part (hatched).

    The bars add up to the bundle's total effect, which the title states.

    Parameters
    ----------
    shares : mapping of str to float
        Each idea's share of the effect.
    interaction : float, optional
        The part due to the ideas acting together.
    title : str, optional
        The title (default: states the total).
    unit : str, optional
        The effect's unit.
    lang : str, optional
        Language of the default texts.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> fig = plot_attribution({"Walk": 0.1, "Bike paths": 0.05}, interaction=0.01)
    >>> type(fig).__name__
    'Figure'
    """
    if not shares:
        raise InputError("nothing to plot: no shares given", field="shares")
    for name, value in [*shares.items(), ("interaction", interaction)]:
        if not _finite(value):
            raise ValidationError("must be a finite number", field=f"shares[{name!r}]")
    names = list(shares)
    values = [float(shares[n]) for n in names]
    total = sum(values) + float(interaction)
    rows = sorted(zip(names, values), key=lambda r: r[1])
    if interaction:
        rows = [(figure_word(lang, "interaction"), float(interaction)), *rows]
    fig = _figure(7.5, 1.0 + 0.45 * len(rows))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    colours = [_BLUE if v >= 0 else _ORANGE for _, v in rows]
    bars = ax.barh(y, [v for _, v in rows], color=colours, edgecolor="black", linewidth=0.6)
    if interaction:
        bars[0].set_hatch("//")
        bars[0].set_facecolor("#DDDDDD")
    for yi, (_, v) in zip(y, rows):
        share = f" ({v / total:.0%})" if total else ""
        ax.annotate(f"{v:.3g}{share}", (v, yi), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    va="center", ha="left" if v >= 0 else "right", fontsize=8)  # fmt: skip
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, [n for n, _ in rows])
    ax.set_xlabel(figure_word(lang, "share") + (f" ({unit})" if unit else ""))
    ax.set_title(title or figure_word(lang, "attribution_title", total=f"{total:.3g}"))
    ax.margins(x=0.2)
    ax.grid(axis="x", alpha=0.3)
    return fig


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
):
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


def save_figure(fig, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
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
