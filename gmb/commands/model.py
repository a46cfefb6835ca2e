"""``gmb convert`` and ``gmb simulate``: the CLD as a stock-flow model, and its baseline run.

Both commands build the model the same way (:func:`gmb.workflow.models.build`): the session (or map
file) → graph → assumptions (``--assumptions FILE``, else the model folder's
``assumptions.json`` if there is one, else the defaults) → :func:`to_stockflow`
→ files in ``<out>/models/<name>/``. ``simulate`` then runs it with the chosen
engine. Later options (ensembles, scenarios) plug into :func:`simulate`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands import options
from gmb.commands.common import console, print_json
from gmb.workflow.models import Built, build, run_baseline
from gmb.workflow.models import summary as _summary

__all__ = ["Built", "baseline_table", "build", "convert", "demo_step", "register", "simulate"]

AssumptionsOpt = typer.Option(
    None, "--assumptions", help="Assumptions JSON (default: models/NAME/assumptions.json if present, else defaults)."
)
ResetOpt = typer.Option(False, "--reset", help="Ignore models/NAME/assumptions.json and start from the defaults.")
JsonOpt = typer.Option(False, "--json", help="Print JSON.")
OutcomeOpt = typer.Option(
    None,
    "--outcome",
    help="The outcome variable (id or label), instead of the map's or the assumptions' one.",
)


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
    app.command("simulate")(simulate)


def convert(
    name: str = typer.Argument(..., help="Session name, or a map file (CSV edge list, …)."),
    assumptions: Path | None = AssumptionsOpt,
    out: Path = options.ProjectOpt,
    reset: bool = ResetOpt,
    outcome: str | None = OutcomeOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Convert the CLD into a stock-flow model: XMILE, Vensim and the assumptions, in models/NAME/."""
    from rich.markup import escape

    b = build(name, assumptions_file=assumptions, out=out, reset=reset, outcome=outcome)
    info = _summary(b)
    if as_json:
        print_json(info)
        return
    con = console()
    c = info["counts"]
    con.print(
        f"[green]✓[/green] converted {escape(b.name)}: {c['variables']} variables ({c['stocks']} stocks), "
        f"{c['links_modelled']} links modelled, {c['links_left_out']} left out"
    )
    for note in info["notes"]:
        con.print(f"  • {escape(note)}", soft_wrap=True)
    for kind, path in info["files"].items():
        con.print(f"  {kind:<12} {escape(path)}")


def baseline_table(traj, model, every: float) -> list[tuple[float, float]]:
    """(time, outcome) rows every ``every`` time units, always including the last time."""
    times = [t for t in traj.time if abs((t - traj.time[0]) / every - round((t - traj.time[0]) / every)) < 1e-9]
    if not times or times[-1] != traj.time[-1]:
        times.append(traj.time[-1])
    idx = traj.at(times)
    y = traj[model.outcome]
    return [(float(traj.time[i]), float(y[i])) for i in idx]


