"""``gmb rank``, ``gmb attribute``, ``gmb sensitivity``, ``gmb scenarios`` and ``gmb simulate --runs``.

All of them build the model the way ``gmb convert`` does (:func:`gmb.commands.model.build`,
nothing written), read the scenario assumptions — which interventions each
idea stands for, with which doses — from ``sessions/NAME/scenarios.json``
(written with the defaults on first use, so they can be read and edited), run
an ensemble with a progress bar on stderr, and print a table or, with
``--json``, the result as JSON on stdout (documented in the README).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Self

import typer

from gmb.commands import scale as scale_opts
from gmb.commands.common import console, err_console, print_json

__all__ = [
    "add_verdicts",
    "attribute",
    "demo_step",
    "load_or_init_scenarios",
    "rank",
    "register",
    "scenarios",
    "scenarios_file",
    "sensitivity",
    "simulate_ensemble",
]

RunsOpt = typer.Option(1000, "--runs", help="Parameter draws (Monte Carlo runs).")
SeedOpt = typer.Option(0, "--seed", help="Seed of the draws: the same seed gives the same numbers.")
MethodOpt = typer.Option("mc", "--method", help="Sampling: mc (Monte Carlo) or lhs (Latin hypercube).")
HorizonOpt = typer.Option(None, "--horizon", help="Evaluate at this time after the start (default: 3 years).")
EngineOpt = typer.Option("auto", "--ensemble-engine", help="auto, numba or numpy.")
IntegrationOpt = typer.Option("euler", "--integration", help="euler (as pysd) or rk4 (Runge-Kutta, numpy engine).")
AssumptionsOpt = typer.Option(None, "--assumptions", help="Conversion assumptions JSON (as for gmb convert).")
OutOpt = typer.Option(Path("."), "--out", help="Folder that holds models/ (as for gmb convert).")
JsonOpt = typer.Option(False, "--json", help="Print JSON (see the README for its shape).")
LangOpt = typer.Option(None, "--lang", help="Language of labels (default: the session's first).")
StructureOpt = typer.Option(True, "--structure/--no-structure",
                            help="Draw uncertain links present/absent and +/- per run (README: structural "
                                 "uncertainty); --no-structure: the map as drawn.")  # fmt: skip


def _vary(structure: bool) -> tuple[str, ...]:
    from gmb.simulate.sampling import VARY

    return VARY if structure else tuple(k for k in VARY if k != "structure")


OutcomeOpt = typer.Option(None, "--outcome", help="The outcome variable (id or label), instead of the map's one.")
MaxBrokenOpt = typer.Option(
    0.01,
    "--max-broken",
    help="Refuse to summarise when more than this share of the runs "
    "broke down (overflow): statistics would rest on the runs that happened not to break.",
)


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)
    app.command("attribute")(attribute)
    app.command("sensitivity")(sensitivity)
    from gmb.commands.doses import scenarios_app

    app.add_typer(scenarios_app, name="scenarios")


# -- shared --------------------------------------------------------------------------------------------
def scenarios_file(name: str, out: Path = Path(".")) -> Path:
    """Where a source's scenario assumptions live: ``sessions/NAME/scenarios.json`` for a stored
    session, ``<out>/models/NAME/scenarios.json`` for a map file."""
    from gmb.commands.common import store
    from gmb.commands.model import _model_name
    from gmb.scenarios.settings import SCENARIOS_FILE

    path = Path(name)
    if path.is_file() or path.suffix:
        return Path(out) / "models" / _model_name(name) / SCENARIOS_FILE
    return store().path(name) / SCENARIOS_FILE


def load_or_init_scenarios(path: Path, graph: Any) -> tuple[Any, bool]:
    """The scenarios in ``path`` completed with ideas added since; written (atomically) when new or completed."""
    from gmb.scenarios.settings import complete_scenarios, default_scenarios, load_scenarios, save_scenarios

    if path.is_file():
        from gmb.files import read_json
        from gmb.scenarios.settings import SCHEMA_V1

        raw = read_json(path)
        current = load_scenarios(path)
        done = complete_scenarios(current, graph)
        if isinstance(raw, dict) and raw.get("schema") == SCHEMA_V1:  # keep the old file beside the migrated one
            backup = path.with_name(path.stem + ".v1.json")
            if not backup.exists():
                from gmb.files import atomic_write_text

                atomic_write_text(backup, path.read_text(encoding="utf-8"))
            err_console().print(f"[dim]note: {path} migrated to {done.schema_} (old file kept as {backup.name}): "
                                f"{done.migration}[/dim]", soft_wrap=True)  # fmt: skip
            save_scenarios(done, path)
        elif done is not current:
            save_scenarios(done, path)
        return done, False
    s = default_scenarios(graph)
    save_scenarios(s, path)
    return s, True


def _prepare(name: str, assumptions: Path | None, out: Path, scenarios_path: Path | None = None,
             outcome: str | None = None):  # fmt: skip
    from gmb.commands.model import build

    b = build(name, assumptions_file=assumptions, out=out, write=False, outcome=outcome)
    path = scenarios_path or scenarios_file(name, out)
    sc, created = load_or_init_scenarios(path, b.graph)
    if created:
        err_console().print(f"[dim]wrote the default scenario assumptions (doses) to {path}; edit them there[/dim]")
    _dose_notes(b, sc, name)
    return b, sc, path


def _dose_notes(b, sc, name: str) -> None:
    """Warn (stderr) about idea targets with no path to the outcome and tags the plans do not list."""
    from rich.markup import escape

    from gmb.commands.doses import unlinked_warnings

    for text in unlinked_warnings(sc, b.graph, name):
        err_console().print(f"[yellow]warning:[/yellow] {escape(text)}", soft_wrap=True)


class _Bar:
    """A rich progress bar on stderr, driven by the engine's ``progress(done, total)`` callback."""

    def __init__(self, label: str, enabled: bool = True) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err_console(), transient=True,
                                 disable=not enabled)  # fmt: skip
        self.label = label
        self.task = None

    def __enter__(self) -> Self:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done)


