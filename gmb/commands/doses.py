"""``gmb scenarios NAME`` (show each idea's dose) and ``gmb scenarios set NAME IDEA …`` (edit it).

``gmb scenarios`` is a command group whose default command is ``show``, so
``gmb scenarios NAME [--json]`` works as before. ``set`` edits one idea's plan in
``scenarios.json`` atomically: everything is checked against the model first
(variables, channels, doses), and on any error nothing is written. For a stored
session, the working group's answers (reach, intensity, persistence, lag) are the
session's: ``set`` records them there as an event too, so the idea bank in
``gmb serve`` and the file agree (see :mod:`gmb.scenarios.settings`).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import typer
from typer.core import TyperGroup

from gmb.commands.common import console, err_console, print_json
from gmb.commands.options import ProjectOpt
from gmb.workflow.models import build
from gmb.workflow.studies import prepare, scenarios_file, unlinked_warnings

__all__ = ["check_plans", "dose_table", "scenarios_app", "set_idea", "show", "unlinked_warnings"]


class _ShowByDefault(TyperGroup):
    """``gmb scenarios NAME …`` means ``gmb scenarios show NAME …`` (what it meant before ``set`` existed)."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


scenarios_app = typer.Typer(
    cls=_ShowByDefault, no_args_is_help=True, add_completion=False,
    help="Show (gmb scenarios NAME) or edit (gmb scenarios set NAME IDEA …) each idea's dose.",
)  # fmt: skip

AssumptionsOpt = typer.Option(None, "--assumptions", help="Conversion assumptions JSON (as for gmb convert).")
JsonOpt = typer.Option(False, "--json", help="Print JSON (see the README for its shape).")


def check_plans(sc, model) -> None:
    """Every idea's interventions resolved on ``model``: unknown variables, impossible channels and doses that
    make a multiplier <= 0 raise a ValidationError naming the idea, target and field."""
    from gmb.errors import GmbError
    from gmb.simulate.interventions import check_resolved, resolve_channel

    for idea in sc.ideas:
        for iv in sc.interventions([idea]):
            try:
                check_resolved(iv, resolve_channel(model, iv.variable, iv.channel))
            except GmbError as exc:
                field = exc.field if (exc.field or "").startswith("ideas.") else f"ideas.{idea}.targets.{iv.variable}"
                raise type(exc)(exc.message, field=field, hint=exc.hint) from None


def _dose_cell(plan) -> str:
    lo, d, hi = plan.dose_range
    text = f"{d:.3g}" + (f" [{lo:.3g}–{hi:.3g}]" if hi > lo else "")
    for k, (n, f) in enumerate(plan.factors.items()):
        text += f"\n{'=' if k == 0 else '×'} {n} {f.text()}"
    return text


