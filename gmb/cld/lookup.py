"""What every structural analysis needs from a graph: checks, signs, link ids, labels, look-ups.

Analyses accept any ``networkx.DiGraph``; graphs made by :func:`gmb.cld.to_graph` carry the
``gmb-cld/1`` attributes, others may lack them, so every read here has a default.

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_edge("a", "b", polarity="-", id="L1")
>>> edge_sign(G, "a", "b"), link_id(G, "a", "b"), label(G, "a")
(-1, 'L1', 'a')
>>> find_link(G, "L1")
('a', 'b')
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx

from gmb.errors import AnalysisError, InputError, NotFoundError

__all__ = [
    "SIGN_SYMBOL",
    "check_graph",
    "check_limit",
    "check_variable",
    "edge_sign",
    "find_link",
    "find_variable",
    "label",
    "link_id",
]

#: +1/-1/0 as the symbols users write
SIGN_SYMBOL = {1: "+", -1: "-", 0: "?"}
_POLARITY_SIGN = {"+": 1, "-": -1, "?": 0}


def check_graph(G: Any, *, need_edges: bool = False) -> nx.DiGraph:
    """``G`` itself if it is a non-empty simple DiGraph, else an error saying what is wrong."""
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise InputError(f"expected a networkx.DiGraph, got {type(G).__name__}", field="graph")
    if G.number_of_nodes() == 0:
        raise AnalysisError("the map is empty: it has no variables", hint="add variables and links first")
    if need_edges and G.number_of_edges() == 0:
        raise AnalysisError("the map has no links", hint="add causal links first")
    return G


def edge_sign(G: nx.DiGraph, u: Hashable, v: Hashable) -> int:
    """+1, -1, or 0 when the sign is unknown (never guessed). Reads ``sign``, else ``polarity``
    (``+``/``-``/``?``, or an enum with those values).

    >>> from gmb.session.model import Polarity
    >>> edge_sign(nx.DiGraph([("a", "b", {"polarity": Polarity("-")})]), "a", "b")
    -1
    """
    data = G.edges[u, v]
    sign = data.get("sign")
    if sign in (1, -1, 0) and not isinstance(sign, bool):
        return int(sign)
    polarity = data.get("polarity", "?")
    return _POLARITY_SIGN.get(str(getattr(polarity, "value", polarity)), 0)


def link_id(G: nx.DiGraph, u: Hashable, v: Hashable) -> str:
    """The edge's ``id``, or ``"u->v"`` for graphs made without ids."""
    return str(G.edges[u, v].get("id") or f"{u}->{v}")


def label(G: nx.DiGraph, node: Hashable, lang: str | None = None) -> str:
    """The node's label in ``lang`` if it has one, else its ``label``, else its id."""
    data = G.nodes[node]
    labels = data.get("labels") or {}
    if lang and lang in labels:
        return labels[lang]
    return str(data.get("label") or node)


def find_link(G: nx.DiGraph, ident: str) -> tuple[Hashable, Hashable]:
    """The ``(cause, effect)`` of the link with id ``ident`` (or written ``cause->effect``)."""
    for u, v, data in G.edges(data=True):
        if data.get("id") == ident:
            return u, v
    cause, sep, effect = str(ident).partition("->")
    if sep and G.has_edge(cause.strip(), effect.strip()):
        return cause.strip(), effect.strip()
    raise NotFoundError(f"unknown link '{ident}'", field="link", hint=_known(G.edges(data="id"), "link"))


def check_variable(G: nx.DiGraph, node: Hashable, field: str = "variable") -> Hashable:
    """``node`` if it is a variable of ``G``, else :class:`NotFoundError` listing some known ones."""
    if node not in G:
        raise NotFoundError(f"unknown variable '{node}'", field=field, hint=_known(G.nodes, "variable"))
    return node


def find_variable(G: nx.DiGraph, name: str) -> Hashable | None:
    """The variable whose id is ``name``, else the one variable with that label (any language,
    any case), else None.

    >>> G = nx.DiGraph([("sleep", "mood")]); G.nodes["sleep"]["labels"] = {"da": "Søvn"}
    >>> find_variable(G, "sleep"), find_variable(G, "søvn"), find_variable(G, "x")
    ('sleep', 'sleep', None)
    """
    if name in G:
        return name
    key = " ".join(str(name).split()).casefold()
    hits = []
    for node, data in G.nodes(data=True):
        texts = [*(data.get("labels") or {}).values(), data.get("label") or ""]
        if any(" ".join(str(t).split()).casefold() == key for t in texts):
            hits.append(node)
    return hits[0] if len(hits) == 1 else None


def check_limit(
    value: float | None, field: str, *, integer: bool = False, hint: str = "leave it out for no limit"
) -> float | None:
    """``value`` if None or positive, else :class:`InputError` naming the option."""
    if value is None:
        return None
    if isinstance(value, bool) or (integer and int(value) != value):
        raise InputError(f"must be a whole number, got {value!r}", field=field)
    if not value > 0:
        raise InputError(f"must be positive, got {value!r}", field=field, hint=hint)
    return int(value) if integer else float(value)


def _known(items: Any, what: str) -> str:
    names = []
    for item in items:
        names.append(str(item[2] or f"{item[0]}->{item[1]}") if isinstance(item, tuple) else str(item))
        if len(names) > 12:
            break
    if not names:
        return f"the map has no {what}s"
    return f"known {what}s: {', '.join(names[:12])}{'…' if len(names) > 12 else ''}"
