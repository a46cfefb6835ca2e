"""What people look at: summaries, the interactive map, plots and the session report.

Heavy packages (pyvis, jinja2, matplotlib) are imported inside the functions that need them.
"""

from gmb.views.map import map_data, map_html, write_map
from gmb.views.plots import (
    Band,
    IdeaEffect,
    plot_attribution,
    plot_behaviour,
    plot_idea_ranking,
    plot_loop_counts,
    save_figure,
)
from gmb.views.report import write_report

__all__ = [
    "Band",
    "IdeaEffect",
    "map_data",
    "map_html",
    "plot_attribution",
    "plot_behaviour",
    "plot_idea_ranking",
    "plot_loop_counts",
    "save_figure",
    "write_map",
    "write_report",
]  # fmt: skip
