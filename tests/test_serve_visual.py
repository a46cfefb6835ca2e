"""One visual language: the live map of ``gmb serve`` and the static map draw a link and a legend alike.

Both pages get their look from ``gmb/views/static/visual.js`` (the live page loads it from the server as
``/static/visual.js``; ``map.html`` inlines it). Checked in headless Chromium with the Havndal workshop:
the live page's options for a negative, delayed, not yet accepted link are what the static map page's
``GmbVisual.edgeStyle`` gives for it; once accepted, its sign, dashes, colour, width and label font are the
static map's own (built in Python by :mod:`gmb.views.map_nodes`) for the same link; and the live legend
has the static map's entries (same words, same icons) plus the two "proposed" ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_support import Server
from test_serve_browser import Browser

from gmb.cld import to_graph
from gmb.examples import load_example
from gmb.views.map import write_map
from gmb.views.style import visual_css, visual_js

LINK = "L44"  # Havndal: a negative, delayed, strong link (all imported links wait to be accepted)
LOOK = "return {label: e.label, dashes: e.dashes, width: e.width, colour: e.color.color, font: e.font};"
LEGEND = """return [...document.querySelectorAll(arguments[0] + ' details.gmb-legend li, ' + arguments[0] + ' details.gmb-legend h3')]
                   .map(e => e.outerHTML);"""


@pytest.fixture
def havndal(tmp_path):
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), "havndal")
    links = srv.start()
    yield srv, links
    srv.stop()


def test_the_server_hands_out_the_static_maps_visual_js_and_css(tmp_path):
    """The live pages load the map's look from the server itself (CSP ``script-src 'self'``), never a copy."""
    from fastapi.testclient import TestClient

    from gmb.serve.app import create_app

    with TestClient(create_app(tmp_path / "serve.sqlite3")) as c:
        js, css = c.get("/static/visual.js"), c.get("/static/visual.css")
        page = c.get("/p").text
    assert js.status_code == css.status_code == 200
    assert js.text == visual_js() and css.text == visual_css()
    assert js.headers["content-type"].startswith("text/javascript") and css.headers["content-type"].startswith(
        "text/css"
    )
    assert "script-src 'self'" in js.headers["content-security-policy"]
    # the page loads visual.js before app.js, which draws with it
    assert page.index('src="/static/visual.js"') < page.index('src="/static/app.js"')
    assert 'href="/static/visual.css"' in page


def _live(srv, links, browsers) -> Browser:
    page = browsers("facilitator", width=1366, height=768)
    page.go(f"{srv.base}/")
    page.js("localStorage.setItem('gmb.lang', 'da')")
    page.go(f"{srv.base}/f#key={links['facilitator']}")
    page.ready()
    page.wait("!!(gmb.edges && gmb.edges.get(arguments[0]))", LINK, timeout=15)
    return page


def _static(tmp_path, browsers) -> Browser:
    path = write_map(to_graph(load_example("havndal")), tmp_path / "kort.html", lang="da")
    page = browsers("static", width=1366, height=768)
    page.go(path.resolve().as_uri())
    page.wait("window.gmbStable", timeout=30)
    return page


def test_live_and_static_map_draw_the_same_link_and_legend(havndal, browsers, tmp_path):
    srv, links = havndal
    live, static = _live(srv, links, browsers), _static(tmp_path, browsers)
    link = live.js("return gmb.state.links.find(l => l.id === arguments[0])", LINK)
    assert (link["polarity"], link["delay"], link["strength"], link["accepted_by"]) == ("-", True, "strong", None)

    # Proposed: the live page's options are exactly what visual.js gives in the static map's page.
    want = static.js("return GmbVisual.edgeStyle({polarity: '-', delay: true, strength: 'strong', proposed: true})")
    got = live.js("const e = Object.assign({}, gmb.edges.get(arguments[0])); delete e.title; return e;", LINK)
    assert {k: got[k] for k in want} == want
    assert got["dashes"] == [10, 6] and got["color"]["opacity"] < 1 and got["label"].startswith("○ −")
    # …faint, with the badge, never a line style of its own: a proposed "+" link is not dashed like a "−" one.
    plus = static.js("return GmbVisual.edgeStyle({polarity: '+', proposed: true})")
    assert plus["dashes"] is False

    # Accepted (all of it): sign, dashes, colour, width and label font equal the static map's own edge for it.
    httpx.post(f"{srv.base}/api/s/havndal/accept-all", json={},
               headers={"Authorization": f"Bearer {links['facilitator']}"}).raise_for_status()  # fmt: skip
    live.wait(
        "gmb.edges.get(arguments[0]).color.opacity === 1 && gmb.nodes.get(gmb.state.outcome).opacity === 1",
        LINK,
        timeout=10,
    )
    static_edge = static.js("const e = network.body.data.edges.get(arguments[0]); " + LOOK, LINK)
    live_edge = live.js("const e = gmb.edges.get(arguments[0]); " + LOOK, LINK)
    assert live_edge == static_edge
    assert static_edge["label"] == "− ||" and static_edge["colour"] == "#D55E00"

    # The legend: the static map's headings and entries, word for word and icon for icon, plus "proposed".
    static_items = static.js(LEGEND, "#gmb-legend")
    live_items = live.js(LEGEND, "#legend")
    proposed = [x for x in live_items if "foreslået, ikke godkendt" in x]
    assert len(proposed) == 2  # a faint link and a faint variable
    assert [x for x in live_items if x not in proposed] == static_items
    for text in ("− modsat retning", "forsinkelse", "beholdning", "mental sundhed", "fællesskaber", "intet tema"):
        assert any(text in x for x in live_items), text
    # A variable's look: the outcome keeps the static map's thick black border, a stock its box.
    node = "return {borderWidth: n.borderWidth, color: n.color, shape: n.shape, opacity: n.opacity};"
    outcome = live.js("const n = gmb.nodes.get(gmb.state.outcome); " + node)
    same = static.js(
        "const n = network.body.data.nodes.get(arguments[0]); " + node, live.js("return gmb.state.outcome")
    )
    assert (outcome["borderWidth"], outcome["color"]["border"]) == (same["borderWidth"], same["color"]["border"])
    assert outcome["color"]["background"] == same["color"]["background"]
    assert live.problems() == [] and static.problems() == []
