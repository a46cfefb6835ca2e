"""Watch it travel (issue 15, item 2): each variable's push precomputed for the offline map, played like the
idea's response; links pulse from cause to effect in the direction they push the effect."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest
from views_browser import browser_missing, chromium, open_page
from views_sessions import HOSTILE, small_session

from gmb.cld import to_graph

needs_browser = pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")
RUNS, SEED, H = 48, 3, 24.0


def _model(session):
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    return to_stockflow(to_graph(session), Assumptions(), name="t")


def _animation(session, name="krea_cafe", **kw):
    from gmb.simulate.interventions import Intervention
    from gmb.views.animate import pushes, trajectories

    model = _model(session)
    anim = trajectories(model, [Intervention(variable="faellesskab", dose=0.3)], horizon=H, runs=RUNS, seed=SEED,
                        name=name)  # fmt: skip
    anim["pushes"] = pushes(model, horizon=H, runs=RUNS, seed=SEED, **kw)
    return model, anim


def _decoded(p, v):
    it = p["items"][v]
    return {k: np.array(q) * it["step"] for k, q in it["q"].items()}


def test_a_push_equals_the_reference_simulator_on_the_same_draws():
    """Independent of the ensemble engine: the reference simulator on the study's own parameter draws,
    the model with the push written into its inputs, minus the same draws without it; medians per time."""
    from gmb.simulate.ensemble import Study
    from gmb.simulate.interventions import Intervention, with_interventions
    from gmb.simulate.reference import simulate
    from gmb.simulate.sampling import draw
    from gmb.views.animate import pushes

    model = _model(small_session())
    p = pushes(model, horizon=H, runs=RUNS, seed=SEED, budget=1.0)  # a tiny budget: one push per ensemble
    assert p["size"] == 1.0 and p["start"] == model.time.start + 1 and p["runs"] == RUNS
    for v in ("faellesskab", "skaermtid", "frivillige"):
        iv = Intervention(variable=v, dose=1.0, shape="step", start=p["start"], idea=f"push:{v}")
        study = Study.build(model, {v: [iv]}, seed=SEED, horizon=H)
        prog = study.program
        P = draw(prog, seed=SEED, runs=RUNS, method=study.method, vary=study.vary)
        values = {n: P[i] for i, n in enumerate(prog.param_names) if prog.param_kind[i] != "dose"}
        pushed, base = simulate(with_interventions(model, [iv]), values), simulate(model, values)
        steps = [int(np.argmin(np.abs(base.time - t))) for t in p["times"]]
        got, step = _decoded(p, v), p["items"][v]["step"]
        moved = 0
        for w in ("trivsel", "faellesskab", "ensomhed", "frivillige", "bevaegelse"):
            el = model.variable_element(w).name
            expect = np.median(pushed[el][steps] - base[el][steps], axis=-1)
            mine = got.get(w, np.zeros(len(steps)))
            assert np.all(np.abs(mine - expect) <= step / 2 + 1e-12), (v, w)
            moved += bool(np.any(expect != 0))
        assert moved >= 1 and np.max(np.abs(got[v])) > 0  # the pushed variable itself moves


def test_pushes_keep_every_kth_time_and_quantise_to_the_largest_change():
    from gmb.views.animate import QUANT, pushes

    model = _model(small_session())
    full = pushes(model, horizon=H, runs=16, seed=1)
    thin = pushes(model, horizon=H, runs=16, seed=1, max_frames=7)
    assert len(full["times"]) == 25 and thin["times"] == full["times"][::4]  # 0, 4, ..., 24: seven frames
    it, th = full["items"]["faellesskab"], thin["items"]["faellesskab"]
    assert max(max(abs(x) for x in q) for q in [*it["q"].values(), *it["band"].values()]) == QUANT
    a, b = _decoded(full, "faellesskab")["trivsel"][::4], _decoded(thin, "faellesskab")["trivsel"]
    assert np.all(np.abs(a - b) <= (it["step"] + th["step"]) / 2 + 1e-12)
    assert all(any(x != 0 for x in q) for q in it["q"].values())  # variables that never move are left out
    assert "skaermtid" not in it["q"]  # exogenous: nothing acts on it


def _page(tmp_path, session=None, name="krea_cafe"):
    from gmb.views.map import write_map

    session = session or small_session()
    model, anim = _animation(session, name=name)
    path = write_map(to_graph(session), tmp_path / "travel.html", animation=anim, ideas=True)
    return model, anim, path


def _embedded(path):
    html = path.read_text("utf-8")
    line = next(x for x in html.splitlines() if x.strip().startswith("var gmbAnim = "))
    return json.loads(line.strip()[len("var gmbAnim = ") : -1])


def test_the_page_embeds_the_pushes_and_loads_nothing(tmp_path):
    _, anim, path = _page(tmp_path)
    emb = _embedded(path)
    assert emb["pushes"]["items"] == anim["pushes"]["items"] and emb["pulse"]["words"]["da"]["push"] == "Skub"
    assert (
        "from time 1 (months) on" in emb["pushes"]["note"]["en"]
        and "fra tid 1 (måneder)" in emb["pushes"]["note"]["da"]
        and "48 draws (seed 3)" in emb["pushes"]["note"]["en"]
    )
    html = path.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?https?:|@import""", html, re.IGNORECASE)


