"""The what-if page in Chromium: moving a slider changes the chart's numbers; no string of the other language."""

from __future__ import annotations

import pytest

pytest.importorskip("httpx")
pytest.importorskip("selenium")
from serve_support import Server
from test_serve_browser import Browser
from test_serve_pages import foreign, strings
from views_browser import browser_missing


@pytest.fixture
def page(tmp_path):
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), "havndal")
    links = srv.start()
    b = Browser("planner")
    yield srv, links, b
    b.quit()
    srv.stop()


def test_moving_a_dose_slider_changes_the_numbers(page):
    srv, links, b = page
    b.go(f"{srv.base}/w#key={links['viewer']}")
    b.wait("window.gmbWhatif && gmbWhatif.results >= 1 && gmbWhatif.last && !gmbWhatif.last.preview", timeout=60)
    before = b.texts("#wi-effects td")
    n = b.js("return gmbWhatif.results")
    b.js("""const s = document.querySelector('.wi-dose'); s.value = 0.3;
            s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'));""")
    b.wait("gmbWhatif.results >= arguments[0] + 1 && !gmbWhatif.last.preview", n, timeout=30)
    after = b.texts("#wi-effects td")
    assert after != before and after[4] == before[4]  # same idea, another effect
    assert b.js("return document.querySelectorAll('#wi-fan polyline').length") == 2
    t = strings()
    assert foreign(b, t["da"], t["en"]) == []
