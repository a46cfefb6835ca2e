"""The report's "Saved what-if scenarios" section, from ``gmb rank``'s ``saved_scenarios`` (``ranking.json``).

Each what-if saved from the panel (:mod:`gmb.scenarios.whatif_saved`) with its ideas' dose multipliers and
start lags, its effect at the horizon (median, 90 % interval, P(improves)) — the panel's numbers for the
same seed — and who saved it when. Every value is escaped (names and labels are text, never markup).

>>> row = {"ideas": {"a": {"dose": 0.5, "start": 6.0}}, "median": 0.1, "p5": -0.1, "p95": 0.3,
...        "p_improves": 0.8, "by": "Ada <b>", "at": "2026-12-03", "horizon": 36.0, "runs": 1000, "seed": 0}
>>> html = section_html({"Halv <i>": row}, lang="en")
>>> "Halv &lt;i&gt;" in html and "Ada &lt;b&gt;" in html and "a ×0.5, starts 6 later" in html
True
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["section_html"]

WORDS = {
    "en": {"title": "Saved what-if scenarios", "scenario": "Scenario", "ideas": "Ideas (dose × multiplier)",
           "effect": "Median effect", "interval": "90 % interval", "p": "P(improves)", "saved": "Saved by",
           "later": "starts {lag} later",
           "note": "Saved from the what-if panel; exploratory: what the map's assumptions imply over {runs} uncertain "
                   "runs (seed {seed}), not a forecast. Effect on the outcome after {horizon:g} time units."},
    "da": {"title": "Gemte hvad nu hvis-scenarier", "scenario": "Scenarie", "ideas": "Idéer (dosis × faktor)",
           "effect": "Median virkning", "interval": "90 %-interval", "p": "P(forbedring)", "saved": "Gemt af",
           "later": "starter {lag} senere",
           "note": "Gemt fra hvad nu hvis-panelet; udforskende: hvad kortets antagelser giver over {runs} usikre "
                   "kørsler (seed {seed}), ikke en prognose. Virkning på udfaldet efter {horizon:g} tidsenheder."},
}  # fmt: skip


def _n(x: Any) -> str:
    return "–" if x is None else f"{x:+.3g}"


def section_html(saved: dict[str, dict[str, Any]], *, lang: str | None = None) -> str:
    """The section as escaped HTML (empty when nothing was saved)."""
    if not saved:
        return ""
    w = WORDS.get(lang or "en", WORDS["en"])
    rows = []
    for name, e in saved.items():
        ideas = ", ".join(f"{i} ×{s['dose']:g}" + (", " + w["later"].format(lag=f"{s['start']:g}") if s["start"] else "")
                          for i, s in e["ideas"].items())  # fmt: skip
        p = "–" if e.get("p_improves") is None else f"{100 * e['p_improves']:.0f} %"
        rows.append(f"<tr><td><strong>{escape(name)}</strong></td><td>{escape(ideas)}</td><td>{_n(e.get('median'))}"
                    f"</td><td>{_n(e.get('p5'))} … {_n(e.get('p95'))}</td><td>{p}</td><td>{escape(str(e.get('by') or ''))}"
                    f" <span class=\"muted\">{escape(str(e.get('at') or ''))}</span></td></tr>")  # fmt: skip
    first = next(iter(saved.values()))
    note = w["note"].format(runs=first.get("runs"), seed=first.get("seed"), horizon=first.get("horizon") or 0)
    head = "".join(f"<th>{escape(w[k])}</th>" for k in ("scenario", "ideas", "effect", "interval", "p", "saved"))
    return (f'<section id="saved-whatifs"><h2>{escape(w["title"])}</h2><p class="muted">{escape(note)}</p>'
            f"<table><tr>{head}</tr>{''.join(rows)}</table></section>")  # fmt: skip
