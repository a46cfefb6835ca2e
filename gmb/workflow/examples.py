"""The shipped examples as sessions: install one into the sessions folder, or run it as ``gmb demo
--example NAME`` does (summary, then calibration and attribution when it has data).

Shared by ``gmb demo``, the calibration doctests and the benchmarks.
"""

from __future__ import annotations

from pathlib import Path

from gmb.workflow.calibration import save_observed

__all__ = ["demo_example", "install_example"]


def install_example(name: str, con) -> Path:
    """Copy shipped example ``name`` into the sessions folder unless a session of that name exists.

    The example's files are copied beside the final place and renamed, so the session appears whole
    or not at all; a session of that name already there is the user's and is left alone.

    Parameters
    ----------
    name : str
        A shipped example (``gmb examples`` lists them).
    con : rich.console.Console
        Where to say what happened.

    Returns
    -------
    pathlib.Path
        The session's folder.

    Examples
    --------
    >>> import os, tempfile
    >>> from rich.console import Console
    >>> from gmb.workflow import sources
    >>> before = sources._state["sessions_dir"]
    >>> sources.set_sessions_dir(tempfile.mkdtemp())
    >>> with open(os.devnull, "w") as null:
    ...     folder = install_example("havndal", Console(file=null))
    >>> (folder / "events.jsonl").is_file()
    True
    >>> sources.set_sessions_dir(before)
    """
    import os
    import shutil

    from gmb.errors import StoreError
    from gmb.examples import example_dir
    from gmb.files import fsync_dir, make_temp_dir
    from gmb.workflow.sources import store as open_store

    store = open_store()
    folder = store.path(name)
    if folder.exists():
        con.print(f"[yellow]![/yellow] {folder} exists already: left it alone (the demo used the shipped example; "
                  f"`gmb … {name}` commands use your {folder})")  # fmt: skip
        return folder
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(store.root, f".{name}.")
    try:
        for src in sorted(example_dir(name).iterdir()):
            if src.is_file() and src.suffix in (".json", ".jsonl"):
                shutil.copyfile(src, tmp / src.name)
        os.rename(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"cannot write the example session: {exc.strerror}", file=str(folder)) from None
    fsync_dir(store.root)
    store.load(name)  # it loads as a session (a broken copy would be an error here, not later)
    con.print(f"[green]✓[/green] the example is the session '{name}' in {folder}: try `gmb session show {name}`, "
              f"`gmb map {name}`, `gmb rank {name}`")  # fmt: skip
    return folder


def demo_example(name: str, out: Path, con) -> None:
    """``gmb demo --example NAME``: install the example, summarise it, and calibrate/attribute if it has data."""
    from gmb.examples import example_dir, load_example
    from gmb.views.summary import print_summary

    session = load_example(name)
    con.print(f"[green]✓[/green] loaded and validated the example '{name}' from {example_dir(name)}")
    install_example(name, con)
    print_summary(session, console=con)
    if session.notes:
        con.print(f"[bold]Read first:[/bold] {session.notes}", soft_wrap=True)
    if not session.observations:
        con.print("[yellow]no observations in this example:[/yellow] gmb can rank the ideas before the fact "
                  f"(`gmb rank {name}`) but has nothing to calibrate to; `gmb observe add {name} …` adds data.")  # fmt: skip
        return
    from gmb.calibration.report_text import print_calibration, print_observed_attribution
    from gmb.workflow.calibration import attribute_observed, calibrate

    plot = Path(out) / "reports" / name / "calibration.png"
    print_calibration(calibrate(name, runs=2000, plot=plot, out=out), con)
    if session.implemented:
        a = attribute_observed(name, runs=2000, out=out)
        save_observed(name, a, out)
        print_observed_attribution(a, con)
    if any(o.transform == "relative_to_first" for o in session.observations):
        from gmb.calibration.selection import print_variants, selection_variants
        from gmb.workflow.calibration import problem_for

        print_variants(selection_variants(problem_for(name)[0], (0.0, 0.25, 0.5), runs=2000), con)
