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

from gmb.cld import (
    GRAPH_SCHEMA,
    Analysis,
    LoopResult,
    analyse,
    causes_tree,
    centrality,
    connection_circle,
    covering_loops,
    find_loops,
    from_graph,
    idea_paths,
    idea_profiles,
    merge_maps,
    paths_to_outcome,
    to_graph,
    uses_tree,
)
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
from gmb.io import read_edge_csv, read_sdai_json
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
    # loops and structure
    "find_loops", "covering_loops", "LoopResult", "centrality", "causes_tree", "uses_tree", "paths_to_outcome",
    "idea_paths", "idea_profiles", "analyse", "Analysis", "merge_maps", "connection_circle",
    # formats
    "read_edge_csv", "read_sdai_json",
    # errors
    "GmbError", "InputError", "FormatError", "EncodingError", "ValidationError", "NotFoundError",
    "SlugError", "StoreError", "ConflictError", "AnalysisError", "ConversionError", "SimulationError",
]  # fmt: skip
