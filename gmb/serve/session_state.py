"""The values the workshop server hands around: who is asking (:class:`Actor`), a session as of an
event with each item's history (:class:`Live`, :class:`Touch`), what creating a session hands back
(:class:`Created`), and the naming rules for new sessions and participants.

Kept apart from :mod:`gmb.serve.workshops` (which changes and stores sessions) because the routes,
views and rules read these values without needing the store.

>>> Actor("demo", "viewer", None, "k1").can_contribute
False
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gmb.session.events import Event
from gmb.session.model import Session

__all__ = ["STAGE_TITLES", "Actor", "Change", "Created", "Live", "Touch", "slug_for", "touched_item"]

Change = tuple[str, dict[str, Any]]

#: default titles of the four STICKE workshops, per language
STAGE_TITLES = {
    "en": {"W0": "W0 Indicators and focus", "W1": "W1 Connection circles", "W2": "W2 Causal loop diagram",
           "W3": "W3 Idea bank and action"},
    "da": {"W0": "W0 Indikatorer og fokus", "W1": "W1 Forbindelsescirkler", "W2": "W2 Årsagsdiagram",
           "W3": "W3 Idébank og handling"},
}  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """Who is asking: a key's role in one session, and the participant it acts as."""

    session: str
    role: str
    participant: str | None
    key_id: str

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"

    @property
    def can_contribute(self) -> bool:
        return self.role in ("facilitator", "participant")


@dataclass(frozen=True)
class Touch:
    """One event that touched an item: the item's edit history is a tuple of these."""

    seq: int
    at: str
    by: str | None
    op: str


@dataclass(frozen=True)
class Live:
    """A session as of event ``seq``, with the history of each item (``(kind, id)`` -> touches)."""

    session: Session
    seq: int
    history: dict[tuple[str, str], tuple[Touch, ...]] = field(default_factory=dict)
    recent: tuple[Event, ...] = ()

    RECENT = 40

    def advanced(self, session: Session, events: Iterable[Event]) -> Live:
        history = dict(self.history)
        recent = list(self.recent)
        seq = self.seq
        for ev in events:
            key = touched_item(ev)
            if key is not None:
                history[key] = (*history.get(key, ()), Touch(ev.seq, ev.at.isoformat(), ev.by, ev.op))
            recent.append(ev)
            seq = ev.seq
        return Live(session, seq, history, tuple(recent[-self.RECENT :]))


@dataclass(frozen=True)
class Created:
    """What creating (or importing) a session hands back: the only time keys are seen in clear."""

    session_id: str
    join_code: str
    facilitator_key: str
    viewer_key: str
    facilitator: str


def touched_item(ev: Event) -> tuple[str, str] | None:
    """The ``(kind, id)`` an event changes, if it changes one item.

    >>> touched_item(Event(seq=2, op="support", data={"link": "L1", "participant": "p1"}))
    ('link', 'L1')
    """
    data = ev.data
    if ev.op == "add":
        item = data.get("item") or {}
        return (str(data.get("kind")), str(item.get("id")))
    if ev.op in ("update", "remove"):
        return (str(data.get("kind")), str(data.get("id")))
    if ev.op in ("support", "dispute"):
        return ("link", str(data.get("link")))
    if ev.op in ("vote", "unvote"):
        return ("idea", str(data.get("idea")))
    if ev.op == "set":
        return ("session", "meta")
    return None


_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "ß": "ss"})


def slug_for(title: str, taken: Iterable[str] = ()) -> str:
    """A session id (a valid store folder name) from a title, not in ``taken``.

    >>> slug_for("Havndal – børns trivsel", {"havndal-boerns-trivsel"})
    'havndal-boerns-trivsel-2'
    """
    text = unicodedata.normalize("NFKD", title.translate(_FOLD).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:48].strip("-") or "session"
    taken = set(taken)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _free_id(prefix: str, taken: set[str]) -> str:
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
