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


def test_the_panel_equals_gmb_rank_and_a_saved_setting_keeps_its_numbers(page):
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.scenarios.answers import rank_ideas
    from gmb.scenarios.settings import default_scenarios, load_scenarios
    from gmb.scenarios.whatif_saved import saved_effects
    from gmb.stockflow.convert import to_stockflow

    srv, links, b = page
    b.go(f"{srv.base}/w#key={links['facilitator']}")
    b.wait("window.gmbWhatif && gmbWhatif.last && !gmbWhatif.last.preview", timeout=60)
    G = to_graph(load_example("havndal"))
    model, sc = to_stockflow(G), default_scenarios(G)
    top = b.js("return document.querySelector('#wi-effects tr[data-idea]').dataset.idea")
    shown = b.texts(f"#wi-effects tr[data-idea='{top}'] td")
    rk = rank_ideas(model, G, sc, ideas=[top], runs=1000, seed=0, settle=False)["effects"][top]
    fmt = lambda x: ("+" if x >= 0 else "") + f"{x:.3f}"  # as the page writes numbers
    assert shown[1] == fmt(rk["median"]) and shown[2] == f"{fmt(rk['p5'])} … {fmt(rk['p95'])}"
    assert shown[3] == f"{round(100 * rk['p_improves'])} %"
    # a second idea on: the split comes second, never a stale one shown as current meanwhile
    n = b.js("return gmbWhatif.splits")
    b.js("document.querySelectorAll('.wi-on')[1].click()")
    b.wait("gmbWhatif.last && gmbWhatif.last.out.shapley_pending", timeout=30)
    assert b.js("return document.getElementById('wi-shapley').dataset.state") in ("pending", "current")
    b.wait("gmbWhatif.splits > arguments[0]", n, timeout=60)
    assert b.js("return document.getElementById('wi-shapley').dataset.state") == "current"
    b.js("document.querySelectorAll('.wi-on')[1].click()")  # back to one idea
    b.wait("gmbWhatif.last && Object.keys(gmbWhatif.last.out.effects).length === 1", timeout=30)
    # move the dose, save the setting: the saved scenario's effect (what gmb rank shows) is the panel's
    n = b.js("return gmbWhatif.results")
    b.js("""const s = document.querySelector('.wi-dose'); s.value = 0.3; s.dispatchEvent(new Event('change'));""")
    b.wait("gmbWhatif.results > arguments[0] && !gmbWhatif.last.preview", n, timeout=30)
    shown = b.texts(f"#wi-effects tr[data-idea='{top}'] td")
    b.fill("#wi-name", "Tredjedel")
    b.click("#wi-save")
    b.wait_text("#wi-saved", "Tredjedel", timeout=30)
    saved = load_scenarios(srv.tmp / "sessions" / "havndal" / "scenarios.json")
    assert saved.saved["Tredjedel"].ideas[top].dose == 0.3
    row = saved_effects(model, saved, runs=1000, seed=0)["Tredjedel"]
    assert shown[1] == fmt(row["median"]) and shown[3] == f"{round(100 * row['p_improves'])} %"


def test_the_served_report_opens_the_panel_the_offline_one_has_no_link(page, tmp_path):
    from gmb.examples import load_example
    from gmb.views.report import write_report

    srv, links, b = page
    b.go(f"{srv.base}/r#key={links['viewer']}")
    b.wait("document.getElementById('open-whatif') !== null", timeout=60)
    assert b.js("return document.getElementById('open-whatif').getAttribute('href')") == "/w"
    assert b.js("return document.getElementById('caveat') !== null")  # the report itself is there
    # no blank map box (the server's CSP runs no inline script): a note says where the live map is
    assert b.js("return document.getElementById('map-frame') === null && !!document.getElementById('served-map')")
    b.js("document.getElementById('open-whatif').click()")
    b.wait("window.gmbWhatif && gmbWhatif.results >= 1", timeout=60)  # the key went along (this tab)
    files = write_report(load_example("havndal"), tmp_path / "report")
    offline = files.index.read_text(encoding="utf-8")
    assert "open-whatif" not in offline and 'href="/w"' not in offline
