"""What people can do in a served workshop, as the foundation's events.

Each action is a pure function ``(session, actor, request) -> [(op, data), …]``
that checks the actor may do it *on this session as it is now* and returns
the changes; :meth:`gmb.serve.workshops.Workshops.commit` applies and stores
them. Facilitator actions that touch several items (merging synonyms,
removing a variable with its links, moving between stages) are several
ordinary events stored together, so the log says exactly what happened.

>>> from gmb.session.model import Session, Variable, Link, Participant
>>> s = Session(title="x", participants=(Participant(id="f", name="F", role="facilitator"),),
...             variables=(Variable(id="a"), Variable(id="b"), Variable(id="c")),
...             links=(Link(id="L1", cause="a", effect="c"), Link(id="L2", cause="b", effect="c", supporters=("f",))))
>>> [op for op, _ in merge_changes(s, keep="a", duplicate="b")]
['update', 'remove', 'update', 'remove']
"""

from __future__ import annotations

from typing import Any

from gmb.errors import AccessError, ConflictError, NotFoundError, ValidationError
from gmb.io.ids import make_id

# The request bodies moved to gmb.serve.bodies; re-exported here, where routes and tests import them.
from gmb.serve.bodies import (  # noqa: F401 - routes_live and room import Body, ItemId from here
    AnswerIn,
    Body,
    DoseIn,
    Edit,
    ItemId,
    ItemRef,
    Join,
    LockStage,
    Merge,
    MoveStage,
    NewIdea,
    NewLink,
    NewSession,
    NewVariable,
    Opinion,
    TargetIn,
)
from gmb.serve.workshops import Actor
from gmb.session.model import STAGE_IDS, Session, VariableKind

__all__ = [
    "DoseIn",
    "Edit",
    "ItemRef",
    "Join",
    "LockStage",
    "Merge",
    "MoveStage",
    "NewIdea",
    "NewLink",
    "NewSession",
    "NewVariable",
    "Opinion",
    "accept",
    "add_idea",
    "add_link",
    "add_variable",
    "current_stage",
    "edit",
    "lock_stage",
    "merge_changes",
    "move_to_stage",
    "opinion",
    "remove",
    "set_dose",
    "vote",
]


# -- rules ------------------------------------------------------------------------
def current_stage(session: Session) -> str | None:
    """The first stage (W0…W3) not locked; None when all are locked (the session is closed).

    >>> from gmb.session.model import Stage
    >>> current_stage(Session(title="x", stages=(Stage(id="W0", title="a", locked=True), Stage(id="W1", title="b"))))
    'W1'
    """
    by_id = {st.id: st for st in session.stages}
    for stage_id in STAGE_IDS:
        stage = by_id.get(stage_id)
        if stage is not None and not stage.locked:
            return stage_id
    return None


def _open(session: Session, actor: Actor) -> str | None:
    """Check ``actor`` may contribute now; return the stage their contribution belongs to."""
    if not actor.can_contribute:
        raise AccessError("a projector key can only watch")
    stage = current_stage(session)
    if stage is None and not actor.is_facilitator:
        raise AccessError("the session is closed: every stage is locked", hint="ask the facilitator to reopen one")
    return stage


def _facilitator(actor: Actor) -> None:
    if not actor.is_facilitator:
        raise AccessError("only the facilitator can do this")


def _lang(session: Session, lang: str | None) -> str:
    return lang or session.languages[0]


def _find(session: Session, kind: str, item_id: str):
    return {"variable": session.variable, "link": session.link, "idea": session.idea}[kind](item_id)


# -- participants' actions -------------------------------------------------------
def add_variable(session: Session, actor: Actor, req: NewVariable) -> list[tuple[str, dict[str, Any]]]:
    stage = _open(session, actor)
    lang = _lang(session, req.lang)
    wanted = req.label.casefold()
    for v in session.variables:
        if any(text.casefold() == wanted for text in v.labels.values()) or v.id.casefold() == wanted:
            raise ConflictError(f"a variable '{req.label}' exists already ({v.id})", field="label",
                                hint="use the existing one, or ask the facilitator to merge synonyms")  # fmt: skip
    var_id = make_id(req.label, {v.id for v in session.variables})
    item = {"id": var_id, "labels": {lang: req.label}, "description": req.description, "kind": req.kind.value,
            "stage": stage}  # fmt: skip
    return [("add", {"kind": "variable", "item": item})]


