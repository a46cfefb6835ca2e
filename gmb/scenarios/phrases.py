"""Single facts in words, English and Danish: a share, a variant, a conclusion, an effect, a verdict, doses.

The pieces :mod:`gmb.scenarios.words` puts together into a result's paragraphs; kept apart because the
CLI, the report and :mod:`gmb.scenarios.variants` use them one at a time (``gmb.scenarios.words``
re-exports them).

>>> quality_text(None), _pct(0.254)
('', '25 %')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "PER_TARGET",
    "dose_text",
    "effect_meaning",
    "fact_text",
    "quality_text",
    "variant_name",
    "verdict_text",
]

_DOSE_RULE_DA = {
    "per target": "pr. mål",
    "equal total per idea": "samme samlede dosis pr. idé",
    "full dose on every target": "hele dosis på hvert mål",
    "as set": "som sat",
}
#: the rule of scenarios.json before one dose per idea (no "dose_rule" in a result's meta)
PER_TARGET = "per target"


def _pct(x: Any) -> str:
    return "–" if x is None or math.isnan(x) else f"{100 * x:.0f} %"


def variant_name(name: str, lang: str = "en") -> str:
    """A variant's name in ``lang`` (names are made in English by :mod:`gmb.scenarios.variants`).

    >>> variant_name("horizon 10 years", "da"), variant_name("dose rule: equal total per idea", "da")
    ('horisont 10 år', 'doseringsregel: samme samlede dosis pr. idé')
    """
    if lang != "da":
        return name
    if name == "as set":
        return "som sat"
    m = re.fullmatch(r"horizon (\S+) years", name)
    if m:
        return f"horisont {m.group(1)} år"
    m = re.fullmatch(r"response shape (\S+)", name)
    if m:
        return f"responsform {m.group(1)}"
    m = re.fullmatch(r"dose rule: (.+)", name)
    if m:
        return f"doseringsregel: {_DOSE_RULE_DA.get(m.group(1), m.group(1))}"
    return name


def fact_text(fact: Mapping[str, Any], lang: str, labels: Mapping[str, str]) -> str:
    """One conclusion of :func:`gmb.scenarios.variants.conclusions` as a sentence."""
    da = lang == "da"

    def n(i: str) -> str:
        return labels.get(i, i)

    def vs(names: Sequence[str]) -> str:
        return ", ".join(variant_name(v, lang) for v in names)

    k = fact["kind"]
    if k == "first":
        if not fact["unclear_in"]:
            return (f"{n(fact['idea'])} er nummer 1 i alle varianter, klart foran de andre." if da else
                    f"{n(fact['idea'])} is first in every variant, clearly ahead of the others.")  # fmt: skip
        return (
            f"{n(fact['idea'])} er nummer 1 i alle varianter (ikke klart foran: {vs(fact['unclear_in'])})."
            if da
            else f"{n(fact['idea'])} is first in every variant (not clearly ahead: {vs(fact['unclear_in'])})."
        )
    if k == "no_first":
        parts = "; ".join(f"{n(i)} ({variant_name(v, lang)})" for i, v in fact["firsts"])
        return (f"Ingen idé er nummer 1 i alle varianter: {parts}." if da else
                f"No idea is first in every variant: {parts}.")  # fmt: skip
    if k == "tier":
        a, b = fact["ranks"]
        names = ", ".join(n(i) for i in fact["ideas"])
        where = fact.get("everywhere")
        if da:
            return f"Plads {a}–{b} ({names}) kan ikke skelnes" + (
                "." if where is None else " i nogen variant." if where else " som sat; se varianterne for deres orden."
            )
        return f"Ranks {a}–{b} ({names}) are not distinguishable" + (
            "." if where is None else " in any variant." if where else " as set; see the variants for their order."
        )
    if k == "pairs_kept":
        return (f"{fact['kept']} af {fact['pairs']} par af idéer har en klar orden i alle varianter." if da else
                f"{fact['kept']} of {fact['pairs']} pairs of ideas keep a clear order in every variant.")  # fmt: skip
    if k == "improves":
        names = ", ".join(n(i) for i in fact["ideas"])
        return (f"I alle varianter forbedres målet i mindst 95 % af trækningerne af: {names}." if da else
                f"In every variant the outcome improves in at least 95 % of the draws with: {names}.")  # fmt: skip
    if k == "direction_depends":
        names = ", ".join(n(i) for i in fact["ideas"])
        return (f"Om målet forbedres, afhænger af varianten for: {names}." if da else
                f"Whether the outcome improves depends on the variant for: {names}.")  # fmt: skip
    if k == "flip":
        a, b = n(fact["a"]), n(fact["b"])
        if da:
            return f"{a} mod {b}: {a} foran med {vs(fact['a_ahead'])}; {b} foran med {vs(fact['b_ahead'])}."
        return f"{a} vs {b}: {a} ahead with {vs(fact['a_ahead'])}; {b} ahead with {vs(fact['b_ahead'])}."
    return str(fact)


def effect_meaning(effect: float, outcome: str, lang: str = "en") -> str:
    """What an effect on the outcome index means, using ``effect`` as the example."""
    if lang == "da":
        return (
            f"En virkning på {effect:+.2f} betyder: {abs(effect):.0%} {'over' if effect >= 0 else 'under'} dagens "
            f"niveau af {outcome} i modellens termer (indeks 1 = i dag), sammenlignet med basiskørslen med de "
            "samme trækninger; udforskende, ikke en forudsigelse."
        ).replace("%", " %")
    return (
        f"An effect of {effect:+.2f} means: {abs(effect):.0%} {'above' if effect >= 0 else 'below'} today's level "
        f"of {outcome} in the model's terms (index 1 = today), against the baseline run with the same draws; "
        "exploratory, not a prediction."
    ).replace("%", " %")


def quality_text(q: Mapping[str, Any] | None, lang: str = "en") -> str:
    """The broken and runaway counts in words."""
    if not q:
        return ""
    runs, broken = q["runs"], q["broken_runs"]
    runaway = q.get("runaway_runs")
    if lang == "da":
        text = f"{broken} af {runs} kørsler brød sammen (overløb) og er udeladt"
        if runaway is not None:
            text += f"; i {runaway} af {runs} trækninger løber forstærkende sløjfer løbsk"
        return text + f" (grænse for udeladte kørsler: {_pct(q['max_broken'])})."
    text = f"{broken} of {runs} runs broke down (overflow) and are left out"
    if runaway is not None:
        text += f"; in {runaway} of {runs} draws reinforcing loops run away"
    return text + f" (most broken runs allowed: {_pct(q['max_broken'])})."


def verdict_text(verdict: str | None, p_improves: float | None, lang: str = "en") -> str:
    """The map's verdict along its paths ("mixed", "positive", ...) beside the simulated P(improves)."""
    if verdict is None or p_improves is None or math.isnan(p_improves):
        return ""
    p = _pct(p_improves)
    da = lang == "da"
    if verdict == "mixed":
        if p_improves >= 0.95 or p_improves <= 0.05:
            return (f"Kortet har både hævende og sænkende veje; simuleringen vejer dem med de antagne styrker og "
                    f"giver P(forbedring) = {p}: svaret hviler på styrkerne, ikke på kortets struktur alene." if da else
                    f"The map has paths that raise and paths that lower the outcome; the simulation weighs them by "
                    f"the assumed strengths and gives P(improves) = {p}: the answer rests on those strengths, not "
                    "on the map's structure alone.")  # fmt: skip
        return (f"Kortet har både hævende og sænkende veje, og simuleringen er usikker: P(forbedring) = {p}." if da else
                f"The map has paths that raise and paths that lower the outcome, and the simulation is unsure: "
                f"P(improves) = {p}.")  # fmt: skip
    if verdict in ("positive", "negative"):
        agrees = (verdict == "positive") == (p_improves >= 0.5)
        if da:
            return f"Alle kortets veje peger samme vej; simuleringen giver P(forbedring) = {p}" + (
                "." if agrees else " — den er uenig med vejene, fordi målet skal den anden vej."
            )
        return f"All the map's paths point the same way; the simulation gives P(improves) = {p}" + (
            "." if agrees else " — against the paths, because the outcome should move the other way."
        )
    return f"P(forbedring) = {p}." if da else f"P(improves) = {p}."


