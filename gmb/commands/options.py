"""Options shared by several commands: ``--backend local|dask [--scheduler ADDRESS] [--workers N]`` (where
``gmb simulate|rank|attribute`` run) and the ensemble commands' ``--runs``, ``--seed``, ``--project`` …

:func:`gmb.workflow.backends.cli_backend` (re-exported here) turns the backend options into an open
backend for the length of a command and says on stderr what it is using, so ``--json`` output on
stdout stays clean.
"""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.workflow.backends import cli_backend, resolve_backend

__all__ = [
    "AssumptionsOpt",
    "BackendOpt",
    "EngineOpt",
    "HorizonOpt",
    "IntegrationOpt",
    "JsonOpt",
    "LangOpt",
    "MaxBrokenOpt",
    "MethodOpt",
    "OutcomeOpt",
    "ProjectOpt",
    "RunsOpt",
    "SchedulerOpt",
    "SeedOpt",
    "StructureOpt",
    "WorkersOpt",
    "cli_backend",
    "resolve_backend",
]  # fmt: skip

BackendOpt = typer.Option(
    None, "--backend", help="local (this process) or dask (a Dask cluster: --scheduler ADDRESS, or a local one "
    "with a worker per core). Default: local, or dask when --scheduler is given.", show_default=False,
)  # fmt: skip
SchedulerOpt = typer.Option(
    None, "--scheduler", envvar="GMB_SCHEDULER", help="Address of a running Dask scheduler, e.g. tcp://host:8786.",
    show_default=False,
)  # fmt: skip
WorkersOpt = typer.Option(
    None, "--workers", help="Worker processes of the local Dask cluster (default: one per core).", show_default=False
)

# -- the ensemble commands' options (gmb rank, attribute, sensitivity, robustness) --------------------------
RunsOpt = typer.Option(1000, "--runs", help="Parameter draws (Monte Carlo runs).")
SeedOpt = typer.Option(0, "--seed", help="Seed of the draws: the same seed gives the same numbers.")
MethodOpt = typer.Option("mc", "--method", help="Sampling: mc (Monte Carlo) or lhs (Latin hypercube).")
HorizonOpt = typer.Option(None, "--horizon", help="Evaluate at this time after the start (default: 3 years).")
EngineOpt = typer.Option("auto", "--ensemble-engine", help="auto, numba or numpy.")
IntegrationOpt = typer.Option("euler", "--integration", help="euler (as pysd) or rk4 (Runge-Kutta, numpy engine).")
AssumptionsOpt = typer.Option(None, "--assumptions", help="Conversion assumptions JSON (as for gmb convert).")
ProjectOpt = typer.Option(
    Path("."), "--project", help="Project folder: models/ and reports/ are below it (default: the current folder)."
)
JsonOpt = typer.Option(False, "--json", help="Print JSON (see the README for its shape).")
LangOpt = typer.Option(None, "--lang", help="Language of labels (default: the session's first).")
StructureOpt = typer.Option(True, "--structure/--no-structure",
                            help="Draw uncertain links present/absent and +/- per run (README: structural "
                                 "uncertainty); --no-structure: the map as drawn.")  # fmt: skip
OutcomeOpt = typer.Option(None, "--outcome", help="The outcome variable (id or label), instead of the map's one.")
MaxBrokenOpt = typer.Option(
    0.01,
    "--max-broken",
    help="Refuse to summarise when more than this share of the runs "
    "broke down (overflow): statistics would rest on the runs that happened not to break.",
)
