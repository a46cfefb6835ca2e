"""Reading ``gmb-scenarios/1`` files: a dose per tagged target, migrated to one dose per idea (``/2``).

Kept apart from :mod:`gmb.scenarios.settings` because it is only needed for old files and
holds the old rule; :func:`~gmb.scenarios.settings.parse_scenarios` calls it when a file says
``gmb-scenarios/1``. What the migration keeps and changes is told in the settings module.

>>> d = migrate_v1({"schema": SCHEMA_V1, "ideas": {}})
>>> d["schema"], d["migration"]
('gmb-scenarios/2', 'read from gmb-scenarios/1 (a dose per tagged target): all 0 ideas and 0 targets kept.')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gmb.errors import ValidationError
from gmb.scenarios.scenarios_value import SCENARIOS_SCHEMA, DoseDefaults
from gmb.simulate.interventions import Intervention

__all__ = ["SCHEMA_V1", "migrate_v1"]

SCHEMA_V1 = "gmb-scenarios/1"


def migrate_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A ``gmb-scenarios/1`` file's data as ``/2`` (see :mod:`gmb.scenarios.settings`); every idea and target is kept."""
    d1 = dict(data.get("defaults") or {})
    defaults = {**DoseDefaults().model_dump(), **{k: v for k, v in d1.items() if k != "start"}}
    defaults["lag"] = float(d1.get("start", 0.0) or 0.0)
    untouched = {"dose": defaults["dose"], "low": defaults["low"], "high": defaults["high"],
                 "channel": defaults["channel"], "shape": defaults["shape"], "start": defaults["lag"],
                 "ramp_up": defaults["ramp_up"], "end": defaults["end"]}  # fmt: skip
    ideas, kept, joined, n_targets = {}, [], [], 0
    for idea, plan in (data.get("ideas") or {}).items():
        ivs = [Intervention(**iv).model_dump() for iv in plan.get("interventions") or []]
        n_targets += len(ivs)
        note = str(plan.get("note") or "")
        base = {"note": note}
        if all(all(iv[k] == v for k, v in untouched.items()) and not iv["note"] for iv in ivs):
            targets = [{"variable": iv["variable"], "direction": iv["direction"], "channel": iv["channel"]}
                       for iv in ivs]  # fmt: skip
            ideas[idea] = {**base, "dose": defaults["dose"], "low": defaults["low"], "high": defaults["high"],
                           "lag": defaults["lag"], "ramp_up": defaults["ramp_up"], "shape": defaults["shape"],
                           "end": defaults["end"], "targets": targets}  # fmt: skip
            if len(ivs) > 1:
                joined.append(idea)
            if note == "default doses (assumption)":
                ideas[idea]["note"] = "default dose (assumption)"
            continue
        first = ivs[0]
        timing = {"lag": first["start"], "ramp_up": first["ramp_up"], "shape": first["shape"], "end": first["end"]}
        for iv in ivs[1:]:
            if (iv["start"], iv["ramp_up"], iv["shape"], iv["end"]) != tuple(timing.values()):
                raise ValidationError(
                    f"idea {idea!r}: its targets start or ramp at different times, which gmb-scenarios/2 (one timing "
                    "per idea) cannot hold", field=f"ideas.{idea}",
                    hint="give its interventions the same start, ramp_up, shape and end, then read it again",
                )  # fmt: skip
        targets = [
            {
                "variable": iv["variable"],
                "direction": iv["direction"],
                "channel": iv["channel"],
                "dose": iv["dose"],
                "low": iv["low"],
                "high": iv["high"],
                "note": iv["note"],
            }
            for iv in ivs
        ]
        ideas[idea] = {**base, **timing, "targets": targets,
                       "note": (note + "; " if note else "") + "doses kept as written in gmb-scenarios/1: each target "
                       "has its own dose (× (1 ± dose)); to give the idea one dose split over its targets, run gmb "
                       "scenarios set NAME IDEA --dose D"}  # fmt: skip
        kept.append(idea)
    out = {k: v for k, v in data.items() if k not in ("schema", "defaults", "ideas")}
    out.update(schema=SCENARIOS_SCHEMA, defaults=defaults, ideas=ideas)
    text = (f"read from gmb-scenarios/1 (a dose per tagged target): all {len(ideas)} ideas and {n_targets} targets "
            "kept. ")  # fmt: skip
    if joined:
        text += (f"{len(joined)} ideas with the default dose on each of several targets ({', '.join(joined)}) now "
                 "have one default dose split over their targets, so an idea's push no longer grows with its number "
                 "of tags. ")  # fmt: skip
    if kept:
        text += f"Edited doses kept as explicit per-target doses: {', '.join(kept)}."
    out["migration"] = text.strip()
    out.pop("note", None)  # the old note described the per-target rule
    return out