def add_link(session: Session, actor: Actor, req: NewLink) -> list[tuple[str, dict[str, Any]]]:
    stage = _open(session, actor)
    for end in ("cause", "effect"):
        try:
            session.variable(getattr(req, end))
        except NotFoundError as exc:
            raise NotFoundError(exc.message, field=end, hint=exc.hint) from None
    for link in session.links:
        if (link.cause, link.effect) == (req.cause, req.effect):
            raise ConflictError(f"this link exists already ({link.id})", field="effect",
                                hint="support or dispute the existing link instead")  # fmt: skip
    taken = {link.id for link in session.links}
    n = len(taken) + 1
    while f"L{n}" in taken:
        n += 1
    item = {"id": f"L{n}", "cause": req.cause, "effect": req.effect, "polarity": req.polarity.value,
            "delay": req.delay, "strength": req.strength.value, "notes": req.notes, "stage": stage}  # fmt: skip
    return [("add", {"kind": "link", "item": item})]


def add_idea(session: Session, actor: Actor, req: NewIdea) -> list[tuple[str, dict[str, Any]]]:
    stage = _open(session, actor)
    lang = _lang(session, req.lang)
    taken = {i.id for i in session.ideas}
    n = len(taken) + 1
    while f"I{n}" in taken:
        n += 1
    targets = [t.model_dump() for t in req.targets]
    if len({t["variable"] for t in targets}) != len(targets):
        raise ValidationError("a variable is named twice", field="targets")
    item = {"id": f"I{n}", "labels": {lang: req.label}, "description": req.description, "targets": targets,
            "stage": stage}  # fmt: skip
    return [("add", {"kind": "idea", "item": item})]


def opinion(session: Session, actor: Actor, link_id: str, req: Opinion) -> list[tuple[str, dict[str, Any]]]:
    """Support or dispute a link; switching sides takes the earlier stance back (both steps are logged)."""
    _open(session, actor)
    link = session.link(link_id)
    me = actor.participant
    mine, other = ("supporters", "disputers") if req.stance == "support" else ("disputers", "supporters")
    if me in getattr(link, mine):
        raise ConflictError(f"you already {req.stance} link {link_id}")
    out: list[tuple[str, dict[str, Any]]] = []
    if me in getattr(link, other):
        rest = [p for p in getattr(link, other) if p != me]
        out.append(("update", {"kind": "link", "id": link_id, "changes": {other: rest}}))
    out.append((req.stance, {"link": link_id, "participant": me}))
    return out


def vote(session: Session, actor: Actor, idea_id: str, *, on: bool) -> list[tuple[str, dict[str, Any]]]:
    _open(session, actor)
    idea = session.idea(idea_id)
    if on and actor.participant in idea.votes:
        raise ConflictError(f"you already voted for idea {idea_id}")
    if not on and actor.participant not in idea.votes:
        raise ConflictError(f"you have no vote on idea {idea_id}")
    return [("vote" if on else "unvote", {"idea": idea_id, "participant": actor.participant})]


def set_dose(session: Session, actor: Actor, idea_id: str, req: DoseIn) -> list[tuple[str, dict[str, Any]]]:
    """Record the working group's dose answers for an idea (reach, intensity, persistence, lag).

    Any participant may answer for any idea, as with votes: the answers are the group's judgement, and the
    event log says who gave them. They are the idea's dose in ``gmb scenarios`` / ``gmb rank`` (the session
    is their one source; ``scenarios.json`` shows them).
    """
    _open(session, actor)
    idea = session.idea(idea_id)
    data = req.model_dump(mode="json", exclude_none=True)
    new = data if (set(data) - {"note"} or data.get("note")) else None
    current = None if idea.dose is None else idea.dose.model_dump(mode="json", exclude_none=True)
    if new == current:
        raise ConflictError("these answers are already there: nothing changes")
    return [("update", {"kind": "idea", "id": idea_id, "changes": {"dose": new}})]


