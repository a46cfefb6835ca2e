"""The session report: one HTML page a planner can bring to the council.

``write_report(session, out_dir)`` writes ``out_dir/index.html`` (self-contained: the map is
embedded in an ``<iframe srcdoc>`` and figures as ``data:`` PNGs), ``out_dir/map.html`` (the
same map, full screen) and ``out_dir/figures/*.png|svg``. Sections: focus and W0 indicators,
participants by role, the map, themes and stories, key feedback loops, each idea's paths to the
outcome, the conversion's assumptions, scenario results, and a plain-language caveat.

Results of later stages are read, when present, from ``models_dir`` (``models/<name>/``):

``assumptions.json`` / ``assumptions.md``  (``gmb convert NAME``)
    any JSON object, shown as nested lists; the Markdown shown as text.
``behaviour.json``  (``gmb simulate NAME --runs N``)
    ``{"variable": id, "unit": str, "scenarios": {name: {"times": [...], "median": [...],
    "p5", "p25", "p75", "p95": [...]}}}`` — see :class:`gmb.views.plots.Band`.
``ranking.json``  (``gmb rank NAME``)
    ``{"horizon": years, "runs": n, "seed": s, "ideas": [{"idea": id, "median", "low", "high",
    "p_improve", "feasibility", "votes"}]}`` — see :class:`gmb.views.plots.IdeaEffect`
    (feasibility and votes default to the idea bank's).
``attribution.json``  (``gmb attribute NAME --bundle ...``)
    ``{"bundle": [ids], "shares": {id: share}, "interaction": x, "total": y}``.

A missing file gives a section that says what is missing and which command makes it; a file
that cannot be read is named with the reason, and the rest of the report is still written.

Every user string reaches the page through Jinja2 with autoescape on.

>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="<b>Trivsel</b>", variables=(Variable(id="a"), Variable(id="b")),
...             links=(Link(id="L1", cause="a", effect="b", polarity="+"),))
>>> page = report_html(s)
>>> "&lt;b&gt;Trivsel&lt;/b&gt;" in page and "<b>Trivsel</b>" not in page
True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from gmb.cld.lookup import edge_sign
from gmb.cld.loops import Loop
from gmb.errors import GmbError, InputError
from gmb.session.model import Role, Session
from gmb.views.style import figure_word

__all__ = ["REPORT_WORDS", "RESULT_FILES", "ReportFiles", "key_loops", "load_results", "report_html", "write_report"]

#: result files of later stages: key -> (file name in models/<name>/, command that writes it)
RESULT_FILES: dict[str, tuple[str, str]] = {
    "assumptions": ("assumptions.json", "gmb convert {name}"),
    "assumptions_md": ("assumptions.md", "gmb convert {name}"),
    "behaviour": ("behaviour.json", "gmb simulate {name} --runs 1000"),
    "ranking": ("ranking.json", "gmb rank {name}"),
    "attribution": ("attribution.json", "gmb attribute {name} --bundle IDEA,IDEA,..."),
    # leave-one-link-out, read when ranking.json does not carry it (gmb rank does by default)
    "robustness": ("robustness.json", "gmb robustness {name}"),
    "dominance": ("dominance.json", "gmb loops {name} --dominance"),  # section: gmb.views.report_dominance
    "observed": ("observed_attribution.json", "gmb attribute-observed {name}"),  # section: gmb.views.report_observed
}

REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Session report", "caveat_title": "Read this first: the results are exploratory",
        "caveat": "The map is the group's shared picture of what causes what. It is not a proven model. "
                  "The loops and paths below follow from the links people drew; the simulations turn that "
                  "picture into numbers with the assumptions listed in this report. They show what could "
                  "happen if those assumptions hold — they are not predictions and not evidence that an idea "
                  "works. Use them to discuss, to choose what to try, and to decide what to measure.",
        "focus": "Focus and starting point", "focus_q": "Focus question", "place": "Place", "dates": "Dates",
        "outcome": "Outcome", "indicators": "W0 indicators (the data the group saw)", "indicator": "Indicator",
        "value": "Value", "comparison": "Comparison", "source": "Source", "stages": "Workshops",
        "participants": "Participants by role", "map": "The map", "open_map": "Open the map full screen (map.html)",
        "themes": "Themes and stories", "variables": "Variables", "stories": "Stories",
        "other_stories": "Other stories",
        "by": "told by", "loops": "Key feedback loops", "loops_found": "{n} loops of up to {k} links: {r} reinforcing, "
        "{b} balancing, {u} with a link of unknown sign.", "loops_truncated": "The list stopped at {n} loops; "
        "longer or further loops exist.", "no_loops": "No feedback loops of up to {k} links.",
        "polarity": "Type", "length": "Links", "loop": "Loop", "show_loop": "Show it on the map",
        "ideas": "Ideas and their paths to the outcome", "idea": "Idea", "acts_on": "Acts on", "votes": "Votes",
        "feasibility": "Feasibility", "working_group": "Working group", "verdict": "Along the map",
        "paths": "paths", "no_ideas": "The idea bank is empty.", "assumptions": "Assumptions of the conversion",
        "scenarios": "Scenario results", "behaviour": "Behaviour over time", "ranking": "Ideas ranked",
        "attribution": "Who contributed what: attribution of the bundle", "missing": "Not available yet",
        "missing_text": "{what} is missing ({file}). Run: {cmd}", "unreadable": "Could not read {file}: {why}",
        "no_robustness": "Which single links the verdicts rest on is not in this ranking; run {cmd} again (it "
                         "checks them by default) or {cmd2}.",
        "positive": "raises the outcome", "negative": "lowers the outcome", "mixed": "mixed: some paths raise it, "
        "some lower it", "unknown": "unknown: a path has a link with no sign", "no path": "no path to the outcome",
        "no outcome": "the map has no outcome variable", "none": "—", "R": "reinforcing (R)", "B": "balancing (B)",
        "unsigned": "sign unknown", "generated": "Made with gmb", "horizon": "horizon", "runs": "runs", "seed": "seed",
        "more_paths": "{n} more paths",
        "path_counts": "{r} paths of up to {k} links raise it, {l} lower it, {u} unknown",
        "paths_stopped": "the search stopped before it found them all",
        "no_theme": "no theme", "all_loops": "all loops", "n_loops": "number of loops",
        "total": "total", "facilitator": "facilitators", "modeller": "modellers", "recorder": "recorders",
        "participant": "participants", "resource_person": "resource persons",
    },
    "da": {
        "report": "Rapport", "caveat_title": "Læs dette først: resultaterne er udforskende",
        "caveat": "Kortet er gruppens fælles billede af, hvad der påvirker hvad. Det er ikke en bevist model. "
                  "Sløjferne og vejene nedenfor følger af de pile, deltagerne tegnede; simuleringerne gør "
                  "billedet til tal med de antagelser, som rapporten viser. De viser, hvad der kunne ske, hvis "
                  "antagelserne holder — de er ikke forudsigelser og ikke bevis for, at en idé virker. Brug dem "
                  "til at drøfte, til at vælge hvad der skal afprøves, og til at beslutte hvad der skal måles.",
        "focus": "Fokus og udgangspunkt", "focus_q": "Fokusspørgsmål", "place": "Sted", "dates": "Datoer",
        "outcome": "Mål", "indicators": "W0-indikatorer (de data gruppen så)", "indicator": "Indikator",
        "value": "Værdi", "comparison": "Sammenligning", "source": "Kilde", "stages": "Workshops",
        "participants": "Deltagere efter rolle", "map": "Kortet", "open_map": "Åbn kortet i fuld skærm (map.html)",
        "themes": "Temaer og fortællinger", "variables": "Variable", "stories": "Fortællinger",
        "other_stories": "Andre fortællinger", "by": "fortalt af", "loops": "Vigtige feedback-sløjfer",
        "loops_found": "{n} sløjfer med op til {k} pile: {r} forstærkende, {b} balancerende, {u} med en pil "
        "med ukendt fortegn.", "loops_truncated": "Listen stoppede ved {n} sløjfer; der findes flere.",
        "no_loops": "Ingen feedback-sløjfer med op til {k} pile.", "polarity": "Type", "length": "Pile",
        "loop": "Sløjfe", "show_loop": "Vis den på kortet", "ideas": "Idéer og deres veje til målet",
        "idea": "Idé", "acts_on": "Virker på", "votes": "Stemmer", "feasibility": "Gennemførlighed",
        "working_group": "Arbejdsgruppe", "verdict": "Ifølge kortet", "paths": "veje",
        "no_ideas": "Idébanken er tom.", "assumptions": "Antagelser i omsætningen til en model",
        "scenarios": "Resultater af scenarier", "behaviour": "Udvikling over tid", "ranking": "Idéer rangeret",
        "attribution": "Hvem bidrog med hvad: fordeling af pakkens virkning", "missing": "Ikke tilgængelig endnu",
        "missing_text": "{what} mangler ({file}). Kør: {cmd}", "unreadable": "Kunne ikke læse {file}: {why}",
        "no_robustness": "Hvilke enkelte forbindelser dommene hviler på, står ikke i denne rangering; kør {cmd} igen "
                         "(den tjekker dem som standard) eller {cmd2}.",
        "positive": "hæver målet", "negative": "sænker målet", "mixed": "blandet: nogle veje hæver, andre sænker",
        "unknown": "ukendt: en vej har en pil uden fortegn", "no path": "ingen vej til målet",
        "no outcome": "kortet har ingen målvariabel", "none": "—", "R": "forstærkende (R)",
        "B": "balancerende (B)", "unsigned": "fortegn ukendt", "generated": "Lavet med gmb", "horizon": "horisont",
        "runs": "kørsler", "seed": "seed", "more_paths": "{n} veje mere",
        "path_counts": "{r} veje med op til {k} pile hæver, {l} sænker, {u} ukendt",
        "paths_stopped": "søgningen stoppede, før den fandt dem alle", "no_theme": "intet tema",
        "all_loops": "alle sløjfer", "n_loops": "antal sløjfer", "total": "i alt", "facilitator": "facilitatorer",
        "modeller": "modellører", "recorder": "referenter", "participant": "deltagere",
        "resource_person": "ressourcepersoner",
    },
}  # fmt: skip

_ROLE_ORDER = [r.value for r in Role]
# Bounds that keep the report quick on any map; the page says when one cut a list short.
_MAX_LOOPS = 2000  # loops counted and ranked
_LOOP_SECONDS = 5.0  # for the loop search
_PATH_CUTOFF = 6  # links on an idea's path to the outcome
_MAX_FOUND_PATHS = 2000  # per target of an idea
_PATH_SECONDS = 5.0  # for all the ideas' path searches together
_MAX_PATHS = 40  # paths shown per idea, the shortest first
_KEY_LOOPS = 12  # loops shown in the table
_VERDICT_WORD = {"none": "no path"}  # gmb.cld's verdict -> the report's word key, where they differ
_EFFECT_CLASS = {"+": "up", "-": "down", "?": "unk"}  # a path's effect on the outcome -> its CSS class


@dataclass
class ReportFiles:
    """What :func:`write_report` wrote, what it could not show, and why."""

    index: Path
    map: Path
    figures: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # result keys with no file yet
    problems: list[str] = field(default_factory=list)  # files that exist but could not be used


def _w(lang: str | None) -> dict[str, str]:
    return REPORT_WORDS.get(lang or "en", REPORT_WORDS["en"])


# -- results of later stages ------------------------------------------------------------
def load_results(models_dir: str | Path | None) -> dict[str, Any]:
    """Read whichever result files exist in ``models_dir``; ``{"problems": {key: message}}`` for bad ones."""
    from gmb.files import read_json, read_text

    out: dict[str, Any] = {"problems": {}}
    if models_dir is None:
        return out
    models_dir = Path(models_dir)
    for key, (fname, _) in RESULT_FILES.items():
        path = models_dir / fname
        if not path.is_file():
            continue
        try:
            out[key] = read_text(path) if fname.endswith(".md") else read_json(path)
        except GmbError as exc:
            out["problems"][key] = str(exc)
    return out


# -- building the page -------------------------------------------------------------------
def report_html(
    session: Session,
    *,
    lang: str | None = None,
    results: Mapping[str, Any] | None = None,
    name: str | None = None,
    map_page: str | None = None,
    loop_max_length: int = 8,
) -> str:
    """The report page as a string (nothing written). ``map_page`` is the map HTML to embed (made if None)."""
    ctx, _ = _context(
        session, lang=lang, results=results, name=name, map_page=map_page, loop_max_length=loop_max_length
    )
    from gmb.views.map import _template

    return _template("report.html.j2").render(**ctx)


def write_report(
    session: Session,
    out_dir: str | Path,
    *,
    models_dir: str | Path | None = None,
    lang: str | None = None,
    name: str | None = None,
    loop_max_length: int = 8,
) -> ReportFiles:
    """Write ``index.html``, ``map.html`` and ``figures/`` into ``out_dir``; returns what was written.

    The report shows what exists: the map and loops always, the model's behaviour, ranking and
    attribution once ``gmb model``/``gmb rank``/``gmb attribute`` have written their results.

    Parameters
    ----------
    session : gmb.session.Session
        The workshop record.
    out_dir : str or pathlib.Path
        The report folder (created if missing).
    models_dir : str or pathlib.Path, optional
        Where the session's model folder and results are (default: ``models/``).
    lang : str, optional
        Language of the labels and text.
    name : str, optional
        The session's name (its model folder's name).
    loop_max_length : int, optional
        Longest loop listed, in links (default 8).

    Returns
    -------
    ReportFiles
        ``index``, ``map``, ``figures``, the results still ``missing`` and ``problems`` with files
        that exist but could not be used.

    Examples
    --------
    >>> import gmb
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> files = write_report(gmb.load_example("havndal"), folder / "report")
    >>> files.index.name, files.map.name, "ranking" in files.missing
    ('index.html', 'map.html', True)
    """
    from gmb.views.map import map_html
    from gmb.views.plots import save_figure
    from gmb.views.publish import write_public_text

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("the report folder is a file", file=str(out_dir))
    lang = _lang(session, lang)
    G = _graph(session)
    people = {p.id: p.name for p in session.participants}
    page = map_html(G, lang=lang, ideas=True, people=people)
    results = load_results(models_dir)
    ctx, figures = _context(
        session, lang=lang, results=results, name=name, map_page=page, G=G, loop_max_length=loop_max_length
    )
    from gmb.views.map import _template

    html = _template("report.html.j2").render(**ctx)
    saved: list[Path] = []
    for stem, fig in figures.items():
        saved += save_figure(fig, out_dir / "figures" / stem)
    map_path = out_dir / "map.html"
    write_public_text(map_path, page)
    index = out_dir / "index.html"
    write_public_text(index, html)  # last, so an index.html always comes with its map
    return ReportFiles(
        index=index, map=map_path, figures=saved, missing=[m["key"] for m in ctx["missing"]],
        problems=[p["text"] for p in ctx["problems"]],
    )  # fmt: skip


def _lang(session: Session, lang: str | None) -> str | None:
    from gmb.views.map import _check_lang

    return _check_lang(lang, list(session.languages))


def _graph(session: Session):
    from gmb.cld import to_graph

    return to_graph(session)


def _context(session, *, lang, results, name, map_page, loop_max_length, G=None):
    """The template's values and the figures to embed: (context, {stem: Figure})."""
    from gmb.views.map import map_html
    from gmb.views.plots import data_uri

    lang = _lang(session, lang)
    words = _w(lang)
    G = G if G is not None else _graph(session)
    people = {p.id: p.name for p in session.participants}
    if map_page is None:
        map_page = map_html(G, lang=lang, ideas=True, people=people)
    results = dict(results or {})
    cmd_name = name or "NAME"
    names = {v.id: v.label(lang) for v in session.variables}
    theme_names = {t.id: t.label(lang) for t in session.themes}
    figures: dict[str, Any] = {}
    images: dict[str, str] = {}

    loops, loop_figure = _loops_section(G, session, words, names, theme_names, cmd_name, loop_max_length, lang)
    if loop_figure is not None:
        figures["loops"] = loop_figure
        images["loops"] = data_uri(loop_figure)
    ideas = _ideas_section(G, session, words, names, lang)

    # results of later stages
    missing, problems, scenario = [], [], {}
    what = {"assumptions": words["assumptions"], "behaviour": words["behaviour"], "ranking": words["ranking"],
            "attribution": words["attribution"]}  # fmt: skip
    for key, message in (results.get("problems") or {}).items():
        problems.append({"key": key, "text": words["unreadable"].format(file=RESULT_FILES[key][0], why=message)})
    for key in ("assumptions", "behaviour", "ranking", "attribution"):
        if key not in results and key not in (results.get("problems") or {}):
            if key == "assumptions" and "assumptions_md" in results:
                continue
            fname, cmd = RESULT_FILES[key]
            missing.append({"key": key, "section": "assumptions" if key == "assumptions" else "scenarios",
                            "text": words["missing_text"].format(what=what[key], file=f"models/{cmd_name}/{fname}",
                                                                  cmd=cmd.format(name=cmd_name))})  # fmt: skip
    for key, build in (("behaviour", _behaviour_figure), ("ranking", _ranking_figure),
                       ("attribution", _attribution_figure)):  # fmt: skip
        if key in results:
            try:
                fig, meta = build(results[key], session, lang, words)
            except (GmbError, KeyError, TypeError, ValueError, AttributeError) as exc:
                problems.append(
                    {"key": key, "text": words["unreadable"].format(file=RESULT_FILES[key][0], why=str(exc))}
                )
                continue
            figures[key] = fig
            images[key] = data_uri(fig)
            scenario[key] = meta

    from gmb.views.report_scenarios import ranking_with_robustness, scenario_text

    shown = {k: results[k] for k in ("behaviour", "ranking", "attribution") if k in scenario}
    if "ranking" in shown:
        try:
            shown["ranking"] = ranking_with_robustness(shown["ranking"], results.get("robustness"))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a hand-edited robustness.json: say so
            problems.append({"key": "ranking", "text": words["unreadable"].format(file="robustness.json",
                                                                                  why=repr(exc))})  # fmt: skip
    idea_names = {i.id: i.label(lang) for i in session.ideas}
    try:
        texts = scenario_text(shown, lang, {i["id"]: i["verdict_key"] for i in ideas}, idea_names)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # an older or hand-edited file: say so
        texts = {}
        problems.append({"key": "ranking", "text": words["unreadable"].format(file="ranking.json", why=str(exc))})
    if "ranking" in shown and "robustness" not in shown["ranking"] and texts.get("ranking"):
        texts["ranking"].append(words["no_robustness"].format(cmd=f"gmb rank {cmd_name}",
                                                              cmd2=f"gmb robustness {cmd_name}"))  # fmt: skip

    participants = []
    for role in _ROLE_ORDER:
        members = [p for p in session.participants if getattr(p.role, "value", p.role) == role]
        if members:
            participants.append({"role": words[role], "people": [
                {"name": p.name, "title": p.title, "organisation": p.organisation} for p in members]})  # fmt: skip

    themes = []
    for th in session.themes:
        themes.append({
            "label": th.label(lang), "description": th.description,
            "variables": [names[v.id] for v in session.variables if th.id in v.themes],
            "stories": [_story(s, people, names) for s in session.stories if s.theme == th.id],
        })  # fmt: skip
    known = {t.id for t in session.themes}
    other_stories = [_story(s, people, names) for s in session.stories if s.theme not in known]

    outcome = session.outcome_variable
    ctx = {
        "lang": lang or "en",
        "w": words,
        "s": {
            "title": session.title, "place": session.place, "focus": session.focus,
            "dates": ", ".join(d.isoformat() for d in session.dates),
            "outcome": names.get(outcome, "") if outcome else "",
        },
        "indicators": [
            {"name": i.name, "value": "" if i.value is None else f"{i.value} {i.unit}".strip(),
             "comparison": i.comparison, "source": i.source} for i in session.indicators
        ],
        "stages": [{"id": st.id, "title": st.title, "date": st.date.isoformat() if st.date else "",
                    "purpose": st.purpose} for st in session.stages],
        "participants": participants,
        "map_page": map_page,
        "themes": themes,
        "other_stories": other_stories,
        "loops": loops,
        "ideas": ideas,
        "assumptions": results.get("assumptions"),
        "assumptions_md": results.get("assumptions_md"),
        "scenario": scenario,
        "scenario_text": texts,
        "images": images,
        "missing": missing,
        "problems": problems,
        "dominance_html": _section_html(results.get("dominance"), lang, problems, "dominance",
                                        "gmb.views.report_dominance"),
        "observed_html": _section_html(results.get("observed"), lang, problems, "observed",
                                       "gmb.views.report_observed"),
    }  # fmt: skip
    return ctx, figures


