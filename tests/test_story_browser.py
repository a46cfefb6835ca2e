"""Stories in Chromium (issue 15, item 3): the facilitator builds a story on /s, it is in the event log
with who; the projector plays it, following the facilitator and stepping with ← →; the offline export
plays a what-if step's chart with no network and hostile captions inert."""

from __future__ import annotations

import json

import pytest

httpx = pytest.importorskip("httpx")
from serve_support import H, Server
from views_browser import browser_missing, chromium, open_page
from views_sessions import HOSTILE, small_session

from gmb.session.model import Presentation, PresentationStep

CAPTION = HOSTILE[0] + " Ensomhed"


@pytest.fixture
def served(tmp_path):
    from gmb.session.store import session_to_json

    path = tmp_path / "small.json"
    path.write_text(session_to_json(small_session()), encoding="utf-8")
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(path))
    links = srv.start()
    yield srv, links
    srv.stop()


def _step(fac, caption_da: str, variables=(), loop: str | None = None, idea: str | None = None) -> None:
    fac.click("#st-clear")
    fac.fill("#st-cap-da", caption_da)
    fac.fill("#st-cap-en", "Step in English")
    for v in variables:
        fac.click(f'#st-vars input[data-var="{v}"]')
    if loop is not None:
        fac.choose("#st-loop", value=loop)
    if idea is not None:
        fac.click("#st-wi-on")
        fac.click(f'#st-wi-ideas .wi-on[data-idea="{idea}"]')
        fac.js(f"document.querySelector('#st-wi-ideas .wi-on[data-idea=\"{idea}\"]').parentNode"
               ".querySelector('.wi-dose').value = '0.5'")  # fmt: skip
    n = fac.js("return gmbStory.saves")
    fac.click("#st-add")
    try:
        fac.wait("gmbStory.saves === arguments[0] + 1", n, timeout=10)
    except AssertionError:
        raise AssertionError(f"not saved: {fac.text('#st-error')!r} {fac.problems()}") from None


def _stories(srv, key):
    sid = httpx.get(srv.base + "/api/me", headers=H(key)).json()["session"]
    return sid, httpx.get(f"{srv.base}/api/s/{sid}/stories", headers=H(key)).json()["presentations"]


def test_facilitator_builds_a_story_and_the_projector_plays_it(served, browsers):
    from selenium.webdriver.common.keys import Keys

    srv, links = served
    fac = browsers("facilitator")
    fac.go(f"{srv.base}/s#key={links['facilitator']}")
    fac.wait("document.body.dataset.ready === '1'", timeout=30)
    # the session's language (Danish first): the page's own words are Danish
    assert [fac.text(x) for x in ("#st-add", "#st-play", "#l-loop")] == ["Tilføj som nyt trin", "Vis på projektoren",
                                                                        "Fremhæv en løkke"]  # fmt: skip
    fac.fill("#st-id", "rundtur")
    fac.fill("#st-title-da", "Rundtur i kortet")
    _step(fac, CAPTION, variables=("ensomhed", "faellesskab"))
    _step(fac, "Løkken og en idé", loop="0", idea="krea_cafe")
    _step(fac, "Et trin for meget", variables=("skaermtid",))
    fac.wait("document.querySelectorAll('#st-steps li').length === 3", timeout=10)
    fac.click("#st-steps li:nth-child(3) button[data-act=remove]")  # delete the third
    fac.wait("gmbStory.saves === 4 && document.querySelectorAll('#st-steps li').length === 2", timeout=10)
    fac.click("#st-steps li:nth-child(2) button[data-act=up]")  # reorder, then back
    fac.wait("gmbStory.saves === 5", timeout=10)
    sid, stories = _stories(srv, links["facilitator"])
    assert [s["captions"]["da"] for s in stories[0]["steps"]] == ["Løkken og en idé", CAPTION]
    fac.click("#st-steps li:nth-child(2) button[data-act=up]")
    fac.wait("gmbStory.saves === 6", timeout=10)
    sid, stories = _stories(srv, links["facilitator"])
    (story,) = stories
    assert story["id"] == "rundtur" and story["title"] == {"da": "Rundtur i kortet"}
    first, second = story["steps"]
    assert first["captions"]["da"] == CAPTION and set(first["variables"]) == {"ensomhed", "faellesskab"}
    assert first["links"] and second["loop"] and second["whatif"]["ideas"]["krea_cafe"]["dose"] == 0.5
    # every save is an event in the log, made by the facilitator (who) at a time (when)
    events = httpx.get(f"{srv.base}/api/s/{sid}/events", headers=H(links["facilitator"])).json()["events"]
    saves = [e for e in events if e["data"].get("kind") == "presentation"]
    me = httpx.get(srv.base + "/api/me", headers=H(links["facilitator"])).json()["participant"]
    assert len(saves) == 6 and saves[0]["op"] == "add" and all(e["by"] == me and e["at"] for e in saves)

    proj = browsers("projector", width=1400, height=900)
    proj.go(f"{srv.base}/v#key={links['viewer']}")
    proj.ready()
    fac.click("#st-play")
    proj.wait("location.pathname === '/s' && document.body.dataset.step === '0'", timeout=30)
    assert proj.text("#st-caption") == CAPTION and proj.text("#st-count") == "1 / 2"
    body = proj.el("body")
    body.send_keys(Keys.ARROW_RIGHT)  # the projector's own keys
    proj.wait("document.body.dataset.step === '1' && document.body.dataset.chart === '1'", timeout=90)
    assert proj.js("return document.querySelectorAll('#st-fan polyline').length") == 2
    assert "P(forbedrer)" in proj.text("#st-effects") and proj.text("#st-caption") == "Løkken og en idé"
    fac.wait("gmbStory.playing.step === 1", timeout=10)  # the facilitator's page follows too
    body.send_keys(Keys.ARROW_LEFT)
    proj.wait("document.body.dataset.step === '0'", timeout=10)
    fac.wait("gmbStory.playing.step === 0", timeout=10)
    fac.click("#st-next")  # the facilitator's buttons (e.g. on a phone): the projector follows
    proj.wait("document.body.dataset.step === '1'", timeout=10)
    fac.click("#st-stop")
    proj.wait("location.pathname === '/v' && !!(window.gmb && window.gmb.state)", timeout=30)
    # editing a step saved elsewhere (a loop not in the page's list, as gmb story --auto may write) keeps its loop
    rotated = second["loop"][1:] + second["loop"][:1]  # the same loop, started elsewhere
    loop_step = {"captions": {"da": "Løkke"}, "variables": rotated, "loop": rotated, "links": second["links"]}
    httpx.post(f"{srv.base}/api/s/{sid}/stories", json={"id": "andet", "steps": [loop_step]},
               headers=H(links["facilitator"])).raise_for_status()  # fmt: skip
    fac.wait("[...document.querySelectorAll('#st-pick option')].some(o => o.value === 'andet')", timeout=10)
    fac.choose("#st-pick", value="andet")
    fac.click("#st-steps li:nth-child(1) button[data-act=edit]")
    assert fac.js("return document.getElementById('st-loop').value") == "keep"
    fac.fill("#st-cap-da", "Løkken, nu med ny tekst")
    n = fac.js("return gmbStory.saves")
    fac.click("#st-update")
    fac.wait("gmbStory.saves === arguments[0] + 1", n, timeout=10)
    andet = next(p for p in _stories(srv, links["facilitator"])[1] if p["id"] == "andet")["steps"][0]
    assert andet["captions"]["da"] == "Løkken, nu med ny tekst" and andet["loop"] == rotated
    assert set(andet["links"]) == set(second["links"])
    for b in (fac, proj):
        assert b.js("return window.gmbPwned") is None
        b.collect()
        web = [u for u in b.requests if u.startswith(("http:", "https:", "ws:", "wss:"))]
        assert web and all(u.startswith(srv.base) for u in web), web  # nothing from anywhere but this server
        assert b.problems() == []


@pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")
def test_offline_export_plays_a_whatif_step_with_no_network(tmp_path):
    from selenium.webdriver.common.keys import Keys

    from gmb.session.model import StepWhatif
    from gmb.views.story import story_data, write_story

    s = small_session()
    steps = (PresentationStep(title={"da": HOSTILE[1]}, captions={"da": HOSTILE[2]}, variables=("ensomhed",)),
             PresentationStep(captions={"da": "Hvad nu hvis"}, variables=("faellesskab",),
                              whatif=StepWhatif(ideas={"krea_cafe": {"dose": 0.5, "start": 3}})))  # fmt: skip
    p = Presentation(id="p", steps=steps)
    s = s.model_copy(update={"presentations": (p,)})
    path = write_story(s, p, tmp_path / "story.html", lang="da")
    html = path.read_text("utf-8")
    for text in HOSTILE:
        assert text not in html
    embedded = json.loads(next(x for x in html.splitlines() if x.strip().startswith("var gmbStory = "))
                          .strip()[len("var gmbStory = "):-1])  # fmt: skip
    result = embedded["steps"][1]["result"]
    assert embedded["steps"][0]["result"] is None and result["runs"] == 1000 and result["exploratory"]
    assert story_data(s, p, lang="da")["steps"][1]["whatif"]["ideas"]["krea_cafe"]["start"] == 3
    with chromium() as driver:
        page = open_page(driver, path)
        page.wait_for("document.body.getAttribute('data-ready')")
        assert page.js("return document.getElementById('gmb-chart').hidden") is True
        assert page.js("return document.getElementById('gmb-caption').textContent") == HOSTILE[2]
        driver.find_element("tag name", "body").send_keys(Keys.ARROW_RIGHT)
        page.wait_for("document.body.getAttribute('data-chart') === '1'")
        assert page.js("return document.querySelectorAll('#gmb-fan polyline').length") == 2
        shown = page.js("return document.getElementById('gmb-effects').textContent")
        median = result["effects"]["krea_cafe"]["median"]
        assert f"{median:+.3f}" in shown and "P(forbedrer)" in shown
        driver.find_element("tag name", "body").send_keys(Keys.ARROW_LEFT)
        assert page.js("return document.getElementById('gmb-chart').hidden") is True
        assert page.js("return window.gmbPwned") is None
        page.collect()
        assert page.remote_requests() == [] and page.errors() == []
