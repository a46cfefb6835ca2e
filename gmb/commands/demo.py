"""``gmb demo``: the Havndal example through the whole pipeline.

Each pipeline stage contributes one step: a function ``step(session, out, console)``
listed in :data:`STEPS` as ``"module:function"``; steps run in order and print
what they did and where their files went.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import typer

from gmb.commands.common import console

#: the demo's steps, in pipeline order (each stage appends its own)
STEPS: list[str] = [
    "gmb.commands.demo:summary_step",
    "gmb.commands.structure:demo_step",
    "gmb.commands.model:demo_step",
    "gmb.commands.scenarios:demo_step",
    "gmb.commands.formats:demo_step",
    "gmb.commands.serve:demo_step",
    "gmb.commands.views:report_step",  # last: the report shows whatever the steps above produced
]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def summary_step(session, out: Path, con) -> None:
    from gmb.views.summary import print_summary

    print_summary(session, console=con)


def demo(
    out: Path = typer.Option(Path("."), "--out", help="Where outputs go (models/, reports/ below it)."),
) -> None:
    """Run the Havndal example through the pipeline and say where the outputs are."""
    from gmb.examples import example_dir, load_example

    con = console()
    session = load_example("havndal")  # loading validates every cross-reference
    con.print(f"[green]✓[/green] loaded and validated the Havndal example from {example_dir('havndal')}")
    for step in STEPS:
        module, _, func = step.partition(":")
        getattr(import_module(module), func)(session, out, con)
    con.print(f"[bold]outputs are below {out.resolve()}[/bold]")
