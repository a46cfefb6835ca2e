"""The public API is listed in gmb.__all__ and pinned here: changing it is a deliberate act."""

import gmb

PINNED = {
    "Session", "Stage", "StageRole", "Participant", "Indicator", "Variable", "Link", "Theme", "Story",
    "Initiative", "Idea", "IdeaTarget", "Role", "VariableKind", "Polarity", "Strength", "SCHEMA_VERSION",
    "parse_session", "load_example",
    "Event", "apply", "replay", "Store", "check_slug",
    "to_graph", "from_graph", "GRAPH_SCHEMA",
    "find_loops", "covering_loops", "LoopResult", "centrality", "causes_tree", "uses_tree",
    "paths_to_outcome", "idea_paths", "idea_profiles", "analyse", "Analysis", "merge_maps", "connection_circle",
    "StockFlowModel", "TimeSpec", "Assumptions", "load_assumptions", "save_assumptions", "to_stockflow",
    "resolve_assumptions", "check_stability", "to_xmile", "to_mdl", "write_model",
    "simulate", "run_pysd", "Trajectories", "read_canonical", "compare",
    "Intervention", "Bundle", "with_interventions", "Scenarios", "default_scenarios", "load_scenarios",
    "save_scenarios", "fan_charts", "rank_ideas", "attribute", "Study", "run_study", "run_chunk", "reduce_chunks",
    "sobol", "loop_dominance",
    "map_html", "write_map", "write_report", "Band", "IdeaEffect", "plot_behaviour", "plot_idea_ranking",
    "plot_attribution", "plot_loop_counts", "save_figure",
    "read_any", "write_any", "read_edge_csv", "read_sdai_json",
    "open_backend",
    "GmbError", "InputError", "FormatError", "EncodingError", "ValidationError", "NotFoundError",
    "SlugError", "StoreError", "ConflictError", "AnalysisError", "ConversionError", "SimulationError",
    "ClusterError",
}  # fmt: skip


def test_public_api_is_pinned():
    assert set(gmb.__all__) == PINNED
    assert len(gmb.__all__) == len(set(gmb.__all__)), "duplicate names in __all__"


def test_every_public_name_exists():
    for name in gmb.__all__:
        assert hasattr(gmb, name), name


def test_all_errors_share_one_root():
    errors = [getattr(gmb, n) for n in gmb.__all__ if n.endswith("Error")]
    assert all(issubclass(e, gmb.GmbError) for e in errors)


def test_cli_import_stays_light():
    """`gmb --help` must stay instant: the CLI module must not import the heavy packages."""
    import subprocess
    import sys

    code = (
        "import sys, gmb.cli; heavy = [m for m in ('pysd', 'pyvis', 'matplotlib', 'pandas', 'xarray', 'scipy', 'dask')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"gmb.cli imports heavy packages at start-up: {out}"


def test_all_matches_the_lazy_table():
    assert gmb.__all__ == [name for names in gmb._WHERE.values() for name in names]
