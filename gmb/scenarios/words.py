"""The scenario answers in words a planner reads, in English and Danish (CLI and report share them).

:func:`explain_ranking` and :func:`explain_attribution` turn a ``ranking.json`` /
``attribution.json`` result into short paragraphs: the dose rule and each idea's dose, what
an effect on the index means, the settled share, the rank probabilities, the conclusions that
hold under the assumption variants and those that flip, the broken and runaway runs, the
response shape, and the structural verdict beside the simulated P(improves).

>>> fact_text({"kind": "tier", "ranks": [2, 4], "ideas": ["a", "b", "c"], "everywhere": True}, "en", {})
'Ranks 2–4 (a, b, c) are not distinguishable in any variant.'
>>> fact_text({"kind": "tier", "ranks": [2, 4], "ideas": ["a", "b", "c"], "everywhere": True}, "da", {})
'Plads 2–4 (a, b, c) kan ikke skelnes i nogen variant.'
>>> effect_meaning(0.19, "Trivsel", "en")
"An effect of +0.19 means: 19 % above today's level of Trivsel in the model's terms (index 1 = today), against the baseline run with the same draws; exploratory, not a prediction."
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "dependence_text",
    "dose_text",
    "effect_meaning",
    "explain_attribution",
    "explain_ranking",
    "fact_text",
    "quality_text",
    "robustness_text",
    "variant_name",
    "verdict_text",
]  # fmt: skip

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


def _settled_text(share: float | None, lang: str) -> str:
    if share is None or math.isnan(share):
        return ""
    if lang == "da":
        return f"{_pct(share)} af den langsigtede virkning er nået ved horisonten" + (
            " — ikke faldet til ro" if share < 0.5 else ""
        )
    return f"{_pct(share)} of the long-run effect reached at the horizon" + (" — not settled" if share < 0.5 else "")


def explain_ranking(r: Mapping[str, Any], lang: str = "en", verdicts: Mapping[str, str] | None = None) -> list[str]:
    """Short paragraphs for a ranking result (``gmb rank``'s JSON), before any figure or table."""
    da = lang == "da"
    m = r.get("meta") or {}
    rows = r.get("ideas") or []
    labels = {row["idea"]: row.get("label", row["idea"]) for row in rows}
    out = []
    dose_rule = m.get("dose_rule") or PER_TARGET
    if m.get("doses"):  # an older ranking.json without meta says nothing it does not know
        out.append(dose_text(m["doses"], dose_rule, labels, lang, m.get("dose_plans")))
    if rows and rows[0].get("median") is not None:
        outcome = m.get("outcome_label") or m.get("outcome") or ("målet" if da else "the outcome")
        out.append(effect_meaning(rows[0]["median"], str(outcome), lang))
    shape = m.get("response_shape") or m.get("effect_shape")
    if shape:
        out.append(f"Responsform: {shape}." if da else f"Response shape: {shape}.")
    q = quality_text(m.get("runs_quality"), lang)
    if q:
        out.append(q)
    ru = r.get("rank_uncertainty") or {}
    lines = []
    groups: dict[str, list[str]] = {}
    for row in rows:
        pr, iv = row.get("p_rank"), row.get("rank_interval")
        if not pr or not iv:
            continue
        best = max(range(len(pr)), key=lambda k: pr[k])
        settled = _settled_text(row.get("settled"), lang)
        if da:
            s = (
                f"{labels[row['idea']]}: plads {best + 1} i {_pct(pr[best])} af trækningerne, 90 %-interval plads "
                f"{iv[0]}–{iv[1]}, P(forbedring) {_pct(row.get('p_improves'))}"
            )
        else:
            s = (
                f"{labels[row['idea']]}: rank {best + 1} in {_pct(pr[best])} of the draws, 90 % interval ranks "
                f"{iv[0]}–{iv[1]}, P(improves) {_pct(row.get('p_improves'))}"
            )
        lines.append(s + (f"; {settled}." if settled else "."))
        v = verdict_text((verdicts or {}).get(row["idea"], row.get("verdict")), row.get("p_improves"), lang)
        if v:
            groups.setdefault(v, []).append(labels[row["idea"]])
    if lines:
        out.append(("Rangering med usikkerhed: " if da else "Ranking with its uncertainty: ") + " ".join(lines))
    for v, names in groups.items():
        out.append(f"{', '.join(names)}: {v}")
    out.extend(robustness_text(r, lang))  # beside the verdicts: the single links a verdict rests on
    tiers = _tier_facts(ru)
    if tiers and not (r.get("variants") or {}).get("facts"):  # with variants, their conclusions say it
        out.append(" ".join(fact_text(f, lang, labels) for f in tiers))
    var = r.get("variants") or {}
    facts = var.get("facts") or []
    if facts:
        used = ", ".join(variant_name(v["name"], lang) for v in var.get("list") or [] if not v.get("refused"))
        head = (f"Under varianterne ({used}; {var.get('runs_each')} trækninger hver): " if da else
                f"Under the variants ({used}; {var.get('runs_each')} draws each): ")  # fmt: skip
        holds = [fact_text(f, lang, labels) for f in facts if f["holds"]]
        flips = [fact_text(f, lang, labels) for f in facts if not f["holds"]]
        out.append(head + ("Det holder: " if da else "What holds: ") + " ".join(holds))
        if flips:
            out.append(
                ("Antagelser, der vender ordenen: " if da else "Assumptions that flip the order: ") + " ".join(flips)
            )
        left = [v for v in var.get("list") or [] if v.get("refused")]
        if left:
            out.append(("Udeladt af konklusionerne, fordi for mange kørsler brød sammen: " if da else
                        "Left out of the conclusions because too many runs broke down: ")
                       + "; ".join(f"{variant_name(v['name'], lang)} ({v['broken_runs']}/{v['runs']})" for v in left)
                       + ".")  # fmt: skip
    return out


def dependence_text(
    label: str, verdict: str, p: float, depends: Sequence[Mapping[str, Any]], lang: str = "en"
) -> str | None:
    """One sentence for an idea whose verdict rests on uncertain links (``None`` when none does).

    ``verdict``: ``improves`` or ``worsens`` (leave-one-link-out's); ``p``: the share of the draws that
    say so; ``depends``: the uncertain links whose removal flips it (:func:`gmb.link_robustness`'s
    ``flips`` entries: ``link``, ``label``, ``evidence``, ``p_present``, ``p_sign`` and the idea's
    ``p_improves`` / ``p_worsens`` without the link). Labels are used as they are (escape them for HTML).

    >>> f = {"link": "C7", "label": "a → b", "evidence": "candidate (Inf)", "p_present": 0.75, "p_sign": 1.0,
    ...      "p_improves": 0.0, "p_worsens": 1.0}
    >>> dependence_text("Playgrounds", "improves", 0.72, [f])
    "Playgrounds improves the outcome (in 72 % of the draws) only through C7 'a → b' (evidence: candidate (Inf); P(present) 0.75; without it improves in 0 % of the draws)."
    >>> dependence_text("Legepladser", "improves", 0.72, [f], "da")
    "Legepladser forbedrer målet (i 72 % af trækningerne) kun gennem C7 'a → b' (evidens: candidate (Inf); P(til stede) 0.75; uden den forbedres det i 0 % af trækningerne)."
    """
    if not depends or verdict not in ("improves", "worsens"):
        return None
    da = lang == "da"
    up = verdict == "improves"

    def what(f: Mapping[str, Any]) -> str:
        doubt = [f"{'evidens' if da else 'evidence'}: {f['evidence']}"] if f.get("evidence") else []
        if f["p_present"] < 1:
            doubt.append(f"{'P(til stede)' if da else 'P(present)'} {f['p_present']:.2f}")
        if f["p_sign"] < 1:
            doubt.append(f"{'P(fortegn som tegnet)' if da else 'P(sign as drawn)'} {f['p_sign']:.2f}")
        after = _pct(f["p_improves"] if up else f["p_worsens"])
        if da:
            doubt.append(f"uden den {'forbedres' if up else 'forværres'} det i {after} af trækningerne")
        else:
            doubt.append(f"without it {verdict} in {after} of the draws")
        return f"{f['link']} '{f['label']}' ({'; '.join(doubt)})"

    if da:
        head = f"{label} {'forbedrer' if up else 'forværrer'} målet (i {_pct(p)} af trækningerne)"
        if len(depends) == 1:
            return f"{head} kun gennem {what(depends[0])}."
        return f"{head} kun hvis hver af disse usikre forbindelser holder: {'; '.join(what(f) for f in depends)}."
    head = f"{label} {verdict} the outcome (in {_pct(p)} of the draws)"
    if len(depends) == 1:
        return f"{head} only through {what(depends[0])}."
    return f"{head} only if each of these uncertain links holds: {'; '.join(what(f) for f in depends)}."


def robustness_text(r: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The link dependence of a ranking (``gmb rank``'s JSON with its ``robustness`` block): one sentence per
    idea that rests on uncertain links, then the ideas no single link flips; ``[]`` without the block."""
    rb = r.get("robustness")
    if not isinstance(rb, Mapping):
        return []
    da = lang == "da"
    rows = [row for row in r.get("ideas") or [] if row.get("depends_on") is not None]
    labels = {row["idea"]: row.get("label", row["idea"]) for row in rows}
    out = []
    for row in rows:
        rv = row.get("robustness") or {}
        depends = [f for f in row.get("flips") or [] if f.get("link") in row["depends_on"]]
        text = dependence_text(labels[row["idea"]], rv.get("verdict", ""), rv.get("p", float("nan")), depends, lang)
        if text:
            out.append(text)
    steady = [labels[row["idea"]] for row in rows if not row.get("flips")]
    m = rb.get("meta") or {}
    head = (f"Hvilke forbindelser dommene hviler på (én forbindelse fjernet ad gangen, {m.get('runs')} trækninger, "
            f"{m.get('links_checked')} forbindelser tjekket): " if da else
            f"Which links the verdicts rest on (one link left out at a time, {m.get('runs')} draws, "
            f"{m.get('links_checked')} links checked): ")  # fmt: skip
    if out and m.get("structure_sampled"):  # the simulated P(improves) and the link dependence, read together
        out.append("Hviler en idé på én usikker forbindelse, er dens P(forbedring) kun omtrent så sikker som "
                   "forbindelsen: når forbindelser trækkes til stede eller ej, ligger den nær forbindelsens P(til "
                   "stede)." if da else
                   "Where an idea rests on one uncertain link, its P(improves) is only about as sure as that link: "
                   "with links drawn present or absent, it lies near the link's P(present).")  # fmt: skip
    if steady:
        out.append(("Ingen enkelt forbindelse vender dommen for: " if da else
                    "No single link flips the verdict of: ") + ", ".join(steady) + ".")  # fmt: skip
    return [head + out[0], *out[1:]] if out else []


def _tier_facts(ru: Mapping[str, Any]) -> list[dict[str, Any]]:
    out, pos = [], 1
    for tier in ru.get("tiers") or []:
        if len(tier) > 1:
            out.append({"kind": "tier", "ranks": [pos, pos + len(tier) - 1], "ideas": list(tier), "everywhere": None})
        pos += len(tier)
    return out


def explain_attribution(r: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Short paragraphs for an attribution result (``gmb attribute``'s JSON)."""
    da = lang == "da"
    m = r.get("meta") or {}
    out = []
    q = quality_text(m.get("runs_quality"), lang)
    if q:
        out.append(q)
    rows = r.get("ideas") or []
    if rows and all(row.get("expected") is not None for row in rows):
        parts = "; ".join(f"{row.get('label', row['idea'])} {_pct(row['share'])} ({row['expected']:+.3f}, 90 %: "
                          f"{row['shapley']['p5']:+.3f}…{row['shapley']['p95']:+.3f})" for row in rows)  # fmt: skip
        out.append((f"Andele af den forventede virkning af pakken ({r.get('total', float('nan')):+.3f}; Shapley, "
                    f"gennemsnit over trækningerne): " if da else
                    f"Shares of the bundle's expected effect ({r.get('total', float('nan')):+.3f}; Shapley, mean over "
                    "the draws): ") + parts + ".")  # fmt: skip
    ip = r.get("interaction_parts") or {}
    if ip:
        i, mf, lg = ip["index"]["mean"], ip["multiplicative_form"]["mean"], ip["log_units"]["mean"]
        if da:
            out.append(f"Samspil i pakken på indekset: {i:+.3f} (gennemsnit); heraf følger {mf:+.3f} alene af den "
                       f"multiplikative form (idéer uden samspil ganges stadig sammen); i log-enheder er samspillet "
                       f"{lg:+.3f}.")  # fmt: skip
        else:
            out.append(ip.get("text") or "")
    st = ((r.get("settled") or {}).get("scenarios") or {}).get("bundle")
    if st:
        out.append(("Pakken: " if da else "The bundle: ") + _settled_text(st.get("share"), lang) + ".")
    return [p for p in out if p]
