"""Commands that build the workshop record: sessions, participants, variables, links, ideas, import."""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.common import console, parse_labels, print_json, store
from gmb.errors import InputError

session_app = typer.Typer(help="Create, list and show workshop sessions.", no_args_is_help=True)
participant_app = typer.Typer(help="Add participants (pseudonyms are fine).", no_args_is_help=True)
var_app = typer.Typer(help="Add variables to a session's map, or change one.", no_args_is_help=True)
link_app = typer.Typer(help="Add, support or dispute causal links.", no_args_is_help=True)
idea_app = typer.Typer(help="The idea bank: add ideas and vote.", no_args_is_help=True)

By = typer.Option(None, "--by", help="Participant id of who made this contribution.")
Stage = typer.Option(None, "--stage", help="Workshop stage: W0, W1, W2 or W3.")


def register(app: typer.Typer) -> None:
    app.add_typer(session_app, name="session")
    app.add_typer(participant_app, name="participant")
    app.add_typer(var_app, name="var")
    app.add_typer(link_app, name="link")
    app.add_typer(idea_app, name="idea")
    app.command("import")(import_file)


def _done(message: str) -> None:
    console().print(f"[green]✓[/green] {message}")


# -- session ---------------------------------------------------------------
@session_app.command("new")
def session_new(
    name: str = typer.Argument(..., help="Session name (folder under sessions/), e.g. havndal-2024."),
    title: str | None = typer.Option(None, help="Title (default: the name)."),
    place: str = typer.Option("", help="Where the workshops take place."),
    focus: str = typer.Option("", help="The focus question."),
    lang: list[str] = typer.Option(["en"], "--lang", help="Languages of labels, first is the default."),
    outcome: str | None = typer.Option(None, help="Outcome variable id (can be set later)."),
    from_file: Path | None = typer.Option(None, "--from", help="Start from a session.json file."),
) -> None:
    """Create a new session."""
    if from_file is not None:
        from gmb.session.store import read_snapshot

        session, _ = read_snapshot(from_file)
    else:
        from gmb.session.model import Session

        session = Session(title=title or name, place=place, focus=focus, languages=tuple(lang), outcome=outcome)
    store().create(name, session)
    _done(f"created session '{name}' in {store().path(name)}")


