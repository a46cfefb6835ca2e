"""Loop dominance in words and tables: ``gmb loops NAME --dominance`` prints and saves it.

The numbers come from :mod:`gmb.workflow.dominance`; the report's section renders the saved file
(:mod:`gmb.views.report_dominance`). Kept apart so the command modules that offer dominance
(``gmb loops``) reach it without importing each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gmb.workflow.dominance import for_session
from gmb.workflow.output import console, print_json

__all__ = ["dominance", "loop_words", "period_words", "print_dominance"]


def loop_words(lp: dict[str, Any], lang: str = "en") -> str:
    """One loop in words: id, the group's name, and its chain (or what an adjustment loop does)."""
    what = f"{lp['id']}" + (f" “{lp['name']}”" if lp.get("name") else "")
    if lp["kind"] == "adjustment":
        how = (f"{lp['labels'][0]} justerer sig mod sit niveau" if lang == "da"
               else f"{lp['labels'][0]} adjusting towards its level")  # fmt: skip
    else:
        how = " → ".join(lp["labels"])
    return f"{what} ({how})"


def period_words(d: dict[str, Any], key: str = "periods", lang: str = "en") -> list[str]:
    """The dominant loop per period as sentences (``en`` or ``da``); short flickers are joined."""
    info = {lp["id"]: lp for lp in d["loops"]}
    unit = d.get("unit", "")
    out = []
    for p in d[key]:
        loops = [x for x in p["loops"] if x is not None]
        if not loops:
            continue
        span = f"{p['start']:g}–{p['end']:g} {unit}"
        if len(loops) == 1:
            verb = "dominerer" if lang == "da" else "dominates"
            out.append(f"{span}: {loop_words(info[loops[0]], lang)} {verb}")
        else:
            verb = "skiftes til at dominere" if lang == "da" else "alternate"
            out.append(f"{span}: {', '.join(loops)} {verb} — " + "; ".join(loop_words(info[x], lang) for x in loops))
    return out


def print_dominance(d: dict[str, Any], con, rows: int = 12) -> None:
    """Dominance as rich tables: loops by mean |relative score|, periods in words, ensemble shares."""
    from rich.markup import escape
    from rich.table import Table

    status = "complete" if d["complete"] else f"[bold yellow]incomplete[/bold yellow] ({d['mode']})"
    con.print(f"[bold]Loop dominance[/bold] of {escape(d['scenario'])}: {d['loops_scored']} loops scored, {status}. "
              f"{escape(d['method'])}.", soft_wrap=True)  # fmt: skip
    times = d["time"]
    picks = sorted({round(x) for x in np.linspace(0, len(times) - 1, min(6, len(times)))})
    table = Table("loop", "name", "R/B", "links", "mean |rel|", *(f"t={times[k]:g}" for k in picks),
                  title="relative loop scores (sign: + reinforcing, - balancing)")  # fmt: skip
    for lp in d["loops"][:rows]:
        table.add_row(lp["id"], escape(lp.get("name") or ""), lp["polarity"], str(len(lp["links"]) or "adj."),
                      f"{lp['mean_abs']:.3f}", *(f"{lp['relative'][k]:+.2f}" for k in picks))  # fmt: skip
    con.print(table)
    con.print("[bold]Dominant loop per period[/bold] (largest |relative score|):")
    for line in period_words(d):
        con.print(f"  • {escape(line)}", soft_wrap=True)
    con.print("[bold]Among the map's own loops[/bold] (stocks' adjustment loops left out):")
    for line in period_words(d, "periods_map"):
        con.print(f"  • {escape(line)}", soft_wrap=True)
    ens = d.get("ensemble")
    if ens:
        t = Table("period", "dominant loops: share of draws", title=f"across {ens['runs']} draws (seed {ens['seed']})")
        for p in ens["periods"]:
            top = ", ".join(f"{k} {v:.0%}" for k, v in list(p["shares"].items())[:5])
            t.add_row(f"{p['start']:g}–{p['end']:g}", escape(top))
        con.print(t)


def dominance(source: str, scenario: str | None, *, runs: int, seed: int, time_limit: float | None, as_json: bool,
              lang: str | None) -> None:  # fmt: skip
    """What ``gmb loops SOURCE --dominance`` does."""
    from gmb.views.report_dominance import save

    d = for_session(source, scenario, runs=runs, seed=seed, time_limit=time_limit, lang=lang, pathways=True)
    saved = save(d.pop("folder"), {"scenarios": {d["scenario"]: d}})  # the report's "Which loops drive it"
    if as_json:
        print_json(d)
        return
    con = console()
    print_dominance(d, con)
    if d.get("pathways"):
        from rich.markup import escape

        con.print(f"[bold]Pathways[/bold]: {escape(d['pathways']['sentence'])}.", soft_wrap=True)
    con.print(f"[dim]saved: {saved}[/dim]")
