"""gmb serve's JSON API through the framework's test client: every action and every refusal."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from gmb.serve.app import MAX_BODY, create_app
from gmb.serve.security import Limits

ADMIN = "test-admin-key-0123456789"
STATIC = Path(__file__).resolve().parent.parent / "gmb" / "serve" / "static"


def H(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "serve.sqlite3"


@pytest.fixture
def client(db_path):
    with TestClient(create_app(db_path, admin_key=ADMIN)) as c:
        yield c


def new_workshop(c, title="Havndal værksted") -> SimpleNamespace:
    r = c.post("/api/sessions", json={"title": title, "languages": ["da", "en"]}, headers=H(ADMIN))
    assert r.status_code == 200, r.text
    made = r.json()
    ws = SimpleNamespace(sid=made["session"], fac=made["facilitator_key"], viewer=made["viewer_key"],
                         code=made["join_code"], fac_id=made["facilitator"], made=made)  # fmt: skip
    for name in ("p1", "p2"):
        r = c.post("/api/join", json={"code": ws.code, "name": f"Deltager {name} æøå"})
        assert r.status_code == 200, r.text
        setattr(ws, name, r.json()["key"])
        setattr(ws, name + "_id", r.json()["participant"])
    return ws


@pytest.fixture
def ws(client):
    return new_workshop(client)


def state(c, ws, key=None):
    r = c.get(f"/api/s/{ws.sid}/state", headers=H(key or ws.fac))
    assert r.status_code == 200, r.text
    return r.json()


def post(c, ws, path, body=None, key=None):
    return c.post(f"/api/s/{ws.sid}{path}", json={} if body is None else body, headers=H(key or ws.p1))


def events(c, ws):
    r = c.get(f"/api/s/{ws.sid}/events", headers=H(ws.fac))
    assert r.status_code == 200
    return r.json()["events"]


def add_var(c, ws, label, key=None):
    r = post(c, ws, "/variables", {"label": label, "lang": "da"}, key)
    assert r.status_code == 200, r.text
    return r.json()["id"]


# -- creating, joining, keys ----------------------------------------------------------------------
def test_create_session_gives_private_links_and_stores_only_hashes(client, ws, db_path):
    made = ws.made
    assert made["links"]["facilitator"] == f"/f#key={ws.fac}"  # the key sits after '#': never sent to a server
    assert made["links"]["projector"].startswith("/v#key=")
    assert len(ws.code) == 6 and ws.code.isalnum() and ws.code.isupper()
    s = state(client, ws)
    assert [st["id"] for st in s["stages"]] == ["W0", "W1", "W2", "W3"]
    assert s["stage"] == "W0"
    roles = {p["id"]: p["role"] for p in s["participants"]}
    assert roles[ws.fac_id] == "facilitator" and roles[ws.p1_id] == "participant"
    raw = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                  if db_path.with_name(db_path.name + "-wal").exists() else b"")  # fmt: skip
    for key in (ws.fac, ws.viewer, ws.p1, ws.p2):
        secret = key.split(".", 1)[1]
        assert secret.encode() not in raw
    rows = sqlite3.connect(db_path).execute("SELECT secret_hash FROM gmb_tokens").fetchall()
    assert len(rows) == 4 and all(len(r[0]) == 64 for r in rows)


def test_creating_needs_the_admin_key(client, db_path):
    body = {"title": "x"}
    assert client.post("/api/sessions", json=body).status_code == 401
    assert client.post("/api/sessions", json=body, headers=H("wrong-key")).status_code == 401
    with TestClient(create_app(db_path, admin_key=None)) as c:
        r = c.post("/api/sessions", json=body, headers=H(ADMIN))
        assert r.status_code == 403 and "switched off" in r.json()["error"]


def test_join_with_a_wrong_code_is_refused(client, ws):
    r = client.post("/api/join", json={"code": "ZZZZZZ" if ws.code != "ZZZZZZ" else "YYYYYY", "name": "x"})
    assert r.status_code == 401 and r.json()["field"] == "code"
    r = client.post("/api/join", json={"code": ws.code.lower()[:3] + "-" + ws.code.lower()[3:], "name": "Bo"})
    assert r.status_code == 200  # people type codes in lower case, with a dash
    r = client.post("/api/join", json={"code": ws.code, "name": ""})
    assert r.status_code == 422


def test_join_is_an_event_by_the_newcomer(client, ws):
    log = events(client, ws)
    joined = [e for e in log if e["op"] == "add" and e["data"]["kind"] == "participant" and e["by"] == ws.p1_id]
    assert len(joined) == 1 and joined[0]["data"]["item"]["name"] == "Deltager p1 æøå"
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))


def test_me_says_who_the_key_is(client, ws):
    me = client.get("/api/me", headers=H(ws.p1)).json()
    assert me == {"session": ws.sid, "role": "participant", "participant": ws.p1_id, "name": "Deltager p1 æøå",
                  "title": "Havndal værksted", "join_code": ws.code}  # fmt: skip
    assert client.get("/api/me", headers=H(ws.viewer)).json()["role"] == "viewer"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer nodot"},
        {"Authorization": "Bearer abc.def"},
    ],
)
def test_missing_or_unknown_keys_are_refused(client, ws, headers):
    assert client.get(f"/api/s/{ws.sid}/state", headers=headers).status_code == 401
    assert client.post(f"/api/s/{ws.sid}/variables", json={"label": "x"}, headers=headers).status_code == 401


def test_right_key_id_with_wrong_secret_is_refused(client, ws):
    key_id, secret = ws.p1.split(".", 1)
    forged = key_id + "." + ("A" if secret[0] != "A" else "B") + secret[1:]
    assert client.get(f"/api/s/{ws.sid}/state", headers=H(forged)).status_code == 401


def test_a_key_works_only_in_its_own_session(client, ws):
    other = new_workshop(client, "Another session")
    r = client.post(f"/api/s/{other.sid}/variables", json={"label": "Intruder"}, headers=H(ws.p1))
    assert r.status_code == 403 and "another session" in r.json()["error"]
    assert client.get(f"/api/s/{other.sid}/state", headers=H(ws.fac)).status_code == 403
    assert client.get("/api/s/no-such-session/state", headers=H(ws.fac)).status_code == 403
    assert not any(v["labels"].get("da") == "Intruder" for v in state(client, other, other.fac)["variables"])


# -- participants' actions -------------------------------------------------------------------------
def test_add_variable_records_who_when_and_stage(client, ws):
    r = post(client, ws, "/variables", {"label": "Børns søvn", "lang": "da"})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "børns_søvn" and body["seq"] == body["events"][-1]
    var = next(v for v in state(client, ws)["variables"] if v["id"] == body["id"])
    assert var["labels"] == {"da": "Børns søvn"} and var["proposed_by"] == ws.p1_id and var["stage"] == "W0"
    assert var["accepted_by"] is None and var["proposed_at"]
    last = events(client, ws)[-1]
    assert last["op"] == "add" and last["by"] == ws.p1_id and last["at"] and last["seq"] == body["seq"]


def test_duplicate_variable_label_is_refused(client, ws):
    add_var(client, ws, "Søvn")
    r = post(client, ws, "/variables", {"label": "søvn", "lang": "en"}, ws.p2)
    assert r.status_code == 409 and r.json()["field"] == "label"


def test_add_link_with_polarity_delay_strength(client, ws):
    a, b = add_var(client, ws, "Skærmtid"), add_var(client, ws, "Søvn")
    r = post(
        client, ws, "/links", {"cause": a, "effect": b, "polarity": "-", "delay": True, "strength": "strong"}, ws.p2
    )
    assert r.status_code == 200
    link = next(x for x in state(client, ws)["links"] if x["id"] == r.json()["id"])
    assert (link["cause"], link["effect"], link["polarity"], link["delay"], link["strength"]) == (
        a,
        b,
        "-",
        True,
        "strong",
    )
    assert link["proposed_by"] == ws.p2_id


def test_link_refusals(client, ws):
    a, b = add_var(client, ws, "A"), add_var(client, ws, "B")
    assert post(client, ws, "/links", {"cause": a, "effect": b, "polarity": "+"}).status_code == 200
    r = post(client, ws, "/links", {"cause": a, "effect": b, "polarity": "-"}, ws.p2)
    assert r.status_code == 409 and "exists already" in r.json()["error"]
    r = post(client, ws, "/links", {"cause": a, "effect": "nowhere"})
    assert r.status_code == 404 and r.json()["field"] == "effect"
    r = post(client, ws, "/links", {"cause": b, "effect": b})
    assert r.status_code == 422 and "itself" in r.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        {},  # missing fields
        {"cause": "a", "effect": "b", "polarity": "x"},  # not a polarity
        {"cause": "a", "effect": "b", "strength": "huge"},
        {"cause": "a", "effect": "b", "delay": "maybe"},
        {"cause": "a", "effect": "b", "colour": "red"},  # unknown field
        {"cause": "a b", "effect": "b"},  # not an id
        ["a", "b"],  # not an object
    ],
)
def test_malformed_link_payloads_are_refused(client, ws, body):
    r = post(client, ws, "/links", body)
    assert r.status_code == 422, r.text
    assert "error" in r.json()


@pytest.mark.parametrize("body", [{"label": ""}, {"label": "x" * 201}, {"label": "ok", "lang": "dansk"}, {"label": 5}])
def test_malformed_variable_payloads_are_refused(client, ws, body):
    assert post(client, ws, "/variables", body).status_code == 422


def test_non_json_bodies_are_refused(client, ws):
    url = f"/api/s/{ws.sid}/variables"
    r = client.post(url, content=b"label=x", headers={**H(ws.p1), "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415  # a cross-site form cannot post to the API
    r = client.post(url, content=b"{not json", headers={**H(ws.p1), "Content-Type": "application/json"})
    assert r.status_code == 422


def test_support_and_dispute_and_changing_sides(client, ws):
    a, b = add_var(client, ws, "A"), add_var(client, ws, "B")
    link = post(client, ws, "/links", {"cause": a, "effect": b, "polarity": "+"}).json()["id"]
    assert post(client, ws, f"/links/{link}/opinion", {"stance": "support"}, ws.p2).status_code == 200
    r = post(client, ws, f"/links/{link}/opinion", {"stance": "support"}, ws.p2)
    assert r.status_code == 409
    got = next(x for x in state(client, ws)["links"] if x["id"] == link)
    assert got["supporters"] == [ws.p2_id] and got["disputers"] == []
    assert post(client, ws, f"/links/{link}/opinion", {"stance": "dispute"}, ws.p2).status_code == 200
    got = next(x for x in state(client, ws)["links"] if x["id"] == link)
    assert got["supporters"] == [] and got["disputers"] == [ws.p2_id]
    ops = [e["op"] for e in events(client, ws)][-3:]
    assert ops == ["support", "update", "dispute"]  # the change of mind is in the log, step by step
    assert post(client, ws, "/links/nope/opinion", {"stance": "support"}).status_code == 404
    assert post(client, ws, f"/links/{link}/opinion", {"stance": "maybe"}).status_code == 422


def test_ideas_and_votes(client, ws):
    a = add_var(client, ws, "Skærmtid")
    r = post(
        client,
        ws,
        "/ideas",
        {"label": "Skærmfri aftener", "lang": "da", "targets": [{"variable": a, "direction": "-"}]},
    )
    assert r.status_code == 200
    idea = r.json()["id"]
    assert post(client, ws, f"/ideas/{idea}/vote", key=ws.p1).status_code == 200
    assert post(client, ws, f"/ideas/{idea}/vote", key=ws.p2).status_code == 200
    assert post(client, ws, f"/ideas/{idea}/vote", key=ws.p2).status_code == 409
    got = next(i for i in state(client, ws)["ideas"] if i["id"] == idea)
    assert sorted(got["votes"]) == sorted([ws.p1_id, ws.p2_id])
    assert got["targets"] == [{"variable": a, "direction": "-"}]
    assert post(client, ws, f"/ideas/{idea}/unvote", key=ws.p2).status_code == 200
    assert post(client, ws, f"/ideas/{idea}/unvote", key=ws.p2).status_code == 409
    assert next(i for i in state(client, ws)["ideas"] if i["id"] == idea)["votes"] == [ws.p1_id]
    r = post(client, ws, "/ideas", {"label": "x", "targets": [{"variable": "ghost"}]})
    assert r.status_code == 422 and "ghost" in r.json()["error"]
    assert post(client, ws, "/ideas/none/vote").status_code == 404


def test_the_projector_key_can_only_watch(client, ws):
    assert client.get(f"/api/s/{ws.sid}/state", headers=H(ws.viewer)).status_code == 200
    r = post(client, ws, "/variables", {"label": "x"}, ws.viewer)
    assert r.status_code == 403 and "watch" in r.json()["error"]


# -- editing: nothing silently overwritten --------------------------------------------------------------
def test_two_edits_are_both_logged_and_the_later_wins_visibly(client, ws):
    var = add_var(client, ws, "Sovn")
    assert post(client, ws, "/edit", {"kind": "variable", "id": var, "labels": {"da": "Søvn"}}).status_code == 200
    r = post(client, ws, "/edit", {"kind": "variable", "id": var, "labels": {"en": "Sleep"}}, ws.fac)
    assert r.status_code == 200
    r = post(client, ws, "/edit", {"kind": "variable", "id": var, "labels": {"da": "Nattesøvn"}}, ws.fac)
    got = next(v for v in state(client, ws)["variables"] if v["id"] == var)
    assert got["labels"] == {"da": "Nattesøvn", "en": "Sleep"}  # editing Danish kept the English label
    assert got["edits"]["count"] == 4 and got["edits"]["last_by"] == ws.fac_id and got["edits"]["last_op"] == "update"
    hist = client.get(f"/api/s/{ws.sid}/history/variable/{var}", headers=H(ws.p2)).json()["events"]
    assert [e["by"] for e in hist] == [ws.p1_id, ws.p1_id, ws.fac_id, ws.fac_id]
    assert [e["data"].get("changes", {}).get("labels", {}).get("da") for e in hist[1:]] == ["Søvn", "Søvn", "Nattesøvn"]


def test_edit_refusals(client, ws):
    mine = add_var(client, ws, "Mine")
    r = post(client, ws, "/edit", {"kind": "variable", "id": mine, "labels": {"da": "Theirs"}}, ws.p2)
    assert r.status_code == 403 and "own proposals" in r.json()["error"]
    assert post(client, ws, "/accept", {"kind": "variable", "id": mine}, ws.fac).status_code == 200
    r = post(client, ws, "/edit", {"kind": "variable", "id": mine, "labels": {"da": "Changed"}})
    assert r.status_code == 403  # accepted: only the facilitator changes it now
    r = post(client, ws, "/edit", {"kind": "variable", "id": mine, "polarity": "+"}, ws.fac)
    assert r.status_code == 422 and r.json()["field"] == "polarity"
    r = post(client, ws, "/edit", {"kind": "variable", "id": mine}, ws.fac)
    assert r.status_code == 422
    r = post(client, ws, "/edit", {"kind": "variable", "id": mine, "labels": {"da": "Mine"}}, ws.fac)
    assert r.status_code == 409  # nothing would change: nothing is logged
    assert post(client, ws, "/edit", {"kind": "thing", "id": mine}, ws.fac).status_code == 422
    assert post(client, ws, "/edit", {"kind": "link", "id": "L99", "polarity": "+"}, ws.fac).status_code == 404


def test_edit_link_polarity_is_logged(client, ws):
    a, b = add_var(client, ws, "A"), add_var(client, ws, "B")
    link = post(client, ws, "/links", {"cause": a, "effect": b}).json()["id"]
    assert post(client, ws, "/edit", {"kind": "link", "id": link, "polarity": "-", "delay": True}).status_code == 200
    got = next(x for x in state(client, ws)["links"] if x["id"] == link)
    assert got["polarity"] == "-" and got["delay"] is True
    assert events(client, ws)[-1]["data"] == {"kind": "link", "id": link, "changes": {"polarity": "-", "delay": True}}


# -- the facilitator's tools ------------------------------------------------------------------------
FACILITATOR_ONLY = [
    ("/accept", {"kind": "variable", "id": "x"}),
    ("/remove", {"kind": "variable", "id": "x"}),
    ("/merge", {"keep": "x", "duplicate": "y"}),
    ("/stage", {"stage": "W1"}),
    ("/lock", {"stage": "W0", "locked": True}),
    ("/keys", {"role": "viewer"}),
]


@pytest.mark.parametrize("path,body", FACILITATOR_ONLY)
def test_participants_cannot_do_facilitator_actions(client, ws, path, body):
    add_var(client, ws, "x")
    add_var(client, ws, "y")
    before = len(events(client, ws))
    r = post(client, ws, path, body, ws.p1)
    assert r.status_code == 403, r.text
    assert len(events(client, ws)) == before


@pytest.mark.parametrize("path", ["/events", "/export"])
def test_participants_cannot_read_the_whole_log_or_export(client, ws, path):
    assert client.get(f"/api/s/{ws.sid}{path}", headers=H(ws.p1)).status_code == 403
    assert client.get(f"/api/s/{ws.sid}{path}", headers=H(ws.viewer)).status_code == 403
    assert client.get(f"/api/s/{ws.sid}{path}", headers=H(ws.fac)).status_code == 200


def test_accept_and_remove(client, ws):
    a, b = add_var(client, ws, "A"), add_var(client, ws, "B")
    link = post(client, ws, "/links", {"cause": a, "effect": b}).json()["id"]
    assert post(client, ws, "/accept", {"kind": "link", "id": link}, ws.fac).status_code == 200
    assert post(client, ws, "/accept", {"kind": "link", "id": link}, ws.fac).status_code == 409
    assert next(x for x in state(client, ws)["links"] if x["id"] == link)["accepted_by"] == ws.fac_id
    assert post(client, ws, "/remove", {"kind": "variable", "id": a}, ws.fac).status_code == 200
    s = state(client, ws)
    assert a not in {v["id"] for v in s["variables"]} and s["links"] == []  # the variable took its link along
    tail = events(client, ws)[-2:]
    assert [(e["op"], e["data"]["kind"]) for e in tail] == [("remove", "link"), ("remove", "variable")]
    assert post(client, ws, "/remove", {"kind": "variable", "id": a}, ws.fac).status_code == 404


def test_merge_synonyms_rewires_links_and_pools_support(client, ws):
    keep, dup, c_, d = (add_var(client, ws, x) for x in ("Søvn", "Nattesøvn", "Trivsel", "Skærmtid"))
    l_keep = post(client, ws, "/links", {"cause": keep, "effect": c_, "polarity": "+"}).json()["id"]
    l_dup = post(client, ws, "/links", {"cause": dup, "effect": c_, "polarity": "+"}, ws.p2).json()["id"]
    l_in = post(client, ws, "/links", {"cause": d, "effect": dup, "polarity": "-"}).json()["id"]
    l_between = post(client, ws, "/links", {"cause": keep, "effect": dup, "polarity": "+"}).json()["id"]
    post(client, ws, f"/links/{l_dup}/opinion", {"stance": "support"}, ws.p1)
    idea = post(client, ws, "/ideas", {"label": "Sove mere", "targets": [{"variable": dup}]}).json()["id"]
    before = events(client, ws)[-1]["seq"]
    r = post(client, ws, "/merge", {"keep": keep, "duplicate": dup}, ws.fac)
    assert r.status_code == 200, r.text
    s = state(client, ws)
    assert dup not in {v["id"] for v in s["variables"]}
    links = {x["id"]: x for x in s["links"]}
    assert set(links) == {l_keep, l_in}  # l_dup was the same link as l_keep; l_between became a self-loop
    assert links[l_in]["cause"] == d and links[l_in]["effect"] == keep and links[l_in]["polarity"] == "-"
    assert links[l_keep]["supporters"] == [ws.p1_id]  # support given to the duplicate link carried over
    assert next(i for i in s["ideas"] if i["id"] == idea)["targets"] == [{"variable": keep, "direction": "+"}]
    kept = next(v for v in s["variables"] if v["id"] == keep)
    assert "Nattesøvn" in kept["notes"]
    merged = [e for e in events(client, ws) if e["seq"] > before]
    assert [e["seq"] for e in merged] == r.json()["events"] and all(e["by"] == ws.fac_id for e in merged)
    assert {(e["op"], e["data"].get("kind")) for e in merged} >= {("remove", "link"), ("update", "link"),
                                                                  ("update", "idea"), ("remove", "variable")}  # fmt: skip
    assert l_between not in links
    r = post(client, ws, "/merge", {"keep": keep, "duplicate": keep}, ws.fac)
    assert r.status_code == 422


def test_stages_move_lock_and_close(client, ws):
    assert post(client, ws, "/stage", {"stage": "W1"}, ws.fac).status_code == 200
    s = state(client, ws)
    assert s["stage"] == "W1" and [st["locked"] for st in s["stages"]] == [True, False, False, False]
    var = add_var(client, ws, "I W1")
    assert next(v for v in state(client, ws)["variables"] if v["id"] == var)["stage"] == "W1"
    assert post(client, ws, "/stage", {"stage": "W1"}, ws.fac).status_code == 409
    assert post(client, ws, "/stage", {"stage": "W0"}, ws.fac).status_code == 200  # back again
    assert state(client, ws)["stage"] == "W0"
    assert post(client, ws, "/stage", {"stage": "W5"}, ws.fac).status_code == 422
    for st in ("W0", "W1", "W2", "W3"):
        assert post(client, ws, "/lock", {"stage": st, "locked": True}, ws.fac).status_code == 200
    assert state(client, ws)["stage"] is None
    r = post(client, ws, "/variables", {"label": "too late"})
    assert r.status_code == 403 and "closed" in r.json()["error"]
    assert client.post("/api/join", json={"code": ws.code, "name": "late"}).status_code == 403
    assert post(client, ws, "/variables", {"label": "facilitator may"}, ws.fac).status_code == 200
    assert post(client, ws, "/lock", {"stage": "W3", "locked": True}, ws.fac).status_code == 409
    assert post(client, ws, "/lock", {"stage": "W3", "locked": False}, ws.fac).status_code == 200
    assert state(client, ws)["stage"] == "W3"


def test_facilitator_can_hand_out_a_projector_key(client, ws):
    r = post(client, ws, "/keys", {"role": "viewer"}, ws.fac)
    assert r.status_code == 200 and r.json()["link"].startswith("/v#key=")
    assert client.get("/api/me", headers=H(r.json()["key"])).json()["role"] == "viewer"
    assert post(client, ws, "/keys", {"role": "participant"}, ws.fac).status_code == 422


# -- import / export ----------------------------------------------------------------------------------
def test_export_and_import_round_trip(client, ws):
    a, b = add_var(client, ws, "Søvn"), add_var(client, ws, "Trivsel")
    post(client, ws, "/links", {"cause": a, "effect": b, "polarity": "+", "delay": True})
    r = client.get(f"/api/s/{ws.sid}/export", headers=H(ws.fac))
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    exported = r.json()
    assert exported["last_event"] == events(client, ws)[-1]["seq"]
    r = client.post("/api/admin/import", json={"session": exported, "id": "kopi"}, headers=H(ADMIN))
    assert r.status_code == 200, r.text
    copy = SimpleNamespace(sid="kopi", fac=r.json()["facilitator_key"])
    original, imported = state(client, ws), state(client, copy)
    for part in ("variables", "links", "participants", "stages", "ideas"):
        strip = lambda items: [{k: v for k, v in x.items() if k != "edits"} for x in items]
        assert strip(imported[part]) == strip(original[part]), part
    assert (
        client.post("/api/admin/import", json={"session": exported, "id": "kopi"}, headers=H(ADMIN)).status_code == 409
    )
    r = client.post("/api/admin/import", json={"session": {"title": "x", "links": [{"id": "L", "cause": "a", "effect": "b"}]}},
                    headers=H(ADMIN))  # fmt: skip
    assert r.status_code == 422 and "unknown variable" in r.json()["error"]
    assert client.post("/api/admin/import", json={"session": exported}, headers=H(ws.fac)).status_code == 401


# -- limits and headers ------------------------------------------------------------------------------
def test_oversize_bodies_are_refused(client, ws):
    big = {"label": "x", "description": "y" * MAX_BODY}
    r = post(client, ws, "/variables", big)
    assert r.status_code == 413
    r = client.post(f"/api/s/{ws.sid}/variables", content=iter([b'{"label": "', b"z" * MAX_BODY, b'"}']),
                    headers={**H(ws.p1), "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 413  # streamed without a Content-Length: counted as it arrives
    session = {"title": "big", "notes": "n" * (2 * MAX_BODY)}
    assert client.post("/api/admin/import", json={"session": session}, headers=H(ADMIN)).status_code == 200


def test_rate_limits(db_path):
    limits = Limits(write_burst=3, write_rate=0.01, anonymous_burst=4, anonymous_rate=0.01)
    with TestClient(create_app(db_path, admin_key=ADMIN, limits=limits)) as c:
        made = c.post("/api/sessions", json={"title": "x"}, headers=H(ADMIN)).json()
        key = c.post("/api/join", json={"code": made["join_code"], "name": "a"}).json()["key"]
        url = f"/api/s/{made['session']}/variables"
        codes = [c.post(url, json={"label": f"v{i}"}, headers=H(key)).status_code for i in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        r = c.post(url, json={"label": "v9"}, headers=H(key))
        assert int(r.headers["retry-after"]) >= 1
        assert (
            c.get(f"/api/s/{made['session']}/state", headers=H(key)).status_code == 200
        )  # reads have their own bucket
        # Two anonymous requests were spent above (creating, joining); guessing codes soon hits the limit.
        codes = [c.post("/api/join", json={"code": "QQQQQQ", "name": "x"}).status_code for _ in range(4)]
        assert codes == [401, 401, 429, 429]


def test_pages_have_strict_security_headers_and_no_cdn(client):
    for path in ("/", "/p", "/f", "/v", "/new"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
        assert "http://" not in r.text and "https://" not in r.text  # nothing from a CDN
    js = client.get("/static/vis-network.min.js")
    assert js.status_code == 200 and len(js.content) > 100_000 and b"vis-network" in js.content[:2000]
    assert client.get("/static/vis-network.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/secret.txt").status_code == 404


def test_front_end_never_puts_text_into_html():
    source = (STATIC / "app.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert forbidden not in source, forbidden
    assert "textContent" in source


def test_host_header_is_checked_when_bound_to_localhost(db_path):
    with TestClient(create_app(db_path, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "evil.example"}).status_code == 400


def test_ui_strings_exist_in_danish_and_english():
    text = (STATIC / "i18n.js").read_text(encoding="utf-8")
    body = text[text.index("{") : text.rindex("}") + 1]
    import re

    key = re.compile(r'(?:[{,]|^)\s*(\w+|"\?")\s*:\s*"', re.MULTILINE)
    en = set(key.findall(body[body.index("en: {") : body.index("da: {")]))
    da = set(key.findall(body[body.index("da: {") :]))
    assert len(en) > 80 and en == da
    used = set(re.findall(r'data-t="(\w+)"', "".join(p.read_text() for p in STATIC.glob("*.html"))))
    used |= set(re.findall(r'\bT\("(\w+)"[,)]', (STATIC / "app.js").read_text()))
    assert used <= en, used - en


def test_state_lists_loops_with_polarity(client, ws):
    a, b, c_ = add_var(client, ws, "Skærmtid"), add_var(client, ws, "Søvn"), add_var(client, ws, "Trivsel")
    post(client, ws, "/links", {"cause": a, "effect": b, "polarity": "-"})
    post(client, ws, "/links", {"cause": b, "effect": c_, "polarity": "+"})
    assert state(client, ws)["loops"]["items"] == []
    post(client, ws, "/links", {"cause": c_, "effect": a, "polarity": "-"})
    loops = state(client, ws)["loops"]
    assert len(loops["items"]) == 1 and not loops["truncated"]
    loop = loops["items"][0]
    assert loop["polarity"] == "R"  # two minus signs around the loop: reinforcing (counted by hand)
    assert set(loop["variables"]) == {a, b, c_} and len(loop["links"]) == 3
    order = loop["variables"]
    assert [order[(order.index(a) + k) % 3] for k in range(3)] == [a, b, c_]  # in causal order
    post(client, ws, "/edit", {"kind": "link", "id": loop["links"][0], "polarity": "+"})
    assert state(client, ws)["loops"]["items"][0]["polarity"] == "B"  # one minus sign left: balancing


# -- an idea's dose: the working group's answers ----------------------------------------------------------
def test_an_ideas_dose_answers_round_trip_and_reach_gmb_scenarios(client, ws, db_path):
    a = add_var(client, ws, "Skærmtid")
    idea = post(client, ws, "/ideas", {"label": "Skærmfri aftener", "lang": "da",
                                       "targets": [{"variable": a, "direction": "-"}]}).json()["id"]  # fmt: skip
    answers = {
        "reach": {"low": 0.3, "nominal": 0.5, "high": 0.7},
        "intensity": {"nominal": 0.2},
        "persistence": {"low": 0.4, "nominal": 0.6, "high": 0.8},
        "lag": 6,
        "note": "arbejdsgruppe æøå",
    }
    r = post(client, ws, f"/ideas/{idea}/dose", answers, ws.p2)  # any participant may answer, like a vote
    assert r.status_code == 200, r.text
    got = next(i for i in state(client, ws)["ideas"] if i["id"] == idea)["dose"]
    assert got == {**answers, "intensity": {"nominal": 0.2, "low": None, "high": None}, "lag": 6.0}
    assert post(client, ws, f"/ideas/{idea}/dose", answers, ws.p2).status_code == 409  # nothing changes
    # refused: out of order, negative, unknown field — nothing recorded
    for bad in ({"reach": {"low": 0.8, "nominal": 0.5}}, {"lag": -1}, {"reach": {"nominal": 0.5}, "colour": 1}):
        r = post(client, ws, f"/ideas/{idea}/dose", bad, ws.p1)
        assert r.status_code == 422, (bad, r.text)
    assert next(i for i in state(client, ws)["ideas"] if i["id"] == idea)["dose"]["lag"] == 6.0
    assert post(client, ws, "/ideas/none/dose", answers).status_code == 404
    assert post(client, ws, f"/ideas/{idea}/dose", answers, ws.viewer).status_code == 403
    # the answers are the idea's dose in scenarios (the session is their one source)
    from gmb.scenarios.settings import default_scenarios
    from gmb.session.model import Session

    exported = client.get(f"/api/s/{ws.sid}/export", headers=H(ws.fac)).json()
    exported.pop("last_event", None)
    session = Session.model_validate(exported)
    plan = default_scenarios(session).ideas[idea]
    assert plan.dose_range == pytest.approx((0.3 * 0.2 * 0.4, 0.5 * 0.2 * 0.6, 0.7 * 0.2 * 0.8))
    assert plan.lag == 6.0 and plan.source.startswith("the working group")
    # clearing: an empty body removes the answers
    assert post(client, ws, f"/ideas/{idea}/dose", {}, ws.p1).status_code == 200
    assert next(i for i in state(client, ws)["ideas"] if i["id"] == idea)["dose"] is None
