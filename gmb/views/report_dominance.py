"""The report's section "Which loops drive it": loop dominance and pathways in words and one plot each.

Data (``dominance.json`` in ``models/<name>/``, written by ``gmb loops NAME --dominance`` for each
scenario it is run with, or by :func:`gmb.workflow.dominance.compute` for the bundle and the top ideas at once)::

    {"scenarios": {label: <gmb.loop_dominance output> + optional "pathways": <pathways output>}}

:func:`section_html` renders it as an HTML fragment (Danish or English, every user string escaped,
figures as ``data:`` PNGs): per scenario a stacked plot of the loops' relative scores over time
(:func:`plot_loop_scores`), the dominant loop per period in words, the share of draws in which each
loop dominates (when an ensemble was run) and the idea's main pathways.

>>> d = {"scenario": "bundle", "unit": "month", "time": [0, 1, 2], "complete": True, "periods": [],
...      "periods_map": [], "loops": [{"id": "R1", "name": "Vækst", "kind": "map", "polarity": "R",
...      "labels": ["A", "B"], "links": ["L1", "L2"], "relative": [0, 0.6, 0.7], "mean_abs": 0.4}]}
>>> html = section_html({"scenarios": {"bundle": d}}, lang="da")
>>> "Hvilke sløjfer driver det" in html and "data:image/png;base64," in html
True
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FILE", "WORDS", "load", "plot_loop_scores", "save", "section_html"]

FILE = "dominance.json"

WORDS = {
    "en": {"title": "Which loops drive it", "periods": "Dominant loop per period", "map": "Among the map's own loops",
           "ensemble": "Share of draws in which each loop dominates", "paths": "Which paths carry the effect",
           "rel": "relative loop score (share of all loops' strength)", "time": "time", "other": "other loops",
           "incomplete": "Not every loop was scored (the search was bounded); shares are of the loops found.",
           "adj": "adjusting towards its level", "dominates": "dominates", "alternate": "alternate",
           "read": "Loops That Matter: at each time step a loop's score is how much of the change around it the "
                   "loop explains; the plot stacks each loop's share. Adjustment loops (a stock catching up with "
                   "its own level) are not drawn on the map but always act.",
           "path": "path", "share": "share of the effect at the horizon", "knockout": "link switched off"},
    "da": {"title": "Hvilke sløjfer driver det", "periods": "Dominerende sløjfe i hver periode",
           "map": "Blandt kortets egne sløjfer", "ensemble": "Andel af trækningerne, hvor hver sløjfe dominerer",
           "paths": "Hvilke veje bærer effekten", "rel": "relativ sløjfescore (andel af alle sløjfers styrke)",
           "time": "tid", "other": "andre sløjfer",
           "incomplete": "Ikke alle sløjfer blev scoret (søgningen var begrænset); andelene gælder de fundne.",
           "adj": "justerer sig mod sit niveau", "dominates": "dominerer", "alternate": "skiftes",
           "read": "Loops That Matter: i hvert tidsskridt er en sløjfes score, hvor meget af ændringen rundt i "
                   "sløjfen den forklarer; figuren stabler sløjfernes andele. Tilpasningssløjfer (en beholdning "
                   "der indhenter sit eget niveau) står ikke på kortet, men virker altid.",
           "path": "vej", "share": "andel af effekten ved horisonten", "knockout": "forbindelse slået fra"},
}  # fmt: skip


def _w(lang: str | None) -> dict[str, str]:
    return WORDS.get(lang or "en", WORDS["en"])


def plot_loop_scores(d: Mapping[str, Any], *, lang: str | None = None, top: int = 6, title: str | None = None):
    """Stacked areas of the top loops' ``|relative score|`` over time, the rest as one grey band."""
    from gmb.views.plots import _figure

    w = _w(lang)
    t = np.asarray(d["time"], float)
    loops = list(d["loops"])[:top]
    rest = (
        np.clip(1.0 - np.sum([np.abs(lp["relative"]) for lp in loops], axis=0), 0, None) if loops else np.ones_like(t)
    )
    fig = _figure(8.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    blues, oranges = ["#0072B2", "#56B4E9", "#004c7a", "#9ecae1"], ["#D55E00", "#E69F00", "#8c3d00", "#fdd0a2"]
    colours, nb, no, ng = [], 0, 0, 0
    greys = ["#9e9e9e", "#bdbdbd", "#757575", "#d0d0d0"]
    for lp in loops:
        if lp["kind"] == "adjustment":
            colours.append(greys[ng % len(greys)])
            ng += 1
        elif lp["polarity"] == "R":
            colours.append(blues[nb % len(blues)])
            nb += 1
        else:
            colours.append(oranges[no % len(oranges)])
            no += 1
    labels = [(f"{lp['labels'][0]}: {w['adj']}" if lp["kind"] == "adjustment" else f"{lp['id']} ")
              + ("" if lp["kind"] == "adjustment" else (lp.get("name") or (
                  " → ".join(lp["labels"][:3]) + (" …" if len(lp["labels"]) > 3 else ""))))
              for lp in loops]  # fmt: skip
    ax.stackplot(t, *[np.abs(lp["relative"]) for lp in loops], rest, colors=[*colours, "#eeeeee"],
                 labels=[x[:60] for x in labels] + [w["other"]])  # fmt: skip
    ax.set_ylim(0, 1)
    ax.set_xlim(t[0], t[-1])
    ax.set_xlabel(f"{w['time']} ({d.get('unit', '')})")
    ax.set_ylabel(w["rel"], fontsize=8)
    ax.set_title(title or str(d.get("scenario", "")))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=7)
    return fig


