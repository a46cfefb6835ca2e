"""Every rule of the workshop record gives a clear error naming the field."""

import pytest
from pydantic import ValidationError as PydanticError

from gmb import Link, Session, Variable, parse_session
from gmb.errors import GmbError, ValidationError


def base(**extra):
    data = {
        "title": "t",
        "languages": ["da", "en"],
        "participants": [{"id": "p1", "name": "Skoleleder"}],
        "variables": [{"id": "a", "labels": {"da": "Søvn"}}, {"id": "b"}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"}],
    }
    data.update(extra)
    return data


def test_valid_session_parses_and_is_immutable():
    s = parse_session(base())
    assert s.variable("a").label("da") == "Søvn"
    with pytest.raises(PydanticError):
        s.title = "other"  # frozen


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"links": [{"id": "L1", "cause": "a", "effect": "zz"}]}, "links[0].effect", "unknown variable 'zz'"),
        ({"variables": [{"id": "a"}, {"id": "a"}]}, "variables[1].id", "duplicate id 'a'"),
        ({"links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "++"}]}, "links[0].polarity", "'++'"),
        (
            {"links": [{"id": "L1", "cause": "a", "effect": "b"}, {"id": "L2", "cause": "a", "effect": "b"}]},
            "links[1]",
            "exists already",
        ),
        (
            {"links": [{"id": "L1", "cause": "a", "effect": "b", "proposed_by": "ghost"}]},
            "links[0].proposed_by",
            "ghost",
        ),
        ({"outcome": "nope"}, "outcome", "unknown variable 'nope'"),
        ({"ideas": [{"id": "i", "targets": [{"variable": "q"}]}]}, "ideas[0].targets[0].variable", "'q'"),
        ({"ideas": [{"id": "i", "votes": ["p1", "p1"]}]}, "ideas[0].votes", "twice"),
        ({"variables": [{"id": "a", "kind": "flow"}, {"id": "b"}]}, "variables[0].kind", "'flow'"),
        ({"unknown_field": 1}, "unknown_field", "Extra inputs"),
    ],
)
def test_rule_violations_name_the_field(change, field, words):
    with pytest.raises(ValidationError) as info:
        parse_session(base(**change), file="s.json")
    err = info.value
    assert err.file == "s.json"
    assert err.field == field
    assert words in str(err)
    assert isinstance(err, GmbError)


def test_polarity_aliases_accepted():
    s = parse_session(base(links=[{"id": "L1", "cause": "a", "effect": "b", "polarity": "−"}]))
    assert s.links[0].polarity.sign == -1
    s = parse_session(base(links=[{"id": "L1", "cause": "a", "effect": "b", "polarity": ""}]))
    assert s.links[0].polarity.sign == 0


def test_self_loop_refused():
    with pytest.raises(ValidationError, match="to itself"):
        parse_session(base(links=[{"id": "L1", "cause": "a", "effect": "a"}]))


def test_lookups_raise_not_found_with_hint():
    s = Session(title="t", variables=(Variable(id="a"),))
    with pytest.raises(GmbError, match="unknown variable 'b'.*known variables: a"):
        s.variable("b")


def test_link_defaults():
    link = Link(id="L", cause="a", effect="b")
    assert link.polarity.value == "?" and link.strength.value == "unknown" and link.delay is False
