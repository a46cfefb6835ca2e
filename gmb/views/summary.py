"""A rich text summary of a session for the terminal."""

from __future__ import annotations

from gmb.session.model import Session

__all__ = ["print_summary"]


def print_summary(session: Session, *, lang: str | None = None, console=None) -> None:
    """Print focus, counts, themes and the idea bank with votes and feasibility."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    console = console or Console(highlight=False)
    lang = lang or (session.languages[0] if session.languages else None)
    names = {v.id: v.label(lang) for v in session.variables}
    signs = {"+": 0, "-": 0, "?": 0}
    for link in session.links:
        signs[link.polarity.value] += 1
    head = [
        f"[bold]{session.title}[/bold]" + (f" — {session.place}" if session.place else ""),
        f"focus: {session.focus}" if session.focus else "",
        f"outcome: {names.get(session.outcome_variable, '—')}",
        (
            f"{len(session.participants)} participants · {len(session.variables)} variables · "
            f"{len(session.links)} links ({signs['+']} +, {signs['-']} −, {signs['?']} unknown) · "
            f"{len(session.themes)} themes · {len(session.stories)} stories · "
            f"{len(session.initiatives)} existing initiatives · {len(session.ideas)} ideas"
        ),
    ]
    console.print(Panel("\n".join(h for h in head if h), title="session", expand=False))
    if session.indicators:
        t = Table("W0 indicator", "value", "comparison", "source", title="W0 data")
        for ind in session.indicators:
            t.add_row(
                ind.name, f"{ind.value if ind.value is not None else ''} {ind.unit}".strip(), ind.comparison, ind.source
            )
        console.print(t)
    if session.themes:
        t = Table("theme", "variables", "stories", title="themes")
        for th in session.themes:
            members = [names[v.id] for v in session.variables if th.id in v.themes]
            stories = [s.title for s in session.stories if s.theme == th.id]
            t.add_row(th.label(lang), ", ".join(members), "; ".join(stories))
        console.print(t)
    if session.ideas:
        t = Table("idea", "acts on", "votes", "feasibility", "working group", title="idea bank (bankbog)")
        for idea in sorted(session.ideas, key=lambda i: -len(i.votes)):
            targets = ", ".join(f"{names.get(x.variable, x.variable)} ({x.direction})" for x in idea.targets)
            feas = "" if idea.feasibility is None else f"{idea.feasibility:g}/5"
            t.add_row(idea.label(lang), targets, str(len(idea.votes)), feas, idea.working_group or "")
        console.print(t)
