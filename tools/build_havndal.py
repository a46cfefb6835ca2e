#!/usr/bin/env python
"""Build the Havndal example session as an event log, deterministically.

The example retells the Havndal group model building process (four workshops
W0–W3, seed 003 L6046–6180 and L7382–7471) as a sequence of
:class:`gmb.session.events.Event` s: who added which variable, link, story,
initiative and idea, at which workshop. The causal-loop diagram is the
reference CLD of ``havndal-reference.md`` §4 (the handbook does not print the
Havndal group's own map); its evidence codes and seed line numbers are kept on
every link.

Run from the repository root::

    /work/venv/bin/python tools/build_havndal.py            # writes both shipped copies
    /work/venv/bin/python tools/build_havndal.py OUT_DIR    # writes OUT_DIR/{session.json,events.jsonl}

The output is byte-for-byte reproducible: every event has a fixed ``seq``,
``at`` and ``by``; nothing depends on the clock, randomness or dict order.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the repository's gmb importable
    sys.path.insert(0, str(ROOT))

from gmb.files import atomic_write_text
from gmb.session.events import Event, replay
from gmb.session.model import Session
from gmb.session.store import _event_line, session_to_json

OUT_DIRS = (ROOT / "gmb" / "examples" / "havndal", ROOT / "sessions" / "havndal")

# --------------------------------------------------------------------------------------------
# Participants: roles with pseudonymous codes, never real names.
# Code letters: F facilitator, M modeller, R recorder, P local workshop-group member,
# K municipal (kommunal) resource person, B citizen at the open W3 workshop.
# (id, code, role, Danish role title = display name after the code, organisation)
# --------------------------------------------------------------------------------------------
STAFF = [
    ("facilitator_au", "F01", "facilitator", "facilitator", "Aarhus Universitet"),
    ("facilitator_steno", "F02", "facilitator", "facilitator", "Steno Diabetes Center Aarhus"),
    ("modeller", "M01", "modeller", "modellør (STICKE)", "Aarhus Universitet"),
    ("recorder", "R01", "recorder", "referent", "Steno Diabetes Center Aarhus"),
]
W0_GROUP = [
    ("school_leader", "P01", "participant", "skoleleder", "skolen i Havndal"),
    ("health_visitor", "P02", "participant", "sundhedsplejerske", "Randers Kommune, sundhedsplejen"),
    ("coop_manager", "P03", "participant", "brugsuddeler", "den lokale brugs"),
    ("sports_chair", "P04", "participant", "formand for idrætsforeningen", "den lokale idrætsforening"),
    ("local_enthusiast", "P05", "participant", "ildsjæl og frivillig", "lokalsamfundet i Havndal"),
    ("parent_1", "P06", "participant", "forælder", "lokalsamfundet i Havndal"),
    ("family_counsellor", "K01", "resource_person", "familierådgiver",
     "Randers Kommune, social- og arbejdsmarkedsområdet"),
    ("settlement_consultant", "K02", "resource_person", "bosætningskonsulent", "Randers Kommune, bosætning"),
    ("coordinator", "K06", "resource_person", "koordinator, Havndal sundhedshus", "Randers Kommune"),
    ("health_promotion", "K07", "resource_person", "konsulent, sundhedsfremme og forebyggelse",
     "Randers Kommune, sundhedsfremme og forebyggelse"),
]  # fmt: skip
# Named by the W0 group as further resource persons (snowball recruitment, seed L7414–7417).
W1_NOMINATED = [
    ("ppr_psychologist", "K03", "resource_person", "psykolog, PPR",
     "Randers Kommune, PPR (pædagogisk-psykologisk rådgivning)"),
    ("planning_architect", "K05", "resource_person", "arkitekt, planafdelingen", "Randers Kommune, planafdelingen"),
    ("care_manager", "K08", "resource_person", "leder, omsorgsområdet", "Randers Kommune, omsorgsområdet"),
]  # fmt: skip
# Invited directly (W2's name list) or by the open invitation to all citizens (seed L7435–7441).
W3_ARRIVALS = [
    ("bdfl_consultant", "K04", "resource_person", "'Bevæg dig for livet'-konsulent",
     "Randers Kommune, idræt og fritid"),
    ("parent_2", "B01", "participant", "forælder", "lokalsamfundet i Havndal"),
    ("parent_3", "B02", "participant", "forælder", "lokalsamfundet i Havndal"),
    ("youth_1", "B03", "participant", "ung (15–20 år)", "lokalsamfundet i Havndal"),
    ("youth_2", "B04", "participant", "ung (15–20 år)", "lokalsamfundet i Havndal"),
    ("pensioner", "B05", "participant", "pensionist", "den lokale pensionistforening"),
    ("older_citizen", "B06", "participant", "ældre borger, kreativ", "lokalsamfundet i Havndal"),
    ("citizen", "B07", "participant", "borger, naturinteresseret", "lokalsamfundet i Havndal"),
]  # fmt: skip

STAFF_IDS = [p[0] for p in STAFF]
GROUP_IDS = [p[0] for p in W0_GROUP + W1_NOMINATED]  # the workshop group at W1 and W2

# Illustrative dates (the source gives none): autumn 2021, before the health house opened (April 2022).
DATES = {
    "plan": datetime(2021, 8, 30, 9, 0, tzinfo=UTC),
    "W0": datetime(2021, 9, 14, 14, 0, tzinfo=UTC),
    "W1": datetime(2021, 10, 5, 14, 0, tzinfo=UTC),
    "W2": datetime(2021, 10, 26, 14, 0, tzinfo=UTC),
    "W3": datetime(2021, 11, 23, 15, 0, tzinfo=UTC),
}

# --------------------------------------------------------------------------------------------
# Stages W0–W3 (havndal-reference §2.3, seed L7382–7452). Role duties are reconstructed from the
# GMB scripts (Hovmand) and the seed's process description; the seed lists no duties.
# --------------------------------------------------------------------------------------------
STAGES = [
    {
        "id": "W0",
        "title": "W0 · Afgrænsning og rekruttering (scoping and recruitment)",
        "purpose": (
            "Bring local and central actors who matter for children's health and wellbeing in and around "
            "Havndal together, show them knowledge and local data, choose the project's focus and name "
            "further resource persons to invite (seed 003 L7399–7419)."
        ),
        "inputs": [
            "General knowledge on children's and young people's health and wellbeing",
            (
                "Havndal survey at the local school just before the workshop: sleep, wellbeing, physical activity, "
                "weight development, participation in leisure activities, eating habits (L6070–6072, L7408–7414)"
            ),
            "Health-visitor school-entry measurements: about 1 in 4 children overweight (L6056–6060)",
        ],
        "activities": [
            "Present knowledge and the Havndal data",
            "Participants name further resource persons to invite to later workshops (snowball recruitment)",
            "Choose the focus of the project",
        ],
        "outputs": [
            "Invitee list for W1–W2",
            "Focus: 'mental sundhed for børn og unge i Havndal' (L7417–7419)",
            "Outcome variable of the model",
        ],
        "roles": [
            ("facilitator", "present knowledge and data; lead the choice of focus; keep time"),
            ("modeller", "set up the STICKE project; record the outcome variable"),
            ("recorder", "record the indicators shown, the invitee list and the focus"),
            ("participant", "bring local knowledge; choose the focus; nominate further resource persons"),
            ("resource_person", "bring department knowledge (from family counselling to settlement)"),
        ],
    },
    {
        "id": "W1",
        "title": "W1 · Første model og forbindelsescirkler (first model: connection circles)",
        "purpose": (
            "Build a first draft causal-loop diagram of the mechanisms participants believe affect children's "
            "and young people's mental health in Havndal (seed 003 L7420–7428)."
        ),
        "inputs": ["W0 data and indicators", "The focus chosen at W0"],
        "activities": [
            "Connection circles in STICKE: name variables around a circle",
            "Draw which variables affect each other, and how (sign, delay)",
            "Vote on (support) the links drawn",
        ],
        "outputs": ["Variables on a connection circle with directed, signed links: the first draft CLD"],
        "roles": [
            ("facilitator", "run the connection-circle script; ask for the sign and delay of every arrow"),
            ("modeller", "enter variables and links in STICKE as they are named"),
            ("recorder", "write down who proposed and who supported each element, with arguments"),
            ("participant", "name variables and links from local experience"),
            ("resource_person", "add mechanisms known from their department's work"),
        ],
    },
    {
        "id": "W2",
        "title": "W2 · Temaer og fortællinger (themes and stories)",
        "purpose": (
            "Work further on the model to create themes and stories in the map, so the group can present it to "
            "the community at W3; write the W3 invitation and the list of people to invite directly "
            "(seed 003 L7430–7439)."
        ),
        "inputs": ["The draft CLD from W1"],
        "activities": [
            "Extend the model (capacity, facilitation, coordination, response)",
            "Choose themes and mark their variables",
            "Tell stories along feedback loops",
            "Write the invitation to W3 and a name list for direct invitations",
        ],
        "outputs": [
            "A model, themes and stories ready to present at W3",
            "Invitation to W3 and a name list of direct invitees, plus an open invitation to all citizens",
        ],
        "roles": [
            ("facilitator", "guide the choice of themes; help the group read loops as stories"),
            ("modeller", "mark themes in the map; check loop polarities"),
            ("recorder", "write the stories down in the group's words"),
            ("participant", "choose themes; tell stories; name whom to invite"),
            ("resource_person", "check the stories against professional experience"),
        ],
    },
    {
        "id": "W3",
        "title": "W3 · Fællesskabsworkshop: indsatser og idéer (community workshop: initiatives and ideas)",
        "purpose": (
            "With the group, direct invitees and any interested citizen: identify existing initiatives that affect "
            "mental health in Havndal, generate ideas to strengthen it further, prioritise them by influence on "
            "the model and feasibility, and form volunteer working groups (seed 003 L7441–7452)."
        ),
        "inputs": ["The CLD, themes and stories presented by the group"],
        "activities": [
            "Identify existing initiatives and the variables they act on",
            "Generate ideas for new initiatives",
            "Prioritise ideas by influence on the model and feasibility (dot voting, feasibility score)",
            "Cluster ideas into matching working groups",
        ],
        "outputs": [
            "The idea bank ('bankbog') with every idea",
            "Volunteer working groups ('frivillige arbejdsgrupper')",
        ],
        "roles": [
            ("facilitator", "present the map; run idea generation and prioritisation"),
            ("modeller", "place initiatives and ideas on the variables they act on"),
            ("recorder", "keep the idea bank, votes, feasibility scores and working groups"),
            ("participant", "name initiatives, propose ideas, vote, join a working group"),
            ("resource_person", "say what already exists and what the municipality can support"),
        ],
    },
]

# --------------------------------------------------------------------------------------------
# W0 indicators. Values only where the source gives one; "not reported" otherwise.
# --------------------------------------------------------------------------------------------
SURVEY_SOURCE = "seed 003 L6070–6072, L7408–7414 (survey at the local school just before W0)"
INDICATORS = [
    {
        "id": "overweight_school_start",
        "name": "Overvægt ved indskolingsundersøgelsen (children overweight at school start)",
        "value": 0.25,
        "comparison": "Randers Kommune as a whole: 1 in 7 (≈ 0.14)",
        "unit": "share of children ('ca. hvert fjerde barn', about 1 in 4)",
        "source": "seed 003 L6056–6060 (health-visitor school-entry measurements)",
        "notes": "Approximate: the source says 'ca. hvert fjerde barn' in Havndal and 'hvert 7. barn' in Randers.",
        "by": "health_visitor",
    },
    {
        "id": "health_profile_north",
        "name": "Sundhedsprofilen 'Hvordan har du det?' (health profile)",
        "value": "northern Randers has the largest health challenges in the municipality",
        "comparison": "other parts of Randers Kommune",
        "source": "seed 003 L5799–5801",
        "notes": "Qualitative; why the health house was placed in Havndal.",
        "by": "coordinator",
    },
] + [
    {
        "id": f"survey_{key}",
        "name": f"{da} ({en})",
        "source": SURVEY_SOURCE,
        "notes": "Shown at W0; value not reported in the source.",
        "by": "facilitator_au",
    }
    for key, da, en in [
        ("eating_habits", "Madvaner", "eating habits"),
        ("physical_activity", "Fysisk aktivitetsniveau", "physical activity level"),
        ("mental_health", "Mental sundhed og trivsel", "mental health and wellbeing"),
        ("leisure", "Deltagelse i fritidsaktiviteter", "participation in leisure activities"),
        ("sleep", "Søvn", "sleep"),
        ("weight_development", "Vægtudvikling", "weight development"),
    ]
]

THEMES = [
    {
        "id": "mental_health",
        "labels": {"da": "mental sundhed", "en": "mental health"},
        "description": "Children's mental health and wellbeing and what bears on it directly (seed L6077–6079).",
    },
    {
        "id": "communities",
        "labels": {"da": "fællesskaber", "en": "communities"},
        "description": (
            "Children's participation in communities and the local capacity that carries them: volunteers, "
            "associations, ownership, facilitation (seed L6077–6079, L6162–6163)."
        ),
    },
]

# --------------------------------------------------------------------------------------------
# Variables: reference V1–V40 (havndal-reference §4.1) plus the connection-circle variables of the
# seed not among them (L7454–7471) and one W3 addition from the §4.4 candidates.
# (ref, id, da, en, kind, stage, proposer, themes, description, kind reason)
# --------------------------------------------------------------------------------------------
MH, CO = "mental_health", "communities"
STOCK_WHY = "Stock: it accumulates and changes over months or years, not from day to day."
VARIABLES = [
    ("V1", "mental_wellbeing", "Børns mentale sundhed og trivsel", "children's mental health & wellbeing",
     "outcome", "W0", "health_visitor", (MH,),
     "The outcome: how children and young people in Havndal thrive mentally (trivsel). Chosen as the focus at W0.",
     "Outcome (focus chosen at W0, seed L7417–7419). It accumulates slowly: convert it as a stock."),
    ("V2", "community_participation", "Børns deltagelse i fællesskaber", "children's participation in communities",
     "auxiliary", "W1", "school_leader", (CO,),
     "How much children and young people take part in local communities and activities.", ""),
    ("V3", "belonging", "Tilhørsforhold", "sense of belonging", "stock", "W1", "family_counsellor", (MH, CO),
     "Children's feeling of belonging to the town and its communities.",
     STOCK_WHY + " Belonging is built by repeated participation and relations."),
    ("V4", "loneliness", "Ensomhed", "loneliness", "auxiliary", "W1", "ppr_psychologist", (MH,),
     "Children and young people who are alone, 'sidder alene'.", ""),
    ("V5", "social_relations", "Sociale relationer og netværk", "social relations & networks",
     "stock", "W1", "local_enthusiast", (CO,),
     "Bonding social capital: children's and families' relations and networks in Havndal.",
     STOCK_WHY + " Networks are built up and lost gradually."),
    ("V6", "trust", "Tillid mellem borgere", "trust among residents", "stock", "W1", "settlement_consultant", (CO,),
     "Residents' trust in each other.", STOCK_WHY + " Trust is built slowly and lost faster."),
    ("V7", "safety", "Tryghed (social og i trafikken)", "perceived safety (social & traffic)",
     "auxiliary", "W1", "parent_1", (MH,),
     "How safe children and parents feel, socially and in traffic.", ""),
    ("V8", "local_activities", "Lokale aktiviteter og mødesteder", "local activities & meeting places",
     "auxiliary", "W1", "local_enthusiast", (CO,),
     "Activities and meeting places in town: fællesspisning, board games, krea-café, LAN party, byfest …", ""),
    ("V9", "volunteers", "Frivillige kræfter", "volunteer capacity", "stock", "W1", "sports_chair", (CO,),
     "The pool of active volunteers who carry local activities.",
     STOCK_WHY + " People become volunteers and stop over time."),
    ("V10", "volunteer_burden", "Belastning af frivillige (rovdrift, udmattelse)", "volunteer workload & burnout",
     "stock", "W2", "sports_chair", (CO,),
     "How hard the volunteers are worked; overwork wears them out (seed L3336–3339).",
     STOCK_WHY + " Fatigue builds up over seasons."),
    ("V11", "club_capacity", "Foreningslivets kapacitet", "sports-association capacity",
     "stock", "W1", "sports_chair", (CO,),
     "What local associations can offer: activities, members, volunteer coaches.",
     STOCK_WHY + " Members, coaches and offers grow or shrink over seasons."),
    ("V12", "club_participation", "Børns deltagelse i foreningsliv",
     "children's participation in organised sport & leisure",
     "auxiliary", "W1", "school_leader", (CO,),
     "Children who take part in organised sport and leisure activities.", ""),
    ("V13", "physical_activity", "Børns fysiske aktivitet", "children's physical activity",
     "auxiliary", "W1", "health_visitor", (),
     "How physically active children are during the day. On the connection circle (seed L7459).", ""),
    ("V14", "active_transport", "Aktiv transport (gå og cykle til skole)",
     "active transport (walking & cycling to school)",
     "auxiliary", "W1", "school_leader", (),
     "Children walking or cycling to school and leisure.", ""),
    ("V15", "safe_bike_paths", "Trygge cykelstier", "safe bike paths", "exogenous", "W1", "parent_1", (),
     "Bike paths to and from school that are safe for children (seed L6089–6091).",
     "Exogenous lever: built by decision, nothing in the map drives it."),
    ("V16", "traffic_hot_spots", "Trafikale hot spots", "traffic hot spots", "exogenous", "W1", "parent_1", (),
     "Places where traffic makes moving around town unsafe (seed L3943–3946).",
     "Exogenous lever: changed by road works, nothing in the map drives it."),
    ("V17", "playgrounds", "Legepladser der indbyder til alsidig bevægelse", "playgrounds inviting varied movement",
     "exogenous", "W1", "planning_architect", (),
     "Playground quality: playgrounds that invite more varied movement (seed L6091–6093).",
     "Exogenous lever: built by decision, nothing in the map drives it."),
    ("V18", "green_areas", "Adgang til grønne områder og natur", "access to green areas & nature",
     "exogenous", "W1", "planning_architect", (),
     "Access to green areas and nature, e.g. Søstien, the lake path (seed L6093–6096).",
     "Exogenous lever: built by decision, nothing in the map drives it."),
    ("V19", "sleep", "Søvn", "sleep", "auxiliary", "W1", "health_visitor", (MH,),
     "Children's sleep. On the connection circle (seed L7471) and among the W0 survey topics.", ""),
    ("V20", "screen_time", "Skærmtid", "screen time", "auxiliary", "W1", "ppr_psychologist", (MH,),
     "Time children spend on screens. On the connection circle (seed L7461).", ""),
    ("V21", "junk_food", "Indtag af junk food", "junk-food intake", "auxiliary", "W1", "health_visitor", (),
     "How much junk food children eat. On the connection circle (seed L7466).", ""),
    ("V22", "fast_food_outlets", "Fastfood-steder og kiosker", "fast-food outlets & kiosks",
     "exogenous", "W1", "coop_manager", (),
     ("Availability of fast food and kiosks, also as a meeting place for the young "
     "('Fast food restauranter som mødested', connection circle, seed L7468–7469)."),
     ("Exogenous lever: shops open and close for reasons outside the map. Only the unvalidated candidate link C8 "
     "(W3) points into it.")),
    ("V23", "healthy_food_access", "Adgang til sund mad og drikke", "access to healthy food & drink",
     "exogenous", "W1", "coop_manager", (),
     "Easy access to healthy food and drink at home, school, institutions and the local shop.",
     "Exogenous lever: set by shops and institutions."),
    ("V24", "overweight", "Overvægt (vægtudvikling)", "overweight (weight development)",
     "stock", "W1", "health_visitor", (),
     "Share of children with overweight; about 1 in 4 at school start in Havndal (seed L6056–6060).",
     STOCK_WHY + " Weight changes over years (cf. 'not visible within 5 years', L4481–4483)."),
    ("V25", "parents_surplus", "Forældres mentale overskud", "parents' mental surplus",
     "auxiliary", "W1", "family_counsellor", (MH,),
     "Parents' mental and social surplus; children suffer when parents struggle (seed L7959–7969).", ""),
    ("V26", "family_economy", "Familiens økonomiske ressourcer", "family economic resources",
     "exogenous", "W1", "family_counsellor", (),
     "Families' income, work and economic room.", "Exogenous lever: outside what the community can change."),
    ("V27", "parents_knowledge", "Forældres viden om sunde vaner", "parents' knowledge of healthy habits",
     "exogenous", "W1", "health_visitor", (),
     "What parents know about sleep, food, screens and movement.",
     "Exogenous lever: changed by information and counselling, nothing in the map drives it."),
    ("V28", "parental_participation", "Forældredeltagelse", "parental participation",
     "auxiliary", "W1", "school_leader", (MH,),
     "Parents taking an active part in their children's everyday life, school and leisure.", ""),
    ("V29", "unhealthy_norms", "Usunde normer (fx normalisering af en større krop)",
     "unhealthy social norms (e.g. normalising a larger body)", "stock", "W1", "health_promotion", (),
     ("Local norms that keep an unhealthy way of life normal; 'Normalisering af en større krop' on the "
     "connection circle (seed L7454–7455)."),
     STOCK_WHY + " Norms shift slowly."),
    ("V30", "community_capacity", "Lokalsamfundets kapacitet og handlekraft", "community capacity & collective agency",
     "stock", "W2", "coordinator", (CO,),
     "The community's capacity to act together; a well-functioning community buffers against mistrivsel.",
     STOCK_WHY + " Capacity is built over years of working together."),
    ("V31", "empowerment", "Individuel empowerment og handlekompetence", "individual empowerment & action competence",
     "auxiliary", "W2", "health_promotion", (MH,),
     "People's control over their own health and ability to act.", ""),
    ("V32", "local_ownership", "Lokalt ejerskab", "local ownership", "stock", "W2", "local_enthusiast", (CO,),
     "Citizens owning the activities and solutions, rather than the municipality.",
     STOCK_WHY + " Ownership grows through engagement and can be taken away gradually."),
    ("V33", "citizen_participation", "Ægte borgerinddragelse", "depth of citizen participation",
     "auxiliary", "W2", "coordinator", (CO,),
     "How genuinely citizens are involved in decisions and processes.", ""),
    ("V34", "municipal_facilitation", "Kommunal facilitering (koordinator, projektleder)",
     "municipal facilitation (coordinator, project leader)", "auxiliary", "W2", "coordinator", (CO,),
     "Support from municipal staff such as the health-house coordinator (25 h/week).", ""),
    ("V35", "hope", "Håb og tro på fælles opbakning", "hope & belief in collective support",
     "auxiliary", "W2", "local_enthusiast", (CO,),
     "Belief that others will join in and that things can change (seed L1870–1881, L1896–1904).", ""),
    ("V36", "coordination", "Koordinering mellem settings", "cross-setting coordination",
     "auxiliary", "W2", "health_visitor", (CO,),
     "Coordination between school, daycare, associations and health visitors.", ""),
    ("V37", "targeted_response", "Målrettet kommunal respons (data → indsats)",
     "targeted municipal response (data → action)",
     "auxiliary", "W2", "ppr_psychologist", (MH,),
     "Municipal offers aimed at children who show problems, e.g. wellbeing groups, outreach family counselling.", ""),
    ("V38", "stigmatisation", "Stigmatisering", "stigmatisation", "auxiliary", "W2", "family_counsellor", (MH,),
     "Children and families feeling singled out by targeted help (seed L924–927, L6345–6347).", ""),
    ("V39", "less_resourced_participation", "Mindre ressourcestærkes deltagelse i inddragelsesprocesser",
     "participation of less-resourced residents in processes", "auxiliary", "W2", "settlement_consultant", (CO,),
     "Whether less-resourced residents take part in open workshops and citizen processes.", ""),
    ("V40", "trust_in_municipality", "Tillid til kommunen", "trust in the municipality",
     "stock", "W2", "coop_manager", (CO,),
     "Residents' trust that the municipality really wants to support their wishes (seed L4091–4097).",
     STOCK_WHY + " Built through kept promises, eroded by refusals."),
    # The seed's example connection circle (L7454–7471) has four variables not among V1–V40.
    ("CC", "technology_use", "Brug af teknologi", "technology use", "exogenous", "W1", "school_leader", (),
     "Children's use of phones, tablets and computers (connection circle, seed L7457).",
     "Exogenous: driven by developments outside the town."),
    ("CC", "fitness_centre", "Fitnesscenter", "fitness centre", "exogenous", "W1", "sports_chair", (),
     "A fitness centre within reach of young people (connection circle, seed L7461).",
     "Exogenous: whether there is one is decided outside the map."),
    ("CC", "advertising", "Indflydelse af reklamer", "influence of advertising", "exogenous", "W1", "coop_manager", (),
     "How much advertising for food and drink reaches children (connection circle, seed L7463).",
     "Exogenous: outside local control."),
    ("CC", "meals_per_day", "Antal måltider pr. dag", "meals per day", "exogenous", "W1", "health_visitor", (),
     "How many meals children eat a day (connection circle, seed L7463–7464).",
     "Exogenous here: nothing in the map is linked into it yet."),
    ("W3", "youth_meeting_places", "Mødesteder for unge", "meeting places for young people",
     "exogenous", "W3", "youth_1", (),
     ("Places where young people can meet that are not fast-food venues (værested L2511, udeområde L5640–5659, "
     "LAN party L6101). Added at W3 while the LAN-party idea was discussed."),
     "Exogenous lever: created by decision."),
]  # fmt: skip
VAR_ID = {ref: vid for ref, vid, *_ in VARIABLES if ref.startswith("V")}
VAR_STAGE = {v[1]: v[5] for v in VARIABLES}

# --------------------------------------------------------------------------------------------
# Links: reference L1–L69 (§4.2). L25 is two links (both directions), L57 is two (a, b), L58 and
# L65 each have two effects (a, b). (id, cause, effect, sign, evidence, proposer, delayed,
# justification, seed lines)
# --------------------------------------------------------------------------------------------
LINKS = [
    # Social-relational core
    ("L1", "V5", "V6", "+", "S", "settlement_consultant", True,
     ("'Kendskab til hinanden, opbygning af tillid og samarbejde binder … relationerne sammen'; social capital forms "
     "in networks marked by trust."), "L1103–1105, L1120–1123"),
    ("L2", "V6", "V7", "+", "S", "parent_1", False,
     "Bonding 'understøtter gensidighed, tryghed og solidaritet'.", "L1121–1123"),
    ("L3", "V5", "V3", "+", "S", "family_counsellor", False,
     "Fællesskaber and networks 'kan bidrage til, at mennesker føler et tilhørsforhold'.", "L1188–1190"),
    ("L4", "V3", "V1", "+", "S", "family_counsellor", False,
     "'oplevelsen af tilhørsforhold, tryghed og den handlekraft … i sig selv kan være en sundhedsfremmende faktor'.",
     "L192–198"),
    ("L5", "V7", "V1", "+", "S", "parent_1", False, "Same relational explanation (tryghed).", "L196–198"),
    ("L6", "V5", "V4", "-", "I", "ppr_psychologist", False,
     ("Being part of a local community reduces 'sidder alene'; the bridge builder moves people with loneliness into "
     "communities."), "L585–588, L5372–5373, L5747–5753"),
    ("L7", "V4", "V1", "-", "S (adults)", "ppr_psychologist", False,
     ("Lonely weekends precede acute psychiatric admissions; a weekly group prevents them. Loneliness is used as an "
     "indicator (L2693)."), "L5737–5753, L2693"),
    ("L8", "V2", "V5", "+", "S (adults)", "local_enthusiast", True,
     "Regular participants 'har fået et stærkt lokalt netværk'; bonding in a resident-run café.",
     "L906–908, L1124–1125, L5425–5430"),
    ("L9", "V1", "V2", "+", "S (adults)", "school_leader", False,
     "Participation 'kræver stort fysisk eller mentalt overskud'; hence low-threshold offers.",
     "L5399–5407, L7596–7597"),
    ("L10", "V8", "V2", "+", "I", "local_enthusiast", False,
     ("Havndal's krea-café, board games, LAN party and fællesspisning are meant to strengthen 'børns mentale "
     "sundhed og deltagelse i fællesskaber'."), "L6096–6103, L6159–6163"),
    # Volunteer and capacity dynamics
    ("L11", "V9", "V8", "+", "S", "sports_chair", False,
     ("Trivselspiloter start board games, fællesspisning, walking groups; resident-run fællesspisning; "
     "volunteer-run mandeklub."), "L2115–2117, L2274–2280, L1883–1885, L5562–5563"),
    ("L12", "V8", "V9", "+", "S", "local_enthusiast", True,
     ("Activities create volunteer roles ('en frivillig rolle'); target-group members 'er blevet frivillige'; a "
     "walker becomes a walk host."), "L909–910, L5301–5303, L5411–5413, L6239–6243"),
    ("L13", "V8", "V10", "+", "I", "sports_chair", False,
     "Long processes and projects 'koster mange kræfter'; reliance on volunteers is a weakness.",
     "L4117–4120, L4274–4275"),
    ("L14", "V10", "V9", "-", "S", "sports_chair", True,
     "Rovdrift 'udmatter dem, og de stopper med at udføre frivilligt arbejde'.", "L3336–3339"),
    ("L15", "V34", "V9", "+", "S", "coordinator", True,
     "An external project worker 'blev katalysator for mobiliseringen'; mobilisation 'ikke sker af sig selv'.",
     "L1887–1891, L3332–3335, L2282–2283"),
    ("L16", "V34", "V10", "-", "I", "coordinator", False,
     "'gøre det let at være frivillig'; coordinator and project leader support working groups.",
     "L3339–3343, L3794–3801, L6159–6163"),
    ("L17", "V34", "V32", "-", "I", "local_enthusiast", True,
     ("If the project leader takes over tasks, 'tager hun så ejerskabet fra dem'; better that citizens attach to "
     "each other than to staff. Applies when facilitation substitutes for local action."), "L4742–4745, L3329–3331"),
    ("L18", "V32", "V34", "-", "I", "coordinator", False,
     ("Where locals take the coordinator role 'bliver projektlederen mindre central'; elsewhere she must "
     "'tage teten'."), "L4692–4707, L4784–4787"),
    ("L19", "V33", "V32", "+", "S", "coordinator", True,
     ("'Ejerskab og handlekraft opstår gennem engagement'; genuine participation gives the most 'indflydelse, "
     "engagement og motivation'."), "L1214–1215, L7121–7123, L2407–2411"),
    ("L20", "V32", "V8", "+", "S", "local_enthusiast", False,
     ("Persistence: local anchoring ensures 'ejerskab og holdbare løsninger'; fællesspisning still running 10 years "
     "on, owned by residents."), "L1804–1806, L1882–1894, L5755–5758"),
    ("L21", "V32", "V30", "+", "I", "health_promotion", True,
     "'skabe fælles ejerskab og handlekapacitet i lokalsamfund'.", "L975–980"),
    ("L22", "V30", "V8", "+", "S", "coordinator", False,
     ("Self-running local forums spawn new collaborations (nursing-home volunteers at the kindergarten playground; "
     "school Easter lunch for residents)."), "L5630–5638, L5684–5687"),
    ("L23", "V8", "V30", "+", "S", "health_promotion", True,
     "Health-promotion work with involved citizens strengthens community capacity; forums raise mutual knowledge.",
     "L229–235, L5631–5632"),
    ("L24", "V30", "V1", "+", "S", "health_promotion", True,
     "'Velfungerende lokalsamfund kan være en buffer for mistrivsel'.", "L218–222, L299–300"),
    ("L25a", "V31", "V30", "+", "S", "health_promotion", True,
     "Empowerment levels have an 'afsmittende effekt på hinanden' (individual → community).", "L1057–1065"),
    ("L25b", "V30", "V31", "+", "S", "health_promotion", True,
     "Empowerment levels have an 'afsmittende effekt på hinanden' (community → individual).", "L1057–1065"),
    ("L26", "V31", "V1", "+", "I", "ppr_psychologist", False,
     ("Health promotion = increasing control over one's health; ownership raises 'self efficacy og sundheds- og "
     "handlekompetencer'."), "L309–311, L2600–2603, L4917–4921"),
    ("L27", "V6", "V33", "+", "S", "settlement_consultant", False,
     "Getting citizens on board 'afhænger også af tillidsniveau og de gode relationer'.", "L7001–7004"),
    ("L28", "V9", "V6", "+", "S", "sports_chair", True,
     ("'igennem det frivillige arbejde føler en stor tillid til de mennesker, der bor omkring ham'; volunteering "
     "sustains 'det gode sammenhold'."), "L1262–1265, L3549–3552"),
    ("L29", "V35", "V9", "+", "S", "local_enthusiast", False,
     ("Nobody believed in support ('hver var sig selv nok') until asset mapping showed 75 users and 25 helpers; "
     "then mobilisation."), "L1870–1881"),
    ("L30", "V8", "V35", "+", "I", "local_enthusiast", False,
     "The asset approach counters 'opgivenhed' and 'giver nærmere håb for at tingene kan ændres'.", "L1896–1904"),
    ("L31", "V40", "V33", "+", "S", "coop_manager", False,
     "Relations built 'så borgerne har tillid til, at kommunen virkelig gerne vil understøtte deres ønsker'.",
     "L4091–4097"),
    ("L32", "V34", "V40", "+", "S", "coop_manager", True,
     ("Being close to groups, acting on requests and presence at local events build relations; refusal after a big "
     "volunteer effort erodes them (I)."), "L3318–3323, L4097–4100, L2346–2356, L4028–4036"),
    # Physical activity and environment
    ("L33", "V15", "V14", "+", "S", "parent_1", False,
     ("Cycle paths 'så det bliver sikkert for børnene at transportere sig på cykel'; safe paths so that 'flest "
     "mulige borgere får bevæget sig i dagligdagen'."), "L6089–6091, L1052–1055"),
    ("L34", "V16", "V7", "-", "S", "parent_1", False, "Hot spots 'gør færdslen i landsbyen utryg'.", "L3943–3946"),
    ("L35", "V7", "V14", "+", "I", "school_leader", False,
     ("(Traffic) safety is the stated precondition for children cycling; kindergarten and bike-shop traffic-safety "
     "collaboration."), "L6089–6091, L4369–4371"),
    ("L36", "V14", "V13", "+", "I", "school_leader", False,
     "Children 'mere fysisk aktive i løbet af dagen, benytter sig af aktiv transport'.", "L8366–8370, L1054–1055"),
    ("L37", "V17", "V13", "+", "S", "planning_architect", False,
     "Playgrounds developed 'så de indbyder til mere alsidig bevægelse'.", "L6091–6093"),
    ("L38", "V18", "V13", "+", "S", "planning_architect", False,
     "Søstien 'til bevægelse i naturen'; green areas as a contextual health factor; outdoors daily.",
     "L6093–6096, L177–178, L4360"),
    ("L39", "V12", "V13", "+", "I", "sports_chair", False,
     "'Flere børn dyrker idræt i en forening' as an activity outcome.", "L4827–4829, L8401–8403"),
    ("L40", "V12", "V2", "+", "I", "sports_chair", False,
     ("Enrolling children 'i den lokale gymnastikforening' as a route into community; a running club gives 'en anden "
     "type af netværk' (adults)."), "L5374–5378, L2143–2148"),
    ("L41", "V12", "V11", "+", "I", "sports_chair", True,
     "'Foreningerne får flere medlemmer og frivillige'.", "L8404–8406"),
    ("L42", "V11", "V12", "+", "I", "sports_chair", False,
     "'Flere idrætstilbud til idrætsuvante børn, kompetenceudvikling af frivillige'.", "L8443–8448"),
    ("L43", "V26", "V12", "+", "I", "family_counsellor", False,
     "'økonomisk støtte til særligt udsatte børns vej ind i foreningerne' implies an economic barrier.",
     "L8445–8447"),
    # Diet, weight, sleep, screens
    ("L44", "V13", "V24", "-", "S", "health_visitor", True,
     ("Thriving, eating healthier and being active 'yderligere vil fremme en sund vægtudvikling'; Træningsklubben "
     "for overweight children."), "L4478–4480, L2175–2182"),
    ("L45", "V21", "V24", "+", "I", "health_visitor", True,
     "Same; junk food appears in the weight-oriented connection circle.", "L4478–4480, L7466"),
    ("L46", "V22", "V21", "+", "I", "coop_manager", False,
     ("Kiosk and fast-food availability are contextual health factors; goal of reducing sales of 'fastfood, slik, "
     "chips'."), "L177–180, L7466–7469, L8413–8418"),
    ("L47", "V23", "V21", "-", "I", "coop_manager", False,
     "'nem adgang til sund mad og drikke' in institutions, schools, playgrounds; local shops promote healthy food.",
     "L4420–4423, L8455–8457"),
    ("L48", "V27", "V19", "+", "S (programme theory)", "health_visitor", False,
     "Morning meetings with parents on 'søvn, morgenmad, trøst' so that children arrive 'veludhvilede'.",
     "L8187–8239"),
    ("L49", "V27", "V21", "-", "S (programme theory)", "health_visitor", False,
     ("Same meetings: 'nærende morgenmad og ikke bliver trøstet med kalorieholdig mad og drikke'; knowledge of "
     "healthy habits is a stated cause of child overweight."), "L8224–8239, L918–922"),
    ("L50", "V27", "V20", "-", "I", "health_visitor", False,
     "Health-visitor home visits 'med ekstra fokus på tumlelege, skærmtid'.", "L4366–4368"),
    ("L51", "V19", "V1", "+", "I (polarity Inf)", "health_visitor", False,
     "Sleep is among the data shown at W0 for the mental-health model and a connection-circle variable.",
     "L7409–7419, L7471"),
    ("L52", "V20", "V1", "-", "I (polarity Inf)", "ppr_psychologist", False,
     "Screen time is a variable in the example connection circle; the sign is not given.", "L7461"),
    # Family pathway
    ("L53", "V25", "V1", "+", "S", "family_counsellor", False,
     "'børn mistrives pga. psykiske og/eller sociale problemer hos forældre'.", "L7959–7969"),
    ("L54", "V26", "V25", "+", "S", "family_counsellor", False,
     ("Few resources (income, work, family, network) → 'højere forekomst af depressioner'; economy and mental "
     "surplus co-listed."), "L207–209, L918–922"),
    ("L55", "V25", "V28", "+", "I", "school_leader", False,
     "Less-resourced parents are rarely in the school's contact sphere; less-resourced citizens rarely attend.",
     "L1474–1477, L5296–5299"),
    ("L56", "V28", "V1", "+", "I", "school_leader", False,
     "Target 'Forældre deltager aktivt i deres børns hverdag'; adults around the child share responsibility.",
     "L5019–5023, L4503–4507"),
    # Norms
    ("L57a", "V24", "V29", "+", "I/Inf", "health_promotion", True,
     ("The structure is stated for smoking: a large share of smokers makes it 'naturligt at ryge'. Applying it to "
     "bodies ('Normalisering af en større krop') is an inference from the variable name."), "L301–306, L7454–7455"),
    ("L57b", "V29", "V21", "+", "S structure / Inf application", "health_promotion", False,
     ("Norms help 'opretholde en usund levevis'; the collective explanation (e.g. 'der altid spises kage, når man "
     "mødes')."), "L185–191, L304–306, L968–972"),
    # Coordination and municipal response
    ("L58a", "V36", "V8", "+", "S", "health_visitor", False,
     ("Coordination 'så den samlede mængde af ressourcer og aktiviteter arbejder i samme retning og opnår bedre "
     "resultater'; synergies; avoids counteraction."), "L4842–4845, L1506–1516, L1394–1397"),
    ("L58b", "V36", "V13", "+", "S", "health_visitor", False,
     "Same: coordinated settings pull children's physical activity in the same direction.",
     "L4842–4845, L1506–1516, L1394–1397"),
    ("L59", "V30", "V36", "+", "S", "coordinator", True,
     "A local forum created because of 'meget lidt koordinering på tværs', now 'selvkørende'.", "L5625–5632"),
    ("L60", "V24", "V37", "+", "S", "health_visitor", True,
     "Areas chosen on health-visitor overweight data; 'flere overvægtige børn' → Træningsklubben.",
     "L4338–4339, L6056–6060, L2175–2182"),
    ("L61", "V37", "V13", "+", "S", "health_visitor", False,
     "Træningsklubben; school action plans for 45 min/day.", "L2179–2182, L4816–4821"),
    ("L62", "V1", "V37", "-", "S", "ppr_psychologist", False,
     "Professionals see children mistrive → trivselsgrupper, outreach family counselling.", "L7959–8101"),
    ("L63", "V37", "V1", "+", "S (programme theory)", "ppr_psychologist", True,
     ("Long-term effect: families 'styrket i deres mestringsstrategier, så de oplever trivsel på trods af "
     "udsathed'."), "L8088–8101"),
    ("L64", "V37", "V38", "+", "I", "family_counsellor", False,
     ("'For at undgå stigmatisering af bestemte grupper … fokusere på hele lokalsamfundet'; be careful how one "
     "talks about why one comes."), "L924–927, L6345–6347, L3454–3456"),
    ("L65a", "V38", "V2", "-", "Inf", "family_counsellor", False,
     "The text warns against stigma but does not state the mechanism (stigma → less participation).",
     "L924–927, L6345–6347"),
    ("L65b", "V38", "V33", "-", "Inf", "settlement_consultant", False,
     "The text warns against stigma but does not state the mechanism (stigma → shallower involvement).",
     "L924–927, L6345–6347"),
    # Equity of participation
    ("L66", "V26", "V39", "+", "S", "settlement_consultant", False,
     ("Less-resourced people 'sjældent dukker op' to open workshops and citizen meetings; 'Er det kun de "
     "ressourcestærke, som bliver hørt?'"), "L5296–5299, L8684–8685"),
    ("L67", "V34", "V39", "+", "S", "coordinator", False,
     ("Proactive door-knocking and snowball surveys reached people 'som ellers ikke ville have fået hjælp'; several "
     "'er blevet frivillige'."), "L5296–5303, L5432–5444"),
    ("L68", "V39", "V33", "+", "I", "settlement_consultant", False,
     ("Equity goals require special effort to engage the target group; aim for the highest feasible participation "
     "level."), "L6891–6896, L7121–7127"),
    ("L69", "V39", "V2", "+", "I", "family_counsellor", False,
     "Activities 'som rummer familier, der ikke normalt deltager'.", "L8407–8411, L5300–5303"),
]  # fmt: skip

# Candidate links from §4.4 that involve connection-circle variables: NOT supported by the text,
# drawn for validation at a later workshop. (id, cause, effect, sign, proposer, stage, note)
CANDIDATES = [
    ("C1", "V20", "V19", "-", "health_visitor", "W1", "Screens in the evening push sleep back."),
    ("C2", "V20", "V13", "-", "school_leader", "W1", "Screen time displaces active play."),
    ("C3", "technology_use", "V20", "+", "school_leader", "W1", "More devices, more screen time."),
    ("C4", "advertising", "V21", "+", "coop_manager", "W1", "Advertising for snacks and soft drinks raises intake."),
    ("C5", "meals_per_day", "V21", "?", "health_visitor", "W1",
     "Sign unclear: regular meals may replace snacking (−) or simply add intake (+)."),
    ("C6", "fitness_centre", "V13", "+", "sports_chair", "W1",
     "A fitness centre gives older children a place to train."),
    ("C7", "V13", "V1", "+", "health_promotion", "W1",
     ("The only textual hint is the walking-group passage (L361–364), which attributes the 'mentalt overskud' to "
     "being part of a community.")),
    ("C8", "youth_meeting_places", "V22", "-", "youth_1", "W3",
     ("A youth meeting place substitutes for fast-food venues as the place to meet (værested L2511, udeområde "
     "L5640–5659, LAN party L6101).")),
]  # fmt: skip

# Named feedback loops of §4.3, as variable paths (the first variable is not repeated at the end).
NAMED_LOOPS = {
    "R1": ("R", "Fællesskab avler frivillige", ["V9", "V8"]),
    "B1": ("B", "Frivillig-udmattelse", ["V9", "V8", "V10"]),
    "R2": ("R", "Overskud–deltagelse", ["V2", "V5", "V3", "V1"]),
    "R2b": ("R", "Ensomhedsspiralen", ["V2", "V5", "V4", "V1"]),
    "R3": ("R", "Tillid–engagement", ["V9", "V6", "V33", "V32", "V8"]),
    "R4": ("R", "Kapacitetsopbygning", ["V30", "V8"]),
    "R4b": ("R", "Kapacitetsopbygning via koordinering", ["V30", "V36", "V8"]),
    "R5": ("R", "Empowerment-smitte", ["V31", "V30"]),
    "R6": ("R", "Håb", ["V35", "V9", "V8"]),
    "R7": ("R", "Foreningsvækst", ["V12", "V11"]),
    "R8": ("R", "Norm-fastlåsning", ["V24", "V29", "V21"]),
    "R9": ("R", "Facilitator-afhængighed", ["V34", "V32"]),
    "B4": ("B", "Selvkørende", ["V34", "V40", "V33", "V32"]),
    "B4b": ("B", "Selvkørende via de mindre ressourcestærke", ["V34", "V39", "V33", "V32"]),
    "B2": ("B", "Datadrevet respons på overvægt", ["V24", "V37", "V13"]),
    "B3": ("B", "Trivselsrespons", ["V1", "V37"]),
    "R10": ("R", "Stigmatiseringsfælde", ["V1", "V37", "V38", "V2", "V5", "V3"]),
}


def _var(ref: str) -> str:
    return VAR_ID.get(ref, ref)


def _loop_links(refs: list[str]) -> list[str]:
    """Link ids along a named loop."""
    by_pair = {(_var(c), _var(e)): lid for lid, c, e, *_ in LINKS}
    ids = [_var(r) for r in refs]
    return [by_pair[(a, b)] for a, b in zip(ids, ids[1:] + ids[:1])]


# --------------------------------------------------------------------------------------------
# W2 stories, told along the named loops (Danish, with an English sentence).
# --------------------------------------------------------------------------------------------
STORIES = [
    {
        "id": "volunteers_r1_b1",
        "title": "Fællesskab avler frivillige – og kan slide dem op (R1 vs B1)",
        "theme": CO,
        "author": "sports_chair",
        "loops": ["R1", "B1"],
        "extra_links": ["L15", "L16"],
        "text": (
            "Når der er flere aktiviteter og mødesteder i byen, får flere lyst til at give en hånd med, og flere "
            "frivillige kan starte endnu flere aktiviteter: fællesskab avler frivillige (R1). Men hver ny aktivitet "
            "lægger også pres på de samme ildsjæle, og driver vi rovdrift på dem, stopper de (B1, "
            "Frivillig-udmattelse). Koordinatoren kan gøre det lettere at være frivillig, så væksten ikke går i stå. "
            "English: activities breed volunteers (R1), but the same activities wear the volunteers out (B1), so "
            "growth stalls unless facilitation makes volunteering easier."
        ),
    },
    {
        "id": "surplus_participation_r2",
        "title": "Overskud og deltagelse (R2 og ensomhedsspiralen)",
        "theme": MH,
        "author": "health_visitor",
        "loops": ["R2", "R2b"],
        "extra_links": [],
        "text": (
            "Et barn, der trives, har overskud til at være med i fællesskaber; dér får det venner og relationer, "
            "føler at det hører til, og trives endnu bedre (R2, Overskud–deltagelse). Spiralen kan også løbe den "
            "anden vej: et barn uden overskud bliver hjemme, mister relationer, bliver mere ensomt og trives "
            "dårligere (ensomhedsspiralen). Derfor skal tilbuddene være lette at komme ind i. "
            "English: wellbeing gives the surplus to join in, joining in builds relations and belonging, which "
            "raise wellbeing again; the same loop run backwards is the loneliness spiral."
        ),
    },
    {
        "id": "help_that_labels_b3_r10",
        "title": "Når hjælpen stempler (B3 mod R10)",
        "theme": MH,
        "author": "family_counsellor",
        "loops": ["B3", "R10"],
        "extra_links": [],
        "text": (
            "Når vi ser børn, der mistrives, sætter kommunen målrettede tilbud i gang, og de hjælper (B3, "
            "Trivselsrespons). Men hvis tilbuddene peger bestemte børn og familier ud, føler de sig stemplet og "
            "trækker sig fra fællesskaberne, så relationerne og tilhørsforholdet svækkes og mistrivslen vokser – en "
            "stigmatiseringsfælde (R10). Derfor taler vi om hele lokalsamfundet og ikke om 'de udsatte'. "
            "English: targeted help balances poor wellbeing (B3), but if it stigmatises, it drives children out of "
            "communities and feeds the problem it answers (R10)."
        ),
    },
    {
        "id": "trust_ownership_r3_r9_b4",
        "title": "Tillid, ejerskab og en koordinator, der gør sig selv overflødig (R3, R9, B4)",
        "theme": CO,
        "author": "coordinator",
        "loops": ["R3", "R9", "B4"],
        "extra_links": [],
        "text": (
            "Frivilligt arbejde skaber tillid mellem borgerne; tillid gør det lettere at inddrage folk for alvor, "
            "inddragelse giver ejerskab, og det, borgerne ejer, lever videre og skaber nye frivillige (R3, "
            "Tillid–engagement). Hvis koordinatoren tager opgaverne selv, tager hun ejerskabet fra borgerne, og så "
            "bliver hun endnu mere nødvendig (R9, Facilitator-afhængighed). Hensigten er det modsatte: at hun "
            "bygger tillid og inddragelse, så ejerskabet vokser, og hun bliver mindre central (B4, Selvkørende). "
            "English: trust and ownership reinforce each other (R3); a coordinator who does the work herself creates "
            "dependence (R9), one who builds trust and participation makes herself redundant (B4)."
        ),
    },
    {
        "id": "capacity_clubs_r4_r7",
        "title": "Kapacitet og foreninger (R4, R7)",
        "theme": CO,
        "author": "local_enthusiast",
        "loops": ["R4", "R4b", "R7"],
        "extra_links": [],
        "text": (
            "Jo flere ting vi laver sammen, jo bedre bliver vi til at handle sammen, og jo mere kan vi sætte i gang "
            "(R4, Kapacitetsopbygning), også ved at koordinere skole, dagtilbud, forening og sundhedspleje. I "
            "idrætsforeningen er det det samme: flere børn giver flere medlemmer og trænere, og så kan vi lave flere "
            "hold (R7, Foreningsvækst). "
            "English: doing things together builds the capacity to do more (R4), and more children in the club "
            "build the club that can take more children (R7)."
        ),
    },
    {
        "id": "weight_norms_r8_b2",
        "title": "Vægt, normer og data (R8 og B2)",
        "theme": None,
        "author": "health_promotion",
        "loops": ["R8", "B2"],
        "extra_links": [],
        "text": (
            "Når mange børn er overvægtige, bliver en større krop det normale, og normerne holder fast i junk food "
            "og kage, når man mødes – overvægten holder sig selv ved lige (R8, Norm-fastlåsning). Sundhedsplejens "
            "målinger får kommunen til at sætte bevægelsestilbud i gang, som trækker den anden vej (B2, Datadrevet "
            "respons), men med lang forsinkelse. Historien ligger uden for de to valgte temaer, men gruppen ville "
            "have den med. "
            "English: overweight normalises itself through norms (R8), while data-driven municipal response pushes "
            "back slowly (B2); this story lies outside the two chosen themes."
        ),
    },
]

# --------------------------------------------------------------------------------------------
# W3 step 1: existing initiatives (seed L5769–5855, L6015–6028, L6137–6171).
# --------------------------------------------------------------------------------------------
INITIATIVES = [
    {
        "id": "health_house",
        "labels": {"da": "Havndal sundhedshus", "en": "Havndal health house"},
        "description": (
            "A decentral health house in part of the local care centre: municipal offers (health visitors, dental "
            "care, rehabilitation, labour market, family services), volunteer-run activities and a café. A local "
            "coordinator, 25 h/week, runs it, mobilises volunteers and supports new activities."
        ),
        "variables": ["V34", "V37", "V8"],
        "owner": "Randers Kommune",
        "by": "coordinator",
        "notes": (
            "Decided in the 2019 budget agreement; opening April 2022, so under establishment at W3 "
            "(seed 003 L5769–5831, L5857–5979; coordinator 25 h/week L5822–5823)."
        ),
    },
    {
        "id": "sundhedshoejskolen",
        "labels": {"da": "Sundhedshøjskolen", "en": "Health folk-school (Sundhedshøjskolen)"},
        "description": (
            "Partnership between Randers health centre and local sports clubs in six health-challenged areas: "
            "municipal instructors for 12 weeks upskill local volunteer instructors while citizens train; "
            "participants can continue in the club."
        ),
        "variables": ["V11", "V13"],
        "owner": "Randers Kommune, sundhedscentret",
        "by": "health_promotion",
        "notes": "Seed 003 L5843–5855. Aimed at adults; the seed does not say whether Havndal is one of the six areas.",
    },
    {
        "id": "soup_kitchen",
        "labels": {"da": "Suppekøkken", "en": "Soup kitchen"},
        "description": (
            "Kirkens Korshær has offered to run a soup kitchen with the local pensioners' association in the health "
            "house; the coordinator drops in to recruit citizens to the municipal offers."
        ),
        "variables": ["V8", "V5"],
        "owner": "Kirkens Korshær and the local pensioners' association",
        "by": "care_manager",
        "notes": (
            "Seed 003 L5814–5816, L6020–6028. For pensioners: acts on children only through the town's meeting places."
        ),
    },
    {
        "id": "bevaeg_dig_for_livet",
        "labels": {"da": "'Bevæg dig for livet'", "en": "'Bevæg dig for livet' (Move for life)"},
        "description": (
            "The municipality's 'Bevæg dig for livet' consultant can be matched with a working group that wants "
            "to create new kinds of leisure activities for children."
        ),
        "variables": ["V11", "V12"],
        "owner": "Randers Kommune",
        "by": "bdfl_consultant",
        "notes": "Seed 003 L6165–6171 (named as a resource person to connect working groups with).",
    },
    {
        "id": "school_entry_checks",
        "labels": {"da": "Sundhedsplejens indskolingsundersøgelser", "en": "Health-visitor school-entry checks"},
        "description": "Health visitors measure children at school start; the data showed about 1 in 4 overweight.",
        "variables": ["V37"],
        "owner": "Randers Kommune, sundhedsplejen",
        "by": "health_visitor",
        "notes": "Seed 003 L6056–6060. The data behind the targeted response (link L60).",
    },
    {
        "id": "area_renewal",
        "labels": {"da": "Områdefornyelse i Havndal", "en": "Area renewal in Havndal"},
        "description": (
            "Money is set aside for area renewal in Havndal; the planning architect linked it to one of the "
            "working groups for its significance for social life and health."
        ),
        "variables": ["V18", "V17"],
        "owner": "Randers Kommune, planafdelingen",
        "by": "planning_architect",
        "notes": (
            "Seed 003 L6137–6147. Which physical changes it funds and which working group it joined are not stated; "
            "green areas and playgrounds are an inference (Inf)."
        ),
    },
]

# --------------------------------------------------------------------------------------------
# W3 steps 2–3: the idea bank, exactly the seven Havndal ideas (seed L6088–6103, L5818–5819).
# Targets from havndal-reference §5. Votes and feasibility are ILLUSTRATIVE (not in the source).
# --------------------------------------------------------------------------------------------
ILLUSTRATIVE = (
    "Votes and feasibility score are illustrative: the source reports that ideas were prioritised by influence "
    "on the model and feasibility (L7448–7450), but gives no votes or scores."
)
IDEAS = [
    {
        "id": "bike_paths",
        "labels": {"da": "Trygge cykelstier til og fra skolen", "en": "Safe bike paths to and from school"},
        "description": "Cycle paths to and from school, so children can cycle safely (L6089–6091).",
        "targets": [("V15", "+"), ("V7", "+")],
        "by": "parent_1",
        "feasibility": 2,
        "working_group": "Sikker skolevej (safe way to school)",
        "notes": "Acts on V15 → V14 → V13 and on traffic safety V7 (reference §5). Needs municipal road money.",
    },
    {
        "id": "playgrounds",
        "labels": {"da": "Legepladser til mere alsidig bevægelse", "en": "Playgrounds for more varied movement"},
        "description": "Develop the existing playgrounds so they invite more varied movement (L6091–6093).",
        "targets": [("V17", "+")],
        "by": "parent_2",
        "feasibility": 4,
        "working_group": "Leg og natur (play and nature)",
        "notes": "Acts on V17 → V13 (reference §5).",
    },
    {
        "id": "soestien",
        "labels": {"da": "Reetablering af Søstien", "en": "Re-opening Søstien (the lake path)"},
        "description": "Re-establish Søstien for movement in nature in school time and leisure (L6093–6096).",
        "targets": [("V18", "+")],
        "by": "citizen",
        "feasibility": 3,
        "working_group": "Leg og natur (play and nature)",
        "notes": "Acts on V18 → V13 (reference §5).",
    },
    {
        "id": "krea_cafe",
        "labels": {
            "da": "Krea-café hvor ældre borgere lærer fra sig",
            "en": "Craft café where older citizens teach children and youth",
        },
        "description": (
            "A krea-café for children and young people where older citizens pass on their skills (L6096–6098)."
        ),
        "targets": [("V8", "+"), ("V2", "+"), ("V5", "+")],
        "by": "older_citizen",
        "feasibility": 4,
        "working_group": "Generationer mødes (generations meet)",
        "notes": "Acts on V8, V2 and intergenerational V5 (reference §5).",
    },
    {
        "id": "games_generations",
        "labels": {"da": "Kort- og brætspil på tværs af generationer", "en": "Card and board games across generations"},
        "description": "Hygge and time together around card and board games across generations (L6098–6100).",
        "targets": [("V8", "+"), ("V2", "+"), ("V5", "+")],
        "by": "pensioner",
        "feasibility": 5,
        "working_group": "Generationer mødes (generations meet)",
        "notes": "Acts on V8, V2, V5 (reference §5).",
    },
    {
        "id": "lan_party",
        "labels": {"da": "LAN-fest for 15–20-årige", "en": "LAN party for 15–20-year-olds"},
        "description": "A LAN party for young people aged 15–20 (L6100–6102).",
        "targets": [("V8", "+"), ("V2", "+")],
        "by": "youth_1",
        "feasibility": 4,
        "working_group": "Unge (young people)",
        "notes": "Acts on V8, V2 as a youth meeting place (reference §5).",
    },
    {
        "id": "faellesspisning",
        "labels": {"da": "Fællesspisning", "en": "Communal dining"},
        "description": "Communal dining in the town (L6102–6103, L5819).",
        "targets": [("V8", "+"), ("V5", "+"), ("V3", "+"), ("V6", "+")],
        "by": "local_enthusiast",
        "feasibility": 4,
        "working_group": "Fællesspisning (communal dining)",
        "notes": (
            "Acts on V8, V5, V3, V6 (reference §5). Risk, not a target: fatty food may raise junk-food intake V21 "
            "(conflict over fatty food, L7010–7018)."
        ),
    },
]
# Illustrative dot voting: every W3 participant (not the facilitation team) has three votes,
# as in the Middelfart kick-off (seed L7333–7366). The source gives no Havndal votes.
VOTES = {
    "school_leader": ["bike_paths", "playgrounds", "soestien"],
    "health_visitor": ["playgrounds", "faellesspisning", "krea_cafe"],
    "coop_manager": ["faellesspisning", "bike_paths", "lan_party"],
    "sports_chair": ["bike_paths", "soestien", "lan_party"],
    "local_enthusiast": ["faellesspisning", "games_generations", "krea_cafe"],
    "parent_1": ["bike_paths", "playgrounds", "faellesspisning"],
    "family_counsellor": ["faellesspisning", "krea_cafe", "lan_party"],
    "settlement_consultant": ["bike_paths", "soestien", "faellesspisning"],
    "ppr_psychologist": ["lan_party", "krea_cafe", "games_generations"],
    "planning_architect": ["soestien", "playgrounds", "bike_paths"],
    "coordinator": ["faellesspisning", "krea_cafe", "games_generations"],
    "health_promotion": ["bike_paths", "playgrounds", "faellesspisning"],
    "care_manager": ["games_generations", "krea_cafe", "faellesspisning"],
    "bdfl_consultant": ["playgrounds", "soestien", "bike_paths"],
    "parent_2": ["bike_paths", "playgrounds", "lan_party"],
    "parent_3": ["bike_paths", "faellesspisning", "soestien"],
    "youth_1": ["lan_party", "soestien", "faellesspisning"],
    "youth_2": ["lan_party", "games_generations", "bike_paths"],
    "pensioner": ["games_generations", "krea_cafe", "faellesspisning"],
    "older_citizen": ["krea_cafe", "games_generations", "soestien"],
    "citizen": ["soestien", "bike_paths", "faellesspisning"],
}

SESSION_NOTES = """\
A reconstructed example, not the Havndal group's own record. The handbook (seed 003, 'Lokalsamfund som \
sundhedsfremmende arena', Sund By Netværket) describes the Havndal Kooperativ workshops W0–W3 \
(L6046–6180, L7382–7471) but prints neither their map nor their votes. The CLD here is the reference CLD of \
havndal-reference.md §4, built from relationships the handbook states (S), implies (I) or that are inferred (Inf).

