"""The changes that turn one session into another, as event (op, data) pairs.

Adds come first (in dependency order: themes before the variables that name
them, variables before links…), then updates, then removals in reverse order,
so every intermediate session is valid.

>>> from gmb.session.model import Session, Variable
>>> a = Session(title="x")
>>> b = a.model_copy(update={"variables": (Variable(id="v"),)})
>>> diff_events(a, b)
[('add', {'kind': 'variable', 'item': {'id': 'v'}})]
"""

from __future__ import annotations

from typing import Any

from gmb.session.events import KINDS, META_FIELDS
from gmb.session.model import Session

__all__ = ["ORDER", "diff_events"]

ORDER = (
    "participant",
    "stage",
    "indicator",
    "theme",
    "variable",
    "link",
    "story",
    "initiative",
    "idea",
    "presentation",
)


def _dump(item) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude_defaults=True)


def diff_events(old: Session, new: Session) -> list[tuple[str, dict[str, Any]]]:
    """Events that turn ``old`` into ``new``."""
    out: list[tuple[str, dict[str, Any]]] = []
    meta_old, meta_new = (
        old.model_dump(mode="json", include=META_FIELDS),
        new.model_dump(mode="json", include=META_FIELDS),
    )
    changed = {k: v for k, v in meta_new.items() if meta_old.get(k) != v}
    if changed:
        out.append(("set", changed))
    adds, updates, removes = [], [], []
    for kind in ORDER:
        field = KINDS[kind][0]
        before = {x.id: x for x in getattr(old, field)}
        after = {x.id: x for x in getattr(new, field)}
        for item_id, item in after.items():
            if item_id not in before:
                adds.append(("add", {"kind": kind, "item": _dump(item)}))
            elif item != before[item_id]:
                full = item.model_dump(mode="json")
                prev = before[item_id].model_dump(mode="json")
                changes = {k: v for k, v in full.items() if prev.get(k) != v}
                updates.append(("update", {"kind": kind, "id": item_id, "changes": changes}))
        for item_id in before:
            if item_id not in after:
                removes.append(("remove", {"kind": kind, "id": item_id}))
    return out + adds + updates + removes[::-1]
