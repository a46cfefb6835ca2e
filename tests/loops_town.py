"""A small hand-built session for the loops/structure tests: a slice of the Havndal reference CLD.

Variables and links follow /work/shared/design/havndal-reference.md 4.1–4.3 (V1, V2, V3, V5, V8,
V9, V10, V12, V11, V13, V15, V14, V34, V32, V33, V40), with readable ids. Hand-derived facts the
tests check (each loop's sign product worked out by hand):

* R1 "Fællesskab avler frivillige": volunteers -> activities -> volunteers (+ +)       = R
* B1 "Frivillig-udmattelse": volunteers -> activities -> burnout -> volunteers (+ + -)  = B
* R2 "Overskud–deltagelse": participation -> relations -> belonging -> wellbeing -> participation = R
* R7 "Foreningsvækst": club participation <-> club capacity (+ +)                       = R
* R9 "Facilitator-afhængighed": facilitation -> ownership -> facilitation (- -)         = R
* B4 "Selvkørende": facilitation -> trust in municipality -> citizen involvement -> ownership -> facilitation (+ + + -) = B
* R3-like: volunteers... not in this slice. One link (activities -> club participation) has unknown sign.
"""

from __future__ import annotations

from gmb.session.model import Session
from gmb.session.parse import parse_session

VARS = [
    ("wellbeing", "Børns mentale sundhed og trivsel", "Children's wellbeing", "outcome", ["social"]),
    ("participation", "Børns deltagelse i fællesskaber", "Participation in communities", "auxiliary", ["social"]),
    ("belonging", "Tilhørsforhold", "Sense of belonging", "auxiliary", ["social"]),
    ("relations", "Sociale relationer og netværk", "Social relations", "auxiliary", ["social"]),
    ("activities", "Lokale aktiviteter og mødesteder", "Local activities", "auxiliary", ["volunteers"]),
    ("volunteers", "Frivillige kræfter", "Volunteer capacity", "stock", ["volunteers"]),
    ("burnout", "Belastning af frivillige", "Volunteer burnout", "auxiliary", ["volunteers"]),
    ("club_participation", "Børns deltagelse i foreningsliv", "Club participation", "auxiliary", ["sport"]),
    ("club_capacity", "Foreningslivets kapacitet", "Club capacity", "stock", ["sport"]),
    ("activity", "Børns fysiske aktivitet", "Physical activity", "auxiliary", ["sport"]),
    ("bike_paths", "Trygge cykelstier", "Safe bike paths", "exogenous", ["sport"]),
    ("active_transport", "Aktiv transport", "Active transport", "auxiliary", ["sport"]),
    ("facilitation", "Kommunal facilitering", "Municipal facilitation", "auxiliary", ["governance"]),
    ("ownership", "Lokalt ejerskab", "Local ownership", "auxiliary", ["governance"]),
    ("involvement", "Ægte borgerinddragelse", "Citizen involvement", "auxiliary", ["governance"]),
    ("trust_municipality", "Tillid til kommunen", "Trust in the municipality", "auxiliary", ["governance"]),
]

LINKS = [  # id, cause, effect, sign (reference link number in the comment)
    ("L11", "volunteers", "activities", "+"),  # L11
    ("L12", "activities", "volunteers", "+"),  # L12
    ("L13", "activities", "burnout", "+"),  # L13
    ("L14", "burnout", "volunteers", "-"),  # L14
    ("L10", "activities", "participation", "+"),  # L10
    ("L8", "participation", "relations", "+"),  # L8
    ("L3", "relations", "belonging", "+"),  # L3
    ("L4", "belonging", "wellbeing", "+"),  # L4
    ("L9", "wellbeing", "participation", "+"),  # L9
    ("L41", "club_participation", "club_capacity", "+"),  # L41
    ("L42", "club_capacity", "club_participation", "+"),  # L42
    ("L40", "club_participation", "participation", "+"),  # L40
    ("L39", "club_participation", "activity", "+"),  # L39
    ("L33", "bike_paths", "active_transport", "+"),  # L33
    ("L36", "active_transport", "activity", "+"),  # L36
    ("L17", "facilitation", "ownership", "-"),  # L17
    ("L18", "ownership", "facilitation", "-"),  # L18
    ("L32", "facilitation", "trust_municipality", "+"),  # L32
    ("L31", "trust_municipality", "involvement", "+"),  # L31
    ("L19", "involvement", "ownership", "+"),  # L19
    ("L20", "ownership", "activities", "+"),  # L20
    ("L15", "facilitation", "volunteers", "+"),  # L15
    ("LX", "activities", "club_participation", "?"),  # not in the reference: sign left unknown on purpose
]

STORIES = [
    ("R1", "Fællesskab avler frivillige", ["L11", "L12"], []),
    ("B1", "Frivillig-udmattelse", ["L11", "L13", "L14"], []),
    ("R2", "Overskud–deltagelse", [], ["participation", "relations", "belonging", "wellbeing"]),
    ("R7", "Foreningsvækst", ["L41", "L42"], []),
    ("R9", "Facilitator-afhængighed", ["L17", "L18"], []),
    ("B4", "Selvkørende", ["L32", "L31", "L19", "L18"], []),
    ("walk", "A story that is no loop", ["L33", "L36"], []),
]

IDEAS = [  # id, label, targets, votes
    ("bike", "Cykelstier til skolen", [("bike_paths", "+")], ["p1", "p2", "p3"]),
    ("dining", "Fællesspisning", [("activities", "+")], ["p1", "p2", "p3", "p4"]),
    ("clubs", "Støtte til foreninger", [("club_capacity", "+")], ["p2"]),
    ("less_burnout", "Gør det let at være frivillig", [("burnout", "-")], []),
    ("coordinator", "Kommunal koordinator", [("facilitation", "+")], ["p4"]),
]


def town_session() -> Session:
    """The hand-built slice as a validated Session (Danish first, English second)."""
    return parse_session({
        "title": "Havndal slice", "languages": ["da", "en"], "outcome": "wellbeing",
        "participants": [{"id": f"p{i}", "name": f"P{i}"} for i in range(1, 5)],
        "themes": [{"id": t, "labels": {"en": t}} for t in ("social", "volunteers", "sport", "governance")],
        "variables": [{"id": i, "labels": {"da": da, "en": en}, "kind": kind, "themes": th}
                      for i, da, en, kind, th in VARS],
        "links": [{"id": i, "cause": c, "effect": e, "polarity": p, "delay": i == "L14"} for i, c, e, p in LINKS],
        "stories": [{"id": i, "title": t, "links": links, "variables": vs} for i, t, links, vs in STORIES],
        "ideas": [{"id": i, "labels": {"da": t}, "targets": [{"variable": v, "direction": d} for v, d in targets],
                   "votes": votes} for i, t, targets, votes in IDEAS],
    })  # fmt: skip
