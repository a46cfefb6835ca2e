"""The bits of structure the report shows: feedback loops and each idea's paths to the outcome.

Deliberately small and self-contained (networkx only). :mod:`gmb.cld` owns the full loop and
leverage analysis; once it is merged these two functions can delegate to it, the report only
needs the dict shapes documented below.

>>> import networkx as nx
>>> G = nx.DiGraph(outcome="c", ideas={"i": {"targets": [{"variable": "a", "direction": "+"}]}})
>>> G.add_edge("a", "b", sign=1, id="L1"); G.add_edge("b", "c", sign=-1, id="L2"); G.add_edge("c", "a", sign=1, id="L3")
>>> [(l["variables"], l["polarity"]) for l in find_loops(G)["loops"]]
[(['a', 'b', 'c'], 'B')]
>>> idea_paths(G)["i"]["verdict"]
'lowers'
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from gmb.errors import InputError

__all__ = ["find_loops", "key_loops", "idea_paths", "path_sign"]


def _sign(data: Mapping[str, Any]) -> int:
    sign = data.get("sign")
    if sign in (1, -1, 0):
        return int(sign)
    return {"+": 1, "-": -1}.get(str(getattr(data.get("polarity"), "value", data.get("polarity"))), 0)


def path_sign(G: nx.DiGraph, nodes: list[Hashable], *, closed: bool = False) -> int:
    """Product of the link signs along ``nodes`` (+1, -1, or 0 when a link's sign is unknown)."""
    pairs = list(zip(nodes, nodes[1:]))
    if closed:
        pairs.append((nodes[-1], nodes[0]))
    product = 1
    for u, v in pairs:
        product *= _sign(G.edges[u, v])
    return product


def find_loops(G: nx.DiGraph, *, max_length: int = 8, limit: int = 2000) -> dict[str, Any]:
    """Elementary feedback loops up to ``max_length`` links, at most ``limit`` of them.

    Returns ``{"loops": [...], "complete": bool, "max_length", "limit"}``; each loop is
    ``{"variables": [ids in order, starting at the smallest id], "links": [link ids], "length",
    "polarity": "R"|"B"|"?", "themes": [theme ids it touches]}``. ``complete`` is False when the
    limit cut the list short (loops longer than ``max_length`` are never counted).
    """
    if max_length < 1 or limit < 1:
        raise InputError("max_length and limit must be at least 1", field="max_length" if max_length < 1 else "limit")
    cycles = nx.simple_cycles(G, length_bound=max_length)
    found = list(itertools.islice(cycles, limit + 1))
    complete = len(found) <= limit
    loops = []
    for cycle in found[:limit]:
        start = min(range(len(cycle)), key=lambda i: str(cycle[i]))
        cycle = cycle[start:] + cycle[:start]  # a canonical rotation, so the same loop always reads the same
        pol = {1: "R", -1: "B", 0: "?"}[path_sign(G, cycle, closed=True)]
        links = [G.edges[u, v].get("id") for u, v in zip(cycle, [*cycle[1:], cycle[0]])]
        themes = list(dict.fromkeys(t for v in cycle for t in (G.nodes[v].get("themes") or [])))
        loops.append({"variables": cycle, "links": links, "length": len(cycle), "polarity": pol, "themes": themes})
    loops.sort(key=lambda lp: (lp["length"], [str(v) for v in lp["variables"]]))
    return {"loops": loops, "complete": complete, "max_length": max_length, "limit": limit}


def key_loops(G: nx.DiGraph, loops: list[dict[str, Any]], *, count: int = 12) -> list[dict[str, Any]]:
    """The loops to show first: through the outcome, then through an idea's target, then short and well supported."""
    outcome = G.graph.get("outcome")
    targets = {t.get("variable") for idea in (G.graph.get("ideas") or {}).values() for t in idea.get("targets") or []}

    def support(lp):
        return sum(
            int(G.edges[u, v].get("support") or 0)
            for u, v in zip(lp["variables"], [*lp["variables"][1:], lp["variables"][0]])
        )

    def key(lp):
        vs = set(lp["variables"])
        return (outcome not in vs, not (vs & targets), lp["length"], -support(lp))

    return sorted(loops, key=key)[:count]


def idea_paths(G: nx.DiGraph, *, cutoff: int = 6, max_paths: int = 200) -> dict[str, dict[str, Any]]:
    """For each idea in ``G.graph["ideas"]``: its targets' simple paths to the outcome and their signs.

    Per idea: ``{"targets": [{"variable", "direction", "paths": [{"variables", "sign", "effect"}]}],
    "verdict", "counts": {"raises", "lowers", "unknown"}, "truncated"}``. A path's ``sign`` is the
    product of its link signs; ``effect`` multiplies in the idea's direction (+1 raise / -1 lower
    the target): +1 the idea raises the outcome along this path, -1 lowers it, 0 unknown. The
    verdict is ``raises``/``lowers`` when every signed path agrees, ``mixed`` when they disagree,
    ``unknown`` when only unsigned paths exist, ``no path`` when none reaches the outcome within
    ``cutoff`` links, and ``no outcome`` when the map has none. At most ``max_paths`` paths per
    target are kept, shortest first among the first ``10 * max_paths`` found (``truncated`` says
    when some were dropped; the verdict then rests on the kept paths).
    """
    outcome = G.graph.get("outcome")
    out: dict[str, dict[str, Any]] = {}
    for idea_id, idea in (G.graph.get("ideas") or {}).items():
        targets, counts, truncated = [], {"raises": 0, "lowers": 0, "unknown": 0}, False
        for t in idea.get("targets") or []:
            var, direction = t.get("variable"), str(getattr(t.get("direction"), "value", t.get("direction", "+")))
            dsign = -1 if direction == "-" else 1
            paths = []
            if outcome is not None and var in G and outcome in G:
                if var == outcome:
                    raw = [[var]]
                else:
                    raw = list(itertools.islice(nx.all_simple_paths(G, var, outcome, cutoff=cutoff), 10 * max_paths))
                raw.sort(key=lambda p: (len(p), [str(x) for x in p]))
                truncated = truncated or len(raw) > max_paths
                for p in raw[:max_paths]:
                    s = path_sign(G, p)
                    effect = s * dsign
                    counts[{1: "raises", -1: "lowers", 0: "unknown"}[effect]] += 1
                    paths.append({"variables": p, "sign": s, "effect": effect})
            targets.append({"variable": var, "direction": direction, "paths": paths})
        if outcome is None:
            verdict = "no outcome"
        elif counts["raises"] and counts["lowers"]:
            verdict = "mixed"
        elif counts["raises"]:
            verdict = "raises"
        elif counts["lowers"]:
            verdict = "lowers"
        elif counts["unknown"]:
            verdict = "unknown"
        else:
            verdict = "no path"
        out[idea_id] = {"targets": targets, "verdict": verdict, "counts": counts, "truncated": truncated}
    return out
