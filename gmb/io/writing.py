"""What every writer shares: the map to write (a Session or a CLD graph) and checks before writing.

Kept apart from :mod:`gmb.io.build` (which turns what a reader found into a Session): writers need
only these, and the builder needs none of them.

>>> s = Session(title="t")
>>> as_session(s) is s
True
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gmb.errors import ValidationError
from gmb.session.model import Session
from gmb.session.parse import parse_session

__all__ = ["as_session", "check_new_file", "prepare_write", "xml_safe"]


def check_new_file(path: Path) -> None:
    """Refuse to write where a folder is."""
    if path.is_dir():
        raise ValidationError("is a folder; give a file name", file=str(path), field="--out")


def as_session(obj: Any) -> Session:
    """Writers take a Session or a gmb-cld graph (``gmb.to_graph``)."""
    if isinstance(obj, Session):
        return obj
    import networkx as nx

    if isinstance(obj, nx.DiGraph):
        from gmb.cld.graph import from_graph

        # from_graph needs the themes and people the nodes and edges name; the graph carries them
        G = obj
        themes = G.graph.get("themes") if isinstance(G.graph.get("themes"), dict) else {}
        people = {d.get("proposed_by") for _, d in G.nodes(data=True)}
        for *_, d in G.edges(data=True):
            people |= {d.get("proposed_by"), *(d.get("supporters") or ()), *(d.get("disputers") or ())}
        base = parse_session({
            "title": G.graph.get("title") or "untitled", "focus": G.graph.get("focus") or "",
            "languages": G.graph.get("languages") or ["en"],
            "themes": [{"id": k, **{f: v[f] for f in ("labels", "description") if f in v}} for k, v in themes.items()],
            "participants": [{"id": p, "name": p} for p in sorted(x for x in people if x)],
        })  # fmt: skip
        return from_graph(G, base=base)
    raise ValidationError(f"expected a Session or a networkx.DiGraph, got {type(obj).__name__}")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(session: Session) -> None:
    """Refuse text XML 1.0 cannot hold (control characters), naming where it is."""
    for kind, items in (("variables", session.variables), ("links", session.links), ("themes", session.themes)):
        for item in items:
            for name, value in item.model_dump(mode="json").items():
                texts = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
                for text in texts:
                    if isinstance(text, str) and _NOT_XML.search(text):
                        raise ValidationError(
                            "contains a control character that XML files cannot hold",
                            field=f"{kind}.{item.id}.{name}", hint="remove it and export again",
                        )  # fmt: skip
    if _NOT_XML.search(session.title):
        raise ValidationError("contains a control character that XML files cannot hold", field="title")


def prepare_write(session: Any, path: str | Path, lang: str | None) -> tuple[Session, Path, str]:
    """What a writer of a one-file format starts with: the map, the checked output path and the language.

    Parameters
    ----------
    session : Session or networkx.DiGraph
        The map (see :func:`as_session`).
    path : str or pathlib.Path
        The file to write; a folder there is refused.
    lang : str or None
        The language of the labels to write; None is the map's first language (``en`` if it has none).

    Returns
    -------
    tuple of (Session, pathlib.Path, str)

    Examples
    --------
    >>> s = Session(title="t", languages=("da", "en"))
    >>> prepare_write(s, "m.mdl", None)[1:]
    (PosixPath('m.mdl'), 'da')
    """
    session = as_session(session)
    path = Path(path)
    check_new_file(path)
    return session, path, lang or (session.languages[0] if session.languages else "en")
