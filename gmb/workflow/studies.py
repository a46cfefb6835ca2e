"""Preparing a study of a session's ideas: its model, its scenarios file, the bundle asked for.

Every ensemble command (``gmb rank``, ``attribute``, ``sensitivity``, ``robustness``, ``simulate
--runs``, ``scenarios``), loop dominance, calibration and the report start the same way: build
the model (:func:`gmb.workflow.models.build`, nothing written), read the scenario assumptions —
which interventions each idea stands for, with which doses — from ``sessions/NAME/scenarios.json``
(written with the defaults on first use, so they can be read and edited) and warn about targets
that cannot reach the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gmb.workflow.models import build, model_name
from gmb.workflow.output import err_console
from gmb.workflow.sources import store

__all__ = [
    "dose_notes", "lang_of", "load_or_init_scenarios", "prepare", "resolve_bundle", "scenarios_file",
    "unlinked_warnings", "vary",
]  # fmt: skip


def vary(structure: bool) -> tuple[str, ...]:
    """What the ensemble draws: every kind of parameter, or all but the links' structure (``--no-structure``).

    Examples
    --------
    >>> "structure" in vary(True), "structure" in vary(False)
    (True, False)
    """
    from gmb.simulate.sampling import VARY

    return VARY if structure else tuple(k for k in VARY if k != "structure")


def scenarios_file(name: str, out: Path = Path(".")) -> Path:
    """Where a source's scenario assumptions live: ``sessions/NAME/scenarios.json`` for a stored
    session, ``<out>/models/NAME/scenarios.json`` for a map file."""
    from gmb.scenarios.settings import SCENARIOS_FILE

    path = Path(name)
    if path.is_file() or path.suffix:
        return Path(out) / "models" / model_name(name) / SCENARIOS_FILE
    return store().path(name) / SCENARIOS_FILE


def load_or_init_scenarios(path: Path, graph: Any) -> tuple[Any, bool]:
    """The scenarios in ``path`` completed with ideas added since; written (atomically) when new or completed."""
    from gmb.scenarios.settings import complete_scenarios, default_scenarios, load_scenarios, save_scenarios

    if path.is_file():
        from gmb.files import read_json
        from gmb.scenarios.settings import SCHEMA_V1

        raw = read_json(path)
        current = load_scenarios(path)
        done = complete_scenarios(current, graph)
        if isinstance(raw, dict) and raw.get("schema") == SCHEMA_V1:  # keep the old file beside the migrated one
            backup = path.with_name(path.stem + ".v1.json")
            if not backup.exists():
                from gmb.files import atomic_write_text

                atomic_write_text(backup, path.read_text(encoding="utf-8"))
            err_console().print(f"[dim]note: {path} migrated to {done.schema_} (old file kept as {backup.name}): "
                                f"{done.migration}[/dim]", soft_wrap=True)  # fmt: skip
            save_scenarios(done, path)
        elif done is not current:
            save_scenarios(done, path)
        return done, False
    s = default_scenarios(graph)
    save_scenarios(s, path)
    return s, True


def prepare(name: str, assumptions: Path | None, out: Path, scenarios_path: Path | None = None,
            outcome: str | None = None):  # fmt: skip
    """``(built model, scenarios, scenarios file)`` of a source, as every ensemble command starts.

    The model is built as ``gmb convert`` does (nothing written); the scenarios are read from
    ``scenarios_path`` (default :func:`scenarios_file`), written with the defaults on first use, and
    each idea target without a path to the outcome is warned about on stderr.
    """
    b = build(name, assumptions_file=assumptions, out=out, write=False, outcome=outcome)
    path = scenarios_path or scenarios_file(name, out)
    sc, created = load_or_init_scenarios(path, b.graph)
    if created:
        err_console().print(f"[dim]wrote the default scenario assumptions (doses) to {path}; edit them there[/dim]")
    dose_notes(b, sc, name)
    return b, sc, path


def dose_notes(b, sc, name: str) -> None:
    """Warn (stderr) about idea targets with no path to the outcome and tags the plans do not list."""
    from rich.markup import escape

    for text in unlinked_warnings(sc, b.graph, name):
        err_console().print(f"[yellow]warning:[/yellow] {escape(text)}", soft_wrap=True)


def lang_of(b, lang: str | None) -> str | None:
    """The language asked for, else the map's first language (``None``: the map has none)."""
    return lang or (b.graph.graph.get("languages") or [None])[0]


def resolve_bundle(sc, bundle: str) -> list[str]:
    """``all``, a bundle's name from scenarios.json, or comma-separated idea ids (NotFoundError if unknown)."""
    from gmb.errors import InputError, NotFoundError

    text = (bundle or "").strip()
    if not text:
        raise InputError("name the ideas of the bundle", field="--bundle", hint="IDEA,IDEA,… or all")
    if text == "all":
        return [i for i, plan in sc.ideas.items() if plan.targets] or list(sc.ideas)
    if text in sc.bundles:
        return list(sc.bundles[text])
    ideas = [i.strip() for i in text.split(",") if i.strip()]
    for i in ideas:
        if i not in sc.ideas:
            raise NotFoundError(f"unknown idea {i!r}", field="--bundle", hint=f"ideas: {', '.join(sc.ideas)}")
    return ideas


def unlinked_warnings(sc, graph, name: str = "NAME") -> list[str]:
    """One ``warning:`` text per target that has no path to the outcome in the map, and per variable the idea
    bank tags but the idea's plan does not list (tagged after ``scenarios.json`` was written)."""
    from gmb.scenarios.doses import target_flags
    from gmb.scenarios.settings import ideas_of

    out = []
    for idea, info in ideas_of(graph).items():
        plan = sc.ideas.get(idea)
        listed = {t.variable for t in plan.targets} if plan else set()
        for t in info.get("targets") or []:
            if plan is not None and t["variable"] not in listed:
                out.append(f"idea {idea}: the idea bank tags {t['variable']}, which its plan in scenarios.json does "
                           f"not list, so it gets none of the dose; to add it: gmb scenarios set {name} {idea} "
                           f"--target … --target {t['variable']}:{t.get('direction', '+')}")  # fmt: skip
    for idea, flags in target_flags(sc.ideas, graph).items():
        plan = sc.ideas[idea]
        for t in plan.targets:
            if flags[t.variable]["no_path_to_outcome"]:
                share = plan.share_of(t)
                what = (f"it keeps its share ({share:.0%}) of the idea's dose, which does not reach the outcome; to "
                        f"give it to the other targets: gmb scenarios set {name} {idea} --drop-unlinked") if share \
                    else "its weight is 0, so it takes none of the idea's dose"  # fmt: skip
                out.append(f"idea {idea}: target {t.variable} has no path to the outcome in the map: {what}")
    return out
