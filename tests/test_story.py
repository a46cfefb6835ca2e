"""Map stories (issue 15, item 3): the drafted steps, the event log, the offline page and its keys."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from views_browser import browser_missing, chromium, open_page
from views_sessions import HOSTILE, small_session

from gmb.cld import to_graph
from gmb.cld.loops import find_loops, name_loops
from gmb.session.events import replay
from gmb.session.model import Presentation, PresentationStep
from gmb.session.store import Store
from gmb.views.story import draft, story_html, write_story

ROOT = Path(__file__).resolve().parents[1]
RANKING = {"horizon": 36.0, "unit": "month", "runs": 1000,
           "ideas": [{"idea": "krea_cafe", "median": 0.0123, "p5": 0.004, "p95": 0.031, "p_improves": 0.97}]}  # fmt: skip


def test_auto_story_has_the_focus_each_named_loop_and_each_idea():
    s = small_session()
    p = draft(s, RANKING)
    named = [loop for loop in name_loops(find_loops(to_graph(s)), s.stories).loops if loop.name]
    assert len(named) == 1  # the W2 story 'Frivillige brænder ud' tells exactly one loop
    assert len(p.steps) == 1 + len(named) + len(s.ideas)
    focus, loop_step, *idea_steps = p.steps
    assert focus.variables == ("trivsel",) and "Hvordan styrker vi børns trivsel?" in focus.captions["da"]
    assert set(loop_step.loop) == set(named[0].variables) and set(loop_step.links) == {"L6", "L7"}
    assert loop_step.title["da"] == "Frivillige brænder ud"
    for step, idea in zip(idea_steps, s.ideas):
        assert step.path[-1] == "trivsel" and step.path[0] in {t.variable for t in idea.targets}
        assert idea.label("da") in step.title["da"]
        # each link of the path goes from one path variable to the next
        for link, (a, b) in zip(step.links, zip(step.path, step.path[1:])):
            assert (s.link(link).cause, s.link(link).effect) == (a, b)
    # the simulated effect, with its interval, probability and the exploratory label, where ranking.json has it
    cafe = idea_steps[0].captions["en"]
    assert (
        "median +0.012" in cafe and "+0.004 to +0.031" in cafe and "P(improves) 97%" in cafe and "Exploratory" in cafe
    )
    assert "median" not in idea_steps[1].captions["en"]


def test_the_story_round_trips_through_the_event_log(tmp_path):
    store = Store(tmp_path)
    store.create("s", small_session(), by="p1")
    p = draft(store.load("s"))
    store.commit("s", "add", {"kind": "presentation", "item": p.model_dump(mode="json")}, by="p1")
    step = PresentationStep(captions={"da": "Kun én", "en": "Just one"}, variables=("ensomhed",))
    store.commit("s", "update", {"kind": "presentation", "id": p.id,
                                 "changes": {"steps": [step.model_dump(mode="json")]}}, by="p2")  # fmt: skip
    loaded = store.load("s")
    assert loaded.presentations == (p.model_copy(update={"steps": (step,)}),)
    assert replay(store.events("s")) == loaded
    # a step must name variables and links of the map
    from gmb.errors import GmbError

    bad = Presentation(id="bad", steps=(PresentationStep(variables=("nowhere",)),))
    with pytest.raises(GmbError, match="nowhere"):
        store.commit("s", "add", {"kind": "presentation", "item": bad.model_dump(mode="json")})
    assert replay(store.events("s")) == loaded
    # a whole edited session saved at once (Store.save diffs it): the presentation goes into the log too
    edited = loaded.model_copy(update={"presentations": (*loaded.presentations, p.model_copy(update={"id": "copy"}))})
    store.save("s", edited, by="p1")
    assert store.events("s")[-1].data == {"kind": "presentation", "item": p.model_copy(update={"id": "copy"})
                                          .model_dump(mode="json", exclude_defaults=True)}  # fmt: skip
    assert replay(store.events("s")) == store.load("s") == edited


def _hostile_story():
    s = small_session(hostile=True)
    p = draft(s)
    evil = PresentationStep(title={"da": HOSTILE[1]}, captions={"da": HOSTILE[2], "en": HOSTILE[0]},
                            variables=("evil0", "trivsel"), links=("LE0",))  # fmt: skip
    return s, p.model_copy(update={"steps": (*p.steps, evil)})


def test_exported_story_is_offline_and_hostile_text_is_inert():
    s, p = _hostile_story()
    html = story_html(s, p, lang="da")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?https?:|@import""", html, re.IGNORECASE)
    for text in HOSTILE:
        assert text not in html  # only escaped copies: in JSON <, > and & are \u-escaped
    plain = story_html(small_session(), draft(small_session()), lang="da")
    assert html.lower().count("<script") == plain.lower().count("<script")  # no script from a label or caption


