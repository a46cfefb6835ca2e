"""gmb — a toolkit for group model building.

The pipeline, one stage a package: :mod:`gmb.session` (the workshop record) →
:mod:`gmb.cld` (the causal-loop diagram as a graph) → stock-flow model →
simulation and scenarios → :mod:`gmb.views`. ``__all__`` below is the public
API; a test pins it, so changing it is a deliberate act.

>>> import gmb
>>> s = gmb.load_example("havndal")
>>> G = gmb.to_graph(s)
>>> G.number_of_nodes() >= 30
True
"""

from gmb.cld import GRAPH_SCHEMA, from_graph, to_graph
from gmb.errors import (
    AnalysisError,
    ConflictError,
    ConversionError,
    EncodingError,
    FormatError,
    GmbError,
    InputError,
    NotFoundError,
    SimulationError,
    SlugError,
    StoreError,
    ValidationError,
)
from gmb.examples import load_example
from gmb.io import read_edge_csv
from gmb.views import (
    Band,
    IdeaEffect,
    map_html,
    plot_attribution,
    plot_behaviour,
    plot_idea_ranking,
    plot_loop_counts,
    save_figure,
    write_map,
    write_report,
)
from gmb.session import (
    SCHEMA_VERSION,
    Event,
    Idea,
    IdeaTarget,
    Indicator,
    Initiative,
    Link,
    Participant,
    Polarity,
    Role,
    Session,
    Stage,
    StageRole,
    Store,
    Story,
    Strength,
    Theme,
    Variable,
    VariableKind,
    apply,
    check_slug,
    parse_session,
    replay,
)

__version__ = "0.1.0"

__all__ = [
    # the workshop record
    "Session", "Stage", "StageRole", "Participant", "Indicator", "Variable", "Link", "Theme", "Story",
    "Initiative", "Idea", "IdeaTarget", "Role", "VariableKind", "Polarity", "Strength", "SCHEMA_VERSION",
    "parse_session", "load_example",
    # events and storage
    "Event", "apply", "replay", "Store", "check_slug",
    # the CLD graph
    "to_graph", "from_graph", "GRAPH_SCHEMA",
    # formats
    "read_edge_csv",
    # views: the map, plots and the report
    "map_html", "write_map", "write_report", "Band", "IdeaEffect", "plot_behaviour", "plot_idea_ranking",
    "plot_attribution", "plot_loop_counts", "save_figure",
    # errors
    "GmbError", "InputError", "FormatError", "EncodingError", "ValidationError", "NotFoundError",
    "SlugError", "StoreError", "ConflictError", "AnalysisError", "ConversionError", "SimulationError",
]  # fmt: skip
