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

from gmb.commands.scenarios import (
    AssumptionsOpt,
    EngineOpt,
    HorizonOpt,
    JsonOpt,
    LangOpt,
    MethodOpt,
    OutOpt,
    SeedOpt,
)

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
    out: Path = OutOpt,
    engine: str = EngineOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Leave one link out at a time: which links flip each idea's verdict or change its rank."""
    from gmb.commands.scenarios import _lang, _prepare, _save_and_show
    from gmb.scenarios.robustness import link_robustness

    b, sc, path = _prepare(name, assumptions, out)
    r = link_robustness(b.model, b.graph, sc, ideas=idea or None, runs=runs, seed=seed, method=method,
                        horizon=horizon, structure=structure, engine=engine, lang=_lang(b, lang))  # fmt: skip
    r["meta"]["scenarios_file"] = str(path)
    _save_and_show(b, "robustness.json", r, path, as_json, print_robustness)


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


def robustness_for_report(source: str, models_dir: Path) -> Path | None:
    """For ``gmb report``: when ``models_dir/ranking.json`` carries no leave-one-link-out block (an older ranking,
    or ``--no-robustness``) and there is no ``robustness.json`` made after it, compute it with the ranking's seed, sampling,
    horizon and what it varied (200 draws) and save ``robustness.json``; returns its path (``None``: nothing to do).

    Only for the default model folder (``<out>/models/<name>/``, where the model and its scenarios.json are
    found); a ranking whose scenarios file is gone is left as it is (the report then says how to make it).
    """
    import json

    from gmb.commands.scenarios import _lang, _public, load_or_init_scenarios, scenarios_file
    from gmb.files import atomic_write_text, read_json
    from gmb.scenarios.robustness import ROBUSTNESS_RUNS, link_robustness

    models_dir = Path(models_dir)
    ranking_path = models_dir / "ranking.json"
    saved = models_dir / "robustness.json"
    if not ranking_path.is_file() or models_dir.parent.name != "models":
        return None
    if saved.is_file() and saved.stat().st_mtime >= ranking_path.stat().st_mtime:  # made after the ranking: current
        return None
    ranking = read_json(ranking_path)
    if not isinstance(ranking, dict) or "robustness" in ranking or not isinstance(ranking.get("meta"), dict):
        return None
    m = ranking["meta"]
    out = models_dir.parent.parent
    path = Path(m.get("scenarios_file") or scenarios_file(source, out))
    if not path.is_file():
        return None
    from gmb.commands.model import build

    b = build(source, out=out, write=False)
    sc, _ = load_or_init_scenarios(path, b.graph)
    ideas = [row["idea"] for row in ranking.get("ideas") or [] if row.get("idea") in sc.ideas
             and sc.ideas[row["idea"]].targets]  # fmt: skip
    if not ideas:
        return None
    r = link_robustness(b.model, b.graph, sc, ideas=ideas, runs=min(int(ranking.get("runs") or ROBUSTNESS_RUNS),
                        ROBUSTNESS_RUNS), seed=int(m.get("seed", 0)),
                        method="lhs" if m.get("method") == "Latin hypercube" else "mc", horizon=ranking.get("horizon"),
                        vary=m.get("varied"), integration="rk4" if str(m.get("integration", "")).startswith("RK4")
                        else "euler", lang=_lang(b, None))  # fmt: skip
    r["meta"]["scenarios_file"] = str(path)
    r["meta"]["made_for"] = "gmb report: ranking.json carried no leave-one-link-out block"
    atomic_write_text(saved, json.dumps(_public(r), ensure_ascii=False, indent=2) + "\n")
    return saved
