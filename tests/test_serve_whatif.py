"""``POST /api/s/{sid}/whatif``: who may ask, bad settings refused in the documented shape, numbers as in-process."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")


def test_facilitator_and_viewer_get_numbers_a_participant_is_refused(havndal_app):
    c, made, me = havndal_app
    sid = made["session"]
    F = {"Authorization": f"Bearer {made['facilitator_key']}"}
    V = {"Authorization": f"Bearer {made['viewer_key']}"}
    body = {"ideas": {"faellesspisning": {"dose": 0.5}, "bike_paths": {"start": 12}}, "preview": True}
    r = c.post(f"/api/s/{sid}/whatif", json=body, headers=F)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["runs"] == 100 and out["meta"]["exploratory"] is True and out["preview"] is True
    assert set(out["effects"]) == {"faellesspisning", "bike_paths"} and len(out["shapley"]["shares"]) == 2
    assert sum(out["shapley"]["shares"]) == pytest.approx(1.0)
    full = c.post(f"/api/s/{sid}/whatif", json={**body, "preview": False}, headers=V).json()
    assert full["runs"] == 1000
    # the same numbers as the computation in process on the same draws
    from gmb.scenarios.whatif import whatif
    from gmb.serve.routes_whatif import session_model

    live = c.app.state.workshops.live(sid)
    _, model, sc = session_model(live.session, (sid, live.seq))
    ref = whatif(model, sc, {**body, "runs": 1000, "preview": False})
    assert full["effects"]["faellesspisning"]["median"] == ref["effects"]["faellesspisning"]["median"]
    r = c.post(f"/api/s/{sid}/whatif", json=body, headers={"Authorization": f"Bearer {me['key']}"})
    assert r.status_code == 403 and "error" in r.json()


def test_bad_settings_are_refused_with_the_field(havndal_app):
    c, made, _ = havndal_app
    sid, F = made["session"], {"Authorization": f"Bearer {made['facilitator_key']}"}
    for body, field in (({"ideas": {"ghost": {}}}, "ideas.ghost"),
                        ({"ideas": {"bike_paths": {"dose": 7}}}, "ideas.bike_paths.dose"),
                        ({"runs": 100000}, "runs"), ({"colour": "red"}, "colour")):  # fmt: skip
        r = c.post(f"/api/s/{sid}/whatif", json=body, headers=F)
        assert 400 <= r.status_code < 500 and r.json()["field"] == field, r.text
    assert c.post(f"/api/s/{sid}/whatif", json={}).status_code == 401


def test_the_facilitator_saves_a_setting_as_a_logged_named_scenario(havndal_app, tmp_path, monkeypatch):
    from gmb.commands import common
    from gmb.scenarios.settings import load_scenarios

    monkeypatch.setitem(common._state, "sessions_dir", tmp_path / "sessions")
    c, made, me = havndal_app
    sid, F = made["session"], {"Authorization": f"Bearer {made['facilitator_key']}"}
    workshops = c.app.state.workshops
    body = {
        "name": "Spis og cykl",
        "setting": {
            "ideas": {"faellesspisning": {"dose": 0.5}, "bike_paths": {"start": 12}, "soestien": {"on": False}},
            "preview": False,
        },
    }
    r = c.post(f"/api/s/{sid}/whatif/save", json=body, headers={"Authorization": f"Bearer {me['key']}"})
    assert r.status_code == 403
    n = len(workshops.events(sid))
    r = c.post(f"/api/s/{sid}/whatif/save", json=body, headers=F)
    assert r.status_code == 200, r.text
    log = workshops.events(sid)
    assert len(log) == n + 1
    ev = log[-1]
    fac = next(p for p in workshops.live(sid).session.participants if p.role.value == "facilitator")
    assert ev.op == "scenario" and ev.by == fac.id and ev.at.year >= 2026  # who and when, in the log
    assert ev.data["ideas"] == {
        "faellesspisning": {"dose": 0.5, "start": 0.0},
        "bike_paths": {"dose": 1.0, "start": 12.0},
    }
    saved = load_scenarios(tmp_path / "sessions" / sid / "scenarios.json").saved["Spis og cykl"]
    assert saved.event == ev.seq and saved.at == ev.at.isoformat() and saved.by == fac.name
    assert saved.ideas["faellesspisning"].dose == 0.5 and saved.ideas["bike_paths"].start == 12
    # refused saves log nothing: a taken name, an unknown idea
    assert c.post(f"/api/s/{sid}/whatif/save", json=body, headers=F).status_code == 409
    bad = {"name": "x", "setting": {"ideas": {"ghost": {}}}}
    assert c.post(f"/api/s/{sid}/whatif/save", json=bad, headers=F).status_code in (400, 404, 422)
    assert len(workshops.events(sid)) == n + 1
    # the map is unchanged by the event; the session replays with it
    from gmb.session.events import replay

    assert replay(workshops.events(sid)).links == workshops.live(sid).session.links


def test_the_panel_answers_in_two_phases(havndal_app):
    c, made, _ = havndal_app
    sid, F = made["session"], {"Authorization": f"Bearer {made['facilitator_key']}"}
    body = {"ideas": {"faellesspisning": {"dose": 0.8}, "bike_paths": {}, "soestien": {}}}
    chart = c.post(f"/api/s/{sid}/whatif", json={**body, "part": "chart"}, headers=F).json()
    split = c.post(f"/api/s/{sid}/whatif", json={**body, "part": "split"}, headers=F).json()
    whole = c.post(f"/api/s/{sid}/whatif", json=body, headers=F).json()
    assert chart["shapley"] is None and chart["shapley_pending"] is True
    assert split["shapley"] == whole["shapley"] and chart["effects"] == whole["effects"]


def test_warm_up_builds_the_model_and_compiles_the_study_before_the_first_page(havndal_app, caplog):
    from gmb.scenarios import whatif as wi
    from gmb.serve import routes_whatif as rw

    c, made, _ = havndal_app
    sid = made["session"]
    workshops = c.app.state.workshops
    rw._MODELS.clear()
    wi._CACHE.clear()
    rw.warm(workshops, [sid, "no-such-session"])  # a failure is logged, not raised
    key = rw._key(sid, workshops.live(sid))
    assert key in rw._MODELS
    assert {ck[4] for ck in wi._CACHE if ck[0] == key} == {rw.PREVIEW_RUNS, rw.FULL_RUNS}  # both requests' studies
    assert "no-such-session" in caplog.text
