"""Map stories ("presentations"): a map told step by step on the projector, and its offline page.

A :class:`~gmb.session.model.Presentation` is an ordered list of steps; each shows some variables and
links of the map (the rest faded), highlights a loop or a path, and has a caption per language.
:func:`draft` writes one from the analysis — the focus and the outcome, then each named loop (a loop a
W2 story tells), then each idea's main path to the outcome with its simulated effect when
``ranking.json`` (``gmb rank``) is there. :func:`story_html` renders one self-contained page (vis-network
inlined as in :mod:`gmb.views.map`) that plays the steps with the ← → keys and buttons. Captions and
labels go into the page as JSON and are shown with ``textContent``: text, never markup.

>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="T", focus="Trivsel", outcome="b", languages=("da", "en"),
...             variables=(Variable(id="a", labels={"en": "A"}), Variable(id="b", labels={"en": "B"})),
...             links=(Link(id="L1", cause="a", effect="b", polarity="+"), Link(id="L2", cause="b", effect="a", polarity="+")))
>>> p = draft(s)
>>> [step.title["en"] for step in p.steps]
['Focus and outcome', 'Reinforcing loop R1']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gmb.errors import NotFoundError
from gmb.session.model import Presentation, PresentationStep, Session

__all__ = ["AUTO_ID", "draft", "find_presentation", "main_path", "player_js", "story_data", "story_html", "write_story"]

#: the id of the drafted presentation (gmb story --auto replaces it each time)
AUTO_ID = "auto"
#: this many of the shortest loops when no W2 story tells or includes a loop
_UNNAMED_LOOPS = 3
_LANGS = ("da", "en")

_T = {
    "focus_title": {"da": "Fokus og udfald", "en": "Focus and outcome"},
    "focus": {"da": "Fokus: {focus}. Udfaldet vi ser på: {outcome}.",
              "en": "Focus: {focus}. The outcome we look at: {outcome}."},
    "no_focus": {"da": "Udfaldet vi ser på: {outcome}.", "en": "The outcome we look at: {outcome}."},
    "R": {"da": "Forstærkende løkke", "en": "Reinforcing loop"},
    "B": {"da": "Balancerende løkke", "en": "Balancing loop"},
    "unsigned": {"da": "Løkke (fortegn ukendt)", "en": "Loop (sign unknown)"},
    "loop": {"da": "{kind} {id}: {chain} → {first}.", "en": "{kind} {id}: {chain} → {first}."},
    "told": {"da": " Fortalt i: {stories}.", "en": " Told in: {stories}."},
    "idea_title": {"da": "Idé: {idea}", "en": "Idea: {idea}"},
    "path": {"da": "Hovedvej til udfaldet: {chain} (vejens fortegn {sign}).",
             "en": "Main path to the outcome: {chain} (the path's sign {sign})."},
    "no_path": {"da": "Ingen vej fra idéens mål til udfaldet på kortet.",
                "en": "No path from the idea's targets to the outcome on the map."},
    "effect": {"da": " Simuleret effekt efter {h:g} {unit}: median {m:+.3f} (90 %-interval {lo:+.3f} til {hi:+.3f}), "
                     "P(forbedrer) {p:.0%}, {runs} kørsler. Udforskende: hvad kortet antyder under antagelserne, "
                     "ikke en forudsigelse.",
               "en": " Simulated effect after {h:g} {unit}: median {m:+.3f} (90 % interval {lo:+.3f} to {hi:+.3f}), "
                     "P(improves) {p:.0%}, {runs} runs. Exploratory: what the map implies under its assumptions, "
                     "not a prediction."},
}  # fmt: skip


def _label(session: Session, var: str, lang: str) -> str:
    return session.variable(var).label(lang)


def _both(key: str, **fmt: Any) -> dict[str, str]:
    """Text ``key`` in Danish and English; values given per language as {lang: value} are picked per language."""
    return {L: _T[key][L].format(**{k: (v[L] if isinstance(v, dict) else v) for k, v in fmt.items()}) for L in _LANGS}


def _chain(session: Session, variables, lang_labels: bool = True) -> dict[str, str]:
    return {L: " → ".join(_label(session, v, L) for v in variables) for L in _LANGS}


def draft(session: Session, ranking: Mapping[str, Any] | None = None, *, time_limit: float = 5.0) -> Presentation:
    """A presentation drafted from the analysis (see the module docstring); ``ranking`` is ``ranking.json``."""
    from gmb.cld import to_graph
    from gmb.cld.loops import find_loops, name_loops

    G = to_graph(session)
    steps: list[PresentationStep] = []
    outcome = session.outcome_variable
    if outcome is not None:
        name = {L: _label(session, outcome, L) for L in _LANGS}
        caption = (
            _both("focus", focus=session.focus, outcome=name) if session.focus else _both("no_focus", outcome=name)
        )
        steps.append(PresentationStep(title=dict(_T["focus_title"]), captions=caption, variables=(outcome,)))
    loops = name_loops(find_loops(G, time_limit=time_limit), session.stories).loops
    # key loops: those a W2 story names (tells exactly), else those the stories tell, else the shortest few
    key = [loop for loop in loops if loop.name] or [loop for loop in loops if loop.stories] or loops[:_UNNAMED_LOOPS]
    for loop in key:
        kind = _T[loop.polarity] if loop.polarity in _T else _T["unsigned"]
        chain = _chain(session, loop.variables)
        first = {L: _label(session, loop.variables[0], L) for L in _LANGS}
        title = {L: loop.name or f"{kind[L]} {loop.id}" for L in _LANGS}
        caption = _both("loop", kind=kind, id=loop.id, chain=chain, first=first)
        if loop.stories:
            told = _both("told", stories="; ".join(loop.stories))
            caption = {L: caption[L] + told[L] for L in _LANGS}
        steps.append(PresentationStep(
            title=title, captions=caption,
            variables=loop.variables, links=loop.links, loop=loop.variables,
        ))  # fmt: skip
    effects = {
        row["idea"]: row for row in (ranking or {}).get("ideas") or [] if isinstance(row, dict) and "idea" in row
    }
    if outcome is not None:
        for idea in session.ideas:
            if not idea.targets:
                continue
            main = main_path(G, idea.id, time_limit=time_limit)
            names = {L: idea.label(L) for L in _LANGS}
            if main is not None:
                caption = _both("path", chain=_chain(session, main.variables), sign=main.sign)
                variables, links, path = main.variables, main.links, main.variables
            else:
                caption, variables, links, path = _both("no_path"), tuple(t.variable for t in idea.targets), (), ()
            row = effects.get(idea.id)
            if row is not None and all(k in row for k in ("median", "p5", "p95")):
                p = row.get("p_improves", row.get("p_improve"))
                extra = _both(
                    "effect",
                    h=float(ranking.get("horizon") or 0),
                    unit=str(ranking.get("unit") or ""),
                    m=row["median"],
                    lo=row["p5"],
                    hi=row["p95"],
                    p=float(p or 0),
                    runs=ranking.get("runs"),
                )
                caption = {L: caption[L] + extra[L] for L in _LANGS}
            steps.append(PresentationStep(title=_both("idea_title", idea=names), captions=caption,
                                          variables=variables, links=links, path=path))  # fmt: skip
    title = {L: f"{session.title}" for L in _LANGS}
    return Presentation(id=AUTO_ID, title=title, steps=tuple(steps), source="auto")


def main_path(G: Any, idea: str, *, time_limit: float = 5.0) -> Any:
    """The idea's main path to the outcome: the first shortest one found (``.variables``, ``.links``,
    ``.sign``), or None when no path leads from its targets to the outcome."""
    from gmb.cld.paths import idea_paths

    found = idea_paths(G, idea, time_limit=time_limit)
    paths = sorted(found.paths, key=lambda p: p.length)  # stable: the first shortest path found
    return paths[0] if paths else None


def find_presentation(session: Session, pid: str) -> Presentation:
    """The session's presentation ``pid`` (NotFoundError naming the known ones)."""
    for p in session.presentations:
        if p.id == pid:
            return p
    known = ", ".join(p.id for p in session.presentations) or "none yet"
    raise NotFoundError(f"no presentation '{pid}'", field="presentation",
                        hint=f"known: {known}; draft one with gmb story NAME --auto")  # fmt: skip


