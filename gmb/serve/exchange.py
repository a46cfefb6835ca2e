"""session.json in and out of the server: import a stored session, export back to a Store folder.

>>> import tempfile, os
>>> from gmb.serve.db import open_database
>>> from gmb.serve.workshops import Workshops
>>> from gmb.session.model import Session
>>> from gmb.session.store import Store
>>> w = Workshops(open_database(os.path.join(tempfile.mkdtemp(), "x.sqlite3")))
>>> made = w.create(Session(title="Demo"), session_id="demo")
>>> store = Store(tempfile.mkdtemp())
>>> path, new = export_to_store(w, "demo", store)
>>> new, [st.id for st in store.load("demo").stages]
(True, ['W0', 'W1', 'W2', 'W3'])
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from gmb.errors import NotFoundError, SlugError, StoreError
from gmb.files import atomic_write_text, fsync_dir, make_temp_dir, read_json
from gmb.session.model import Session
from gmb.session.parse import parse_session
from gmb.session.store import Store, check_slug, session_to_json

__all__ = ["SIDECARS", "copy_scenarios", "export_to_store", "resolve_source"]

#: files gmb keeps in a session folder beside the record itself (what-ifs saved in the panel, stories)
SIDECARS = ("scenarios.json", "stories.json")


def resolve_source(source: str, store: Store) -> tuple[str, Session]:
    """A session to import and the id to serve it under.

    ``source`` is a ``session.json`` file, a session folder, the name of a session in ``store``,
    or the name of a shipped example (``havndal``).
    """
    from gmb.serve.workshops import slug_for

    path = Path(source)
    if path.is_file():
        data = read_json(path)
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "last_event"}
        name = path.parent.name if path.name == "session.json" else path.stem
        return slug_for(name), parse_session(data, file=str(path))
    if path.is_dir() and (path / "session.json").is_file():
        return slug_for(path.name), Store(path.parent).load(path.name)
    try:
        folder = store.path(source)
    except SlugError:  # not a valid session name: it can still be nothing else we know
        folder = None
    if folder is not None and folder.is_dir():
        # The user's own session: a broken one is an error to show, never a reason to serve an example.
        return source, store.load(source)
    from gmb.examples import EXAMPLES, load_example

    if source in EXAMPLES:
        return source, load_example(source)
    raise NotFoundError(
        f"nothing to import called '{source}'",
        hint=f"give a session.json file, a session folder, a session in {store.root}, or an example",
    )


def copy_scenarios(source: str, sid: str, store: Store) -> Path | None:
    """Give an imported session the ``scenarios.json`` that came with its source (an example's doses, with
    reach × intensity × persistence), in ``store``'s folder for ``sid`` where the what-if panel and
    ``gmb rank`` read it. An existing file there is never replaced. Returns the file written, if any.
    """
    from gmb.examples import EXAMPLES, example_dir
    from gmb.scenarios.settings import SCENARIOS_FILE

    path = Path(source)
    if path.is_file():
        given = path.parent / SCENARIOS_FILE if path.name == "session.json" else None
    elif path.is_dir():
        given = path / SCENARIOS_FILE
    else:
        given = example_dir(source) / SCENARIOS_FILE if source in EXAMPLES else None
    target = store.path(sid) / SCENARIOS_FILE
    if given is None or not given.is_file() or target.exists() or given.resolve() == target.resolve():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, given.read_text(encoding="utf-8"))
    return target


def export_to_store(workshops, sid: str, store: Store, name: str | None = None) -> tuple[Path, bool]:
    """Write served session ``sid`` into ``store`` as ``name`` (default: the same id).

    A new folder gets the server's whole event log (who and when of every change) and the snapshot;
    an existing one is brought up to date with ordinary logged changes (:meth:`Store.save`).
    Returns the folder and whether it was new.
    """
    name = check_slug(name or sid)
    live = workshops.live(sid)
    if store.exists(name):
        store.save(name, live.session, by=None)
        return store.path(name), False
    folder = store.path(name)
    # A folder holding only gmb's own side files (a what-if saved in the panel) takes the session in
    sidecars = [p for p in folder.iterdir() if p.name in SIDECARS] if folder.is_dir() else []
    if folder.exists() and len(sidecars) != len(list(folder.iterdir())):
        raise StoreError(f"{folder} exists and is not a session folder", hint="choose another name with --to")
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(store.root, f".{name}.")  # the folder's mode follows the umask, as mkdir's would
    try:
        from gmb.session.integrity import event_line, line_sum

        lines, prev = "", ""
        for ev in workshops.events(sid):  # checksummed and chained, like every log the store writes
            line = event_line(ev, prev)
            lines, prev = lines + line, line_sum(line)
        (tmp / "events.jsonl").write_text(lines, encoding="utf-8")
        atomic_write_text(tmp / "session.json", session_to_json(live.session, last_event=live.seq))
        for side in sidecars:
            shutil.copy2(side, tmp / side.name)
        _swap_in(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"cannot write the session: {exc.strerror}", file=str(folder)) from None
    fsync_dir(store.root)
    return folder, True


def _swap_in(tmp: Path, folder: Path) -> None:
    """Put the complete ``tmp`` in ``folder``'s place; an old folder (side files only) is kept until then."""
    if not folder.exists():
        os.rename(tmp, folder)
        return
    old = folder.with_name(f".{folder.name}.old")
    os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except OSError:
        os.rename(old, folder)  # nothing lost: the side files are back where they were
        raise
    shutil.rmtree(old, ignore_errors=True)
