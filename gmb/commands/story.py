"""``gmb story``: draft a map story from the analysis, and export it as one offline page."""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands.common import console, load_source, print_json, store
from gmb.errors import InputError


def register(app: typer.Typer) -> None:
    app.command("story")(story_command)


def story_command(
    name: str = typer.Argument(..., help="Session name."),
    auto: bool = typer.Option(
        False, "--auto", help="Draft the story from the analysis (saved as presentation 'auto')."
    ),
    export: Path | None = typer.Option(None, "--export", help="Write the story as one offline HTML file."),
    lang: str = typer.Option("da", "--lang", help="Language of the exported captions: da or en."),
    pid: str = typer.Option("auto", "--id", help="Which presentation to export (default: the drafted one)."),
    models: Path | None = typer.Option(
        None, "--models", help="Folder with ranking.json for the ideas' simulated effects (default: models/<name>/)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the story's steps (and where it went) as JSON."),
    save_file: bool = typer.Option(
        False, "--save-file", help="Write the session's stories to sessions/<name>/stories.json (atomically)."
    ),
    load_file: bool = typer.Option(
        False, "--load-file", help="Read stories.json back; each new or changed story becomes an event in the log."
    ),
    file: Path | None = typer.Option(
        None, "--file", help="The stories file for --save-file/--load-file (default: sessions/<name>/stories.json)."
    ),
    by: str = typer.Option("facilitator", "--by", help="Who --load-file records in the event log."),
) -> None:
    """Tell the map step by step: --auto drafts a story (focus, loops, ideas), --export writes it as a page.

    --save-file and --load-file keep the stories in sessions/<name>/stories.json, to edit in a text editor.
    """
    from gmb.files import read_json
    from gmb.views.story import AUTO_ID, draft, find_presentation, write_story

    if load_file or save_file:
        _files(name, file, load_file, save_file, by, as_json)
        if not auto and export is None:
            return
    if not auto and export is None:
        raise InputError("nothing to do: give --auto (draft a story), --export FILE.html, --save-file or --load-file",
                         field="story")  # fmt: skip
    if lang not in ("da", "en"):
        raise InputError(f"unknown language {lang!r}", field="--lang", hint="da or en")
    session = load_source(name)
    stored = store().exists(name) if not Path(name).suffix else False
    if auto:
        ranking_file = (models or Path("models") / name) / "ranking.json"
        ranking = read_json(ranking_file) if ranking_file.is_file() else None
        presentation = draft(session, ranking)
        if stored:
            item = presentation.model_dump(mode="json", exclude_defaults=True)
            if any(p.id == AUTO_ID for p in session.presentations):
                change = ("update", {"kind": "presentation", "id": AUTO_ID,
                                     "changes": {k: v for k, v in item.items() if k != "id"}})  # fmt: skip
            else:
                change = ("add", {"kind": "presentation", "item": item})
            session, _ = store().commit(name, *change, by="gmb story --auto")
        else:
            session = session.model_copy(update={"presentations": (*session.presentations, presentation)})
        pid = AUTO_ID if export is None or pid == "auto" else pid
    presentation = find_presentation(session, pid)
    if export is not None:
        write_story(session, presentation, export, lang=lang)
    if as_json:
        print_json({"id": presentation.id, "path": str(export) if export else None,
                    "steps": [s.model_dump(mode="json", exclude_defaults=True) for s in presentation.steps]})  # fmt: skip
        return
    con = console()
    if auto:
        where = "saved in the session's event log" if stored else "not saved (a map file, not a session)"
        con.print(f"[green]✓[/green] drafted story '{presentation.id}' with {len(presentation.steps)} steps ({where})")
    if export is not None:
        con.print(f"[green]✓[/green] wrote the story to {export} — open it in a browser, play it with ← →")


def _files(name: str, file: Path | None, load: bool, save: bool, by: str, as_json: bool) -> None:
    """--load-file (first) and --save-file: stories.json in the session's folder or at ``file``."""
    from gmb.session.stories_file import FILE, read_stories, save_stories, story_changes

    if Path(name).suffix or not store().exists(name):
        raise InputError(f"no stored session {name!r}: stories.json belongs to a session in the store",
                         field="name", hint="gmb sessions lists them; import a file with gmb import")  # fmt: skip
    path = file or store().path(name) / FILE
    con = console()
    if load:
        session = store().load(name)
        found = read_stories(path, session)
        changes = story_changes(session, found)
        if changes:
            store().commit_many(name, changes, by=by)
        if as_json:
            print_json({"loaded": str(path), "events": [[op, d.get("id") or d["item"]["id"]] for op, d in changes]})
        else:
            n = f"{len(found)} {'story' if len(found) == 1 else 'stories'}"
            done = f"{len(changes)} new or changed, recorded in the event log by {by}" if changes else \
                "none new or changed, nothing recorded"  # fmt: skip
            con.print(f"[green]✓[/green] read {n} from {path}: {done}")
    if save:
        save_stories(store().load(name), path)
        if as_json and not load:
            print_json({"saved": str(path)})
        elif not as_json:
            con.print(f"[green]✓[/green] wrote the session's stories to {path}")