def _section_html(data, lang, problems, key: str, module: str) -> str:
    """An optional section (escaped HTML) from ``module``'s ``section_html``, empty without its results file.

    Used for "Which loops drive it" (``dominance.json``) and "What made the difference"
    (``observed_attribution.json``); a malformed file is reported among the problems, not raised.
    """
    if not data:
        return ""
    from importlib import import_module

    try:
        return import_module(module).section_html(data, lang=lang)
    except (KeyError, TypeError, ValueError) as exc:
        problems.append({"key": key, "text": f"{RESULT_FILES[key][0]}: {exc}"})
        return ""


def key_loops(G: nx.DiGraph, loops: Iterable[Loop], *, count: int = _KEY_LOOPS) -> list[Loop]:
    """The loops to show first: through the outcome, then through an idea's target, then short
    and well supported (most supporters summed over the loop's links); ties keep ``loops``' order.

    >>> from gmb.cld import find_loops
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "b")], outcome="d")
    >>> [loop.variables for loop in key_loops(G, find_loops(G).loops)]
    [('b', 'c', 'd'), ('a', 'b')]
    """
    outcome = G.graph.get("outcome")
    targets = {t.get("variable") for idea in (G.graph.get("ideas") or {}).values() for t in idea.get("targets") or []}

    def support(loop: Loop) -> int:
        vs = loop.variables
        return sum(int(G.edges[u, v].get("support") or 0) for u, v in zip(vs, (*vs[1:], vs[0])))

    def key(loop: Loop) -> tuple:
        vs = set(loop.variables)
        return (outcome not in vs, not (vs & targets), loop.length, -support(loop))

    return sorted(loops, key=key)[:count]


