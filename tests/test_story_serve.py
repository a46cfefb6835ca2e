"""Stories in gmb serve (issue 15, item 3): saved through the event log with who, refusals in the
session's language, the projector's story setting in the live view, the page's files."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("httpx")
from fastapi.testclient import TestClient
from views_sessions import HOSTILE, small_session

from gmb.serve.app import create_app

ADMIN = {"Authorization": "Bearer secret-admin-key"}


def H(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def room(tmp_path):
    app = create_app(os.path.join(tmp_path, "t.sqlite3"), admin_key="secret-admin-key")
    with TestClient(app) as c:
        made = c.post("/api/admin/import", json={"session": small_session().model_dump(mode="json")}, headers=ADMIN)
        made = made.json()
        yield c, made["session"], made["facilitator_key"], made["viewer_key"]


STEP = {"captions": {"da": HOSTILE[1], "en": "Loneliness and communities"}, "variables": ["ensomhed", "faellesskab"]}


def test_a_saved_story_is_an_event_with_who_and_updates_replace_it(room):
    c, sid, fac, view = room
    body = {"id": "rundtur", "title": {"da": "Rundtur"}, "steps": [STEP]}
    r = c.post(f"/api/s/{sid}/stories", json=body, headers=H(fac))
    assert r.status_code == 200, r.text
    second = {
        **STEP,
        "whatif": {"ideas": {"krea_cafe": {"dose": 0.5, "start": 2}}},
        "loop": ["frivillige", "udbraendthed"],
    }
    r = c.post(f"/api/s/{sid}/stories", json={**body, "steps": [STEP, second]}, headers=H(fac))
    assert r.status_code == 200, r.text
    events = c.get(f"/api/s/{sid}/events", headers=H(fac)).json()["events"]
    mine = [e for e in events if e["data"].get("kind") == "presentation"]
    me = c.get("/api/me", headers=H(fac)).json()["participant"]
    assert [e["op"] for e in mine] == ["add", "update"] and all(e["by"] == me and me for e in mine)
    got = c.get(f"/api/s/{sid}/stories", headers=H(view)).json()["presentations"]
    assert got[0]["steps"][1]["whatif"]["ideas"]["krea_cafe"] == {"on": True, "dose": 0.5, "start": 2.0}
    assert got[0]["steps"][0]["captions"]["da"] == HOSTILE[1] and got[0]["author"] == me
    # the same again changes nothing: refused, nothing logged
    r = c.post(f"/api/s/{sid}/stories", json={**body, "steps": [STEP, second]}, headers=H(fac))
    assert r.status_code == 409
    play = c.get(f"/api/s/{sid}/stories/rundtur/play?lang=en", headers=H(view)).json()
    assert play["steps"][1]["whatif"]["ideas"]["krea_cafe"]["dose"] == 0.5 and play["steps"][1]["result"] is None
    assert set(play["steps"][1]["nodes"]) == {"ensomhed", "faellesskab", "frivillige", "udbraendthed"}
    r = c.post(f"/api/s/{sid}/stories/rundtur/remove", headers=H(fac))
    assert r.status_code == 200 and c.get(f"/api/s/{sid}/stories", headers=H(fac)).json()["presentations"] == []


def test_refusals_name_the_step_in_the_sessions_language(room):
    c, sid, fac, view = room
    bad = {"id": "x", "steps": [STEP, {**STEP, "variables": ["nope"]}]}
    r = c.post(f"/api/s/{sid}/stories", json=bad, headers=H(fac))
    assert r.status_code == 422 and r.json()["error"] == "Trin 2: ukendt variabel 'nope'"
    assert r.json()["field"] == "steps[1].variables"
    r = c.post(f"/api/s/{sid}/stories", json={**bad, "lang": "en"}, headers=H(fac))
    assert r.json()["error"] == "Step 2: unknown variable 'nope'"
    wi = {"id": "x", "steps": [{**STEP, "whatif": {"ideas": {"krea_cafe": {"dose": 7}}}}]}
    r = c.post(f"/api/s/{sid}/stories", json=wi, headers=H(fac))
    assert r.status_code == 422 and r.json()["error"].startswith("Trin 1: hvad-nu-hvis-indstillingen er ugyldig")
    r = c.post(f"/api/s/{sid}/stories", json={"id": "x", "steps": [{**STEP, "captions": {}}]}, headers=H(fac))
    assert r.json()["error"] == "Trin 1 mangler en billedtekst"
    r = c.post(f"/api/s/{sid}/stories", json={"id": "x", "steps": [STEP]}, headers=H(view))
    assert r.status_code == 403
    assert c.get(f"/api/s/{sid}/stories", headers=H(fac)).json()["presentations"] == []


def test_the_projector_follows_the_story_the_facilitator_plays(room):
    c, sid, fac, view = room
    c.post(f"/api/s/{sid}/stories", json={"id": "r", "steps": [STEP, STEP]}, headers=H(fac))
    assert c.post(f"/api/s/{sid}/stories/play", json={"story": "r", "step": 1}, headers=H(view)).status_code == 403
    out = c.post(f"/api/s/{sid}/stories/play", json={"story": "r", "step": 0}, headers=H(fac)).json()
    assert out["id"] == "r" and out["step"] == 0
    # the projector's keys move the playing story (clamped to its last step), and the view says so
    out = c.post(f"/api/s/{sid}/stories/play", json={"story": "r", "step": 5}, headers=H(view)).json()
    assert out["step"] == 1
    import time

    for _ in range(50):
        state = c.get(f"/api/s/{sid}/state", headers=H(view)).json()
        if state["story"]["step"] == 1:
            break
        time.sleep(0.05)
    assert state["story"]["id"] == "r" and state["story"]["step"] == 1
    c.post(f"/api/s/{sid}/stories/play", json={"story": None}, headers=H(fac))
    assert c.get(f"/api/s/{sid}/stories", headers=H(view)).json()["playing"]["id"] is None


def test_the_page_and_its_scripts_are_served(room):
    c, *_ = room
    page = c.get("/s")
    assert page.status_code == 200 and "/static/story.js" in page.text and "<script>" not in page.text
    for name in ("story.js", "story_play.js", "story-visual.js"):
        r = c.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "GmbStory" in c.get("/static/story_play.js").text
    assert 'id="st-auto"' in page.text and 'id="st-export"' in page.text
    js = c.get("/static/story.js").text
    assert '"/stories/auto"' in js and '"/export"' in js and "Lav udkast ud fra analysen" in js


def test_a_steps_whatif_in_the_offline_page_equals_the_live_one(room):
    """The export precomputes what the server computes live: same model, draws and seed, same numbers."""
    from gmb.session.model import Presentation, PresentationStep, StepWhatif
    from gmb.views.story_whatif import step_results

    c, sid, _fac, view = room
    setting = {"ideas": {"krea_cafe": {"dose": 0.5, "start": 2}, "lan_fest": {"on": False}}}
    live = c.post(f"/api/s/{sid}/whatif", json=setting, headers=H(view))
    assert live.status_code == 200, live.text
    live = live.json()
    step = PresentationStep(captions={"da": "x"}, variables=("ensomhed",), whatif=StepWhatif(**setting))
    (offline,) = step_results(small_session(), Presentation(id="p", steps=(step,)), lang="da")
    assert offline["runs"] == live["runs"] == 1000 and offline["seed"] == live["seed"]
    for key in ("median", "p5", "p95", "p_improves"):
        assert offline["effects"]["krea_cafe"][key] == pytest.approx(live["effects"]["krea_cafe"][key], abs=1e-6)
    assert offline["fan"]["setting"]["p50"] == pytest.approx(live["fan"]["setting"]["p50"], abs=1e-6)
    assert offline["times"] == pytest.approx(live["times"]) and set(offline["effects"]) == {"krea_cafe"}


def test_the_page_drafts_a_story_from_the_analysis_with_who_and_replaces_it(room):
    from gmb.views.story import AUTO_ID, draft

    c, sid, fac, view = room
    r = c.post(f"/api/s/{sid}/stories/auto", headers=H(fac))
    assert r.status_code == 200, r.text
    assert r.json()["id"] == AUTO_ID
    r = c.post(f"/api/s/{sid}/stories/auto", headers=H(fac))
    assert r.status_code == 200, r.text
    me = c.get("/api/me", headers=H(fac)).json()["participant"]
    events = c.get(f"/api/s/{sid}/events", headers=H(fac)).json()["events"]
    mine = [e for e in events if e["data"].get("kind") == "presentation"]
    assert [e["op"] for e in mine] == ["add", "update"] and all(e["by"] == me and me for e in mine)
    got = c.get(f"/api/s/{sid}/stories", headers=H(view)).json()["presentations"]
    assert [p["id"] for p in got] == [AUTO_ID] and got[0]["author"] == me
    want = draft(small_session()).model_dump(mode="json")
    assert got[0]["steps"] == want["steps"] and len(want["steps"]) >= 2
    joined = c.post("/api/join", json={"code": room_code(c, sid, fac), "name": "Åse"}).json()
    assert c.post(f"/api/s/{sid}/stories/auto", headers=H(joined["key"])).status_code == 403
    assert c.post(f"/api/s/{sid}/stories/auto", headers=H(view)).status_code == 403
    assert len([e for e in c.get(f"/api/s/{sid}/events", headers=H(fac)).json()["events"]
                if e["data"].get("kind") == "presentation"]) == 2  # fmt: skip


def test_the_export_is_the_clis_offline_page_as_a_download(room):
    import re

    from gmb.session.model import Presentation
    from gmb.views.story import story_html

    c, sid, fac, view = room
    c.post(f"/api/s/{sid}/stories", json={"id": "rundtur", "title": {"da": "Rundtur"}, "steps": [STEP]}, headers=H(fac))
    r = c.get(f"/api/s/{sid}/stories/rundtur/export?lang=en", headers=H(view))
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="story-rundtur.html"'
    pres = Presentation.model_validate(c.get(f"/api/s/{sid}/stories", headers=H(fac)).json()["presentations"][0])
    assert r.text == story_html(small_session(), pres, lang="en")
    assert "Loneliness and communities" in r.text and "vis.Network" in r.text
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", r.text, re.IGNORECASE)
    assert c.get(f"/api/s/{sid}/stories/rundtur/export", headers=H(fac)).status_code == 200
    assert c.get(f"/api/s/{sid}/stories/nope/export", headers=H(fac)).status_code == 404
    joined = c.post("/api/join", json={"code": room_code(c, sid, fac), "name": "Bo"}).json()
    assert c.get(f"/api/s/{sid}/stories/rundtur/export", headers=H(joined["key"])).status_code == 403


def room_code(c, sid: str, fac: str) -> str:
    return c.get(f"/api/s/{sid}/state", headers=H(fac)).json()["join_code"]
