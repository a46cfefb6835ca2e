"""Checks that a page in one language shows no interface string of the other language.

The interface strings are the translation tables (:data:`gmb.views.style.WORDS` for the map and
legend, :data:`gmb.views.style.FIGURE_WORDS` for the report's figures). A foreign string counts
only when it is not also user content (labels, descriptions, names — a Danish workshop may well
type an English word) and not part of the page language's own strings (Danish "Variable" is
inside English "Variables").
"""

from __future__ import annotations

import json
import re

from gmb.views.style import FIGURE_WORDS, WORDS


def _pieces(text: str) -> list[str]:
    """A table entry split at its placeholders ("{n} variables · {m} links" -> "variables", "links")."""
    return [p.strip(" ·:()") for p in re.split(r"\{[a-z_]+\}", text) if len(p.strip(" ·:()")) >= 4]


def foreign_strings(page_lang: str, shown: str, user_content: str) -> list[str]:
    """The other language's interface strings found in ``shown`` (what the page shows) that are not user content."""
    other = "en" if page_lang == "da" else "da"
    own = " \n ".join([*WORDS[page_lang].values(), *FIGURE_WORDS[page_lang].values()])
    found = []
    for table in (WORDS, FIGURE_WORDS):
        for key, text in table[other].items():
            if text == table[page_lang].get(key):
                continue  # the same in both languages (e.g. "P(better)" is not, "workshop" may be)
            for piece in _pieces(text):
                if piece in own or piece in user_content:
                    continue
                if re.search(r"(?<![\w])" + re.escape(piece) + r"(?![\w])", shown):
                    found.append(piece)
    return sorted(set(found))


def graph_user_content(G) -> str:
    """Everything users typed into the graph (labels, descriptions, names, evidence ...), as one text."""
    parts = [json.dumps(dict(G.graph), ensure_ascii=False, default=str)]
    parts += [json.dumps(d, ensure_ascii=False, default=str) for _, d in G.nodes(data=True)]
    parts += [json.dumps(d, ensure_ascii=False, default=str) for _, _, d in G.edges(data=True)]
    return "\n".join(parts)
