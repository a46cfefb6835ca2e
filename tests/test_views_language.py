"""Danish and English maps show no interface string of the other language (checked against the tables)."""

from __future__ import annotations

import re

import pytest
from views_i18n import foreign_strings, graph_user_content
from views_sessions import small_session

from gmb.cld import to_graph
from gmb.views.map import map_data
from gmb.views.style import FIGURE_WORDS, WORDS


def _shown(data, lang, research=False):
    """Every text the page shows in ``lang``: header, counts, legend words, highlight, tooltips."""
    m = data["meta"]
    legend_keys = ["legend", "links", "variables", "themes", "positive", "negative", "unknown", "delay",
                   "width_strength", "stock", "auxiliary", "exogenous", "outcome", "target", "idea", "no_theme",
                   "hint", "research", "show_all", "show_readable", "language", "close"]  # fmt: skip
    texts = [WORDS[lang][k] for k in legend_keys]
    texts += [m["i18n"][lang]["counts_text"], *(t["text"] for t in m["i18n"][lang]["themes"])]
    if m["i18n"][lang]["highlight"]:
        texts += [str(v) for v in m["i18n"][lang]["highlight"].values()]
    for item in [*data["nodes"], *data["edges"]]:
        if "titles" in item:
            texts.append(item["titles"][lang][1 if research else 0])
        if item.get("labels"):
            texts.append(item["labels"].get(lang) or item["label"])
    return "\n".join(texts)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_map_texts_contain_no_word_of_the_other_language(lang, havndal):
    G = to_graph(havndal)
    people = {p.id: p.name for p in havndal.participants}
    data = map_data(G, ideas=True, people=people, loop=None)
    user = graph_user_content(G) + "\n" + "\n".join(people.values())
    for research in (False, True):
        assert foreign_strings(lang, _shown(data, lang, research), user) == []


def test_the_check_finds_a_foreign_word():
    # the check itself: an English legend line in a Danish page is found, user content is not counted
    assert foreign_strings("da", "Forklaring\nthicker = stronger (weak · medium · strong)", "") != []
    assert foreign_strings("da", "Forklaring\nLoneliness", "Loneliness") == []
    assert "beholdning" in foreign_strings("en", "Legend\nbeholdning (ophobes over tid)", "")


def test_tables_have_the_same_keys():
    assert set(WORDS["da"]) == set(WORDS["en"])
    assert set(FIGURE_WORDS["da"]) == set(FIGURE_WORDS["en"])


def test_participant_tooltips_show_no_ids_or_source_codes(havndal):
    G = to_graph(havndal)
    people = {p.id: p.name for p in havndal.participants}
    data = map_data(G, ideas=True, people=people, lang="da")
    plain = "\n".join(i["titles"]["da"][0] for i in [*data["nodes"], *data["edges"]] if "titles" in i)
    research = "\n".join(i["titles"]["da"][1] for i in [*data["nodes"], *data["edges"]] if "titles" in i)
    assert "(health_visitor)" not in plain and "belæg:" not in plain and "type: outcome" not in plain
    assert "(health_visitor)" in research and "belæg:" in research
    assert "type: mål" in plain
    small = map_data(to_graph(small_session()), lang="da")
    assert not any(re.search(r"^(da|en): ", n["titles"]["da"][0], flags=re.MULTILINE) for n in small["nodes"])


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        out += [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(out)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_figures_speak_the_report_language(lang):
    import numpy as np

    from gmb.views.plots import Band, IdeaEffect, plot_attribution, plot_behaviour, plot_idea_ranking
    from gmb.views.report import _behaviour_figure

    s = small_session()
    t = np.linspace(0, 10, 11)
    data = {"variable": "trivsel", "unit": "year", "scenarios": {
        "baseline": {"times": t, "median": 1 + 0 * t, "p5": 0.9 + 0 * t, "p95": 1.1 + 0 * t}}}  # fmt: skip
    fig, _ = _behaviour_figure(data, s, lang, {"behaviour": "x"})
    ranking = plot_idea_ranking([IdeaEffect(idea="Krea-café", median=0.1, low=0.0, high=0.2, p_improve=0.8,
                                            feasibility=4, votes=3)], lang=lang)  # fmt: skip
    attribution = plot_attribution({"Krea-café": 0.1, "LAN-fest": 0.05}, 0.01, lang=lang)
    behaviour = plot_behaviour(Band(times=t, median=1 + 0 * t, p5=t * 0, p95=t * 0 + 2), lang=lang)
    text = "\n".join(_texts(f) for f in (fig, ranking, attribution, behaviour))
    if lang == "da":
        for word in ("tid (år)", "Børns trivsel (1 = udgangspunkt)", "90 %-bånd", "3 stemmer", "P(bedre) 80%",
                     "virkning på målet", "andel af pakkens virkning", "samspil"):  # fmt: skip
            assert word in text, word
    else:
        for word in ("time (years)", "Children's wellbeing (1 = baseline)", "90 % band", "3 votes", "P(better) 80%"):
            assert word in text, word
    assert foreign_strings(lang, text, "Krea-café LAN-fest Børns trivsel Children's wellbeing") == []