def dose_table(sc, graph, unit: str, path: Path | None, ideas: list[str] | None = None, wide: bool = True):
    """The ideas' doses as a rich table: total and range, factors, timing, targets with shares and flags."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from gmb.scenarios.doses import target_flags

    flags = target_flags(sc.ideas, graph)
    t = Table(title=f"One dose per idea{f' ({escape(str(path))})' if path else ''}", box=box.SIMPLE_HEAD,
              pad_edge=False)  # fmt: skip
    t.add_column("idea", max_width=20 if wide else 13, no_wrap=True, overflow="ellipsis")
    t.add_column("dose d", min_width=15)
    t.add_column("lag+ramp" if wide else "lag", justify="right", no_wrap=True)
    t.add_column("target", no_wrap=True, overflow="ellipsis", max_width=30 if wide else 16)
    t.add_column("share", justify="right", no_wrap=True)
    if wide:
        t.add_column("× at d", justify="right", no_wrap=True)
    t.add_column("links to outcome" if wide else "links", no_wrap=True)
    for idea in ideas or list(sc.ideas):
        plan = sc.ideas[idea]
        d = plan.dose_range[1]
        first = [
            escape(idea),
            escape(_dose_cell(plan)),
            f"{plan.lag:g}+{plan.ramp_up:g}" + (f"\nends {plan.end:g}" if plan.end else ""),
        ]
        if not plan.targets:
            t.add_row(*first, "–", "–", *(["–"] if wide else []), escape(plan.note), end_section=True)
            continue
        rows = []
        for tg in plan.targets:
            w = plan.share_of(tg)
            if tg.explicit:
                share, mult = "own", f"{tg.direction}{tg.dose:g}"
            elif tg.channel == "inflow":
                share, mult = f"{w:.0%}", f"{tg.direction}{d * w:.3g}/{escape(unit)}"
            else:
                share, mult = f"{w:.0%}", f"{(1 + d * w) if tg.direction == '+' else 1 / (1 + d * w):.3f}"
            f = flags[idea][tg.variable]
            flag = ("[yellow]no path[/yellow]" if f["no_path_to_outcome"]
                    else f"{f['links_to_outcome']}" if f["links_to_outcome"] is not None else "–")  # fmt: skip
            if w == 0 and not tg.explicit:
                flag += ", left out"
            if tg.note:
                flag += " (note)"
            rows.append([f"{tg.direction} {escape(tg.variable)}", share, *([mult] if wide else []), flag])
        for k, row in enumerate(rows):
            t.add_row(*(first if k == 0 else [""] * 3), *row, end_section=k == len(rows) - 1)
    return t


def _factor_text(sc, idea: str, factors: dict | None) -> str:
    """ " (reach 0.5 instead of 0.3, …)": a saved what-if's factor values beside the plan's nominal ones."""
    plan = sc.ideas.get(idea)
    if not factors or plan is None:
        return ""
    parts = [f"{n} {v:g} instead of {plan.factors[n].nominal:g}" if n in plan.factors else f"{n} {v:g}"
             for n, v in factors.items()]  # fmt: skip
    return " (" + ", ".join(parts) + ")"


def _show(b, sc, path: Path, name: str, as_json: bool, ideas: list[str] | None = None) -> None:
    from rich.markup import escape

    from gmb.scenarios.doses import DOSE_RULE, QUESTIONS, target_flags

    unit = b.model.time.unit
    warnings = unlinked_warnings(sc, b.graph, name)
    if as_json:
        print_json({"file": str(path), **sc.model_dump(mode="json", by_alias=True),
                    "dose_rule": DOSE_RULE, "questions": QUESTIONS,
                    "summary": {i: sc.ideas[i].summary(i, unit) for i in (ideas or sc.ideas)},
                    "flags": target_flags(sc.ideas, b.graph), "warnings": warnings})  # fmt: skip
        return
    con = console()
    con.print(dose_table(sc, b.graph, unit, path, ideas, wide=con.width >= 100))
    con.print(f"[dim]{escape(DOSE_RULE)}. d is sampled within its range (each factor uniformly, once per idea and "
              "run, the same draw in every scenario). The numbers are assumptions to be elicited from the working "
              f"groups: {escape('; '.join(f'{k}: {v}' for k, v in QUESTIONS.items()))}.[/dim]")  # fmt: skip
    for idea in ideas or sc.ideas:
        for tg in sc.ideas[idea].targets:
            if tg.note:
                con.print(f"[dim]note on {escape(idea)} → {escape(tg.variable)}: {escape(tg.note)}[/dim]")
    for w in warnings:
        err_console().print(f"[yellow]warning:[/yellow] {escape(w)}", soft_wrap=True)
    for sname, saved in sc.saved.items():  # what-ifs saved from the panel (gmb rank shows their effects)
        ideas = "; ".join(f"{i} dose ×{s.dose:g}" + _factor_text(sc, i, s.factors)
                          + (f", starts {s.start:g} later" if s.start else "")
                          for i, s in saved.ideas.items())  # fmt: skip
        con.print(f"saved what-if [bold]{escape(sname)}[/bold]: {escape(ideas)} [dim](saved by "
                  f"{escape(saved.by or '?')} at {escape(saved.at or '?')}"
                  f"{f', event {saved.event}' if saved.event else ''})[/dim]")  # fmt: skip
    if sc.migration:
        con.print(f"[dim]migration: {escape(sc.migration)}[/dim]")
    con.print(f"[dim]{escape(sc.note)}[/dim]")


@scenarios_app.command("show")
def show(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    assumptions: Path | None = AssumptionsOpt,
    out: Path = ProjectOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Show each idea's dose (total, factors, lag, range, targets, shares, flags); writes the defaults on first use."""
    b, sc, path = prepare(name, assumptions, out)
    check_plans(sc, b.model)
    _show(b, sc, path, name, as_json)


