"""The ``gmb`` command line: thin wrappers over the library, one command module per stage.

Heavy packages (pysd, pyvis, matplotlib) are imported inside commands so ``gmb --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path

import typer

from gmb.commands import (
    common,
    demo,
    doses,
    formats,
    model,
    observe,
    record,
    robustness,
    scenarios,
    serve,
    story,
    structure,
    views,
)

app = typer.Typer(
    name="gmb",
    help="gmb — group model building: from workshop record to causal-loop diagram, "
    "stock-flow model, scenarios and maps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _options(sessions_dir: Path | None = common.SessionsDir) -> None:
    common.set_sessions_dir(sessions_dir)


record.register(app)
structure.register(app)
model.register(app)
scenarios.register(app)
app.add_typer(doses.scenarios_app, name="scenarios")  # gmb scenarios NAME | set …: show or edit the doses
robustness.register(app)
formats.register(app)
demo.register(app)
views.register(app)
serve.register(app)
observe.register(app)
story.register(app)


def main() -> None:
    """Entry point: run the app; a GmbError prints one line and exits non-zero, no traceback."""
    from rich.markup import escape

    from gmb.errors import GmbError

    try:
        app()
    except GmbError as exc:
        common.err_console().print(f"[bold red]error:[/bold red] {escape(str(exc))}", soft_wrap=True)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
