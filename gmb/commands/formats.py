"""``gmb export``: a session (or any map file gmb reads) in another tool's format.

``gmb import`` lives in :mod:`gmb.commands.record`; both print the warnings the readers raise
(skipped arrows, guessed encodings) instead of hiding them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.common import console, load_source
from gmb.errors import InputError
from gmb.workflow.models import build
from gmb.workflow.output import show_warnings

__all__ = ["demo_step", "export", "register", "show_warnings"]

FORMATS = "mdl, xmile, kumu (JSON, or XLSX for an .xlsx file), kumu-xlsx, graphml, csv (a folder)"


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    name: str = typer.Argument(..., help="Session name, or a map file gmb reads (to convert between formats)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=f"One of: {FORMATS}. Default: from --out."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write (a folder for csv)."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the labels (default: the session's first)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
    model: bool = typer.Option(
        False,
        "--model",
        help="xmile/mdl: write the runnable stock-flow model of gmb convert "
        "(its assumptions: models/NAME/assumptions.json if there), not the causal-loop diagram.",
    ),
) -> None:
    """Export a map to Vensim, XMILE/Stella, Kumu, GraphML or a CSV pair.

    A causal-loop diagram exported to mdl or xmile is for Vensim's and Stella's diagram views (the
    XMILE file also opens in pysd, every variable 0); --model writes a model that runs.
    """
    from gmb.io.registry import WRITERS, writer_format

    kind = writer_format(out, fmt)
    if out.exists() and not force and not (kind == "csv" and out.is_dir() and not any(out.iterdir())):
        raise InputError(f"{out} exists already", field="--out", hint="choose another name or give --force")
    if model:
        _export_model(name, kind, out)
        return
    with show_warnings():
        session = load_source(name)
    if not session.variables:
        raise InputError(f"'{name}' has no variables: nothing to export", hint="add variables first (gmb var add)")
    writer = WRITERS[kind][1]
    written = writer(session, out, lang=lang) if lang and kind not in ("csv", "graphml") else writer(session, out)
    console().print(
        f"[green]✓[/green] wrote {len(session.variables)} variables and {len(session.links)} links as {kind} "
        f"to {written}"
    )


def _export_model(name: str, kind: str, out: Path) -> None:
    """``--model``: the stock-flow model ``gmb convert`` makes, as XMILE or Vensim text."""
    from gmb.files import atomic_write_text
    from gmb.stockflow.write_mdl import to_mdl
    from gmb.stockflow.write_xmile import to_xmile

    if kind not in ("xmile", "mdl"):
        raise InputError(f"--model writes a simulation model: xmile or mdl, not {kind}", field="--model")
    with show_warnings():
        built = build(name, write=False)
    if kind == "xmile":
        positions = {n: tuple(d["position"]) for n, d in built.graph.nodes(data=True) if d.get("position")}
        text = to_xmile(built.model, positions=positions or None)
    else:
        text = to_mdl(built.model)
    atomic_write_text(out, text)
    m = built.model
    console().print(f"[green]✓[/green] wrote the stock-flow model ({len(m.variables)} variables, {len(m.stocks)} "
                    f"stocks) as {kind} to {out}")  # fmt: skip


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
