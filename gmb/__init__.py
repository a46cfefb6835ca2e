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

from gmb._lazy import lazy_names

# Names are loaded on first use (PEP 562), so `import gmb.cli` — and `gmb --help` — stay instant.
_WHERE = {
    "gmb.session": (
        "Session", "Stage", "StageRole", "Participant", "Indicator", "Variable", "Link", "Theme", "Story",
        "Initiative", "Idea", "IdeaTarget", "Role", "VariableKind", "Polarity", "Strength", "SCHEMA_VERSION",
        "parse_session", "Event", "apply", "replay", "Store", "check_slug",
    ),
    "gmb.examples": ("load_example",),
    "gmb.cld": (
        "to_graph", "from_graph", "GRAPH_SCHEMA",
        "find_loops", "covering_loops", "LoopResult", "centrality", "causes_tree", "uses_tree",
        "paths_to_outcome", "idea_paths", "idea_profiles", "analyse", "Analysis", "merge_maps", "connection_circle",
    ),
    "gmb.stockflow": ("StockFlowModel", "TimeSpec"),
    "gmb.stockflow.assumptions": ("Assumptions", "load_assumptions", "save_assumptions"),
    "gmb.stockflow.convert": ("to_stockflow", "resolve_assumptions"),
    "gmb.stockflow.stability": ("check_stability", "StabilityReport"),
    "gmb.stockflow.write_xmile": ("to_xmile",),
    "gmb.stockflow.write_mdl": ("to_mdl",),
    "gmb.stockflow.files": ("write_model",),
    "gmb.simulate": ("simulate", "Trajectories", "read_canonical", "compare"),  # gmb.simulate: a callable package
    "gmb.simulate.results": ("Comparison",),
    "gmb.simulate.pysd_runner": ("run_pysd",),
    "gmb.scenarios": (
        "Intervention", "Bundle", "with_interventions", "Scenarios", "default_scenarios", "load_scenarios",
        "save_scenarios", "fan_charts", "rank_ideas", "attribute", "link_robustness",
    ),
    "gmb.scenarios.results": ("Ranking", "Attribution", "FanCharts", "Robustness"),
    "gmb.simulate.ensemble": ("Study", "run_study", "run_chunk", "reduce_chunks"),
    "gmb.simulate.sensitivity": ("sobol",),
    "gmb.simulate.dominance": ("loop_dominance",),
    "gmb.simulate.result_types": ("SobolIndices", "Dominance"),
    "gmb.workflow.calibration": ("calibrate", "attribute_observed"),
    "gmb.calibration.results": ("Calibration", "ObservedAttribution"),
    "gmb.views": (
        "map_html", "write_map", "write_report", "Band", "IdeaEffect", "plot_behaviour", "plot_idea_ranking",
        "plot_attribution", "plot_loop_counts", "save_figure",
    ),
    "gmb.io": ("read_any", "write_any", "read_edge_csv", "read_sdai_json"),
    "gmb.scale": ("open_backend",),
    "gmb.results": ("Result",),
    "gmb.errors": (
        "GmbError", "InputError", "FormatError", "EncodingError", "ValidationError", "NotFoundError",
        "SlugError", "StoreError", "ConflictError", "AnalysisError", "ConversionError", "SimulationError",
        "ClusterError",
    ),
}  # fmt: skip
__getattr__, __dir__, _NAMES = lazy_names("gmb", _WHERE, globals())


__version__ = "0.1.0"

#: the public API, grouped by pipeline stage (pinned by tests/test_api.py)
__all__ = list(_NAMES)
