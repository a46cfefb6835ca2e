"""GraphML through networkx: the CLD graph (schema ``gmb-cld/1``, see :mod:`gmb.cld.graph`) as a file.

GraphML attributes must be scalars, so lists and objects (``labels``, ``themes``, ``position``,
``supporters``, the graph's ``ideas``…) are written as JSON text and decoded on reading; ``None`` is
left out. The graph also carries the participants, so links keep who proposed and supports them.
GraphML from other tools (yEd, Gephi, Cytoscape) is read too: a node's ``label`` (or ``name``, or
its id) becomes the label; ``polarity`` (``+``/``-``), ``sign`` (+1/-1) or an edge label that is a sign
(``+``, ``-``, ``s``, ``o``…) the polarity. From yEd: node positions (``<y:Geometry>``) are kept; a shape
without text is a drawing, not a variable, and is skipped with a warning (with its edges).
Parsing refuses DTDs and entities (:mod:`gmb.io.safexml`) before networkx sees the file.

>>> import tempfile, pathlib
>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="t", languages=("da",), variables=(Variable(id="a", labels={"da": "Søvn"}, position=(1, 2)),
...             Variable(id="b", labels={"da": "Trivsel"})),
...             links=(Link(id="L1", cause="a", effect="b", polarity="-", delay=True),))
>>> p = write_graphml(s, pathlib.Path(tempfile.mkdtemp()) / "m.graphml")
>>> read_graphml(p) == s
True
"""

from __future__ import annotations

import io
import json
import math
import warnings
from enum import Enum
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, ValidationError, warn
from gmb.files import atomic_write_bytes
from gmb.io.build import MapBuilder, read_bytes
from gmb.io.safexml import check_xml, local
from gmb.io.signs import polarity_of, truthy
from gmb.io.writing import as_session, check_new_file, xml_safe
from gmb.session.model import Session

__all__ = ["ENCODING", "read_graphml", "write_graphml"]

#: marks GraphML written by gmb (lists and objects as JSON text)
ENCODING = "gmb-graphml/1"
_JSON_KEYS = {
    "graph": {"languages", "themes", "ideas", "participants"},
    "node": {"labels", "themes", "position"},
    "edge": {"supporters", "disputers"},
}


def _encode(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, Enum):  # to_graph leaves str-enums (kind, polarity) as enum members
            value = value.value
        if isinstance(value, (list, tuple, dict)):
            value = json.dumps(value, ensure_ascii=False)
        out[key] = value
    return out


def write_graphml(session: Any, path: str | Path) -> Path:
    """Write the CLD graph (``gmb.to_graph``) as GraphML; lists and objects become JSON text."""
    import networkx as nx

    from gmb.cld.graph import to_graph

    session = as_session(session)
    path = Path(path)
    check_new_file(path)
    xml_safe(session)
    G = to_graph(session)
    H = nx.DiGraph()
    participants = [p.model_dump(mode="json") for p in session.participants]
    H.graph.update(_encode({**G.graph, "participants": participants, "encoding": ENCODING}))
    for node, data in G.nodes(data=True):
        H.add_node(node, **_encode(data))
    order = {link.id: i for i, link in enumerate(session.links)}  # networkx would group edges by source
    for cause, effect, data in G.edges(data=True):
        H.add_edge(cause, effect, **_encode(data), order=order[data["id"]])
    buffer = io.BytesIO()
    nx.write_graphml(H, buffer, encoding="utf-8", prettyprint=True)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _decode(attrs: dict[str, Any], keys: set[str], file: str, where: str) -> dict[str, Any]:
    out = dict(attrs)
    for key in keys & set(attrs):
        value = attrs[key]
        if isinstance(value, str) and value[:1] in "[{":
            try:
                out[key] = json.loads(value)
            except (json.JSONDecodeError, RecursionError):
                raise FormatError(f"attribute '{key}' is not valid JSON", file=file, field=where) from None
    return out


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def read_graphml(path: str | Path, *, lang: str = "en", title: str | None = None, by: str | None = None) -> Session:
    """Read a GraphML graph into a new in-memory :class:`Session`."""
    path = Path(path)
    file = str(path)
    raw = _checked(read_bytes(path), file)
    G = _parse(raw, file)
    ours = G.graph.get("encoding") == ENCODING
    gdata = _decode(G.graph, _JSON_KEYS["graph"], file, "graph")
    languages = gdata.get("languages") if isinstance(gdata.get("languages"), list) else None
    if ours and languages and isinstance(languages[0], str):
        lang = languages[0]
    b = MapBuilder(file, lang=lang, by=by)
    yed = b"yworks.com" in raw[:4096] or b"yfiles.type" in raw[:20000]
    _graph_data(b, gdata, languages, lang)
    for node, data in G.nodes(data=True):
        _node(b, node, data, lang=lang, yed=yed)
    _edges(b, G, ours)
    session_fields: dict[str, Any] = _our_session_fields(b, G, gdata) if ours else {}
    name = gdata.get("title") or gdata.get("name")
    return b.build(title=title or (name if isinstance(name, str) else None) or path.stem, **session_fields)


