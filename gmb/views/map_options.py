"""The map's vis-network options (physics, curved or straight links) and its legend.

Separate from :mod:`gmb.views.map` because these depend only on the map's size, its themes and
the chosen highlight, not on each node: the page's settings, apart from its data.
"""

from __future__ import annotations

from typing import Any

from gmb.views import style
from gmb.views.map_nodes import _text_in
from gmb.views.style import word

#: from this many nodes on, links are drawn straight and the layout gets fewer stabilisation
#: iterations, so a 1,000-node map is still stable within ~2 s (see bench/map_bench.py)
LARGE_MAP = 300


def _options(physics: bool, n: int) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "nodes": {"widthConstraint": {"maximum": 170}, "margin": 9, "font": {"face": "DejaVu Sans, Arial, sans-serif"}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.8}},
            # curved links keep A->B and B->A apart; straight ones are much cheaper on big maps
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.15} if n < LARGE_MAP
            else {"enabled": False},
            "font": {"align": "horizontal", "face": "DejaVu Sans, Arial, sans-serif"},
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "keyboard": False},
        "layout": {"improvedLayout": n <= 100, "randomSeed": 7},
    }  # fmt: skip
    if physics:
        opts["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 150, "avoidOverlap": 0.5},
            # the page fits (readably) itself once the layout is done, and then switches physics off
            "stabilization": {"enabled": True, "iterations": _iterations(n), "updateInterval": 50, "fit": False},
            "minVelocity": 1.0,
        }
    else:
        opts["physics"] = {"enabled": False}
    return opts


def _iterations(n: int) -> int:
    """Stabilisation iterations: 600 for workshop-sized maps, fewer for big ones (each costs ~n log n).

    >>> _iterations(40), _iterations(300), _iterations(1000), _iterations(5000)
    (600, 200, 100, 100)
    """
    return 600 if n <= 100 else max(100, min(600, 60_000 // n))


def _legend(lang, fills, G, width_by, with_ideas, highlight) -> dict[str, Any]:
    themes = G.graph.get("themes") or {}
    entries = [
        {"colour": colour, "text": _text_in((themes.get(t) or {}).get("labels") or {}, lang) or str(t)}
        for t, colour in fills.items()
    ]
    if any(not (d.get("themes") or []) for _, d in G.nodes(data=True)):
        entries.append({"colour": style.NO_THEME, "text": word(lang, "no_theme")})
    links = [
        {"colour": s["color"], "dash": _svg_dash(s["dashes"]), "text": word(lang, key)}
        for key, s in (("positive", style.POLARITY_STYLE["+"]), ("negative", style.POLARITY_STYLE["-"]),
                       ("unknown", style.POLARITY_STYLE["?"]))
    ]  # fmt: skip
    kinds = [
        {"shape": "box", "text": word(lang, "stock")},
        {"shape": "ellipse", "text": word(lang, "auxiliary")},
        {"shape": "dashed", "text": word(lang, "exogenous")},
        {"shape": "outcome", "text": word(lang, "outcome")},
        {"shape": "target", "text": word(lang, "target")},
    ]
    if with_ideas:
        kinds.append({"shape": "idea", "text": word(lang, "idea")})
    return {
        "no_theme": any(not (d.get("themes") or []) for _, d in G.nodes(data=True)),
        "ideas": bool(with_ideas),
        "width_by": width_by,
        "titles": {k: word(lang, k) for k in ("legend", "links", "variables", "themes")},
        "links": links,
        "delay": word(lang, "delay"),
        "width": word(lang, "width_support" if width_by == "support" else "width_strength"),
        "kinds": kinds,
        "themes": entries,
        "highlight": highlight,
        "colours": {"target": style.TARGET_BORDER, "idea": style.IDEA_FILL, "outcome": style.OUTCOME_BORDER},
    }


def _legend_themes(G, fills, lang) -> list[dict[str, str]]:
    themes = G.graph.get("themes") or {}
    return [
        {"colour": colour, "text": _text_in((themes.get(t) or {}).get("labels") or {}, lang) or str(t)}
        for t, colour in fills.items()
    ]


def _svg_dash(dashes) -> str:
    return "" if not dashes else " ".join(str(x) for x in dashes)
