"""A workshop in real headless Chromium: a facilitator, two participants on phones, and the projector.

Uses Debian's chromium and chromium-driver through selenium (``.ci/setup-browser.sh`` installs
them); each person gets their own browser with a fresh profile. Nothing is downloaded. The
projector screenshot goes to ``$GMB_ARTIFACTS_DIR/serve-projector.png`` (default: a temporary folder).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_support import H, Server, write_session
from views_browser import ARTIFACTS, read_logs, start_chromium

HOSTILE = '<img src=x onerror="window.__pwned=1">Skærm<script>window.__pwned=2</script>'
PHONE = {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": True, "mobile": True}}


class Browser:
    """One person's Chromium (fresh profile), with its console and every URL it asked for."""

    def __init__(self, name: str, *, width: int = 1280, height: int = 900, phone: bool = False) -> None:
        self.name = name
        self.profile = tempfile.mkdtemp(prefix="gmb-serve-chromium-")
        self.driver = start_chromium(self.profile, width=width, height=height, mobile=PHONE if phone else None)
        self.console: list[dict] = []
        self.requests: list[str] = []

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def go(self, url: str) -> None:
        if not self.console and not self.requests:  # drop what the browser's own start page logged
            self.driver.get_log("browser")
            self.driver.get_log("performance")
        self.driver.get(url)

    def js(self, script: str, *args):
        # WebDriver runs this through DevTools, outside the page's Content-Security-Policy.
        return self.driver.execute_script(script, *args)

    def wait(self, script: str, *args, timeout: float = 5.0) -> float:
        """Seconds until ``return <script>`` is truthy."""
        t0 = time.perf_counter()
        while not self.js("return " + script, *args):
            if time.perf_counter() - t0 > timeout:
                raise AssertionError(f"{self.name}: still not true after {timeout} s: {script} {args!r}")
            time.sleep(0.05)
        return time.perf_counter() - t0

    def ready(self) -> None:
        # the state has arrived *and* been drawn (the page draws at most once a frame, after the state is set)
        self.wait("!!(window.gmb && window.gmb.state) && window.gmb.drawn === window.gmb.refreshes", timeout=15)

    def wait_text(self, selector: str, text: str, timeout: float = 5.0) -> float:
        return self.wait("[...document.querySelectorAll(arguments[0])].some(e => e.textContent.includes(arguments[1]))",
                         selector, text, timeout=timeout)  # fmt: skip

    def texts(self, selector: str) -> list[str]:
        return self.js("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", selector)

    def text(self, selector: str) -> str:
        return self.js("return document.querySelector(arguments[0]).textContent", selector)

    def el(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def fill(self, selector: str, text: str) -> None:
        box = self.el(selector)
        box.clear()
        box.send_keys(text)

    def _fresh(self, act) -> None:
        """Do ``act`` again on a re-found element when a live update re-drew the list under it.

        Live pages re-render lists when another screen's change arrives; a person would simply tap
        the new element, so the test looks it up again (at most three times) instead of failing.
        """
        from selenium.common.exceptions import StaleElementReferenceException

        for attempt in range(3):
            try:
                return act()
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
                time.sleep(0.1)

    def click(self, selector: str) -> None:
        self._fresh(lambda: self.el(selector).click())

    def choose(self, selector: str, *, label: str | None = None, value: str | None = None) -> None:
        from selenium.webdriver.support.select import Select

        def act():
            select = Select(self.el(selector))
            select.select_by_visible_text(label) if label is not None else select.select_by_value(value)

        self._fresh(act)

    def collect(self) -> Browser:
        console, requests = read_logs(self.driver)
        self.console += console
        self.requests += requests
        return self

    def problems(self) -> list[str]:
        self.collect()
        return [f"{self.name}: {m['message']}" for m in self.console if m.get("level") == "SEVERE"]


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(write_session(tmp_path, 0, "Havndal i browseren")))
    links = srv.start()
    yield srv, links
    srv.stop()


def pick(page: Browser, end: str, label: str) -> None:
    """Choose a link end with the search picker: type the start of the label, tap the match."""
    page.fill(f"#link-{end}-q", label[:4])
    page.wait(
        "[...document.querySelectorAll(arguments[0])].some(b => b.textContent === arguments[1])",
        f"#link-{end}-list button",
        label,
    )
    page.js(
        "[...document.querySelectorAll(arguments[0])].find(b => b.textContent === arguments[1]).click()",
        f"#link-{end}-list button",
        label,
    )


