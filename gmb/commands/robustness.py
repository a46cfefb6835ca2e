"""``gmb robustness NAME``: leave-one-link-out — the links each idea's verdict or rank rests on.

Builds the model as ``gmb convert`` does (nothing written), reads the doses from
``scenarios.json`` (as ``gmb rank``), runs :func:`gmb.scenarios.robustness.link_robustness`
and prints, per idea, the links whose removal flips its verdict or changes its rank,
with a sentence for ideas that rest on one uncertain link; ``--json`` prints the result.
Saved as ``models/NAME/robustness.json``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.options import (
    AssumptionsOpt,
    EngineOpt,
    HorizonOpt,
    JsonOpt,
    LangOpt,
    MethodOpt,
    ProjectOpt,
    SeedOpt,
)
from gmb.workflow.ensembles import save_and_show
from gmb.workflow.robustness import robustness_for_report
from gmb.workflow.studies import lang_of, prepare

__all__ = ["print_robustness", "register", "robustness", "robustness_for_report"]


IdeaOpt = typer.Option(None, "--idea", help="Check only this idea (repeatable); ranks are then among those checked.")
StructureOpt = typer.Option(
    False,
    "--structure/--no-structure",
    help="Also draw the other uncertain links present/"
    "absent and +/- (default: the map as drawn, magnitudes uncertain).",
)


def register(app: typer.Typer) -> None:
    app.command("robustness")(robustness)


def robustness(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    idea: list[str] | None = IdeaOpt,
    runs: int = typer.Option(200, "--runs", help="Parameter draws per link removed (same draws for every link)."),
    seed: int = SeedOpt,
    method: str = MethodOpt,
    horizon: float | None = HorizonOpt,
    structure: bool = StructureOpt,
    lang: str | None = LangOpt,
    assumptions: Path | None = AssumptionsOpt,
    out: Path = ProjectOpt,
    engine: str = EngineOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Leave one link out at a time: which links flip each idea's verdict or change its rank."""
    from gmb.scenarios.robustness import link_robustness

    b, sc, path = prepare(name, assumptions, out)
    r = link_robustness(b.model, b.graph, sc, ideas=idea or None, runs=runs, seed=seed, method=method,
                        horizon=horizon, structure=structure, engine=engine, lang=lang_of(b, lang))  # fmt: skip
    r["meta"]["scenarios_file"] = str(path)
    save_and_show(b, "robustness.json", r, path, as_json, print_robustness)


def print_robustness(r: dict, con, path: Path | None = None) -> None:
    """The result as text: per idea, its verdict, the links that flip it and the rank changes."""
    from rich.markup import escape

    m = r["meta"]
    con.print(f"[bold]Leave-one-link-out[/bold] after {r['horizon']:g} {escape(r['unit'])}: {m['links_checked']} links "
              f"checked, {r['runs']} draws each ({'structure drawn' if m['structure_sampled'] else 'map as drawn'}; "
              "exploratory)")  # fmt: skip
    for row in r["ideas"]:
        con.print(f"\n[bold]{row['rank']}. {escape(row['label'])}[/bold]: {row['verdict']} "
                  f"(P(improves) {100 * row['p_improves']:.0f} %, median {row['median']:+.3f}); "
                  f"{row['links_checked']} links checked")  # fmt: skip
        if row["sentence"]:
            con.print(f"  [yellow]{escape(row['sentence'])}[/yellow]")
        for f in row["flips"]:
            ev = f" [{escape(f['evidence'])}]" if f["evidence"] else ""
            con.print(f"  without {f['link']} {escape(f['label'])}{ev}: {f['verdict']} "
                      f"(P(improves) {100 * f['p_improves']:.0f} %, median {f['median']:+.4f})")  # fmt: skip
        if not row["flips"]:
            con.print("  no single link flips its verdict")
        moves = [f"{f['link']} → rank {f['rank']}" for f in row["rank_changes"]]
        if moves:
            con.print(f"  rank changes without: {escape(', '.join(moves))}")
    con.print(f"\n[dim]{escape(m['rule'])}.[/dim]")
    if path is not None:
        con.print(f"[dim]doses assumed: {escape(str(path))}[/dim]")
