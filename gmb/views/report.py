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

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gmb.errors import GmbError, InputError
from gmb.session.model import Session
from gmb.views.report_figures import _attribution_figure, _behaviour_figure, _ranking_figure
from gmb.views.report_sections import (
    _ideas_section,
    _loops_section,
    _participants,
    _themes,
    key_loops,
)
from gmb.views.report_words import REPORT_WORDS

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
    missing, problems = _missing_results(results, words, cmd_name)
    scenario = _result_figures(results, session, lang, words, problems, figures, images)
    texts = _scenario_texts(results, scenario, ideas, session, lang, words, problems, cmd_name)
    themes, other_stories = _themes(session, lang, names, people)

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
        "participants": _participants(session, words),
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
        "saved_html": _section_html((results.get("ranking") or {}).get("saved_scenarios"), lang, problems, "ranking",
                                    "gmb.views.report_saved"),
    }  # fmt: skip
    return ctx, figures


def _missing_results(results, words, cmd_name) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(results not made yet, with the command that makes them; result files that could not be read)."""
    missing, problems = [], []
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
    return missing, problems


def _result_figures(results, session, lang, words, problems, figures, images) -> dict[str, Any]:
    """Draw the behaviour, ranking and attribution figures into ``figures``/``images``; their page values.

    A file that cannot be drawn is added to ``problems`` (named, with the reason) and skipped.
    """
    from gmb.views.plots import data_uri

    scenario = {}
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
    return scenario


def _scenario_texts(results, scenario, ideas, session, lang, words, problems, cmd_name) -> dict[str, Any]:
    """The plain-language lines under the scenario figures (only for results that were drawn)."""
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
    return texts


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
