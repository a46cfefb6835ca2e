"""The report's scenario section in words (English and Danish), said before the figures.

:func:`scenario_text` reads the result files the report found (``behaviour.json``,
``ranking.json``, ``attribution.json``) and returns short paragraphs for each: the dose rule
and doses, what an effect on the index means, the settled share, rank probabilities, the
conclusions that hold under the assumption variants and those that flip the order, the broken
and runaway counts, the response shape, and each idea's structural verdict beside its
simulated P(improves) (:mod:`gmb.scenarios.words`). Older result files without these keys give
fewer paragraphs, never an error.

>>> scenario_text({"behaviour": {"horizon": 36, "unit": "month", "scenarios": {}, "settled": {"x": 0.2}}}, "en")
{'behaviour': ['The dashed line marks the horizon (36 month), where effects are read; the shaded part after it is not settled: x reaches 20 % of its long-run effect by the horizon.']}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["AFTER_HORIZON", "ranking_with_robustness", "scenario_text"]

#: the label of the shaded part of a fan chart after the horizon
AFTER_HORIZON = {"en": "after the horizon: not settled", "da": "efter horisonten: ikke faldet til ro"}


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _behaviour(data: Mapping[str, Any], lang: str, names: Mapping[str, str]) -> list[str]:
    from gmb.scenarios.words import quality_text

    out = []
    h = data.get("horizon")
    settled = {k: v for k, v in (data.get("settled") or {}).items() if v is not None and not math.isnan(v)}
    if h is not None:
        parts = ", ".join(f"{names.get(k, k)} {_pct(v)}" if len(settled) > 1 else f"{names.get(k, k)}"
                          for k, v in settled.items())  # fmt: skip
        if lang == "da":
            text = (f"Den stiplede linje markerer horisonten ({h:g} {data.get('unit', '')}), hvor virkningerne "
                    "aflæses; den skraverede del efter den er ikke faldet til ro")  # fmt: skip
            if len(settled) == 1:
                text += f": {parts} når {_pct(next(iter(settled.values())))} af sin langsigtede virkning ved horisonten"
            elif settled:
                text += f". Andel af den langsigtede virkning nået ved horisonten: {parts}"
        else:
            text = (f"The dashed line marks the horizon ({h:g} {data.get('unit', '')}), where effects are read; the "
                    "shaded part after it is not settled")  # fmt: skip
            if len(settled) == 1:
                text += f": {parts} reaches {_pct(next(iter(settled.values())))} of its long-run effect by the horizon"
            elif settled:
                text += f". Share of the long-run effect reached at the horizon: {parts}"
        out.append(text + ".")
    q = quality_text(data.get("runs_quality"), lang)
    if q:
        out.append(q)
    return out


def ranking_with_robustness(ranking: Mapping[str, Any], robustness: Any) -> Mapping[str, Any]:
    """The ranking as it is when it carries its leave-one-link-out block (``gmb rank`` does by default), else a
    copy with ``robustness`` (``robustness.json``, :func:`gmb.link_robustness`'s result) merged in; unchanged
    when neither has it.

    >>> rb = {"meta": {"runs": 8, "links_checked": 1}, "ideas": [{"idea": "a", "verdict": "improves",
    ...       "p_improves": 1.0, "p_worsens": 0.0, "links_checked": 1, "flips": [], "rank_changes": [],
    ...       "depends_on": [], "sentence": None}]}
    >>> ranking_with_robustness({"ideas": [{"idea": "a"}]}, rb)["robustness"]["meta"]["runs"]
    8
    """
    import copy

    if isinstance(ranking.get("robustness"), Mapping) or not isinstance(robustness, Mapping):
        return ranking
    if not isinstance(robustness.get("ideas"), list):
        return ranking
    from gmb.scenarios.robustness import merge_robustness

    return merge_robustness(copy.deepcopy(dict(ranking)), robustness)


def scenario_text(results: Mapping[str, Any], lang: str | None = None, verdicts: Mapping[str, str] | None = None,
                  names: Mapping[str, str] | None = None) -> dict[str, list[str]]:  # fmt: skip
    """Paragraphs per result key (``behaviour``, ``ranking``, ``attribution``) present in ``results``.

    ``verdicts``: each idea's structural verdict along the map (``positive``, ``negative``, ``mixed``...);
    ``names``: scenario/idea ids to the labels shown.
    """
    from gmb.scenarios.words import explain_attribution, explain_ranking

    lang = "da" if lang == "da" else "en"
    out: dict[str, list[str]] = {}
    if isinstance(results.get("behaviour"), Mapping):
        out["behaviour"] = _behaviour(results["behaviour"], lang, names or {})
    if isinstance(results.get("ranking"), Mapping):
        out["ranking"] = explain_ranking(results["ranking"], lang, verdicts)
    if isinstance(results.get("attribution"), Mapping):
        out["attribution"] = explain_attribution(results["attribution"], lang)
    return {k: v for k, v in out.items() if v}
