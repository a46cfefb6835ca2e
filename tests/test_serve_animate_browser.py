"""Watch it travel on gmb serve's projector page: GmbVisual.travel fetches /api/s/{sid}/animate and plays it
on the page's own live map (issue 15, item 2, served). The pages do not call it by themselves yet: this test
injects visual.js + animate.js the way a page will load them, and checks the numbers arrive on the nodes."""

from __future__ import annotations

import pytest

pytest.importorskip("httpx")
pytest.importorskip("selenium")
from serve_support import Server
from test_serve_browser import Browser
from views_browser import browser_missing


@pytest.fixture
def projector(tmp_path):
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), "havndal")
    links = srv.start()
    b = Browser("projector")
    yield srv, links, b
    b.quit()
    srv.stop()


def test_the_projector_plays_a_push_fetched_from_the_server(projector):
    import httpx

    from gmb.views.style import visual_js

    srv, links, b = projector
    b.go(f"{srv.base}/v#key={links['viewer']}")
    b.ready()
    b.wait("gmb.nodes && gmb.nodes.length > 40", timeout=20)
    b.js(visual_js())
    b.js(httpx.get(srv.base + "/static/animate.js").text)
    # what a page passes: its own network and DataSets, and the links' signs from the session state
    b.js("""const s = gmb.state, key = sessionStorage.getItem('gmb.key');
            window.done = null;
            GmbVisual.travel({url: '/api/s/' + gmb.me.session + '/animate?scenario=faellesspisning&runs=100', key: key,
              network: gmb.network, nodes: gmb.nodes, edges: gmb.edges, lang: () => 'da',
              data: {nodes: gmb.nodes.get(), edges: s.links.map(l => ({id: l.id, from: l.cause, to: l.effect,
                     polarity: l.polarity, width: (gmb.edges.get(l.id) || {}).width || 1.5}))}})
              .then(ok => { window.done = ok; }, e => { window.done = String(e); });""")
    b.wait("window.done !== null", timeout=60)
    assert b.js("return window.done") is True
    sid = b.js("return gmb.me.session")
    anim = httpx.get(f"{srv.base}/api/s/{sid}/animate", params={"scenario": "faellesspisning", "runs": 100},
                     headers={"Authorization": f"Bearer {links['viewer']}"}, timeout=60).json()  # fmt: skip
    b.js("gmbAnimShow('push:belonging'); gmbAnimAt(6)")
    it = anim["pushes"]["items"]["belonging"]
    for var in ("belonging", "mental_wellbeing"):
        want = it["q"].get(var, [0] * 40)[6] * it["step"]
        assert b.js(f"return gmb.nodes.get('{var}').animValue") == pytest.approx(want, abs=1e-12)
    assert b.js("return Object.keys(window.gmbPulse).length") > 0
    assert b.js("return document.getElementById('gmb-anim-title').textContent").startswith("Skub")
