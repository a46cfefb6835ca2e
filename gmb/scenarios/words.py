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
from collections.abc import Mapping, Sequence
from typing import Any

from gmb.scenarios.phrases import (  # the single facts live there; this stays their public path
    PER_TARGET,
    _pct,
    dose_text,
    effect_meaning,
    fact_text,
    quality_text,
    variant_name,
    verdict_text,
)

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