def _loops_section(G, session, words, names, theme_names, cmd_name, max_length, lang):
    """The loops section's values, and the loop-count figure (None without loops)."""
    from gmb.cld import find_loops, name_loops

    found = name_loops(
        find_loops(G, max_length=max_length, max_count=_MAX_LOOPS, time_limit=_LOOP_SECONDS, lang=lang),
        session.stories,
    )
    shown = []
    for loop in key_loops(G, found.loops):
        shown.append({
            "polarity": loop.polarity, "kind": words[loop.polarity], "length": loop.length, "name": loop.name or "",
            "text": " → ".join(names.get(v, v) for v in (*loop.variables, loop.variables[0])),
            "themes": ", ".join(theme_names.get(t, t) for t in loop.themes),
            "command": f"gmb map {cmd_name} --highlight-loop {','.join(loop.variables)}",
        })  # fmt: skip
    n, r, b, u = found.count, found.reinforcing, found.balancing, found.unsigned
    section = {
        "shown": shown, "total": n, "complete": found.complete,
        "summary": words["loops_found"].format(n=n, k=max_length, r=r, b=b, u=u) if n
        else words["no_loops"].format(k=max_length),
        "truncated": "" if found.complete else words["loops_truncated"].format(n=n),
    }  # fmt: skip
    if not n:
        return section, None
    from gmb.views.plots import plot_loop_counts

    fig = plot_loop_counts(
        [{"polarity": loop.polarity, "themes": loop.themes} for loop in found.loops], theme_labels=theme_names,
        title=words["loops"], no_theme=words["no_theme"], all_loops=words["all_loops"], ylabel=words["n_loops"],
        polarity_labels={"R": words["R"], "B": words["B"], "?": words["unsigned"]},
    )  # fmt: skip
    return section, fig


