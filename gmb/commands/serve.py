"""``gmb serve``: run a live workshop in the browser (FastAPI + uvicorn, imported only here)."""

from __future__ import annotations

import os
import secrets

import typer

from gmb.commands.common import console, print_json, store

ADMIN_ENV = "GMB_SERVE_ADMIN_KEY"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


#: seconds an idle HTTP connection stays open (uvicorn default: 5)
KEEP_ALIVE_S = 75
#: open connections at most; beyond that uvicorn answers 503 (keeps well under a 1,024 file limit)
MAX_CONNECTIONS = 600


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def _base_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::"):
        import socket

        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 = every network)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: str | None = typer.Option(
        None, "--db", help="SQLite file or postgresql://user:pass@host/db (default: sessions/gmb-serve.sqlite3)."
    ),
    import_: list[str] = typer.Option(
        [], "--import", help="Serve this session (a name in sessions/, a session.json, or 'havndal'); repeatable."
    ),
    lang: str = typer.Option("en", "--lang", help="Default language of the pages: da or en."),
    export: str | None = typer.Option(None, "--export", help="Export this served session to sessions/, then exit."),
    to: str | None = typer.Option(None, "--to", help="With --export: the session name to write (default: same)."),
    list_: bool = typer.Option(False, "--list", help="List the served sessions, then exit."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log each request (never keys)."),
    code_length: int = typer.Option(
        6,
        "--code-length",
        min=6,
        max=12,
        help="Characters in new join codes: 6 for a workshop, 8+ for a session "
        "open for days (wrong guesses are limited server-wide to about one a second).",
    ),
    request_timeout: float = typer.Option(
        20.0,
        "--request-timeout",
        min=0.1,
        help="Seconds a client has to send a whole request; slower ones are dropped.",
    ),
) -> None:
    """Run a live workshop: facilitator, participants' phones and a projector, all in the browser.

    Prints a private facilitator link (the key is after '#', so it never reaches a log) and a join
    code per imported session. Binds to 127.0.0.1 unless --host says otherwise.
    """
    from gmb.errors import InputError
    from gmb.serve.db import describe_url, open_database
    from gmb.serve.exchange import export_to_store
    from gmb.serve.workshops import Workshops

    if lang not in ("da", "en"):
        raise InputError(f"unknown language {lang!r}", field="--lang", hint="da or en")
    st = store()
    url = db or str(st.root / "gmb-serve.sqlite3")
    database = open_database(url)
    workshops = Workshops(database, code_length=code_length)
    con = console()
    if list_:
        print_json(database.session_ids())
        database.close()
        return
    if export is not None:
        folder, new = export_to_store(workshops, export, st, to)
        con.print(f"[green]✓[/green] {'wrote' if new else 'updated'} {folder}")
        database.close()
        return
    base = _base_url(host, port)
    _import_sessions(workshops, database, import_, st, lang, base, con)
    admin_key = os.environ.get(ADMIN_ENV) or secrets.token_urlsafe(24)
    print(f"new sessions (keep private): {base}/new#admin={admin_key}", flush=True)
    print(f"gmb serve on {base}/  (database: {describe_url(database.url)}; Ctrl+C stops)", flush=True)
    if host not in LOOPBACK:
        con.print("[yellow]listening beyond this computer: use https (a reverse proxy) on shared networks[/yellow]")
    _run(database, host, port, lang, admin_key, code_length, access_log, request_timeout)


