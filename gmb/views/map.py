"""The interactive map: one self-contained HTML file people open from a USB stick, offline.

Input is the CLD graph of :func:`gmb.cld.to_graph` (schema ``gmb-cld/1``); the graph is never
changed. Nodes and links are collected with :class:`pyvis.network.Network`, then rendered with
our own template (``templates/map.html.j2``) because pyvis 0.3.2's template always loads
Bootstrap from a CDN, inserts the heading unescaped, and switches tooltips to ``innerHTML`` when a
title contains ``href``. Our template inlines vis-network 9.1.2 (shipped inside pyvis), escapes
every template value (Jinja2 autoescape) and passes all data as JSON; vis-network shows string
tooltips with ``innerText``, so labels, descriptions and names are shown as the literal text
people typed. Swapping the renderer touches only this module and the template.

>>> import networkx as nx
>>> G = nx.DiGraph(languages=["da", "en"])
>>> G.add_node("a", label="Søvn", labels={"da": "Søvn", "en": "Sleep"}, kind="stock")
>>> G.add_node("b", label="Trivsel", labels={"da": "Trivsel"})
>>> G.add_edge("a", "b", id="L1", polarity="+", sign=1, delay=True, strength="strong")
>>> data = map_data(G, lang="en")
>>> [(n["id"], n["label"], n["shape"]) for n in data["nodes"]]
[('a', 'Sleep', 'box'), ('b', 'Trivsel', 'ellipse')]
>>> data["edges"][0]["label"], data["edges"][0]["width"]
('+ ||', 4.5)
>>> html = map_html(G, lang="da")
>>> "https://" in html.split("<script>")[0], "vis.Network" in html
(False, True)
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping, Sequence
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from gmb.cld.lookup import SIGN_SYMBOL, edge_sign, link_id
from gmb.errors import InputError, NotFoundError, ValidationError
from gmb.views import style
from gmb.views.layout import circle_positions
from gmb.views.map_tips import edge_tip, idea_tip, node_tip
from gmb.views.style import word

__all__ = ["LARGE_MAP", "LAYOUTS", "loop_polarity", "map_data", "map_html", "write_map"]

LAYOUTS = ("force", "circle")
#: from this many nodes on, links are drawn straight and the layout gets fewer stabilisation
#: iterations, so a 1,000-node map is still stable within ~2 s (see bench/map_bench.py)
LARGE_MAP = 300
_IDEA_PREFIX = "idea "  # ids cannot contain spaces, so an idea node can never clash with a variable


# -- public API -----------------------------------------------------------------
def map_data(
    G: nx.DiGraph,
    *,
    lang: str | None = None,
    ideas: bool = False,
    loop: Sequence[Hashable] | None = None,
    theme: str | None = None,
    layout: str = "force",
    order: Sequence[Hashable] | None = None,
    people: Mapping[str, str] | None = None,
    width_by: str = "strength",
    title: str | None = None,
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data: ``nodes``, ``edges``, ``options``, ``legend``, ``meta``.

    ``lang`` picks the labels shown (default: the map's first language); ``ideas`` adds the idea
    bank as nodes pointing at their targets; ``loop`` (variable ids in loop order) or ``theme``
    (a theme id) is highlighted and the rest faded; ``layout`` is ``"force"`` or ``"circle"``
    (the W1 connection circle, in ``order`` or grouped by theme); ``people`` maps participant
    ids to display names for tooltips; ``width_by`` is ``"strength"`` or ``"support"``.
    """
    _check_graph(G)
    languages = [str(x) for x in (G.graph.get("languages") or [])]
    lang = _check_lang(lang, languages)
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout '{layout}'", field="layout", hint=f"choose one of: {', '.join(LAYOUTS)}")
    if width_by not in ("strength", "support"):
        raise InputError(f"unknown width_by '{width_by}'", field="width_by", hint="choose strength or support")
    if loop is not None and theme is not None:
        raise InputError("highlight either a loop or a theme, not both", field="highlight")
    people = dict(people or {})
    ids = _vis_ids(G)
    theme_ids = list(G.graph.get("themes") or {})
    theme_ids += sorted({t for _, d in G.nodes(data=True) for t in (d.get("themes") or []) if t not in theme_ids})
    fills = style.theme_colours(theme_ids)
    idea_bank = dict(G.graph.get("ideas") or {})
    targets = _idea_targets(G, idea_bank)
    outcome = G.graph.get("outcome")
    hl_nodes, hl_edges, highlight = _highlight(G, loop, theme, lang)

    positions = _positions(G, layout, order, lang)
    physics = positions is None
    # every language of the map goes into the page, so its language switch changes everything shown
    ui_langs = languages or [lang or "en"]

    from pyvis.network import Network  # lazy: pyvis pulls in jinja2 and IPython bits

    net = Network(directed=True, cdn_resources="in_line")
    for node, data in G.nodes(data=True):
        faded = hl_nodes is not None and node not in hl_nodes
        opts = _node(node, data, lang, languages, fills, outcome, targets, people, faded, positions)
        opts["titles"] = {L: [node_tip(G, node, L, people=people, targets=targets, research=r) for r in (False, True)]
                          for L in ui_langs}  # fmt: skip
        opts["title"] = opts["titles"][lang or ui_langs[0]][0]
        net.add_node(ids[node], **opts)
    for u, v, data in G.edges(data=True):
        faded = hl_edges is not None and (u, v) not in hl_edges
        opts = _edge(G, u, v, data, lang, people, width_by, faded, hl_edges)
        opts["titles"] = {L: [edge_tip(G, u, v, L, people=people, research=r) for r in (False, True)]
                          for L in ui_langs}  # fmt: skip
        opts["title"] = opts["titles"][lang or ui_langs[0]][0]
        net.add_edge(ids[u], ids[v], **opts)
    n_idea_nodes = n_idea_edges = 0
    if ideas:
        idea_pos = _idea_positions(G, idea_bank, positions) if positions is not None else {}
        for idea_id, idea in idea_bank.items():
            faded = hl_nodes is not None and not any(t["variable"] in hl_nodes for t in idea.get("targets") or [])
            vid = _IDEA_PREFIX + str(idea_id)
            opts = _idea_node(idea_id, idea, lang, languages, people, faded, idea_pos.get(idea_id))
            opts["titles"] = {L: [idea_tip(G, idea_id, idea, L, people=people, research=r) for r in (False, True)]
                              for L in ui_langs}  # fmt: skip
            opts["title"] = opts["titles"][lang or ui_langs[0]][0]
            net.add_node(vid, **opts)
            n_idea_nodes += 1
            for t in idea.get("targets") or []:
                if t["variable"] not in G:
                    raise NotFoundError(f"idea '{idea_id}' targets unknown variable '{t['variable']}'", field="ideas")
                net.add_edge(vid, ids[t["variable"]], id=f"{vid} > {t['variable']}", **_idea_edge(idea, t, faded))
                n_idea_edges += 1
    nodes, edges, *_ = net.get_network_data()
    n_var, n_link = G.number_of_nodes(), G.number_of_edges()
    legend = _legend(lang, fills, G, width_by, ideas and bool(idea_bank), highlight)
    i18n = {}
    for L in ui_langs:
        hl = highlight if L == lang else _highlight(G, loop, theme, L)[2]
        counts = (word(L, "counts_ideas").format(n=n_var, m=n_link, k=n_idea_nodes) if n_idea_nodes
                  else word(L, "counts").format(n=n_var, m=n_link))  # fmt: skip
        i18n[L] = {"counts_text": counts, "highlight": hl, "themes": _legend_themes(G, fills, L)}
    return {
        "nodes": nodes,
        "edges": edges,
        "options": _options(physics, n_var + n_idea_nodes),
        "legend": legend,
        "meta": {
            "title": title if title is not None else str(G.graph.get("title") or ""),
            "focus": str(G.graph.get("focus") or ""),
            "lang": lang,
            "languages": languages,
            "layout": layout,
            "physics": physics,
            "counts": {"variables": n_var, "links": n_link, "ideas": n_idea_nodes, "idea_links": n_idea_edges},
            "counts_text": i18n[lang or ui_langs[0]]["counts_text"],
            "hint": word(lang, "hint"),
            "words": {k: word(lang, k) for k in ("legend", "language")},
            "i18n": i18n,
            "language_names": {L: style.LANGUAGE_NAMES.get(L, L) for L in ui_langs},
            # the view opens on these (the highlighted loop or theme), else on the whole map
            "focus_nodes": sorted(ids[n] for n in hl_nodes) if hl_nodes else [],
            "min_font": min([n.get("font", {}).get("size", 15) for n in nodes] or [15]),
        },
    }


