"""Watch it travel on gmb serve's own pages (issue 15, item 2): the facilitator clicks a variable and "Push and
play", or picks an idea and "Switch on and play"; the animation plays on the facilitator's map and, through the
room's projector setting, on the projector. Nothing is injected: the pages load animate.js and travel.js
themselves; the test only clicks, presses keys and reads what the map's nodes hold at a frame, which must equal
the medians GET /api/s/{sid}/animate answers."""

from __future__ import annotations

import pytest

pytest.importorskip("httpx")
pytest.importorskip("selenium")
from serve_support import Server
from test_serve_browser import Browser
from views_browser import browser_missing

VAR = "belonging"
FRAME = 6


@pytest.fixture
def room(tmp_path):
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), "havndal")
    links = srv.start()
    people = []
    try:
        yield srv, links, people
    finally:
        for b in people:
            b.quit()
        srv.stop()


def _open(srv, people, name, path, key, **kw) -> Browser:
    b = Browser(name, **kw)
    people.append(b)
    b.go(f"{srv.base}{path}#key={key}")
    b.ready()
    b.wait("gmb.nodes && gmb.nodes.length > 40 && gmb.settledAt > 0", timeout=30)
    return b


def _click_node(b: Browser, node: str) -> None:
    """A real click on the variable where the map draws it (the view first moved onto it, as a user would)."""
    from selenium.webdriver.common.action_chains import ActionChains

    b.js("document.getElementById('map').scrollIntoView({block: 'center'});"
         "const p = gmb.network.getPositions([arguments[0]])[arguments[0]];"
         "gmb.network.moveTo({position: p, scale: 1, animation: false})", node)  # fmt: skip
    x, y = b.js("const p = gmb.network.getPositions([arguments[0]])[arguments[0]], d = gmb.network.canvasToDOM(p),"
                " r = document.getElementById('map').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]", node)  # fmt: skip
    if b.js("return 'ontouchstart' in window"):  # a phone: a tap (touch events through DevTools)
        # a touch is in the screen's pixels: the page may be drawn zoomed out to fit (visualViewport.scale)
        x, y = b.js("const v = visualViewport; return [(arguments[0] - v.offsetLeft) * v.scale,"
                    " (arguments[1] - v.offsetTop) * v.scale]", x, y)  # fmt: skip
        for kind in ("touchStart", "touchEnd"):
            points = [{"x": x, "y": y}] if kind == "touchStart" else []
            b.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    else:
        chain = ActionChains(b.driver)
        chain.w3c_actions.pointer_action.move_to_location(int(x), int(y)).click()
        chain.perform()
    b.wait("gmb.network.getSelectedNodes()[0] === arguments[0]", node)


