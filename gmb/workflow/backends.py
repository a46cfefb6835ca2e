"""Where an ensemble runs for one command: the local process or a Dask cluster, said on stderr.

:func:`cli_backend` turns ``--backend/--scheduler/--workers`` into an open backend for the length
of a command; it is here, not with the options (:mod:`gmb.commands.options`), because the
workflow's ensemble runner (:mod:`gmb.workflow.ensembles`) opens it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["cli_backend", "resolve_backend"]


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

    from gmb.scale.backends import machine_workers, open_backend
    from gmb.workflow.output import err_console

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
