"""The server's storage: SQLite and a real PostgreSQL, concurrent writers, restarts, import/export."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from gmb.errors import ConflictError, NotFoundError, ValidationError
from gmb.serve.actions import merge_changes
from gmb.serve.db import describe_url, open_database
from gmb.serve.exchange import export_to_store, resolve_source
from gmb.serve.workshops import Actor, Workshops
from gmb.session.events import replay
from gmb.session.model import Link, Participant, Session, Variable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_support import pg_url  # noqa: F401 - a fixture


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "serve.sqlite3")
    return request.getfixturevalue("pg_url")


def _session() -> Session:
    return Session(title="Havndal", languages=("da", "en"), variables=tuple(Variable(id=f"v{i}") for i in range(12)))


def _link(i: int, a: int, b: int):
    def build(session):
        return [
            ("add", {"kind": "link", "item": {"id": f"L{i}", "cause": f"v{a}", "effect": f"v{b}", "polarity": "+"}})
        ]

    return build


def test_concurrent_writers_in_several_processes_lose_and_duplicate_nothing(db_url):
    # Four Workshops objects on one database stand for four server processes; each has its own cache and
    # connections, so only the database's lock keeps their sequence numbers apart.
    first = Workshops(open_database(db_url))
    made = first.create(_session(), session_id="havndal")
    servers = [first] + [Workshops(open_database(db_url)) for _ in range(3)]
    actors = []
    for i in range(8):
        actor, _ = servers[i % 4].join(made.join_code, f"Deltager {i}")
        actors.append(actor)
    pairs = [(a, b) for a in range(12) for b in range(12) if a != b][:96]
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        try:
            for j in range(12):
                n = w * 12 + j
                servers[w % 4].commit("havndal", actors[w], _link(n, *pairs[n]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    log = first.events("havndal")
    assert [e.seq for e in log] == list(range(1, len(log) + 1))  # no gap, no duplicate
    added = [e.data["item"]["id"] for e in log if e.op == "add" and e.data["kind"] == "link"]
    assert sorted(added) == sorted(f"L{n}" for n in range(96))
    for server in servers:  # every process sees the same session, and it is the log replayed
        assert server.live("havndal").session == replay(log)
    assert {e.by for e in log if e.op == "add" and e.data["kind"] == "link"} == {a.participant for a in actors}
    for server in servers:
        server.db.close()


def test_a_refused_change_stores_nothing(db_url):
    w = Workshops(open_database(db_url))
    made = w.create(_session(), session_id="s")
    actor, _ = w.join(made.join_code, "Ada")
    before = w.events("s")
    with pytest.raises(ValidationError):
        w.commit("s", actor, lambda s: [("add", {"kind": "link", "item": {"id": "L1", "cause": "v1", "effect": "zz"}})])
    with pytest.raises(ConflictError):  # the second change fails: the first is not kept either
        w.commit("s", actor, lambda s: [("add", {"kind": "variable", "item": {"id": "new"}}),
                                        ("add", {"kind": "variable", "item": {"id": "v1"}})])  # fmt: skip
    assert w.events("s") == before
    assert "new" not in {v.id for v in w.live("s").session.variables}
    w.db.close()


def test_restart_rebuilds_from_the_database_with_snapshots(db_url, monkeypatch):
    monkeypatch.setattr(Workshops, "SNAPSHOT_EVERY", 10)
    w = Workshops(open_database(db_url))
    made = w.create(_session(), session_id="s")
    actor, _ = w.join(made.join_code, "Ada")
    pairs = [(a, b) for a in range(12) for b in range(12) if a != b][:25]
    for n, (a, b) in enumerate(pairs):
        w.commit("s", actor, _link(n, a, b))
    expected = w.live("s")
    w.db.close()
    db = open_database(db_url)
    snap = db.snapshot("s")
    assert snap is not None and snap[0] % 10 == 0 and snap[0] > 10
    again = Workshops(db).live("s")  # a new process: snapshot + the events after it
    assert again.session == expected.session == replay(db.events("s"))
    assert again.seq == expected.seq and again.history == expected.history
    db.close()


def test_wrong_session_and_unknown_session(tmp_path):
    w = Workshops(open_database(tmp_path / "x.sqlite3"))
    made = w.create(_session(), session_id="a")
    with pytest.raises(NotFoundError):
        w.live("nope")
    stranger = Actor("b", "participant", "w1", "id")
    from gmb.errors import AccessError

    with pytest.raises(AccessError):
        w.commit("a", stranger, lambda s: [])
    with pytest.raises(ConflictError):
        w.create(_session(), session_id="a")
    assert w.authenticate(made.facilitator_key).role == "facilitator"
    w.db.close()


def test_merge_changes_is_pure_and_valid_step_by_step():
    people = (Participant(id="p1", name="A"), Participant(id="p2", name="B"))
    s = Session(
        title="x", participants=people,
        variables=(Variable(id="keep"), Variable(id="dup", labels={"en": "Dup"}), Variable(id="c"), Variable(id="d")),
        links=(Link(id="L1", cause="keep", effect="c", supporters=("p1",)),
               Link(id="L2", cause="dup", effect="c", supporters=("p2", "p1"), disputers=("p2",)),
               Link(id="L3", cause="c", effect="dup"), Link(id="L4", cause="dup", effect="keep")),
    )  # fmt: skip
    frozen = s.model_dump()
    changes = merge_changes(s, "keep", "dup")
    assert s.model_dump() == frozen
    from gmb.session.events import Event, apply

    current = s
    for i, (op, data) in enumerate(changes, start=2):
        current = apply(current, Event(seq=i, op=op, data=data))  # every intermediate session is valid
    links = {link.id: link for link in current.links}
    assert set(links) == {"L1", "L3"}
    assert links["L1"].supporters == ("p1", "p2") and links["L1"].disputers == ("p2",)
    assert (links["L3"].cause, links["L3"].effect) == ("c", "keep")
    assert current.variable("keep").labels == {"en": "Dup"} and "dup" not in {v.id for v in current.variables}


# -- import / export ------------------------------------------------------------------------------------
def test_import_a_stored_session_and_export_it_back(tmp_path, store):
    base = Session(title="Havndal", languages=("da", "en"), participants=(Participant(id="p1", name="Mette"),),
                   variables=(Variable(id="a", labels={"da": "Søvn"}), Variable(id="b", labels={"da": "Trivsel"})))  # fmt: skip
    store.create("havndal", base)
    sid, session = resolve_source("havndal", store)
    assert sid == "havndal" and session == store.load("havndal")
    w = Workshops(open_database(tmp_path / "x.sqlite3"))
    made = w.create(session, session_id=sid)
    actor = w.authenticate(made.facilitator_key)
    w.commit(sid, actor, lambda s: [("add", {"kind": "link", "item": {"id": "L1", "cause": "a", "effect": "b"}})])
    folder, new = export_to_store(w, sid, store)
    assert not new and folder == store.path("havndal")
    back = store.load("havndal")
    assert back == w.live(sid).session  # the store now holds exactly what the server has
    assert back.link("L1").proposed_by == made.facilitator
    folder, new = export_to_store(w, sid, store, "havndal-copy")
    assert new
    log = store.events("havndal-copy")
    assert [e.seq for e in log] == [e.seq for e in w.events(sid)]  # a new folder keeps the server's whole log
    assert store.load("havndal-copy") == back
    w.db.close()


def test_import_from_a_session_json_file(tmp_path, store):
    from gmb.session.store import session_to_json

    path = tmp_path / "Workshop Ø.json"
    path.write_text(session_to_json(_session(), last_event=7), encoding="utf-8")
    sid, session = resolve_source(str(path), store)
    assert sid == "workshop-oe" and session == _session()
    with pytest.raises(NotFoundError):
        resolve_source("no-such-thing", store)


def test_cli_lists_and_exports(cli, tmp_path):
    db = tmp_path / "cli.sqlite3"
    w = Workshops(open_database(db))
    w.create(_session(), session_id="havndal")
    w.db.close()
    code, out, err = cli("serve", "--db", str(db), "--list")
    assert code == 0 and '"havndal"' in out
    code, out, err = cli("serve", "--db", str(db), "--export", "havndal", "--to", "copy")
    assert code == 0, err
    from gmb.session.store import Store

    assert [st.id for st in Store(tmp_path / "sessions").load("copy").stages] == ["W0", "W1", "W2", "W3"]
    code, out, err = cli("serve", "--db", str(db), "--export", "nope")
    assert code == 2 and "nope" in err
    code, out, err = cli("serve", "--db", "mysql://x", "--list")
    assert code == 2 and "unsupported database URL" in err


def test_database_url_password_is_never_shown():
    assert describe_url("postgresql://u:hunter2@h/db") == "postgresql://u:***@h/db"


def test_the_havndal_example_can_be_served_end_to_end(tmp_path, store):
    from gmb.serve.actions import Opinion, opinion, vote
    from gmb.serve.view import state_view

    sid, session = resolve_source("havndal", store)  # not in the store: the shipped example
    w = Workshops(open_database(tmp_path / "h.sqlite3"))
    made = w.create(session, session_id=sid, lang="da")
    live = w.live(sid)
    assert live.session.variables == session.variables and live.session.links == session.links
    assert {st.id for st in live.session.stages} == {"W0", "W1", "W2", "W3"}
    view = state_view(live, join_code=made.join_code)
    assert view["outcome"] == session.outcome_variable and len(view["variables"]) >= 30
    assert view["loops"]["items"], "the Havndal map has feedback loops"
    # A participant joins, agrees with a link and votes for an idea; all of it is in the log.
    ada, _ = w.join(made.join_code, "Ada")
    link = session.links[0].id
    idea = session.ideas[0].id
    w.commit(sid, ada, lambda s: opinion(s, ada, link, Opinion(stance="support")))
    w.commit(sid, ada, lambda s: vote(s, ada, idea, on=True))
    after = w.live(sid).session
    assert ada.participant in after.link(link).supporters and ada.participant in after.idea(idea).votes
    _path, new = export_to_store(w, sid, store)
    assert new and store.load(sid) == after
    w.db.close()


def test_changes_waiting_together_share_a_transaction_but_are_refused_alone(tmp_path, monkeypatch):
    w = Workshops(open_database(tmp_path / "g.sqlite3"))
    made = w.create(_session(), session_id="g")
    actor = w.authenticate(made.facilitator_key)
    base = w.live("g").seq
    transactions = []
    real_write = w.db.write

    def counting_write(sid):
        transactions.append(sid)
        return real_write(sid)

    monkeypatch.setattr(w.db, "write", counting_write)
    results: dict[str, object] = {}

    def commit(name, build):
        try:
            results[name] = [e.seq for e in w.commit("g", actor, build)]
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[name] = exc

    lock = w._lock("g")
    lock.acquire()  # the first writer will wait inside its transaction's lock; the others queue behind it
    first = threading.Thread(target=commit, args=("first", _link(1, 0, 1)))
    first.start()
    while "g" not in w._leading:
        time.sleep(0.01)
    time.sleep(0.1)
    others = [threading.Thread(target=commit, args=args) for args in (
        ("bad", lambda s: [("add", {"kind": "link", "item": {"id": "L9", "cause": "v1", "effect": "ghost"}})]),
        ("good", _link(2, 1, 2)),
        ("dup", _link(1, 3, 4)),  # the id L1 is taken by the first change
    )]  # fmt: skip
    for t in others:
        t.start()
    while len(w._queues.get("g", [])) < 3:
        time.sleep(0.01)
    lock.release()
    for t in (first, *others):
        t.join(10)
    assert results["first"] == [base + 1] and results["good"] == [base + 2]
    assert isinstance(results["bad"], ValidationError) and isinstance(results["dup"], ConflictError)
    assert len(transactions) == 2  # the three that waited went into one transaction
    log = w.events("g")
    assert [e.seq for e in log] == list(range(1, base + 3))
    assert [e.data["item"]["id"] for e in log[base:]] == ["L1", "L2"]
    assert w.live("g").session == replay(log)
    w.db.close()


def test_import_of_an_example_brings_its_scenarios_and_export_keeps_a_saved_whatif(tmp_path):
    # gmb serve --import havndal: the panel and gmb rank read sessions/havndal/scenarios.json (the example's doses)
    from gmb.examples import example_dir
    from gmb.serve.db import open_database
    from gmb.serve.exchange import copy_scenarios, export_to_store, resolve_source
    from gmb.serve.workshops import Workshops
    from gmb.session.store import Store

    store = Store(tmp_path / "sessions")
    sid, session = resolve_source("havndal", store)
    w = Workshops(open_database(str(tmp_path / "db.sqlite3")))
    w.create(session, session_id=sid)
    written = copy_scenarios("havndal", sid, store)
    shipped = (example_dir("havndal") / "scenarios.json").read_text(encoding="utf-8")
    assert written is not None and written.read_text(encoding="utf-8") == shipped
    written.write_text(shipped.replace("}", "} ", 1), encoding="utf-8")  # the panel saved something since
    assert copy_scenarios("havndal", sid, store) is None  # never replaced
    kept = written.read_text(encoding="utf-8")
    folder, new = export_to_store(w, sid, store)  # a folder holding only side files takes the session in
    assert (
        new and (folder / "session.json").is_file() and (folder / "scenarios.json").read_text(encoding="utf-8") == kept
    )
    assert store.load(sid).title == session.title