def _lang(b, lang: str | None) -> str | None:
    return lang or (b.graph.graph.get("languages") or [None])[0]


def _pct(x: float) -> str:
    return "–" if math.isnan(x) else f"{100 * x:.0f} %"


def _num(x: float, digits: int = 3) -> str:
    if math.isnan(x):
        return "–"
    return f"{x:+.{digits}f}" if abs(x) < 1e4 else f"{x:+.1e}"


def _rng(lo: float, hi: float) -> str:
    return f"{_num(lo, 2)}…{_num(hi, 2)}"


def _footer(con, meta: dict, path: Path | None) -> None:
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


def _save(b, filename: str, data: dict) -> Path:
    """Write a result into the model folder (``models/NAME/``), where ``gmb report`` finds it."""
    import json

    from gmb.files import atomic_write_text

    path = b.folder / filename
    atomic_write_text(path, json.dumps(_public(data), ensure_ascii=False, indent=2) + "\n")
    return path


def _on_backend(label: str, as_json: bool, path: Path, backend_opts: tuple, run) -> dict:
    """``run(backend, progress)`` on the backend chosen by ``--backend/--scheduler/--workers``, behind a
    progress bar (none with ``--json``); the result's meta records the backend and the scenarios file."""
    from gmb.simulate.quality import TooManyBrokenRuns

    try:
        with scale_opts.cli_backend(*backend_opts) as be, _Bar(label, not as_json) as bar:
            r = run(be, bar)
            r["meta"]["backend"] = be.describe()
    except TooManyBrokenRuns as exc:
        _refuse(exc, as_json)
    r["meta"]["scenarios_file"] = str(path)
    return r


def _refuse(exc, as_json: bool) -> None:
    """Too many broken runs: with ``--json`` the refusal block on stdout, then (always) the one-line error."""
    if as_json:
        print_json(_public(exc.refusal))
    raise exc