def _expected_pulses(change, links, i, scale):
    """Which links pulse at frame i and which way (link sign x direction of the cause's change), from the data."""
    out = {}
    for lid, (cause, _effect, sign) in links.items():
        c = change.get(cause)
        if c is None:
            continue
        d = c[i] - (c[i - 1] if i > 0 else 0.0)
        if abs(d) > 0.005 * scale:
            s = sign * (1 if d > 0 else -1)
            out[lid] = "up" if s > 0 else "down" if s < 0 else "unknown"
    return out


LINKS = {"L1": ("ensomhed", "trivsel", -1), "L2": ("faellesskab", "ensomhed", -1), "L3": ("trivsel", "faellesskab", 1),
         "L4": ("frivillige", "faellesskab", 1), "L5": ("faellesskab", "frivillige", 1),
         "L6": ("frivillige", "udbraendthed", 1), "L7": ("udbraendthed", "frivillige", -1),
         "L8": ("skaermtid", "bevaegelse", -1), "L9": ("bevaegelse", "trivsel", 1), "L10": ("skaermtid", "ensomhed", 0)}  # fmt: skip


def _check_frame(page, change, scale, k, exact):
    for var in ("trivsel", "faellesskab", "ensomhed", "frivillige", "skaermtid", "bevaegelse"):
        want = change[var][k] if var in change else 0.0
        assert page.js(f"return nodes.get('{var}').animValue") == pytest.approx(want, abs=exact), var
    pulses = page.js("return window.gmbPulse")
    want = _expected_pulses(change, LINKS, k, scale)
    assert {lid: s["dir"] for lid, s in pulses.items()} == want
    return pulses


def _scrub(page, k):
    page.js(f"var s = document.getElementById('gmb-anim-slider'); s.value = '{k}'; s.dispatchEvent(new Event('input'))")


@needs_browser
def test_push_and_idea_play_their_medians_and_links_pulse_the_right_way(tmp_path):
    _, anim, path = _page(tmp_path)
    push = {v: list(s) for v, s in _decoded(anim["pushes"], "skaermtid").items()}
    p_scale = anim["pushes"]["items"]["skaermtid"]["scale"]
    with chromium() as driver:
        page = open_page(driver, path)
        page.wait_for("window.gmbStable !== null && window.gmbAnimStep !== undefined")
        # the idea first (the existing animation): exact floats
        k = 5
        _scrub(page, k)
        _check_frame(page, anim["change"], anim["scale"], k, 1e-12)
        # the gesture: tap a variable, its sheet offers the push; playing it rewinds and runs to the end
        page.js("network.body.emitter.emit('click', {nodes: ['skaermtid'], edges: [], pointer: {DOM: {x: 0, y: 0}}})")
        button = page.wait_for("document.querySelector('.gmb-sheet-action')")
        assert "Skub" in button.text
        button.click()
        assert page.js("return window.gmbAnimShowing") == "push:skaermtid"
        page.wait_for("window.gmbAnimStep >= 3", timeout=15)  # it plays (test_story plays one to the end)
        # scrub the push: node values = the embedded medians at that time (decoded as the page does)
        seen = {}
        for k in (1, 2, 6):
            _scrub(page, k)
            seen[k] = {lid: st["dir"] for lid, st in _check_frame(page, push, p_scale, k, 1e-12).items()}
        # the step (month 1): screen time jumps, so its links pulse: '-' to physical activity (down), '?' to
        # loneliness (sign unknown), and activity falls at once, so its '+' link to wellbeing pulses down too;
        # afterwards only what still changes pulses: wellbeing (a stock) keeps falling, so L3 (+) carries it on
        assert seen[1]["L8"] == "down" and seen[1]["L10"] == "unknown" and seen[1]["L9"] == "down"
        assert "L8" not in seen[2] and seen[2]["L3"] == "down" and seen[6]["L3"] == "down"
        page.js("gmbAnimAt(1)")
        # a pulse is an animation: the width and the dot's place change over time, the dot runs cause -> effect
        w0, ph0 = page.js("var s = window.gmbPulse.L8; return [s.width, s.phase]")
        time.sleep(0.25)
        w1, ph1 = page.js("var s = window.gmbPulse.L8; return [s.width, s.phase]")
        assert w0 != w1 and ph0 != ph1
        near, far = page.js("var a = gmbPulsePoint('L8', 0.02), b = gmbPulsePoint('L8', 0.98), p = network.getPositions(['skaermtid', 'bevaegelse']);"
                            "function d(u, v) { return Math.hypot(u.x - v.x, u.y - v.y); }"
                            "return [d(a, p.skaermtid) < d(a, p.bevaegelse), d(b, p.bevaegelse) < d(b, p.skaermtid)]")  # fmt: skip
        assert near and far
        assert "push:skaermtid" in page.js(
            "return Array.from(document.querySelectorAll('#gmb-anim-what option')).map(o => o.value)"
        )
        # switching the idea back on: tap its node (the map shows the idea bank), the sheet offers it
        page.js(
            "network.body.emitter.emit('click', {nodes: ['idea krea_cafe'], edges: [], pointer: {DOM: {x: 0, y: 0}}})"
        )
        button = page.wait_for("document.querySelector('.gmb-sheet-action')")
        assert "Slå til" in button.text
        button.click()
        assert page.js("return window.gmbAnimShowing") == "idea"
        _scrub(page, 4)
        _check_frame(page, anim["change"], anim["scale"], 4, 1e-12)
        page.collect()
        assert page.remote_requests() == [] and page.errors() == []