def _text(labels: Mapping[str, str], lang: str) -> str:
    return labels.get(lang) or next(iter(labels.values()), "")


def story_data(session: Session, presentation: Presentation, *, lang: str = "da",
               results: list[dict | None] | None = None) -> dict[str, Any]:  # fmt: skip
    """What the page needs: the map (:func:`gmb.views.map.map_data`) and the steps in ``lang``.

    Each step carries its what-if setting (``whatif``, or None) and, when ``results`` is given (from
    :func:`gmb.views.story_whatif.step_results`), its precomputed fan chart and effects (``result``).
    """
    from gmb.cld import to_graph
    from gmb.views.map import map_data

    G = to_graph(session)
    map_lang = lang if lang in (G.graph.get("languages") or []) else None
    data = map_data(G, lang=map_lang)
    for item in (*data["nodes"], *data["edges"]):
        item.pop("titles", None)  # the page shows captions, not tooltips in every language
    steps = []
    for i, step in enumerate(presentation.steps):
        shown = {*step.variables, *step.loop, *step.path}
        setting = step.whatif.model_dump(mode="json") if step.whatif is not None else None
        steps.append({"title": _text(step.title, lang), "caption": _text(step.captions, lang),
                      "nodes": sorted(shown), "edges": list(step.links), "whatif": setting,
                      "result": results[i] if results else None})  # fmt: skip
    return {"map": data, "steps": steps, "title": _text(presentation.title, lang) or session.title, "lang": lang}


def player_js() -> str:
    """``static/story_play.js``: the step player the offline page inlines and ``gmb serve`` serves."""
    from importlib import resources

    return (resources.files("gmb.views") / "static" / "story_play.js").read_text(encoding="utf-8")


def story_html(session: Session, presentation: Presentation, *, lang: str = "da") -> str:
    """The presentation as one self-contained HTML page that plays offline (← → keys, buttons).

    A step with a what-if setting gets its fan chart and effects computed now
    (:func:`gmb.views.story_whatif.step_results`) and embedded as data.
    """
    from gmb.views import style
    from gmb.views.map import _template, _vis_js
    from gmb.views.story_whatif import step_results

    results = step_results(session, presentation, lang=lang)
    data = story_data(session, presentation, lang=lang, results=results)
    return _template("story.html.j2").render(
        data=data, title=data["title"], lang=lang, vis_js=_vis_js(), visual_js=style.visual_js(), player_js=player_js()
    )


def write_story(session: Session, presentation: Presentation, path: str | Path, *, lang: str = "da") -> Path:
    """Write :func:`story_html` atomically to ``path``."""
    from gmb.errors import InputError
    from gmb.views.publish import write_public_text

    path = Path(path)
    if path.is_dir():
        raise InputError("the output path is a folder; give a file name such as story.html", file=str(path))
    write_public_text(path, story_html(session, presentation, lang=lang))
    return path
