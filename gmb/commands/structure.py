"""``gmb loops`` and ``gmb analyse``: the map's feedback loops, leverage and each idea's influence."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import typer

from gmb.commands.common import console, load_source, print_json

Json = typer.Option(False, "--json", help="Print JSON for scripts instead of tables.")
Format = typer.Option(None, "--format", help="File format of SOURCE (default: from its ending), e.g. sdai-json.")
Lang = typer.Option(None, "--lang", help="Language of labels (default: the session's first).")
TimeLimit = typer.Option(10.0, "--time-limit", help="Stop after this many seconds and say so.")
MaxLength = typer.Option(None, "--max-length", help="Only loops of at most this many links.")
Source = typer.Argument(..., help="A session name, or a map file gmb import reads (e.g. a CSV edge list).")

#: at most this many loops are printed as table rows
MAX_ROWS = 200
#: without --max-count, at most this many loops (the shortest found) are kept and listed (table and --json);
#: the rest are counted. --jsonl streams every loop instead, in constant memory.
MAX_LISTED = 10_000
#: seconds kept back from --time-limit per link of each listed loop, for writing it as JSON (measured
#: ~6 µs on a loaded 2-core machine: 10,000 loops of 25 links took 1.45 s to turn into JSON text)
_OUTPUT_PER_LINK = 1e-5
_POLARITY = {"R": "[green]R[/green]", "B": "[red]B[/red]", "unsigned": "[yellow]?[/yellow]"}
_VERDICT = {"positive": "[green]positive[/green]", "negative": "[red]negative[/red]", "mixed": "[yellow]mixed[/yellow]",
            "unknown": "[yellow]unknown[/yellow]", "none": "[dim]no path[/dim]"}  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("loops")(loops)
    app.command("analyse")(analyse)


@contextmanager
def _as_options():
    """Errors about a library argument name the command-line option instead (``--max-length``)."""
    from gmb.errors import GmbError

    try:
        yield
    except GmbError as exc:
        if exc.field in ("max_length", "time_limit", "max_count", "through", "depth"):
            exc.field = "--" + exc.field.replace("_", "-")
        raise


def _load(source: str, fmt: str | None, lang: str | None):
    from gmb.cld.graph import to_graph

    session = load_source(source, fmt=fmt)
    lang = lang or (session.languages[0] if session.languages else None)
    return session, to_graph(session), lang


def _status(result) -> str:
    bound = f", at most {result.max_length} links long" if result.max_length else ""
    if result.complete:
        return f"complete{bound} ({result.elapsed:.2f} s)"
    stop = f"stopped by the {result.stopped_by} after {result.elapsed:.2f} s"
    return f"[bold yellow]incomplete[/bold yellow]: {stop}{bound}"


def loops(
    source: str = Source,
    max_length: int | None = MaxLength,
    time_limit: float = TimeLimit,
    max_count: int | None = typer.Option(None, "--max-count", help="Stop after this many loops."),
    through: str | None = typer.Option(None, "--through", help="Only loops through this variable or link id."),
    cover: bool = typer.Option(False, "--cover", help="A small set of short loops covering every link on a loop."),
    as_json: bool = Json,
    jsonl: bool = typer.Option(
        False,
        "--jsonl",
        help="Stream every loop as one JSON line as it is found (constant memory), then a summary line.",
    ),
    fmt: str | None = Format,
    lang: str | None = Lang,
    dominance: bool = typer.Option(False, "--dominance", help="Which loops drive a simulated scenario, over time."),
    scenario: str | None = typer.Option(None, "--scenario", help="With --dominance: an idea, a bundle, or all."),
    runs: int = typer.Option(0, "--runs", help="With --dominance: also the share of N draws each loop dominates."),
    seed: int = typer.Option(0, "--seed", help="With --dominance --runs: seed of the draws."),
) -> None:
    """List the map's feedback loops: R reinforcing, B balancing, ? through a link of unknown sign.

    --time-limit bounds the whole command (reading the map, finding and writing the loops). Without
    --max-count, at most 10,000 loops (the shortest found) are listed and the rest counted
    ("complete": false, "listed" and the true "count" found so far); --jsonl streams them all.
    """
    if dominance:  # issue 16: which loops drive a scenario (gmb/commands/dominance.py)
        from gmb.workflow.dominance_text import dominance as show_dominance

        with _as_options():
            show_dominance(source, scenario, runs=runs, seed=seed, time_limit=time_limit, as_json=as_json, lang=lang)
        return

    import time

    from gmb.cld.lookup import check_limit
    from gmb.cld.loops import covering_loops, find_loops, name_loops

    started = time.perf_counter()
    with _as_options():
        check_limit(time_limit, "time_limit")
    session, G, lang = _load(source, fmt, lang)
    keep = None if max_count is not None and max_count <= MAX_LISTED else MAX_LISTED
    # what is left of the time limit after reading the map; find_loops keeps back time to write what it lists
    left = max(time_limit - (time.perf_counter() - started), min(0.05, time_limit / 10))
    per_link = _OUTPUT_PER_LINK if as_json else 0.0
    with _as_options():
        if jsonl:
            _stream(G, session, max_length=max_length, time_limit=left, max_count=max_count,
                    through=through, lang=lang)  # fmt: skip
            return
        if cover:
            result = covering_loops(G, time_limit=left, lang=lang)
        else:
            result = find_loops(G, max_length=max_length, time_limit=left, max_count=max_count,
                                through=through, lang=lang, keep=keep, finish_per_link=per_link)  # fmt: skip
    result = name_loops(result, session.stories)
    if as_json:
        _print_loops_json(result.to_json())
        return
    print_loops(result, title=session.title, what="covering loop set" if cover else "loops", console=console())


def _print_loops_json(data: dict) -> None:
    """The loops JSON with one loop per line: json's C encoder (indent= would use the slow Python one)."""
    import sys

    loops = data.pop("loops")
    head = json.dumps(data, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(loop, ensure_ascii=False) for loop in loops)
    sys.stdout.write(f'{head}, "loops": [\n{body}\n]}}\n' if loops else f'{head}, "loops": []}}\n')


