"""What the room's latency work changed (issue 14, item 7) still gives the same answers.

The view cache must never serve a stale item, a batch of events is stored in one statement but
still refused whole on a gap, FastAPI's telemetry stays off, and the request deadline holds with
either HTTP parser. The timings themselves are measured by ``bench/serve_bench.py``, not here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gmb.errors import ConflictError
from gmb.serve import actions
from gmb.serve.db import open_database
from gmb.serve.feed import diff
from gmb.serve.view import state_view
from gmb.serve.workshops import Workshops
from gmb.session.events import Event
from gmb.session.model import Idea, Link, Session, Variable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_support import pg_url  # noqa: F401 - a fixture


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "serve.sqlite3")
    return request.getfixturevalue("pg_url")


def _served(tmp_path):
    session = Session(
        title="Havndal", languages=("da", "en"),
        variables=(Variable(id="tryghed", labels={"da": "Tryghed"}), Variable(id="b"), Variable(id="c")),
        links=(Link(id="L1", cause="tryghed", effect="b", polarity="+"),),
        ideas=(Idea(id="i1", description="Bænke ved havnen"),),
    )  # fmt: skip
    w = Workshops(open_database(tmp_path / "v.sqlite3"))
    made = w.create(session, session_id="v")
    return w, w.authenticate(made.facilitator_key), w.join(made.join_code, "Åse")[0]


def test_cached_view_equals_a_fresh_one_after_every_kind_of_change(tmp_path):
    w, fac, ada = _served(tmp_path)
    steps = [
        (ada, lambda s, a: actions.add_variable(s, a, actions.NewVariable(label="Søvn"))),
        (ada, lambda s, a: actions.add_link(s, a, actions.NewLink(cause="b", effect="c", polarity="-"))),
        (fac, lambda s, a: actions.accept(s, a, actions.ItemRef(kind="link", id="L1"))),
        (ada, lambda s, a: actions.vote(s, a, "i1", on=True)),
        (fac, lambda s, a: actions.remove(s, a, actions.ItemRef(kind="variable", id="søvn"))),
    ]
    cache: dict = {}
    loops = {"items": [], "truncated": False}
    before = state_view(w.live("v"), loops=loops, cache=cache)
    assert before == state_view(w.live("v"), loops=loops)
    for who, build in steps:
        w.commit("v", who, lambda s, who=who, build=build: build(s, who))
        live = w.live("v")
        cached, fresh = state_view(live, loops=loops, cache=cache), state_view(live, loops=loops)
        assert cached == fresh  # never a stale item, whatever the change was
        # unchanged items are the very same entries as in the last view; the diff is what changed
        old_links = {x["id"]: x for x in before["links"]}
        same = [x for x in cached["links"] if old_links.get(x["id"]) is x]
        assert len(same) >= len(cached["links"]) - 1
        patch = diff({**before, "version": 1}, {**cached, "version": 2})
        assert patch == diff({**before, "version": 1}, {**fresh, "version": 2})
        before = cached
    assert [x["id"] for x in before["variables"]] == ["tryghed", "b", "c"]
    assert before["ideas"][0]["edits"]["count"] >= 1 and before["links"][0]["accepted_by"] == fac.participant
    w.db.close()


def test_a_changed_item_gets_a_new_entry(tmp_path):
    w, fac, _ = _served(tmp_path)
    cache: dict = {}
    first = state_view(w.live("v"), loops={}, cache=cache)
    w.commit("v", fac, lambda s: actions.accept(s, fac, actions.ItemRef(kind="variable", id="b")))
    second = state_view(w.live("v"), loops={}, cache=cache)
    old, new = {x["id"]: x for x in first["variables"]}, {x["id"]: x for x in second["variables"]}
    assert old["tryghed"] is new["tryghed"] and old["b"] is not new["b"]
    assert old["b"]["accepted_by"] is None and new["b"]["accepted_by"] == fac.participant
    assert new["b"]["edits"]["count"] == old["b"]["edits"]["count"] + 1
    w.db.close()


def test_a_batch_of_events_is_stored_in_order_and_a_gap_stores_nothing(db_url):
    db = open_database(db_url)
    sid = "batch-" + Path(db_url).name.replace(".", "-")[-20:] if "://" not in db_url else "batch-pg"
    if sid in db.session_ids():  # a reused PostgreSQL test database
        sid += "-" + str(len(db.session_ids()))
    db.create_session(sid, sid[-12:].upper(), [Event(seq=1, op="create", data={"title": "B"})], [])
    adds = [Event(seq=i, op="add", data={"kind": "variable", "item": {"id": f"x{i}"}}) for i in range(2, 7)]
    with db.write(sid) as tx:
        tx.append(adds)
    assert [e.seq for e in db.events(sid)] == [1, 2, 3, 4, 5, 6] and db.last_seq(sid) == 6
    assert [e.data["item"]["id"] for e in db.events(sid, 1)] == ["x2", "x3", "x4", "x5", "x6"]
    gap = [Event(seq=7, op="add", data={"kind": "variable", "item": {"id": "y"}}),
           Event(seq=9, op="add", data={"kind": "variable", "item": {"id": "z"}})]  # fmt: skip
    with pytest.raises(ConflictError, match="does not follow 7"), db.write(sid) as tx:
        tx.append(gap)
    assert db.last_seq(sid) == 6 and len(db.events(sid)) == 6  # the whole batch was refused
    db.close()


def test_fastapi_telemetry_is_switched_off(tmp_path):
    from gmb.serve.app import create_app

    app = create_app(tmp_path / "t.sqlite3")
    native = getattr(app, "_native_telemetry", None)
    assert native is None or not native.enabled()  # FastAPI without telemetry: nothing to switch off


def test_request_deadline_protocols():
    from gmb.serve.timeouts import TimedH11Protocol, protocol_with_timeout, timed_httptools_protocol

    h11 = protocol_with_timeout(3, parser="h11")
    assert issubclass(h11, TimedH11Protocol) and h11.request_timeout == 3.0
    fast = timed_httptools_protocol()
    chosen = protocol_with_timeout(2)
    if fast is None:  # without httptools, "auto" falls back to h11 and asking for httptools says why
        assert issubclass(chosen, TimedH11Protocol)
        with pytest.raises(ImportError, match="httptools"):
            protocol_with_timeout(2, parser="httptools")
    else:
        assert issubclass(chosen, fast) and chosen.request_timeout == 2.0
