"""A workshop in a real headless Chromium: a facilitator, two participants on phones, and the projector.

Needs the Debian packages chromium (``/usr/bin/chromium``) and the Python package playwright; it never
downloads a browser. The projector screenshot goes to ``artifacts/serve-projector.png``.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
httpx = pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_support import ROOT, H, Server, write_session  # noqa: E402

CHROMIUM = os.environ.get("GMB_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
HOSTILE = '<img src=x onerror="window.__pwned=1">Skærm<script>window.__pwned=2</script>'


@pytest.fixture
def browser(tmp_path):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; see .ci/setup-browser.sh)")
    with sync_api.sync_playwright() as p:
        # Playwright gives every launch a fresh, temporary profile (its --user-data-dir).
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(write_session(tmp_path, 0, "Havndal i browseren")))
    links = srv.start()
    yield srv, links
    srv.stop()


class Page:
    """A page plus every console error and uncaught exception it produced."""

    def __init__(self, browser, name: str, **context) -> None:
        self.name = name
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"{name}: {exc}"))
        self.page.on("console", lambda m: self.problems.append(f"{name}: {m.text}") if m.type == "error" else None)
        self.page.on("dialog", lambda d: self.problems.append(f"{name}: dialog {d.message}"))  # an alert() = XSS

    def wait(self, expression: str, arg=None, timeout: float = 5.0) -> float:
        """Seconds until ``expression`` (a JS function of ``arg``) is true in the page.

        Polled from here: Playwright's own wait_for_function compiles code inside the page, which the
        app's Content-Security-Policy (rightly) forbids.
        """
        t0 = time.perf_counter()
        while not self.page.evaluate(expression, arg):
            if time.perf_counter() - t0 > timeout:
                raise AssertionError(f"{self.name}: still not true after {timeout} s: {expression} {arg!r}")
            time.sleep(0.05)
        return time.perf_counter() - t0

    def ready(self) -> None:
        self.wait("() => !!(window.gmb && window.gmb.state)", timeout=10)

    def texts(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")

    def wait_text(self, selector: str, text: str, timeout: float = 5.0) -> float:
        """Seconds until an element matching ``selector`` contains ``text``."""
        return self.wait(
            "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.textContent.includes(text))",
            [selector, text], timeout,
        )


def test_a_workshop_in_three_browsers(server, browser):
    srv, links = server
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    fac = Page(browser, "facilitator", viewport={"width": 1280, "height": 900})
    p1, p2 = Page(browser, "p1", **phone), Page(browser, "p2", **phone)

    fac.page.goto(f"{srv.base}/f#key={links['facilitator']}")
    fac.ready()
    assert "#key" not in fac.page.url  # the key left the address bar at once
    assert fac.page.text_content("#join-code") == links["code"]
    for page, name in ((p1, "Ada"), (p2, "Bo Ærlig")):
        page.page.goto(f"{srv.base}/#code={links['code']}")
        assert page.page.input_value("#join-code") == links["code"]
        page.page.fill("#join-name", name)
        page.page.click("#form-join button[type=submit]")
        page.page.wait_for_url(f"{srv.base}/p")
        page.ready()
        assert page.page.text_content("#whoami") == name

    # Participants add variables from their phones; everyone sees them.
    p1.page.fill("#var-label", "Søvn")
    p1.page.click("#form-var button")
    p2.page.fill("#var-label", "Trivsel")
    p2.page.click("#form-var button")
    p1.page.fill("#var-label", HOSTILE)
    p1.page.click("#form-var button")
    for page in (fac, p1, p2):
        for label in ("Søvn", "Trivsel", HOSTILE):
            page.wait_text("#list-variables .label", label)

    # Links with polarity, delay and strength, chosen in the forms.
    p2.page.select_option("#link-cause", label="Søvn")
    p2.page.select_option("#link-effect", label="Trivsel")
    p2.page.check("#form-link input[name=polarity][value='+']")
    p2.page.select_option("#link-strength", "strong")
    t_sent = time.perf_counter()
    p2.page.click("#form-link button[type=submit]")
    seen_after = fac.wait_text("#list-links .label", "Søvn → Trivsel")
    print(f"\nfacilitator's page showed a participant's link {time.perf_counter() - t_sent:.2f} s after the click")
    p1.page.select_option("#link-cause", label=HOSTILE)
    p1.page.select_option("#link-effect", label="Søvn")
    p1.page.check("#form-link input[name=polarity][value='-']")
    p1.page.check("#link-delay")
    p1.page.click("#form-link button[type=submit]")
    for page in (fac, p1, p2):
        page.wait_text("#list-links .label", "Søvn → Trivsel  (+)")
        page.wait_text("#list-links .label", HOSTILE + " → Søvn  (−, ‖)")
        page.wait("() => gmb.nodes && gmb.nodes.length === 3 && gmb.edges.length === 2")
    assert seen_after < 3.0

    # The hostile label is text everywhere: no element was made from it, no script ran.
    for page in (fac, p1, p2):
        assert page.page.evaluate("window.__pwned") is None
        assert page.page.evaluate("document.querySelectorAll('main img, main script').length") == 0
        assert HOSTILE in page.texts("#list-variables .label")

    # Support, votes, accepting and moving on: the participants' pages follow.
    sleep_link = p1.page.evaluate("() => gmb.state.links.find(l => l.polarity === '+').id")
    p1.page.click(f"#list-links li[data-id='{sleep_link}'] button.support")
    fac.wait_text("#list-links li", "Agree (1)")
    fac.page.fill("#idea-label", "Skærmfri aftener")
    fac.page.select_option("#idea-target", label=HOSTILE)
    fac.page.select_option("#idea-direction", "-")
    fac.page.click("#form-idea button[type=submit]")
    p2.wait_text("#list-ideas .label", "Skærmfri aftener")
    p2.page.click("#list-ideas li button.vote")
    fac.wait_text("#list-ideas .votes", "1")
    fac.page.click("#list-variables li[data-id='søvn'] button:has-text('Accept')")
    p1.wait("() => gmb.state.variables.some(v => v.accepted_by)")
    fac.page.click("#stages button:has-text('W1')")
    p2.wait_text("#stage", "W1")
    p1.wait_text("#stage", "W1")

    # The projector: big letters, the map, loops and ideas; saved for people to look at.
    key = httpx.post(f"{srv.base}/api/s/load/keys", json={"role": "viewer"}, headers=H(links["facilitator"])).json()["key"]
    proj = Page(browser, "projector", viewport={"width": 1920, "height": 1080})
    proj.page.goto(f"{srv.base}/v#key={key}")
    proj.ready()
    proj.wait_text("#list-ideas .label", "Skærmfri aftener")
    assert proj.page.text_content("#join-code") == links["code"]
    assert float(proj.page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 24
    assert proj.page.evaluate("window.__pwned") is None
    p2.page.fill("#var-label", "Motion")
    p2.page.click("#form-var button")
    proj.wait("() => gmb.nodes.length === 4")  # live on the projector too
    proj.page.wait_for_timeout(1500)  # let the layout settle before the picture
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "serve-projector.png"
    proj.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000

    # The phone view fits a phone: nothing wider than the screen.
    for page in (p1, p2):
        assert page.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    problems = [x for page in (fac, p1, p2, proj) for x in page.problems]
    assert problems == []  # no script error, no CSP violation, no alert()


def test_a_new_session_from_the_web_page_in_danish(server, browser):
    srv, links = server
    page = Page(browser, "new", viewport={"width": 1280, "height": 900})
    page.page.goto(f"{srv.base}/new#admin={links['admin']}")
    page.wait("() => document.getElementById('lang').options.length > 0")  # the script has started
    assert "#admin" not in page.page.url
    page.page.select_option("#lang", "da")
    assert page.page.text_content("h1") == "Ny session"
    page.page.fill("#new-title", "Børnenes by <b>fed</b>")
    page.page.fill("#new-facilitator", "Karen")
    page.page.click("#form-new button[type=submit]")
    page.wait("() => !document.getElementById('new-result').hidden")
    code = page.page.text_content("#new-code")
    assert len(code) == 6
    page.page.click("#new-open")
    page.page.wait_for_url(f"{srv.base}/f")
    page.ready()
    assert page.page.text_content("#title") == "Børnenes by <b>fed</b>"  # text, not markup
    assert page.page.text_content("#whoami") == "Karen"
    assert page.page.text_content("#join-code") == code
    assert page.page.text_content("#sec-add-var h2, h2[data-t=add_variable]") == "Tilføj en variabel"
    assert page.problems == []
