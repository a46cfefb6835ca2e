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
from gmb.workflow.examples import install_example

#: the demo's steps, in pipeline order (each stage appends its own)
STEPS: list[str] = [
    "gmb.commands.demo:session_step",
    "gmb.commands.demo:summary_step",
    "gmb.commands.structure:demo_step",
    "gmb.commands.model:demo_step",
    "gmb.commands.scenarios:demo_step",
    "gmb.commands.dominance:demo_step",
    "gmb.commands.formats:demo_step",
    "gmb.commands.serve:demo_step",
    "gmb.commands.views:report_step",  # last: the report shows whatever the steps above produced
]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("examples")(examples)


def examples() -> None:
    """List the shipped example sessions (``gmb demo --example NAME`` runs one)."""
    from gmb.examples import ABOUT, EXAMPLES

    con = console()
    for name in EXAMPLES:
        con.print(f"[bold]{name}[/bold]: {ABOUT.get(name, '')}")


def session_step(session, out: Path, con) -> None:
    """Leave the example as the session ``havndal`` in the sessions folder, so ``gmb … havndal`` works next.

    The example's whole folder (event log with every proposal's who and when, snapshot, scenarios) is
    copied beside the final place and renamed, so the session appears whole or not at all. A session of
    that name already there is the user's: it is left alone, and the demo says so.
    """
    install_example("havndal", con)


def summary_step(session, out: Path, con) -> None:
    from gmb.views.summary import print_summary

    print_summary(session, console=con)


def demo(
    out: Path = typer.Option(Path("."), "--project", help="Project folder: models/ and reports/ go below it."),
    example: str = typer.Option("havndal", "--example", help="Which example (gmb examples lists them)."),
) -> None:
    """Run an example (default Havndal) through the pipeline and say where the outputs are."""
    from gmb.examples import example_dir, load_example

    con = console()
    if example != "havndal":
        from gmb.workflow.examples import demo_example

        demo_example(example, out, con)
        return
    session = load_example("havndal")  # loading validates every cross-reference
    con.print(f"[green]✓[/green] loaded and validated the Havndal example from {example_dir('havndal')}")
    for step in STEPS:
        module, _, func = step.partition(":")
        getattr(import_module(module), func)(session, out, con)
    con.print(f"[bold]outputs are below {out.resolve()}[/bold]")