def map_html(G: nx.DiGraph, *, animation: Mapping[str, Any] | None = None, **options: Any) -> str:
    """The map as one self-contained HTML page (vis-network inlined, no network access needed).

    Nothing is written to disk; labels are escaped (user text is data).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    animation : mapping, optional
        A scenario's precomputed trajectories (:func:`gmb.views.animate.trajectories`) that a time
        slider and a play button show on the map (``gmb map --animate``).
    **options
        As :func:`map_data`: ``lang``, ``ideas``, ``loop`` (highlight a loop), ``theme`` …

    Returns
    -------
    str
        The HTML page.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> page = map_html(G, lang="en")
    >>> page.startswith("<!DOCTYPE html>"), "mental_wellbeing" in page
    (True, True)
    """
    data = map_data(G, **options)
    # the page sets each tooltip from ``titles`` (its language, participant or research text): no third copy
    for item in (*data["nodes"], *data["edges"]):
        if "titles" in item:
            item.pop("title", None)
    return _template("map.html.j2").render(
        data=data,
        meta=data["meta"],
        legend=data["legend"],
        vis_js=_vis_js(),
        lang=data["meta"]["lang"] or "en",
        visual_js=style.visual_js(),
        visual_css=style.visual_css(),
        animation=animation,
    )


def write_map(G: nx.DiGraph, path: str | Path, **options: Any) -> Path:
    """Write :func:`map_html` atomically to ``path`` (and nothing else anywhere).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    path : str or pathlib.Path
        The HTML file.
    **options
        As :func:`map_html`.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_map(G, folder / "map.html").name, sorted(p.name for p in folder.iterdir())
    ('map.html', ['map.html'])
    """
    from gmb.views.publish import write_public_text

    path = Path(path)
    if path.is_dir():
        raise InputError("the output path is a folder; give a file name such as map.html", file=str(path))
    write_public_text(path, map_html(G, **options))
    return path