def _ideas_section(G, session, words, names, lang) -> list[dict[str, Any]]:
    """Each idea (most votes first) with its verdict along the map and its shortest paths to the outcome."""
    from gmb.cld import idea_paths

    has_outcome = G.graph.get("outcome") in G
    # one time budget for all ideas, shared out by target (as gmb analyse does)
    per_target = _PATH_SECONDS / max(1, sum(len(i.targets) for i in session.ideas))
    ideas = []
    for idea in sorted(session.ideas, key=lambda i: (-len(i.votes), i.id)):
        lines, counts_text, verdict = [], "", "no outcome"
        if has_outcome:
            found = idea_paths(G, idea.id, lang=lang, cutoff=_PATH_CUTOFF, max_paths=_MAX_FOUND_PATHS,
                               time_limit=per_target)  # fmt: skip
            verdict = _VERDICT_WORD.get(found.verdict, found.verdict)
            every = sorted(
                ((p, e) for t in found.targets for p, e in zip(t.paths, t.effects)), key=lambda x: x[0].length
            )
            lines = [
                {"text": _path_text(G, p.variables, names), "effect": _EFFECT_CLASS[e]} for p, e in every[:_MAX_PATHS]
            ]
            if every:
                c = found.counts()
                counts_text = words["path_counts"].format(r=c["+"], l=c["-"], u=c["?"], k=_PATH_CUTOFF)
                if any(t.stopped_by in ("time limit", "max paths") for t in found.targets):
                    counts_text += f"; {words['paths_stopped']}"
        ideas.append({
            "id": idea.id, "label": idea.label(lang), "description": idea.description,
            "targets": ", ".join(f"{names.get(t.variable, t.variable)} ({t.direction})" for t in idea.targets),
            "votes": len(idea.votes), "feasibility": "" if idea.feasibility is None else f"{idea.feasibility:g}/5",
            "working_group": idea.working_group or "", "verdict": words[verdict], "verdict_key": verdict,
            "paths": lines[:3], "more": lines[3:], "counts": counts_text,
            "more_text": words["more_paths"].format(n=len(lines) - 3),
        })  # fmt: skip
    return ideas


