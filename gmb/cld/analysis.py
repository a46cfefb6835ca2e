"""The whole structural analysis of a map in one value: loops, leverage, each idea's influence.

What ``gmb analyse`` prints. The time limit is shared: half for the loops, the rest split
between the ideas' path searches, so the analysis of any map ends in about ``time_limit`` s.

>>> import networkx as nx
>>> G = nx.DiGraph(outcome="b", ideas={"i1": {"labels": {"en": "More a"}, "targets": [{"variable": "a"}]}})
>>> G.add_edge("a", "b", sign=1, id="L1"); G.add_edge("b", "a", sign=-1, id="L2")
>>> a = analyse(G)
>>> a.loops.balancing, a.profiles[0].verdict, a.outcome
(1, 'positive', 'b')
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from gmb.cld.influence import IdeaProfile, idea_profile
from gmb.cld.leverage import Centrality, centrality
from gmb.cld.lookup import check_graph, check_limit
from gmb.cld.loops import DEFAULT_TIME_LIMIT, LoopResult, covering_loops, cycle_rank, find_loops, name_loops

if TYPE_CHECKING:
    from gmb.session.model import Story

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Loops (named after stories where one tells exactly that loop), a covering loop set,
    centrality, and the ideas' influence profiles (empty without an outcome).

    Parameters
    ----------
    title : str
        The map's title.
    variables, links : int
        How many there are.
    outcome : str or None
        The outcome variable.
    loops, cover : LoopResult
        All loops (within the bounds) and a covering set (:func:`covering_loops`).
    cycle_rank : int
        Links minus variables plus connected parts: the number of independent loops.
    centrality : Centrality
        Per variable.
    profiles : tuple of IdeaProfile
        Per idea.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> a = analyse(G, max_length=6)
    >>> a.outcome, a.loops.count, len(a.profiles)
    ('mental_wellbeing', 27, 7)
    """

    title: str
    variables: int
    links: int
    outcome: str | None
    loops: LoopResult
    cover: LoopResult
    cycle_rank: int
    centrality: Centrality
    profiles: tuple[IdeaProfile, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "variables": self.variables, "links": self.links, "outcome": self.outcome,
            "loops": {**self.loops.to_json(), "by_length": self.loops.by_length(), "stopped_by": self.loops.stopped_by},
            "loop_cover": {"count": self.cover.count, "cycle_rank": self.cycle_rank,
                           "loops": [loop.to_json() for loop in self.cover.loops]},
            "centrality": self.centrality.to_json(),
            "ideas": [p.to_json() for p in self.profiles],
        }  # fmt: skip


def analyse(
    G: nx.DiGraph,
    *,
    stories: Iterable[Story] = (),
    max_length: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    path_cutoff: int | None = None,
    lang: str | None = None,
) -> Analysis:
    """Analyse ``G`` (a :func:`gmb.cld.to_graph` graph); ``stories`` name loops (``session.stories``).

    Parameters
    ----------
    G : networkx.DiGraph
        The map.
    stories : iterable of gmb.session.Story, optional
        A story that runs along exactly one loop gives that loop its name.
    max_length : int, optional
        Longest loop searched, in links.
    time_limit : float, optional
        Seconds the loop search may take (default 10).
    path_cutoff : int, optional
        Longest path from an idea to the outcome, in links.
    lang : str, optional
        Language of the labels.

    Returns
    -------
    Analysis
        Loops, covering loops, cycle rank, centrality and idea profiles.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> a = analyse(G, max_length=6)
    >>> a.variables == G.number_of_nodes(), a.loops.complete
    (True, True)
    """
    check_graph(G)
    time_limit = check_limit(time_limit, "time_limit")
    started = time.perf_counter()
    loops = find_loops(G, max_length=max_length, time_limit=None if time_limit is None else time_limit / 2, lang=lang)
    loops = name_loops(loops, stories)
    cover = name_loops(covering_loops(G, time_limit=None if time_limit is None else time_limit / 4, lang=lang), stories)
    cent = centrality(G, lang=lang)
    profiles: tuple[IdeaProfile, ...] = ()
    ideas = G.graph.get("ideas") or {}
    if G.graph.get("outcome") in G and ideas:
        targets = max(1, sum(len(i.get("targets") or ()) for i in ideas.values()))
        left = None if time_limit is None else max(time_limit - (time.perf_counter() - started), 0.1 * time_limit)
        per_target = None if left is None else left / targets
        profiles = tuple(
            idea_profile(G, idea, loops=loops, centralities=cent, lang=lang, cutoff=path_cutoff, time_limit=per_target)
            for idea in ideas
        )
    return Analysis(
        title=str(G.graph.get("title") or ""), variables=G.number_of_nodes(), links=G.number_of_edges(),
        outcome=G.graph.get("outcome"), loops=loops, cover=cover, cycle_rank=cycle_rank(G), centrality=cent,
        profiles=profiles,
    )  # fmt: skip