def loop_polarity(G: nx.DiGraph, loop: Sequence[Hashable]) -> str:
    """``"R"`` (even number of negative links), ``"B"`` (odd) or ``"?"`` (a link of unknown sign).

    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", sign=1); G.add_edge("b", "a", sign=-1)
    >>> loop_polarity(G, ["a", "b"])
    'B'
    """
    signs = [edge_sign(G, u, v) for u, v in zip(loop, [*loop[1:], loop[0]])]
    return "?" if 0 in signs else "B" if signs.count(-1) % 2 else "R"


# -- checks -------------------------------------------------------------------------
def _check_graph(G: Any) -> None:
    # pyvis only asserts (gone under python -O); check here with real errors
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise InputError("the map needs a networkx.DiGraph from gmb.cld.to_graph", field="graph")


def _check_lang(lang: str | None, languages: list[str]) -> str | None:
    if lang is None:
        return languages[0] if languages else None
    if languages and lang not in languages:
        raise InputError(
            f"the session has no labels in '{lang}'", field="lang", hint=f"languages: {', '.join(languages)}"
        )
    return lang


def _vis_ids(G: nx.DiGraph) -> dict[Hashable, str]:
    ids = {node: str(node) for node in G.nodes}
    if len(set(ids.values())) != len(ids):
        raise ValidationError("two variables have the same id once written as text", field="nodes")
    return ids


