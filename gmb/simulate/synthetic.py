"""Synthetic causal-loop diagrams, for tests and benchmarks.

:func:`synthetic_cld` draws a random CLD in the ``gmb-cld/1`` graph schema —
variables, signed links with strength classes, some delayed, an outcome and an
idea bank — from a seed, so the same call always gives the same map. It goes
through the real conversion (:func:`gmb.stockflow.convert.to_stockflow`) like any
workshop map.

>>> G = synthetic_cld(10, seed=1)
>>> G.number_of_nodes(), G.graph["outcome"], len(G.graph["ideas"])
(10, 'v0', 3)
>>> m = chain_model(3)
>>> [s.name for s in m.stocks]
['v0', 'v1', 'v2']
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

__all__ = ["chain_model", "synthetic_cld", "synthetic_model"]

_STRENGTHS = ("weak", "medium", "strong")


def synthetic_cld(
    n: int,
    *,
    seed: int = 0,
    mean_degree: float = 2.0,
    stock_share: float = 1.0,
    delay_share: float = 0.1,
    negative_share: float = 0.4,
    ideas: int = 3,
) -> nx.DiGraph:
    """A random CLD with ``n`` variables ``v0..v{n-1}`` (``v0`` is the outcome).

    Every variable gets ``mean_degree`` causes on average (at least one for
    ``v0``), a share ``stock_share`` of the variables is marked as stocks,
    ``delay_share`` of the links are delayed and ``negative_share`` negative.
    ``ideas`` ideas each target one or two random variables.
    """
    rng = np.random.default_rng(seed)
    G = nx.DiGraph(schema="gmb-cld/1", title=f"synthetic {n}", outcome="v0", languages=["en"], themes={})
    n_stocks = round(stock_share * n)
    for i in range(n):
        kind = "outcome" if i == 0 else ("stock" if i < n_stocks else "auxiliary")
        G.add_node(f"v{i}", label=f"V{i}", labels={"en": f"V{i}"}, kind=kind if i else "stock")
    n_links = max(1, round(mean_degree * n))
    lid = 0
    # a spine so every variable reaches the outcome, then random links
    for i in range(1, n):
        j = int(rng.integers(0, i))
        _add(G, f"v{i}", f"v{j}", lid, rng, delay_share, negative_share)
        lid += 1
    stocks = {f"v{i}" for i in range(n_stocks)}
    tries = 0
    while lid < n_links and tries < 50 * n_links:
        tries += 1
        u, v = (f"v{int(x)}" for x in rng.integers(0, n, 2))
        if u == v or G.has_edge(u, v):
            continue
        if v not in stocks and u not in stocks and nx.has_path(G, v, u):
            continue  # a loop through auxiliaries only would need another stock
        _add(G, u, v, lid, rng, delay_share, negative_share)
        lid += 1
    G.graph["ideas"] = {
        f"idea{k}": {
            "labels": {"en": f"Idea {k}"},
            "targets": [{"variable": f"v{int(t)}", "direction": "+" if rng.random() < 0.7 else "-"}
                        for t in rng.choice(np.arange(1, n), size=min(n - 1, 1 + int(rng.integers(0, 2))),
                                            replace=False)],
            "votes": [f"p{j}" for j in range(int(rng.integers(0, 10)))],
            "feasibility": float(rng.integers(1, 6)),
        }
        for k in range(ideas)
    }  # fmt: skip
    return G


def _add(G: nx.DiGraph, u: str, v: str, lid: int, rng: Any, delay_share: float, negative_share: float) -> None:
    sign = -1 if rng.random() < negative_share else 1
    G.add_edge(u, v, id=f"L{lid}", sign=sign, polarity="+" if sign > 0 else "-",
               strength=_STRENGTHS[int(rng.integers(0, 3))], delay=bool(rng.random() < delay_share))  # fmt: skip


def synthetic_model(n: int, *, seed: int = 0, effect_shape: str = "power", step: float = 0.25,
                    horizon: float = 60.0, stability: str = "scale", **kw: Any):  # fmt: skip
    """:func:`synthetic_cld` converted with the default assumptions, elasticities scaled to be stable.

    ``effect_shape`` and ``stability`` default to ``power`` and ``scale`` (what the tests of the
    engines were written for); ``saturating`` with ``report`` is the conversion's default.
    """
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    a = Assumptions().edit(stability=stability, effect_shape=effect_shape,
                           time={"unit": "month", "start": 0.0, "horizon": horizon, "step": step})  # fmt: skip
    return to_stockflow(synthetic_cld(n, seed=seed, **kw), a, name=f"synthetic_{n}")


def chain_model(n: int, *, delay: bool = False):
    """A chain of ``n`` stocks ``v{n-1} -> … -> v0`` with a balancing link back, converted."""
    from gmb.stockflow.convert import to_stockflow

    G = nx.DiGraph(outcome="v0")
    for i in range(n):
        G.add_node(f"v{i}", label=f"V{i}", kind="stock")
    for i in range(n - 1, 0, -1):
        G.add_edge(f"v{i}", f"v{i - 1}", id=f"L{i}", sign=1, strength="medium", delay=delay and i == 1)
    if n > 1:
        G.add_edge("v0", f"v{n - 1}", id="L0", sign=-1, strength="weak", delay=False)
    return to_stockflow(G, name=f"chain_{n}")
