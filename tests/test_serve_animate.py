"""``GET /api/s/{sid}/animate`` (issue 15, item 2, served): the same JSON as the offline map's embed."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")


def _embedded(path):
    line = next(x for x in path.read_text("utf-8").splitlines() if x.strip().startswith("var gmbAnim = "))
    return json.loads(line.strip()[len("var gmbAnim = ") : -1])


def test_the_endpoint_returns_the_offline_maps_embed(havndal_app, tmp_path):
    from gmb.examples import load_example
    from gmb.serve.routes_whatif import session_model
    from gmb.views.animate import animation
    from gmb.views.map import write_map
    from gmb.workflow.studies import resolve_bundle

    c, made, _ = havndal_app
    sid, V = made["session"], {"Authorization": f"Bearer {made['viewer_key']}"}
    r = c.get(f"/api/s/{sid}/animate", params={"scenario": "faellesspisning", "runs": 100}, headers=V)
    assert r.status_code == 200, r.text
    served = r.json()
    assert served["runs"] == 100 and served["pushes"]["runs"] == 100 and len(served["pushes"]["items"]) >= 40
    # in process, independently of the server: the exported session's model and default scenarios
    graph, model, sc = session_model(load_example("havndal"), ("in-process", 0))
    t = model.time
    mine = animation(model, sc.interventions(resolve_bundle(sc, "faellesspisning")), runs=100, seed=0,
                     horizon=sc.horizon_for(t.unit, t.start, t.stop), name="faellesspisning")  # fmt: skip
    page = write_map(graph, tmp_path / "m.html", animation=mine)
    assert served == _embedded(page) == json.loads(json.dumps(mine))
    js = c.get("/static/animate.js")
    assert (
        js.status_code == 200 and "GmbAnimate" in js.text and js.headers["content-type"].startswith("text/javascript")
    )


def test_who_may_ask_and_bad_requests(havndal_app):
    c, made, me = havndal_app
    sid, F = made["session"], {"Authorization": f"Bearer {made['facilitator_key']}"}
    ok = c.get(f"/api/s/{sid}/animate", params={"scenario": "faellesspisning", "runs": 100, "push": "false"}, headers=F)
    assert ok.status_code == 200 and "pushes" not in ok.json() and ok.json()["pulse"]["words"]["da"]["down"] == "ned"
    P = {"Authorization": f"Bearer {me['key']}"}
    assert c.get(f"/api/s/{sid}/animate", params={"scenario": "faellesspisning"}, headers=P).status_code == 403
    assert c.get(f"/api/s/{sid}/animate", params={"scenario": "faellesspisning"}).status_code == 401
    bad = c.get(f"/api/s/{sid}/animate", params={"scenario": "nope"}, headers=F)
    assert bad.status_code == 404 and "nope" in bad.json()["error"]
    few = c.get(f"/api/s/{sid}/animate", params={"scenario": "faellesspisning", "runs": 5}, headers=F)
    assert few.status_code in (400, 422) and few.json()["field"] == "runs"
