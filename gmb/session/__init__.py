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
from gmb.session.store import Store, check_slug
from gmb.session.validate import parse_session

__all__ = [
    "SCHEMA_VERSION", "Session", "Stage", "StageRole", "Participant", "Indicator", "Variable", "Link",
    "Theme", "Story", "Initiative", "Idea", "IdeaTarget", "Role", "VariableKind", "Polarity", "Strength",
    "Event", "apply", "replay", "Store", "check_slug", "parse_session",
]  # fmt: skip
