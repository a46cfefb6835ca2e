"""``gmb rank``, ``gmb attribute``, ``gmb sensitivity``, ``gmb scenarios`` and ``gmb simulate --runs``.

All of them build the model the way ``gmb convert`` does (:func:`gmb.workflow.models.build`,
nothing written), read the scenario assumptions — which interventions each
idea stands for, with which doses — from ``sessions/NAME/scenarios.json``
(written with the defaults on first use, so they can be read and edited), run
an ensemble with a progress bar on stderr, and print a table or, with
``--json``, the result as JSON on stdout (documented in the README).
"""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.common import console, print_json
from gmb.commands.options import (
    AssumptionsOpt,
    BackendOpt,
    EngineOpt,
    HorizonOpt,
    IntegrationOpt,
    JsonOpt,
    LangOpt,
    MaxBrokenOpt,
    MethodOpt,
    OutcomeOpt,
    ProjectOpt,
    RunsOpt,
    SchedulerOpt,
    SeedOpt,
    StructureOpt,
    WorkersOpt,
)
from gmb.workflow.ensemble_text import print_attribution, print_ranking
from gmb.workflow.ensembles import Bar, add_verdicts, on_backend, public, refuse, save_and_show, simulate_ensemble
from gmb.workflow.studies import lang_of, load_or_init_scenarios, prepare, resolve_bundle, scenarios_file, vary

__all__ = [
    "add_verdicts",
    "attribute",
    "demo_step",
    "load_or_init_scenarios",
    "print_attribution",
    "print_ranking",
    "print_saved",
    "rank",
    "register",
    "resolve_bundle",
    "scenarios_file",
    "sensitivity",
    "simulate_ensemble",
]


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)
    app.command("attribute")(attribute)
    app.command("sensitivity")(sensitivity)
    # ``gmb scenarios`` (show/set doses) is :mod:`gmb.commands.doses`, added by gmb.cli right after these


# -- gmb rank ------------------------------------------------------------------------------------------
def rank(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    runs: int = RunsOpt,
    seed: int = SeedOpt,
    method: str = MethodOpt,
    horizon: float | None = HorizonOpt,
    by: str = typer.Option("effect", "--by", help="Order by effect (median) or by the combined score."),
    lang: str | None = LangOpt,
    assumptions: Path | None = AssumptionsOpt,
    out: Path = ProjectOpt,
    outcome: str | None = OutcomeOpt,
    engine: str = EngineOpt,
    integration: str = IntegrationOpt,
    as_json: bool = JsonOpt,
    backend: str | None = BackendOpt,
    scheduler: str | None = SchedulerOpt,
    workers: int | None = WorkersOpt,
    structure: bool = StructureOpt,
    max_broken: float = MaxBrokenOpt,
    variants: bool = typer.Option(
        True,
        "--variants/--no-variants",
        help="Also rank under the assumption variants "
        "(horizon 3/5/10 years, response shapes, dose rules) and say what holds.",
    ),
    variant_runs: int = typer.Option(300, "--variant-runs", help="Draws per assumption variant."),
    robustness: bool = typer.Option(
        True,
        "--robustness/--no-robustness",
        help="Also leave out one link at a time: the uncertain links each idea's verdict rests on (as gmb robustness).",
    ),
    robustness_runs: int = typer.Option(
        200, "--robustness-runs", help="Draws per link left out (the ranking's first draws, the same for every link)."
    ),
) -> None:
    """Rank the idea bank by simulated effect at the horizon: intervals, P(rank = k), ties, P(improves), the share of
    the long-run effect reached, what holds under other assumptions, feasibility and votes."""
    from gmb.scenarios.answers import rank_ideas

    b, sc, path = prepare(name, assumptions, out, outcome=outcome)
    r = on_backend("ranking ideas", as_json, path, (backend, scheduler, workers), lambda be, bar: rank_ideas(
        b.model, b.graph, sc, runs=runs, seed=seed, method=method, horizon=horizon, by=by, lang=lang_of(b, lang),
        engine=engine, integration=integration, progress=bar, backend=be, max_broken=max_broken,
        variants=variants, variant_runs=variant_runs, assumptions=b.assumptions, vary=vary(structure),
        robustness=robustness, robustness_runs=min(runs, robustness_runs)))  # fmt: skip
    add_verdicts(r, b.graph)
    if sc.saved:  # what-ifs saved from the panel: their effect on the same draws (the panel's numbers)
        from dataclasses import replace

        from gmb.scenarios.whatif_saved import saved_effects

        saved = saved_effects(b.model, sc, runs=runs, seed=seed, horizon=horizon, engine=engine, max_broken=max_broken)
        r = replace(r, saved_scenarios=saved)
    save_and_show(b, "ranking.json", r, path, as_json, print_ranking)
    if sc.saved and not as_json:
        print_saved(r["saved_scenarios"], r["meta"].get("better"))


