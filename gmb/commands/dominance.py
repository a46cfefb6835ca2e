"""``gmb loops NAME --dominance``: which of the group's loops drive a scenario, over time.

The ``loops`` command (:mod:`gmb.commands.structure`) calls
:func:`gmb.workflow.dominance_text.dominance` when given ``--dominance``; the numbers are
:mod:`gmb.workflow.dominance`. This module keeps the demo's step and re-exports those names.
"""

from __future__ import annotations

from pathlib import Path

from gmb.workflow.dominance import compute, for_session, loop_at
from gmb.workflow.dominance_text import dominance, loop_words, period_words, print_dominance

__all__ = ["demo_step", "dominance", "for_session", "loop_at", "loop_words", "period_words", "print_dominance"]


def demo_step(session, out: Path, con) -> None:
    """Demo: which loops drive the bundle and the three ideas with the largest effect (the report's section)."""
    import time

    from rich.markup import escape

    from gmb.views.report_dominance import save

    started = time.perf_counter()
    data = compute("havndal", top=3, out=Path(out))
    saved = save(Path(out) / "models" / "havndal", data)
    for label, d in data["scenarios"].items():
        p = d.get("periods_map") or []
        lead = ", ".join(str(x) for x in (p[-1].get("loops") or [])[:2]) if p else "—"
        con.print(f"  loops driving [bold]{escape(str(label))}[/bold] at the horizon: {escape(lead)}")
    con.print(f"[dim]loop dominance: {saved} ({time.perf_counter() - started:.1f} s)[/dim]")