def _loop_words(lp: Mapping[str, Any], w: Mapping[str, str]) -> str:
    name = f" “{lp['name']}”" if lp.get("name") else ""
    how = f"{lp['labels'][0]} {w['adj']}" if lp["kind"] == "adjustment" else " → ".join(lp["labels"])
    return f"{lp['id']}{name} ({how})"


def _periods(d: Mapping[str, Any], key: str, w: Mapping[str, str]) -> str:
    info = {lp["id"]: lp for lp in d["loops"]}
    items = []
    for p in d.get(key, []):
        loops = [x for x in p["loops"] if x is not None and x in info]
        if not loops:
            continue
        verb = w["dominates"] if len(loops) == 1 else w["alternate"]
        text = "; ".join(_loop_words(info[x], w) for x in loops)
        items.append(f"<li>{p['start']:g}–{p['end']:g} {escape(d.get('unit', ''))}: {escape(text)} {verb}</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def _ensemble(d: Mapping[str, Any], w: Mapping[str, str]) -> str:
    ens = d.get("ensemble")
    if not ens:
        return ""
    rows = "".join(
        f"<tr><td>{p['start']:g}–{p['end']:g}</td><td>"
        + escape(", ".join(f"{k} {v:.0%}" for k, v in list(p["shares"].items())[:5])) + "</td></tr>"
        for p in ens["periods"]
    )  # fmt: skip
    return (f"<h4>{w['ensemble']} ({ens['runs']})</h4><table class='dominance-shares'>"
            f"<tr><th>{w['time']}</th><th></th></tr>{rows}</table>")  # fmt: skip


def _pathways(p: Mapping[str, Any] | None, w: Mapping[str, str]) -> str:
    if not p:
        return ""
    rows = "".join(f"<tr><td>{escape(' → '.join(x['labels']))}</td><td>{x['share']:.0%}</td></tr>"
                   for x in p["paths"][:5])  # fmt: skip
    ko = "".join(f"<li>{escape(c['link'])} {w['knockout']}: −{c['drop_share']:.0%} ({w['path']}: {c['paths_share']:.0%})</li>"
                 for c in p.get("knockout", [])[:5])  # fmt: skip
    return (f"<h4>{w['paths']}</h4><p>{escape(p['sentence'])}.</p><table class='pathways'><tr><th>{w['path']}</th>"
            f"<th>{w['share']}</th></tr>{rows}</table>" + (f"<ul>{ko}</ul>" if ko else ""))  # fmt: skip


def section_html(data: Mapping[str, Any], *, lang: str | None = None, top: int = 6) -> str:
    """The section as an HTML fragment (``<section id="dominance">``), figures embedded."""
    from gmb.views.plots import data_uri

    w = _w(lang)
    parts = [f"<section id='dominance'><h2>{w['title']}</h2><p>{w['read']}</p>"]
    for label, d in (data.get("scenarios") or {}).items():
        fig = plot_loop_scores(d, lang=lang, top=top, title=str(label))
        parts.append(f"<h3>{escape(str(label))}</h3><img alt='{escape(w['rel'])}' src='{data_uri(fig)}'>")
        if not d.get("complete", True):
            parts.append(f"<p><em>{w['incomplete']}</em></p>")
        parts.append(f"<h4>{w['periods']}</h4>" + _periods(d, "periods", w))
        parts.append(f"<h4>{w['map']}</h4>" + _periods(d, "periods_map", w))
        parts.append(_ensemble(d, w) + _pathways(d.get("pathways"), w))
    parts.append("</section>")
    return "".join(parts)


def save(folder: str | Path, data: Mapping[str, Any], *, merge: bool = True) -> Path:
    """Write (or merge into) ``folder/dominance.json``, atomically."""
    import json

    from gmb.files import atomic_write_text

    path = Path(folder) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    current = load(folder) if merge and path.is_file() else {"scenarios": {}}
    current.setdefault("scenarios", {}).update(data.get("scenarios", {}))
    atomic_write_text(path, json.dumps(current, ensure_ascii=False, indent=1) + "\n")
    return path


def load(folder: str | Path) -> dict[str, Any]:
    """``folder/dominance.json`` as saved."""
    from gmb.files import read_json

    return read_json(Path(folder) / FILE)
