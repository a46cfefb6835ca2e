"""Routes that change a session's content: contributions (variables, links, ideas, opinions, votes,
doses, edits) and the facilitator's tools (accept, remove, merge, move stage, lock).

Kept apart from :mod:`gmb.serve.app`: each route is one call of :meth:`gmb.serve.access.Access.write`
with the matching builder from :mod:`gmb.serve.actions`, so every change is an event in the log.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

from typing import Any

from gmb.serve import actions
from gmb.serve.access import Access

__all__ = ["install_contributions", "install_facilitation"]


def added_id(events) -> str:
    """The id of the item the last event added."""
    return events[-1].data["item"]["id"]


def install_contributions(app: Any, access: Access) -> None:
    """Add the participants' (and facilitator's) contribution routes under ``/api/s/{sid}/``."""
    from fastapi import Request

    write = access.write

    @app.post("/api/s/{sid}/variables")
    def add_variable(request: Request, sid: str, body: actions.NewVariable) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.add_variable(s, a, body), new_id=added_id)

    @app.post("/api/s/{sid}/links")
    def add_link(request: Request, sid: str, body: actions.NewLink) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.add_link(s, a, body), new_id=added_id)

    @app.post("/api/s/{sid}/ideas")
    def add_idea(request: Request, sid: str, body: actions.NewIdea) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.add_idea(s, a, body), new_id=added_id)

    @app.post("/api/s/{sid}/links/{link_id}/opinion")
    def opinion(request: Request, sid: str, link_id: str, body: actions.Opinion) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.opinion(s, a, link_id, body))

    @app.post("/api/s/{sid}/ideas/{idea_id}/vote")
    def vote(request: Request, sid: str, idea_id: str) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.vote(s, a, idea_id, on=True))

    @app.post("/api/s/{sid}/ideas/{idea_id}/unvote")
    def unvote(request: Request, sid: str, idea_id: str) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.vote(s, a, idea_id, on=False))

    @app.post("/api/s/{sid}/ideas/{idea_id}/dose")
    def set_dose(request: Request, sid: str, idea_id: str, body: actions.DoseIn) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.set_dose(s, a, idea_id, body))

    @app.post("/api/s/{sid}/edit")
    def edit(request: Request, sid: str, body: actions.Edit) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.edit(s, a, body))


def install_facilitation(app: Any, access: Access) -> None:
    """Add the facilitator's routes: accept, remove, merge, stage and lock under ``/api/s/{sid}/``."""
    from fastapi import Request

    write = access.write

    @app.post("/api/s/{sid}/accept")
    def accept(request: Request, sid: str, body: actions.ItemRef) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.accept(s, a, body))

    @app.post("/api/s/{sid}/remove")
    def remove(request: Request, sid: str, body: actions.ItemRef) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.remove(s, a, body))

    @app.post("/api/s/{sid}/merge")
    def merge(request: Request, sid: str, body: actions.Merge) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.merge(s, a, body))

    @app.post("/api/s/{sid}/stage")
    def stage(request: Request, sid: str, body: actions.MoveStage) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.move_to_stage(s, a, body))

    @app.post("/api/s/{sid}/lock")
    def lock(request: Request, sid: str, body: actions.LockStage) -> dict[str, Any]:
        return write(request, sid, lambda s, a: actions.lock_stage(s, a, body))
