"""The workshop record: typed, immutable values, their events, and the store."""

from gmb.session.events import Event, apply, replay
from gmb.session.model import (
    SCHEMA_VERSION,
    Idea,
    IdeaTarget,
    Indicator,
    Initiative,
    Link,
    Participant,
    Polarity,
    Role,
    Session,
    Stage,
    StageRole,
    Story,
    Strength,
    Theme,
    Variable,
    VariableKind,
)
from gmb.session.parse import parse_session
from gmb.session.store import Store, check_slug

__all__ = [
    "SCHEMA_VERSION",
    "Event",
    "Idea",
    "IdeaTarget",
    "Indicator",
    "Initiative",
    "Link",
    "Participant",
    "Polarity",
    "Role",
    "Session",
    "Stage",
    "StageRole",
    "Store",
    "Story",
    "Strength",
    "Theme",
    "Variable",
    "VariableKind",
    "apply",
    "check_slug",
    "parse_session",
    "replay",
]  # fmt: skip
