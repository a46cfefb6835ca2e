"""The connection circle (W1): variables evenly spaced on a circle, with their links, as data.

A view draws it; this module only places the variables. The order is the map's own, grouped
by theme, or any order the facilitator gives. The first variable sits at the top (12 o'clock)
and the rest follow clockwise, as on a flip chart.

>>> import networkx as nx
>>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
>>> c = connection_circle(G)
>>> [(p.variable, p.x, p.y) for p in c.points]
[('a', 0.0, 1.0), ('b', 0.866, -0.5), ('c', -0.866, -0.5)]
>>> [(l.cause, l.effect, l.on_loop) for l in c.links][:1]
[('a', 'b', True)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from gmb.cld.lookup import SIGN_SYMBOL, check_graph, edge_sign, label, link_id
from gmb.errors import InputError, NotFoundError

__all__ = ["CircleLink", "CirclePoint", "ConnectionCircle", "connection_circle"]


@dataclass(frozen=True, slots=True)
class CirclePoint:
    """A variable's place: ``angle`` in degrees clockwise from the top, ``x``/``y`` on a unit circle times radius."""

    variable: str
    label: str
    angle: float
    x: float
    y: float
    themes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"variable": self.variable, "label": self.label, "angle": self.angle, "x": self.x, "y": self.y,
                "themes": list(self.themes)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CircleLink:
    """A link as a chord of the circle; ``on_loop`` when it lies on some feedback loop."""

    id: str
    cause: str
    effect: str
    polarity: str
    delay: bool = False
    on_loop: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "cause": self.cause, "effect": self.effect, "polarity": self.polarity,
                "delay": self.delay, "on_loop": self.on_loop}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConnectionCircle:
    points: tuple[CirclePoint, ...]
    links: tuple[CircleLink, ...]
    order: str
    radius: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"order": self.order, "radius": self.radius, "points": [p.to_json() for p in self.points],
                "links": [link.to_json() for link in self.links]}  # fmt: skip


def _ordered(G: nx.DiGraph, order: str | Sequence[str]) -> list:
    nodes = list(G)
    if isinstance(order, str):
        if order == "map":
            return nodes
        if order == "themes":  # by first theme, in the order themes are listed, then the unthemed
            rank = {t: i for i, t in enumerate(G.graph.get("themes") or {})}
            first = {n: (G.nodes[n].get("themes") or [None])[0] for n in nodes}
            for t in first.values():
                if t is not None:
                    rank.setdefault(t, len(rank))
            return sorted(nodes, key=lambda n: rank.get(first[n], len(rank)))
        raise InputError(f"unknown order {order!r}", field="order", hint="'map', 'themes' or a list of variable ids")
    given = [n for n in order]
    unknown = [n for n in given if n not in G]
    if unknown:
        raise NotFoundError(f"unknown variable '{unknown[0]}' in the order", field="order")
    if len(set(given)) != len(given):
        raise InputError("a variable appears twice in the order", field="order")
    return given + [n for n in nodes if n not in set(given)]  # the rest keep map order after the given ones


def connection_circle(
    G: nx.DiGraph, order: str | Sequence[str] = "map", *, radius: float = 1.0, lang: str | None = None
) -> ConnectionCircle:
    """Place ``G``'s variables on a circle in ``order`` (``"map"``, ``"themes"`` or a list of ids).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    order : {"map", "themes"} or sequence of str, optional
        Map order (default), grouped by theme, or these variable ids first.
    radius : float, optional
        The circle's radius (default 1).
    lang : str, optional
        Language of the labels.

    Returns
    -------
    ConnectionCircle
        ``points`` (variable, label, angle, x, y) and ``links``; ``to_json()`` gives plain data.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> c = connection_circle(G)
    >>> len(c.points) == G.number_of_nodes(), c.points[0].variable
    (True, 'mental_wellbeing')
    """
    check_graph(G)
    if not radius > 0:
        raise InputError(f"radius must be positive, got {radius!r}", field="radius")
    nodes = _ordered(G, order)
    n = len(nodes)
    points = []
    for i, node in enumerate(nodes):
        angle = 360.0 * i / n
        rad = math.radians(angle)
        points.append(CirclePoint(
            variable=str(node), label=label(G, node, lang), angle=round(angle, 3),
            x=round(radius * math.sin(rad), 3) + 0.0, y=round(radius * math.cos(rad), 3) + 0.0,
            themes=tuple(G.nodes[node].get("themes") or ()),
        ))  # fmt: skip
    comp = {node: i for i, c in enumerate(nx.strongly_connected_components(G)) for node in c}
    links = tuple(
        CircleLink(id=link_id(G, u, v), cause=str(u), effect=str(v), polarity=SIGN_SYMBOL[edge_sign(G, u, v)],
                   delay=bool(d.get("delay")), on_loop=comp[u] == comp[v])
        for u, v, d in G.edges(data=True)
    )  # fmt: skip
    return ConnectionCircle(points=tuple(points), links=links, order=order if isinstance(order, str) else "given",
                            radius=radius)  # fmt: skip