def print_saved(saved: dict, better: str | None) -> None:
    """The saved what-if scenarios' effects as a table (``gmb rank``)."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from gmb.workflow.ensemble_text import num, pct, rng

    t = Table(title="Saved what-if scenarios (exploratory; dose × multiplier, start + lag)", box=box.SIMPLE_HEAD)
    for col in ("scenario", "ideas", "effect", "90 %", "P(down)" if better == "down" else "P(up)", "saved by"):
        t.add_column(col)
    for name, e in saved.items():
        ideas = ", ".join(f"{i} ×{s['dose']:g}" + (f" +{s['start']:g}" if s["start"] else "")
                          for i, s in e["ideas"].items())  # fmt: skip
        t.add_row(escape(name), escape(ideas), num(e["median"], 2), rng(e["p5"], e["p95"]), pct(e["p_improves"]),
                  escape(f"{e.get('by') or '?'} {e.get('at') or ''}"))  # fmt: skip
    console().print(t)


# -- gmb attribute -------------------------------------------------------------------------------------
def attribute(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    bundle: str = typer.Option("all", "--bundle", help="Ideas, comma-separated, a bundle's name, or 'all'."),
    runs: int = RunsOpt,
    seed: int = SeedOpt,
    method: str = MethodOpt,
    horizon: float | None = HorizonOpt,
    permutations: int = typer.Option(256, "--permutations", help="Sampled orders when the bundle has > 10 ideas."),
    lang: str | None = LangOpt,
    assumptions: Path | None = AssumptionsOpt,
    out: Path = ProjectOpt,
    engine: str = EngineOpt,
    integration: str = IntegrationOpt,
    as_json: bool = JsonOpt,
    backend: str | None = BackendOpt,
    scheduler: str | None = SchedulerOpt,
    workers: int | None = WorkersOpt,
    structure: bool = StructureOpt,
    max_broken: float = MaxBrokenOpt,
    observed: bool = typer.Option(
        False,
        "--observed",
        help="Split the OBSERVED change among the implemented "
        "activities (as gmb attribute-observed; --runs = prior draws).",
    ),
) -> None:
    """Split a bundle's effect among its ideas (Shapley values), with each idea's solo effect and the interaction."""
    if observed:  # issue 18: after the fact, from the observations (gmb.workflow.calibration)
        from gmb.workflow.calibration import show_observed_attribution

        return show_observed_attribution(name, runs=runs, seed=seed, variable=None, structure=structure,
                                         selection=None, as_json=as_json)  # fmt: skip
    from gmb.scenarios.answers import attribute as shapley

    b, sc, path = prepare(name, assumptions, out)
    ideas = resolve_bundle(sc, bundle)
    label = f"{2 ** len(ideas) if len(ideas) <= 10 else 'sampled'} sub-bundles"
    r = on_backend(label, as_json, path, (backend, scheduler, workers), lambda be, bar: shapley(
        b.model, b.graph, sc, ideas, runs=runs, seed=seed, method=method, horizon=horizon, permutations=permutations,
        lang=lang_of(b, lang), engine=engine, integration=integration, progress=bar, backend=be,
        vary=vary(structure), max_broken=max_broken))  # fmt: skip
    save_and_show(b, "attribution.json", r, path, as_json, print_attribution)


# -- gmb sensitivity -----------------------------------------------------------------------------------
def sensitivity(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    scenario: str = typer.Option("all", "--scenario", help="An idea, a bundle's name, IDEA,IDEA,… or all."),
    samples: int = typer.Option(256, "--samples", help="Saltelli base sample (a power of two)."),
    seed: int = SeedOpt,
    horizon: float | None = HorizonOpt,
    top: int = typer.Option(15, "--top", help="Show this many parameters (--json: all)."),
    assumptions: Path | None = AssumptionsOpt,
    out: Path = ProjectOpt,
    engine: str = EngineOpt,
    as_json: bool = JsonOpt,
    max_broken: float = MaxBrokenOpt,
) -> None:
    """Which links (and times, doses) drive the spread of a scenario's effect: Sobol indices (SALib)."""
    from dataclasses import replace

    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from gmb.scenarios.answers import _meta as answer_meta
    from gmb.simulate.ensemble import Study
    from gmb.simulate.sensitivity import sobol

    b, sc, path = prepare(name, assumptions, out)
    ideas = resolve_bundle(sc, scenario)
    h = horizon if horizon is not None else sc.horizon_for(b.model.time.unit, b.model.time.start, b.model.time.stop)
    study = Study.build(b.model, {scenario: sc.interventions(ideas)}, seed=seed, horizon=h, every=10**9,
                        engine=engine)  # fmt: skip
    from gmb.simulate.quality import TooManyBrokenRuns

    try:
        with Bar("Sobol runs", not as_json) as bar:
            bar(0, 1)
            r = sobol(study, scenario, n=samples, seed=seed, top=None if as_json else top, max_broken=max_broken)
            bar(1, 1)
    except TooManyBrokenRuns as exc:
        refuse(exc, as_json)
    # the meta every ensemble answer carries (outcome, doses, better …), then what only Sobol knows
    r = replace(r, meta={**answer_meta(study, r.meta["runs"], sc, ideas), **r.meta, "scenarios_file": str(path)})
    if as_json:
        print_json(public(r))
        return
    con = console()
    t = Table(title=f"What drives the spread of the effect of {escape(scenario)} (Sobol indices, exploratory)",
              box=box.SIMPLE_HEAD, pad_edge=False)  # fmt: skip
    t.add_column("parameter", max_width=60 if console().width >= 100 else 44, no_wrap=True, overflow="ellipsis")
    for col in ("total ST", "first-order S1"):
        t.add_column(col, justify="right", no_wrap=True)
    for row in r["parameters"]:
        t.add_row(escape(row["label"]), f"{row['ST']:.3f} ± {row['ST_conf']:.3f}",
                  f"{row['S1']:.3f} ± {row['S1_conf']:.3f}")  # fmt: skip
    con.print(t)
    meta = r["meta"]
    con.print(f"[dim]{meta['simulations']} simulations ({meta['sampler']}, seed {meta['seed']}); ST: share of the "
              "effect's variance the parameter is involved in; S1: alone.[/dim]")  # fmt: skip
    con.print(f"[dim]runs: {escape(meta['runs_quality']['text'])}.[/dim]")
    if not meta.get("converged", True):
        con.print(
            "[yellow]warning:[/yellow] the indices have not converged (values outside 0–1, intervals wider "
            "than the values, or S1 above ST beyond their intervals): too few samples, or the effect's "
            "distribution is too heavy-tailed — typical when reinforcing loops run away. Use more --samples, "
            "or stable strengths ('stability': 'scale'). "
            + escape("; ".join((meta.get("not_converged_because") or [])[:3]))
        )
    if meta.get("base_samples_left_out"):
        con.print(f"[yellow]note:[/yellow] {meta['base_samples_left_out']} of {meta['base_samples']} base samples "
                  "were left out: a run in them overflowed.")  # fmt: skip


