"""``gmb loops NAME --dominance``: which of the group's loops drive a scenario, over time.

The ``loops`` command (:mod:`gmb.commands.structure`) calls :func:`dominance` when given
``--dominance``; everything about it lives here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["dominance", "for_session", "loop_at", "period_words", "print_dominance"]


def for_session(name: str, scenario: str | None = None, *, runs: int = 0, seed: int = 0,
                time_limit: float | None = 10.0, out: Path = Path("."), lang: str | None = None,
                horizon: float | None = None, pathways: bool = False, words: str = "en") -> dict[str, Any]:  # fmt: skip
    """Loop dominance of a session's (or map file's) ``scenario``: an idea, a bundle of scenarios.json,
    comma-separated ideas, or ``all`` (default: every idea together). ``pathways``: for one idea, add
    :func:`gmb.scenarios.pathways.pathways` (its sentence in ``words``: en or da)."""
    from gmb.cld.loops import find_loops, name_loops
    from gmb.commands.common import load_source
    from gmb.commands.scenarios import _prepare, resolve_bundle
    from gmb.simulate.dominance import loop_dominance

    b, sc, _ = _prepare(name, None, out)
    session = load_source(name)
    lang = lang or (session.languages[0] if session.languages else None)
    from gmb.errors import InputError

    ideas = resolve_bundle(sc, scenario or "all")
    if not sc.interventions(ideas):
        raise InputError("the scenario pushes nothing, so no loop moves", field="--scenario",
                         hint="add ideas with targets to the map, or doses in scenarios.json")  # fmt: skip
    named = name_loops(find_loops(b.graph, time_limit=time_limit, lang=lang), session.stories)
    m = b.model
    h = horizon if horizon is not None else sc.horizon_for(m.time.unit, m.time.start, m.time.stop)
    label = scenario or "all"
    d = loop_dominance(m, sc.interventions(ideas), horizon=h, runs=runs, seed=seed, named=named,
                       time_limit=time_limit, name=label)  # fmt: skip
    d["ideas"] = ideas
    d["map_loops_complete"] = named.complete
    if pathways and len(ideas) == 1:
        from gmb.scenarios.pathways import pathways as paths_of

        d["pathways"] = paths_of(m, sc.interventions(ideas), horizon=h, name=ideas[0], lang=words)
    d["folder"] = str(b.folder)
    return d


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
    from gmb.commands.common import console, print_json
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


def loop_at(source: str, at: float, scenario: str | None = None, *, lang: str | None = None) -> list[str]:
    """The variables (in causal order) of the map loop that dominates ``scenario`` at time ``at``."""
    from gmb.errors import InputError

    d = for_session(source, scenario, lang=lang)
    times = np.asarray(d["time"])
    if not times[0] <= at <= times[-1]:
        raise InputError(f"time {at:g} is outside 0–{times[-1]:g} {d['unit']}", field="--dominance-at")
    k = int(np.argmin(np.abs(times - at)))
    loops = [lp for lp in d["loops"] if lp["kind"] == "map"]
    if not loops or max(abs(lp["relative"][k]) for lp in loops) == 0:
        raise InputError(f"no loop of the map is active at time {at:g}", field="--dominance-at",
                         hint="choose a later time")  # fmt: skip
    return list(max(loops, key=lambda lp: abs(lp["relative"][k]))["variables"])


def demo_step(session, out: Path, con) -> None:
    """Demo: which loops drive the bundle and the three ideas with the largest effect (the report's section)."""
    import time

    from rich.markup import escape

    from gmb.views.report_dominance import compute, save

    started = time.perf_counter()
    data = compute("havndal", top=3, out=Path(out))
    saved = save(Path(out) / "models" / "havndal", data)
    for label, d in data["scenarios"].items():
        p = d.get("periods_map") or []
        lead = ", ".join(str(x) for x in (p[-1].get("loops") or [])[:2]) if p else "—"
        con.print(f"  loops driving [bold]{escape(str(label))}[/bold] at the horizon: {escape(lead)}")
    con.print(f"[dim]loop dominance: {saved} ({time.perf_counter() - started:.1f} s)[/dim]")
