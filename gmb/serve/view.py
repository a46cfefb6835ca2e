"""What browsers are sent: the session as plain JSON, with loops and each item's edit history.

>>> from gmb.session.model import Session, Variable, Link
>>> s = Session(title="x", variables=(Variable(id="a"), Variable(id="b")),
...             links=(Link(id="L1", cause="a", effect="b", polarity="+"), Link(id="L2", cause="b", effect="a", polarity="-")))
>>> [(sorted(x["variables"]), sorted(x["links"]), x["polarity"]) for x in find_loops(s)["items"]]
[(['a', 'b'], ['L1', 'L2'], 'B')]
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from gmb.serve.actions import current_stage
from gmb.serve.workshops import Live
from gmb.session.model import Session

__all__ = ["LOOP_LENGTH", "LOOP_LIMIT", "find_loops", "item_history", "state_view"]

#: loops longer than this are not searched for (the number of loops grows very fast with length)
LOOP_LENGTH = 8
#: at most this many loops are listed
LOOP_LIMIT = 60
#: and the search for them stops after this many seconds (a dense map has astronomically many loops)
LOOP_SECONDS = 0.5


def find_loops(session: Session, *, length: int = LOOP_LENGTH, limit: int = LOOP_LIMIT) -> dict[str, Any]:
    """Feedback loops of the map, shortest first: variables, links and R (reinforcing) / B (balancing) / ?.

    Uses the project's loop finder (:mod:`gmb.cld.loops`) when it is there, else
    :func:`networkx.simple_cycles`, with a length bound either way; ``truncated`` says more loops exist.
    """
    from gmb.cld.graph import to_graph
    from gmb.errors import AnalysisError

    if not session.links:  # a workshop starts with an empty map: no loops, nothing to analyse yet
        return {"items": [], "truncated": False, "length_bound": length}
    G = to_graph(session)
    try:
        from gmb.cld.loops import find_loops as project_finder
    except ImportError:
        return _networkx_loops(G, length, limit)
    try:
        result = project_finder(G, max_length=length, max_count=limit, time_limit=LOOP_SECONDS)
    except AnalysisError:  # a map the analysis refuses is still a map people are drawing
        return _networkx_loops(G, length, limit)
    items = [{"variables": list(loop.variables), "links": list(loop.links),
              "polarity": {"R": "R", "B": "B"}.get(loop.polarity, "?")} for loop in result.loops]  # fmt: skip
    return {"items": items, "truncated": not result.complete, "length_bound": length}


def _networkx_loops(G, length: int, limit: int) -> dict[str, Any]:
    import networkx as nx

    found = list(islice(nx.simple_cycles(G, length_bound=length), limit + 1))
    truncated = len(found) > limit
    items = []
    for cycle in sorted(found[:limit], key=lambda c: (len(c), sorted(c))):
        start = cycle.index(min(cycle))  # a stable rotation, so the same loop always reads the same way
        cycle = cycle[start:] + cycle[:start]
        edges = [G.edges[cycle[i], cycle[(i + 1) % len(cycle)]] for i in range(len(cycle))]
        signs = [e["sign"] for e in edges]
        polarity = "?" if 0 in signs else ("R" if signs.count(-1) % 2 == 0 else "B")
        items.append({"variables": cycle, "links": [e["id"] for e in edges], "polarity": polarity})
    return {"items": items, "truncated": truncated, "length_bound": length}


def _edits(live: Live, kind: str, item_id: str) -> dict[str, Any]:
    return _edits_of(live.history.get((kind, item_id), ()))


def _edits_of(touches) -> dict[str, Any]:
    if not touches:
        return {"count": 0}
    last = touches[-1]
    return {"count": len(touches), "last_by": last.by, "last_at": last.at, "last_op": last.op, "last_seq": last.seq}


def item_history(live: Live, kind: str, item_id: str) -> list[dict[str, Any]]:
    """Every logged change of one item, oldest first."""
    return [{"seq": t.seq, "at": t.at, "by": t.by, "op": t.op} for t in live.history.get((kind, item_id), ())]


def state_view(live: Live, *, join_code: str | None = None, loops: dict[str, Any] | None = None,
               cache: dict[Any, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """The JSON every page renders from (the same for all roles; keys never appear in it).

    ``loops`` (from :func:`find_loops`) spares the search when the caller already has them. ``cache``
    (a dict the caller keeps per session, empty at first) spares re-serialising the items that did not
    change since the last view: a change touches one item, and the live feed builds a view per version,
    so dumping all of a 1,000-link map each time was most of the cost of a version. An item's entry is
    reused only while it is the very same (immutable) object with the same edit history.
    """
    s = live.session
    fresh: dict[Any, Any] = {}

    def with_edits(kind: str, items) -> list[dict[str, Any]]:
        out, history = [], live.history
        for item in items:
            touches = history.get((kind, item.id), ())
            hit = cache.get((kind, id(item))) if cache is not None else None
            if hit is not None and hit[0] is item and (hit[1] is touches or hit[1] == touches):
                entry = hit[2]
            else:
                entry = {**item.model_dump(mode="json"), "edits": _edits_of(touches)}
            fresh[(kind, id(item))] = (item, touches, entry)  # the item is kept, so its id() is not reused meanwhile
            out.append(entry)
        return out

    variables, links, ideas = (with_edits("variable", s.variables), with_edits("link", s.links),
                               with_edits("idea", s.ideas))  # fmt: skip
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    recent = []
    for ev in reversed(live.recent):
        entry: dict[str, Any] = {"seq": ev.seq, "at": ev.at.isoformat(), "by": ev.by, "op": ev.op}
        if ev.op == "add":
            entry.update(kind=ev.data.get("kind"), id=(ev.data.get("item") or {}).get("id"))
        elif ev.op in ("update", "remove"):
            entry.update(kind=ev.data.get("kind"), id=ev.data.get("id"), changes=sorted(ev.data.get("changes") or {}))
        elif ev.op in ("support", "dispute"):
            entry.update(kind="link", id=ev.data.get("link"))
        elif ev.op in ("vote", "unvote"):
            entry.update(kind="idea", id=ev.data.get("idea"))
        recent.append(entry)
    return {
        "seq": live.seq,
        "title": s.title,
        "place": s.place,
        "focus": s.focus,
        "languages": list(s.languages),
        "outcome": s.outcome_variable,
        "stage": current_stage(s),
        "stages": [{"id": st.id, "title": st.title, "locked": st.locked} for st in s.stages],
        "participants": [{"id": p.id, "name": p.name, "role": p.role.value} for p in s.participants],
        # the themes' names and order: the live map colours variables by theme like the static map does
        "themes": [{"id": t.id, "labels": dict(t.labels)} for t in s.themes],
        "variables": variables,
        "links": links,
        "ideas": ideas,
        "loops": find_loops(s) if loops is None else loops,
        "recent": recent,
        "join_code": join_code,
    }