def _stream(G, session, **options) -> None:
    """``--jsonl``: each loop as one JSON line as found, then ``{"summary": {...}}``."""
    import sys

    from gmb.cld.loops import loop_namer, stream_loops

    out = sys.stdout
    named = loop_namer(session.stories) or (lambda loop: loop)

    def write(loop) -> None:
        out.write(json.dumps(named(loop).to_json(), ensure_ascii=False) + "\n")

    summary = stream_loops(G, write, **options)
    out.write(json.dumps({"summary": summary}, ensure_ascii=False) + "\n")
    out.flush()


def print_loops(result, *, title: str, what: str = "loops", console=None, rows: int = MAX_ROWS) -> None:
    """The loops as a rich table, with counts by length and polarity."""
    from rich.markup import escape
    from rich.table import Table

    through = f" through {result.through}" if result.through else ""
    console.print(
        f"[bold]{escape(title)}[/bold]: {result.count} {what}{escape(through)} — {result.reinforcing} reinforcing (R), "
        f"{result.balancing} balancing (B), {result.unsigned} with a link of unknown sign (?) — {_status(result)}"
    )
    if not result.count:
        return
    shown = result.loops[:rows]
    names = any(loop.name or loop.stories for loop in shown)
    themes = any(loop.themes for loop in shown)
    table = Table("loop", *(["name (or story)"] if names else []), "R/B", "links", "variables (each causes the next)",
                  *(["themes"] if themes else []), title=what)  # fmt: skip
    for loop in shown:
        delay = f" ({loop.delays} delayed)" if loop.delays else ""
        name = escape(loop.name) if loop.name else "; ".join(f"[dim]in: {escape(t)}[/dim]" for t in loop.stories)
        table.add_row(
            loop.id, *([name] if names else []), _POLARITY[loop.polarity], f"{loop.length}{delay}",
            escape(" → ".join(loop.labels)), *([escape(", ".join(loop.themes))] if themes else []),
        )  # fmt: skip
    console.print(table)
    if result.count > rows:
        more = "use --json for up to 10,000, --jsonl for all" if result.listed < result.count else "use --json for all"
        console.print(f"… and {result.count - rows} more ({more})")
    counts = Table("length", "R", "B", "?", title="loops by length")
    for length, row in result.by_length().items():
        counts.add_row(str(length), str(row["R"]), str(row["B"]), str(row["unsigned"]))
    console.print(counts)


def analyse(
    source: str = Source,
    max_length: int | None = MaxLength,
    time_limit: float = TimeLimit,
    paths: int = typer.Option(6, "--paths", help="Shortest paths to the outcome shown per idea (all in --json)."),
    top: int = typer.Option(10, "--top", help="Variables shown in the leverage table."),
    causes: str | None = typer.Option(None, "--causes", help="Only show what causes this variable (a tree)."),
    uses: str | None = typer.Option(None, "--uses", help="Only show what this variable affects (a tree)."),
    depth: int = typer.Option(2, "--depth", help="Levels of the --causes/--uses tree."),
    as_json: bool = Json,
    fmt: str | None = Format,
    lang: str | None = Lang,
) -> None:
    """Loops, leverage points and each idea's structural influence on the outcome (W3)."""
    from gmb.cld.analysis import analyse as run

    session, G, lang = _load(source, fmt, lang)
    if causes or uses:
        _trees(G, causes, uses, depth, as_json, lang)
        return
    with _as_options():
        result = run(G, stories=session.stories, max_length=max_length, time_limit=time_limit, lang=lang)
    if as_json:
        print_json(result.to_json())
        return
    print_analysis(result, G, console=console(), paths=paths, top=top, lang=lang)


