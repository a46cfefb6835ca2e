"""Running an ensemble for a command: on the chosen backend, behind a progress bar, saved where
``gmb report`` finds it, refused (with its JSON block) when too many runs break down.

Shared by ``gmb rank``, ``attribute``, ``sensitivity``, ``robustness``, ``simulate --runs`` and
the report; the tables they print are :mod:`gmb.workflow.ensemble_text`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Self

from gmb.workflow.backends import cli_backend
from gmb.workflow.ensemble_text import footer, num, pct, rng
from gmb.workflow.output import console, err_console, print_json
from gmb.workflow.studies import prepare, resolve_bundle, vary

__all__ = ["Bar", "add_verdicts", "on_backend", "public", "refuse", "save_and_show", "save_result", "simulate_ensemble"]


class Bar:
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


def save_result(b, filename: str, data: dict) -> Path:
    """Write a result into the model folder (``models/NAME/``), where ``gmb report`` finds it."""
    import json

    from gmb.files import atomic_write_text

    path = b.folder / filename
    atomic_write_text(path, json.dumps(public(data), ensure_ascii=False, indent=2) + "\n")
    return path


def on_backend(label: str, as_json: bool, path: Path, backend_opts: tuple, run) -> dict:
    """``run(backend, progress)`` on the backend chosen by ``--backend/--scheduler/--workers``, behind a
    progress bar (none with ``--json``); the result's meta records the backend and the scenarios file."""
    from gmb.simulate.quality import TooManyBrokenRuns

    try:
        with cli_backend(*backend_opts) as be, Bar(label, not as_json) as bar:
            r = run(be, bar)
            r["meta"]["backend"] = be.describe()
    except TooManyBrokenRuns as exc:
        refuse(exc, as_json)
    r["meta"]["scenarios_file"] = str(path)
    return r


def refuse(exc, as_json: bool) -> None:
    """Too many broken runs: with ``--json`` the refusal block on stdout, then (always) the one-line error."""
    if as_json:
        print_json(public(exc.refusal))
    raise exc


def save_and_show(b, filename: str, r: dict, path: Path, as_json: bool, show) -> None:
    """Save ``r`` into the model folder, then print it as JSON or with ``show(r, console, path)``."""
    saved = save_result(b, filename, r)
    if as_json:
        print_json(public(r))
        return
    show(r, console(), path)
    console().print(f"[dim]saved: {saved}[/dim]")


def public(data: Any) -> Any:
    """Drop private (``_``) keys and turn numpy values into JSON-friendly ones (a typed result: its ``to_dict()``)."""
    import numpy as np

    from gmb.results import Result

    if isinstance(data, Result):
        return data.to_dict()
    if isinstance(data, dict):
        return {k: public(v) for k, v in data.items() if not str(k).startswith("_")}
    if isinstance(data, (list, tuple)):
        return [public(v) for v in data]
    if isinstance(data, np.generic):
        return data.item()
    if isinstance(data, float) and math.isnan(data):
        return None
    return data


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

    b, sc, path = prepare(name, assumptions, out)
    ideas, bundles = [], {}
    for item in scenario or []:
        if item in sc.ideas:
            ideas.append(item)
        else:
            bundles[item] = resolve_bundle(sc, item)
    if not scenario:
        ideas, bundles = list(sc.ideas), dict(sc.bundles)
    r = on_backend("ensemble runs", as_json, path, (backend, scheduler, workers), lambda be, bar: fan_charts(
        b.model, sc, ideas=ideas, bundles=bundles, variables=variables or (), runs=runs, seed=seed, method=method,
        horizon=horizon, every=every, engine=engine, integration=integration, progress=bar, backend=be,
        until=until, max_broken=max_broken, vary=vary(structure)))  # fmt: skip
    from gmb.scenarios.answers import behaviour

    saved = save_result(b, "behaviour.json", behaviour(r))
    if as_json:
        print_json(public(r))
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
        t.add_row(escape(s), num(e["median"], 2), rng(e["p25"], e["p75"]), rng(e["p5"], e["p95"]),
                  pct(e["p_improves"]), pct((settled.get(s) or {}).get("share", float("nan"))))  # fmt: skip
    con.print(t)
    con.print(f"[dim]fan charts (median, 50 % and 90 % bands over time, up to {r['charts'][0]['time'][-1]:g} "
              f"{escape(r['unit'])}; effects at the horizon {r['horizon']:g}) for {len(r['charts'])} scenario × "
              f"variable pairs: use --json; the outcome's are saved in {escape(str(saved))} for gmb report. settled: "
              "share of the long-run effect reached at the horizon.[/dim]")  # fmt: skip
    footer(con, m, path)
