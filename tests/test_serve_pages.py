"""The live workshop pages in headless Chromium with the Havndal workshop: phone, laptop and projector.

A participant on a phone (390×844, touch) finds "Tryghed" by typing "tryg", adds a link with the
search pickers and votes in two taps from the start page; a participant on a laptop draws a link by
dragging from one node to another; the facilitator (1366×768) accepts all, revisits a stage, undoes
a change; the map settles and stays put; the projector (1920×1080) shows labels of at least 12 px.
Every page: no console error, nothing fetched beyond the server, and no string of the other
language's table. Screenshots go to ``$GMB_ARTIFACTS_DIR`` (default: a temporary folder).
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_support import ROOT, Server
from test_serve_browser import Browser
from views_browser import ARTIFACTS


def strings() -> dict[str, dict[str, str]]:
    """The translation tables of i18n.js (``lang: { key: "text", … }``), read as data, never run."""
    text = (ROOT / "gmb" / "serve" / "static" / "i18n.js").read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {}
    for lang, body in re.findall(r"\n  (\w+): \{(.*?)\n  \}", text, flags=re.DOTALL):
        pairs = re.findall(r'(\w+|"[^"]*")\s*:\s*("(?:[^"\\]|\\.)*")', body)
        tables[lang] = {k.strip('"'): json.loads(v) for k, v in pairs}
    assert set(tables) == {"en", "da"} and set(tables["en"]) == set(tables["da"]) and len(tables["en"]) > 100
    return tables


def foreign(page: Browser, other: dict[str, str], own: dict[str, str]) -> list[str]:
    """Strings of the other language's table visible on the page, outside user content."""
    shown = page.js("""
        // .vis-tooltip: a hovered or tapped item's text (its label and description: user content; hidden on phones)
        const skip = new Set(['.label', '#title', '#whoami', '.pick', '#join-url', '.code', '.vis-tooltip']);
        const clone = document.body.cloneNode(true);
        for (const sel of skip) clone.querySelectorAll(sel).forEach(n => n.remove());
        clone.querySelectorAll('script, dialog:not([open]), [hidden]').forEach(n => n.remove());
        return clone.innerText + ' ' + [...clone.querySelectorAll('[placeholder]')].map(n => n.placeholder).join(' ');
    """)
    found = []
    for key, value in other.items():
        if value == own.get(key) or len(value) < 4 or "{" in value:
            continue
        if re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", shown):
            found.append(value)
    return found


@pytest.fixture
def havndal(tmp_path):
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), "havndal")
    links = srv.start()
    yield srv, links
    srv.stop()


def join(page: Browser, base: str, code: str, name: str, lang: str) -> None:
    page.go(f"{base}/#code={code}")
    page.js("localStorage.setItem('gmb.lang', arguments[0])", lang)
    page.go(f"{base}/#code={code}")
    page.wait("document.getElementById('join-code').value === arguments[0]", code)
    page.fill("#join-name", name)
    page.click("#form-join button[type=submit]")
    page.wait("location.pathname === '/p'")
    page.ready()


def clean(page: Browser, base: str) -> None:
    assert page.problems() == []
    network = [u for u in page.requests if u.startswith(("http:", "https:", "ws:", "wss:"))]
    assert network and all(u.startswith(base + "/") for u in network), set(network)