@session_app.command("list")
def session_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the sessions in the sessions folder."""
    st = store()
    names = st.list()
    if as_json:
        print_json(names)
        return
    if not names:
        console().print(f"no sessions in {st.root} (create one with: gmb session new NAME)")
        return
    from rich.table import Table

    table = Table("name", "title", "variables", "links", "ideas", title=f"sessions in {st.root}")
    from rich.markup import escape

    from gmb.errors import GmbError

    for name in names:
        try:
            s = st.load(name)
        except GmbError as exc:  # one damaged session does not hide the others
            table.add_row(
                name, f"[red]cannot be read[/red]: {escape(exc.message)} (gmb session check {name})", "", "", ""
            )
            continue
        table.add_row(name, s.title, str(len(s.variables)), str(len(s.links)), str(len(s.ideas)))
    console().print(table)


@session_app.command("show")
def session_show(
    name: str,
    as_json: bool = typer.Option(False, "--json", help="Print the whole session as JSON."),
    lang: str | None = typer.Option(None, "--lang", help="Language of labels."),
) -> None:
    """Show a session: a summary, or with --json the whole record."""
    session = store().load(name)
    if as_json:
        print_json(session.model_dump(mode="json"))
        return
    from gmb.views.summary import print_summary

    print_summary(session, lang=lang)


@session_app.command("check")
def session_check(
    name: str = typer.Argument(..., help="Session name."),
    as_json: bool = typer.Option(False, "--json", help="Print {ok, problems, notes, actions} as JSON."),
) -> None:
    """Verify a session: the event log's checksums and order, and session.json against the log.

    Exit status 1 if anything needs repair (gmb session repair NAME).
    """
    from rich.markup import escape

    from gmb.session.repair import check

    report = check(store(), name)
    if as_json:
        print_json({"session": name, "ok": report.ok, "problems": report.problems, "notes": report.notes,
                    "actions": report.actions})  # fmt: skip
        if not report.ok:
            raise typer.Exit(1)
        return
    con = console()
    for line in report.problems:
        con.print(f"[red]✗[/red] {escape(line)}")
    for line in report.notes:
        con.print(f"  note: {escape(line)}")
    if report.ok:
        _done(f"session '{name}' is intact")
        return
    for line in report.actions:
        con.print(f"  gmb session repair {name} would {escape(line)}")
    raise typer.Exit(1)


@session_app.command("repair")
def session_repair(
    name: str = typer.Argument(..., help="Session name."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do it without asking (a backup is always kept)."),
) -> None:
    """Repair a session: cut a torn last line, rebuild session.json from the log, or start a new log from it.

    Shows what it will do and asks first; the old files are copied to sessions/.backups/ before anything changes.
    """
    from rich.markup import escape

    from gmb.session.repair import repair

    con = console()

    def confirm(report) -> bool:
        for line in report.problems:
            con.print(f"[red]✗[/red] {escape(line)}")
        for line in report.actions:
            con.print(f"  will {escape(line)}")
        return yes or typer.confirm("Go ahead (a backup is kept)?", default=False)

    report = repair(store(), name, confirm=confirm)
    if not report.actions:
        _done(f"session '{name}' is intact: nothing to repair")
    elif report.backup is None:
        con.print("nothing changed")
        raise typer.Exit(1)
    else:
        _done(f"repaired session '{name}' (the old files are in {report.backup})")


# -- participants ------------------------------------------------------------
@participant_app.command("add")
def participant_add(
    name: str = typer.Argument(..., help="Session name."),
    pid: str = typer.Argument(..., help="Participant id, e.g. p7."),
    display: str | None = typer.Option(None, "--name", help="Display name or pseudonym."),
    role: str = typer.Option("participant", help="facilitator, modeller, recorder, participant, resource_person."),
    title: str = typer.Option("", help="e.g. school leader."),
    organisation: str = typer.Option("", help="Organisation."),
    by: str | None = By,
) -> None:
    """Add a participant."""
    item = {"id": pid, "name": display or pid, "role": role, "title": title, "organisation": organisation}
    store().commit(name, "add", {"kind": "participant", "item": item}, by=by)
    _done(f"added participant {pid}")


# -- variables ---------------------------------------------------------------
@var_app.command("add")
def var_add(
    name: str = typer.Argument(..., help="Session name."),
    var_id: str = typer.Argument(..., help="Variable id, e.g. sleep."),
    label: list[str] = typer.Option([], "--label", help="Label, e.g. --label da=Søvn --label en=Sleep."),
    description: str = typer.Option("", help="What the variable means."),
    kind: str = typer.Option("unknown", help="stock, auxiliary, exogenous, outcome or unknown."),
    theme: list[str] = typer.Option([], "--theme", help="Theme id (repeatable)."),
    by: str | None = By,
    stage: str | None = Stage,
) -> None:
    """Add a variable."""
    st = store()
    session = st.load(name)
    labels = parse_labels(label, session.languages[0]) if label else {session.languages[0]: var_id}
    item = {"id": var_id, "labels": labels, "description": description, "kind": kind, "themes": theme, "stage": stage}
    st.commit(name, "add", {"kind": "variable", "item": item}, by=by)
    _done(f"added variable {var_id}")


@var_app.command("set")
def var_set(
    name: str = typer.Argument(..., help="Session name."),
    var_id: str = typer.Argument(..., help="Variable id, e.g. sleep."),
    label: list[str] = typer.Option([], "--label", help="Label(s) to set, e.g. --label en=Sleep (others are kept)."),
    description: str | None = typer.Option(None, help="New description."),
    kind: str | None = typer.Option(None, help="stock, auxiliary, exogenous, outcome or unknown."),
    by: str | None = By,
) -> None:
    """Change a variable's labels, description or kind (logged as an update event, with who and when).

    ``--kind outcome`` also makes it the session's outcome; changing the outcome's kind to anything else
    leaves the session without an explicit outcome.
    """
    st = store()
    session = st.load(name)
    var = next((v for v in session.variables if v.id == var_id), None)
    if var is None:
        from gmb.errors import NotFoundError

        known = ", ".join(v.id for v in session.variables[:8]) + (", …" if len(session.variables) > 8 else "")
        raise NotFoundError(f"unknown variable '{var_id}'", field="variable", hint=f"variables: {known}")
    changes: dict = {}
    if label:
        changes["labels"] = {**var.labels, **parse_labels(label, session.languages[0])}
    if description is not None:
        changes["description"] = description
    if kind is not None:
        changes["kind"] = kind
    if not changes:
        raise InputError("nothing to change", field="var set", hint="give --label, --description or --kind")
    events: list[tuple[str, dict]] = [("update", {"kind": "variable", "id": var_id, "changes": changes})]
    notes = []
    if kind == "outcome" and session.outcome != var_id:
        events.append(("set", {"outcome": var_id}))
        others = [v.id for v in session.variables if v.kind.value == "outcome" and v.id != var_id]
        if others:
            notes.append(f"{', '.join(others)} still marked kind outcome; the session's outcome is {var_id}")
    elif kind is not None and kind != "outcome" and session.outcome == var_id:
        events.append(("set", {"outcome": None}))
        notes.append(f"the session has no explicit outcome now (it was {var_id})")
    st.commit_many(name, events, by=by)
    _done(f"changed variable {var_id}: {', '.join(sorted(changes))}" + "".join(f" ({n})" for n in notes))


# -- links -------------------------------------------------------------------
@link_app.command("add")
def link_add(
    name: str = typer.Argument(..., help="Session name."),
    cause: str = typer.Argument(..., help="Cause variable id."),
    effect: str = typer.Argument(..., help="Effect variable id."),
    sign: str = typer.Option("?", "--sign", help="+, - or ? (unknown)."),
    delay: bool = typer.Option(False, "--delay", help="The effect comes with a delay."),
    strength: str = typer.Option("unknown", help="weak, medium, strong or unknown."),
    link_id: str | None = typer.Option(None, "--id", help="Link id (default: next free L<n>)."),
    evidence: str = typer.Option("", help="Evidence note."),
    by: str | None = By,
    stage: str | None = Stage,
) -> None:
    """Add a causal link CAUSE -> EFFECT."""
    item = {
        "id": link_id, "cause": cause, "effect": effect, "polarity": sign, "delay": delay,
        "strength": strength, "evidence": evidence, "stage": stage,
    }  # fmt: skip

    def build(session):
        # The default id is chosen under the session's lock, from the session as it is then, so
        # concurrent `gmb link add` calls never pick the same L<n>.
        if item["id"] is None:
            taken = {link.id for link in session.links}
            n = len(taken) + 1
            while f"L{n}" in taken:
                n += 1
            item["id"] = f"L{n}"
        return [("add", {"kind": "link", "item": item})]

    store().commit_built(name, build, by=by)
    _done(f"added link {item['id']}: {cause} -({sign})-> {effect}")


@link_app.command("support")
def link_support(name: str, link: str, by: str = typer.Option(..., "--by", help="Participant id.")) -> None:
    """Record that a participant supports a link."""
    store().commit(name, "support", {"link": link, "participant": by}, by=by)
    _done(f"{by} supports {link}")


@link_app.command("dispute")
def link_dispute(name: str, link: str, by: str = typer.Option(..., "--by", help="Participant id.")) -> None:
    """Record that a participant disputes a link."""
    store().commit(name, "dispute", {"link": link, "participant": by}, by=by)
    _done(f"{by} disputes {link}")


# -- ideas -------------------------------------------------------------------
@idea_app.command("add")
def idea_add(
    name: str = typer.Argument(..., help="Session name."),
    idea_id: str = typer.Argument(..., help="Idea id, e.g. bike_paths."),
    text: list[str] = typer.Option([], "--text", help="The idea, e.g. --text da=Cykelstier --text en='Bike paths'."),
    target: list[str] = typer.Option([], "--target", help="VARIABLE or VARIABLE:+ / VARIABLE:- (repeatable)."),
    feasibility: float | None = typer.Option(None, help="Feasibility score 0–5."),
    working_group: str | None = typer.Option(None, "--group", help="Working group."),
    description: str = typer.Option("", help="Longer description."),
    by: str | None = By,
    stage: str | None = Stage,
) -> None:
    """Add an idea to the idea bank."""
    st = store()
    session = st.load(name)
    targets = []
    for t in target:
        var, _, direction = t.rpartition(":") if t[-2:] in (":+", ":-") else (t, "", "+")
        targets.append({"variable": var, "direction": direction})
    item = {
        "id": idea_id, "labels": parse_labels(text, session.languages[0]) if text else {session.languages[0]: idea_id},
        "description": description, "targets": targets, "feasibility": feasibility,
        "working_group": working_group, "stage": stage,
    }  # fmt: skip
    st.commit(name, "add", {"kind": "idea", "item": item}, by=by)
    _done(f"added idea {idea_id}")


@idea_app.command("vote")
def idea_vote(name: str, idea: str, by: str = typer.Option(..., "--by", help="Participant id.")) -> None:
    """Vote for an idea (once per participant)."""
    store().commit(name, "vote", {"idea": idea, "participant": by}, by=by)
    _done(f"{by} voted for {idea}")


# -- import ------------------------------------------------------------------
def import_file(
    file: Path = typer.Argument(
        ...,
        help="The map to read: .mdl, .xmile/.stmx, Kumu .json/.xlsx, .graphml, "
        "a CSV edge list, or a folder with variables.csv + links.csv.",
    ),
    session: str = typer.Option(..., "--session", "-s", help="Name of the new session."),
    fmt: str | None = typer.Option(
        None, "--format", help="csv, mdl, xmile, kumu, kumu-xlsx or graphml (default: from the file ending)."
    ),
    lang: str = typer.Option("en", "--lang", help="Language of the labels in the file."),
    title: str | None = typer.Option(None, help="Session title (default: from the file)."),
    by: str | None = By,
    strict: bool = typer.Option(
        False, "--strict", help="Refuse the whole file over one bad item (default: skip or repair it with a warning)."
    ),
    columns: str | None = typer.Option(
        None, "--columns", help="Edge-list column names, e.g. from=Sender,to=Receiver,sign=Effect."
    ),
    colour: bool = typer.Option(
        False, "--polarity-from-colour", help="Vensim: read unmarked green arrows as + and red ones as −."
    ),
    max_items: int | None = typer.Option(
        None, "--max-items", help="Most variables + links (and rows) to read (default 200000)."
    ),
    max_bytes: int | None = typer.Option(None, "--max-bytes", help="Largest file to read (default 64 MB)."),
) -> None:
    """Import a map into a new session (a bad item is skipped with a warning; --strict: all or nothing)."""
    from gmb.io.registry import read_any
    from gmb.workflow.output import show_warnings

    st = store()
    if st.exists(session):
        raise InputError(f"session '{session}' exists already", field="--session", hint="choose a new name")
    with show_warnings():
        data = read_any(
            file,
            fmt=fmt,
            lang=lang,
            title=title,
            by=by,
            strict=strict or None,
            columns=columns,
            polarity_from_colour=colour or None,
            max_items=max_items,
            max_bytes=max_bytes,
        )
    st.create(session, data, by=by)
    _done(f"imported {len(data.variables)} variables and {len(data.links)} links into session '{session}'")
