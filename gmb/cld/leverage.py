"""Where a map has leverage: degree, betweenness, influence centrality, reach, causes and uses trees.

*Influence* is an eigenvector-type centrality of the reversed graph: a variable scores high
when it acts on variables that themselves act widely. Eigenvector centrality needs a loop
to converge (on a map without loops, or with several disconnected loop clusters, the power
iteration may fail), so :func:`centrality` falls back to Katz centrality and then PageRank
and says which one it used.

>>> import networkx as nx
>>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
>>> c = centrality(G)
>>> c.method, c.of("c").reach, c.of("d").reach
('eigenvector', 3, 0)
>>> [n.variable for n in causes_tree(G, "a", depth=2).children]
['c']
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from gmb.cld.lookup import SIGN_SYMBOL, check_graph, check_limit, check_variable, edge_sign, label, link_id

__all__ = ["Centrality", "TreeNode", "VariableCentrality", "causes_tree", "centrality", "reach", "uses_tree"]


@dataclass(frozen=True, slots=True)
class VariableCentrality:
    """Structural measures of one variable.

    ``reach``: how many other variables it affects, directly or indirectly; ``reached_by``:
    how many affect it; ``influence``: the eigenvector-type score (see :attr:`Centrality.method`).
    """

    variable: str
    label: str
    in_degree: int
    out_degree: int
    betweenness: float
    influence: float
    reach: int
    reached_by: int

    def to_json(self) -> dict[str, Any]:
        return {
            "variable": self.variable, "label": self.label, "in_degree": self.in_degree,
            "out_degree": self.out_degree, "betweenness": round(self.betweenness, 6),
            "influence": round(self.influence, 6), "reach": self.reach, "reached_by": self.reached_by,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Centrality:
    """Centrality of every variable, in map order, and which influence measure was used."""

    variables: tuple[VariableCentrality, ...]
    method: str

    def of(self, variable: str) -> VariableCentrality:
        for v in self.variables:
            if v.variable == variable:
                return v
        raise KeyError(variable)

    def top(self, n: int = 10, by: str = "influence") -> tuple[VariableCentrality, ...]:
        """The ``n`` variables with the highest ``by`` (ties: map order)."""
        return tuple(sorted(self.variables, key=lambda v: -getattr(v, by))[:n])

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "variables": [v.to_json() for v in self.variables]}


def _influence(G: nx.DiGraph) -> tuple[dict[Hashable, float], str]:
    R = G.reverse(copy=False)
    try:
        scores = nx.eigenvector_centrality(R, max_iter=1000, tol=1e-8)
        if any(s > 1e-9 for s in scores.values()):
            return scores, "eigenvector"
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException, ZeroDivisionError):
        pass
    import numpy as np

    A = nx.to_numpy_array(R)
    rho = max(abs(np.linalg.eigvals(A))) if len(A) else 0.0
    alpha = 0.5 / rho if rho > 1e-9 else 0.5  # half the largest safe attenuation: always converges
    try:
        return nx.katz_centrality_numpy(R, alpha=alpha, beta=1.0), f"katz (alpha={alpha:.3g})"
    except (nx.NetworkXException, np.linalg.LinAlgError):  # pragma: no cover - singular system
        return nx.pagerank(R), "pagerank"


def reach(G: nx.DiGraph, variable: str) -> set[str]:
    """The other variables ``variable`` affects, directly or indirectly."""
    check_graph(G)
    check_variable(G, variable)
    return set(nx.descendants(G, variable))


def centrality(G: nx.DiGraph, *, lang: str | None = None) -> Centrality:
    """Degree, betweenness, influence and reach of every variable of ``G`` (``G`` is not changed).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    lang : str, optional
        Language of the labels.

    Returns
    -------
    Centrality
        One :class:`VariableCentrality` per variable, in map order (look one up with ``.of(id)``,
        the highest with ``.top(n)``), and the influence measure used (``method``).

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> c = centrality(G).of("screen_time")
    >>> c.in_degree, c.out_degree
    (2, 3)
    """
    check_graph(G)
    between = nx.betweenness_centrality(G) if G.number_of_nodes() > 2 else dict.fromkeys(G, 0.0)
    influence, method = _influence(G) if G.number_of_edges() else (dict.fromkeys(G, 0.0), "none (no links)")
    # reach via the condensation: every variable in one strongly connected part reaches the same set
    C = nx.condensation(G)
    members = C.graph["mapping"]
    size = {c: len(C.nodes[c]["members"]) for c in C}
    down = {c: sum(size[d] for d in nx.descendants(C, c)) for c in C}
    up = {c: sum(size[a] for a in nx.ancestors(C, c)) for c in C}
    rows = []
    for node in G:
        c = members[node]
        own = size[c] - 1 if size[c] > 1 else 0  # the others in its loop cluster
        rows.append(VariableCentrality(
            variable=str(node), label=label(G, node, lang), in_degree=G.in_degree(node),
            out_degree=G.out_degree(node), betweenness=between[node], influence=float(influence[node]),
            reach=down[c] + own, reached_by=up[c] + own,
        ))  # fmt: skip
    return Centrality(variables=tuple(rows), method=method)


@dataclass(frozen=True, slots=True)
class TreeNode:
    """A node of a causes or uses tree, Vensim style.

    ``sign``/``link`` describe the link to the parent (``None`` at the root); ``repeat`` marks a
    variable already on the way from the root — a loop — shown but not expanded again.
    """

    variable: str
    label: str
    sign: str | None = None
    link: str | None = None
    repeat: bool = False
    children: tuple[TreeNode, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"variable": self.variable, "label": self.label}
        if self.link is not None:
            out.update(sign=self.sign, link=self.link)
        if self.repeat:
            out["repeat"] = True
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out

    def lines(self, indent: str = "") -> list[str]:
        """The tree as indented text, e.g. for a terminal."""
        mark = f"({self.sign}) " if self.sign else ""
        text = f"({self.label})" if self.repeat else self.label
        out = [f"{indent}{mark}{text}"]
        for child in self.children:
            out.extend(child.lines(indent + "    "))
        return out


def _tree(G: nx.DiGraph, root: str, depth: int, upstream: bool, lang: str | None) -> TreeNode:
    check_graph(G)
    check_variable(G, root)
    depth = int(check_limit(depth, "depth", integer=True, hint="1 shows the direct causes or uses"))

    def grow(node: Hashable, level: int, path: frozenset) -> tuple[TreeNode, ...]:
        if level >= depth:
            return ()
        nxt = G.predecessors(node) if upstream else G.successors(node)
        kids = []
        for other in nxt:
            u, v = (other, node) if upstream else (node, other)
            repeat = other in path
            kids.append(TreeNode(
                variable=str(other), label=label(G, other, lang), sign=SIGN_SYMBOL[edge_sign(G, u, v)],
                link=link_id(G, u, v), repeat=repeat,
                children=() if repeat else grow(other, level + 1, path | {other}),
            ))  # fmt: skip
        return tuple(kids)

    return TreeNode(variable=str(root), label=label(G, root, lang), children=grow(root, 0, frozenset({root})))


def causes_tree(G: nx.DiGraph, variable: str, depth: int = 2, *, lang: str | None = None) -> TreeNode:
    """What causes ``variable``, and what causes those, ``depth`` levels up (Vensim's Causes Tree).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    variable : str
        Variable id (or label).
    depth : int, optional
        Levels up (default 2).
    lang : str, optional
        Language of the labels.

    Returns
    -------
    TreeNode
        ``variable`` with its causes as ``children`` (each with the link's ``sign``); a variable seen
        before on the branch is marked ``repeat`` and not expanded.

    Raises
    ------
    gmb.errors.NotFoundError
        ``variable`` is not in ``G``.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> [child.variable for child in causes_tree(G, "screen_time", 1).children]
    ['parents_knowledge', 'technology_use']
    """
    return _tree(G, variable, depth, upstream=True, lang=lang)


def uses_tree(G: nx.DiGraph, variable: str, depth: int = 2, *, lang: str | None = None) -> TreeNode:
    """What ``variable`` affects, and what those affect, ``depth`` levels down (Vensim's Uses Tree).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    variable : str
        Variable id (or label).
    depth : int, optional
        Levels down (default 2).
    lang : str, optional
        Language of the labels.

    Returns
    -------
    TreeNode
        ``variable`` with its effects as ``children``.

    Raises
    ------
    gmb.errors.NotFoundError
        ``variable`` is not in ``G``.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> [child.variable for child in uses_tree(G, "screen_time", 1).children]
    ['mental_wellbeing', 'sleep', 'physical_activity']
    """
    return _tree(G, variable, depth, upstream=False, lang=lang)
