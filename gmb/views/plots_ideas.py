"""The ideas' plots: each idea's simulated effect ranked, and a bundle's effect shared out.

:class:`IdeaEffect` is the ranking's input (an effect with its interval, P(improve), feasibility
and votes); :func:`plot_idea_ranking` draws the ranking and :func:`plot_attribution` the Shapley
shares of a bundle. A plot kind of its own, apart from the fan charts and the loops' plot;
:mod:`gmb.views.plots` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError, ValidationError
from gmb.views.plots_common import _BLUE, _GREY, _ORANGE, _figure, _finite
from gmb.views.style import figure_word

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["IdeaEffect", "plot_attribution", "plot_idea_ranking"]


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


def plot_idea_ranking(
    effects: Sequence[IdeaEffect | Mapping | tuple],
    *,
    title: str | None = None,
    xlabel: str | None = None,
    lang: str | None = None,
) -> Figure:
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
) -> Figure:
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