@needs_browser
def test_hostile_labels_and_scenario_names_stay_text(tmp_path):
    _, anim, path = _page(tmp_path, small_session(hostile=True), name=HOSTILE[1])
    assert "evil0" in anim["pushes"]["items"]
    with chromium() as driver:
        page = open_page(driver, path)
        page.wait_for("window.gmbStable !== null && window.gmbAnimStep !== undefined")
        texts = page.js("return Array.from(document.querySelectorAll('#gmb-anim-what option')).map(o => o.textContent)")
        assert any(HOSTILE[1] in t for t in texts) and sum(any(h in t for h in HOSTILE) for t in texts) >= 5
        assert page.js("return document.getElementById('gmb-anim-title').textContent").startswith(HOSTILE[1])
        page.js("gmbAnimShow('push:evil2'); gmbAnimAt(3)")
        assert HOSTILE[2] in page.js("return document.getElementById('gmb-anim-title').textContent")
        page.js("network.body.emitter.emit('click', {nodes: ['evil3'], edges: [], pointer: {DOM: {x: 0, y: 0}}})")
        page.wait_for("document.querySelector('.gmb-sheet-action')").click()
        assert page.js("return window.gmbAnimShowing") == "push:evil3"
        assert page.js("return window.gmbPwned === undefined") is True
        assert page.js("return document.querySelectorAll('#gmb-anim img, #gmb-anim script, #gmb-anim a').length") == 0
        page.collect()
        assert page.remote_requests() == [] and page.errors() == []


def test_cli_map_animate_embeds_the_pushes_and_refuses_a_bad_size(cli, tmp_path):
    from gmb.session.store import Store

    Store(tmp_path / "sessions").create("t", small_session())
    code, _, err = cli("map", "t", "--animate", "krea_cafe", "--runs", "24", "--push-size", "0.5", "--out", "m.html")
    assert code == 0, err
    emb = _embedded(tmp_path / "m.html")
    assert emb["scenario"] == "krea_cafe" and emb["pushes"]["size"] == 0.5 and emb["pushes"]["runs"] == 24
    assert "faellesskab" in emb["pushes"]["items"] and "+50 %" not in emb["pushes"]["note"]["en"]
    assert "by 50 % of its baseline" in emb["pushes"]["note"]["en"]
    code, _, _ = cli("map", "t", "--animate", "krea_cafe", "--runs", "24", "--no-push", "--out", "n.html")
    assert code == 0 and "pushes" not in _embedded(tmp_path / "n.html")
    code, _, err = cli("map", "t", "--animate", "krea_cafe", "--push-size", "0", "--out", "x.html")
    assert code != 0 and "--push-size" in err and not (tmp_path / "x.html").exists()


def test_the_pushes_and_the_idea_share_their_draws():
    """ "Same draws" in the page's note: a push's study and the idea's study (with sampled dose ranges) draw the
    same parameters for the same seed, so their baselines are the same runs."""
    from gmb.simulate.ensemble import Study, run_parameters
    from gmb.simulate.interventions import Intervention
    from gmb.simulate.sampling import draw

    model = _model(small_session())
    idea = [Intervention(variable="faellesskab", dose=0.3, low=0.1, high=0.5), Intervention(variable="frivillige")]
    push = [Intervention(variable="skaermtid", dose=1.0, shape="step", start=1.0)]
    base = []
    for scen in (idea, push):
        s = Study.build(model, {"x": scen}, seed=SEED, horizon=H, keep="exact")
        base.append(run_parameters(s, draw(s.program, seed=SEED, runs=RUNS, method=s.method, vary=s.vary))[0])
    assert np.array_equal(base[0], base[1])
