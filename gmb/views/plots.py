"""Static plots for the report (matplotlib, Agg canvas, no pyplot state): PNG and SVG.

The inputs are plain, documented values so any stage can feed them:

* :class:`Band` — one variable over time across an ensemble (median, 50 % and 90 % bands);
* :class:`IdeaEffect` — one idea's simulated effect with its interval, the probability that the
  outcome improves, and the idea bank's feasibility and votes (or a tuple/dict with those fields);
* an attribution dict ``{idea: share}`` plus the interaction part of a bundle's effect;
* loops as dicts with ``polarity`` (``R``/``B``/``?``) and ``themes`` (a list of theme ids).

Every function returns a :class:`matplotlib.figure.Figure`; :func:`save_figure` writes it as PNG
and SVG (atomically), :func:`data_uri` embeds it in HTML.

The plot kinds live in their own modules and are re-exported here, so ``gmb.views.plots`` stays
the one import path: fan charts in :mod:`gmb.views.plots_fan`, the ideas' ranking and attribution
in :mod:`gmb.views.plots_ideas`, the loops' plot in :mod:`gmb.views.plots_loops`, and what they
share (figure, palette, checks, PNG/SVG output) in :mod:`gmb.views.plots_common`.

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

# _figure is private but gmb.views.report_dominance draws its figure with it
from gmb.views.plots_common import FORMATS, _figure, data_uri, figure_bytes, save_figure  # noqa: F401
from gmb.views.plots_fan import Band, plot_behaviour
from gmb.views.plots_ideas import IdeaEffect, plot_attribution, plot_idea_ranking
from gmb.views.plots_loops import plot_loop_counts

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