def _checked(raw: bytes, file: str) -> bytes:
    """The file's bytes after the safety check, with the GraphML namespace added where it is missing."""
    root_tag = check_xml(raw, file)  # the safety check (no tree kept): networkx's own parser is not hardened
    if local(root_tag) != "graphml":
        raise FormatError(f"not GraphML: the outermost element is <{local(root_tag) or '?'}>", file=file, line=1)
    if root_tag == "graphml":  # no namespace: networkx would find no <graph>; it is plainly meant
        raw = raw.replace(b"<graphml", b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"', 1)
    return raw


def _parse(raw: bytes, file: str):
    """The first graph networkx reads from ``raw``; it must be directed."""
    import networkx as nx

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            graphs = list(nx.readwrite.graphml.GraphMLReader()(string=raw))
        for w in caught:  # networkx warns about keys without a type; say it as ours, with the file
            warn(str(w.message), file=file)
    except Exception as exc:  # noqa: BLE001 - networkx raises many kinds of errors on bad GraphML
        raise FormatError(f"cannot read the GraphML: {type(exc).__name__}: {exc}"[:300], file=file) from None
    if not graphs:
        raise FormatError("no <graph> in the GraphML file", file=file)
    G = graphs[0]
    if not G.is_directed():
        raise ValidationError("the graph is undirected; a causal-loop diagram needs arrows", file=file,
                              field="graph edgedefault", hint='write edgedefault="directed"')  # fmt: skip
    return G


def _graph_data(b: MapBuilder, gdata: dict[str, Any], languages: list | None, lang: str) -> None:
    """The graph's languages, participants and themes (gmb writes them on the graph)."""
    if isinstance(languages, list):
        b.languages = [x for x in dict.fromkeys([lang, *languages]) if isinstance(x, str)]
    for p in gdata.get("participants") or [] if isinstance(gdata.get("participants"), list) else []:
        if isinstance(p, dict) and isinstance(p.get("id"), str):
            b.participants[p["id"]] = p
    themes = gdata.get("themes") if isinstance(gdata.get("themes"), dict) else {}
    for theme_id, item in themes.items():
        item = item if isinstance(item, dict) else {}
        b.themes[str(theme_id)] = {"id": str(theme_id), **{k: item[k] for k in ("labels", "description") if k in item}}


def _node(b: MapBuilder, node: Any, data: dict[str, Any], *, lang: str, yed: bool) -> None:
    """One node as a variable (a yEd shape without text is skipped by the builder, with a warning)."""
    where = f"node {node}"
    data = _decode(data, _JSON_KEYS["node"], b.file, where)
    labels = data.get("labels") if isinstance(data.get("labels"), dict) else {}
    label = (
        labels.get(lang)
        or data.get("label")
        or data.get("name")
        or (next(iter(labels.values()), None) if labels else None)
        or (None if yed else node)  # a yEd shape without text is a drawing, not a variable: skipped
    )
    position = _position(data, yed)
    for theme in data.get("themes") or [] if isinstance(data.get("themes"), list) else []:
        if isinstance(theme, str) and theme not in b.themes:
            b.themes[theme] = {"id": theme, "labels": {lang: theme}}
    extra = {k: v for k, v in data.items() if k in ("proposed_by", "proposed_at", "stage") and v}
    b.variable(label, key=node, id=str(node), field=where, labels={k: v for k, v in labels.items() if k != lang},
               kind=data.get("kind"), position=tuple(position) if position else None,
               description=data.get("description") or "", notes=data.get("notes") or "",
               themes=[t for t in data.get("themes") or [] if isinstance(t, str)]
               if isinstance(data.get("themes"), list) else (), **extra)  # fmt: skip


def _position(data: dict[str, Any], yed: bool) -> list | None:
    """gmb's ``position`` ``[x, y]``, or yEd's shape geometry; anything else is no position."""
    position = data.get("position")
    if position is None and yed:  # yEd: the shape's <y:Geometry x= y=> (networkx reads them as text)
        x, y = _float(data.get("x")), _float(data.get("y"))
        position = [x, y] if x is not None and y is not None else None
    if not (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in position)
    ):
        position = None
    return position


