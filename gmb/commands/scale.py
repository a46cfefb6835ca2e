"""``--backend local|dask [--scheduler ADDRESS] [--workers N]``: where ``gmb simulate|rank|attribute`` run.

The options are shared by the ensemble commands (:mod:`gmb.commands.scenarios`);
:func:`cli_backend` turns them into an open backend for the length of a command
and says on stderr what it is using, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

__all__ = ["BackendOpt", "SchedulerOpt", "WorkersOpt", "cli_backend", "resolve_backend"]

BackendOpt = typer.Option(
    None, "--backend", help="local (this process) or dask (a Dask cluster: --scheduler ADDRESS, or a local one "
    "with a worker per core). Default: local, or dask when --scheduler is given.", show_default=False,
)  # fmt: skip
SchedulerOpt = typer.Option(
    None, "--scheduler", envvar="GMB_SCHEDULER", help="Address of a running Dask scheduler, e.g. tcp://host:8786.",
    show_default=False,
)  # fmt: skip
WorkersOpt = typer.Option(
    None, "--workers", help="Worker processes of the local Dask cluster (default: one per core).", show_default=False
)


def resolve_backend(backend: str | None, scheduler: str | None) -> str:
    """The backend's name: as given, else ``dask`` when a scheduler is named, else ``local``.

    >>> resolve_backend(None, None), resolve_backend(None, "tcp://h:8786"), resolve_backend("dask", None)
    ('local', 'dask', 'dask')
    """
    if backend:
        return backend.strip().lower()
    return "dask" if scheduler else "local"


@contextmanager
def cli_backend(backend: str | None, scheduler: str | None, workers: int | None = None) -> Iterator[Any]:
    """The open backend for one command (a LocalCluster is started here and closed on the way out)."""
    from rich.markup import escape

    from gmb.commands.common import err_console
    from gmb.scale.backends import machine_workers, open_backend

    name = resolve_backend(backend, scheduler)
    con = err_console()
    if name == "local" and scheduler:  # e.g. $GMB_SCHEDULER is set, but this run is asked to stay here
        con.print("[dim]--backend local: not using the scheduler[/dim]")
        scheduler = None
    if name == "dask" and not scheduler:
        con.print(f"[dim]starting a local Dask cluster ({workers or machine_workers()} workers)…[/dim]")
    with open_backend(name, scheduler=scheduler or None, workers=workers) as be:
        if name == "dask":
            info = be.describe()
            con.print(f"[dim]dask: {info['workers']} workers, scheduler {escape(str(info['scheduler']))}[/dim]")
        yield be
