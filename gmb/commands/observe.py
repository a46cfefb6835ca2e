"""``gmb observe``, ``gmb implemented``, ``gmb calibrate`` and ``gmb attribute-observed`` (issue 18).

Observations and implementations are session events (``add``/``update`` of kind
``observation``/``implementation``), checked against the model's variables and time before
anything is written: a bad value is a one-line error and the session is unchanged.
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from gmb.commands.common import console, print_json, store
from gmb.workflow.calibration import save_observed, show_observed_attribution

__all__ = [
    "attribute_observed_cmd",
    "calibrate_cmd",
    "implemented_app",
    "observe_app",
    "register",
    "save_observed",
]

observe_app = typer.Typer(help="Observed indicator values (what was measured, when, how surely).", no_args_is_help=True)
implemented_app = typer.Typer(help="What was actually implemented per idea (start, reach, intensity…).",
                              no_args_is_help=True)  # fmt: skip
FIELDS = ("variable", "time", "value", "kind", "transform", "series", "se", "low", "high", "n", "indicator",
          "source", "provenance", "notes")  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(observe_app, name="observe")
    app.add_typer(implemented_app, name="implemented")
    app.command("calibrate")(calibrate_cmd)
    app.command("attribute-observed")(attribute_observed_cmd)


def _span(name: str) -> tuple[float, float]:
    from gmb.workflow.models import build

    m = build(name, write=False).model
    return float(m.time.start), float(m.time.stop)


def _observations(name: str, rows: list[dict]) -> list:
    """Validated Observation records (ids continue the session's), or the first row's error."""
    import pydantic

    from gmb.calibration.records import check_observation
    from gmb.errors import GmbError, InputError
    from gmb.session.model import Observation

    session = store().load(name)
    taken = {o.id for o in session.observations}
    span = _span(name)
    variables = [v.id for v in session.variables]
    out = []
    k = len(session.observations)
    for no, row in enumerate(rows, start=1):
        data = {f: v for f, v in row.items() if v not in (None, "")}
        if data.get("kind") == "share":
            data.setdefault("transform", "relative_to_first")
        if "id" not in data:
            k += 1
            while f"obs-{k}" in taken:
                k += 1
            data["id"] = f"obs-{k}"
        taken.add(data["id"])
        try:
            ob = Observation.model_validate(data)
        except pydantic.ValidationError as exc:  # named by row and field, in one line
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"])
            raise InputError(
                f"row {no}: {where}: {err['msg']} (got {err.get('input')!r})", field="observation"
            ) from None
        try:
            check_observation(ob, variables, span)
        except GmbError as exc:
            raise exc.located(line=no if len(rows) > 1 else None) from None
        out.append(ob)
    return out


def _commit(name: str, obs: list) -> None:
    changes = [("add", {"kind": "observation", "item": ob.model_dump(mode="json", exclude_none=True)}) for ob in obs]
    store().commit_many(name, changes)


@observe_app.command("add")
def observe_add(
    name: str = typer.Argument(..., help="Session name."),
    variable: str = typer.Argument(..., help="The variable observed (its id)."),
    time: float = typer.Option(..., "--time", help="When, in the model's time unit after its start."),
    value: float = typer.Option(..., "--value", help="The observed value (an index, or a share 0–1 with --share)."),
    share: bool = typer.Option(False, "--share", help="The value is a share (0–1), read relative to its first value."),
    se: float | None = typer.Option(None, "--se", help="Standard error."),
    low: float | None = typer.Option(None, "--low", help="90 % interval, low end."),
    high: float | None = typer.Option(None, "--high", help="90 % interval, high end."),
    n: int | None = typer.Option(None, "--n", help="Sample size (for a share)."),
    series: str = typer.Option("", "--series", help="Series key (observations of one variable from one source)."),
    source: str = typer.Option("", "--source", help="Where the figure comes from."),
    provenance: str = typer.Option("", "--provenance", help="Document and line (e.g. seed 000 L265)."),
) -> None:
    """Add one observation (a session event); bad input is refused and nothing is written."""
    kind = "share" if share or n is not None else "index"
    obs = _observations(name, [{"variable": variable, "time": time, "value": value, "kind": kind, "se": se, "low": low,
                                "high": high, "n": n, "series": series, "source": source, "provenance": provenance}])  # fmt: skip
    _commit(name, obs)
    console().print(f"[green]✓[/green] observation {obs[0].id}: {variable} = {value:g} at {time:g}")


_CSV_HELP = f"CSV with a header: {', '.join(FIELDS)} (variable, time, value required)."


@observe_app.command("import")
def observe_import(
    name: str = typer.Argument(..., help="Session name."),
    file: Path = typer.Argument(..., help=_CSV_HELP),
) -> None:
    """Add every row of a CSV file as observations, all or none."""
    from gmb.errors import FormatError, InputError
    from gmb.files import read_text

    text = read_text(file)
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise FormatError("no rows", file=str(file))
    bad = set(rows[0]) - set(FIELDS) - {"id"}
    if bad:
        raise FormatError(f"unknown columns {', '.join(sorted(bad))}", file=str(file), hint=", ".join(FIELDS))
    try:
        obs = _observations(name, rows)
    except InputError as exc:
        raise exc.located(file=str(file)) from None
    _commit(name, obs)
    console().print(f"[green]✓[/green] {len(obs)} observations from {file}")


@observe_app.command("list")
def observe_list(name: str = typer.Argument(..., help="Session name."),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:  # fmt: skip
    """The session's observations, with their uncertainty as a standard error."""
    from rich.table import Table

    from gmb.calibration.records import observation_se

    obs = store().load(name).observations
    if as_json:
        print_json([{**o.model_dump(mode="json", exclude_none=True), "se_used": observation_se(o)} for o in obs])
        return
    t = Table("id", "variable", "time", "value", "kind", "se", "source")
    for o in obs:
        t.add_row(o.id, o.variable, f"{o.time:g}", f"{o.value:g}", o.kind + ("" if o.n is None else f" (n={o.n})"),
                  f"{observation_se(o):.3g}", o.source)  # fmt: skip
    console().print(t)


def _answer(text: str | None, field: str):
    if text is None:
        return None
    from gmb.scenarios.doses import Factor

    lo, nom, hi = Factor.parse(text, field=field).range
    return {"nominal": nom, "low": lo, "high": hi}


@implemented_app.command("set")
def implemented_set(
    name: str = typer.Argument(..., help="Session name."),
    idea: str = typer.Argument(..., help="The idea (its id)."),
    start: float = typer.Option(0.0, "--start", help="When it started (model time unit)."),
    end: float | None = typer.Option(None, "--end", help="When it ended (default: still running)."),
    ramp_up: float | None = typer.Option(None, "--ramp-up", help="Time to full strength (default: the plan's)."),
    reach: str | None = typer.Option(None, "--reach", help="Share reached, NOMINAL or LOW:NOMINAL:HIGH."),
    intensity: str | None = typer.Option(None, "--intensity", help="Relative change for them (0.3 = +30 %)."),
    persistence: str | None = typer.Option(None, "--persistence", help="Share of the change kept."),
    source: str = typer.Option("", "--source", help="Where this comes from."),
) -> None:
    """Record what was actually done for IDEA (replaces an earlier record for it)."""
    from gmb.errors import InputError
    from gmb.session.model import Implementation

    session = store().load(name)
    t0, t1 = _span(name)
    for label, t in (("--start", start), ("--end", end)):
        if t is not None and not t0 <= t <= t1:
            raise InputError(f"{t:g} is outside the run ({t0:g}–{t1:g})", field=label)
    if end is not None and not end > start:
        raise InputError(f"end ({end:g}) must be after start ({start:g})", field="--end")
    item = {"id": idea, "idea": idea, "start": start, "end": end, "ramp_up": ramp_up, "source": source,
            **{k: _answer(v, f"--{k}") for k, v in (("reach", reach), ("intensity", intensity),
                                                     ("persistence", persistence))}}  # fmt: skip
    for k in ("reach", "persistence"):
        if item[k] is not None and item[k]["high"] > 1:
            raise InputError(f"a {k} is a share: at most 1, got {item[k]['high']:g}", field=f"--{k}")
    record = Implementation.model_validate({k: v for k, v in item.items() if v is not None})
    data = record.model_dump(mode="json", exclude_none=True)
    if any(i.id == idea for i in session.implemented):
        store().commit(name, "update", {"kind": "implementation", "id": idea, "changes": data})
    else:
        store().commit(name, "add", {"kind": "implementation", "item": data})
    console().print(f"[green]✓[/green] implemented {idea}: start {start:g}" + (f", end {end:g}" if end else ""))


@implemented_app.command("list")
def implemented_list(name: str = typer.Argument(..., help="Session name.")) -> None:
    """What was implemented, per idea."""
    print_json([i.model_dump(mode="json", exclude_none=True) for i in store().load(name).implemented])


def calibrate_cmd(
    name: str = typer.Argument(..., help="Session name."),
    method: str = typer.Option("is", "--method", help="is (importance resampling, a posterior) or lsq (point fit)."),
    runs: int = typer.Option(4000, "--runs", help="Prior draws (importance resampling)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws."),
    structure: bool = typer.Option(True, "--structure/--no-structure", help="Draw uncertain links per run."),
    plot: Path | None = typer.Option(None, "--plot", help="Write the posterior predictive plot (PNG) here."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Calibrate the model to the session's observations, under what was implemented."""
    from gmb.calibration.report_text import print_calibration
    from gmb.workflow.calibration import calibrate

    r = calibrate(name, method=method, runs=runs, seed=seed, structure=structure, plot=plot)
    if as_json:
        print_json(r)
    else:
        print_calibration(r, console())


def attribute_observed_cmd(
    name: str = typer.Argument(..., help="Session name."),
    runs: int = typer.Option(4000, "--runs", help="Prior draws (importance resampling)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws."),
    variable: str | None = typer.Option(None, "--variable", help="The observed series (default: the outcome's)."),
    structure: bool = typer.Option(True, "--structure/--no-structure", help="Draw uncertain links per run."),
    selection: str | None = typer.Option(
        None,
        "--selection",
        help="Also show what happens if these shares of a cross-sectional difference are who stays, e.g. 0,0.25,0.5.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Split the observed change among the implemented activities, baseline drift and the residual."""
    show_observed_attribution(name, runs=runs, seed=seed, variable=variable, structure=structure,
                              selection=selection, as_json=as_json)  # fmt: skip
