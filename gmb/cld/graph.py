"""The CLD as a ``networkx.DiGraph``, and back.

Attribute schema ``gmb-cld/1`` (versioned in ``G.graph["schema"]``):

Graph (``G.graph``)
    ``schema``, ``title``, ``focus``, ``languages`` (list), ``outcome`` (node id or None),
    ``themes`` ({id: {"labels", "description"}}), ``ideas`` ({id: {"labels", "targets":
    [{"variable", "direction"}], "votes", "feasibility", "working_group", "proposed_by", "stage"}}),
    ``stories`` ([{"id", "title", "links", "variables"}]: the group's stories, which name loops).
Node (one per variable)
    ``label`` (first language), ``labels`` ({lang: text}), ``description``, ``kind``
    (stock/auxiliary/exogenous/outcome/unknown), ``themes`` (list), ``proposed_by``,
    ``proposed_at`` (ISO 8601 or None), ``stage`` (W0–W3 or None), ``notes``, ``position`` ([x, y] or None),
    ``accepted_by`` (the facilitator who accepted it onto the map, or None).
Edge (one per link, ``cause -> effect``)
    ``id``, ``polarity`` ("+", "-", "?"), ``sign`` (+1, -1, 0 for unknown), ``delay`` (bool),
    ``strength`` (weak/medium/strong/unknown), ``proposed_by``, ``proposed_at``, ``stage``,
    ``supporters`` and ``disputers`` (lists of participant ids), ``support`` (how many distinct
    participants proposed or support it), ``evidence``, ``notes``, ``accepted_by``.

:func:`to_graph` never changes the session; :func:`from_graph` never changes the graph.

>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="t", variables=(Variable(id="a"), Variable(id="b")),
...             links=(Link(id="L1", cause="a", effect="b", polarity="-"),))
>>> G = to_graph(s)
>>> G.edges["a", "b"]["sign"], G.graph["schema"]
(-1, 'gmb-cld/1')
>>> from_graph(G, base=s) == s
True
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import networkx as nx

from gmb.errors import ValidationError
from gmb.session.model import Polarity, Session

__all__ = ["GRAPH_SCHEMA", "from_graph", "to_graph"]

GRAPH_SCHEMA = "gmb-cld/1"

_NODE_FIELDS = (
    "description", "kind", "themes", "proposed_by", "proposed_at", "stage", "notes", "position", "accepted_by",
)  # fmt: skip
_EDGE_FIELDS = (
    "id", "polarity", "delay", "strength", "proposed_by", "proposed_at", "stage",
    "supporters", "disputers", "evidence", "notes", "accepted_by",
)  # fmt: skip


def _plain(value: Any) -> Any:
    """Tuples become lists, enums their values, datetimes ISO strings: JSON-friendly attributes."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):  # before str: our enums are str subclasses
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_graph(session: Session) -> nx.DiGraph:
    """The session's CLD as a new DiGraph (schema ``gmb-cld/1``).

    Parameters
    ----------
    session : gmb.session.Session
        The workshop record.

    Returns
    -------
    networkx.DiGraph
        One node a variable (attributes ``label``, ``labels``, ``kind`` …), one edge a link (``id``,
        ``polarity``, ``sign``, ``delay`` …); ``G.graph`` holds the title, outcome, themes and ideas.

    Examples
    --------
    >>> from gmb.session import Session
    >>> s = Session(title="Demo", variables=[{"id": "a"}, {"id": "b"}],
    ...             links=[{"id": "l1", "cause": "a", "effect": "b", "polarity": "-"}])
    >>> G = to_graph(s)
    >>> list(G.edges), G.edges["a", "b"]["sign"]
    ([('a', 'b')], -1)
    """
    lang = session.languages[0] if session.languages else None
    G = nx.DiGraph()
    G.graph.update(
        schema=GRAPH_SCHEMA,
        title=session.title,
        focus=session.focus,
        languages=list(session.languages),
        outcome=session.outcome_variable,
        themes={t.id: {"labels": dict(t.labels), "description": t.description} for t in session.themes},
        ideas={
            i.id: {
                "labels": dict(i.labels),
                "description": i.description,
                "targets": [{"variable": t.variable, "direction": t.direction} for t in i.targets],
                "votes": list(i.votes),
                "feasibility": i.feasibility,
                "working_group": i.working_group,
                "dose": None if i.dose is None else i.dose.model_dump(mode="json"),
                "proposed_by": i.proposed_by,
                "stage": i.stage,
            }
            for i in session.ideas
        },
        stories=[
            {"id": st.id, "title": st.title, "links": list(st.links), "variables": list(st.variables)}
            for st in session.stories
        ],
    )
    for v in session.variables:
        attrs = {f: _plain(getattr(v, f)) for f in _NODE_FIELDS}
        G.add_node(v.id, label=v.label(lang), labels=dict(v.labels), **attrs)
    for link in session.links:
        attrs = {f: _plain(getattr(link, f)) for f in _EDGE_FIELDS}
        people = {p for p in (link.proposed_by, *link.supporters) if p}
        G.add_edge(link.cause, link.effect, sign=link.polarity.sign, support=len(people), **attrs)
    return G


