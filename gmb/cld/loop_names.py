"""Naming loops after the group's stories: a loop a story tells exactly takes its title.

Apart from the search (:mod:`gmb.cld.loops`, which re-exports these names) because it reads the
session's stories, not the map.

Examples
--------
>>> _rotation(["c", "a", "b"])
('a', 'b', 'c')
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from gmb.cld.loop_values import Loop, LoopResult

__all__ = ["loop_namer", "name_loops"]


def name_loops(result: LoopResult, stories: Iterable[Any]) -> LoopResult:
    """Name each loop after a story that tells exactly that loop, and list the stories that tell it.

    A story tells exactly a loop when its ``links`` are exactly the loop's links, or, for a story
    that lists no links, when its ``variables`` are the loop's variables in causal order (from
    any starting point); the loop's ``name`` becomes that story's title. A story *includes* a
    loop when all the loop's links are among its links (or, without links, all its variables
    among its variables) — e.g. a story about "R1 versus B1" includes both loops; such titles
    go to ``Loop.stories``. Stories are :class:`gmb.session.Story` values or dicts with
    ``title``, ``links`` and ``variables``.

    >>> import networkx as nx
    >>> from gmb.cld.loops import find_loops
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")])
    >>> named = name_loops(find_loops(G), [{"title": "Growth", "variables": ["b", "a"]},
    ...                                    {"title": "Both", "variables": ["a", "b", "c"]}])
    >>> [(loop.name, loop.stories) for loop in named.loops]
    [('Growth', ('Growth', 'Both')), (None, ('Both',))]
    """
    named = loop_namer(stories)
    return result if named is None else replace(result, loops=tuple(named(loop) for loop in result.loops))


def loop_namer(stories: Iterable[Any]):
    """The naming :func:`name_loops` does, as a function of one loop (None when there are no stories)."""

    def get(story: Any, key: str) -> Any:
        return story.get(key) if isinstance(story, dict) else getattr(story, key, None)

    by_links: dict[frozenset, str] = {}
    by_cycle: dict[tuple, str] = {}
    told: list[tuple[str, frozenset, frozenset]] = []  # (title, links, variables) of each story
    for story in stories:
        title = str(get(story, "title"))
        links, variables = tuple(get(story, "links") or ()), tuple(get(story, "variables") or ())
        if links:
            by_links.setdefault(frozenset(links), title)
        elif len(variables) > 1:
            by_cycle.setdefault(_rotation(variables), title)
        told.append((title, frozenset(links), frozenset(variables)))
    if not told:
        return None

    def named(loop: Loop) -> Loop:
        links = frozenset(loop.links)
        name = by_links.get(links) or by_cycle.get(_rotation(loop.variables)) or loop.name
        tells = tuple(t for t, sl, sv in told if (links <= sl if sl else sv and sv.issuperset(loop.variables)))
        return replace(loop, name=name, stories=tells) if (name, tells) != (loop.name, loop.stories) else loop

    return named


def _rotation(variables: Sequence[Hashable]) -> tuple:
    """The rotation that starts at the smallest id: equal for equal cycles."""
    items = [str(v) for v in variables]
    i = items.index(min(items))
    return tuple(items[i:] + items[:i])
