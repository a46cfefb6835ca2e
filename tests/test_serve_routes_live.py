"""The live pages' extra routes (positions, accept all, withdraw, undo) and the feed's patches, in process."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from gmb.serve.app import create_app
from gmb.serve.feed import diff

ADMIN = {"Authorization": "Bearer secret-admin-key"}


@pytest.fixture
def room(tmp_path):
    app = create_app(str(tmp_path / "t.sqlite3"), admin_key="secret-admin-key")
    with TestClient(app) as c:
        made = c.post("/api/sessions", json={"title": "Rum"}, headers=ADMIN).json()
        me = c.post("/api/join", json={"code": made["join_code"], "name": "Ada"}).json()
        other = c.post("/api/join", json={"code": made["join_code"], "name": "Bo"}).json()
        sid = made["session"]
        F = {"Authorization": f"Bearer {made['facilitator_key']}"}
        P = {"Authorization": f"Bearer {me['key']}"}
        Q = {"Authorization": f"Bearer {other['key']}"}
        for label in ("Søvn", "Tryghed"):
            assert c.post(f"/api/s/{sid}/variables", json={"label": label}, headers=P).status_code == 200

        def state():
            return c.get(f"/api/s/{sid}/state", headers=F).json()

        yield c, sid, F, P, Q, state


def test_positions_are_stored_by_the_facilitator_only(room):
    c, sid, F, P, _, state = room
    r = c.post(f"/api/s/{sid}/positions", json={"positions": {"søvn": [10.04, -3], "tryghed": [200, 5]}}, headers=F)
    assert r.status_code == 200 and len(r.json()["events"]) == 2
    assert {v["id"]: v["position"] for v in state()["variables"]} == {"søvn": [10.0, -3.0], "tryghed": [200.0, 5.0]}
    assert c.post(f"/api/s/{sid}/positions", json={"positions": {"søvn": [10, -3]}}, headers=F).status_code == 409
    assert c.post(f"/api/s/{sid}/positions", json={"positions": {"søvn": [1, 1]}}, headers=P).status_code == 403
    assert c.post(f"/api/s/{sid}/positions", json={"positions": {"nope": [1, 1]}}, headers=F).status_code == 404


def test_accept_all_then_undo_then_withdraw(room):
    c, sid, F, P, Q, state = room
    assert c.post(f"/api/s/{sid}/accept-all", json={}, headers=P).status_code == 403
    r = c.post(f"/api/s/{sid}/accept-all", json={"items": [{"kind": "variable", "id": "søvn"}]}, headers=F)
    assert r.status_code == 200 and len(r.json()["events"]) == 1
    assert c.post(f"/api/s/{sid}/accept-all", json={}, headers=F).status_code == 200
    assert all(v["accepted_by"] for v in state()["variables"])
    assert c.post(f"/api/s/{sid}/accept-all", json={}, headers=F).status_code == 409  # nothing waits
    # Undo the last change (accepting "tryghed"): an event of its own; the item waits again.
    before = state()["seq"]
    assert c.post(f"/api/s/{sid}/undo", json={"seq": before}, headers=F).status_code == 200
    after = state()
    assert after["seq"] == before + 1
    assert {v["id"]: v["accepted_by"] for v in after["variables"]} == {"søvn": "facilitator", "tryghed": None}
    # Someone else's item cannot be withdrawn; one's own, while not accepted, can.
    assert c.post(f"/api/s/{sid}/withdraw", json={"kind": "variable", "id": "tryghed"}, headers=Q).status_code == 403
    assert c.post(f"/api/s/{sid}/withdraw", json={"kind": "variable", "id": "søvn"}, headers=P).status_code == 403
    assert c.post(f"/api/s/{sid}/withdraw", json={"kind": "variable", "id": "tryghed"}, headers=P).status_code == 200
    assert [v["id"] for v in state()["variables"]] == ["søvn"]
    # Undo the removal: the variable is back as it was (proposed by Ada, not accepted).
    assert c.post(f"/api/s/{sid}/undo", json={}, headers=F).status_code == 200
    back = {v["id"]: v for v in state()["variables"]}["tryghed"]
    assert back["accepted_by"] is None and back["labels"] == {"da": "Tryghed"}
    # Undo an add: the variable goes; a stale seq is refused.
    assert c.post(f"/api/s/{sid}/variables", json={"label": "Motion"}, headers=P).status_code == 200
    assert c.post(f"/api/s/{sid}/undo", json={"seq": 1}, headers=F).status_code == 409
    assert c.post(f"/api/s/{sid}/undo", json={}, headers=F).status_code == 200
    assert "motion" not in {v["id"] for v in state()["variables"]}


def test_undo_skips_map_moves(room):
    c, sid, F, _, _, state = room
    assert c.post(f"/api/s/{sid}/accept-all", json={}, headers=F).status_code == 200
    assert c.post(f"/api/s/{sid}/positions", json={"positions": {"søvn": [1, 2]}}, headers=F).status_code == 200
    assert c.post(f"/api/s/{sid}/undo", json={}, headers=F).status_code == 200  # undoes the accept, not the move
    got = {v["id"]: (v["accepted_by"], v["position"]) for v in state()["variables"]}
    assert got == {"søvn": ("facilitator", [1.0, 2.0]), "tryghed": (None, None)}


def test_state_carries_a_version_and_patches_rebuild_it(room):
    c, sid, _, P, _, state = room
    one = state()
    assert c.post(f"/api/s/{sid}/variables", json={"label": "Motion"}, headers=P).status_code == 200
    assert c.post(f"/api/s/{sid}/edit", json={"kind": "variable", "id": "søvn", "labels": {"da": "Søvn om natten"}},
                  headers=P).status_code == 200  # fmt: skip
    two = state()
    assert two["version"] > one["version"] and two["seq"] == one["seq"] + 2
    patch = diff(one, two)
    # Applying the patch the way the page does gives the new state.
    rebuilt = {**one, **patch["top"], "version": patch["to"], "seq": patch["seq"]}
    for kind in ("variables", "links", "ideas"):
        items = [x for x in rebuilt[kind] if x["id"] not in set(patch["del"].get(kind, []))]
        at = {x["id"]: i for i, x in enumerate(items)}
        for x in patch["set"].get(kind, []):
            if x["id"] in at:
                items[at[x["id"]]] = x
            else:
                items.append(x)
        rebuilt[kind] = items
    rebuilt["recent"] = (patch.get("recent", []) + one["recent"])[:40]
    assert rebuilt == two
    assert [x["id"] for x in patch["set"]["variables"]] == ["søvn", "motion"]  # only what changed travels


def test_reject_with_a_reason_is_logged_and_shown_to_the_proposer(room):
    c, sid, F, P, Q, state = room
    body = {"kind": "variable", "id": "tryghed", "reason": "Samme som søvn"}
    assert c.post(f"/api/s/{sid}/reject", json=body, headers=P).status_code == 403  # only the facilitator
    assert c.post(f"/api/s/{sid}/reject", json={**body, "reason": "  "}, headers=F).status_code == 422
    assert c.post(f"/api/s/{sid}/reject", json=body, headers=F).status_code == 200
    s = state()
    assert [v["id"] for v in s["variables"]] == ["søvn"]
    ada = next(p["id"] for p in s["participants"] if p["name"] == "Ada")
    [got] = s["rejected"]
    assert (got["kind"], got["id"], got["reason"], got["proposed_by"], got["labels"]) == (
        "variable",
        "tryghed",
        "Samme som søvn",
        ada,
        {"da": "Tryghed"},
    )
    # An accepted item is not rejected (it is removed, a different thing).
    assert c.post(f"/api/s/{sid}/accept-all", json={}, headers=F).status_code == 200
    assert c.post(f"/api/s/{sid}/reject", json={**body, "id": "søvn"}, headers=F).status_code == 409
    # A link too; the newest rejection comes first.
    assert c.post(f"/api/s/{sid}/variables", json={"label": "Motion"}, headers=Q).status_code == 200
    assert (
        c.post(
            f"/api/s/{sid}/links", json={"cause": "motion", "effect": "søvn", "polarity": "+"}, headers=Q
        ).status_code
        == 200
    )
    assert (
        c.post(f"/api/s/{sid}/reject", json={"kind": "link", "id": "L1", "reason": "Uklart"}, headers=F).status_code
        == 200
    )
    assert [(r["kind"], r["reason"], r.get("cause")) for r in state()["rejected"]] == [
        ("link", "Uklart", "motion"),
        ("variable", "Samme som søvn", None),
    ]


def test_accept_selected_accepts_only_the_chosen(room):
    c, sid, F, P, _, state = room
    assert c.post(f"/api/s/{sid}/variables", json={"label": "Motion"}, headers=P).status_code == 200
    chosen = [{"kind": "variable", "id": "søvn"}, {"kind": "variable", "id": "motion"}]
    r = c.post(f"/api/s/{sid}/accept-all", json={"items": chosen}, headers=F)
    assert r.status_code == 200 and len(r.json()["events"]) == 2
    assert {v["id"]: bool(v["accepted_by"]) for v in state()["variables"]} == {
        "søvn": True,
        "tryghed": False,
        "motion": True,
    }
    assert c.post(f"/api/s/{sid}/accept-all", json={"items": chosen}, headers=F).status_code == 409


def test_projector_setting_is_the_facilitators_and_reaches_the_view(room):
    c, sid, F, P, _, state = room
    one = state()
    assert one["projector"]["panel"] == "auto"
    assert c.post(f"/api/s/{sid}/projector", json={"panel": "ideas"}, headers=P).status_code == 403
    assert c.post(f"/api/s/{sid}/projector", json={"panel": "nowhere"}, headers=F).status_code == 422
    r = c.post(f"/api/s/{sid}/projector", json={"panel": "loops", "loop": 2}, headers=F)
    assert r.status_code == 200
    two = state()
    assert (two["projector"]["panel"], two["projector"]["loop"]) == ("loops", 2)
    assert two["seq"] == one["seq"] and two["version"] > one["version"]  # nothing logged, but a new view
    assert diff(one, two)["top"]["projector"] == two["projector"]  # so the patch carries it
    c.post(f"/api/s/{sid}/projector", json={"panel": "activity"}, headers=F)
    assert (state()["projector"]["panel"], state()["projector"]["loop"]) == ("activity", 2)  # the loop kept


def test_projector_travel_is_the_facilitators_and_reaches_the_view(room):
    # watch it travel: what the facilitator plays goes to every projector (a view setting, nothing logged)
    c, sid, F, P, _, state = room
    one = state()
    assert one["travel"] == {"scenario": None, "show": "idea", "n": 0}
    url = f"/api/s/{sid}/projector/travel"
    assert c.post(url, json={"scenario": "x", "show": "idea"}, headers=P).status_code == 403
    assert c.post(url, json={"scenario": "x", "show": "push"}, headers=F).status_code == 422  # push of what?
    assert c.post(url, json={"scenario": "x", "show": "replay"}, headers=F).status_code == 422
    assert c.post(url, json={"scenario": "x", "show": "push:a"}, headers=F).status_code == 200
    two = state()
    assert two["travel"] == {"scenario": "x", "show": "push:a", "n": 1}
    assert two["seq"] == one["seq"] and two["version"] > one["version"]
    assert diff(one, two)["top"]["travel"] == two["travel"]  # so the patch carries it to the projector
    assert c.post(url, json={"scenario": None}, headers=F).status_code == 200  # stop
    assert state()["travel"] == {"scenario": None, "show": "idea", "n": 2}
