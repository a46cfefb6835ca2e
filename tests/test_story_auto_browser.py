"""The story page in Chromium (issue 15): *Draft from the analysis* drafts and selects story 'auto';
*Download for offline* hands the browser the server's offline page as a file named after the story."""

from __future__ import annotations

import pytest

httpx = pytest.importorskip("httpx")
from serve_support import H, Server
from views_sessions import small_session


@pytest.fixture
def served(tmp_path):
    from gmb.session.store import session_to_json

    path = tmp_path / "small.json"
    path.write_text(session_to_json(small_session()), encoding="utf-8")
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(path))
    links = srv.start()
    yield srv, links
    srv.stop()


def test_the_page_drafts_a_story_and_downloads_it_for_offline(served, browsers):
    srv, links = served
    fac = browsers("facilitator")
    fac.go(f"{srv.base}/s#key={links['facilitator']}")
    fac.wait("document.body.dataset.ready === '1'", timeout=30)
    assert [fac.text("#st-auto"), fac.text("#st-export")] == ["Lav udkast ud fra analysen", "Hent til offline brug"]
    fac.click("#st-auto")
    fac.wait("document.getElementById('st-pick').value === 'auto'", timeout=20)
    n = fac.js("return document.querySelectorAll('#st-steps li').length")
    sid = httpx.get(srv.base + "/api/me", headers=H(links["facilitator"])).json()["session"]
    (story,) = httpx.get(f"{srv.base}/api/s/{sid}/stories", headers=H(links["facilitator"])).json()["presentations"]
    assert story["id"] == "auto" and n == len(story["steps"]) >= 2
    # catch the download: the anchor the page clicks (its name and the blob's text)
    fac.js("window.gotFile = null; let blob = null; const make = URL.createObjectURL;"
           " URL.createObjectURL = (b) => { blob = b; return make(b); };"
           " HTMLAnchorElement.prototype.click = function () {"
           " const a = this; blob.text().then((t) => { window.gotFile = [a.download, t]; }); };")  # fmt: skip
    fac.click("#st-export")
    try:
        fac.wait("window.gotFile !== null", timeout=20)
    except AssertionError:
        raise AssertionError(f"no download: {fac.text('#st-error')!r} {fac.problems()}") from None
    name, text = fac.js("return window.gotFile")
    want = httpx.get(f"{srv.base}/api/s/{sid}/stories/auto/export?lang=da", headers=H(links["facilitator"])).text
    assert name == "story-auto.html" and text == want and "GmbStory" in text
