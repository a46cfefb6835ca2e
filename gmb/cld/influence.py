"""Each idea's structural influence on the model — the W3 criterion "influence on the model".

For an idea of the idea bank (``G.graph["ideas"]``) the profile gathers: the causal paths from
its target variables to the outcome with their signs and net verdict, the feedback loops its
targets sit on (which the idea feeds), and the centrality and reach of its targets. It is a
structural reading of the map, to support the group's discussion — not a simulated effect.

>>> import networkx as nx
>>> G = nx.DiGraph(outcome="wellbeing", ideas={"clubs": {"labels": {"en": "Sports clubs"},
...     "targets": [{"variable": "participation", "direction": "+"}]}})
>>> G.add_edge("participation", "friends", sign=1, id="L1")
>>> G.add_edge("friends", "participation", sign=1, id="L2")
>>> G.add_edge("friends", "wellbeing", sign=1, id="L3")
>>> (p,) = idea_profiles(G)
>>> p.label, p.verdict, p.loop_ids, p.paths.paths[0].variables
('Sports clubs', 'positive', ('R1',), ('participation', 'friends', 'wellbeing'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from gmb.cld.leverage import Centrality, VariableCentrality, centrality
from gmb.cld.lookup import check_graph
from gmb.cld.loops import Loop, LoopResult, find_loops
from gmb.cld.paths import IdeaPaths, Verdict, _idea, idea_paths

__all__ = ["IdeaProfile", "idea_profile", "idea_profiles"]


@dataclass(frozen=True, slots=True)
class IdeaProfile:
    """The structural influence profile of one idea."""

    idea: str
    label: str
    targets: tuple[tuple[str, str], ...]
    paths: IdeaPaths
    loops: tuple[Loop, ...]
    loops_complete: bool
    target_centrality: tuple[VariableCentrality, ...]
    votes: int = 0
    feasibility: float | None = None

    @property
    def verdict(self) -> Verdict:
        return self.paths.verdict

    @property
    def loop_ids(self) -> tuple[str, ...]:
        return tuple(loop.id for loop in self.loops)

    def loop_counts(self) -> dict[str, int]:
        """How many reinforcing, balancing and unsigned loops the idea's targets are on."""
        out = {"R": 0, "B": 0, "unsigned": 0}
        for loop in self.loops:
            out[loop.polarity] += 1
        return out

    @property
    def reach(self) -> int:
        """The largest reach among the targets."""
        return max((c.reach for c in self.target_centrality), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "idea": self.idea, "label": self.label,
            "targets": [{"variable": v, "direction": d} for v, d in self.targets],
            "votes": self.votes, "feasibility": self.feasibility,
            "verdict": self.verdict, "shortest_verdict": self.paths.shortest_verdict,
            "path_counts": self.paths.counts(), "paths_complete": self.paths.complete,
            "paths": self.paths.to_json()["targets"],
            "loops": [{"id": l.id, "name": l.name, "polarity": l.polarity, "length": l.length} for l in self.loops],
            "loop_counts": self.loop_counts(), "loops_complete": self.loops_complete,
            "target_centrality": [c.to_json() for c in self.target_centrality],
        }  # fmt: skip


def idea_profile(
    G: nx.DiGraph,
    idea: str,
    *,
    loops: LoopResult | None = None,
    centralities: Centrality | None = None,
    lang: str | None = None,
    **path_options: Any,
) -> IdeaProfile:
    """The profile of one idea. Pass ``loops`` and ``centralities`` to reuse them across ideas;
    otherwise they are computed here (loops with the default time limit)."""
    check_graph(G)
    data = _idea(G, idea)
    loops = loops if loops is not None else find_loops(G, lang=lang)
    centralities = centralities if centralities is not None else centrality(G, lang=lang)
    paths = idea_paths(G, idea, lang=lang, **path_options)
    targets = tuple((str(t["variable"]), str(t.get("direction", "+"))) for t in data.get("targets") or ())
    on = {v for v, _ in targets}
    fed = tuple(loop for loop in loops.loops if on.intersection(loop.variables))
    return IdeaProfile(
        idea=idea, label=paths.label, targets=targets, paths=paths, loops=fed, loops_complete=loops.complete,
        target_centrality=tuple(centralities.of(v) for v in dict.fromkeys(v for v, _ in targets)),
        votes=len(data.get("votes") or ()), feasibility=data.get("feasibility"),
    )  # fmt: skip


def idea_profiles(
    G: nx.DiGraph, *, loops: LoopResult | None = None, lang: str | None = None, **path_options: Any
) -> tuple[IdeaProfile, ...]:
    """Profiles of every idea in ``G.graph["ideas"]``, in idea-bank order (loops and centrality computed once).

    Parameters
    ----------
    G : networkx.DiGraph
        The map with its idea bank.
    loops : LoopResult, optional
        Loops already found (default: :func:`find_loops` is run).
    lang : str, optional
        Language of the labels.
    **path_options
        As :func:`paths_to_outcome` (``cutoff``, ``max_paths``, ``time_limit``).

    Returns
    -------
    tuple of IdeaProfile
        Per idea: its targets, paths to the outcome, the loops through its targets, the targets'
        centrality, votes and feasibility.

    Examples
    --------
    >>> import gmb
    >>> G = gmb.to_graph(gmb.load_example("havndal"))
    >>> p = idea_profiles(G)[0]
    >>> p.idea, p.votes
    ('bike_paths', 12)
    """
    check_graph(G)
    loops = loops if loops is not None else find_loops(G, lang=lang)
    cent = centrality(G, lang=lang)
    return tuple(
        idea_profile(G, idea, loops=loops, centralities=cent, lang=lang, **path_options)
        for idea in (G.graph.get("ideas") or {})
    )