def _import_sessions(workshops, database, sources: list[str], st, lang: str, base: str, con) -> None:
    """``--import``: put each source on the server (or, if it is there already, issue new links) and print its links."""
    from gmb.serve.exchange import copy_scenarios, resolve_source

    for source in sources:
        sid, session = resolve_source(source, st)
        if sid in database.session_ids():
            key = workshops.issue_key(sid, "facilitator")
            viewer = workshops.issue_key(sid, "viewer")
            code = workshops.join_code(sid)
            con.print(f"session '{sid}' is on the server already (nothing imported); new links:")
        else:
            made = workshops.create(session, session_id=sid, lang=lang)
            key, viewer, code = made.facilitator_key, made.viewer_key, made.join_code
            con.print(f"[green]✓[/green] imported '{source}' as session '{sid}'")
            if copy_scenarios(source, sid, st):  # the doses that came with it, for the what-if panel and gmb rank
                con.print(f"  with its scenarios.json (the ideas' doses) in {st.path(sid)}")
        # Plain print, not rich: a terminal may wrap long links, and rich could mangle the '#'.
        print(f"  facilitator (keep private): {base}/f#key={key}", flush=True)
        print(f"  projector:                  {base}/v#key={viewer}", flush=True)
        print(f"  participants join at {base}/  with code  {code}", flush=True)


def _run(
    database,
    host: str,
    port: int,
    lang: str,
    admin_key: str,
    code_length: int,
    access_log: bool,
    request_timeout: float,
) -> None:
    """Serve the app with uvicorn until Ctrl+C; the database is closed on the way out."""
    import uvicorn

    from gmb.serve.app import create_app
    from gmb.serve.timeouts import protocol_with_timeout

    app = create_app(
        database,
        lang=lang,
        admin_key=admin_key,
        allowed_hosts=list(LOOPBACK) if host in LOOPBACK else None,
        code_length=code_length,
    )
    _tune_interpreter()
    try:
        # Keep idle connections open well beyond uvicorn's 5 s default: a busy room (or a slow phone)
        # leaves gaps longer than that, and a connection closed just as the client reuses it fails the
        # request with a reset (seen as a rare ReadError in the 50-participant load test).
        # Half-sent requests are dropped after --request-timeout (TimedH11Protocol); at most
        # MAX_CONNECTIONS are served at once, so slow or idle clients cannot exhaust the open files.
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log, server_header=False,
                    timeout_graceful_shutdown=2, timeout_keep_alive=KEEP_ALIVE_S,
                    http=protocol_with_timeout(request_timeout), limit_concurrency=MAX_CONNECTIONS)  # fmt: skip
    finally:
        database.close()


def _tune_interpreter() -> None:
    """``gc.freeze()`` for the server process: what start-up made (modules, the app) is never scanned again.

    A full garbage collection mid-room scanned all of it: ~100 ms during which no change was stored or
    sent (bench/serve_bench.py); after the freeze the full collections seen took 15–30 ms.
    """
    import gc

    gc.collect()
    gc.freeze()


def demo_step(session, out, con) -> None:
    """``gmb demo``: serve the session in a throwaway database, let a participant join and vote, show the live view."""
    import tempfile
    from pathlib import Path

    from gmb.serve.actions import vote
    from gmb.serve.db import open_database
    from gmb.serve.view import state_view
    from gmb.serve.workshops import Workshops

    with tempfile.TemporaryDirectory() as tmp:
        workshops = Workshops(open_database(Path(tmp) / "demo.sqlite3"))
        try:
            made = workshops.create(session, session_id="havndal")
            ada, _ = workshops.join(made.join_code, "Ada")
            if session.ideas:
                idea = session.ideas[0].id
                workshops.commit("havndal", ada, lambda s: vote(s, ada, idea, on=True))
            view = state_view(workshops.live("havndal"), join_code=made.join_code)
        finally:
            workshops.db.close()
    loops = view["loops"]
    con.print(
        f"[green]✓[/green] served the session live (throwaway database): {len(view['variables'])} variables, "
        f"{len(view['links'])} links, {len(loops['items'])}{'+' if loops['truncated'] else ''} loops listed, "
        f"{view['seq']} events in its log (a participant joined and voted)"
    )
    con.print(
        "  run the workshop in browsers: [bold]gmb serve --import havndal[/bold] (open the facilitator link it prints)"
    )