def _weights(items: list[str], plan) -> dict[str, float]:
    from gmb.errors import InputError

    known = {t.variable for t in plan.targets}
    out = {}
    for item in items:
        var, sep, value = item.partition("=")
        var = var.strip()
        try:
            w = float(value)
        except ValueError:
            w = float("nan")
        if not sep or not var or not (w >= 0 and w != float("inf")):
            raise InputError(f"expected TARGET=WEIGHT with a weight >= 0, got {item!r}", field="--weight")
        if var not in known:
            raise InputError(f"the idea has no target {var!r}", field="--weight",
                             hint=f"targets: {', '.join(sorted(known)) or 'none'}")  # fmt: skip
        out[var] = w
    return out


def _targets(items: list[str], plan, model) -> tuple:
    from gmb.errors import InputError, NotFoundError
    from gmb.scenarios.doses import Target
    from gmb.simulate.interventions import resolve_channel

    current = {t.variable: t for t in plan.targets}
    out = []
    for item in items:
        var, direction = item.strip(), None
        if var[-2:] in (":+", ":-"):
            var, direction = var[:-2], var[-1]
        if not var:
            raise InputError(f"expected VARIABLE or VARIABLE:+ / VARIABLE:-, got {item!r}", field="--target")
        try:
            resolve_channel(model, var, "auto")
        except NotFoundError as exc:
            raise NotFoundError(exc.message, field="--target", hint=exc.hint) from None
        old = current.get(var)
        t = old or Target(variable=var)
        out.append(t.model_copy(update={"direction": direction}) if direction else t)
    if len({t.variable for t in out}) != len(out):
        raise InputError("a target is named twice", field="--target")
    return tuple(out)


def _dose_from(plan, dose, low, high):
    """Plan fields for a directly given dose: a range of ±50 % around it unless --low/--high say otherwise."""
    from gmb.errors import InputError

    if dose is None:
        if low is not None or high is not None:
            if plan.factors:
                raise InputError("--low/--high set the range of a dose given directly; with reach, intensity and "
                                 "persistence give each as LOW:NOMINAL:HIGH", field="--low")  # fmt: skip
            return {"low": low if low is not None else plan.low, "high": high if high is not None else plan.high}
        return {}
    lo = dose * 0.5 if low is None else low
    hi = dose * 1.5 if high is None else high
    return {"dose": dose, "low": lo, "high": hi, "reach": None, "intensity": None, "persistence": None}


