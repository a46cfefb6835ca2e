"""Ensemble answers as rich tables and sentences: the ranking, the attribution, their footer.

Shared by ``gmb rank``, ``gmb attribute``, ``gmb simulate --runs`` and ``gmb demo`` (which print
the same tables), and kept apart from running the ensembles (:mod:`gmb.workflow.ensembles`).
"""

from __future__ import annotations

import math
from pathlib import Path

__all__ = ["footer", "num", "pct", "print_attribution", "print_ranking", "rng"]


def pct(x: float) -> str:
    """A share as a whole percentage (``–`` for NaN).

    >>> pct(0.456), pct(float("nan"))
    ('46 %', '–')
    """
    return "–" if math.isnan(x) else f"{100 * x:.0f} %"


def num(x: float, digits: int = 3) -> str:
    """A signed number for a table cell (``–`` for NaN).

    >>> num(0.1234), num(-2.5, 2), num(12345.0)
    ('+0.123', '-2.50', '+1.2e+04')
    """
    if math.isnan(x):
        return "–"
    return f"{x:+.{digits}f}" if abs(x) < 1e4 else f"{x:+.1e}"


def rng(lo: float, hi: float) -> str:
    """An interval for a table cell.

    >>> rng(-0.1, 0.25)
    '-0.10…+0.25'
    """
    return f"{num(lo, 2)}…{num(hi, 2)}"


def footer(con, meta: dict, path: Path | None) -> None:
    """The assumptions under an ensemble table: seed, runs, horizon, engine, broken runs, run-away loops, structure."""
    from rich.markup import escape

    con.print(f"[dim]{escape(meta['label'])}. seed {meta['seed']}, {meta['runs']} runs ({meta['method']}), "
              f"horizon {meta['horizon']:g} {escape(meta['unit'])}, engine {meta['engine']}; effects are changes of "
              f"the outcome index (1 = baseline) against the baseline run with the same draws.[/dim]")  # fmt: skip
    if path is not None:
        con.print(f"[dim]doses assumed: {escape(str(path))}[/dim]")
    q = meta.get("runs_quality")
    if q:
        con.print(f"[dim]runs: {escape(q['text'])}; statistics are refused when more than {100 * q['max_broken']:g} % "
                  "break (--max-broken).[/dim]")  # fmt: skip
    share = meta.get("runaway_share")
    if share and meta.get("effect_shape") == "saturating":
        import math

        b = meta.get("saturation") or math.log(3)
        con.print(f"[yellow]note:[/yellow] in {share:.0%} of the draws reinforcing loops would run away at these "
                  f"strengths (spectral radius >= 1); the saturating response keeps every index within "
                  f"{math.exp(-b):.3g}–{math.exp(b):.3g} × baseline, so they do not run away, but their effects "
                  "depend on that ceiling (an assumption: 'saturation' in assumptions.json); what limits those loops "
                  "is asked in the model's assumptions.md.")  # fmt: skip
    elif share:
        con.print(f"[yellow]warning:[/yellow] in {share:.0%} of the draws reinforcing loops run away (spectral "
                  "radius >= 1): effects there grow without limit, so read medians and directions, not sizes; "
                  "consider 'effect_shape': 'saturating' (or 'stability': 'scale') in the model's "
                  "assumptions.json.")  # fmt: skip
    if meta.get("elasticity_scale", 1.0) != 1.0:
        con.print(f"[dim]stability: scale — every elasticity multiplied by {meta['elasticity_scale']:.4g}.[/dim]")
    if meta.get("broken_runs"):
        con.print(f"[yellow]warning:[/yellow] {meta['broken_runs']} runs overflowed and are left out.")
    st = meta.get("structure") or {}
    if st.get("links"):
        con.print(f"[dim]structure: {'varied' if st.get('varied') else 'as drawn (--no-structure)'}: "
                  f"{len(st['links'])} uncertain link(s) ({escape(', '.join(st['links']))}) "
                  f"{'are drawn present/absent and +/- per run' if st.get('varied') else 'kept as drawn'}; "
                  "see gmb robustness for the links a verdict rests on.[/dim]")  # fmt: skip


