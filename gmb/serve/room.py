"""What the live pages show beyond the session itself: rejected proposals (with the reason) and the projector.

- A facilitator **rejects** a proposed item with a reason: the item's ``remove`` event carries ``reason``
  and a short ``was`` (its labels or its two ends, and who proposed it), so the log says why, and the
  person who proposed it sees it under "My items". :func:`rejections` reads them back from events.
- The **projector**'s side panel follows the facilitator: ``{"panel": "loops"|"ideas"|"activity"|"auto",
  "loop": n}`` is held per session in memory (:class:`Room`) and sent in every view (so in the feed's
  patches). It is a view setting, not part of the workshop's record: it is not logged, and a restarted
  server starts again at ``auto`` (the panel pages by itself every few seconds).
- Watch it travel: ``{"scenario": idea id | None, "show": "idea"|"push:VARIABLE", "n": n}`` is what the facilitator
  last played (:meth:`Room.set_travel`); the projector plays the same (``scenario`` None: it stops). Held like the
  panel, in memory.

>>> from gmb.session.model import Session, Variable
>>> s = Session(title="x", variables=(Variable(id="a", labels={"da": "A"}),))
>>> reject_changes(s, Actor("s", "facilitator", "f", "k"), "variable", "a", "same as b")[-1][1]["reason"]
'same as b'
"""

from __future__ import annotations

import threading
from typing import Any

from gmb.errors import ConflictError
from gmb.serve.actions import ItemRef, _find, remove
from gmb.serve.workshops import Actor
from gmb.session.model import Session

__all__ = ["PANELS", "Room", "reject_changes", "rejections"]

PANELS = ("auto", "loops", "ideas", "activity")
#: rejected items listed in a view, newest first (the log keeps them all)
KEEP = 200


def _summary(kind: str, item) -> dict[str, Any]:
    out: dict[str, Any] = {"proposed_by": item.proposed_by}
    if kind == "link":
        out.update(cause=item.cause, effect=item.effect, polarity=str(getattr(item.polarity, "value", item.polarity)))
    else:
        out["labels"] = dict(item.labels)
    return out


def reject_changes(
    session: Session, actor: Actor, kind: str, item_id: str, reason: str
) -> list[tuple[str, dict[str, Any]]]:
    """The ``remove`` events of :func:`gmb.serve.actions.remove`, the item's own one carrying ``reason``."""
    item = _find(session, kind, item_id)
    if item.accepted_by is not None:
        raise ConflictError(f"{kind} {item_id} is accepted already: remove it instead of rejecting it")
    out = remove(session, actor, ItemRef(kind=kind, id=item_id))
    for i, (op, data) in enumerate(out):
        if op == "remove" and data.get("kind") == kind and data.get("id") == item_id:
            out[i] = (op, {**data, "reason": reason, "was": _summary(kind, item)})
    return out


def rejections(events) -> list[dict[str, Any]]:
    """Rejected items found in ``events`` (oldest first): kind, id, reason, who rejected, when, what it was."""
    return [{"seq": ev.seq, "at": ev.at.isoformat(), "by": ev.by, "kind": ev.data.get("kind"), "id": ev.data.get("id"),
             "reason": ev.data["reason"], **(ev.data.get("was") or {})}
            for ev in events if ev.op == "remove" and "reason" in ev.data]  # fmt: skip


class Room:
    """Per session: the projector setting and the rejections seen so far (read from the log once, then kept up)."""

    def __init__(self, events) -> None:
        self._events = events  # sid -> every event (read once per session per process)
        self._lock = threading.Lock()
        self.projector: dict[str, dict[str, Any]] = {}
        self.stories: dict[str, dict[str, Any]] = {}  # sid -> the story the projector plays (gmb.serve.routes_story)
        self._rejected: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        self.travels: dict[str, dict[str, Any]] = {}  # sid -> the animation the projector plays (travel.js)

    def set_projector(self, sid: str, panel: str, loop: int | None) -> dict[str, Any]:
        with self._lock:
            old = self.projector.get(sid, {"panel": "auto", "loop": 0, "n": 0})
            new = {"panel": panel, "loop": old["loop"] if loop is None else loop, "n": old["n"] + 1}
            self.projector[sid] = new
            return new

    def set_story(self, sid: str, story: str | None, step: int) -> dict[str, Any]:
        """The projector plays ``story`` at ``step`` (None: no story); a view setting like the panel's."""
        with self._lock:
            n = self.stories.get(sid, {"n": 0})["n"] + 1
            self.stories[sid] = {"id": story, "step": step if story is not None else 0, "n": n}
            return dict(self.stories[sid])

    def set_travel(self, sid: str, scenario: str | None, show: str) -> dict[str, Any]:
        """The projector plays ``scenario``'s animation showing ``show`` (None: stops); a view setting."""
        with self._lock:
            n = self.travels.get(sid, {"n": 0})["n"] + 1
            self.travels[sid] = {"scenario": scenario, "show": show if scenario is not None else "idea", "n": n}
            return dict(self.travels[sid])

    def story(self, sid: str) -> dict[str, Any]:
        with self._lock:
            return dict(self.stories.get(sid, {"id": None, "step": 0, "n": 0}))

    def view(self, sid: str, live) -> dict[str, Any]:
        """The keys this module adds to a session's view (``projector``, ``rejected``)."""
        with self._lock:
            seen = self._rejected.get(sid)
            recent = list(live.recent)
            if seen is None or (recent and recent[0].seq > seen[0] + 1):  # not read yet, or too far behind
                found = rejections(self._events(sid))
            else:
                found = seen[1] + rejections(ev for ev in recent if ev.seq > seen[0])
            found = found[-KEEP:]
            self._rejected[sid] = (live.seq, found)
            projector = dict(self.projector.get(sid, {"panel": "auto", "loop": 0, "n": 0}))
            story = dict(self.stories.get(sid, {"id": None, "step": 0, "n": 0}))
            travel = dict(self.travels.get(sid, {"scenario": None, "show": "idea", "n": 0}))
        return {"projector": projector, "rejected": found[::-1], "story": story, "travel": travel}
