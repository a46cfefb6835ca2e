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

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from gmb.cld.lookup import edge_sign
from gmb.errors import InputError, NotFoundError, ValidationError
from gmb.views import style
from gmb.views.map_nodes import (
    _edge,
    _idea_edge,
    _idea_node,
    _idea_positions,
    _idea_targets,
    _label,
    _node,
    _positions,
    _text_in,
)
from gmb.views.map_options import LARGE_MAP, _legend, _legend_themes, _options
from gmb.views.map_template import _template, _vis_js  # gmb.views.report and .story import them from here
from gmb.views.map_tips import edge_tip, idea_tip, node_tip
from gmb.views.style import word

__all__ = ["LARGE_MAP", "LAYOUTS", "loop_polarity", "map_data", "map_html", "write_map"]

LAYOUTS = ("force", "circle")
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
    _check_options(layout, width_by, loop, theme)
    people = dict(people or {})
    ids = _vis_ids(G)
    theme_ids = list(G.graph.get("themes") or {})
    theme_ids += sorted({t for _, d in G.nodes(data=True) for t in (d.get("themes") or []) if t not in theme_ids})
    fills = style.theme_colours(theme_ids)
    idea_bank = dict(G.graph.get("ideas") or {})
    targets = _idea_targets(G, idea_bank)
    hl_nodes, hl_edges, highlight = _highlight(G, loop, theme, lang)

    positions = _positions(G, layout, order, lang)
    physics = positions is None
    # every language of the map goes into the page, so its language switch changes everything shown
    ui_langs = languages or [lang or "en"]

    from pyvis.network import Network  # lazy: pyvis pulls in jinja2 and IPython bits

    net = Network(directed=True, cdn_resources="in_line")
    draw = {"lang": lang, "languages": languages, "ui_langs": ui_langs, "people": people}
    _add_variables(net, G, ids, draw, fills=fills, targets=targets, faded_but=hl_nodes, positions=positions)
    _add_links(net, G, ids, draw, width_by=width_by, hl_edges=hl_edges)
    n_idea_nodes = n_idea_edges = 0
    if ideas:
        n_idea_nodes, n_idea_edges = _add_ideas(net, G, ids, draw, idea_bank, faded_but=hl_nodes, positions=positions)
    nodes, edges, *_ = net.get_network_data()
    n_var, n_link = G.number_of_nodes(), G.number_of_edges()
    legend = _legend(lang, fills, G, width_by, ideas and bool(idea_bank), highlight)
    i18n = _i18n(G, loop, theme, lang, highlight, ui_langs, fills, (n_var, n_link, n_idea_nodes))
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
        slider and a play button show on the map (``gmb map --animate``); with ``pushes``
        (:func:`gmb.views.animate.pushes`) any variable's push can be played too.
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
        animation=_with_pulse(animation),
        animate_js=_animate_js() if animation else "",
    )


def _animate_js() -> str:
    from gmb.views.animate import animate_js

    return animate_js()


def _with_pulse(animation: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The animation with the pulses' colours and words (:data:`gmb.views.animate.PULSE`) for the page."""
    if not animation:
        return None
    from gmb.views.animate import PULSE

    return {"pulse": PULSE, **animation}


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


def _check_options(layout: str, width_by: str, loop, theme) -> None:
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout '{layout}'", field="layout", hint=f"choose one of: {', '.join(LAYOUTS)}")
    if width_by not in ("strength", "support"):
        raise InputError(f"unknown width_by '{width_by}'", field="width_by", hint="choose strength or support")
    if loop is not None and theme is not None:
        raise InputError("highlight either a loop or a theme, not both", field="highlight")


# -- collecting nodes and links -------------------------------------------------------
# ``draw`` carries what every node and link needs: lang, languages, ui_langs (every language goes
# into the page) and people. Each item gets a tooltip per language, participant and research view;
# ``title`` is the one shown before the page's script takes over.
def _add_variables(net, G, ids, draw, *, fills, targets, faded_but, positions) -> None:
    lang, ui_langs, people = draw["lang"], draw["ui_langs"], draw["people"]
    outcome = G.graph.get("outcome")
    for node, data in G.nodes(data=True):
        faded = faded_but is not None and node not in faded_but
        opts = _node(node, data, lang, draw["languages"], fills, outcome, targets, people, faded, positions)
        opts["titles"] = {L: [node_tip(G, node, L, people=people, targets=targets, research=r) for r in (False, True)]
                          for L in ui_langs}  # fmt: skip
        opts["title"] = opts["titles"][lang or ui_langs[0]][0]
        net.add_node(ids[node], **opts)


def _add_links(net, G, ids, draw, *, width_by, hl_edges) -> None:
    lang, ui_langs, people = draw["lang"], draw["ui_langs"], draw["people"]
    for u, v, data in G.edges(data=True):
        faded = hl_edges is not None and (u, v) not in hl_edges
        opts = _edge(G, u, v, data, lang, people, width_by, faded, hl_edges)
        opts["titles"] = {L: [edge_tip(G, u, v, L, people=people, research=r) for r in (False, True)]
                          for L in ui_langs}  # fmt: skip
        opts["title"] = opts["titles"][lang or ui_langs[0]][0]
        net.add_edge(ids[u], ids[v], **opts)


def _add_ideas(net, G, ids, draw, idea_bank, *, faded_but, positions) -> tuple[int, int]:
    """Each idea as a node with links to its targets; returns (idea nodes, idea links) added."""
    lang, ui_langs, people = draw["lang"], draw["ui_langs"], draw["people"]
    n_idea_nodes = n_idea_edges = 0
    idea_pos = _idea_positions(G, idea_bank, positions) if positions is not None else {}
    for idea_id, idea in idea_bank.items():
        faded = faded_but is not None and not any(t["variable"] in faded_but for t in idea.get("targets") or [])
        vid = _IDEA_PREFIX + str(idea_id)
        opts = _idea_node(idea_id, idea, lang, draw["languages"], people, faded, idea_pos.get(idea_id))
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
    return n_idea_nodes, n_idea_edges


def _i18n(G, loop, theme, lang, highlight, ui_langs, fills, counts) -> dict[str, dict[str, Any]]:
    """Per page language: the counts line, the highlight's legend line and the themes' legend."""
    n_var, n_link, n_idea_nodes = counts
    i18n = {}
    for L in ui_langs:
        hl = highlight if L == lang else _highlight(G, loop, theme, L)[2]
        counts_text = (word(L, "counts_ideas").format(n=n_var, m=n_link, k=n_idea_nodes) if n_idea_nodes
                       else word(L, "counts").format(n=n_var, m=n_link))  # fmt: skip
        i18n[L] = {"counts_text": counts_text, "highlight": hl, "themes": _legend_themes(G, fills, L)}
    return i18n


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