_EDITABLE = {
    "variable": {"labels", "description", "notes", "variable_kind"},
    "link": {"polarity", "delay", "strength", "notes", "evidence"},
    "idea": {"labels", "description", "notes", "feasibility"},
}


def edit(session: Session, actor: Actor, req: Edit) -> list[tuple[str, dict[str, Any]]]:
    """Change an item. Participants may edit their own proposals until the facilitator accepts them."""
    _open(session, actor)
    item = _find(session, req.kind, req.id)
    if not actor.is_facilitator and (item.proposed_by != actor.participant or item.accepted_by is not None):
        raise AccessError("you can edit only your own proposals, before they are accepted")
    given = req.model_dump(mode="json", exclude_none=True, exclude={"kind", "id"})
    bad = set(given) - _EDITABLE[req.kind]
    if bad:
        raise ValidationError(f"a {req.kind} has no editable {', '.join(sorted(bad))}", field=min(bad))
    if not given:
        raise ValidationError("nothing to change", field="changes")
    current = item.model_dump(mode="json")
    changes: dict[str, Any] = {}
    for name, value in given.items():
        key = "kind" if name == "variable_kind" else name
        if key == "labels":
            value = {**current["labels"], **value}
        if current.get(key) != value:
            changes[key] = value
    if not changes:
        raise ConflictError("these values are already there: nothing changes")
    return [("update", {"kind": req.kind, "id": req.id, "changes": changes})]


# -- facilitator's actions -------------------------------------------------------
def accept(session: Session, actor: Actor, req: ItemRef) -> list[tuple[str, dict[str, Any]]]:
    _facilitator(actor)
    item = _find(session, req.kind, req.id)
    if item.accepted_by is not None:
        raise ConflictError(f"{req.kind} {req.id} is accepted already")
    return [("update", {"kind": req.kind, "id": req.id, "changes": {"accepted_by": actor.participant}})]


def remove(session: Session, actor: Actor, req: ItemRef) -> list[tuple[str, dict[str, Any]]]:
    """Remove an item; a variable takes its links and its mentions in ideas, initiatives and stories along."""
    _facilitator(actor)
    _find(session, req.kind, req.id)
    if req.kind != "variable":
        return [("remove", {"kind": req.kind, "id": req.id})]
    if session.outcome == req.id:
        raise ConflictError(f"'{req.id}' is the session's outcome", hint="choose another outcome first")
    out = [("remove", {"kind": "link", "id": link.id}) for link in session.links if req.id in (link.cause, link.effect)]
    out += _replace_mentions(session, req.id, None)
    out.append(("remove", {"kind": "variable", "id": req.id}))
    return out