def dose_text(
    doses: Mapping[str, Sequence[str]],
    rule: str,
    labels: Mapping[str, str],
    lang: str = "en",
    plans: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The dose rule and each idea's dose, short: one dose said once when every target gets the same.

    ``plans`` (a result's ``meta["dose_plans"]`` where ideas have one dose each: ``{idea: {"dose", "low",
    "high", "targets": [...]}}``) gives each idea's dose and range and its number of targets instead.

    >>> dose_text({"a": ["x auto +0.2 [0.1–0.3] (ramp)", "y auto +0.2 [0.1–0.3] (ramp)"], "b": ["z auto +0.2 "
    ...            "[0.1–0.3] (ramp)"]}, "per target", {})
    'Dose rule: per target — each target of an idea gets its dose from scenarios.json, so an idea with more targets pushes more in total. Every target: +0.2 [0.1–0.3] (ramp); targets per idea: a 2, b 1.'
    """
    da = lang == "da"
    rule_name = _DOSE_RULE_DA.get(rule, rule) if da else rule
    if da and rule.startswith("one dose per idea"):
        rule_name = ("én dosis pr. idé (givet, eller rækkevidde × intensitet × varighed), fordelt på dens mål med "
                     "andele, der summerer til 1 (lige store som standard)")  # fmt: skip
    if rule == PER_TARGET:
        head = (f"Doseringsregel: {rule_name} — hvert mål for en idé får sin dosis fra scenarios.json, så en idé med "
                "flere mål skubber mere i alt." if da else
                f"Dose rule: {rule_name} — each target of an idea gets its dose from scenarios.json, so an idea with "
                "more targets pushes more in total.")  # fmt: skip
    else:
        head = f"Doseringsregel: {rule_name}." if da else f"Dose rule: {rule_name}."
    if plans:
        per = "; ".join(f"{labels.get(i, i)} {p['dose']:.3g} [{p['low']:.3g}–{p['high']:.3g}]"
                        f" ({len(p.get('targets') or ())} {'mål' if da else 'targets'})"
                        for i, p in plans.items() if p.get("dose") is not None)  # fmt: skip
        return head + (f" Dosis pr. idé: {per}." if da else f" Each idea's dose: {per}.")
    # a dose reads "variable channel +0.2 [low–high] (shape)": the same apart from the variable -> said once
    tails = {d.split(" ", 1)[1] if " " in d else d for ds in doses.values() for d in ds}
    if len(tails) == 1 and all(doses.values()):
        counts = ", ".join(f"{labels.get(i, i)} {len(ds)}" for i, ds in doses.items())
        tail = next(iter(tails)).split(" ", 1)[-1]
        return head + (f" Hvert mål: {tail}; mål pr. idé: {counts}." if da else
                       f" Every target: {tail}; targets per idea: {counts}.")  # fmt: skip
    per = "; ".join(f"{labels.get(i, i)}: {', '.join(ds)}" for i, ds in doses.items())
    return head + (f" Doser: {per}." if da else f" Doses: {per}.")
