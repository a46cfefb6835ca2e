"""The map and the report in a real browser: headless Chromium, opened from file://, network off.

Needs Debian's chromium + chromium-driver (``.ci/setup-browser.sh``) and selenium; skipped with
the reason otherwise. Screenshots go to ``$GMB_ARTIFACTS_DIR`` (default: ``gmb-test-artifacts`` in the system's temporary folder).
"""

from __future__ import annotations

import time

import pytest
from views_browser import browser_missing, chromium, open_page
from views_sessions import HOSTILE, small_session

from gmb.cld import to_graph
from gmb.views.map import write_map
from gmb.views.report import write_report

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")


@pytest.fixture(scope="module")
def driver():
    with chromium() as d:
        yield d


@pytest.fixture
def page(driver):
    """Open a file and hand back the Page; asserts afterwards that nothing went to the network."""
    opened = []

    def _open(path):
        p = open_page(driver, path)
        opened.append(p)
        return p

    yield _open
    for p in opened:
        p.collect()
        assert p.remote_requests() == [], "the page asked for something outside the file"


def _people(s):
    return {p.id: p.name for p in s.participants}


def test_map_opens_offline_with_every_variable_and_link(page, tmp_path):
    s = small_session()
    path = write_map(to_graph(s), tmp_path / "kort.html", ideas=True, people=_people(s))
    p = page(path)
    p.wait_for("window.gmbStable")
    nodes = p.js("return network.body.data.nodes.length")
    edges = p.js("return network.body.data.edges.length")
    n_targets = sum(len(i.targets) for i in s.ideas)
    assert (nodes, edges) == (len(s.variables) + len(s.ideas), len(s.links) + n_targets)
    # after stabilisation physics is off: nothing moves any more
    before = p.js("return network.getPositions()")
    time.sleep(0.4)
    assert p.js("return network.getPositions()") == before
    assert p.js("return network.physics.options.enabled") is False
    legend = p.js("return document.querySelector('#gmb-legend').textContent")
    for text in (
        "Forklaring",
        "Pile",
        "+ samme retning",
        "− modsat retning",
        "forsinkelse",
        "beholdning",
        "Mental sundhed",
    ):
        assert text in legend
    p.screenshot("map_small_da.png")
    assert p.collect().errors() == []


def test_map_language_switch_in_the_page(page, tmp_path):
    path = write_map(to_graph(small_session()), tmp_path / "kort.html", lang="da")
    p = page(path)
    p.wait_for("window.gmbStable")
    assert p.js("return nodes.get('ensomhed').label") == "Ensomhed"
    p.js("var s = document.getElementById('gmb-lang'); s.value = 'en'; s.dispatchEvent(new Event('change'));")
    assert p.js("return nodes.get('ensomhed').label") == "Loneliness"
    assert p.js("return nodes.get('frivillige').label") == "Volunteers"


def test_hostile_labels_are_text_and_run_nothing(page, driver, tmp_path):
    s = small_session(hostile=True)
    path = write_map(to_graph(s), tmp_path / "evil.html", ideas=True, people=_people(s))
    p = page(path)
    p.wait_for("window.gmbStable")
    assert p.js("return window.gmbPwned") is None
    assert p.js("return document.getElementById('gmb-title').textContent") == HOSTILE[0]
    assert p.js("return document.querySelectorAll('img').length") == 0
    assert p.js("return document.querySelectorAll('script').length") == 2
    assert p.js("return nodes.get('evil1').label") == HOSTILE[1]
    # hover the node whose label contains "href" (pyvis's own template would switch to innerHTML)
    from selenium.webdriver.common.action_chains import ActionChains

    container = driver.find_element("id", "mynetwork")
    p.js("network.moveTo({scale: 1.0, position: network.getPositions(['evil0'])['evil0']})")
    time.sleep(0.3)
    xy = p.js(
        "var c = network.canvasToDOM(network.getPositions(['evil0'])['evil0']);"
        "var r = document.getElementById('mynetwork').getBoundingClientRect();"
        "return [c.x - r.width / 2, c.y - r.height / 2];"
    )
    ActionChains(driver).move_to_element_with_offset(container, int(xy[0]), int(xy[1])).pause(0.6).perform()
    tip = p.wait_for("(function(){var t = document.querySelector('.vis-tooltip');"
                     "return t && t.style.visibility === 'visible' ? t : null;})()", timeout=5)  # fmt: skip
    assert HOSTILE[0] in tip.text
    # text, not markup: innerText turns newlines into <br>, and nothing else becomes an element
    tags = p.js("return Array.from(document.querySelector('.vis-tooltip').children).map(function(c){return c.tagName})")
    assert set(tags) <= {"BR"}
    p.screenshot("map_hostile_tooltip.png")
    assert p.js("return window.gmbPwned") is None
    assert p.collect().errors() == []


def test_circle_layout_with_a_highlighted_loop(page, tmp_path):
    s = small_session()
    path = write_map(to_graph(s), tmp_path / "cirkel.html", layout="circle", loop=["frivillige", "udbraendthed"],
                     lang="en", ideas=True)  # fmt: skip
    p = page(path)
    p.wait_for("window.gmbStable")
    radii = p.js(
        "var pos = network.getPositions(); return Object.keys(pos).filter(function(k){return k.indexOf('idea ') !== 0})"
        ".map(function(k){return Math.round(Math.hypot(pos[k].x, pos[k].y))});"
    )
    assert max(radii) - min(radii) <= 2 and len(radii) == len(s.variables)  # vis rounds positions to pixels
    assert "Highlighted loop" in p.js("return document.querySelector('.hl').innerText")
    p.screenshot("map_circle_loop_en.png")
    assert p.collect().errors() == []


def test_report_opens_offline_with_the_map_embedded(page, driver, tmp_path):
    s = small_session(hostile=True)
    files = write_report(s, tmp_path / "reports" / "evil", models_dir=tmp_path / "models", name="evil")
    p = page(files.index)
    assert p.js("return window.gmbPwned") is None
    assert p.js("return document.querySelector('h1').textContent") == s.title
    assert "udforskende" in p.js("return document.getElementById('caveat').innerText")
    assert p.js("return document.querySelectorAll('script').length") == 0
    frame = driver.find_element("id", "map-frame")
    driver.switch_to.frame(frame)
    try:
        p.wait_for("window.gmbStable")
        n_targets = sum(len(i.targets) for i in s.ideas)
        assert p.js("return [network.body.data.nodes.length, network.body.data.edges.length]") == [
            len(s.variables) + len(s.ideas), len(s.links) + n_targets,
        ]  # fmt: skip
        assert p.js("return window.gmbPwned") is None
    finally:
        driver.switch_to.default_content()
    height = p.js("return document.body.scrollHeight")
    driver.set_window_size(1200, min(height + 80, 7000))
    time.sleep(0.3)
    p.screenshot("report_hostile_da.png")
    driver.set_window_size(1400, 900)
    assert p.js("return window.gmbPwned") is None
    assert p.collect().errors() == []
    # the linked full-screen map works too
    q = page(files.map)
    q.wait_for("window.gmbStable")
    assert q.collect().errors() == []


def test_an_empty_map_still_opens(page, tmp_path):
    from gmb.session.model import Session

    p = page(write_map(to_graph(Session(title="Tom")), tmp_path / "tom.html"))
    p.wait_for("window.gmbStable", timeout=5)
    assert p.js("return network.body.data.nodes.length") == 0
    assert p.collect().errors() == []