def _replace_mentions(session: Session, old: str, new: str | None) -> list[tuple[str, dict[str, Any]]]:
    """Updates that make ideas, initiatives and stories name ``new`` instead of ``old`` (or drop it)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for idea in session.ideas:
        if any(t.variable == old for t in idea.targets):
            targets, seen = [], set()
            for t in idea.targets:
                var = new if t.variable == old else t.variable
                if var is not None and var not in seen:
                    seen.add(var)
                    targets.append({"variable": var, "direction": t.direction})
            out.append(("update", {"kind": "idea", "id": idea.id, "changes": {"targets": targets}}))
    for kind, items in (("initiative", session.initiatives), ("story", session.stories)):
        for item in items:
            if old in item.variables:
                names = list(dict.fromkeys(new if v == old else v for v in item.variables if (v != old or new)))
                out.append(("update", {"kind": kind, "id": item.id, "changes": {"variables": names}}))
    return out


def merge_changes(session: Session, keep: str, duplicate: str) -> list[tuple[str, dict[str, Any]]]:
    """Events that fold variable ``duplicate`` into its synonym ``keep``.

    Links of the duplicate are rewired to ``keep``; where ``keep`` already has
    that link, the two are one link and its supporters and disputers are
    pooled; a link between the two synonyms disappears. Ideas, initiatives,
    stories, themes and the outcome follow; the duplicate's labels are kept
    in ``keep``'s notes; then the duplicate is removed.
    """
    if keep == duplicate:
        raise ValidationError("a variable cannot be merged into itself", field="duplicate")
    k, d = session.variable(keep), session.variable(duplicate)
    out: list[tuple[str, dict[str, Any]]] = []
    pairs = {(link.cause, link.effect): link for link in session.links if duplicate not in (link.cause, link.effect)}
    pooled: dict[str, dict[str, list[str]]] = {}
    rewired: list[tuple[str, dict[str, Any]]] = []
    for link in session.links:
        if duplicate not in (link.cause, link.effect):
            continue
        cause = keep if link.cause == duplicate else link.cause
        effect = keep if link.effect == duplicate else link.effect
        if cause == effect:
            out.append(("remove", {"kind": "link", "id": link.id}))
            continue
        other = pairs.get((cause, effect))
        if other is None:
            pairs[(cause, effect)] = link.model_copy(update={"cause": cause, "effect": effect})
            rewired.append(("update", {"kind": "link", "id": link.id, "changes": {"cause": cause, "effect": effect}}))
            continue
        into = pooled.setdefault(other.id, {"supporters": list(other.supporters), "disputers": list(other.disputers)})
        for attr in ("supporters", "disputers"):
            into[attr] += [p for p in getattr(link, attr) if p not in into[attr]]
        out.append(("remove", {"kind": "link", "id": link.id}))
    for link_id, people in pooled.items():
        original = session.link(link_id)
        if (list(original.supporters), list(original.disputers)) == (people["supporters"], people["disputers"]):
            continue
        out.insert(0, ("update", {"kind": "link", "id": link_id, "changes": people}))
    out += rewired
    out += _replace_mentions(session, duplicate, keep)
    changes: dict[str, Any] = {}
    themes = list(dict.fromkeys((*k.themes, *d.themes)))
    if themes != list(k.themes):
        changes["themes"] = themes
    if k.kind is VariableKind.unknown and d.kind is not VariableKind.unknown:
        changes["kind"] = d.kind.value
    synonym = " / ".join(d.labels.values()) or d.id
    note = f"synonym merged in: {synonym} ({d.id})"
    changes["notes"] = f"{k.notes}\n{note}".strip() if k.notes else note
    labels = {lang: text for lang, text in d.labels.items() if lang not in k.labels}
    if labels:
        changes["labels"] = {**k.labels, **labels}
    out.append(("update", {"kind": "variable", "id": keep, "changes": changes}))
    if session.outcome == duplicate:
        out.append(("set", {"outcome": keep}))
    out.append(("remove", {"kind": "variable", "id": duplicate}))
    return out


def merge(session: Session, actor: Actor, req: Merge) -> list[tuple[str, dict[str, Any]]]:
    _facilitator(actor)
    return merge_changes(session, req.keep, req.duplicate)


def move_to_stage(session: Session, actor: Actor, req: MoveStage) -> list[tuple[str, dict[str, Any]]]:
    """Make ``stage`` the current one: the stages before it are locked, it and the later ones open."""
    _facilitator(actor)
    out = []
    for stage in session.stages:
        if stage.id not in STAGE_IDS:
            continue
        want = STAGE_IDS.index(stage.id) < STAGE_IDS.index(req.stage)
        if stage.locked != want:
            out.append(("update", {"kind": "stage", "id": stage.id, "changes": {"locked": want}}))
    if req.stage not in {st.id for st in session.stages}:
        raise NotFoundError(f"this session has no stage {req.stage}")
    if not out:
        raise ConflictError(f"{req.stage} is the current stage already")
    return out


def lock_stage(session: Session, actor: Actor, req: LockStage) -> list[tuple[str, dict[str, Any]]]:
    _facilitator(actor)
    stage = next((st for st in session.stages if st.id == req.stage), None)
    if stage is None:
        raise NotFoundError(f"this session has no stage {req.stage}")
    if stage.locked == req.locked:
        raise ConflictError(f"{req.stage} is {'locked' if req.locked else 'open'} already")
    return [("update", {"kind": "stage", "id": req.stage, "changes": {"locked": req.locked}})]
