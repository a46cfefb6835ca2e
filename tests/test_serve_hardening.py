"""Server details of issue 20 (item 5) and issue 19 item 2: keys revoked and rotated, a server-wide
limit on join-code guesses, longer join codes, masked database passwords, one error shape, and
``gmb serve --import`` showing a broken stored session's error."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from gmb.errors import GmbError, ValidationError
from gmb.serve.app import create_app
from gmb.serve.db import describe_url, open_database
from gmb.serve.exchange import resolve_source
from gmb.serve.security import Limits
from gmb.serve.workshops import Workshops
from gmb.session.model import Session
from gmb.session.store import Store

ADMIN = {"Authorization": "Bearer admin-key-123"}


def H(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def made(tmp_path):
    app = create_app(str(tmp_path / "t.sqlite3"), admin_key="admin-key-123",
                     limits=Limits(anonymous_burst=10_000, anonymous_rate=1000))  # fmt: skip
    with TestClient(app) as c:
        yield c, c.post("/api/sessions", json={"title": "Havndal"}, headers=ADMIN).json()


def test_a_revoked_key_is_refused_and_a_rotated_one_replaced(made):
    c, m = made
    sid, fac = m["session"], H(m["facilitator_key"])
    me = c.post("/api/join", json={"code": m["join_code"], "name": "Åse"}).json()
    assert c.get("/api/me", headers=H(me["key"])).status_code == 200
    keys = c.get(f"/api/s/{sid}/keys", headers=fac).json()["keys"]
    assert {k["role"] for k in keys} == {"facilitator", "viewer", "participant"} and "secret_hash" not in keys[0]
    assert c.get(f"/api/s/{sid}/keys", headers=H(me["key"])).status_code == 403  # participants cannot
    mine = me["key"].split(".")[0]
    assert c.post(f"/api/s/{sid}/keys/revoke", json={"key_id": mine}, headers=fac).status_code == 200
    r = c.get("/api/me", headers=H(me["key"]))
    assert r.status_code == 401 and "error" in r.json()
    assert c.post(f"/api/s/{sid}/variables", json={"label": "x"}, headers=H(me["key"])).status_code == 401
    # rotation: a new projector link, the old one stops
    viewer = m["viewer_key"].split(".")[0]
    out = c.post(f"/api/s/{sid}/keys/rotate", json={"key_id": viewer}, headers=fac).json()
    assert out["link"].startswith("/v#key=") and c.get("/api/me", headers=H(out["key"])).status_code == 200
    assert c.get("/api/me", headers=H(m["viewer_key"])).status_code == 401
    own = m["facilitator_key"].split(".")[0]
    r = c.post(f"/api/s/{sid}/keys/revoke", json={"key_id": own}, headers=fac)
    assert r.status_code == 422 and r.json()["hint"] == "rotate it instead"
    assert c.post(f"/api/s/{sid}/keys/revoke", json={"key_id": "nope"}, headers=fac).status_code == 404


def test_revocation_reaches_another_server_process_within_the_cache_time(tmp_path):
    db = str(tmp_path / "w.sqlite3")
    a, b = Workshops(open_database(db)), Workshops(open_database(db))
    made_ = a.create(Session(title="T"))
    b.authenticate(made_.viewer_key)
    a.revoke_key(made_.session_id, made_.viewer_key.split(".")[0])
    b.KEY_CACHE_S = 0.0  # what happens once the other process's cache entry is older than KEY_CACHE_S
    with pytest.raises(GmbError, match="unknown or wrong key"):
        b.authenticate(made_.viewer_key)


def test_wrong_join_codes_are_limited_server_wide(made):
    c, m = made
    # per-address limits are out of the way (10,000): only the server-wide one can stop this
    codes = [r.status_code for r in (c.post("/api/join", json={"code": f"WRONG{i}", "name": "x"}) for i in range(40))]
    assert codes[:30] == [401] * 30 and 429 in codes[30:]
    r = c.post("/api/join", json={"code": m["join_code"], "name": "Åse"})
    assert r.status_code == 429 and "Retry-After" in r.headers and "error" in r.json()


def test_longer_join_codes(tmp_path, made):
    w = Workshops(open_database(str(tmp_path / "w.sqlite3")), code_length=8)
    assert len(w.create(Session(title="T")).join_code) == 8
    c, m = made
    new = c.post(f"/api/s/{m['session']}/join-code", json={"length": 10}, headers=H(m["facilitator_key"])).json()
    assert len(new["join_code"]) == 10
    assert c.post("/api/join", json={"code": m["join_code"], "name": "A"}).status_code == 401
    assert c.post("/api/join", json={"code": new["join_code"], "name": "A"}).status_code == 200


def test_every_refusal_has_the_documented_shape(made):
    c, _ = made
    bad = c.post(
        "/api/join", content=b'{"code": "\xff\xfe", "name": "x"}', headers={"Content-Type": "application/json"}
    )
    assert bad.status_code == 400 and set(bad.json()) == {"error"}
    for r in (c.get("/api/nowhere"), c.delete("/api/join"), c.post("/api/join", content=b"{", headers={
            "Content-Type": "application/json"})):  # fmt: skip
        assert "error" in r.json() and "detail" not in r.json(), r.text


@pytest.mark.parametrize("url", ["postgresql://gmb:s3cret-pw@db.example/gmb",
                                 "postgresql://db.example/gmb?user=gmb&password=s3cret-pw",
                                 "mysql://gmb:s3cret-pw@db.example/gmb?password=s3cret-pw"])  # fmt: skip
def test_passwords_in_database_urls_are_never_shown(url, cli):
    assert "s3cret-pw" not in describe_url(url)
    code, out, err = cli("serve", "--db", url, "--list")
    assert code != 0 and "s3cret-pw" not in out + err


def test_a_failed_postgres_connection_masks_the_password():
    pytest.importorskip("psycopg_pool")
    with pytest.raises(GmbError) as info:
        open_database("postgresql://gmb:s3cret-pw@127.0.0.1:1/gmb?connect_timeout=2")
    assert "s3cret-pw" not in str(info.value) and "***" in str(info.value)


def test_serve_import_shows_why_a_stored_session_is_broken(tmp_path):
    store = Store(tmp_path / "sessions")
    for name in ("mine", "havndal"):
        store.create(name, {"title": "Mit værksted"})
        path = store.path(name) / "session.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**data, "title": 5}), encoding="utf-8")
        with pytest.raises(ValidationError, match="title") as info:
            resolve_source(name, store)  # not "nothing to import", and never the shipped example instead
        assert "session.json" in str(info.value)
    assert resolve_source("havndal", Store(tmp_path / "empty"))[0] == "havndal"  # no own session: the example