# -- gmb demo ------------------------------------------------------------------------------------------
def demo_step(session, out: Path, con) -> None:
    """Demo: rank the Havndal ideas (with leave-one-link-out) and attribute the full bundle's effect (1,000 draws
    each)."""
    import json

    from rich.markup import escape

    from gmb.cld.graph import to_graph
    from gmb.examples import example_dir
    from gmb.files import atomic_write_text
    from gmb.scenarios.answers import attribute as shapley
    from gmb.scenarios.answers import behaviour, fan_charts, rank_ideas
    from gmb.stockflow.assumptions import Assumptions, load_assumptions
    from gmb.stockflow.convert import to_stockflow

    folder = Path(out) / "models" / "havndal"
    saved = folder / "assumptions.json"
    a = load_assumptions(saved) if saved.is_file() else Assumptions()
    graph = to_graph(session)
    model = to_stockflow(graph, a, name="havndal")
    path = folder / "scenarios.json"
    shipped = Path(example_dir("havndal")) / "scenarios.json"
    if not path.is_file() and shipped.is_file():  # start from the doses shipped with the example
        from gmb.scenarios.settings import load_scenarios, save_scenarios

        save_scenarios(load_scenarios(shipped), path)
    sc, _ = load_or_init_scenarios(path, graph)
    lang = (graph.graph.get("languages") or [None])[0]
    with Bar("ranking the ideas") as bar:
        r = rank_ideas(model, graph, sc, runs=1000, seed=0, lang=lang, progress=bar, variants=True, assumptions=a,
                       robustness=True)  # fmt: skip
    add_verdicts(r, graph)
    atomic_write_text(folder / "ranking.json", json.dumps(public(r), ensure_ascii=False, indent=2) + "\n")
    print_ranking(r, con, path)
    ideas = resolve_bundle(sc, "all")
    with Bar(f"Shapley: {2 ** len(ideas)} sub-bundles") as bar:
        a_ = shapley(model, graph, sc, ideas, runs=1000, seed=0, lang=lang, progress=bar)
    atomic_write_text(folder / "attribution.json", json.dumps(public(a_), ensure_ascii=False, indent=2) + "\n")
    print_attribution(a_, con, None)
    with Bar("fan charts") as bar:
        f = fan_charts(model, sc, bundles={"all": ideas}, runs=1000, seed=0, progress=bar)
    atomic_write_text(folder / "behaviour.json", json.dumps(public(behaviour(f)), ensure_ascii=False, indent=2) + "\n")
    con.print(f"[green]✓[/green] ranking, attribution and fan charts: {escape(str(folder / 'ranking.json'))}, "
              f"{escape(str(folder / 'attribution.json'))}, {escape(str(folder / 'behaviour.json'))}")  # fmt: skip