Illustrative, not from the source: the workshop dates and event times (autumn 2021, before the health house \
opened in April 2022); who proposed and who supported each element; the idea votes (three dots per W3 \
participant) and feasibility scores (1–5); the names of the working groups. Participants are roles with \
pseudonymous codes (F facilitator, M modeller, R recorder, P local group member, K municipal resource person, \
B citizen at W3); no real names.

Evidence codes (link 'evidence'): S = stated in the handbook; I = implied; Inf = inferred, flagged; \
'S (adults)' = stated for adults, applied to children; 'S (programme theory)' = an intended effect in a \
programme theory; 'candidate (Inf)' = drawn for validation only (§4.4). Link notes give the justification and \
the seed line numbers (L…). Strength follows the evidence: plain S → strong; qualified S and I → medium; \
anything involving Inf → weak; an unknown sign → unknown. Delayed links are those whose effect takes months or \
years (trust, capacity, ownership, norms, weight).

Kinds: the outcome is V1 (mental_wellbeing). Stocks are the variables that accumulate over months or years: \
belonging, social relations, trust, volunteers, volunteer burden, club capacity, overweight, unhealthy norms, \
community capacity, local ownership and trust in the municipality. Together with the outcome they cut every \
feedback loop (a feedback vertex set). Variables nothing in the map drives (bike paths, traffic hot spots, \
playgrounds, green areas, fast-food outlets, healthy food, family economy, parents' knowledge and the \
connection-circle additions) are exogenous levers; the rest are auxiliaries.

Focus: the tools chapter says the focus was chosen at W0 (L7417–7419), the case chapter that two themes, \
'mental sundhed' and 'fællesskaber', were chosen after the causal diagram (L6077–6079); here the focus is set \
at W0 and the themes at W2. The connection-circle variables come from a folder about the method (L7454–7471), \
not necessarily from Havndal's own circle. Ideas were not vetted for effect (L6081–6085): any computed \
'influence' of an idea is exploratory."""


# --------------------------------------------------------------------------------------------
# The event log.
# --------------------------------------------------------------------------------------------
class Log:
    """Collects events with consecutive seq numbers and a deterministic clock."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.clock = DATES["plan"]

    def at(self, when: datetime) -> None:
        self.clock = when

    def emit(self, op: str, data: dict[str, Any], by: str | None, *, step: int = 60) -> None:
        self.events.append(Event(seq=len(self.events) + 1, at=self.clock, by=by, op=op, data=data))
        self.clock += timedelta(seconds=step)

    def add(self, kind: str, item: dict[str, Any], by: str | None, **kw: Any) -> None:
        self.emit("add", {"kind": kind, "item": item}, by, **kw)

    def update(self, kind: str, item_id: str, changes: dict[str, Any], by: str | None, **kw: Any) -> None:
        self.emit("update", {"kind": kind, "id": item_id, "changes": changes}, by, **kw)


def _participant(pid: str, code: str, role: str, title: str, org: str) -> dict[str, Any]:
    return {"id": pid, "name": f"{code} · {title}", "role": role, "title": title, "organisation": org}


def _strength(evidence: str, sign: str) -> str:
    if sign == "?":
        return "unknown"
    if "Inf" in evidence:
        return "weak"
    if evidence == "S":
        return "strong"
    return "medium"  # I, or S qualified (adults, programme theory)


def _supporters(link_id: str, pool: list[str], exclude: str, n: int) -> list[str]:
    """``n`` illustrative supporters, chosen by a stable hash (never Python's salted hash)."""
    ranked = sorted(
        (p for p in pool if p != exclude), key=lambda p: hashlib.sha256(f"{link_id}:{p}".encode()).hexdigest()
    )
    return ranked[:n]


def _link_stage(cause: str, effect: str) -> str:
    return max("W1", VAR_STAGE[cause], VAR_STAGE[effect])


def _variable_item(row: tuple) -> dict[str, Any]:
    ref, vid, da, en, kind, stage, _by, _themes, description, why = row
    origin = (
        f"Reference {ref} (havndal-reference §4.1)."
        if ref.startswith("V")
        else "Connection-circle variable of the seed (L7454–7471), not among V1–V40."
        if ref == "CC"
        else "Candidate variable from havndal-reference §4.4."
    )
    notes = f"{origin} {why}".strip()
    return {
        "id": vid, "labels": {"da": da, "en": en}, "description": description, "kind": kind,
        "stage": stage, "notes": notes,
    }  # fmt: skip


def _add_links(log: Log, rows: list[tuple], pool: list[str]) -> None:
    for lid, c, e, sign, evidence, by, delay, why, lines in rows:
        cause, effect = _var(c), _var(e)
        strength = _strength(evidence, sign)
        log.add(
            "link",
            {
                "id": lid,
                "cause": cause,
                "effect": effect,
                "polarity": sign,
                "delay": delay,
                "strength": strength,
                "evidence": evidence,
                "stage": _link_stage(cause, effect),
                "notes": f"Reference {lid} ({c} → {e}). {why} Seed 003 {lines}.",
            },
            by,
        )
        n = {"strong": 3, "medium": 2, "weak": 1}[strength]
        for who in _supporters(lid, pool, by, n):
            log.emit("support", {"link": lid}, who, step=20)


def build_events() -> list[Event]:
    """The whole Havndal log, W0 to W3."""
    log = Log()
    # Planning: the facilitation team creates the session and lays out the four workshops.
    log.emit(
        "create",
        {
            "title": "Havndals Kooperativ – sunde og glade børneliv (reconstructed example)",
            "place": "Havndal, Randers Kommune",
            "focus": (
                "children's and young people's mental health in Havndal "
                "(da: mental sundhed for børn og unge i Havndal)"
            ),
            "languages": ["da", "en"],
            "dates": [DATES[s].date().isoformat() for s in ("W0", "W1", "W2", "W3")],
            "notes": SESSION_NOTES,
            "participants": [_participant(*p) for p in STAFF],
        },
        "facilitator_au",
    )  # fmt: skip
    for st in STAGES:
        roles = [{"role": r, "duty": d} for r, d in st["roles"]]
        item = {**st, "roles": roles, "date": DATES[st["id"]].date().isoformat()}
        log.add("stage", item, "facilitator_au")

    # W0: scoping and recruitment.
    log.at(DATES["W0"])
    for p in W0_GROUP:
        log.add("participant", _participant(*p), "recorder", step=30)
    log.update("stage", "W0", {"participants": STAFF_IDS + [p[0] for p in W0_GROUP]}, "recorder")
    for ind in INDICATORS:
        ind = dict(ind)
        by = ind.pop("by")
        log.add("indicator", ind, by, step=120)
    v1 = next(v for v in VARIABLES if v[0] == "V1")
    log.add("variable", _variable_item(v1), v1[6])
    log.emit("set", {"outcome": v1[1]}, "facilitator_au")

    # W1: connection circles and the first CLD.
    log.at(DATES["W1"])
    for p in W1_NOMINATED:
        log.add("participant", _participant(*p), "recorder", step=30)
    log.update("stage", "W1", {"participants": STAFF_IDS + GROUP_IDS}, "recorder")
    for row in VARIABLES:
        if row[5] == "W1":
            log.add("variable", _variable_item(row), row[6])
    w1_links = [r for r in LINKS if _link_stage(_var(r[1]), _var(r[2])) == "W1"]
    _add_links(log, w1_links, GROUP_IDS)
    _add_candidates(log, "W1", GROUP_IDS)

    # W2: the model is extended, then themes and stories.
    log.at(DATES["W2"])
    log.update("stage", "W2", {"participants": STAFF_IDS + GROUP_IDS}, "recorder")
    for row in VARIABLES:
        if row[5] == "W2":
            log.add("variable", _variable_item(row), row[6])
    _add_links(log, [r for r in LINKS if r not in w1_links], GROUP_IDS)
    for theme in THEMES:
        log.add("theme", theme, "facilitator_au")
    for row in VARIABLES:
        if row[7]:
            log.update("variable", row[1], {"themes": list(row[7])}, "modeller", step=20)
    for story in STORIES:
        links: list[str] = []
        for name in story["loops"]:
            links += [lid for lid in _loop_links(NAMED_LOOPS[name][2]) if lid not in links]
        links += [lid for lid in story["extra_links"] if lid not in links]
        by_id = {lid: (_var(c), _var(e)) for lid, c, e, *_ in LINKS}
        variables: list[str] = []
        for lid in links:
            variables += [v for v in by_id[lid] if v not in variables]
        item = {
            "id": story["id"], "title": story["title"], "text": story["text"], "theme": story["theme"],
            "variables": variables, "links": links, "author": story["author"], "stage": "W2",
        }  # fmt: skip
        log.add("story", item, story["author"], step=300)

    # W3: open community workshop: existing initiatives, ideas, prioritisation, working groups.
    log.at(DATES["W3"])
    for p in W3_ARRIVALS:
        log.add("participant", _participant(*p), "recorder", step=30)
    voters = GROUP_IDS + [p[0] for p in W3_ARRIVALS]
    log.update("stage", "W3", {"participants": STAFF_IDS + voters}, "recorder")
    for ini in INITIATIVES:
        ini = dict(ini)
        by = ini.pop("by")
        ini["variables"] = [_var(v) for v in ini["variables"]]
        log.add("initiative", {**ini, "stage": "W3"}, by, step=120)
    yrow = next(v for v in VARIABLES if v[5] == "W3")
    log.add("variable", _variable_item(yrow), yrow[6])
    _add_candidates(log, "W3", voters)
    for idea in IDEAS:
        item = {
            "id": idea["id"], "labels": idea["labels"], "description": idea["description"],
            "targets": [{"variable": _var(v), "direction": d} for v, d in idea["targets"]],
            "stage": "W3", "notes": f"{idea['notes']} {ILLUSTRATIVE}",
        }  # fmt: skip
        log.add("idea", item, idea["by"], step=120)
    for voter in voters:
        for idea_id in VOTES[voter]:
            log.emit("vote", {"idea": idea_id}, voter, step=10)
    for idea in IDEAS:
        log.update(
            "idea", idea["id"], {"feasibility": idea["feasibility"], "working_group": idea["working_group"]},
            "facilitator_au", step=60,
        )  # fmt: skip
    return log.events


def _add_candidates(log: Log, stage: str, pool: list[str]) -> None:
    for cid, c, e, sign, by, st, why in CANDIDATES:
        if st != stage:
            continue
        cause, effect = _var(c), _var(e)
        log.add(
            "link",
            {
                "id": cid,
                "cause": cause,
                "effect": effect,
                "polarity": sign,
                "delay": False,
                "strength": _strength("Inf", sign),
                "evidence": "candidate (Inf)",
                "stage": stage,
                "notes": f"Candidate link from havndal-reference §4.4, not supported by the text; for workshop "
                f"validation only. {why}",
            },
            by,
        )
        for who in _supporters(cid, pool, by, 1):
            log.emit("support", {"link": cid}, who, step=20)
        if sign == "?":
            (doubter,) = _supporters(cid + ":dispute", pool, by, 1)
            log.emit("dispute", {"link": cid}, doubter, step=20)


# --------------------------------------------------------------------------------------------
# Checks and output.
# --------------------------------------------------------------------------------------------
def check(session: Session) -> None:
    """Fail loudly if a named loop of §4.3 is missing or has the wrong polarity."""
    from gmb.cld.graph import to_graph

    G = to_graph(session)
    for name, (kind, _title, refs) in NAMED_LOOPS.items():
        ids = [_var(r) for r in refs]
        pairs = list(zip(ids, ids[1:] + ids[:1]))
        missing = [p for p in pairs if not G.has_edge(*p)]
        if missing:
            raise SystemExit(f"loop {name}: missing links {missing}")
        negatives = sum(G.edges[p]["sign"] == -1 for p in pairs)
        if (negatives % 2 == 0) != (kind == "R"):
            raise SystemExit(f"loop {name}: {negatives} negative links, but it should be {kind}")
    if len(session.ideas) != 7:
        raise SystemExit("the idea bank must hold exactly the seven Havndal ideas")


def render(events: list[Event]) -> tuple[str, str]:
    """(events.jsonl text, session.json text) for ``events``."""
    session = replay(events)
    check(session)
    log = "".join(_event_line(ev) for ev in events)
    return log, session_to_json(session, last_event=events[-1].seq)


def write(out_dir: Path, texts: tuple[str, str]) -> None:
    log, snapshot = texts
    out_dir.mkdir(parents=True, exist_ok=True)
    # The log first: a snapshot must never claim events its log does not have.
    atomic_write_text(out_dir / "events.jsonl", log)
    atomic_write_text(out_dir / "session.json", snapshot)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    outs = [Path(a) for a in args] or list(OUT_DIRS)
    events = build_events()
    texts = render(events)
    for out in outs:
        write(out, texts)
        print(f"wrote {len(events)} events to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