def _trees(G, causes: str | None, uses: str | None, depth: int, as_json: bool, lang: str | None) -> None:
    from rich.markup import escape

    from gmb.cld.leverage import causes_tree, uses_tree
    from gmb.cld.lookup import find_variable
    from gmb.errors import NotFoundError

    trees = {}
    with _as_options():
        for kind, name, make in (("causes", causes, causes_tree), ("uses", uses, uses_tree)):
            if name:
                node = find_variable(G, name)
                if node is None:
                    raise NotFoundError(f"unknown variable '{name}'", field=f"--{kind}")
                trees[kind] = make(G, node, depth, lang=lang)
    if as_json:
        print_json({kind: tree.to_json() for kind, tree in trees.items()})
        return
    con = console()
    for kind, tree in trees.items():
        con.print(f"[bold]{kind} tree[/bold] ({depth} levels; (x) = already on the way: a loop)")
        con.print(escape("\n".join(tree.lines())))


def print_analysis(
    result, G, *, console, paths: int = 6, top: int = 10, lang: str | None = None, rows: int = 40
) -> None:
    """The analysis as rich tables: loops, leverage, and per idea its paths to the outcome."""
    from rich.markup import escape
    from rich.table import Table

    from gmb.cld.lookup import label

    print_loops(result.loops, title=result.title, console=console, rows=rows)
    if not result.loops.complete:
        console.print(
            f"covering loop set: {result.cover.count} short loops use every link on a loop "
            f"(cycle rank {result.cycle_rank}); see gmb loops --cover"
        )
    lev = Table("variable", "in", "out", "betweenness", "influence", "reach", "reached by",
                title=f"leverage: top {top} by influence ({result.centrality.method})")  # fmt: skip
    for v in result.centrality.top(top):
        lev.add_row(escape(v.label), str(v.in_degree), str(v.out_degree), f"{v.betweenness:.3f}", f"{v.influence:.3f}",
                    str(v.reach), str(v.reached_by))  # fmt: skip
    console.print(lev)
    if result.outcome is None:
        console.print("[dim]no outcome variable: set one to see each idea's paths to it[/dim]")
        return
    if not result.profiles:
        console.print("[dim]no ideas in the idea bank yet[/dim]")
        return
    outcome = label(G, result.outcome, lang)
    table = Table("idea", "acts on", "verdict", "shortest paths", "paths + / − / ?", "loops fed R / B / ?", "reach",
                  "votes", title=f"ideas: structural influence on {escape(outcome)}")  # fmt: skip
    for p in result.profiles:
        acts = ", ".join(f"{label(G, v, lang)} ({d})" for v, d in p.targets)
        c, lc = p.paths.counts(), p.loop_counts()
        more = "" if p.paths.complete else " …"
        table.add_row(escape(p.label), escape(acts), _VERDICT[p.verdict], _VERDICT[p.paths.shortest_verdict],
                      f"{c['+']} / {c['-']} / {c['?']}{more}",
                      f"{lc['R']} / {lc['B']} / {lc['unsigned']}", str(p.reach), str(p.votes))  # fmt: skip
    console.print(table)
    for p in result.profiles:
        console.print(f"\n[bold]{escape(p.label)}[/bold] → {escape(outcome)}: {_VERDICT[p.verdict]}"
                      + ("" if p.paths.complete else " [yellow](path search incomplete)[/yellow]"))  # fmt: skip
        shown = 0
        each = max(2, -(-paths // max(1, len(p.paths.targets))))  # the shortest paths of every target
        for target in p.paths.targets:
            for path, effect in list(zip(target.paths, target.effects))[:each]:
                shown += 1
                push = "↑" if target.direction == "+" else "↓"  # the idea raises / lowers the first variable
                console.print(f"  {effect}  {push} " + escape(" → ".join(path.labels)))
        if len(p.paths.paths) > shown:
            console.print(f"  … and {len(p.paths.paths) - shown} more paths (use --json)")
        if not p.paths.paths:
            console.print("  no causal path to the outcome")


def demo_step(session, out: Path, con) -> None:
    """Demo: the Havndal loops and the most-voted ideas' structural profiles; JSON under reports/."""
    from gmb.cld.analysis import analyse as run
    from gmb.cld.graph import to_graph
    from gmb.files import atomic_write_text

    G = to_graph(session)
    lang = session.languages[0] if session.languages else None
    result = run(G, stories=session.stories, time_limit=10.0, lang=lang)
    told = [loop for loop in result.loops.loops if loop.name or loop.stories]
    r = result.loops
    con.print(f"[green]✓[/green] loops: {r.count} ({r.reinforcing} R, {r.balancing} B, {r.unsigned} ?), "
              f"{'complete' if r.complete else 'incomplete'}; {len(told)} told in the group's stories")  # fmt: skip
    top = sorted(result.profiles, key=lambda p: -p.votes)[:5]
    from rich.table import Table

    table = Table("idea", "votes", "verdict", "shortest paths", "paths + / − / ?", "loops fed R / B / ?",
                  title="top ideas: structural profile")  # fmt: skip
    for p in top:
        c, lc = p.paths.counts(), p.loop_counts()
        table.add_row(p.label, str(p.votes), p.verdict, p.paths.shortest_verdict, f"{c['+']} / {c['-']} / {c['?']}",
                      f"{lc['R']} / {lc['B']} / {lc['unsigned']}")  # fmt: skip
    con.print(table)
    path = Path(out) / "reports" / "structure.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str) + "\n")
    con.print(f"[green]✓[/green] structure (loops, leverage, ideas' paths) written to {path}")
