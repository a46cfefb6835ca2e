"""The report's sections drawn from the map itself: key loops, the ideas' paths, people and themes.

These follow from the session alone (no simulation results), so they live apart from
:mod:`gmb.views.report`, which gathers them with the results of later stages into the page;
:mod:`gmb.views.report` re-exports :func:`key_loops`. Loop and path searches are bounded
(the page says when a bound cut a list short).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import networkx as nx

from gmb.cld.lookup import edge_sign
from gmb.cld.loops import Loop
from gmb.session.model import Role

__all__ = ["key_loops"]

_ROLE_ORDER = [r.value for r in Role]
# Bounds that keep the report quick on any map; the page says when one cut a list short.
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


def _participants(session, words) -> list[dict[str, Any]]:
    """Participants grouped by role, in the roles' order; roles nobody had are left out."""
    participants = []
    for role in _ROLE_ORDER:
        members = [p for p in session.participants if getattr(p.role, "value", p.role) == role]
        if members:
            participants.append({"role": words[role], "people": [
                {"name": p.name, "title": p.title, "organisation": p.organisation} for p in members]})  # fmt: skip
    return participants


def _themes(session, lang, names, people) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each theme with its variables and stories, and the stories told under no known theme."""
    themes = []
    for th in session.themes:
        themes.append({
            "label": th.label(lang), "description": th.description,
            "variables": [names[v.id] for v in session.variables if th.id in v.themes],
            "stories": [_story(s, people, names) for s in session.stories if s.theme == th.id],
        })  # fmt: skip
    known = {t.id for t in session.themes}
    other_stories = [_story(s, people, names) for s in session.stories if s.theme not in known]
    return themes, other_stories
