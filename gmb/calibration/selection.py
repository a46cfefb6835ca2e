"""What selection and survivorship do to the inference from a cross-sectional comparison.

A cross-sectional survey by time in a group (e.g. Roskilde: 39 % / 20 % / 9 % lonely after < 1,
1–2 and 2–3 years) is not a follow-up of the same people: those who stayed longest may have been
less lonely from the start (selection), and lonelier members may have left (survivorship). If a
share ``s`` of the observed difference is who stays, only ``(1 − s)`` of it is change in the
members: each data point of a series read relative to its first value, ``ln(y_t / y0)``, becomes
``(1 − s) · ln(y_t / y0)`` (its error unchanged). :func:`selection_variants` calibrates and
attributes again under each ``s`` and returns one row per variant, so a planner sees how much of
the conclusion rests on reading the survey as a time series.

>>> from gmb.calibration.synthetic import tiny_problem
>>> prob, _ = tiny_problem(seed=0)
>>> float(with_selection(prob, 0.5).y[0]) == float(prob.y[0])  # a level series is left alone
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gmb.errors import InputError

__all__ = ["selection_variants", "with_selection"]


def with_selection(prob: Any, share: float) -> Any:
    """``prob`` with ``share`` of every relative series' observed change taken as selection."""
    if not 0 <= share < 1:
        raise InputError(f"a selection share must lie in [0, 1), got {share:g}", field="selection")
    y = prob.y.copy()
    i = 0
    for s in prob.series:
        n = len(s.values)
        if s.transform == "relative_to_first":
            y[i : i + n] *= 1.0 - share
        i += n
    return replace(prob, y=y)


def selection_variants(prob: Any, shares: Sequence[float] = (0.0, 0.25, 0.5), *, runs: int = 4000, seed: int = 0,
                       draws: int = 400) -> list[dict[str, Any]]:  # fmt: skip
    """Calibrate and attribute under each selection share: observed change, fit, contributions, residual."""
    from gmb.calibration.attribution import attribute_change
    from gmb.calibration.core import calibrate_problem

    rows = []
    for s in shares:
        p = with_selection(prob, float(s))
        post = calibrate_problem(p, runs=runs, seed=seed, keep=draws)
        a = attribute_change(p, post)
        rows.append({"selection": float(s), "observed_change": a["observed"]["change"],
                     "fit_p": post["fit"]["p_value"], "ess": post["ess"],
                     "activities": {r["idea"]: {"mean": r["mean"], "interval": r["contribution"], "share": r["share"]}
                                    for r in a["activities"]},
                     "residual": a["residual"], "drift": a["drift"],
                     "posterior": {r["ref"] or r["parameter"]: r["posterior"] for r in post["parameters"]
                                   if r["kind"] == "dose"}})  # fmt: skip
    return rows


def print_variants(rows: list[dict[str, Any]], con) -> None:
    """The variants as a table: how the conclusion moves with the share taken as selection."""
    from rich.table import Table

    ideas = list(rows[0]["activities"]) if rows else []
    t = Table("selection share", "observed change (members)", "fit p", *ideas, "residual")
    for r in rows:
        cells = [f"{r['activities'][i]['mean']:+.2f} ({r['activities'][i]['interval'][0]:+.2f} … "
                 f"{r['activities'][i]['interval'][2]:+.2f})" for i in ideas]  # fmt: skip
        t.add_row(
            f"{r['selection']:.0%}",
            f"{r['observed_change']:+.2f}",
            f"{r['fit_p']:.2f}",
            *cells,
            f"{r['residual']['mean']:+.2f}",
        )
    con.print("[bold]If part of the difference is who stays (selection, survivorship)[/bold]")
    con.print(t)
    con.print("[dim]A cross-sectional survey by time in the group credits the activity with the whole difference "
              "(share 0 %). If 25 % or 50 % of it is who stays, the change in the members is smaller, and so is "
              "the evidence for the activity's effect. Units: ln(x(t1)/x(t0)).[/dim]")  # fmt: skip