def _plain(value: Any) -> Any:
    """An enum's value (graphs may carry str-enums such as ``VariableKind.stock``), anything else as is."""
    return value.value if isinstance(value, Enum) else value


def _idea_targets(G: nx.DiGraph, idea_bank: Mapping[str, Any]) -> dict[Hashable, list[tuple[str, Mapping]]]:
    out: dict[Hashable, list[tuple[str, Mapping]]] = {}
    for idea_id, idea in idea_bank.items():
        for t in idea.get("targets") or []:
            out.setdefault(t.get("variable"), []).append((idea_id, {**idea, "direction": t.get("direction", "+")}))
    return out


def _highlight(G, loop, theme, lang):
    """(nodes kept bright, edges kept bright, legend line) or (None, None, None)."""
    if loop is not None:
        loop = list(loop)
        if len(loop) < 2:
            raise InputError("a loop needs at least two variables", field="highlight-loop")
        for v in loop:
            if v not in G:
                raise NotFoundError(f"variable '{v}' is not on the map", field="highlight-loop")
        pairs = list(zip(loop, [*loop[1:], loop[0]]))
        for u, v in pairs:
            if not G.has_edge(u, v):
                raise ValidationError(
                    f"there is no link {u} -> {v}, so these variables do not form a loop", field="highlight-loop"
                )
        pol = loop_polarity(G, loop)
        kind = {"R": word(lang, "reinforcing"), "B": word(lang, "balancing"), "?": word(lang, "unsigned")}[pol]
        names = [_label(G.nodes[v], v, lang) for v in loop]
        text = " → ".join([*names, names[0]])
        return set(loop), set(pairs), {"title": word(lang, "loop"), "text": text, "kind": kind, "polarity": pol}
    if theme is not None:
        themes = G.graph.get("themes") or {}
        used = {t for _, d in G.nodes(data=True) for t in (d.get("themes") or [])}
        if theme not in themes and theme not in used:
            known = ", ".join(map(str, list(themes) or sorted(used))) or "none"
            raise NotFoundError(f"unknown theme '{theme}'", field="theme", hint=f"themes: {known}")
        keep = {n for n, d in G.nodes(data=True) if theme in (d.get("themes") or [])}
        edges = {(u, v) for u, v in G.edges if u in keep and v in keep}
        name = _text_in(themes.get(theme, {}).get("labels") or {}, lang) or str(theme)
        return keep, edges, {"title": word(lang, "theme_hl"), "text": name, "kind": "", "polarity": ""}
    return None, None, None


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
def _text_in(labels: Mapping[str, str], lang: str | None) -> str:
    if lang and labels.get(lang):
        return str(labels[lang])
    return str(next(iter(labels.values()))) if labels else ""


def _label(data: Mapping[str, Any], node: Hashable, lang: str | None) -> str:
    return _text_in(data.get("labels") or {}, lang) or str(data.get("label") or node)


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


# -- template and assets ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _vis_js() -> str:
    """vis-network 9.1.2 as shipped inside pyvis (no download, no CDN)."""
    text = (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text("utf-8")
    if "</script" in text.lower():  # would end our inline <script> early
        raise InputError("vis-network.min.js contains '</script' and cannot be inlined")
    return text


@lru_cache(maxsize=4)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,  # every value is HTML-escaped unless we mark it safe (only vis_js is)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_json"] = _safe_json
    return env


def _template(name: str):
    return _environment().get_template(name)


def _safe_json(value: Any):
    """JSON for a ``<script>`` block: ``<``, ``>``, ``&`` and quotes are \\u-escaped so no text can end the script."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(ch, esc)
    return Markup(text)
