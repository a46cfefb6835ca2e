#!/usr/bin/env python
"""Build the Roskilde, Guldborgsund and Aktive Børn example sessions as event logs, deterministically.

Like ``tools/build_havndal.py``: every event has a fixed ``seq``, ``at`` and ``by``; every
variable, link, idea, implementation and observation names the seed lines it comes from
(``seed 000 L…`` = /work/shared/seeds/000_*.txt, ``seed 001 L…`` = 001_*.txt). The maps are
small reconstructions of the links the documents state (evidence ``S`` = stated in the source,
``Inf`` = inferred by the example's author, marked so). Run from the repository root::

    /work/venv/bin/python tools/build_seed_examples.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gmb.files import atomic_write_text
from gmb.session.events import Event, replay
from gmb.session.store import _event_line, session_to_json

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

ROSKILDE = {
    "slug": "roskilde",
    "create": {
        "title": "Mandefællesskaber i Roskilde",
        "place": "Roskilde Kommune",
        "languages": ["da", "en"],
        "focus": "Ensomhed og mental trivsel blandt ældre mænd i sårbare livssituationer (seed 000 L215–260)",
        "notes": (
            "Reconstructed from the award text (seed 000 L215–290). The loneliness figures (L250–254) are "
            "CROSS-SECTIONAL by time in a group, not a follow-up of the same men: men who stayed 2–3 years may "
            "have been less lonely from the start (selection), and lonelier men may have left (survivorship: "
            "21 groups founded, 17 still active, L237–238). Read as a time series, the data credit the groups "
            "with all of the difference; part of it may be who stays. The sample size per duration group is "
            "not stated: 30 is assumed (about 114 men over 3 groups, L237). The model describes the men in "
            "the groups (reach 1 among them), with t = time since joining; the survey's duration classes are "
            "read at their midpoints (6, 18, 30 months). Home visits change who joins, not how lonely the "
            "members are, so the model gives them almost nothing of the members' change."
        ),
    },
    "variables": [
        ("outreach", "Opsporing via forebyggende hjemmebesøg", "Outreach by preventive home visits", "L275–277"),
        ("vulnerable", "Mænd i sårbare livssituationer", "Men in vulnerable life situations", "L277–279"),
        ("groups", "Aktive mandefællesskaber", "Active men's communities", "L223–226, L237–238"),
        (
            "leadership",
            "Aktivitetsledelse og lokaler (Røde Kors)",
            "Activity leadership and rooms (Red Cross)",
            "L271–273",
        ),
        ("participation", "Mænd der deltager", "Men taking part", "L223–226"),
        ("network", "Nye venner og netværk (livsvidner)", "New friends and network", "L258, L265–266", "stock"),
        ("mutual_help", "Mændene hjælper hinanden", "Men helping each other", "L266–268"),
        ("loneliness", "Tegn på ensomhed", "Signs of loneliness", "L248–254"),
        ("wellbeing", "Mental trivsel", "Mental wellbeing", "L259–260"),
    ],
    "outcome": "wellbeing",
    "links": [
        ("R1", "outreach", "participation", "+", "S", "L275–277"),
        ("R2", "vulnerable", "loneliness", "+", "S", "L277–279, L281–282"),
        ("R3", "leadership", "groups", "+", "S", "L271–273"),
        ("R4", "groups", "participation", "+", "S", "L223–226"),
        ("R5", "participation", "network", "+", "S", "L226–233, L258"),
        ("R6", "network", "mutual_help", "+", "S", "L265–268"),
        ("R7", "network", "loneliness", "-", "S", "L248–251", "strong"),
        ("R8", "mutual_help", "wellbeing", "+", "Inf", "L266–268 (inferred)"),
        ("R9", "loneliness", "wellbeing", "-", "S", "L259–260"),
        (
            "R10",
            "network",
            "participation",
            "+",
            "Inf",
            "L257–258 'mændene forbliver' (inferred: friends keep men coming)",
        ),
    ],
    "ideas": [
        (
            "mens_groups",
            "Mandefællesskaber (5–8 mænd, hver 14. dag)",
            "Men's communities (5–8 men, fortnightly)",
            [("network", "+")],
            {"reach": [1.0, 1.0, 1.0], "intensity": [0.5, 1.0, 2.0], "persistence": [0.8, 0.9, 1.0]},
            "L223–233, L258, L265–266",
        ),
        (
            "home_visits",
            "Opsporing via forebyggende hjemmebesøg",
            "Outreach through preventive home visits",
            [("outreach", "+")],
            {"reach": [0.1, 0.2, 0.3], "intensity": [0.1, 0.3, 0.5]},
            "L275–277",
        ),
    ],
    "implemented": [
        {
            "id": "mens_groups",
            "idea": "mens_groups",
            "start": 0,
            "ramp_up": 6,
            "reach": {"nominal": 1.0},
            "intensity": {"nominal": 1.0, "low": 0.5, "high": 2.0},
            "persistence": {"nominal": 0.9, "low": 0.8, "high": 1.0},
            "source": "the surveyed men are members (reach 1 among them); fortnightly meetings of 2–3 hours with a fixed "
            "round 'what has happened in your life since last time' (new friends: intensity +50 % to +200 %)",
            "provenance": "seed 000 L223–233, L237–238, L258",
        },
        {
            "id": "home_visits",
            "idea": "home_visits",
            "start": 0,
            "ramp_up": 12,
            "reach": {"nominal": 0.2, "low": 0.1, "high": 0.3},
            "intensity": {"nominal": 0.3, "low": 0.1, "high": 0.5},
            "source": "Roskilde Kommune finds men through preventive home visits",
            "provenance": "seed 000 L275–277",
        },
    ],
    "observations": [
        {
            "id": "lonely-lt1y",
            "variable": "loneliness",
            "time": 6,
            "value": 0.39,
            "kind": "share",
            "n": 30,
            "transform": "relative_to_first",
            "series": "survey",
            "source": "Roskilde Kommune survey: < 1 year in a group, 39 % show signs of loneliness (n assumed 30)",
            "provenance": "seed 000 L252",
        },
        {
            "id": "lonely-1-2y",
            "variable": "loneliness",
            "time": 18,
            "value": 0.20,
            "kind": "share",
            "n": 30,
            "transform": "relative_to_first",
            "series": "survey",
            "source": "1–2 years in a group: 20 % (n assumed 30)",
            "provenance": "seed 000 L253",
        },
        {
            "id": "lonely-2-3y",
            "variable": "loneliness",
            "time": 30,
            "value": 0.09,
            "kind": "share",
            "n": 30,
            "transform": "relative_to_first",
            "series": "survey",
            "source": "2–3 years in a group: 9 % (n assumed 30)",
            "provenance": "seed 000 L254",
        },
    ],
}

GULDBORGSUND = {
    "slug": "guldborgsund",
    "create": {
        "title": "Åbne Mødesteder i Guldborgsund",
        "place": "Guldborgsund Kommune",
        "languages": ["da", "en"],
        "focus": "Fællesskaber, trivsel og mindre ensomhed for seniorer (65+) i lokalmiljøerne (seed 000 L1–40, "
        "seed 001 L1086–1200)",
        "notes": (
            "16 places in three years (seed 001 L1124–1133), two volunteer consultants (seed 001 L1138–1141), "
            "111,000 DKK a year for three years (seed 001 L1315), 300–500 users a week at the evaluation after "
            "about 2.5 years (seed 000 L37–38). Users report more wellbeing (L46–50) but no before/after share "
            "is printed: the users-per-week figure is the one number to calibrate to, read here as an index "
            "of participation relative to an assumed start of about 50 users a week (an assumption)."
        ),
    },
    "variables": [
        ("consultants", "Frivillighedskonsulenter", "Volunteer consultants", "seed 001 L1138–1141, L1157"),
        (
            "volunteers",
            "Lokale frivillige og foreninger",
            "Local volunteers and associations",
            "seed 000 L17–19, L29–30",
        ),
        ("places", "Åbne mødesteder", "Open meeting places", "seed 001 L1124–1133"),
        ("activities", "Aktiviteter og fællesskaber", "Activities and communities", "seed 001 L1196–1200"),
        ("users", "Brugere om ugen", "Users a week", "seed 000 L37–38"),
        ("relations", "Relationer og tilhørsforhold", "Relations and belonging", "seed 000 L19–20"),
        ("loneliness", "Ensomhed blandt ældre", "Loneliness among older people", "seed 001 L1095–1097"),
        ("wellbeing", "Trivsel og selvvurderet helbred", "Wellbeing and self-rated health", "seed 000 L46–50"),
        ("influence", "Medindflydelse på aktiviteterne", "Say in the activities", "seed 000 L55–58"),
    ],
    "outcome": "wellbeing",
    "links": [
        ("G1", "consultants", "volunteers", "+", "S", "seed 001 L1157–1159, L1180–1186"),
        ("G2", "volunteers", "places", "+", "S", "seed 001 L1142–1146"),
        ("G3", "places", "activities", "+", "S", "seed 001 L1196–1200"),
        ("G4", "activities", "users", "+", "S", "seed 000 L37–44"),
        ("G5", "users", "relations", "+", "S", "seed 000 L55–57"),
        ("G6", "relations", "loneliness", "-", "S", "seed 001 L1162–1164"),
        ("G7", "loneliness", "wellbeing", "-", "S", "seed 001 L1162–1164"),
        ("G8", "activities", "wellbeing", "+", "S", "seed 000 L46–50"),
        ("G9", "influence", "volunteers", "+", "Inf", "seed 000 L55–58 (inferred: a say keeps people engaged)"),
        ("G10", "users", "influence", "+", "S", "seed 000 L55–58"),
    ],
    "ideas": [
        (
            "meeting_places",
            "Åbne mødesteder i lokalmiljøerne",
            "Open meeting places in local areas",
            [("places", "+")],
            {"reach": [0.4, 0.6, 0.8], "intensity": [0.5, 1.0, 1.5]},
            "seed 001 L1124–1133",
        ),
        (
            "consultants",
            "To frivillighedskonsulenter",
            "Two volunteer consultants",
            [("consultants", "+")],
            {"reach": [0.5, 0.8, 1.0], "intensity": [0.3, 0.5, 0.8]},
            "seed 001 L1138–1141",
        ),
    ],
    "implemented": [
        {
            "id": "meeting_places",
            "idea": "meeting_places",
            "start": 0,
            "ramp_up": 30,
            "reach": {"nominal": 0.6, "low": 0.4, "high": 0.8},
            "intensity": {"nominal": 1.0, "low": 0.5, "high": 1.5},
            "source": "16 places in three years; 111,000 DKK a year",
            "provenance": "seed 001 L1129–1133, L1315",
        },
        {
            "id": "consultants",
            "idea": "consultants",
            "start": 0,
            "ramp_up": 6,
            "reach": {"nominal": 0.8, "low": 0.5, "high": 1.0},
            "intensity": {"nominal": 0.5, "low": 0.3, "high": 0.8},
            "source": "two volunteer consultants in Folkesundhed",
            "provenance": "seed 001 L1138–1141",
        },
    ],
    "observations": [
        {
            "id": "users-start",
            "variable": "users",
            "time": 1,
            "value": 1.0,
            "kind": "index",
            "low": 0.8,
            "high": 1.2,
            "series": "users",
            "source": "assumed start: index 1 (about 50 users a week; not printed in the seeds)",
            "provenance": "assumption (seed 000 L37–38 gives only the later figure)",
        },
        {
            "id": "users-30m",
            "variable": "users",
            "time": 30,
            "value": 1.6,
            "kind": "index",
            "low": 1.2,
            "high": 2.0,
            "series": "users",
            "source": "300–500 users a week at the evaluation (Aug 2024, after about 2.5 years), "
            "read as an index against the assumed start",
            "provenance": "seed 000 L36–38",
        },
    ],
}

AKTIVE_BOERN = {
    "slug": "aktive-boern",
    "create": {
        "title": "Aktive Børn i Forening (København)",
        "place": "Københavns Kommune",
        "languages": ["da", "en"],
        "focus": "Børn 3–9 år i udsatte boligområder: foreningsliv, bevægelse og fællesskab (seed 000 L416–425)",
        "notes": (
            "The source states levers but no numbers (seed 000 L416–425): this example shows how gmb works "
            "without data — the map, the ideas and their doses are the group's judgement; `gmb calibrate` "
            "says there are no observations to learn from."
        ),
    },
    "variables": [
        ("course", "Bevægelsesforløb i institutionen", "Movement course in day care / after school", "L417–419"),
        ("membership", "Børn i foreningslivet", "Children in sports associations", "L419–420"),
        ("activity", "Børns bevægelse", "Children's physical activity", "L420"),
        ("community", "Børns fællesskab i nærområdet", "Children's community in the neighbourhood", "L420–421"),
        ("parents", "Forældres tilknytning og netværk", "Parents' ties and network", "L423–425"),
        ("wellbeing", "Børns trivsel og udvikling", "Children's wellbeing and development", "L421–422"),
    ],
    "outcome": "wellbeing",
    "links": [
        ("A1", "course", "membership", "+", "S", "L417–419"),
        ("A2", "membership", "activity", "+", "S", "L420–422"),
        ("A3", "membership", "community", "+", "S", "L420–422"),
        ("A4", "membership", "parents", "+", "S", "L422–425"),
        ("A5", "activity", "wellbeing", "+", "S", "L421–422"),
        ("A6", "community", "wellbeing", "+", "S", "L421–422"),
        ("A7", "parents", "membership", "+", "Inf", "L423–425 (inferred: involved families keep children in)"),
    ],
    "ideas": [
        (
            "movement_course",
            "Længerevarende bevægelsesforløb",
            "Longer movement course",
            [("course", "+")],
            {"reach": [0.2, 0.4, 0.6], "intensity": [0.2, 0.4, 0.6]},
            "L417–419",
        ),
        (
            "family_involvement",
            "Inddrag forældrene i foreningen",
            "Involve the parents in the association",
            [("parents", "+")],
            {"reach": [0.1, 0.2, 0.4], "intensity": [0.1, 0.3, 0.5]},
            "L423–425",
        ),
    ],
    "implemented": [],
    "observations": [],
}

EXAMPLES = (ROSKILDE, GULDBORGSUND, AKTIVE_BOERN)


def _answer(x):
    return {"low": x[0], "nominal": x[1], "high": x[2]}


def events(spec) -> list[Event]:
    seq, out = 0, []
    prefix = "seed 000 " if not spec["variables"][0][3].startswith("seed") else ""

    def ev(op, data):
        nonlocal seq
        seq += 1
        out.append(Event(seq=seq, op=op, by=None, at=T0 + timedelta(minutes=seq), data=data))

    ev("create", spec["create"])
    for vid, da, en, lines, *kind in spec["variables"]:
        ev("add", {"kind": "variable", "item": {"id": vid, "labels": {"da": da, "en": en},
                                                "notes": f"source: {prefix}{lines}",
                                                **({"kind": kind[0]} if kind else {})}})  # fmt: skip
    ev("set", {"outcome": spec["outcome"]})
    for lid, c, e, sign, evidence, lines, *strength in spec["links"]:
        ev("add", {"kind": "link", "item": {"id": lid, "cause": c, "effect": e, "polarity": sign,
                                            "strength": strength[0] if strength else "medium",
                                            "evidence": evidence, "notes": f"source: {prefix}{lines}"}})  # fmt: skip
    for iid, da, en, targets, dose, lines in spec["ideas"]:
        ev("add", {"kind": "idea", "item": {
            "id": iid, "labels": {"da": da, "en": en}, "notes": f"source: {prefix}{lines}",
            "targets": [{"variable": v, "direction": d} for v, d in targets],
            "dose": {k: _answer(v) for k, v in dose.items()}}})  # fmt: skip
    for im in spec["implemented"]:
        ev("add", {"kind": "implementation", "item": im})
    for ob in spec["observations"]:
        ev("add", {"kind": "observation", "item": ob})
    return out


def main() -> None:
    for spec in EXAMPLES:
        evs = events(spec)
        session = replay(evs)
        folder = ROOT / "gmb" / "examples" / spec["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / "events.jsonl", "".join(_event_line(e) for e in evs))
        atomic_write_text(folder / "session.json", session_to_json(session, last_event=evs[-1].seq))
        print(f"{folder}: {len(evs)} events")


if __name__ == "__main__":
    main()
