"""How the map draws each variable, link and idea: vis-network options, labels and positions.

Separate from :mod:`gmb.views.map` (which collects them into a page) so the map's data flow and
the look of one node or link can be read, and changed, apart. Colours and sizes come from
:mod:`gmb.views.style`.

>>> _text_in({"da": "Søvn", "en": "Sleep"}, "en"), _text_in({"da": "Søvn"}, "en")
('Sleep', 'Søvn')
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from enum import Enum
from typing import Any

import networkx as nx

from gmb.cld.lookup import SIGN_SYMBOL, edge_sign, link_id
from gmb.views import style
from gmb.views.layout import circle_positions

# the tooltips' label look-ups: one rule for which language's label a node shows
from gmb.views.map_tips import label_in as _label
from gmb.views.map_tips import text_in as _text_in


def _plain(value: Any) -> Any:
    """An enum's value (graphs may carry str-enums such as ``VariableKind.stock``), anything else as is."""
    return value.value if isinstance(value, Enum) else value


def _idea_targets(G: nx.DiGraph, idea_bank: Mapping[str, Any]) -> dict[Hashable, list[tuple[str, Mapping]]]:
    out: dict[Hashable, list[tuple[str, Mapping]]] = {}
    for idea_id, idea in idea_bank.items():
        for t in idea.get("targets") or []:
            out.setdefault(t.get("variable"), []).append((idea_id, {**idea, "direction": t.get("direction", "+")}))
    return out


# -- layout -------------------------------------------------------------------------
def _positions(G, layout, order, lang):
    if layout == "circle":
        return circle_positions(G, order, lang=lang)
    given = {n: d.get("position") for n, d in G.nodes(data=True)}
    if G.number_of_nodes() and all(p is not None and len(p) == 2 for p in given.values()):
        return {n: (float(p[0]), float(p[1])) for n, p in given.items()}  # the group's own drawing
    return None


def _idea_positions(G, idea_bank, positions):
    """Ideas sit outside the variables, next to their first target (on an outer ring for the circle)."""
    if not positions:
        return {}
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    out = {}
    for k, (idea_id, idea) in enumerate(idea_bank.items()):
        targets = [t["variable"] for t in idea.get("targets") or [] if t.get("variable") in positions]
        if targets:
            x, y = positions[targets[0]]
        else:
            x, y = cx + 1, cy
        angle = math.atan2(y - cy, x - cx) + 0.12 * (k % 3 - 1)
        r = math.hypot(x - cx, y - cy) + 170
        out[idea_id] = (round(cx + r * math.cos(angle), 2), round(cy + r * math.sin(angle), 2))
    return out


# -- nodes and edges -------------------------------------------------------------------
def _node(node, data, lang, languages, fills, outcome, targets, people, faded, positions) -> dict[str, Any]:
    """vis-network node options for one variable; the tooltip is plain text (shown with innerText)."""
    label = _label(data, node, lang)
    kind = str(_plain(data.get("kind")) or "unknown")
    themes = [str(t) for t in (data.get("themes") or [])]
    fill = fills.get(themes[0], style.NO_THEME) if themes else style.NO_THEME
    is_outcome = node == outcome or kind == "outcome"
    acting = targets.get(node, [])
    border, border_width = "#4D4D4D", 1.5
    if acting:
        border, border_width = style.TARGET_BORDER, 3.5
    if is_outcome:
        border, border_width = style.OUTCOME_BORDER, 5
    opts: dict[str, Any] = {
        "label": label,
        "shape": "box" if kind == "stock" else "ellipse",
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": fill, "border": "#000000"},
            "hover": {"background": fill, "border": "#000000"},
        },
        "borderWidth": border_width,
        "font": {"size": style.FONT["outcome"] if is_outcome else style.FONT["variable"], "color": "#111111"},
        "labels": dict(data.get("labels") or {}),
        "kind": kind,
        "themes": themes,
        "group_outcome": bool(is_outcome),
    }
    if kind == "exogenous":
        opts["shapeProperties"] = {"borderDashes": [5, 4]}
    if kind == "stock":
        opts["shapeProperties"] = {"borderRadius": 0}
    if faded:
        f = style.FADED
        opts["color"] = {"background": f["fill"], "border": f["border"]}
        opts["font"] = {**opts["font"], "color": f["font"]}
    if positions is not None and node in positions:
        x, y = positions[node]
        opts.update(x=x, y=y, physics=False)
    return opts


def _edge(G, u, v, data, lang, people, width_by, faded, hl_edges) -> dict[str, Any]:
    pol = SIGN_SYMBOL[edge_sign(G, u, v)]
    st = style.POLARITY_STYLE[pol]
    strength = str(_plain(data.get("strength")) or "unknown")
    support = int(data.get("support") or 0)
    width = style.support_width(support) if width_by == "support" else style.STRENGTH_WIDTH.get(strength, 1.5)
    label = st["sign"] + (" ||" if data.get("delay") else "")
    colour = style.FADED["edge"] if faded else st["color"]
    opts: dict[str, Any] = {
        "id": link_id(G, u, v),
        "label": label,
        "color": {"color": colour, "highlight": st["color"], "hover": st["color"]},
        "dashes": st["dashes"],
        "width": width * (1.6 if hl_edges is not None and not faded else 1.0),
        "font": {"color": colour, "size": 20, "strokeWidth": 6, "strokeColor": "#ffffff", "bold": True},
        "polarity": pol,
        "delay": bool(data.get("delay")),
    }
    return opts


def _idea_node(idea_id, idea, lang, languages, people, faded, pos) -> dict[str, Any]:
    labels = idea.get("labels") or {}
    label = _text_in(labels, lang) or str(idea_id)
    fill, border, font = style.IDEA_FILL, style.TARGET_BORDER, "#333333"
    if faded:
        fill, border, font = style.FADED["fill"], style.FADED["border"], style.FADED["font"]
    opts: dict[str, Any] = {
        "label": label,
        "shape": "box",
        "shapeProperties": {"borderRadius": 14, "borderDashes": [4, 3]},
        "color": {"background": fill, "border": border},
        "borderWidth": 2,
        "font": {"size": style.FONT["idea"], "color": font},
        "labels": dict(labels),
        "kind": "idea",
    }
    if pos is not None:
        opts.update(x=pos[0], y=pos[1], physics=False)
    return opts


def _idea_edge(idea, target, faded) -> dict[str, Any]:
    direction = str(_plain(target.get("direction", "+")))
    colour = style.FADED["edge"] if faded else style.TARGET_BORDER
    return {
        "label": style.POLARITY_STYLE["+" if direction == "+" else "-"]["sign"],
        "color": {"color": colour},
        "dashes": [3, 4],
        "width": 1.5,
        "font": {"color": colour, "size": 16, "strokeWidth": 5, "strokeColor": "#ffffff"},
        "polarity": direction,
        "idea": True,
    }