def shot(page: Browser, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.driver.save_screenshot(str(path))
    return path


def test_participant_on_a_phone_picks_by_typing_and_votes_in_two_taps(havndal, browsers):
    srv, links = havndal
    table = strings()
    phone = browsers("phone", phone=True)
    join(phone, srv.base, links["code"], "Ida", "da")
    # The start page is the Add tab; no long page: the map and the vote are one tap away.
    assert phone.js("return document.querySelector('nav.tabs button.current').dataset.show") == "add"
    assert phone.js("return document.documentElement.scrollHeight") < 2000
    # Search picker: sorted, accent-insensitive, from the first letters.
    phone.fill("#link-cause-q", "tryg")
    phone.wait("document.querySelectorAll('#link-cause-list button').length > 0")
    found = phone.texts("#link-cause-list button")
    assert found == sorted(found, key=str.lower) and all(f.lower().startswith("tryg") for f in found), found
    assert any(f.startswith("Tryghed") for f in found), found
    phone.js(
        "[...document.querySelectorAll('#link-cause-list button')].find(b => b.textContent.startsWith('Tryghed')).click()"
    )
    phone.fill("#link-effect-q", "born")  # "børn" without the ø
    phone.wait("document.querySelectorAll('#link-effect-list button').length > 0")
    picked = phone.text("#link-effect-list button")
    assert "ørn" in picked.lower() or "born" in picked.lower(), picked
    phone.click("#link-effect-list button")
    before = phone.js("return gmb.state.links.length")
    phone.click("#form-link input[name=polarity][value='-']")
    phone.click("#form-link button[type=submit]")
    phone.wait("gmb.state.links.length === arguments[0] + 1", before, timeout=10)
    new = phone.js("return gmb.state.links[gmb.state.links.length - 1]")
    tryghed = phone.js("return gmb.state.variables.find(v => (v.labels.da || '').startsWith('Tryghed')).id")
    assert new["polarity"] == "-" and new["cause"] == tryghed
    # It is mine: the My items tab lists it, with a remove button while it is not accepted.
    phone.click("nav.tabs button[data-show=mine]")
    phone.wait_text("#list-mine .label", "Tryghed")
    assert phone.js("return !!document.querySelector('#list-mine li[data-kind=link] button.withdraw')")
    # …and its strength and delay can still be changed there.
    mine = "#list-mine li[data-kind=link]"
    phone.choose(f"{mine} select.strength", value="strong")
    phone.wait("gmb.state.links[gmb.state.links.length - 1].strength === 'strong'", timeout=10)
    phone.click(f"{mine} button.delay")
    phone.wait("gmb.state.links[gmb.state.links.length - 1].delay === true", timeout=10)
    # Voting in two taps from the start page: the Vote tab, then the first idea's vote button.
    phone.click("nav.tabs button[data-show=add]")
    votes = phone.js("return gmb.state.ideas.reduce((n, i) => n + i.votes.length, 0)")
    phone.click("nav.tabs button[data-show=vote]")
    phone.click("#list-ideas li button.vote")
    phone.wait("gmb.state.ideas.reduce((n, i) => n + i.votes.length, 0) === arguments[0] + 1", votes, timeout=10)
    # The map tab: the legend is folded on a phone; every variable and link is drawn.
    phone.click("nav.tabs button[data-show=map]")
    phone.wait("gmb.nodes.length === gmb.state.variables.length && gmb.edges.length === gmb.state.links.length")
    assert phone.js("return document.querySelector('#legend details.gmb-legend').open") is False
    # A tapped variable opens its details in the bottom sheet (a phone has no hover tooltips).
    phone.wait("gmb.settledAt !== undefined", timeout=30)
    node = phone.js("""
        const pos = gmb.network.getPositions(), box = document.getElementById('map').getBoundingClientRect();
        for (const id of Object.keys(pos)) { const p = gmb.network.canvasToDOM(pos[id]);
            if (p.x > 40 && p.y > 60 && p.x < box.width - 40 && p.y < box.height - 40 && gmb.network.getNodeAt(p) === id)
                return [id, p.x - box.width / 2, p.y - box.height / 2]; }
        return null;""")  # fmt: skip
    assert node, "no variable on screen to tap"
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(phone.driver).move_to_element_with_offset(phone.el("#map canvas"), node[1], node[2]).click().perform()
    phone.wait("!document.querySelector('.map-wrap .gmb-sheet').hidden")
    title = phone.text(".gmb-sheet-head strong")
    assert title == phone.js("return gmb.nodes.get(arguments[0]).label", node[0]).removeprefix("○ "), title
    phone.click(".gmb-sheet-close")  # …and closes (its text is the variable's own description: user content)
    phone.wait("document.querySelector('.map-wrap .gmb-sheet').hidden")
    assert phone.js("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert foreign(phone, table["en"], table["da"]) == []
    phone.click("nav.tabs button[data-show=add]")
    shot(phone, "serve-participant-phone.png")
    clean(phone, srv.base)


def test_laptop_participant_draws_a_link_and_the_facilitator_accepts_all_and_undoes(havndal, browsers):
    srv, links = havndal
    table = strings()
    fac = browsers("facilitator", width=1366, height=768)
    fac.go(f"{srv.base}/")
    fac.js("localStorage.setItem('gmb.lang', 'en')")
    fac.go(f"{srv.base}/f#key={links['facilitator']}")
    fac.ready()
    t_load = time.perf_counter()
    fac.wait("gmb.settledAt !== undefined", timeout=30)
    # Labels readable at the first view: the canvas scale times the font size.
    assert fac.js("return gmb.network.getScale() * Math.min(...gmb.nodes.get().map(n => n.font.size))") >= 12 - 1e-6
    # The layout stops: positions equal between 5 s and 10 s after load.
    time.sleep(max(0.0, 5 - (time.perf_counter() - t_load)))
    at5 = fac.js("return gmb.network.getPositions()")
    time.sleep(5)
    at10 = fac.js("return gmb.network.getPositions()")
    assert at5 == at10
    # …and the facilitator's page stored them in the session: every page draws the same map.
    fac.wait("gmb.state.variables.every(v => v.position)", timeout=10)
    assert foreign(fac, table["da"], table["en"]) == []

    # A participant on a laptop draws a link: drag from one node to another.
    lap = browsers("laptop", width=1366, height=768)
    join(lap, srv.base, links["code"], "Bo", "en")
    lap.click("nav.tabs button[data-show=map]")
    lap.wait("gmb.settledAt !== undefined && gmb.nodes.length > 0", timeout=30)
    ends = lap.js("""
        const ids = gmb.state.variables.map(v => v.id);
        const have = new Set(gmb.state.links.map(l => l.cause + '>' + l.effect));
        const pos = gmb.network.getPositions();
        const box = document.getElementById('map').getBoundingClientRect();
        const onscreen = ids.filter(id => { const p = gmb.network.canvasToDOM(pos[id]); return p.x > 40 && p.y > 60 && p.x < box.width - 40 && p.y < box.height - 40; });
        for (const a of onscreen) for (const b of onscreen) if (a !== b && !have.has(a + '>' + b)) {
            const pa = gmb.network.canvasToDOM(pos[a]), pb = gmb.network.canvasToDOM(pos[b]);
            if (Math.hypot(pa.x - pb.x, pa.y - pb.y) > 80) return [a, b, pa, pb];
        }
        return null;""")
    assert ends, "no two nodes on screen to link"
    a, b, pa, pb = ends
    from selenium.webdriver.common.action_chains import ActionChains

    lap.click("#btn-draw")
    canvas = lap.el("#map canvas")
    w, h = lap.js("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", canvas)
    chain = ActionChains(lap.driver)
    chain.move_to_element_with_offset(canvas, pa["x"] - w / 2, pa["y"] - h / 2).click_and_hold()
    chain.move_by_offset((pb["x"] - pa["x"]) / 2, (pb["y"] - pa["y"]) / 2)
    chain.move_by_offset((pb["x"] - pa["x"]) / 2, (pb["y"] - pa["y"]) / 2).release().perform()
    lap.wait(
        "document.getElementById('link-cause').value === arguments[0] && document.getElementById('link-effect').value === arguments[1]",
        a,
        b,
    )
    lap.click("#form-link button[type=submit]")
    fac.wait("gmb.state.links.some(l => l.cause === arguments[0] && l.effect === arguments[1])", a, b, timeout=10)
    # An idea that acts on two variables, one raised and one lowered.
    lap.click("nav.tabs button[data-show=vote]")
    lap.fill("#idea-label", "Gågade om lørdagen")
    lap.choose("#idea-target", value=a)
    lap.click("#btn-more-target")
    rows = lap.driver.find_elements("css selector", "#idea-targets .target-row")
    assert len(rows) == 2
    from selenium.webdriver.support.select import Select

    Select(rows[1].find_element("css selector", ".idea-target")).select_by_value(b)
    Select(rows[1].find_element("css selector", ".idea-direction")).select_by_value("-")
    lap.click("#form-idea button[type=submit]")
    fac.wait("gmb.state.ideas.some(i => i.labels.en === 'Gågade om lørdagen' && i.targets.length === 2)", timeout=10)
    idea = fac.js("return gmb.state.ideas.find(i => i.labels.en === 'Gågade om lørdagen')")
    assert [(t["variable"], t["direction"]) for t in idea["targets"]] == [(a, "+"), (b, "-")]
    clean(lap, srv.base)

    # Accept all: nothing waits afterwards.
    assert fac.js("return gmb.state.links.some(l => !l.accepted_by)")
    fac.driver.execute_script("window.confirm = () => true")
    fac.click("#btn-accept-all")
    fac.wait("[...gmb.state.variables, ...gmb.state.links, ...gmb.state.ideas].every(x => x.accepted_by)", timeout=10)
    # Undo the last change (an event of its own): one item waits again.
    seq = fac.js("return gmb.state.seq")
    fac.click("#btn-undo")
    fac.wait(
        "gmb.state.seq > arguments[0] && [...gmb.state.variables, ...gmb.state.links, ...gmb.state.ideas].filter(x => !x.accepted_by).length === 1",
        seq,
        timeout=10,
    )
    # Stages: go to W2, back to W1 (revisit), close the session, reopen.
    for target in ("W2", "W1"):
        fac.js(
            "[...document.querySelectorAll('#stages button')].find(b => b.textContent.startsWith(arguments[0])).click()",
            target,
        )
        fac.wait("gmb.state.stage === arguments[0]", target, timeout=10)
    shot(fac, "serve-facilitator-1366.png")
    clean(fac, srv.base)


def test_projector_at_1920_reads_from_the_back(havndal, browsers):
    srv, links = havndal
    key = httpx.post(f"{srv.base}/api/s/havndal/keys", json={"role": "viewer"},
                     headers={"Authorization": f"Bearer {links['facilitator']}"}).json()["key"]  # fmt: skip
    proj = browsers("projector", width=1920, height=1080)
    proj.go(f"{srv.base}/")
    proj.js("localStorage.setItem('gmb.lang', 'da')")
    proj.go(f"{srv.base}/v#key={key}")
    proj.ready()
    proj.wait("gmb.settledAt !== undefined", timeout=30)
    assert proj.js("return gmb.network.getScale() * Math.min(...gmb.nodes.get().map(n => n.font.size))") >= 12 - 1e-6
    assert proj.text("#join-code") == links["code"]
    map_w = proj.js("return document.getElementById('map').getBoundingClientRect().width")
    assert map_w > 0.65 * 1920
    assert proj.js("return document.getElementById('panel-loop').textContent.includes('→')")
    table = strings()
    assert foreign(proj, table["en"], table["da"]) == []
    shot(proj, "serve-projector-1920.png")
    clean(proj, srv.base)


def test_projector_follows_the_facilitators_panel_and_zooms_to_the_shown_loop(havndal, browsers):
    srv, links = havndal
    F = {"Authorization": f"Bearer {links['facilitator']}"}
    key = httpx.post(f"{srv.base}/api/s/havndal/keys", json={"role": "viewer"}, headers=F).json()["key"]
    proj = browsers("projector", width=1920, height=1080)
    proj.go(f"{srv.base}/")
    proj.js("localStorage.setItem('gmb.lang', 'da')")
    proj.go(f"{srv.base}/v#key={key}")
    proj.ready()
    proj.wait("gmb.settledAt !== undefined", timeout=30)
    shown = (
        "return [...document.querySelectorAll('.side [data-panel]')].filter(p => !p.hidden).map(p => p.dataset.panel)"
    )
    # The facilitator's page: tick one proposal, "Accept selected" accepts just that one; then the panel buttons.
    fac = browsers("facilitator", width=1366, height=768)
    fac.go(f"{srv.base}/")
    fac.js("localStorage.setItem('gmb.lang', 'en')")
    fac.go(f"{srv.base}/f#key={links['facilitator']}")
    fac.ready()
    fac.wait("document.querySelector('#list-variables input.pick-box')", timeout=10)
    waiting = fac.js("return gmb.state.variables.filter(v => !v.accepted_by).length")
    ticked = fac.js(
        "const b = document.querySelector('#list-variables input.pick-box'); b.click(); return b.closest('li').dataset.id"
    )
    fac.click("#btn-accept-selected")
    fac.wait("gmb.state.variables.find(v => v.id === arguments[0]).accepted_by", ticked, timeout=10)
    assert fac.js("return gmb.state.variables.filter(v => !v.accepted_by).length") == waiting - 1
    fac.click("#projector-controls [data-panel-choice=ideas]")
    proj.wait("gmb.state.projector.panel === 'ideas'", timeout=10)
    proj.js("gmb.cyclePanel()")  # the automatic paging no longer moves it on
    whole = proj.js("return gmb.network.getScale()")  # the whole map in view
    assert proj.js(shown) == ["ideas"]
    n = proj.js("return gmb.state.loops.items.length")
    assert n >= 1
    want = min(1, n - 1)
    fac.click("#projector-controls [data-step='1']")  # "Next loop": from loop 0 to loop 1 (of n)
    proj.wait("gmb.state.projector.panel === 'loops' && gmb.zoomed", timeout=10)
    assert proj.js(shown) == ["loops"]
    assert proj.text("#panel-loop-count").startswith(f"{want + 1} / ")
    # Every variable of the shown loop is wholly inside the map, and the view zoomed in on them.
    outside = proj.js("""
        const loop = gmb.state.loops.items[arguments[0]];
        const box = document.getElementById('map').getBoundingClientRect();
        return loop.variables.filter(id => {
            const b = gmb.network.getBoundingBox(id);
            const a = gmb.network.canvasToDOM({x: b.left, y: b.top}), z = gmb.network.canvasToDOM({x: b.right, y: b.bottom});
            return !(a.x >= 0 && a.y >= 0 && z.x <= box.width && z.y <= box.height);
        });""", want)  # fmt: skip
    assert outside == []
    # …and the view is fitted to them, not to the whole map: their larger side spans at least half the map, or
    # (a short loop) the view zoomed in to the cap (twice the drawn size, less a margin).
    span = proj.js("""
        const loop = gmb.state.loops.items[arguments[0]];
        const box = document.getElementById('map').getBoundingClientRect();
        const pts = loop.variables.flatMap(id => { const b = gmb.network.getBoundingBox(id);
            return [gmb.network.canvasToDOM({x: b.left, y: b.top}), gmb.network.canvasToDOM({x: b.right, y: b.bottom})]; });
        const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
        return Math.max((Math.max(...xs) - Math.min(...xs)) / box.width, (Math.max(...ys) - Math.min(...ys)) / box.height);""", want)  # fmt: skip
    scale = proj.js("return gmb.network.getScale()")
    assert scale > whole and (span >= 0.5 or abs(scale - 2 * 0.9) < 1e-6), (span, scale, whole)
    assert proj.js("return gmb.network.getSelectedNodes().length") == len(
        proj.js("return gmb.state.loops.items[arguments[0]].variables", want)
    )
    table = strings()
    assert foreign(proj, table["en"], table["da"]) == []
    assert foreign(fac, table["da"], table["en"]) == []
    clean(proj, srv.base)
    clean(fac, srv.base)
