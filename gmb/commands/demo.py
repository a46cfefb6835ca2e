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


def install_example(name: str, con) -> Path:
    """Copy shipped example ``name`` into the sessions folder unless a session of that name exists."""
    import os
    import shutil

    from gmb.commands.common import store as open_store
    from gmb.errors import StoreError
    from gmb.examples import example_dir
    from gmb.files import fsync_dir, make_temp_dir

    store = open_store()
    folder = store.path(name)
    if folder.exists():
        con.print(f"[yellow]![/yellow] {folder} exists already: left it alone (the demo used the shipped example; "
                  f"`gmb … {name}` commands use your {folder})")  # fmt: skip
        return folder
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(store.root, f".{name}.")
    try:
        for src in sorted(example_dir(name).iterdir()):
            if src.is_file() and src.suffix in (".json", ".jsonl"):
                shutil.copyfile(src, tmp / src.name)
        os.rename(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"cannot write the example session: {exc.strerror}", file=str(folder)) from None
    fsync_dir(store.root)
    store.load(name)  # it loads as a session (a broken copy would be an error here, not later)
    con.print(f"[green]✓[/green] the example is the session '{name}' in {folder}: try `gmb session show {name}`, "
              f"`gmb map {name}`, `gmb rank {name}`")  # fmt: skip
    return folder


def summary_step(session, out: Path, con) -> None:
    from gmb.views.summary import print_summary

    print_summary(session, console=con)


def demo(
    out: Path = typer.Option(Path("."), "--out", help="Where outputs go (models/, reports/ below it)."),
    example: str = typer.Option("havndal", "--example", help="Which example (gmb examples lists them)."),
) -> None:
    """Run an example (default Havndal) through the pipeline and say where the outputs are."""
    from gmb.examples import example_dir, load_example

    con = console()
    if example != "havndal":
        from gmb.commands.observe import demo_example

        demo_example(example, out, con)
        return
    session = load_example("havndal")  # loading validates every cross-reference
    con.print(f"[green]✓[/green] loaded and validated the Havndal example from {example_dir('havndal')}")
    for step in STEPS:
        module, _, func = step.partition(":")
        getattr(import_module(module), func)(session, out, con)
    con.print(f"[bold]outputs are below {out.resolve()}[/bold]")
