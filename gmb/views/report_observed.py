"""The report's section "What made the difference — as far as the data can tell" (issue 18).

Data: ``observed_attribution.json`` in ``models/<name>/``, written by ``gmb attribute-observed
NAME`` (the output of :func:`gmb.calibration.attribute_observed`). :func:`section_html` renders it
as an HTML fragment in Danish or English, every user string escaped: the observed change with its
measurement error, each implemented activity's Shapley contribution with its 90 % interval and
share, the baseline drift and the unexplained residual, the fit and the warnings, in words first.

>>> a = {"variable": "loneliness", "variable_label": "Ensomhed <b>", "t0": 6, "t1": 30, "units": "log ratio",
...      "observed": {"change": -1.47, "se": 0.66, "interval": [-2.5, -0.4]},
...      "model_change": {"mean": -0.45, "interval": [-0.7, -0.44, -0.26]},
...      "activities": [{"idea": "mens_groups", "mean": -0.45, "share": 0.3, "contribution": [-0.7, -0.44, -0.25]}],
...      "drift": {"mean": 0.0, "share": 0.0, "interval": [0, 0, 0]},
...      "residual": {"mean": -1.0, "share": 0.7, "interval": [-1.2, -1.0, -0.75]},
...      "calibration": {"ess": 3400, "runs": 4000, "fit": {"p_value": 0.28, "misfit": False}, "warnings": []}}
>>> html = section_html(a, lang="da")
>>> "Hvad gjorde forskellen" in html and "&lt;b&gt;" in html and "<b>" not in html
True
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

__all__ = ["FILE", "WORDS", "section_html"]

FILE = "observed_attribution.json"

WORDS = {
    "en": {
        "title": "What made the difference — as far as the data can tell",
        "lead": "Observed change in {var} from {t0:g} to {t1:g} ({units}): {obs:+.2f} (90 % measurement interval "
        "{lo:+.2f} … {hi:+.2f}). The model, calibrated to the observations under the activities as they "
        "were actually implemented, splits it as follows.",
        "part": "part",
        "mean": "contribution",
        "interval": "90 % interval",
        "share": "share of the change",
        "drift": "baseline drift (nothing the group did)",
        "residual": "unexplained (observed − model)",
        "fit": "Fit: posterior predictive p-value {p:.2f} ({verdict}); effective sample size {ess:.0f} of {runs} "
        "draws.",
        "ok": "the data are plausible under the calibrated model",
        "bad": "the model cannot reproduce the data",
        "read": "Contributions are Shapley values of the calibrated model's change (each activity's average "
        "added change over every order of adding them); shares are ratios of means. Observed = drift + "
        "activities + unexplained. A large unexplained part or a wide interval means the data cannot "
        "tell — not that the activities did nothing.",
        "warning": "Warning",
    },
    "da": {
        "title": "Hvad gjorde forskellen — så vidt data kan vise det",
        "lead": "Observeret ændring i {var} fra {t0:g} til {t1:g} ({units}): {obs:+.2f} (90 % måleinterval "
        "{lo:+.2f} … {hi:+.2f}). Modellen, kalibreret til observationerne med aktiviteterne som de faktisk "
        "blev gennemført, deler den sådan.",
        "part": "del",
        "mean": "bidrag",
        "interval": "90 % interval",
        "share": "andel af ændringen",
        "drift": "udvikling uden indsats (intet gruppen gjorde)",
        "residual": "uforklaret (observeret − model)",
        "fit": "Tilpasning: posterior prædiktiv p-værdi {p:.2f} ({verdict}); effektiv stikprøve {ess:.0f} af "
        "{runs} trækninger.",
        "ok": "data er plausible under den kalibrerede model",
        "bad": "modellen kan ikke genskabe data",
        "read": "Bidrag er Shapley-værdier af den kalibrerede models ændring (hver aktivitets gennemsnitlige "
        "ekstra ændring over alle rækkefølger); andele er forhold mellem middelværdier. Observeret = "
        "udvikling uden indsats + aktiviteter + uforklaret. En stor uforklaret del eller et bredt "
        "interval betyder, at data ikke kan afgøre det — ikke at aktiviteterne intet gjorde.",
        "warning": "Advarsel",
    },
}


def _row(name: str, mean: float, interval, share: float) -> str:
    return (f"<tr><td>{escape(name)}</td><td>{mean:+.3f}</td><td>{interval[0]:+.3f} … {interval[-1]:+.3f}</td>"
            f"<td>{share:.0%}</td></tr>")  # fmt: skip


def section_html(a: Mapping[str, Any], *, lang: str | None = None, labels: Mapping[str, str] | None = None) -> str:
    """The section as an HTML fragment (``labels``: idea id -> display name)."""
    w = WORDS.get(lang or "en", WORDS["en"])
    labels = labels or {}
    o = a["observed"]
    c = a["calibration"]
    lead = w["lead"].format(var=a.get("variable_label", a["variable"]), t0=a["t0"], t1=a["t1"], units=a["units"],
                            obs=o["change"], lo=o["interval"][0], hi=o["interval"][1])  # fmt: skip
    rows = [_row(labels.get(r["idea"], r["idea"]), r["mean"], r["contribution"], r["share"]) for r in a["activities"]]
    rows.append(_row(w["drift"], a["drift"]["mean"], a["drift"]["interval"], a["drift"]["share"]))
    rows.append(_row(w["residual"], a["residual"]["mean"], a["residual"]["interval"], a["residual"]["share"]))
    fit = w["fit"].format(p=c["fit"]["p_value"], verdict=w["bad"] if c["fit"]["misfit"] else w["ok"], ess=c["ess"],
                          runs=c["runs"])  # fmt: skip
    warns = "".join(f'<p class="warning"><strong>{w["warning"]}:</strong> {escape(x)}</p>' for x in c["warnings"])
    return (f"<section id=\"observed\"><h2>{escape(w['title'])}</h2><p>{escape(lead)}</p>"
            f"<table><thead><tr><th>{w['part']}</th><th>{w['mean']}</th><th>{w['interval']}</th><th>{w['share']}"
            f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table><p>{escape(fit)}</p>{warns}"
            f"<p class=\"muted\">{escape(w['read'])}</p></section>")  # fmt: skip
