"""``gmb export``: a session (or any map file gmb reads) in another tool's format.

``gmb import`` lives in :mod:`gmb.commands.record`; both print the warnings the readers raise
(skipped arrows, guessed encodings) instead of hiding them.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from gmb.commands.common import console, err_console, load_source
from gmb.errors import InputError

__all__ = ["register", "export", "show_warnings", "demo_step"]

FORMATS = "mdl, xmile, kumu (JSON, or XLSX for an .xlsx file), kumu-xlsx, graphml, csv (a folder)"


def register(app: typer.Typer) -> None:
    app.command("export")(export)


@contextmanager
def show_warnings() -> Iterator[None]:
    """Print each :class:`~gmb.errors.GmbWarning` raised inside as one line on stderr."""
    from rich.markup import escape

    from gmb.errors import GmbWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GmbWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, GmbWarning):
                    err_console().print(f"[yellow]warning:[/yellow] {escape(str(w.message))}", soft_wrap=True)


def export(
    name: str = typer.Argument(..., help="Session name, or a map file gmb reads (to convert between formats)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help=f"One of: {FORMATS}. Default: from --out."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write (a folder for csv)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of the labels (default: the session's first)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
) -> None:
    """Export a map to Vensim, XMILE/Stella, Kumu, GraphML or a CSV pair."""
    from gmb.io.registry import WRITERS, writer_format

    kind = writer_format(out, fmt)
    if out.exists() and not force and not (kind == "csv" and out.is_dir() and not any(out.iterdir())):
        raise InputError(f"{out} exists already", field="--out", hint="choose another name or give --force")
    with show_warnings():
        session = load_source(name)
    writer = WRITERS[kind][1]
    written = writer(session, out, lang=lang) if lang and kind not in ("csv", "graphml") else writer(session, out)
    console().print(
        f"[green]✓[/green] wrote {len(session.variables)} variables and {len(session.links)} links as {kind} "
        f"to {written}"
    )


def demo_step(session, out: Path, con) -> None:
    """Demo: the example map in every format gmb writes, under ``out/exports``."""
    from gmb.io.registry import WRITERS

    folder = out / "exports"
    endings = {"csv": "", "mdl": ".mdl", "xmile": ".xmile", "kumu": ".json", "kumu-xlsx": ".xlsx",
               "graphml": ".graphml"}  # fmt: skip
    for kind, (_, writer) in WRITERS.items():
        target = folder / f"map-{kind}{endings[kind]}" if kind != "csv" else folder / "map-csv"
        writer(session, target)
    con.print(f"[green]✓[/green] exported the map as {', '.join(WRITERS)} to {folder}")
