"""The public API is listed in gmb.__all__ and pinned here: changing it is a deliberate act."""

import gmb

#: the public API, in order, written out: a change to gmb.__all__ must be made here too, on purpose
PINNED = [
    # gmb.session
    "Session", "Stage", "StageRole", "Participant", "Indicator", "Variable", "Link", "Theme", "Story", "Initiative",
    "Idea", "IdeaTarget", "Role", "VariableKind", "Polarity", "Strength", "SCHEMA_VERSION", "parse_session",
    "Event", "apply", "replay", "Store", "check_slug",
    # gmb.examples
    "load_example",
    # gmb.cld
    "to_graph", "from_graph", "GRAPH_SCHEMA", "find_loops", "covering_loops", "LoopResult", "centrality",
    "causes_tree", "uses_tree", "paths_to_outcome", "idea_paths", "idea_profiles", "analyse", "Analysis",
    "merge_maps", "connection_circle",
    # gmb.stockflow
    "StockFlowModel", "TimeSpec",
    # gmb.stockflow.assumptions
    "Assumptions", "load_assumptions", "save_assumptions",
    # gmb.stockflow.convert
    "to_stockflow", "resolve_assumptions",
    # gmb.stockflow.stability
    "check_stability", "StabilityReport",
    # gmb.stockflow.write_xmile
    "to_xmile",
    # gmb.stockflow.write_mdl
    "to_mdl",
    # gmb.stockflow.files
    "write_model",
    # gmb.simulate
    "simulate", "Trajectories", "read_canonical", "compare",
    # gmb.simulate.results
    "Comparison",
    # gmb.simulate.pysd_runner
    "run_pysd",
    # gmb.scenarios
    "Intervention", "Bundle", "with_interventions", "Scenarios", "default_scenarios", "load_scenarios",
    "save_scenarios", "fan_charts", "rank_ideas", "attribute", "link_robustness",
    # gmb.scenarios.results
    "Ranking", "Attribution", "FanCharts", "Robustness",
    # gmb.simulate.ensemble
    "Study", "run_study", "run_chunk", "reduce_chunks",
    # gmb.simulate.sensitivity
    "sobol",
    # gmb.simulate.dominance
    "loop_dominance",
    # gmb.simulate.result_types
    "SobolIndices", "Dominance",
    # gmb.workflow.calibration
    "calibrate", "attribute_observed",
    # gmb.calibration.results
    "Calibration", "ObservedAttribution",
    # gmb.views
    "map_html", "write_map", "write_report", "Band", "IdeaEffect", "plot_behaviour", "plot_idea_ranking",
    "plot_attribution", "plot_loop_counts", "save_figure",
    # gmb.io
    "read_any", "write_any", "read_edge_csv", "read_sdai_json",
    # gmb.scale
    "open_backend",
    # gmb.results
    "Result",
    # gmb.errors
    "GmbError", "InputError", "FormatError", "EncodingError", "ValidationError", "NotFoundError", "SlugError",
    "StoreError", "ConflictError", "AnalysisError", "ConversionError", "SimulationError", "ClusterError",
]  # fmt: skip


def test_public_api_is_pinned():
    assert gmb.__all__ == PINNED
    assert len(PINNED) == len(set(PINNED)), "duplicate names in the pinned API"


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


def test_dir_lists_the_public_api():
    assert set(PINNED) <= set(dir(gmb))


def test_every_name_is_the_object_of_its_module():
    import importlib
    import sys

    where = {name: module for module, names in gmb._WHERE.items() for name in names}
    for name in PINNED:
        value = getattr(gmb, name)
        if name == "simulate":  # the callable subpackage (see below)
            assert value is sys.modules[f"gmb.{name}"] and callable(value)
        else:
            assert value is getattr(importlib.import_module(where[name]), name), name


# Each name in each import order, in a fresh interpreter: `gmb.simulate` is also a subpackage, and importing
# any module below it used to turn `gmb.simulate` from the function into that module ("'module' object is not
# callable"). Now it is always the subpackage, which is callable as the function.
_FIRST = {
    "nothing": "",
    "gmb.rank_ideas": "gmb.rank_ideas",
    "import gmb.simulate.ensemble": "import gmb.simulate.ensemble",
    "import ... as": "import gmb.simulate.engine_numpy as engine",
    "from gmb import simulate": "from gmb import simulate",
}


def test_simulate_is_one_object_whatever_was_imported_first():
    import json
    import subprocess
    import sys

    code = (
        "import importlib, inspect, json, sys, gmb\n{first}\n"
        "ref = importlib.import_module('gmb.simulate.reference').simulate\n"
        "print(json.dumps([gmb.simulate is sys.modules['gmb.simulate'], callable(gmb.simulate),"
        " gmb.simulate.__wrapped__ is ref and gmb.simulate.simulate is ref,"
        " str(inspect.signature(gmb.simulate)) == str(inspect.signature(ref))]))"
    )
    for what, first in _FIRST.items():
        run = subprocess.run([sys.executable, "-c", code.format(first=first)], check=False, capture_output=True,
                             text=True)  # fmt: skip
        assert run.returncode == 0, (what, run.stderr[-2000:])
        assert json.loads(run.stdout) == [True, True, True, True], what


def test_calling_gmb_simulate_runs_the_reference_simulator(havndal):
    import numpy as np

    from gmb.simulate.reference import simulate

    model = gmb.to_stockflow(gmb.to_graph(havndal))
    a, b = gmb.simulate(model), simulate(model)
    assert isinstance(a, gmb.Trajectories) and len(a.time) > 10 and np.array_equal(a.time, b.time)
    assert set(a.values) == set(b.values) and len(a.values) > 10
    assert all(np.array_equal(a.values[k], b.values[k]) for k in a.values)
