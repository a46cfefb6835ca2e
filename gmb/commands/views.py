"""``gmb map`` and ``gmb report``: what participants and planners look at."""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.common import console, load_source, print_json
from gmb.errors import InputError


def register(app: typer.Typer) -> None:
    app.command("map")(map_command)
    app.command("report")(report_command)


def _default_name(source: str) -> str:
    path = Path(source)
    return path.stem if path.suffix else source


def map_command(
    source: str = typer.Argument(..., help="Session name, or a map file gmb import reads (e.g. edges.csv)."),
    out: Path | None = typer.Option(None, "--out", help="HTML file to write (default: ./<name>-map.html)."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the labels, e.g. da or en."),
    ideas: bool = typer.Option(False, "--ideas", help="Show the idea bank as nodes pointing at their targets."),
    highlight_loop: str | None = typer.Option(
        None, "--highlight-loop", help="Variable ids of one loop in order, comma-separated: V1,V2,V3."
    ),
    theme: str | None = typer.Option(None, "--theme", help="Highlight one theme (its id)."),
    layout: str = typer.Option("force", "--layout", help="force, or circle (the W1 connection circle)."),
    width_by: str = typer.Option("strength", "--width-by", help="Link width by strength or by support."),
    as_json: bool = typer.Option(False, "--json", help="Print where the map went and its counts as JSON."),
    dominance_at: float | None = typer.Option(
        None, "--dominance-at", help="Highlight the map loop that dominates --scenario at this time."
    ),
    scenario: str | None = typer.Option(None, "--scenario", help="With --dominance-at: an idea, a bundle, or all."),
    animate: str | None = typer.Option(
        None, "--animate", help="Play this scenario (an idea, a bundle, or all) on the map: median change over time."
    ),
    runs: int = typer.Option(1000, "--runs", help="With --animate: draws of the ensemble."),
    seed: int = typer.Option(0, "--seed", help="With --animate: random seed of the draws."),
    push: bool = typer.Option(
        True, "--push/--no-push", help="With --animate: also precompute a push of each variable (play any variable)."
    ),
    push_size: float = typer.Option(
        1.0, "--push-size", help="With --animate: a push raises a variable's level by this share of its baseline."
    ),
) -> None:
    """Write an interactive map: one HTML file that opens offline in any browser."""
    from gmb.cld import to_graph
    from gmb.views.map import write_map

    session = load_source(source)
    loop = None
    if highlight_loop is not None:
        loop = [v.strip() for v in highlight_loop.split(",") if v.strip()]
        if not loop:
            raise InputError("give the loop's variable ids separated by commas", field="--highlight-loop")
    if dominance_at is not None:
        from gmb.workflow.dominance import loop_at

        loop = loop_at(source, dominance_at, scenario, lang=lang)
    path = out or Path(f"{_default_name(source)}-map.html")
    options = {
        "lang": lang, "ideas": ideas, "loop": loop, "theme": theme, "layout": layout, "width_by": width_by,
        "people": {p.id: p.name for p in session.participants},
    }  # fmt: skip
    G = to_graph(session)
    if animate is not None:
        options["animation"] = _animation(source, animate, runs=runs, seed=seed, push_size=push_size if push else None)
    write_map(G, path, **options)
    if as_json:
        n_ideas = len(G.graph.get("ideas") or {}) if ideas else 0
        print_json(
            {"path": str(path), "variables": G.number_of_nodes(), "links": G.number_of_edges(), "ideas": n_ideas}
        )
        return
    console().print(f"[green]✓[/green] wrote the map to {path} — open it in a browser (works offline)")


def _animation(source: str, scenario: str, *, runs: int, seed: int, push_size: float | None = 1.0) -> dict:
    """The scenario's precomputed median changes for ``gmb map --animate`` (see :mod:`gmb.views.animate`),
    with each variable's push (same draws) unless ``push_size`` is None."""
    from gmb.commands.common import err_console
    from gmb.views.animate import animation
    from gmb.workflow.studies import prepare, resolve_bundle

    b, sc, _ = prepare(source, None, Path("."))
    ideas = resolve_bundle(sc, scenario)
    interventions = sc.interventions(ideas)
    if not interventions:
        raise InputError("the scenario pushes nothing, so nothing moves", field="--animate",
                         hint="add ideas with targets to the map, or doses in scenarios.json")  # fmt: skip
    m = b.model
    h = sc.horizon_for(m.time.unit, m.time.start, m.time.stop)
    if push_size is not None and not push_size > 0:
        raise InputError(f"a push must be > 0, got {push_size:g}", field="--push-size")
    anim = animation(m, interventions, horizon=h, runs=runs, seed=seed, name=scenario, push_size=push_size)
    if anim["dropped_runs"]:
        err_console().print(f"[yellow]warning:[/yellow] {anim['dropped_runs']} of {runs} runs broke (values not "
                            "finite) and are left out of the animation's medians")  # fmt: skip
    if "pushes" in anim:
        _warn_pushes(anim["pushes"], runs, err_console())
    return anim


def _warn_pushes(p: dict, runs: int, con) -> None:
    """Say which pushes lost runs (left out of their medians) or could not be played at all."""
    lost = {v: it["dropped_runs"] for v, it in p["items"].items() if it["dropped_runs"]}
    if lost:
        con.print(f"[yellow]warning:[/yellow] pushes with broken runs (left out of their medians, of {runs}): "
                  + ", ".join(f"{v} {k}" for v, k in sorted(lost.items())))  # fmt: skip
    if p["broken"]:
        con.print("[yellow]warning:[/yellow] every run broke when pushing these, so they cannot be pushed on the map: "
                  + ", ".join(p["broken"]))  # fmt: skip


def report_command(
    name: str = typer.Argument(..., help="Session name (or a map file gmb import reads)."),
    out: Path | None = typer.Option(None, "--out", help="Folder to write (default: reports/<name>/)."),
    models: Path | None = typer.Option(
        None, "--models", help="Folder with results of gmb convert/simulate/rank/attribute (default: models/<name>/)."
    ),
    lang: str | None = typer.Option(None, "--lang", help="Language of the report and labels, e.g. da or en."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written and what is missing as JSON."),
) -> None:
    """Write the session report: reports/<name>/index.html with the map, loops, ideas and results."""
    session = load_source(name)
    slug = _default_name(name)
    out_dir = out or Path("reports") / slug
    models_dir = models or Path("models") / slug
    _robustness_for(name, models_dir, quiet=as_json)
    files = write_report_for(session, out_dir, models_dir, lang=lang, name=slug)
    if as_json:
        print_json({
            "index": str(files.index), "map": str(files.map), "figures": [str(p) for p in files.figures],
            "missing": files.missing, "problems": files.problems,
        })  # fmt: skip
        return
    _say(console(), files)


def _robustness_for(name: str, models_dir: Path, quiet: bool = False) -> None:
    """Leave-one-link-out for a ranking that lacks it (saved as robustness.json, which the report reads)."""
    from rich.markup import escape

    from gmb.commands.common import err_console
    from gmb.errors import GmbError
    from gmb.workflow.robustness import robustness_for_report

    try:
        saved = robustness_for_report(name, models_dir)
    except GmbError as exc:  # the report is still written; it says how to make the missing part
        err_console().print(f"[yellow]warning:[/yellow] could not check which links the ranking's verdicts rest on: "
                            f"{escape(str(exc))}")  # fmt: skip
        return
    if saved is not None and not quiet:
        err_console().print(f"[dim]ranking.json had no leave-one-link-out check: computed it ({escape(str(saved))})"
                            "[/dim]")  # fmt: skip


def write_report_for(session, out_dir: Path, models_dir: Path, *, lang=None, name=None):
    from gmb.views.report import write_report

    return write_report(session, out_dir, models_dir=models_dir, lang=lang, name=name)


def _say(con, files) -> None:
    from rich.markup import escape

    con.print(f"[green]✓[/green] wrote the report to {escape(str(files.index))} (map: {escape(str(files.map))})")
    if files.missing:
        con.print(f"  not in the report yet (run the commands it names): {', '.join(files.missing)}")
    for problem in files.problems:
        con.print(f"  [yellow]![/yellow] {escape(problem)}")


def report_step(session, out: Path, con) -> None:
    """Demo step: the Havndal report, with whatever results earlier steps left in models/havndal/."""
    files = write_report_for(session, out / "reports" / "havndal", out / "models" / "havndal", name="havndal")
    _say(con, files)
    con.print(f"report: {files.index.resolve()}")