def _path_text(G, nodes, names) -> str:
    parts = [names.get(nodes[0], str(nodes[0]))]
    for u, v in itertools.pairwise(nodes):
        sign = {1: "+", -1: "−", 0: "?"}[edge_sign(G, u, v)]  # a true minus sign in running text
        parts.append(f"({sign}) {names.get(v, str(v))}")
    return " → ".join(parts)


def _story(story, people, names) -> dict[str, Any]:
    return {
        "title": story.title, "text": story.text, "author": people.get(story.author, story.author or ""),
        "variables": ", ".join(names.get(v, v) for v in story.variables),
    }  # fmt: skip


def _idea_name(session: Session, idea_id: str, lang) -> str:
    try:
        return session.idea(idea_id).label(lang)
    except GmbError:
        return str(idea_id)


def _behaviour_figure(data, session, lang, words):
    from gmb.views.plots import Band, plot_behaviour

    if not isinstance(data, Mapping) or not isinstance(data.get("scenarios"), Mapping):
        raise InputError("expected an object with 'scenarios'", field="scenarios")
    var = data.get("variable")
    label = next((v.label(lang) for v in session.variables if v.id == var), str(var or ""))
    bands = {}
    for name, s in data["scenarios"].items():
        bands[_idea_name(session, name, lang) if name in {i.id for i in session.ideas} else str(name)] = Band(
            times=s["times"], median=s["median"], p5=s.get("p5"), p25=s.get("p25"), p75=s.get("p75"), p95=s.get("p95")
        )
    unit = data.get("unit") or ""
    # ``unit`` is the model's time unit; the variable is an index (1 = baseline); axis words in the report's language
    from gmb.views.report_scenarios import AFTER_HORIZON

    horizon = data.get("horizon")
    unit = figure_word(lang, str(unit)) if unit else ""
    fig = plot_behaviour(
        bands, title=words["behaviour"], ylabel=figure_word(lang, "index", label=label), baseline=1.0,
        xlabel=figure_word(lang, "time_in", unit=unit) if unit else figure_word(lang, "time"), lang=lang,
        horizon=float(horizon) if horizon is not None else None,
        after_horizon=AFTER_HORIZON.get(lang or "en", AFTER_HORIZON["en"]),
    )  # fmt: skip
    return fig, {"variable": label}


