"""How the map and report look: colours, line styles, shapes, and the few words of the interface (da/en).

Everything visual is defined here once and reaches the browser through :func:`visual_js` /
:func:`visual_css` (``gmb/views/static/visual.js|css``, whose header says how a page — the map, the
report's map, the ``gmb serve`` pages — uses them): the map and the live pages share one legend.
"Proposed, not accepted yet" is drawn faint with an open circle (:data:`PROPOSED`), never dashed, so it
cannot be read as a negative link (orange, dashed, −).

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
    "FADED",
    "FIGURE_WORDS",
    "IDEA_FILL",
    "LANGUAGE_NAMES",
    "NO_THEME",
    "OUTCOME_BORDER",
    "POLARITY_STYLE",
    "PROPOSED",
    "STRENGTH_WIDTH",
    "TARGET_BORDER",
    "THEME_PALETTE",
    "WORDS",
    "figure_word",
    "support_width",
    "theme_colours",
    "visual_css",
    "visual_js",
    "visual_spec",
    "word",
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
#: "proposed, not accepted yet": the item keeps its sign's colour and line style but is drawn faint
#: (this opacity) and its label starts with the open-circle badge. Faintness and the badge never mean
#: anything else, so a proposed link cannot be read as a negative one (negative = orange, dashed, −).
PROPOSED = {"opacity": 0.45, "badge": "○", "border": "#8A8A8A", "dashes": [2, 3]}
#: the smallest label height on screen (px) the first view of a map aims for
MIN_LABEL_PX = 12
#: font sizes of labels on the map (canvas units; on screen multiplied by the zoom)
FONT = {"variable": 15, "outcome": 20, "idea": 15, "edge": 20}
LANGUAGE_NAMES = {"da": "dansk", "en": "English"}


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
        "hint": "Drag to move, scroll or pinch to zoom, tap or hover for details.",
        "none": "nobody yet",
        "counts_ideas": "{n} variables · {m} links · {k} ideas",
        "proposed": "○ proposed, not accepted yet (faint)",
        "show_all": "Show the whole map",
        "show_readable": "Zoom to readable",
        "close": "Close",
        "details": "Details",
        "research": "Show sources and ids (for researchers)",
        "kind_stock": "stock",
        "kind_auxiliary": "other variable",
        "kind_exogenous": "outside influence",
        "kind_outcome": "outcome",
        "kind_unknown": "not given",
        "strength_weak": "weak",
        "strength_medium": "medium",
        "strength_strong": "strong",
        "strength_unknown": "not given",
        "more": "more",
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
        "hint": "Træk for at flytte, rul eller knib for at zoome, tryk eller hold musen over for detaljer.",
        "none": "ingen endnu",
        "counts_ideas": "{n} variable · {m} pile · {k} idéer",
        "proposed": "○ foreslået, ikke godkendt endnu (bleg)",
        "show_all": "Vis hele kortet",
        "show_readable": "Zoom ind til læsbar",
        "close": "Luk",
        "details": "Detaljer",
        "research": "Vis kilder og id'er (for forskere)",
        "kind_stock": "beholdning",
        "kind_auxiliary": "anden variabel",
        "kind_exogenous": "ydre påvirkning",
        "kind_outcome": "mål",
        "kind_unknown": "ikke angivet",
        "strength_weak": "svag",
        "strength_medium": "middel",
        "strength_strong": "stærk",
        "strength_unknown": "ikke angivet",
        "more": "flere",
    },
}


def word(lang: str | None, key: str) -> str:
    """An interface word in ``lang`` (Danish or English; anything else falls back to English)."""
    return WORDS.get(lang or "en", WORDS["en"]).get(key, WORDS["en"][key])


#: words in the report's figures (axis labels, units, band names); the report picks them by its language
FIGURE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "time": "time", "time_in": "time ({unit})", "index": "{label} (1 = baseline)",
        "band50": "50 % band", "band90": "90 % band", "effect": "effect on the outcome at the horizon",
        "p_better": "P(better) {p}", "n_votes": "{n} votes", "feasibility": "feasibility (0–5; grey = not rated)",
        "share": "share of the bundle's effect", "interaction": "interaction",
        "year": "years", "years": "years", "month": "months", "months": "months", "week": "weeks",
        "weeks": "weeks", "day": "days", "days": "days",
        "behaviour_title": "Behaviour over time", "ranking_title": "Ideas ranked by simulated effect",
        "attribution_title": "Attribution of the bundle effect (total {total})",
    },
    "da": {
        "time": "tid", "time_in": "tid ({unit})", "index": "{label} (1 = udgangspunkt)",
        "band50": "50 %-bånd", "band90": "90 %-bånd", "effect": "virkning på målet ved tidshorisonten",
        "p_better": "P(bedre) {p}", "n_votes": "{n} stemmer", "feasibility": "gennemførlighed (0–5; grå = ikke vurderet)",
        "share": "andel af pakkens virkning", "interaction": "samspil",
        "year": "år", "years": "år", "month": "måneder", "months": "måneder", "week": "uger",
        "weeks": "uger", "day": "dage", "days": "dage",
        "behaviour_title": "Udvikling over tid", "ranking_title": "Idéer rangeret efter simuleret virkning",
        "attribution_title": "Fordeling af pakkens virkning (i alt {total})",
    },
}  # fmt: skip


def figure_word(lang: str | None, key: str, **values) -> str:
    """A word of the report's figures in ``lang`` (English for other languages), formatted with ``values``.

    >>> figure_word("da", "time_in", unit=figure_word("da", "year"))
    'tid (år)'
    >>> figure_word("en", "n_votes", n=3)
    '3 votes'
    """
    table = FIGURE_WORDS.get(lang or "en", FIGURE_WORDS["en"])
    text = table.get(key, FIGURE_WORDS["en"].get(key, key))
    return text.format(**values) if values else text


def visual_spec() -> dict:
    """The visual language as JSON-ready data: colours, dashes, widths, fonts and the words of every language.

    ``visual.js`` reads it as ``window.GMB_VISUAL``; :func:`visual_js` puts both together.

    >>> spec = visual_spec()
    >>> spec["polarity"]["-"]["sign"], spec["words"]["da"]["legend"]
    ('−', 'Forklaring')
    """
    return {
        "polarity": POLARITY_STYLE, "strength_width": STRENGTH_WIDTH, "themes": THEME_PALETTE,
        "no_theme": NO_THEME, "outcome": OUTCOME_BORDER, "target": TARGET_BORDER, "idea": IDEA_FILL,
        "faded": FADED, "proposed": PROPOSED, "min_label_px": MIN_LABEL_PX, "font": FONT,
        "languages": LANGUAGE_NAMES, "words": WORDS,
    }  # fmt: skip


def _static(name: str) -> str:
    from importlib import resources

    return (resources.files("gmb.views") / "static" / name).read_text("utf-8")


def visual_js() -> str:
    """``visual.js`` with :func:`visual_spec` in front: one script a page inlines (or serves) to get ``GmbVisual``.

    Safe to put inside ``<script>``: the JSON has ``<``, ``>`` and ``&`` escaped.

    >>> js = visual_js()
    >>> js.startswith("window.GMB_VISUAL = ") and "GmbVisual" in js and "</script" not in js
    True
    """
    import json

    text = json.dumps(visual_spec(), ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return f"window.GMB_VISUAL = {text};\n" + _static("visual.js")


def visual_css() -> str:
    """``visual.css``: the legend, the bottom sheet and the map's phone layout (inline it in a ``<style>``)."""
    return _static("visual.css")