def _edges(b: MapBuilder, G, ours: bool) -> None:
    """The edges as links, in the order gmb wrote them (``order``) when the file is gmb's."""
    edges = list(G.edges(data=True))
    if ours:
        edges.sort(key=lambda e: e[2].get("order", 0) if isinstance(e[2].get("order"), int) else 0)
    if G.is_multigraph():
        warn("parallel edges found; only the first of each pair is read", file=b.file)
    for cause, effect, data in edges:
        where = f"edge {cause} -> {effect}"
        data = _decode(data, _JSON_KEYS["edge"], b.file, where)
        raw_sign = next((data[k] for k in ("polarity", "sign", "label") if data.get(k) not in (None, "")), None)
        polarity = b.sign(raw_sign) if not (raw_sign == data.get("label") and polarity_of(raw_sign) == "?") else "?"
        people = {
            k: [str(p) for p in data[k] if p] for k in ("supporters", "disputers") if isinstance(data.get(k), list)
        }
        extra = {k: data[k] for k in ("evidence", "notes", "proposed_by", "proposed_at", "stage") if data.get(k)}
        if b.id_of(cause) is None or b.id_of(effect) is None:
            continue  # an end was skipped (said above)
        b.link(b.id_of(cause), b.id_of(effect), polarity=polarity, delay=truthy(data.get("delay")),
               strength=data.get("strength"), id=data.get("id"), field=where, **people, **extra)  # fmt: skip


def _our_session_fields(b: MapBuilder, G, gdata: dict[str, Any]) -> dict[str, Any]:
    """What only gmb's own GraphML carries on the graph: ideas, focus, the outcome."""
    session_fields: dict[str, Any] = {}
    ideas = gdata.get("ideas") if isinstance(gdata.get("ideas"), dict) else {}
    session_fields["ideas"] = [{"id": str(k), **{f: x for f, x in (v or {}).items() if x is not None}}
                               for k, v in ideas.items() if isinstance(v, dict)]  # fmt: skip
    if gdata.get("focus"):
        session_fields["focus"] = str(gdata["focus"])
    marked = [n for n, d in G.nodes(data=True) if d.get("kind") == "outcome"]
    if gdata.get("outcome") in G and marked != [gdata["outcome"]]:  # else it follows from the kinds
        session_fields["outcome"] = b.id_of(gdata["outcome"])
    return session_fields