def _polarity(data: dict[str, Any], where: str) -> str:
    if "polarity" in data and data["polarity"] is not None:
        return data["polarity"]
    sign = data.get("sign", 0)
    if sign in (1, -1, 0):
        return {1: "+", -1: "-", 0: "?"}[sign]
    raise ValidationError(f"sign must be +1, -1 or 0, got {sign!r}", field=where)


def from_graph(G: nx.DiGraph, base: Session | None = None) -> Session:
    """A session whose variables and links are the graph's nodes and edges.

    Everything else (participants, stages, ideas…) comes from ``base`` when given,
    else from the graph's attributes where present. Nodes and edges may carry only
    some of the schema's attributes; missing ones take their defaults, and edges
    without an ``id`` get ``L1``, ``L2``… in edge order.

    Parameters
    ----------
    G : networkx.DiGraph
        The map; node and edge attributes as :func:`to_graph` writes them (all optional).
    base : gmb.session.Session, optional
        The session the rest of the record is taken from.

    Returns
    -------
    gmb.session.Session
        A new session.

    Raises
    ------
    gmb.errors.ValidationError
        ``G`` is not a DiGraph, or an attribute has a value the schema refuses (e.g. ``sign=2``).

    Examples
    --------
    >>> import networkx as nx
    >>> s = from_graph(nx.DiGraph([("a", "b", {"sign": -1})]))
    >>> [(link.id, link.cause, link.effect, link.polarity.value) for link in s.links]
    [('L1', 'a', 'b', '-')]
    """
    from gmb.session.parse import parse_session

    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise ValidationError("expected a networkx.DiGraph", field="graph")
    variables = []
    for node, data in G.nodes(data=True):
        if "labels" in data:
            labels = dict(data["labels"] or {})
        else:  # a graph made elsewhere: its one label is taken as English
            labels = {"en": str(data["label"])} if data.get("label") else {}
        kept = {f: data[f] for f in _NODE_FIELDS if data.get(f) is not None}
        variables.append({"id": str(node), "labels": labels, **kept})
    links = []
    used = {d.get("id") for _, _, d in G.edges(data=True)}
    n = 0
    for cause, effect, data in G.edges(data=True):
        kept = {f: data[f] for f in _EDGE_FIELDS if data.get(f) is not None}
        if "id" not in kept:
            n += 1
            while f"L{n}" in used:
                n += 1
            kept["id"] = f"L{n}"
        kept["polarity"] = Polarity(_polarity(data, f"edge {cause} -> {effect}")).value
        links.append({**kept, "cause": str(cause), "effect": str(effect)})
    if base is not None:
        # Keep the base's order (networkx iterates edges by source node), so diffs stay minimal.
        rank = {link.id: i for i, link in enumerate(base.links)}
        links.sort(key=lambda x: rank.get(x["id"], len(rank)))
        data = base.model_dump(mode="json")
    else:
        data = {"title": G.graph.get("title") or "untitled", "focus": G.graph.get("focus") or ""}
        if G.graph.get("languages"):
            data["languages"] = G.graph["languages"]
    outcome = G.graph.get("outcome")
    if base is not None and outcome == base.outcome_variable:
        outcome = base.outcome  # unchanged: keep it explicit or derived, as it was
    data.update(variables=variables, links=links, outcome=outcome if outcome in G else None)
    return parse_session(data)