def _to_frame(b: Browser, i: int) -> None:
    """The animation panel's own slider, by keyboard: Home, then i steps right."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    slider = b.driver.find_element(By.ID, "gmb-anim-slider")
    slider.send_keys(Keys.HOME + Keys.ARROW_RIGHT * i)
    b.wait("window.gmbAnimStep === arguments[0]", i)


def _node_values(b: Browser, names) -> dict:
    return b.js("return Object.fromEntries(arguments[0].map(v => [v, gmb.nodes.get(v).animValue]))", list(names))


def test_push_and_switch_on_play_on_the_facilitator_and_the_projector(room):
    import httpx

    srv, links, people = room
    fac = _open(srv, people, "facilitator", "/f", links["facilitator"])
    proj = _open(srv, people, "projector", "/v", links["viewer"])
    sid = fac.js("return gmb.me.session")
    assert fac.js("return typeof GmbAnimate") == "object" and proj.js("return typeof GmbAnimate") == "object"
    assert "gmb-anim" not in fac.driver.page_source  # nothing plays before someone asks

    # -- a clicked variable offers "Push and play" (desktop: under the map), in the page's language ---------
    _click_node(fac, VAR)
    fac.wait("!document.getElementById('btn-travel-push').hidden")
    assert fac.js("return document.getElementById('btn-travel-push').textContent") == "Push and play"
    idea = fac.js("return document.getElementById('travel-idea').value")
    assert idea
    fac.js("document.getElementById('btn-travel-push').click()")
    fac.wait("window.gmbAnimShowing === arguments[0]", "push:" + VAR, timeout=90)
    anim = httpx.get(f"{srv.base}/api/s/{sid}/animate", params={"scenario": idea},
                     headers={"Authorization": f"Bearer {links['viewer']}"}, timeout=90).json()  # fmt: skip
    it = anim["pushes"]["items"][VAR]
    moved = [v for v, q in it["q"].items() if any(q)]
    assert VAR in moved and len(moved) > 1  # the push travels beyond the variable pushed
    want = {v: it["q"][v][FRAME] * it["step"] for v in moved}
    _to_frame(fac, FRAME)
    assert _node_values(fac, want) == pytest.approx(want, abs=1e-12)
    assert fac.js("return Object.keys(window.gmbPulse).length") > 0  # links carry it (signs from the session state)

    # -- the projector plays the facilitator's choice (room setting through the feed) -----------------------
    proj.wait("window.gmbTravelPlaying === arguments[0]", f"{idea} push:{VAR}", timeout=30)
    _to_frame(proj, FRAME)
    assert _node_values(proj, want) == pytest.approx(want, abs=1e-12)

    # -- "Switch on and play": the idea itself, on both ----------------------------------------------------
    fac.js("document.getElementById('btn-travel-idea').click()")
    fac.wait("window.gmbAnimShowing === 'idea'")
    proj.wait("window.gmbTravelPlaying === arguments[0]", f"{idea} idea", timeout=30)
    want = {
        v: c[FRAME] for v, c in anim["change"].items() if any(c) and fac.js("return !!gmb.nodes.get(arguments[0])", v)
    }
    assert want
    for b in (fac, proj):
        _to_frame(b, FRAME)
        assert _node_values(b, want) == pytest.approx(want, abs=1e-12)

    # -- in Danish, then stopped: the map's own colours come back, and the projector stops too --------------
    fac.js("const s = document.getElementById('lang'); s.value = 'da'; s.dispatchEvent(new Event('change'))")
    assert fac.js("return document.getElementById('btn-travel-idea').textContent") == "Slå til og afspil"
    assert fac.js("return document.getElementById('gmb-anim-what-word').textContent") == "Afspil"  # the panel too
    fac.js("document.getElementById('btn-travel-stop').click()")
    fac.wait("!document.getElementById('gmb-anim')")
    proj.wait("window.gmbTravelPlaying === null && !document.getElementById('gmb-anim')", timeout=30)
    assert fac.js("return gmb.nodes.get(arguments[0]).animValue", VAR) is None
    for b in people:
        assert b.problems() == []  # no CSP refusal, no script error
        network = [u for u in b.requests if u.startswith(("http:", "https:", "ws:", "wss:"))]
        assert network and all(u.startswith(srv.base) for u in network), network  # no network beyond the server


def test_a_phone_offers_push_and_play_in_the_variable_sheet(room):
    srv, links, people = room
    fac = _open(srv, people, "phone", "/f", links["facilitator"], width=390, height=844, phone=True)
    fac.js("const s = document.getElementById('lang'); s.value = 'da'; s.dispatchEvent(new Event('change'))")
    _click_node(fac, VAR)
    fac.wait("gmb.sheet && !gmb.sheet.el.hidden && !!gmb.sheet.el.querySelector('.gmb-sheet-action')")
    button = fac.js("return gmb.sheet.el.querySelector('.gmb-sheet-action').textContent")
    assert button.startswith("Skub og afspil")
    assert fac.js("return document.getElementById('btn-travel-push').hidden")  # the sheet, not the desktop bar
    fac.js("gmb.sheet.el.querySelector('.gmb-sheet-action').click()")
    fac.wait("window.gmbAnimShowing === arguments[0]", "push:" + VAR, timeout=90)
    assert fac.js("return gmb.sheet.el.hidden")
    assert fac.js("return document.getElementById('gmb-anim-title').textContent").startswith("Skub")
