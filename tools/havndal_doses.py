"""Write the Havndal example's scenarios.json (both copies) with one illustrative dose per idea.

The numbers are NOT measurements: nobody measured how far a bike path or a craft café moves the
children's wellbeing. They are illustrative answers to the three questions a working group would
be asked (how many of the children, how much does it change for them, how much of it lasts) with
wide ranges, to be replaced by the working groups' own answers (gmb serve, idea bank; or
gmb scenarios set havndal IDEA --reach … --intensity … --persistence … --lag …).

Run from the repository root: ``python tools/havndal_doses.py``.
"""

from __future__ import annotations

from pathlib import Path

from gmb.scenarios.doses import Factor, IdeaPlan, Target
from gmb.scenarios.settings import SCENARIOS_FILE, Scenarios, save_scenarios

F = Factor.parse

# idea: (reach, intensity, persistence, lag months, ramp-up months, targets [(variable, weight)], why)
IDEAS = {
    "bike_paths": (
        "0.4:0.6:0.8",
        "0.15:0.3:0.45",
        "0.6:0.8:0.9",
        12,
        12,
        [("safe_bike_paths", 1.0), ("safety", 1.0)],
        (
            "Illustrative: most school children live where a path would serve them (reach ~0.6), a "
            "noticeable change for them (+30 %), kept as long as the paths exist (0.8); a year to plan and "
            "build. Flag: see the note on the target 'safety'."
        ),
    ),
    "playgrounds": (
        "0.3:0.5:0.7",
        "0.1:0.2:0.35",
        "0.5:0.7:0.9",
        6,
        12,
        [("playgrounds", 1.0)],
        (
            "Illustrative: about half of the younger children use the playgrounds; a moderate change in "
            "how varied their play is; mostly kept while the equipment lasts."
        ),
    ),
    "soestien": (
        "0.2:0.4:0.6",
        "0.1:0.2:0.3",
        "0.6:0.8:0.9",
        6,
        12,
        [("green_areas", 1.0)],
        (
            "Illustrative: used in school time and leisure by part of the children; a path is a lasting "
            "change once re-opened."
        ),
    ),
    "krea_cafe": (
        "0.05:0.15:0.25",
        "0.2:0.4:0.6",
        "0.4:0.6:0.8",
        3,
        6,
        [("local_activities", 1.0), ("community_participation", 1.0), ("social_relations", 1.0)],
        (
            "Illustrative: a café reaches a minority of the children, but strongly for those who come; "
            "it lasts as long as volunteers keep it going."
        ),
    ),
    "games_generations": (
        "0.05:0.1:0.2",
        "0.2:0.3:0.5",
        "0.3:0.5:0.7",
        3,
        6,
        [("local_activities", 1.0), ("community_participation", 1.0), ("social_relations", 1.0)],
        (
            "Illustrative: few children, a real change for those who take part, half of it kept. "
            "Same targets as the craft café: only the doses tell them apart."
        ),
    ),
    "lan_party": (
        "0.1:0.15:0.25",
        "0.2:0.3:0.5",
        "0.2:0.4:0.6",
        3,
        3,
        [("local_activities", 1.0), ("community_participation", 1.0)],
        (
            "Illustrative: for 15–20-year-olds only (a small share of the children and young people); "
            "events are occasional, so less of the effect lasts."
        ),
    ),
    "faellesspisning": (
        "0.15:0.3:0.45",
        "0.2:0.4:0.6",
        "0.5:0.7:0.85",
        3,
        6,
        [("local_activities", 1.0), ("social_relations", 1.0), ("belonging", 1.0), ("trust", 1.0)],
        (
            "Illustrative: communal dining reaches families across the town; a marked change for "
            "those who come; a regular habit keeps most of it."
        ),
    ),
}

TARGET_NOTES = {
    ("bike_paths", "safety"): (
        "FLAG: the working group tagged safety, and it takes half of the idea's dose, but the map draws no link from "
        "safe bike paths to safety (the shortest path is 7 links long and runs through the outcome): this half is "
        "the group's claim, not the map's, and safety is 1 link from the outcome, so it dominates the idea's effect. "
        "To count only the drawn path: gmb scenarios set havndal bike_paths --weight safety=0."
    ),
}

NOTE = (
    "Havndal example: the doses are ILLUSTRATIVE ASSUMPTIONS, not measurements (the Havndal sources report no "
    "effect sizes). Each idea has one dose d = reach × intensity × persistence with a low–high range for each "
    "factor, split equally over its targets, an implementation lag and a ramp-up, in months. They are to be "
    "elicited from the working groups (gmb serve: the idea bank's dose form; or gmb scenarios set). Results "
    "are exploratory, not predictions."
)


def build() -> Scenarios:
    plans = {}
    for idea, (reach, intensity, persistence, lag, ramp, targets, why) in IDEAS.items():
        ts = tuple(Target(variable=v, weight=w, note=TARGET_NOTES.get((idea, v), "")) for v, w in targets)
        plans[idea] = IdeaPlan(reach=F(reach), intensity=F(intensity), persistence=F(persistence), lag=lag,
                               ramp_up=ramp, targets=ts, note=why)  # fmt: skip
    return Scenarios(ideas=plans, bundles={"all": tuple(IDEAS)}, note=NOTE)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    sc = build()
    for path in (
        root / "sessions" / "havndal" / SCENARIOS_FILE,
        root / "gmb" / "examples" / "havndal" / SCENARIOS_FILE,
    ):
        save_scenarios(sc, path)
        print("wrote", path)
