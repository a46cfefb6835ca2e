"""Checking only the changed item (events.apply) gives exactly what checking the whole session gives."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.errors import GmbError
from gmb.session.events import Event, apply

VARS = st.sampled_from(["a", "b", "c", "ø"])  # "ø" is never added: references to it are broken
PEOPLE = st.sampled_from(["p1", "p2", "nobody", None])
LINKS = st.sampled_from(["L1", "L2", "L3", "L4"])


def _ops():
    var = st.builds(lambda v: ("add", {"kind": "variable", "item": {"id": v}}), st.sampled_from(["a", "b", "c"]))
    link = st.builds(lambda i, c, e, p: ("add", {"kind": "link", "item": {"id": i, "cause": c, "effect": e,
                                                                             "proposed_by": p}}),
                     LINKS, VARS, VARS, PEOPLE)  # fmt: skip
    move = st.builds(lambda i, c, e: ("update", {"kind": "link", "id": i, "changes": {"cause": c, "effect": e}}),
                     LINKS, VARS, VARS)  # fmt: skip
    support = st.builds(lambda i, p, op: (op, {"link": i, "participant": p}), LINKS, PEOPLE,
                        st.sampled_from(["support", "dispute"]))  # fmt: skip
    idea = st.builds(lambda i, v, p: ("add", {"kind": "idea", "item": {"id": i, "labels": {"da": "Idé"}, "proposed_by": p,
                                                                        "targets": [{"variable": v}]}}),
                     st.sampled_from(["i1", "i2"]), VARS, PEOPLE)  # fmt: skip
    vote = st.builds(lambda i, p, op: (op, {"idea": i, "participant": p}), st.sampled_from(["i1", "i2"]), PEOPLE,
                     st.sampled_from(["vote", "unvote"]))  # fmt: skip
    story = st.builds(lambda v, lk, t: ("add", {"kind": "story", "item": {"id": "s1", "title": "Før æ", "variables": [v],
                                                                           "links": [lk], "theme": t}}),
                      VARS, LINKS, st.sampled_from([None, "t1", "t9"]))  # fmt: skip
    observe = st.builds(lambda v: ("add", {"kind": "observation", "item": {"id": "o1", "variable": v, "time": 0.0, "value": 1.0}}),
                        VARS)  # fmt: skip
    person = st.builds(
        lambda p: ("add", {"kind": "participant", "item": {"id": p, "name": p}}), st.sampled_from(["p1", "p2"])
    )
    stage = st.builds(lambda p: ("add", {"kind": "stage", "item": {"id": "W1", "title": "W1", "participants": [p]}}),
                      st.sampled_from(["p1", "p2", "nobody"]))  # fmt: skip
    var_update = st.builds(
        lambda v, p: ("update", {"kind": "variable", "id": v, "changes": {"accepted_by": p}}), VARS, PEOPLE
    )
    remove = st.builds(lambda k, i: ("remove", {"kind": k, "id": i}), st.sampled_from(["variable", "link", "participant"]),
                       st.sampled_from(["a", "c", "L1", "L2", "p2"]))  # fmt: skip
    return st.lists(st.one_of(var, link, move, support, idea, vote, story, observe, person, stage, var_update, remove),
                    max_size=40)  # fmt: skip


def _outcome(session, ev, full):
    try:
        return apply(session, ev, full=full), None
    except GmbError as exc:
        return None, (type(exc), str(exc))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=_ops())
def test_checking_the_changed_item_equals_checking_the_session(ops):
    start = {"title": "Prøve", "themes": [{"id": "t1", "labels": {"da": "T"}}], "variables": [{"id": "a"}, {"id": "b"}],
             "participants": [{"id": "p1", "name": "Åse"}, {"id": "p2", "name": "Bo"}]}  # fmt: skip
    session = apply(None, Event(seq=1, op="create", data=start))
    refused = stored = 0
    for seq, (op, data) in enumerate(ops, start=2):
        ev = Event(seq=seq, op=op, by="p1", data=data)
        fast, fast_error = _outcome(session, ev, full=False)
        slow, slow_error = _outcome(session, ev, full=True)
        assert fast_error == slow_error
        assert fast == slow
        if fast is not None:
            session = fast
            stored += 1
        else:
            refused += 1
    assert refused + stored == len(ops)


def test_a_moved_link_onto_a_later_pair_names_the_later_link_as_a_full_walk_does():
    s = apply(None, Event(seq=1, op="create", data={"title": "x", "variables": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                                                    "links": [{"id": "L1", "cause": "a", "effect": "b"},
                                                              {"id": "L2", "cause": "a", "effect": "c"}]}))  # fmt: skip
    ev = Event(seq=2, op="update", data={"kind": "link", "id": "L1", "changes": {"effect": "c"}})
    fast, slow = _outcome(s, ev, full=False), _outcome(s, ev, full=True)
    assert fast == slow
    assert "links[1]" in slow[1][1] and "exists already (L1)" in slow[1][1]
