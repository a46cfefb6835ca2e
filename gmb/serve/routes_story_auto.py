"""The served story page drafts a story from the analysis and exports a story as one offline page.

- ``POST /api/s/{sid}/stories/auto`` (facilitator): :func:`gmb.views.story.draft` from the live session,
  saved as presentation ``auto`` (an ``add`` event, or an ``update`` replacing an earlier draft — as
  ``gmb story NAME --auto`` does) with who (the facilitator's participant). The server keeps no
  ``ranking.json``, so the draft is made without the ideas' simulated effects, as the CLI does when
  there is none: the idea steps show the main path only (the what-if panel gives the numbers live).
- ``GET /api/s/{sid}/stories/{pid}/export?lang=`` (facilitator or projector key): the same self-contained
  HTML as ``gmb story NAME --export`` (:func:`gmb.views.story.story_html`: vis-network, the player and the
  data inlined, so it plays with no network), sent as a download named after the story.

>>> export_name("auto")
'story-auto.html'
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

import re
from typing import Any

from gmb.errors import AccessError
from gmb.session.model import Session

__all__ = ["auto_changes", "export_name", "install"]

_NO = {"export": {"da": "Kun facilitatorens eller projektorens nøgle kan hente en fortælling",
                  "en": "Only the facilitator's or the projector's key can download a story"},
       "draft": {"da": "Kun facilitatoren kan ændre fortællinger", "en": "Only the facilitator can change stories"}}  # fmt: skip


def _lang(session: Session, asked: str | None = None) -> str:
    # as routes_story.session_lang; not imported from there, since routes_story installs this module
    if asked in ("da", "en"):
        return asked
    return session.languages[0] if session.languages and session.languages[0] in ("da", "en") else "en"


def export_name(pid: str) -> str:
    """The download's file name: ``story-<id>.html``, ASCII only (ids may hold æ ø å).

    >>> export_name("rundtur_æble")
    'story-rundtur__ble.html'
    """
    return "story-" + re.sub(r"[^A-Za-z0-9_-]", "_", pid) + ".html"


def auto_changes(session: Session, actor: Any) -> list[tuple[str, dict[str, Any]]]:
    """The event saving a fresh draft: ``add`` the first time, else ``update`` of the earlier ``auto``."""
    from gmb.views.story import AUTO_ID, draft

    if not actor.is_facilitator:
        raise AccessError(_NO["draft"][_lang(session)])
    item = draft(session, None).model_dump(mode="json", exclude_defaults=True)
    old = next((p for p in session.presentations if p.id == AUTO_ID), None)
    if old is None:
        return [("add", {"kind": "presentation", "item": {**item, "author": actor.participant}})]
    changes = {k: v for k, v in item.items() if k != "id"}
    return [("update", {"kind": "presentation", "id": AUTO_ID, "changes": {**changes, "author": actor.participant}})]


def install(app: Any, access: Any) -> None:
    """Add the two routes (``access``: the app's :class:`gmb.serve.access.Access`)."""
    from fastapi import Request
    from fastapi.responses import Response

    workshops, auth = access.workshops, access.auth

    @app.post("/api/s/{sid}/stories/auto")
    def draft_story(request: Request, sid: str) -> dict[str, Any]:
        from gmb.views.story import AUTO_ID

        out = access.write(request, sid, auto_changes)
        return {**out, "id": AUTO_ID}

    @app.get("/api/s/{sid}/stories/{pid}/export")
    def export_story(request: Request, sid: str, pid: str, lang: str | None = None) -> Response:
        from gmb.views.story import find_presentation, story_html

        actor = auth(request, sid, write=False)
        session = workshops.live(sid).session
        lang = _lang(session, lang)
        if actor.role not in ("facilitator", "viewer"):
            raise AccessError(_NO["export"][lang])
        html = story_html(session, find_presentation(session, pid), lang=lang)
        head = {"Content-Disposition": f'attachment; filename="{export_name(pid)}"'}
        return Response(html.encode("utf-8"), media_type="text/html; charset=utf-8", headers=head)