def _save_and_show(b, filename: str, r: dict, path: Path, as_json: bool, show) -> None:
    """Save ``r`` into the model folder, then print it as JSON or with ``show(r, console, path)``."""
    saved = _save(b, filename, r)
    if as_json:
        print_json(_public(r))
        return
    show(r, console(), path)
    console().print(f"[dim]saved: {saved}[/dim]")


def _public(data: Any) -> Any:
    """Drop private (``_``) keys and turn numpy values into JSON-friendly ones."""
    import numpy as np

    if isinstance(data, dict):
        return {k: _public(v) for k, v in data.items() if not str(k).startswith("_")}
    if isinstance(data, (list, tuple)):
        return [_public(v) for v in data]
    if isinstance(data, np.generic):
        return data.item()
    if isinstance(data, float) and math.isnan(data):
        return None
    return data


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
    out: Path = OutOpt,
    outcome: str | None = OutcomeOpt,
    engine: str = EngineOpt,
    integration: str = IntegrationOpt,
    as_json: bool = JsonOpt,
    backend: str | None = scale_opts.BackendOpt,
    scheduler: str | None = scale_opts.SchedulerOpt,
    workers: int | None = scale_opts.WorkersOpt,
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

    b, sc, path = _prepare(name, assumptions, out, outcome=outcome)
    r = _on_backend("ranking ideas", as_json, path, (backend, scheduler, workers), lambda be, bar: rank_ideas(
        b.model, b.graph, sc, runs=runs, seed=seed, method=method, horizon=horizon, by=by, lang=_lang(b, lang),
        engine=engine, integration=integration, progress=bar, backend=be, max_broken=max_broken,
        variants=variants, variant_runs=variant_runs, assumptions=b.assumptions, vary=_vary(structure),
        robustness=robustness, robustness_runs=min(runs, robustness_runs)))  # fmt: skip
    add_verdicts(r, b.graph)
    _save_and_show(b, "ranking.json", r, path, as_json, print_ranking)


