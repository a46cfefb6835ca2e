"""Node positions for the map's W1 connection circle.

Positions are plain ``{node: (x, y)}`` dicts in screen pixels (y grows downwards, as in the
browser). The circle is kept small and local here on purpose; :mod:`gmb.cld` may later own the
circle as data and this module then only scales it. Force layouts are left to vis-network in the
browser: on a 1,000-node map its Barnes–Hut forceAtlas2 settles in about 2 s, while networkx's
``spring_layout`` alone took 3–8 s here (see ``bench/map_bench.py``).

>>> import networkx as nx
>>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
>>> pos = circle_positions(G, order=["a", "b", "c"], radius=100)
>>> pos["a"]
(0.0, -100.0)
>>> sorted(pos) == ["a", "b", "c"]
True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import networkx as nx

from gmb.errors import NotFoundError

__all__ = ["circle_order", "circle_positions"]

#: pixels of circumference per variable on the connection circle, so labels do not touch
_ARC_PER_NODE = 115.0


def circle_order(G: nx.DiGraph, lang: str | None = None) -> list[Hashable]:
    """The default order around the circle: grouped by first theme (in the map's theme order), then by label.

    Keeping a theme's variables next to each other is how groups read a connection circle.

    >>> G = nx.DiGraph()
    >>> G.graph["themes"] = {"t1": {}, "t2": {}}
    >>> G.add_node("x", label="X", themes=["t2"]); G.add_node("y", label="Y", themes=["t1"]); G.add_node("z", label="A")
    >>> circle_order(G)
    ['y', 'x', 'z']
    """
    theme_rank = {t: i for i, t in enumerate(G.graph.get("themes") or {})}

    def key(node):
        data = G.nodes[node]
        themes = list(data.get("themes") or [])
        first = themes[0] if themes else None
        rank = theme_rank.get(first, len(theme_rank)) if first is not None else len(theme_rank) + 1
        labels = data.get("labels") or {}
        label = labels.get(lang) if lang else None
        return (rank, str(first or ""), str(label or data.get("label") or node).casefold(), str(node))

    return sorted(G.nodes, key=key)


def circle_positions(
    G: nx.DiGraph,
    order: Sequence[Hashable] | None = None,
    *,
    radius: float | None = None,
    lang: str | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """Every node of ``G`` on one circle, clockwise from the top, in ``order``.

    Nodes missing from ``order`` follow in the default :func:`circle_order`; an id in
    ``order`` that is not a node raises :class:`NotFoundError`. The radius grows with the
    number of nodes so labels keep their distance.
    """
    nodes = list(_complete_order(G, order or [], lang))
    n = len(nodes)
    if radius is None:
        radius = max(250.0, n * _ARC_PER_NODE / (2 * math.pi))
    pos = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(n, 1) - math.pi / 2  # start at 12 o'clock, go clockwise
        pos[node] = (round(radius * math.cos(angle), 3) + 0.0, round(radius * math.sin(angle), 3) + 0.0)
    return pos


def _complete_order(G: nx.DiGraph, order: Iterable[Hashable], lang: str | None) -> list[Hashable]:
    seen: list[Hashable] = []
    for node in order:
        if node not in G:
            raise NotFoundError(f"variable '{node}' is not on the map", field="order")
        if node not in seen:
            seen.append(node)
    taken = set(seen)
    return seen + [v for v in circle_order(G, lang) if v not in taken]