def test_a_workshop_in_three_browsers(server, browsers):
    srv, links = server
    fac = browsers("facilitator")
    p1, p2 = browsers("p1", phone=True), browsers("p2", phone=True)

    fac.go(f"{srv.base}/f#key={links['facilitator']}")
    fac.ready()
    assert "#key" not in fac.driver.current_url  # the key left the address bar at once
    assert fac.text("#join-code") == links["code"]
    for page, name in ((p1, "Ada"), (p2, "Bo Ærlig")):
        page.go(f"{srv.base}/#code={links['code']}")
        page.wait("document.getElementById('join-code').value === arguments[0]", links["code"])
        page.fill("#join-name", name)
        page.click("#form-join button[type=submit]")
        page.wait("location.pathname === '/p'")
        page.ready()
        assert page.text("#whoami") == name

    # Participants add variables from their phones; everyone sees them.
    for page, label in ((p1, "Søvn"), (p2, "Trivsel"), (p1, HOSTILE)):
        page.fill("#var-label", label)
        page.click("#form-var button")
        page.wait_text("#list-variables .label", label)
    for page in (fac, p1, p2):
        for label in ("Søvn", "Trivsel", HOSTILE):
            page.wait_text("#list-variables .label", label)

    # Links with polarity, delay and strength, chosen in the forms.
    pick(p2, "cause", "Søvn")
    pick(p2, "effect", "Trivsel")
    p2.click("#form-link input[name=polarity][value='+']")
    p2.choose("#link-strength", value="strong")
    t_sent = time.perf_counter()
    p2.click("#form-link button[type=submit]")
    fac.wait_text("#list-links .label", "Søvn → Trivsel")
    seen_after = time.perf_counter() - t_sent
    print(f"\nthe facilitator's page showed a participant's link {seen_after:.2f} s after the click")
    pick(p1, "cause", HOSTILE)
    pick(p1, "effect", "Søvn")
    p1.click("#form-link input[name=polarity][value='-']")
    p1.click("#link-delay")
    p1.click("#form-link button[type=submit]")
    for page in (fac, p1, p2):
        page.wait_text("#list-links .label", "Søvn → Trivsel  (+)")
        page.wait_text("#list-links .label", HOSTILE + " → Søvn  (−, ‖)")
        page.wait("gmb.nodes && gmb.nodes.length === 3 && gmb.edges.length === 2")
    assert seen_after < 3.0
    strong = fac.js("return gmb.state.links.find(l => l.polarity === '+')")
    assert strong["strength"] == "strong" and strong["proposed_by"] == p2.js("return gmb.me.participant")

    # The hostile label is text everywhere: no element was made from it, no script ran.
    for page in (fac, p1, p2):
        assert page.js("return window.__pwned") is None
        assert page.js("return document.querySelectorAll('main img, main script').length") == 0
        assert HOSTILE in page.texts("#list-variables .label")

    # Support, votes, accepting and moving on: the participants' pages follow.
    link = p1.js("return gmb.state.links.find(l => l.polarity === '+').id")
    p1.click("nav.tabs button[data-show=map]")  # the phone page shows one section at a time
    p1.click(f"#list-links li[data-id='{link}'] button.support")
    fac.wait_text(f"#list-links li[data-id='{link}']", "(1)")
    fac.fill("#idea-label", "Skærmfri aftener")
    fac.choose("#idea-target", label=HOSTILE)
    fac.choose("#idea-direction", value="-")
    fac.click("#form-idea button[type=submit]")
    p2.wait_text("#list-ideas .label", "Skærmfri aftener")
    p2.click("nav.tabs button[data-show=vote]")
    p2.click("#list-ideas li button.vote")
    fac.wait_text("#list-ideas .votes", "1")
    # The working group answers the idea's dose questions on a phone; everyone sees the answer.
    p2.click("#list-ideas li button.dose")
    p2.wait("document.getElementById('dose').open")
    for field, value in (("#dose-reach-low", "0.3"), ("#dose-reach-nominal", "0.5"), ("#dose-reach-high", "0.7"),
                         ("#dose-intensity-nominal", "0.2"), ("#dose-lag", "6")):  # fmt: skip
        p2.fill(field, value)
    p2.click("#form-dose button[type=submit]")
    p2.wait("!document.getElementById('dose').open || document.getElementById('toast').className.includes('bad')")
    assert not p2.js("return document.getElementById('toast').className.includes('bad')"), p2.text("#toast")
    fac.wait("gmb.state.ideas.some(i => i.dose && i.dose.reach.nominal === 0.5 && i.dose.lag === 6)")
    fac.wait_text("#list-ideas .dose", "d = reach 0.5 [0.3–0.7] × intensity 0.2 = 0.1")
    fac.click("#list-variables li[data-id='søvn'] button")  # the first button of an unaccepted item: Accept
    p1.wait("gmb.state.variables.some(v => v.id === 'søvn' && v.accepted_by)")
    fac.js("[...document.querySelectorAll('#stages button')].find(b => b.textContent.startsWith('W1')).click()")
    p2.wait_text("#stage", "W1")
    p1.wait_text("#stage", "W1")

    # The projector: big letters, the map, loops and ideas; live; saved for people to look at.
    key = httpx.post(f"{srv.base}/api/s/load/keys", json={"role": "viewer"}, headers=H(links["facilitator"])).json()[
        "key"
    ]
    proj = browsers("projector", width=1920, height=1080)
    proj.go(f"{srv.base}/v#key={key}")
    proj.ready()
    proj.wait_text("#list-ideas .label", "Skærmfri aftener")
    assert proj.text("#join-code") == links["code"]
    assert float(proj.js("return getComputedStyle(document.body).fontSize").rstrip("px")) >= 24
    p2.click("nav.tabs button[data-show=add]")
    p2.fill("#var-label", "Motion")
    p2.click("#form-var button")
    proj.wait("gmb.nodes.length === 4")  # live on the projector too
    assert proj.js("return window.__pwned") is None
    time.sleep(1.5)  # let the layout settle before the picture
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "serve-projector.png"
    proj.driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 20_000

    # The phone view fits a phone: nothing wider than the screen.
    for page in (p1, p2):
        assert page.js("return window.innerWidth") == 390
        assert page.js("return document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The facilitator revokes a shared link from the "Keys and links" panel: it stops working at once.
    spare = httpx.post(f"{srv.base}/api/s/load/keys", json={"role": "viewer"}, headers=H(links["facilitator"])).json()
    assert httpx.get(f"{srv.base}/api/me", headers=H(spare["key"])).status_code == 200
    fac.js("window.confirm = () => true")
    fac.click("#btn-keys")
    spare_id = spare["key"].split(".")[0]
    fac.wait("!!document.querySelector(`#list-keys li[data-key='${arguments[0]}'] button`)", spare_id)
    fac.click(f"#list-keys li[data-key='{spare_id}'] button")  # its first button: Revoke
    fac.wait("!document.querySelector(`#list-keys li[data-key='${arguments[0]}']`)", spare_id)
    assert httpx.get(f"{srv.base}/api/me", headers=H(spare["key"])).status_code == 401
    assert httpx.get(f"{srv.base}/api/me", headers=H(key)).status_code == 200  # the projector's own link still works

    # No script error or CSP violation anywhere, and nothing fetched from anywhere but the server.
    everyone = (fac, p1, p2, proj)
    assert [x for b in everyone for x in b.problems()] == []
    network = [u for b in everyone for u in b.requests if u.startswith(("http:", "https:", "ws:", "wss:"))]
    assert network and all(u.startswith(srv.base + "/") for u in network), set(network)
    assert any(u.endswith("/static/vis-network.min.js") for u in network)


def test_a_new_session_from_the_web_page_in_danish(server, browsers):
    srv, links = server
    page = browsers("new")
    page.go(f"{srv.base}/new#admin={links['admin']}")
    page.wait("document.getElementById('lang').options.length > 0")  # the script has started
    assert "#admin" not in page.driver.current_url
    page.choose("#lang", value="da")
    assert page.text("h1") == "Ny session"
    page.fill("#new-title", "Børnenes by <b>fed</b>")
    page.fill("#new-facilitator", "Karen")
    page.click("#form-new button[type=submit]")
    page.wait("!document.getElementById('new-result').hidden")
    code = page.text("#new-code")
    assert len(code) == 6
    page.click("#new-open")
    page.wait("location.pathname === '/f'")
    page.ready()
    assert page.text("#title") == "Børnenes by <b>fed</b>"  # text, not markup
    assert page.text("#whoami") == "Karen"
    assert page.text("#join-code") == code
    assert page.text("h2[data-t=add_variable]") == "Tilføj en variabel"
    assert page.problems() == []
