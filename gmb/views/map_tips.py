"""The map's tooltips (and tap-to-inspect sheet texts), in every language of the map, for two audiences.

The *participant* text is what everybody sees: names, the interface words in the page's language
(kinds and strengths translated), who proposed and who supports a link by name. The *research*
text adds what only facilitators and researchers need: every language's label, participant ids
next to names, and the evidence code (e.g. ``belæg: S (adults)``). The page switches between
them with a checkbox in the legend. All texts are plain text (shown with ``innerText`` /
``textContent``), never markup.

>>> import networkx as nx
>>> G = nx.DiGraph(languages=["da", "en"])
>>> G.add_node("a", labels={"da": "Søvn", "en": "Sleep"}, kind="stock", proposed_by="p1")
>>> G.add_node("b", labels={"da": "Trivsel"})
>>> G.add_edge("a", "b", polarity="+", sign=1, strength="strong", evidence="S")
>>> node_tip(G, "a", "en", people={"p1": "Åse"})
'Sleep\\nkind: stock · proposed by: Åse'
>>> node_tip(G, "a", "da", people={"p1": "Åse"}, research=True).splitlines()[1:]
['da: Søvn', 'en: Sleep', 'type: beholdning · foreslået af: Åse (p1)']
>>> edge_tip(G, "a", "b", "da")
'Søvn → Trivsel  (+)\\nstyrke: stærk\\nstøttet af 0: ingen endnu'
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import Enum
from typing import Any

import networkx as nx

from gmb.cld.lookup import SIGN_SYMBOL, edge_sign
from gmb.views import style
from gmb.views.style import word

__all__ = ["edge_tip", "idea_tip", "label_in", "node_tip", "text_in", "who"]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def text_in(labels: Mapping[str, str], lang: str | None) -> str:
    """The label in ``lang``, else the first one, else ``""``."""
    if lang and labels.get(lang):
        return str(labels[lang])
    return str(next(iter(labels.values()))) if labels else ""


def label_in(data: Mapping[str, Any], node: Hashable, lang: str | None) -> str:
    """A variable's label in ``lang`` (its other labels, its ``label``, its id as fall-backs)."""
    return text_in(data.get("labels") or {}, lang) or str(data.get("label") or node)


def who(pid: Any, people: Mapping[str, str], research: bool = False) -> str:
    """A participant's name; the research text adds the id in brackets. Unknown ids are shown as they are."""
    pid = str(pid)
    name = people.get(pid)
    if not name or name == pid:
        return pid
    return f"{name} ({pid})" if research else name


def _languages(G: nx.DiGraph) -> list[str]:
    return [str(x) for x in (G.graph.get("languages") or [])]


def _labels_lines(labels: Mapping[str, str], languages: list[str]) -> list[str]:
    order = [x for x in languages if x in labels] + [x for x in labels if x not in languages]
    return [f"{x}: {labels[x]}" for x in order]


def _kind_word(lang, kind: str) -> str:
    key = f"kind_{kind}"
    return word(lang, key) if key in style.WORDS["en"] else kind


def _strength_word(lang, strength: str) -> str:
    key = f"strength_{strength}"
    return word(lang, key) if key in style.WORDS["en"] else strength


def node_tip(G, node, lang, *, people=None, targets=None, research: bool = False) -> str:
    """The text for variable ``node`` (``targets``: ``{variable: [(idea_id, idea), ...]}`` acting on it)."""
    people = people or {}
    data = G.nodes[node]
    label = label_in(data, node, lang)
    kind = str(_plain(data.get("kind")) or "unknown")
    if node == G.graph.get("outcome"):
        kind = "outcome"
    lines = [label]
    if research:
        lines += _labels_lines(data.get("labels") or {}, _languages(G))
    facts = [f"{word(lang, 'kind')}: {_kind_word(lang, kind)}"]
    if data.get("stage"):
        facts.append(f"{word(lang, 'stage')}: {_plain(data['stage'])}")
    if data.get("proposed_by"):
        facts.append(f"{word(lang, 'proposed_by')}: {who(data['proposed_by'], people, research)}")
    lines.append(" · ".join(facts))
    if data.get("description"):
        lines.append(str(data["description"]))
    acting = (targets or {}).get(node, [])
    if acting:
        parts = [
            f"{text_in(idea.get('labels') or {}, lang) or idea_id} ({idea['direction']}, "
            f"{len(idea.get('votes') or [])} {word(lang, 'votes')})"
            for idea_id, idea in acting
        ]
        lines.append(f"{word(lang, 'ideas_on_it')}: " + "; ".join(parts))
    return "\n".join(lines)


def edge_tip(G, u, v, lang, *, people=None, research: bool = False) -> str:
    """The text for the link ``u -> v``."""
    people = people or {}
    data = G.edges[u, v]
    sign = style.POLARITY_STYLE[SIGN_SYMBOL[edge_sign(G, u, v)]]["sign"]
    strength = str(_plain(data.get("strength")) or "unknown")
    cause, effect = label_in(G.nodes[u], u, lang), label_in(G.nodes[v], v, lang)
    head = f"{cause} → {effect}  ({sign}" + (f", {word(lang, 'delayed')})" if data.get("delay") else ")")
    lines = [head, f"{word(lang, 'strength')}: {_strength_word(lang, strength)}"]
    facts = []
    if data.get("proposed_by"):
        facts.append(f"{word(lang, 'proposed_by')}: {who(data['proposed_by'], people, research)}")
    if data.get("stage"):
        facts.append(f"{word(lang, 'stage')}: {_plain(data['stage'])}")
    if facts:
        lines.append(" · ".join(facts))
    supporters = [who(p, people, research) for p in data.get("supporters") or []]
    lines.append(f"{word(lang, 'supported_by')} {len(supporters)}: " + (", ".join(supporters) or word(lang, "none")))
    disputers = [who(p, people, research) for p in data.get("disputers") or []]
    if disputers:
        lines.append(f"{word(lang, 'disputed_by')} {len(disputers)}: " + ", ".join(disputers))
    if research and data.get("evidence"):
        lines.append(f"{word(lang, 'evidence')}: {data['evidence']}")
    return "\n".join(lines)


def idea_tip(G, idea_id, idea, lang, *, people=None, research: bool = False) -> str:
    """The text for an idea of the idea bank."""
    people = people or {}
    labels = idea.get("labels") or {}
    label = text_in(labels, lang) or str(idea_id)
    votes = [who(p, people, research) for p in idea.get("votes") or []]
    lines = [label]
    if research:
        lines += _labels_lines(labels, _languages(G))
    if idea.get("description"):
        lines.append(str(idea["description"]))
    lines.append(f"{word(lang, 'votes')} {len(votes)}: " + (", ".join(votes) or word(lang, "none")))
    facts = []
    if idea.get("feasibility") is not None:
        facts.append(f"{word(lang, 'feasibility')}: {idea['feasibility']:g}/5")
    if idea.get("working_group"):
        facts.append(f"{word(lang, 'working_group')}: {idea['working_group']}")
    if idea.get("proposed_by"):
        facts.append(f"{word(lang, 'proposed_by')}: {who(idea['proposed_by'], people, research)}")
    if idea.get("stage"):
        facts.append(f"{word(lang, 'stage')}: {_plain(idea['stage'])}")
    if facts:
        lines.append(" · ".join(facts))
    return "\n".join(lines)