@scenarios_app.command("set")
def set_idea(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    idea: str = typer.Argument(..., help="The idea's id (gmb scenarios NAME lists them)."),
    dose: float | None = typer.Option(None, "--dose", help="The idea's total push d (0.2 = +20 %), given directly."),
    low: float | None = typer.Option(None, "--low", help="Low end of the dose's range (default: half the dose)."),
    high: float | None = typer.Option(None, "--high", help="High end of the dose's range (default: 1.5 × dose)."),
    reach: str | None = typer.Option(None, "--reach", help="How many of the children (share): N or LOW:N:HIGH."),
    intensity: str | None = typer.Option(
        None, "--intensity", help="How much it changes for them (relative change): N or LOW:N:HIGH."
    ),
    persistence: str | None = typer.Option(
        None, "--persistence", help="How much of it lasts (share kept): N or LOW:N:HIGH."
    ),
    lag: float | None = typer.Option(None, "--lag", help="Implementation lag: when the ramp starts (time units)."),
    ramp_up: float | None = typer.Option(None, "--ramp-up", help="How long the ramp takes to full effect."),
    weight: list[str] | None = typer.Option(None, "--weight", help="TARGET=W: relative weight of its share."),
    target: list[str] | None = typer.Option(
        None, "--target", help="The idea's targets (VAR, VAR:+ or VAR:-), replacing the list."
    ),
    drop_unlinked: bool = typer.Option(
        False, "--drop-unlinked", help="Weight 0 for targets with no path to the outcome."
    ),
    note: str | None = typer.Option(None, "--note", help="Why these numbers (who answered, from what)."),
    assumptions: Path | None = AssumptionsOpt,
    out: Path = ProjectOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Edit one idea's dose, timing, targets or weights in scenarios.json (atomically; nothing written on error)."""
    from gmb.errors import GmbError, InputError, NotFoundError, ValidationError
    from gmb.scenarios.doses import IdeaPlan
    from gmb.scenarios.settings import complete_scenarios, default_scenarios, load_scenarios, save_scenarios

    b = build(name, assumptions_file=assumptions, out=out, write=False)
    path = scenarios_file(name, out)
    sc = complete_scenarios(load_scenarios(path), b.graph) if path.is_file() else default_scenarios(b.graph)
    if idea not in sc.ideas:
        raise NotFoundError(f"unknown idea {idea!r}", field="IDEA", hint=f"ideas: {', '.join(sc.ideas)}")
    plan = sc.ideas[idea]
    changes, factors = _plan_changes(plan, b.model, target, (reach, intensity, persistence), dose, low, high, lag,
                                     ramp_up, note)  # fmt: skip
    data = {**dict(plan), **changes}
    data["targets"] = _reweighted(data["targets"], idea, weight, drop_unlinked, b.graph)
    if not (set(changes) - {"note"}) and note is None and not weight and not drop_unlinked:
        raise InputError("nothing to change", hint="give --dose, --reach/--intensity/--persistence, --lag, --ramp-up, "
                         "--weight, --target, --drop-unlinked or --note")  # fmt: skip
    try:
        new_plan = IdeaPlan.model_validate(data)
    except GmbError as exc:
        raise ValidationError(exc.message, field=f"ideas.{idea}.{exc.field or ''}".rstrip("."), hint=exc.hint) from None
    session_changes = _session_answers(b, name, idea, new_plan, described=bool(factors) or lag is not None,
                                       direct=dose is not None)  # fmt: skip
    new = sc.with_plan(idea, new_plan)
    check_plans(new, b.model)  # every target resolved and every dose checked before anything is written
    if session_changes is not None:
        _commit_answers(name, idea, session_changes)
        new = complete_scenarios(new, _reload_graph(name, b))
    save_scenarios(new, path)
    _show(b, new, path, name, as_json, [idea])
    if not as_json:
        console().print(f"[green]✓[/green] saved {path}")


def _plan_changes(
    plan, model, target, answers: tuple, dose, low, high, lag, ramp_up, note
) -> tuple[dict[str, Any], dict]:
    """The plan fields ``gmb scenarios set`` changes, and the factors given (reach, intensity, persistence).

    A dose given directly and a dose given by its factors exclude each other; every number given
    is checked (>= 0, finite) before anything is built.
    """
    from gmb.errors import InputError
    from gmb.scenarios.doses import FACTORS, Factor

    changes: dict[str, Any] = {}
    if target:
        changes["targets"] = _targets(target, plan, model)
    factors = {n: Factor.parse(v, field=f"--{n}") for n, v in zip(FACTORS, answers) if v is not None}
    if factors and dose is not None:
        raise InputError("give either --dose or --reach/--intensity/--persistence, not both", field="--dose",
                         hint="the dose is reach × intensity × persistence")  # fmt: skip
    if factors:
        merged = {**plan.factors, **factors}
        if "intensity" not in merged:
            raise InputError("describing the dose by its factors needs --intensity (how much it changes for them)",
                             field="--intensity", hint="e.g. --intensity 0.2:0.3:0.4")  # fmt: skip
        changes.update({n: merged.get(n) for n in FACTORS}, dose=None, low=None, high=None)
    for opt, value in (("--dose", dose), ("--low", low), ("--high", high), ("--lag", lag), ("--ramp-up", ramp_up)):
        if value is not None and not (value >= 0 and value != float("inf")):
            raise InputError(f"must be a number >= 0, got {value!r}", field=opt)
    changes.update(_dose_from(plan, dose, low, high))
    if lag is not None:
        changes["lag"] = lag
    if ramp_up is not None:
        changes["ramp_up"] = ramp_up
    if note is not None:
        changes["note"] = note
    elif plan.note == "default dose (assumption)":
        changes["note"] = "set with gmb scenarios set (assumption)"
    return changes, factors


def _reweighted(targets: tuple, idea: str, weight: list[str] | None, drop_unlinked: bool, graph) -> tuple:
    """The targets with ``--weight TARGET=W`` applied, then weight 0 for those with no path to the outcome
    (``--drop-unlinked``)."""
    from gmb.scenarios.doses import target_flags

    if weight:
        w = _weights(weight, SimpleNamespace(targets=targets))
        targets = tuple(t.model_copy(update={"weight": w[t.variable]}) if t.variable in w else t
                        for t in targets)  # fmt: skip
    if drop_unlinked:
        flags = target_flags({idea: SimpleNamespace(targets=targets)}, graph)[idea]
        cut = {v for v, f in flags.items() if f["no_path_to_outcome"]}
        targets = tuple(t.model_copy(update={"weight": 0.0}) if t.variable in cut else t
                        for t in targets)  # fmt: skip
    return targets


def _session_answers(b, name: str, idea: str, plan, *, described: bool, direct: bool) -> dict[str, Any] | None:
    """The dose answers to record in the stored session (None: nothing to record there).

    Factors or a lag given: the plan's factors and lag become the session's answers. A dose given
    directly clears the session's factors (keeping its lag), so they do not override it on the next run.
    """
    from gmb.errors import InputError

    info = (b.graph.graph.get("ideas") or {}).get(idea) or {}
    current = info.get("dose") or {}
    if not (described or (direct and any(current.get(n) for n in ("reach", "intensity", "persistence")))):
        return None
    if Path(name).is_file() or Path(name).suffix:  # a map file: scenarios.json only, unless the map holds answers
        if current:
            raise InputError("the map file holds this idea's dose answers; edit them there", field="IDEA")
        return None
    answers = {n: (None if f is None else dict(zip(("low", "nominal", "high"), f.range)))
               for n, f in ((n, getattr(plan, n)) for n in ("reach", "intensity", "persistence"))}  # fmt: skip
    answers["lag"] = plan.lag if described else current.get("lag")
    merged = {"note": "", **current, **answers}
    return None if merged == {"note": "", **current} else merged


def _commit_answers(name: str, idea: str, answers: dict[str, Any]) -> None:
    from gmb.workflow.sources import store

    store().commit(name, "update", {"kind": "idea", "id": idea, "changes": {"dose": answers}}, by="gmb scenarios set")


def _reload_graph(name: str, b):
    from gmb.cld.graph import to_graph
    from gmb.workflow.sources import store

    return to_graph(store().load(name))