def print_ranking(r: dict, con, path: Path | None = None) -> None:
    """The ranking as a rich table."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    m = r["meta"]
    t = Table(title=f"Ideas ranked by {'simulated effect' if m['ranked_by'] == 'effect' else 'combined score'} on "
                    f"{escape(str(m.get('outcome_label') or m['outcome']))} after {r['horizon']:g} "
                    f"{escape(r['unit'])} (exploratory)")  # fmt: skip
    wide = con.width >= 100
    t.box, t.pad_edge = box.SIMPLE_HEAD, False
    t.add_column("#", justify="right", min_width=1, no_wrap=True)
    t.add_column("idea", max_width=40 if wide else 20, no_wrap=True, overflow="ellipsis")
    cols = [
        "effect",
        *(["50 %"] if wide else []),
        "90 %",
        "P(up)" if m.get("better") != "down" else "P(down)",
        "ranks",
        "P(#1)",
        "settled",
        "feas.",
        "votes",
        "score",
    ]
    for col in cols:
        t.add_column(col, justify="right", no_wrap=True, min_width=11 if "%" in col and col[0].isdigit() else len(col))
    for pos, row in enumerate(r["ideas"], start=1):
        feas = "–" if row["feasibility"] is None else f"{row['feasibility']:g}/5"
        iv = row.get("rank_interval")
        ranks = "–" if not iv else str(iv[0]) if iv[0] == iv[1] else f"{iv[0]}–{iv[1]}"
        t.add_row(str(pos), escape(row["label"]), num(row["median"], 2),
                  *([rng(row["p25"], row["p75"])] if wide else []), rng(row["p5"], row["p95"]),
                  pct(row["p_improves"]), ranks, pct((row.get("p_rank") or [float("nan")])[0]),
                  pct(row.get("settled", float("nan"))), feas, str(row["votes"]),
                  f"{row['score']:.2f}" if row["score"] == row["score"] else "–")  # fmt: skip
    con.print(t)
    _print_rank_tables(r, con)
    _print_rank_words(r, con)
    up = "up" if m.get("better") != "down" else "down"
    con.print(f"[dim]effect: median change of the outcome index at the horizon (+0.10 = 10 % above today's level in "
              f"the model's terms); 50 %/90 %: intervals over the draws; P({up}): share of draws in which the outcome "
              "improves; ranks: 90 % interval of the idea's rank over "
              "the draws; P(#1): share of draws in which it is best; settled: share of its long-run effect reached at "
              "the horizon.[/dim]")  # fmt: skip
    w = m["weights"]
    con.print(f"[dim]score = ({w['effect']:g}·effect + {w['feasibility']:g}·feasibility + {w['votes']:g}·votes) / "
              f"{w['effect'] + w['feasibility'] + w['votes']:g}; effect relative to the largest median, feasibility "
              "/5, votes relative to the most votes.[/dim]")  # fmt: skip
    footer(con, m, path)


def _print_rank_tables(r: dict, con, most: int = 12) -> None:
    """P(rank = k) for every k and P(row beats column), ideas numbered as in the ranking (up to ``most``)."""
    from rich import box
    from rich.table import Table

    rows = [row for row in r["ideas"] if row.get("p_rank")]
    n = len(rows)
    if not n or n > most:
        if n:
            con.print(f"[dim]P(rank = k) and P(A beats B) for {n} ideas: see --json.[/dim]")
        return
    ids = [row["idea"] for row in rows]
    for title, cells in (
        ("P(rank = k)", lambda row: row["p_rank"]),
        ("P(row beats column)",
         lambda row: [row["p_beats"].get(j, float("nan")) if j != row["idea"] else float("nan") for j in ids]),
    ):  # fmt: skip
        t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
        t.add_column("#", justify="right", no_wrap=True)
        for k in range(1, n + 1):
            t.add_column(f"{k}" if "rank" in title else f"#{k}", justify="right", no_wrap=True, min_width=4)
        for pos, row in enumerate(rows, start=1):
            t.add_row(str(pos), *("·" if math.isnan(x) else f"{x:.2f}" for x in cells(row)))
        con.print(t)
    con.print("[dim]shares of the draws (ideas numbered as in the ranking): in how many the idea is k-th, and in how "
              "many the row's idea has the better effect than the column's.[/dim]")  # fmt: skip


def _print_rank_words(r: dict, con) -> None:
    """Ties, what holds under the variants and what flips the order, and settling warnings: short."""
    from rich.markup import escape

    from gmb.scenarios.words import PER_TARGET, dose_text, fact_text

    labels = {row["idea"]: row["label"] for row in r["ideas"]}
    m = r["meta"]
    shape = m.get("response_shape") or m.get("effect_shape")
    shape = f" Response shape: {shape}." if shape else ""
    doses = dose_text(m.get("doses") or {}, m.get("dose_rule") or PER_TARGET, labels, plans=m.get("dose_plans"))
    con.print(f"[dim]{escape(doses)}{escape(shape)}[/dim]")
    ru = r.get("rank_uncertainty") or {}
    if ru.get("text"):
        con.print(
            "[bold]Ranking with its uncertainty[/bold] (ties: P(A beats B) between "
            f"{ru['tie_band'][0]:g} and {ru['tie_band'][1]:g}): " + escape("; ".join(ru["text"])) + "."
        )
    var = r.get("variants") or {}
    if var.get("facts"):
        names = ", ".join(v["name"] for v in var.get("list") or [])
        con.print(
            f"[bold]Under other assumptions[/bold] ({escape(names)}; {var['runs_each']} draws each): "
            + escape(" ".join(fact_text(f, "en", labels) for f in var["facts"] if f["holds"]))
        )
        flips = [fact_text(f, "en", labels) for f in var["facts"] if not f["holds"]]
        if flips:
            more = f" ({len(flips) - 3} more: --json)" if len(flips) > 3 else ""
            con.print("[bold]Assumptions that flip the order:[/bold] " + escape(" ".join(flips[:3]) + more))
    for note in var.get("notes") or []:
        con.print(f"[dim]note: {escape(note)}[/dim]")
    from gmb.scenarios.words import verdict_text

    groups: dict[str, list[str]] = {}
    for row in r["ideas"]:
        text = verdict_text(row.get("verdict"), row.get("p_improves"))
        if text:
            groups.setdefault(text, []).append(labels[row["idea"]])
    for text, names in groups.items():
        con.print(f"[bold]Along the map[/bold] ({escape(', '.join(names))}): {escape(text)}")
    from gmb.scenarios.words import robustness_text

    for text in robustness_text(r):  # the uncertain links a verdict rests on (leave-one-link-out)
        con.print(escape(text))
    st = r.get("settled") or {}
    low = [labels.get(i, i) for i, v in (st.get("scenarios") or {}).items() if v["share"] == v["share"]
           and v["share"] < 0.5]  # fmt: skip
    if low:
        con.print(f"[yellow]not settled:[/yellow] {escape(', '.join(low))} reach less than half of their long-run "
                  f"effect by the horizon (long run: {st['long_run_time']:g} {escape(r['unit'])}, {st['draws']} "
                  "draws); the effect there is an early part of what the map implies.")  # fmt: skip


def print_attribution(r: dict, con, path: Path | None = None) -> None:
    """The attribution as a rich table."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    m = r["meta"]
    be, inter, solo = r["bundle_effect"], r["interaction_effect"], r["sum_of_solo_effects"]
    con.print(f"[bold]Bundle of {len(r['bundle'])} ideas[/bold]: effect on "
              f"{escape(str(m.get('outcome_label') or m['outcome']))} after "
              f"{r['horizon']:g} {escape(r['unit'])}: median {num(be['median'])} (90 %: {num(be['p5'])} … "
              f"{num(be['p95'])}), P(improves) {pct(be['p_improves'])}")  # fmt: skip
    t = Table(title=f"Each idea's share of the bundle's effect (Shapley, {escape(m['method_shapley'])}; exploratory)")
    t.box, t.pad_edge = box.SIMPLE_HEAD, False
    t.add_column("idea", max_width=40 if con.width >= 100 else 22, no_wrap=True, overflow="ellipsis")
    for col, width in (("share", 5), ("E[Shapley]", 7), ("90 %", 11), ("alone", 5), ("interaction", 11)):
        t.add_column(col, justify="right", no_wrap=True, min_width=width)
    for row in r["ideas"]:
        s = row["shapley"]
        t.add_row(escape(row["label"]), pct(row["share"]), num(row.get("expected", s["mean"]), 3),
                  rng(s["p5"], s["p95"]), num(row["solo"]["median"], 2),
                  num(row["interaction"]["median"], 2))  # fmt: skip
    con.print(t)
    con.print(f"[dim]share = the idea's expected Shapley value / the bundle's expected effect {num(r['total'])} "
              f"(ratio of means; shares add up to 100 %); 90 %: interval of the per-draw Shapley values (each "
              f"draw's add up to its bundle effect, largest relative deviation {m['efficiency_max_error']:.1e}); "
              f"alone and interaction (Shapley minus alone) are medians. Interaction part of the bundle: its effect "
              f"minus the sum of solo effects = {num(inter['median'])} (median; solo effects sum to "
              f"{num(solo['median'])}).[/dim]")  # fmt: skip
    parts = r.get("interaction_parts") or {}
    if parts.get("text"):
        con.print(escape(parts["text"]))
    st = ((r.get("settled") or {}).get("scenarios") or {}).get("bundle")
    if st and st["share"] == st["share"]:
        warn = st["share"] < 0.5
        con.print(f"{'[yellow]not settled:[/yellow] ' if warn else ''}the bundle reaches {pct(st['share'])} of its "
                  f"long-run effect by the horizon (long run: {r['settled']['long_run_time']:g} "
                  f"{escape(r['unit'])}).")  # fmt: skip
    footer(con, m, path)