def test_cli_drafts_into_the_log_and_exports(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GMB_SESSIONS_DIR": str(tmp_path / "sessions")}
    Store(tmp_path / "sessions").create("t", small_session())
    (tmp_path / "models" / "t").mkdir(parents=True)
    (tmp_path / "models" / "t" / "ranking.json").write_text(json.dumps(RANKING), encoding="utf-8")
    run = [sys.executable, "-m", "gmb", "story", "t", "--auto", "--export", "t.html", "--lang", "en", "--json"]
    for _ in range(2):  # the second draft replaces the first (an update event)
        out = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    steps = json.loads(out.stdout)["steps"]
    assert len(steps) == 4 and "median +0.012" in steps[2]["captions"]["en"]
    events = Store(tmp_path / "sessions").events("t")
    assert [e.op for e in events[-2:]] == ["add", "update"] and events[-1].by == "gmb story --auto"
    assert "Craft café" in (tmp_path / "t.html").read_text("utf-8")
    bad = subprocess.run([sys.executable, "-m", "gmb", "story", "t"], check=False, cwd=tmp_path, env=env, capture_output=True,
                         text=True)  # fmt: skip
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "--auto" in bad.stderr


@pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")
def test_story_plays_with_the_arrow_keys_offline(tmp_path):
    from selenium.webdriver.common.keys import Keys

    s, p = _hostile_story()
    path = write_story(s, p, tmp_path / "story.html", lang="da")
    with chromium() as driver:
        page = open_page(driver, path)
        page.wait_for("document.body.getAttribute('data-ready')")
        body = driver.find_element("tag name", "body")
        assert page.js("return document.getElementById('gmb-count').textContent") == f"1 / {len(p.steps)}"
        for _ in range(len(p.steps) + 2):  # past the end stays on the last step
            body.send_keys(Keys.ARROW_RIGHT)
        last = len(p.steps) - 1
        assert page.js("return document.body.getAttribute('data-step')") == str(last)
        assert page.js("return document.getElementById('gmb-caption').textContent") == HOSTILE[2]
        assert page.js("return document.getElementById('gmb-step-title').textContent") == HOSTILE[1]
        assert (
            page.js("return nodes.get('evil1').opacity") == 0.15 and page.js("return nodes.get('evil0').opacity") == 1
        )
        body.send_keys(Keys.ARROW_LEFT)
        assert page.js("return document.body.getAttribute('data-step')") == str(last - 1)
        driver.find_element("id", "gmb-next").click()
        assert page.js("return document.body.getAttribute('data-step')") == str(last)
        assert page.js("return window.gmbPwned") is None
        assert page.js("return document.querySelectorAll('img, a').length") == 0
        page.collect()
        assert page.remote_requests() == [] and page.errors() == []


# -- gmb map --animate (issue 15, item 2, offline part) ----------------------------------------------
def _animated(tmp_path):
    from gmb.simulate.interventions import Intervention
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow
    from gmb.views.animate import trajectories
    from gmb.views.map import write_map

    s = small_session()
    G = to_graph(s)
    model = to_stockflow(G, Assumptions(), name="t")
    ivs = [Intervention(variable="faellesskab", dose=0.3)]
    anim = trajectories(model, ivs, horizon=24.0, runs=64, seed=3, name="push")
    path = write_map(G, tmp_path / "anim.html", animation=anim)
    return model, ivs, anim, path


def _embedded(path):
    html = path.read_text("utf-8")
    line = next(x for x in html.splitlines() if x.strip().startswith("var gmbAnim = "))
    return json.loads(line.strip()[len("var gmbAnim = ") : -1])


def test_animation_embeds_the_median_change_of_each_variable_at_each_time(tmp_path):
    import numpy as np

    from gmb.simulate.ensemble import Study, run_study

    model, ivs, _anim, path = _animated(tmp_path)
    embedded = _embedded(path)
    # independently: the same ensemble, every variable kept, medians of scenario minus baseline per draw
    names = [v.variable for v in model.variables]
    study = Study.build(model, {"push": ivs}, seed=3, horizon=24.0, variables=names, keep="exact")
    r = run_study(study, 64)
    for var in ("trivsel", "faellesskab", "ensomhed"):
        i = study.variables.index(var)
        expect = np.median(r.values[1, i] - r.values[0, i], axis=-1)
        assert np.allclose(embedded["change"][var], expect, rtol=0, atol=1e-12)
    assert embedded["times"] == study.times.tolist() and embedded["outcome"] == "trivsel"
    assert embedded["change"]["faellesskab"][-1] > 0 and embedded["runs"] == 64
    assert "not a prediction" in embedded["note"]["en"]
    html = path.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?https?:|@import""", html, re.IGNORECASE)


@pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")
def test_animation_slider_sets_each_node_to_its_median_at_that_time(tmp_path):
    _, _, _, path = _animated(tmp_path)
    embedded = _embedded(path)
    k = len(embedded["times"]) // 2
    with chromium() as driver:
        page = open_page(driver, path)
        page.wait_for("window.gmbAnimStep !== undefined")
        page.js(f"var s = document.getElementById('gmb-anim-slider'); s.value = '{k}';"
                "s.dispatchEvent(new Event('input'));")  # fmt: skip
        for var in ("trivsel", "faellesskab"):
            assert page.js(f"return nodes.get('{var}').animValue") == pytest.approx(
                embedded["change"][var][k], abs=1e-12
            )
        assert page.js("return document.querySelectorAll('#gmb-anim-spark polyline').length") == 2  # line, zero
        page.js("document.getElementById('gmb-anim-play').click()")
        page.wait_for(f"window.gmbAnimStep === {len(embedded['times']) - 1}", timeout=15)
        page.collect()
        assert page.remote_requests() == [] and page.errors() == []