def simulate(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    engine: str = typer.Option("native", "--engine", help="native (numpy, built in) or pysd (runs model.xmile)."),
    assumptions: Path | None = AssumptionsOpt,
    out: Path = options.ProjectOpt,
    reset: bool = ResetOpt,
    every: float = typer.Option(12.0, "--every", help="Table rows every this many time units."),
    as_json: bool = JsonOpt,
    runs: int | None = typer.Option(
        None, "--runs", help="Run an ensemble of this many parameter draws (baseline, ideas, bundles; see gmb rank)."
    ),
    seed: int = typer.Option(0, "--seed", help="Ensemble: seed of the draws."),
    scenario: list[str] | None = typer.Option(
        None,
        "--scenario",
        help="Ensemble: an idea, a bundle's name or IDEA,IDEA,… (repeatable; default: every idea and bundle).",
    ),
    method: str = typer.Option("mc", "--method", help="Ensemble: mc (Monte Carlo) or lhs (Latin hypercube)."),
    variable: list[str] | None = typer.Option(None, "--variable", help="Ensemble: also chart this variable."),
    horizon: float | None = typer.Option(None, "--horizon", help="Ensemble: evaluate effects at this time."),
    integration: str = typer.Option("euler", "--integration", help="Ensemble: euler (as pysd) or rk4."),
    structure: bool = typer.Option(
        True,
        "--structure/--no-structure",
        help="Ensemble: draw uncertain links present/absent and +/- per run (--no-structure: the map as drawn).",
    ),
    until: float | None = typer.Option(
        None,
        "--until",
        help="Ensemble: fan charts run on to this time (default "
        "twice the horizon, within the model's time; beyond it the model's time "
        "is extended), to show what happens after the horizon.",
    ),
    max_broken: float = typer.Option(
        0.01,
        "--max-broken",
        help="Ensemble: refuse to summarise when more than this share of the runs broke down (overflow).",
    ),
    backend: str | None = options.BackendOpt,
    scheduler: str | None = options.SchedulerOpt,
    workers: int | None = options.WorkersOpt,
) -> None:
    """Baseline run (no intervention): converts, runs, writes models/NAME/baseline-ENGINE.csv, prints the outcome.

    With --runs N: an ensemble of N parameter draws under the baseline, every idea and bundle
    (or --scenario), printing effects at the horizon; --json gives fan-chart data (README).
    """
    from gmb.errors import InputError
    from gmb.files import atomic_write_text

    if runs is not None:
        from gmb.workflow.ensembles import simulate_ensemble

        simulate_ensemble(name, runs=runs, seed=seed, scenario=scenario, method=method, variables=variable,
                          horizon=horizon, every=every if every != 12.0 else None, assumptions=assumptions,
                          out=out, integration=integration, as_json=as_json, backend=backend,
                          scheduler=scheduler, workers=workers, structure=structure,
                          until=until, max_broken=max_broken)  # fmt: skip
        return
    if options.resolve_backend(backend, scheduler) != "local" or workers is not None:
        raise InputError("a single baseline run has nothing to spread over a cluster", field="--backend",
                         hint="add --runs N for an ensemble")  # fmt: skip

    if engine not in ("native", "pysd"):
        raise InputError(f"unknown engine {engine!r}", field="--engine", hint="native or pysd")
    if not every > 0:
        raise InputError("must be > 0", field="--every")
    b = build(name, assumptions_file=assumptions, out=out, reset=reset)
    traj = run_baseline(b, engine)
    m = b.model
    results = b.folder / f"baseline-{engine}.csv"
    atomic_write_text(results, traj.to_csv([el.name for el in m.variables]))
    _show_baseline(b, engine, traj, results, baseline_table(traj, m, every), as_json)


def _show_baseline(b: Built, engine: str, traj, results: Path, rows: list[tuple[float, float]], as_json: bool) -> None:
    """Print the baseline run: JSON, or where it went and the outcome's table."""
    from rich.markup import escape

    m = b.model
    outcome = m.element(m.outcome)
    if as_json:
        print_json({
            "name": b.name, "engine": engine, "model": str(b.files["xmile"]), "results": str(results),
            "unit": m.time.unit, "outcome": {"variable": outcome.variable, "name": m.outcome, "label": outcome.label},
            "time": [t for t, _ in rows], "values": [v for _, v in rows],
        })  # fmt: skip
        return
    from rich.table import Table

    con = console()
    con.print(f"[green]✓[/green] baseline run of {escape(b.name)} with {engine}: model {escape(str(b.files['xmile']))}")
    con.print(f"  results: {escape(str(results))}")
    table = Table(title=f"{escape(outcome.label)} (index, 1 = baseline)")
    table.add_column(f"time ({escape(m.time.unit)})", justify="right")
    table.add_column(escape(m.outcome), justify="right")
    for t, v in rows:
        table.add_row(f"{t:g}", f"{v:.6f}")
    con.print(table)


def demo_step(session, out: Path, con) -> None:
    """Demo: convert the example and run its baseline with the native simulator."""
    from rich.markup import escape

    from gmb.cld.graph import to_graph
    from gmb.files import atomic_write_text
    from gmb.simulate.reference import simulate as native
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow
    from gmb.stockflow.files import write_model

    model = to_stockflow(to_graph(session), Assumptions(), name="havndal")
    folder = Path(out) / "models" / "havndal"
    files = write_model(model, Assumptions(), folder)
    traj = native(model)
    atomic_write_text(folder / "baseline-native.csv", traj.to_csv([el.name for el in model.variables]))
    y = traj[model.outcome]
    con.print(
        f"[green]✓[/green] stock-flow model: {len(model.stocks)} stocks, {len(model.effects)} links → "
        f"{escape(str(files['xmile']))}, {escape(str(files['mdl']))}, {escape(str(files['readme']))}"
    )
    con.print(f"  {escape(model.notes[-1])}", soft_wrap=True)
    con.print(
        f"  baseline run: outcome stays at {y.min():.6f}–{y.max():.6f} over {model.time.stop:g} {model.time.unit}"
    )
