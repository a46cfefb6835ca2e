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
    # the example's session without its scenarios.json (gmb serve --import havndal brings that file, and then
    # every idea has reach/intensity/persistence sliders: the test below does that): the default doses here
    from gmb.examples import load_example
    from gmb.session.store import session_to_json

    source = tmp_path / "src" / "havndal"
    source.mkdir(parents=True)
    (source / "session.json").write_text(session_to_json(load_example("havndal")), encoding="utf-8")
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(source / "session.json"))
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


@pytest.fixture
def factor_page(tmp_path):
    """The Havndal session served with the example's scenarios.json (reach × intensity × persistence per idea)
    in the session store, as ``gmb rank havndal`` reads it."""
    import shutil

    from gmb.examples import example_dir

    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")  # a stored session, with its doses
    # the example's session without its scenarios.json (gmb serve --import havndal brings that file, and then
    # every idea has reach/intensity/persistence sliders: the test below does that): the default doses here
    from gmb.examples import load_example
    from gmb.session.store import session_to_json

    source = tmp_path / "src" / "havndal"
    source.mkdir(parents=True)
    (source / "session.json").write_text(session_to_json(load_example("havndal")), encoding="utf-8")
    srv = Server(tmp_path, str(tmp_path / "serve.sqlite3"), str(source / "session.json"))
    links = srv.start()
    b = Browser("planner")
    yield srv, links, b
    b.quit()
    srv.stop()


def test_moving_faellesspisnings_reach_changes_its_effect_as_the_same_multiplier(factor_page):
    from gmb.cld import to_graph
    from gmb.examples import example_dir, load_example
    from gmb.scenarios.settings import load_scenarios
    from gmb.scenarios.whatif import whatif
    from gmb.stockflow.convert import to_stockflow

    srv, links, b = factor_page
    b.go(f"{srv.base}/w#key={links['facilitator']}")
    b.wait("window.gmbWhatif && gmbWhatif.last && !gmbWhatif.last.preview", timeout=60)
    li = "#wi-ideas li[data-idea='faellesspisning']"
    # three labelled sliders starting at the plan's nominal values, no direct dose slider
    assert b.js(f'return [...document.querySelectorAll("{li} .wi-factor")].map(s => s.dataset.factor)') == [
        "reach",
        "intensity",
        "persistence",
    ]
    assert b.js(f'return document.querySelector("{li} .wi-factor[data-factor=reach]").value') == "0.3"
    assert b.js(f'return document.querySelector("{li} .wi-dose")') is None
    n = b.js("return gmbWhatif.results")  # only fællesspisning on
    b.js("document.querySelector('.wi-on:checked').click()")
    b.js(f'document.querySelector("{li} .wi-on").click()')
    b.wait(
        "gmbWhatif.results >= arguments[0] + 2 && !gmbWhatif.last.preview && "
        "Object.keys(gmbWhatif.last.out.effects).join() === 'faellesspisning'",
        n,
        timeout=60,
    )
    G = to_graph(load_example("havndal"))
    model, sc = to_stockflow(G), load_scenarios(example_dir("havndal") / "scenarios.json")
    horizon = b.js("return gmbWhatif.last.out.horizon")
    fmt = lambda x: ("+" if x >= 0 else "") + f"{x:.3f}"  # as the page writes numbers

    def shown_equals(dose):  # the panel's function on the same seed and draws, with the same multiplier
        e = whatif(model, sc, {"ideas": {"faellesspisning": {"dose": dose}}, "runs": 1000, "seed": 0,
                               "horizon": horizon})["effects"]["faellesspisning"]  # fmt: skip
        row = b.texts("#wi-effects tr[data-idea='faellesspisning'] td")
        assert row[1:] == [fmt(e["median"]), f"{fmt(e['p5'])} … {fmt(e['p95'])}", f"{round(100 * e['p_improves'])} %"]
        return row

    before = shown_equals(1.0)
    for reach, dose in ((0.45, 1.5), (0.0, 0.0)):
        n = b.js("return gmbWhatif.results")
        b.js(f"""const s = document.querySelector("{li} .wi-factor[data-factor=reach]"); s.value = {reach};
                 s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'));""")
        b.wait(
            "gmbWhatif.results > arguments[0] && !gmbWhatif.last.preview && "
            f"gmbWhatif.last.out.meta.setting.ideas.faellesspisning.factors.reach === {reach}",
            n,
            timeout=60,
        )
        assert b.js("return gmbWhatif.last.out.meta.setting.ideas.faellesspisning.dose") == pytest.approx(dose)
        after = shown_equals(dose)
        assert after[1] != before[1] and after[2] != before[2]  # the effect and its interval moved
    assert after[3] == "0 %" and before[3] == "100 %"  # reach 0: P(improves) falls from 100 % to 0 %
    b.fill("#wi-name", "Halv by")
    b.click("#wi-save")
    b.wait_text("#wi-saved", "Halv by", timeout=30)
    saved = load_scenarios(srv.tmp / "sessions" / "havndal" / "scenarios.json").saved["Halv by"]
    assert saved.ideas["faellesspisning"].factors == {"reach": 0.0, "intensity": 0.4, "persistence": 0.7}
