"""``gmb demo``: the Havndal example through the pipeline."""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.common import console


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    out: Path = typer.Option(Path("."), "--out", help="Where outputs go (models/, reports/ below it)."),
) -> None:
    """Run the Havndal example: load, validate, summarise (later stages add more)."""
    from gmb.examples import example_dir, load_example
    from gmb.views.summary import print_summary

    con = console()
    session = load_example("havndal")  # loading validates every cross-reference
    con.print(f"[green]✓[/green] loaded and validated the Havndal example from {example_dir('havndal')}")
    print_summary(session, console=con)
    con.print(f"outputs: {out.resolve()} (models/havndal, reports/havndal as later steps write them)")
