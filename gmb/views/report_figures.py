"""The report's figures from the results of later stages: behaviour, ranking and attribution.

Each builder turns one results file (``behaviour.json``, ``ranking.json``, ``attribution.json``)
into a figure and the few values the page prints beside it, in the report's language; it raises
on a malformed file and :mod:`gmb.views.report` shows that as a problem. Apart from the page
building so the plotting side (matplotlib, imported lazily through :mod:`gmb.views.plots`) has
its own module.
"""

from __future__ import annotations

from collections.abc import Mapping

from gmb.errors import GmbError, InputError
from gmb.session.model import Session
from gmb.views.style import figure_word


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