def _ranking_figure(data, session, lang, words):
    from gmb.views.plots import IdeaEffect, plot_idea_ranking

    if not isinstance(data, Mapping) or not isinstance(data.get("ideas"), list):
        raise InputError("expected an object with a list 'ideas'", field="ideas")
    rows = []
    for i, row in enumerate(data["ideas"]):
        idea_id = row.get("idea")
        bank = next((x for x in session.ideas if x.id == idea_id), None)
        merged = {
            "feasibility": bank.feasibility if bank else None, "votes": len(bank.votes) if bank else 0,
            **{k: v for k, v in row.items() if v is not None}, "idea": _idea_name(session, idea_id, lang),
        }  # fmt: skip
        rows.append(IdeaEffect.coerce(merged, f"ideas[{i}]"))
    meta = {k: data.get(k) for k in ("horizon", "runs", "seed") if data.get(k) is not None}
    return plot_idea_ranking(rows, title=words["ranking"], lang=lang), meta


def _attribution_figure(data, session, lang, words):
    from gmb.views.plots import plot_attribution

    if not isinstance(data, Mapping) or not isinstance(data.get("shares"), Mapping):
        raise InputError("expected an object with 'shares'", field="shares")
    shares = {_idea_name(session, k, lang): float(v) for k, v in data["shares"].items()}
    interaction = float(data.get("interaction") or 0.0)
    total = sum(shares.values()) + interaction
    fig = plot_attribution(
        shares, interaction, title=f"{words['attribution']} ({words['total']} {total:.3g})", lang=lang
    )
    return fig, {"bundle": ", ".join(_idea_name(session, b, lang) for b in data.get("bundle") or data["shares"])}
