"""Calibration and observed attribution in words, for the terminal (rich)."""

from __future__ import annotations

from typing import Any

__all__ = ["print_calibration", "print_observed_attribution"]


def _r(x: list[float]) -> str:
    return f"{x[0]:.3g} – {x[-1]:.3g}"


def print_calibration(r: dict[str, Any], con) -> None:
    from rich.markup import escape
    from rich.table import Table

    head = (f"{r['method']}: {r['data_points']} data points" +
            (f", {r['runs']} prior draws, effective sample size {r['ess']:.0f}" if "ess" in r else ""))  # fmt: skip
    con.print(f"[bold]Calibration[/bold] — {escape(head)}")
    t = Table("parameter", "prior 90 %", "posterior 5 % / 50 % / 95 %", "width ratio", "data inform it?")
    for p in r["parameters"]:
        post = "/".join(f"{x:.3g}" for x in p["posterior"])
        extra = ""
        if "p_present" in p:
            extra = f"  P(present) {p['p_present'][0]:.2f}→{p['p_present'][1]:.2f}"
        t.add_row(
            escape(str(p["ref"] or p["parameter"])),
            _r(p["prior"]),
            post + extra,
            f"{p['narrowing']:.2f}",
            "yes" if p["identifiable"] else "[yellow]no: not identifiable from these data[/yellow]",
        )
    con.print(t)
    f = r["fit"]
    if f["p_value"] != f["p_value"]:  # nan: as many parameters as data points or more
        verdict = " (cannot be judged: no more data points than fitted parameters)"
    elif f["misfit"]:
        verdict = " [red](the model cannot reproduce the data)[/red]"
    else:
        verdict = " (the data are plausible under the calibrated model)"
    con.print(f"fit: {f['statistic']} = {f['p_value']:.3f}{verdict}")
    for w in r["warnings"]:
        con.print(f"[yellow]warning:[/yellow] {escape(w)}", soft_wrap=True)
    if r.get("plot"):
        con.print(f"plot: {r['plot']}")
    con.print(f"[dim]width ratio = posterior / prior 90 % width (1 = the data said nothing). Assumptions: "
              f"{escape(r.get('assumptions', ''))}[/dim]")  # fmt: skip


def print_observed_attribution(a: dict[str, Any], con) -> None:
    from rich.markup import escape
    from rich.table import Table

    o = a["observed"]
    con.print(f"[bold]What made the difference — as far as the data can tell[/bold]: {escape(a['variable_label'])}, "
              f"t = {a['t0']:g} → {a['t1']:g} ({a['units']})")  # fmt: skip
    con.print(f"observed change {o['change']:+.3f} (90 %: {o['interval'][0]:+.3f} … {o['interval'][1]:+.3f}, "
              f"measurement error alone); the calibrated model gives {a['model_change']['mean']:+.3f}")  # fmt: skip
    t = Table("part", "mean", "90 % over posterior draws", "share of observed change")
    for r in a["activities"]:
        c = r["contribution"]
        t.add_row(escape(r["idea"]), f"{r['mean']:+.3f}", f"{c[0]:+.3f} … {c[2]:+.3f}", f"{r['share']:.0%}")
    for key, label in (("drift", "baseline drift (nothing the group did)"), ("residual", "unexplained residual")):
        d = a[key]
        t.add_row(label, f"{d['mean']:+.3f}", f"{d['interval'][0]:+.3f} … {d['interval'][2]:+.3f}", f"{d['share']:.0%}")
    con.print(t)
    c = a["calibration"]
    con.print(f"[dim]{a['draws']} posterior draws (effective sample size {c['ess']:.0f}); fit p = "
              f"{c['fit']['p_value']:.3f}. {escape(a['rule'])}[/dim]")  # fmt: skip
    for w in c["warnings"]:
        con.print(f"[yellow]warning:[/yellow] {escape(w)}", soft_wrap=True)