def add_verdicts(r: dict, graph: Any, seconds: float = 2.0) -> None:
    """Each ranked idea's structural verdict along the map (``gmb.cld.idea_paths``: positive, negative, mixed…),
    to read beside its simulated P(improves); paths of up to 6 links, ``seconds`` for all ideas together."""
    from gmb.cld import idea_paths
    from gmb.errors import GmbError

    if graph.graph.get("outcome") not in graph:
        return
    ideas = graph.graph.get("ideas") or {}
    per_target = seconds / max(1, sum(len((ideas.get(row["idea"]) or {}).get("targets") or ()) for row in r["ideas"]))
    for row in r["ideas"]:
        try:
            row["verdict"] = idea_paths(graph, row["idea"], cutoff=6, max_paths=2000, time_limit=per_target).verdict
        except GmbError:  # an idea the map does not know: no verdict, said by its absence
            row["verdict"] = None
    r["meta"]["verdict_rule"] = (
        "the signs along the map's paths (up to 6 links) from the idea's targets to the "
        "outcome: positive, negative, mixed (some raise it, some lower it), unknown, none"
    )


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
        t.add_row(str(pos), escape(row["label"]), _num(row["median"], 2),
                  *([_rng(row["p25"], row["p75"])] if wide else []), _rng(row["p5"], row["p95"]),
                  _pct(row["p_improves"]), ranks, _pct((row.get("p_rank") or [float("nan")])[0]),
                  _pct(row.get("settled", float("nan"))), feas, str(row["votes"]),
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
    _footer(con, m, path)


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
    out: Path = OutOpt,
    engine: str = EngineOpt,
    integration: str = IntegrationOpt,
    as_json: bool = JsonOpt,
    backend: str | None = scale_opts.BackendOpt,
    scheduler: str | None = scale_opts.SchedulerOpt,
    workers: int | None = scale_opts.WorkersOpt,
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
    if observed:  # issue 18: after the fact, from the observations (gmb.commands.observe)
        from gmb.commands.observe import attribute_observed_cmd

        return attribute_observed_cmd(name, runs=runs, seed=seed, variable=None, structure=structure, selection=None,
                                      as_json=as_json)  # fmt: skip
    from gmb.scenarios.answers import attribute as shapley

    b, sc, path = _prepare(name, assumptions, out)
    ideas = resolve_bundle(sc, bundle)
    label = f"{2 ** len(ideas) if len(ideas) <= 10 else 'sampled'} sub-bundles"
    r = _on_backend(label, as_json, path, (backend, scheduler, workers), lambda be, bar: shapley(
        b.model, b.graph, sc, ideas, runs=runs, seed=seed, method=method, horizon=horizon, permutations=permutations,
        lang=_lang(b, lang), engine=engine, integration=integration, progress=bar, backend=be,
        vary=_vary(structure), max_broken=max_broken))  # fmt: skip
    _save_and_show(b, "attribution.json", r, path, as_json, print_attribution)


def resolve_bundle(sc, bundle: str) -> list[str]:
    """``all``, a bundle's name from scenarios.json, or comma-separated idea ids (NotFoundError if unknown)."""
    from gmb.errors import InputError, NotFoundError

    text = (bundle or "").strip()
    if not text:
        raise InputError("name the ideas of the bundle", field="--bundle", hint="IDEA,IDEA,… or all")
    if text == "all":
        return [i for i, plan in sc.ideas.items() if plan.targets] or list(sc.ideas)
    if text in sc.bundles:
        return list(sc.bundles[text])
    ideas = [i.strip() for i in text.split(",") if i.strip()]
    for i in ideas:
        if i not in sc.ideas:
            raise NotFoundError(f"unknown idea {i!r}", field="--bundle", hint=f"ideas: {', '.join(sc.ideas)}")
    return ideas


def print_attribution(r: dict, con, path: Path | None = None) -> None:
    """The attribution as a rich table."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    m = r["meta"]
    be, inter, solo = r["bundle_effect"], r["interaction_effect"], r["sum_of_solo_effects"]
    con.print(f"[bold]Bundle of {len(r['bundle'])} ideas[/bold]: effect on "
              f"{escape(str(m.get('outcome_label') or m['outcome']))} after "
              f"{r['horizon']:g} {escape(r['unit'])}: median {_num(be['median'])} (90 %: {_num(be['p5'])} … "
              f"{_num(be['p95'])}), P(improves) {_pct(be['p_improves'])}")  # fmt: skip
    t = Table(title=f"Each idea's share of the bundle's effect (Shapley, {escape(m['method_shapley'])}; exploratory)")
    t.box, t.pad_edge = box.SIMPLE_HEAD, False
    t.add_column("idea", max_width=40 if con.width >= 100 else 22, no_wrap=True, overflow="ellipsis")
    for col, width in (("share", 5), ("E[Shapley]", 7), ("90 %", 11), ("alone", 5), ("interaction", 11)):
        t.add_column(col, justify="right", no_wrap=True, min_width=width)
    for row in r["ideas"]:
        s = row["shapley"]
        t.add_row(escape(row["label"]), _pct(row["share"]), _num(row.get("expected", s["mean"]), 3),
                  _rng(s["p5"], s["p95"]), _num(row["solo"]["median"], 2),
                  _num(row["interaction"]["median"], 2))  # fmt: skip
    con.print(t)
    con.print(f"[dim]share = the idea's expected Shapley value / the bundle's expected effect {_num(r['total'])} "
              f"(ratio of means; shares add up to 100 %); 90 %: interval of the per-draw Shapley values (each "
              f"draw's add up to its bundle effect, largest relative deviation {m['efficiency_max_error']:.1e}); "
              f"alone and interaction (Shapley minus alone) are medians. Interaction part of the bundle: its effect "
              f"minus the sum of solo effects = {_num(inter['median'])} (median; solo effects sum to "
              f"{_num(solo['median'])}).[/dim]")  # fmt: skip
    parts = r.get("interaction_parts") or {}
    if parts.get("text"):
        con.print(escape(parts["text"]))
    st = ((r.get("settled") or {}).get("scenarios") or {}).get("bundle")
    if st and st["share"] == st["share"]:
        warn = st["share"] < 0.5
        con.print(f"{'[yellow]not settled:[/yellow] ' if warn else ''}the bundle reaches {_pct(st['share'])} of its "
                  f"long-run effect by the horizon (long run: {r['settled']['long_run_time']:g} "
                  f"{escape(r['unit'])}).")  # fmt: skip
    _footer(con, m, path)


# -- gmb sensitivity -----------------------------------------------------------------------------------
def sensitivity(
    name: str = typer.Argument(..., help="Session name, or a map file."),
    scenario: str = typer.Option("all", "--scenario", help="An idea, a bundle's name, IDEA,IDEA,… or all."),
    samples: int = typer.Option(256, "--samples", help="Saltelli base sample (a power of two)."),
    seed: int = SeedOpt,
    horizon: float | None = HorizonOpt,
    top: int = typer.Option(15, "--top", help="Show this many parameters (--json: all)."),
    assumptions: Path | None = AssumptionsOpt,
    out: Path = OutOpt,
    engine: str = EngineOpt,
    as_json: bool = JsonOpt,
    max_broken: float = MaxBrokenOpt,
) -> None:
    """Which links (and times, doses) drive the spread of a scenario's effect: Sobol indices (SALib)."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from gmb.scenarios.answers import _meta as answer_meta
    from gmb.simulate.ensemble import Study
    from gmb.simulate.sensitivity import sobol

    b, sc, path = _prepare(name, assumptions, out)
    ideas = resolve_bundle(sc, scenario)
    h = horizon if horizon is not None else sc.horizon_for(b.model.time.unit, b.model.time.start, b.model.time.stop)
    study = Study.build(b.model, {scenario: sc.interventions(ideas)}, seed=seed, horizon=h, every=10**9,
                        engine=engine)  # fmt: skip
    from gmb.simulate.quality import TooManyBrokenRuns

    try:
        with _Bar("Sobol runs", not as_json) as bar:
            bar(0, 1)
            r = sobol(study, scenario, n=samples, seed=seed, top=None if as_json else top, max_broken=max_broken)
            bar(1, 1)
    except TooManyBrokenRuns as exc:
        _refuse(exc, as_json)
    # the meta every ensemble answer carries (outcome, doses, better …), then what only Sobol knows
    r["meta"] = {**answer_meta(study, r["meta"]["runs"], sc, ideas), **r["meta"], "scenarios_file": str(path)}
    if as_json:
        print_json(_public(r))
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


# -- gmb scenarios -------------------------------------------------------------------------------------
def scenarios(*args, **kwargs):
    """``gmb scenarios NAME``: :func:`gmb.commands.doses.show` (``gmb scenarios set``: :mod:`gmb.commands.doses`)."""
    from gmb.commands.doses import show

    return show(*args, **kwargs)


# -- gmb simulate --runs -------------------------------------------------------------------------------
def simulate_ensemble(
    name: str,
    *,
    runs: int,
    seed: int = 0,
    scenario: list[str] | None = None,
    method: str = "mc",
    variables: list[str] | None = None,
    horizon: float | None = None,
    every: float | None = None,
    assumptions: Path | None = None,
    out: Path = Path("."),
    engine: str = "auto",
    integration: str = "euler",
    as_json: bool = False,
    backend: str | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    structure: bool = True,
    until: float | None = None,
    max_broken: float = 0.01,
) -> None:
    """``gmb simulate NAME --runs N``: fan charts and effects of the baseline, ideas and bundles.

    ``until``: fan charts run on to this time (default twice the horizon, within the model's time).
    """
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from gmb.scenarios.answers import fan_charts

    b, sc, path = _prepare(name, assumptions, out)
    ideas, bundles = [], {}
    for item in scenario or []:
        if item in sc.ideas:
            ideas.append(item)
        else:
            bundles[item] = resolve_bundle(sc, item)
    if not scenario:
        ideas, bundles = list(sc.ideas), dict(sc.bundles)
    r = _on_backend("ensemble runs", as_json, path, (backend, scheduler, workers), lambda be, bar: fan_charts(
        b.model, sc, ideas=ideas, bundles=bundles, variables=variables or (), runs=runs, seed=seed, method=method,
        horizon=horizon, every=every, engine=engine, integration=integration, progress=bar, backend=be,
        until=until, max_broken=max_broken, vary=_vary(structure)))  # fmt: skip
    from gmb.scenarios.answers import behaviour

    saved = _save(b, "behaviour.json", behaviour(r))
    if as_json:
        print_json(_public(r))
        return
    con = console()
    m = r["meta"]
    t = Table(title=f"Effect on {escape(str(m.get('outcome_label') or m['outcome']))} after {m['horizon']:g} "
                    f"{escape(r['unit'])} (exploratory)", box=box.SIMPLE_HEAD, pad_edge=False)  # fmt: skip
    t.add_column("scenario", max_width=30, no_wrap=True, overflow="ellipsis")
    for col in ("effect", "50 %", "90 %", "P(up)" if m.get("better") != "down" else "P(down)", "settled"):
        t.add_column(col, justify="right", no_wrap=True, min_width=11 if "%" in col and col[0].isdigit() else 5)
    settled = (r.get("settled") or {}).get("scenarios") or {}
    for s, e in r["effects"].items():
        t.add_row(escape(s), _num(e["median"], 2), _rng(e["p25"], e["p75"]), _rng(e["p5"], e["p95"]),
                  _pct(e["p_improves"]), _pct((settled.get(s) or {}).get("share", float("nan"))))  # fmt: skip
    con.print(t)
    con.print(f"[dim]fan charts (median, 50 % and 90 % bands over time, up to {r['charts'][0]['time'][-1]:g} "
              f"{escape(r['unit'])}; effects at the horizon {r['horizon']:g}) for {len(r['charts'])} scenario × "
              f"variable pairs: use --json; the outcome's are saved in {escape(str(saved))} for gmb report. settled: "
              "share of the long-run effect reached at the horizon.[/dim]")  # fmt: skip
    _footer(con, m, path)


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
    with _Bar("ranking the ideas") as bar:
        r = rank_ideas(model, graph, sc, runs=1000, seed=0, lang=lang, progress=bar, variants=True, assumptions=a,
                       robustness=True)  # fmt: skip
    add_verdicts(r, graph)
    atomic_write_text(folder / "ranking.json", json.dumps(_public(r), ensure_ascii=False, indent=2) + "\n")
    print_ranking(r, con, path)
    ideas = resolve_bundle(sc, "all")
    with _Bar(f"Shapley: {2 ** len(ideas)} sub-bundles") as bar:
        a_ = shapley(model, graph, sc, ideas, runs=1000, seed=0, lang=lang, progress=bar)
    atomic_write_text(folder / "attribution.json", json.dumps(_public(a_), ensure_ascii=False, indent=2) + "\n")
    print_attribution(a_, con, None)
    with _Bar("fan charts") as bar:
        f = fan_charts(model, sc, bundles={"all": ideas}, runs=1000, seed=0, progress=bar)
    atomic_write_text(folder / "behaviour.json", json.dumps(_public(behaviour(f)), ensure_ascii=False, indent=2) + "\n")
    con.print(f"[green]✓[/green] ranking, attribution and fan charts: {escape(str(folder / 'ranking.json'))}, "
              f"{escape(str(folder / 'attribution.json'))}, {escape(str(folder / 'behaviour.json'))}")  # fmt: skip
