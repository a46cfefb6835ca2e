"""How the map and report look: colours, line styles, shapes, and the few words of the interface (da/en).

Colours are the Okabe–Ito palette, which stays distinguishable for the common kinds of colour
blindness; polarity is also told by line style and by the sign written on the link, so no
meaning rests on colour alone.

>>> POLARITY_STYLE["-"]["dashes"]
[10, 6]
>>> theme_colours(["a", "b"])["b"]
'#E69F00'
>>> word("da", "stock")
'beholdning (ophobes over tid)'
>>> word("fr", "stock")  # unknown interface language: English
'stock (accumulates over time)'
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "POLARITY_STYLE", "STRENGTH_WIDTH", "THEME_PALETTE", "NO_THEME", "OUTCOME_BORDER", "TARGET_BORDER",
    "IDEA_FILL", "FADED", "theme_colours", "support_width", "word", "WORDS",
]  # fmt: skip

#: link colour, dash pattern (vis-network ``dashes``: false or [dash, gap]) and the sign shown on the link
POLARITY_STYLE: dict[str, dict] = {
    "+": {"color": "#0072B2", "dashes": False, "sign": "+"},
    "-": {"color": "#D55E00", "dashes": [10, 6], "sign": "−"},
    "?": {"color": "#7F7F7F", "dashes": [2, 5], "sign": "?"},
}

#: link width by the group's judgement of its strength
STRENGTH_WIDTH = {"weak": 1.0, "medium": 2.5, "strong": 4.5, "unknown": 1.5}

#: fills for themes, in the map's theme order (Okabe–Ito, lightened so black labels stay readable)
THEME_PALETTE = ["#9ECAE9", "#E69F00", "#8FD6B9", "#F0E442", "#CC99BB", "#F4B183", "#56B4E9", "#C9C27A"]
NO_THEME = "#E8E8E8"
OUTCOME_BORDER = "#000000"
TARGET_BORDER = "#009E73"
IDEA_FILL = "#FFF4C2"
FADED = {"fill": "#F3F3F3", "border": "#DDDDDD", "font": "#BBBBBB", "edge": "#E2E2E2"}


def theme_colours(themes: Iterable[str]) -> dict[str, str]:
    """A fill colour per theme id, in order; the palette repeats after eight themes."""
    return {t: THEME_PALETTE[i % len(THEME_PALETTE)] for i, t in enumerate(dict.fromkeys(themes))}


def support_width(support: int) -> float:
    """Link width by how many participants proposed or support it (1 px, +0.75 px each, at most 6 px).

    >>> support_width(0), support_width(2), support_width(50)
    (1.0, 2.5, 6.0)
    """
    return min(6.0, 1.0 + 0.75 * max(0, int(support)))


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "legend": "Legend",
        "links": "Links",
        "variables": "Variables",
        "themes": "Themes",
        "positive": "+ same direction (more → more)",
        "negative": "− opposite direction (more → less)",
        "unknown": "? direction not known",
        "delay": "|| the effect comes with a delay",
        "width_strength": "thicker = stronger (weak · medium · strong)",
        "width_support": "thicker = more participants support it",
        "stock": "stock (accumulates over time)",
        "auxiliary": "other variable",
        "exogenous": "outside influence (dashed border)",
        "outcome": "outcome (thick black border)",
        "target": "an idea acts on it (green border)",
        "idea": "idea from the idea bank",
        "no_theme": "no theme",
        "loop": "Highlighted loop",
        "theme_hl": "Highlighted theme",
        "reinforcing": "reinforcing (R)",
        "balancing": "balancing (B)",
        "unsigned": "sign unknown",
        "labels": "labels",
        "kind": "kind",
        "proposed_by": "proposed by",
        "stage": "stage",
        "supported_by": "supported by",
        "disputed_by": "disputed by",
        "strength": "strength",
        "evidence": "evidence",
        "delayed": "delayed",
        "votes": "votes",
        "feasibility": "feasibility",
        "working_group": "working group",
        "acts_on": "acts on",
        "ideas_on_it": "ideas acting on it",
        "language": "Language",
        "counts": "{n} variables · {m} links",
        "hint": "Drag to move, scroll to zoom, hover for details.",
        "none": "nobody yet",
    },
    "da": {
        "legend": "Forklaring",
        "links": "Pile",
        "variables": "Variable",
        "themes": "Temaer",
        "positive": "+ samme retning (mere → mere)",
        "negative": "− modsat retning (mere → mindre)",
        "unknown": "? retning ukendt",
        "delay": "|| virkningen kommer med forsinkelse",
        "width_strength": "tykkere = stærkere (svag · middel · stærk)",
        "width_support": "tykkere = flere deltagere støtter den",
        "stock": "beholdning (ophobes over tid)",
        "auxiliary": "anden variabel",
        "exogenous": "ydre påvirkning (stiplet kant)",
        "outcome": "mål (tyk sort kant)",
        "target": "en idé virker på den (grøn kant)",
        "idea": "idé fra idébanken",
        "no_theme": "intet tema",
        "loop": "Fremhævet sløjfe",
        "theme_hl": "Fremhævet tema",
        "reinforcing": "forstærkende (R)",
        "balancing": "balancerende (B)",
        "unsigned": "fortegn ukendt",
        "labels": "navne",
        "kind": "type",
        "proposed_by": "foreslået af",
        "stage": "workshop",
        "supported_by": "støttet af",
        "disputed_by": "anfægtet af",
        "strength": "styrke",
        "evidence": "belæg",
        "delayed": "forsinket",
        "votes": "stemmer",
        "feasibility": "gennemførlighed",
        "working_group": "arbejdsgruppe",
        "acts_on": "virker på",
        "ideas_on_it": "idéer der virker på den",
        "language": "Sprog",
        "counts": "{n} variable · {m} pile",
        "hint": "Træk for at flytte, rul for at zoome, hold musen over for detaljer.",
        "none": "ingen endnu",
    },
}


def word(lang: str | None, key: str) -> str:
    """An interface word in ``lang`` (Danish or English; anything else falls back to English)."""
    return WORDS.get(lang or "en", WORDS["en"]).get(key, WORDS["en"][key])
