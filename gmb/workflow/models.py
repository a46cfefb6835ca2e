"""Building a session's model the way ``gmb convert`` does, for every command that needs it.

The session (or map file) → graph → assumptions (``--assumptions FILE``, else the model folder's
``assumptions.json`` if there is one, else the defaults) → :func:`gmb.stockflow.convert.to_stockflow`
→ files in ``<out>/models/<name>/``. Shared by ``gmb convert``, ``gmb simulate``, the ensemble
commands, calibration and the report, so it lives below all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gmb.workflow.sources import load_source

__all__ = ["Built", "build", "model_name", "run_baseline", "summary"]


@dataclass(frozen=True)
class Built:
    """Everything a conversion produced: the model, its assumptions, and where the files went."""

    name: str
    graph: Any
    assumptions: Any
    model: Any
    folder: Path
    files: dict[str, Path]


def model_name(source: str) -> str:
    """The model folder's name of a source: a session's name, or a map file's stem as an identifier.

    Examples
    --------
    >>> model_name("havndal"), model_name("my map.csv")
    ('havndal', 'my-map')
    """
    from gmb.stockflow.names import identifier

    path = Path(source)
    if path.is_file() or path.suffix:
        return identifier(path.stem).replace("_", "-")
    return source


def build(source: str, *, assumptions_file: Path | None = None, out: Path = Path("."), reset: bool = False,
          write: bool = True, outcome: str | None = None) -> Built:  # fmt: skip
    """Convert a session (or map file) and write its model folder; errors name the assumptions file.

    ``outcome`` (a variable id or label) overrides the map's outcome and the assumptions' one; it is
    written to the model folder's ``assumptions.json``, so later commands on the model keep it.
    """
    from gmb.cld.graph import to_graph
    from gmb.errors import GmbError
    from gmb.stockflow.assumptions import Assumptions, load_assumptions
    from gmb.stockflow.convert import to_stockflow
    from gmb.stockflow.files import FILES, write_model

    name = model_name(source)
    session = load_source(source)
    graph = to_graph(session)
    folder = Path(out) / "models" / name
    saved = folder / FILES["assumptions"]
    file = assumptions_file if assumptions_file is not None else (saved if saved.is_file() and not reset else None)
    assumptions = load_assumptions(file) if file is not None else Assumptions()
    if outcome is not None:
        chosen = _choose_outcome(graph, outcome)
        assumptions = assumptions.edit(outcome=chosen)
        graph.graph["outcome"] = chosen  # the structural answers (paths, verdicts) use the same outcome
    try:
        model = to_stockflow(graph, assumptions, name=name)
    except GmbError as exc:
        if exc.field == "outcome" and not (assumptions.outcome or graph.graph.get("outcome")):
            raise _no_outcome(source, graph) from None
        raise exc.located(
            file=str(file) if file is not None and _from_assumptions(exc, assumptions) else None
        ) from None
    files: dict[str, Path] = {}
    if write:
        positions = {n: tuple(d["position"]) for n, d in graph.nodes(data=True) if d.get("position")}
        files = write_model(model, assumptions, folder, positions=positions or None)
    return Built(name, graph, assumptions, model, folder, files)


def _choose_outcome(graph, outcome: str) -> str:
    from gmb.cld.lookup import check_variable, find_variable

    return str(check_variable(graph, find_variable(graph, outcome) or outcome, field="--outcome"))


def _no_outcome(source: str, graph):
    """The error for a map without an outcome, with commands that work for this source."""
    from gmb.errors import ConversionError

    path = Path(source)
    is_file = path.is_file() or bool(path.suffix)
    # likely candidates first: variables many links end in
    candidates = sorted(graph.nodes, key=lambda n: (-graph.in_degree(n), str(n)))[:5]
    example = candidates[0] if candidates else "VARIABLE"
    ways = [f"gmb convert {source} --outcome {example}"]
    if not is_file:
        ways.append(f"gmb var set {source} {example} --kind outcome")
    return ConversionError(
        "the map has no outcome variable: the model needs one to measure effects on",
        field="outcome",
        hint=f"choose one: {' or '.join(ways)} (most-affected variables: {', '.join(map(str, candidates))})",
    )


_ASSUMPTION_FIELDS = (
    "stocks",
    "adjustment_times",
    "elasticities",
    "delay_times",
    "polarities",
    "time",
    "link_presence",
    "link_sign",
)


def _from_assumptions(exc, assumptions) -> bool:
    """Does this conversion error point into the assumptions file (rather than the CLD)?"""
    field = exc.field or ""
    return field.startswith(_ASSUMPTION_FIELDS) or (field == "outcome" and assumptions.outcome is not None)


def summary(b: Built) -> dict[str, Any]:
    """What ``gmb convert`` reports about a built model (JSON-ready): files, counts, stocks, links left out,
    stability, notes."""
    from gmb.stockflow.convert import included_links
    from gmb.stockflow.stability import check_stability

    m = b.model
    _, left_out = included_links(b.graph, b.assumptions)
    report = m.stability if m.stability is not None else check_stability(m)
    return {
        "name": b.name,
        "folder": str(b.folder),
        "files": {k: str(v) for k, v in b.files.items()},
        "outcome": {"variable": m.element(m.outcome).variable, "name": m.outcome, "label": m.element(m.outcome).label},
        "counts": {"variables": len(m.variables), "stocks": len(m.stocks), "links_modelled": len(m.effects),
                   "links_left_out": len(left_out), "delays": len(m.smooths), "parameters": len(m.constants)},
        "stocks": [{"variable": s.variable, "name": s.name, "label": s.label, "chosen": s.chosen} for s in m.stocks],
        "left_out": [{"link": lid, "cause": u, "effect": v} for lid, u, v in left_out],
        "stability": {**report.to_dict(), "option": b.assumptions.stability, "scale": m.elasticity_scale},
        "effect_shape": b.assumptions.effect_shape,
        "notes": list(m.notes),
    }  # fmt: skip


def run_baseline(b: Built, engine: str):
    """The baseline run of a built model with ``engine`` (native or pysd), as Trajectories."""
    from gmb.errors import InputError

    if engine == "native":
        from gmb.simulate.reference import simulate as native

        return native(b.model)
    if engine == "pysd":
        from gmb.simulate.pysd_runner import run_pysd

        return run_pysd(b.files["xmile"])
    raise InputError(f"unknown engine {engine!r}", field="--engine", hint="native or pysd")
