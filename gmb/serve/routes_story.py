"""Map stories in the served workshop: the facilitator builds them in the browser, the projector plays them.

- ``GET /s`` the story page (``static/story.html`` + ``story.js``, the player ``story_play.js`` shared
  with the offline export). With the facilitator's key it is the editor and the remote control; with
  the projector's key it is the player that follows the facilitator.
- ``GET /api/s/{sid}/stories`` (any key of the session): the presentations, the one playing, the log's seq.
- ``GET /api/s/{sid}/stories/map?lang=`` and ``GET /api/s/{sid}/stories/{pid}/play?lang=``: the map, and
  a story's steps in ``lang`` (:func:`gmb.views.story.story_data`; a step's what-if is computed live by
  ``POST /api/s/{sid}/whatif``).
- ``GET /api/s/{sid}/stories/path/{idea}``: an idea's main path to the outcome (to highlight it in a step).
- ``POST /api/s/{sid}/stories`` (facilitator): ``{"id", "title": {da, en}, "steps": [...], "lang"}`` saves a
  presentation — an ``add`` event, or an ``update`` of every field — with who (the facilitator's
  participant id) and when, through the one write path (:meth:`gmb.serve.access.Access.write`).
  Refusals name the step and field, in ``lang`` (default: the session's first language).
- ``POST /api/s/{sid}/stories/{pid}/remove`` (facilitator): a ``remove`` event.
- ``POST /api/s/{sid}/stories/play`` ``{"story": id or null, "step": n}``: the facilitator starts, moves or
  stops the story on the projector; the projector's key may move the step of the story playing (its ← →
  keys). A view setting like the projector's panel (:class:`gmb.serve.room.Room`), not logged; every
  page follows it through the live feed (``story`` in the view).

>>> msg("da", "unknown", what="variabel", id="x", where="steps[0].variables")
"Trin 1: ukendt variabel 'x'"
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

import re
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from gmb.errors import AccessError, ConflictError, NotFoundError, ValidationError
from gmb.serve.actions import Body, ItemId
from gmb.session.model import Session

__all__ = ["MAX_STEPS", "PlayIn", "StepIn", "StoryIn", "install", "msg", "story_changes"]

MAX_STEPS = 100
Lang = Literal["da", "en"]
Caption = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Ids = list[ItemId]

_MSG = {
    "unknown": {"da": "Trin {n}: ukendt {what} '{id}'", "en": "Step {n}: unknown {what} '{id}'"},
    "empty": {"da": "Trin {n} viser intet: vælg variabler, en løkke eller en vej",
              "en": "Step {n} shows nothing: pick variables, a loop or a path"},
    "caption": {"da": "Trin {n} mangler en billedtekst", "en": "Step {n} has no caption"},
    "id": {"da": "Fortællingens navn: bogstaver, tal, - eller _ (højst 64)",
           "en": "The story's name: letters, digits, - or _ (at most 64)"},
    "facilitator": {"da": "Kun facilitatoren kan ændre fortællinger", "en": "Only the facilitator can change stories"},
    "same": {"da": "Intet er ændret", "en": "Nothing changed"},
    "no_story": {"da": "Ingen fortælling '{id}'", "en": "No story '{id}'"},
    "viewer": {"da": "Projektoren kan kun bladre i fortællingen, der vises",
               "en": "The projector can only step through the story that is playing"},
    "whatif": {"da": "Trin {n}: hvad-nu-hvis-indstillingen er ugyldig ({detail})",
               "en": "Step {n}: the what-if setting is not valid ({detail})"},
}  # fmt: skip
_WHAT = {"variable": {"da": "variabel", "en": "variable"}, "link": {"da": "pil", "en": "link"},
         "idea": {"da": "idé", "en": "idea"}}  # fmt: skip


def msg(lang: str, key: str, *, where: str | None = None, **kw: Any) -> str:
    """Refusal ``key`` in ``lang``; ``where`` (``steps[i]…``) gives the step number people count from 1."""
    if where is not None:
        found = re.match(r"steps\[(\d+)\]", where)
        kw["n"] = int(found.group(1)) + 1 if found else "?"
    return _MSG[key]["da" if lang == "da" else "en"].format(**kw)


class StepIn(Body):
    title: dict[Lang, Title] = Field(default_factory=dict)
    captions: dict[Lang, Caption] = Field(default_factory=dict)
    variables: Ids = Field(default_factory=list, max_length=2000)
    links: Ids = Field(default_factory=list, max_length=5000)
    loop: Ids = Field(default_factory=list, max_length=2000)
    path: Ids = Field(default_factory=list, max_length=2000)
    whatif: dict[str, Any] | None = None


class StoryIn(Body):
    id: str = Field(max_length=64)
    title: dict[Lang, Title] = Field(default_factory=dict)
    steps: list[StepIn] = Field(default_factory=list, max_length=MAX_STEPS)
    lang: Lang | None = None


class PlayIn(Body):
    story: ItemId | None = None
    step: int = Field(default=0, ge=0, le=MAX_STEPS)


def _check_step(session: Session, step: StepIn, i: int, lang: str) -> None:
    where = f"steps[{i}]"
    known = {"variable": {v.id for v in session.variables}, "link": {link.id for link in session.links},
             "idea": {idea.id for idea in session.ideas}}  # fmt: skip
    for part, kind in (("variables", "variable"), ("loop", "variable"), ("path", "variable"), ("links", "link")):
        for value in getattr(step, part):
            if value not in known[kind]:
                raise ValidationError(msg(lang, "unknown", where=where, what=_WHAT[kind][lang], id=value),
                                      field=f"{where}.{part}")  # fmt: skip
    if not (step.variables or step.loop or step.path or step.links):
        raise ValidationError(msg(lang, "empty", where=where), field=f"{where}.variables")
    if not any(step.captions.values()):
        raise ValidationError(msg(lang, "caption", where=where), field=f"{where}.captions")
    if step.whatif is not None:
        from pydantic import ValidationError as PydanticError

        from gmb.session.model import StepWhatif

        try:
            setting = StepWhatif.model_validate(step.whatif)
        except PydanticError as exc:
            err = exc.errors()[0]
            detail = ".".join(str(p) for p in err["loc"]) + ": " + err["msg"]
            raise ValidationError(msg(lang, "whatif", where=where, detail=detail), field=f"{where}.whatif") from None
        for idea in setting.ideas:
            if idea not in known["idea"]:
                raise ValidationError(msg(lang, "unknown", where=where, what=_WHAT["idea"][lang], id=idea),
                                      field=f"{where}.whatif.ideas.{idea}")  # fmt: skip


def story_changes(session: Session, actor: Any, req: StoryIn) -> list[tuple[str, dict[str, Any]]]:
    """The ``add`` or ``update`` event saving ``req`` (checked first, refusals in the request's language)."""
    lang = req.lang or (session.languages[0] if session.languages and session.languages[0] in ("da", "en") else "en")
    if not actor.is_facilitator:
        raise AccessError(msg(lang, "facilitator"))
    if not re.fullmatch(r"[A-Za-z0-9æøåÆØÅ_-]{1,64}", req.id):
        raise ValidationError(msg(lang, "id"), field="id")
    for i, step in enumerate(req.steps):
        _check_step(session, step, i, lang)
    item = {"id": req.id, "title": dict(req.title), "source": "web",
            "steps": [{k: v for k, v in step.model_dump().items() if v not in (None, [], {})} for step in req.steps]}  # fmt: skip
    old = next((p for p in session.presentations if p.id == req.id), None)
    if old is None:
        return [("add", {"kind": "presentation", "item": {**item, "author": actor.participant}})]
    from gmb.session.model import Presentation

    new = Presentation.model_validate({**item, "author": old.author})
    if new == old:
        raise ConflictError(msg(lang, "same"))
    changes = {k: v for k, v in new.model_dump(mode="json").items() if k != "id"}
    return [("update", {"kind": "presentation", "id": req.id, "changes": changes})]


def _find(session: Session, pid: str, lang: str):
    for p in session.presentations:
        if p.id == pid:
            return p
    raise NotFoundError(msg(lang, "no_story", id=pid), field="story")


def session_lang(session: Session, asked: str | None) -> str:
    """``asked`` if it is da or en, else the session's first language if it is, else English."""
    if asked in ("da", "en"):
        return asked
    return session.languages[0] if session.languages and session.languages[0] in ("da", "en") else "en"


def install(app: Any, access: Any) -> None:
    """Add the page and the routes (``access``: the app's :class:`gmb.serve.access.Access`)."""
    from gmb.serve import routes_story_auto  # draft from the analysis, export offline: before /stories/{pid}/…

    routes_story_auto.install(app, access)
    _install_reads(app, access)
    _install_writes(app, access)
    _install_files(app)


def _install_reads(app: Any, access: Any) -> None:
    from fastapi import Request

    workshops, auth, room = access.workshops, access.auth, access.room

    @app.get("/api/s/{sid}/stories")
    def stories(request: Request, sid: str) -> dict[str, Any]:
        auth(request, sid, write=False)
        live = workshops.live(sid)
        return {"seq": live.seq, "playing": room.story(sid), "languages": list(live.session.languages),
                "presentations": [p.model_dump(mode="json") for p in live.session.presentations]}  # fmt: skip

    @app.get("/api/s/{sid}/stories/map")
    def story_map(request: Request, sid: str, lang: str | None = None) -> dict[str, Any]:
        from gmb.session.model import Presentation
        from gmb.views.story import story_data

        auth(request, sid, write=False)
        session = workshops.live(sid).session
        return story_data(session, Presentation(id="map"), lang=session_lang(session, lang))["map"]

    @app.get("/api/s/{sid}/stories/path/{idea}")
    def story_path(request: Request, sid: str, idea: str) -> dict[str, Any]:
        from gmb.cld import to_graph
        from gmb.views.story import main_path

        auth(request, sid, write=False)
        session = workshops.live(sid).session
        session.idea(idea)  # NotFoundError naming the known ideas
        found = main_path(to_graph(session), idea, time_limit=2.0)
        return {"idea": idea, "variables": list(found.variables) if found else [],
                "links": list(found.links) if found else []}  # fmt: skip

    @app.get("/api/s/{sid}/stories/{pid}/play")
    def story_play(request: Request, sid: str, pid: str, lang: str | None = None) -> dict[str, Any]:
        from gmb.views.story import story_data

        auth(request, sid, write=False)
        session = workshops.live(sid).session
        lang = session_lang(session, lang)
        return {"id": pid, **story_data(session, _find(session, pid, lang), lang=lang)}


def _install_writes(app: Any, access: Any) -> None:
    from fastapi import Request

    workshops, auth, room = access.workshops, access.auth, access.room

    @app.post("/api/s/{sid}/stories")
    def save_story(request: Request, sid: str, body: StoryIn) -> dict[str, Any]:
        return access.write(request, sid, lambda s, a: story_changes(s, a, body))

    @app.post("/api/s/{sid}/stories/{pid}/remove")
    def remove_story(request: Request, sid: str, pid: str) -> dict[str, Any]:
        def build(session: Session, actor: Any):
            lang = session_lang(session, None)
            if not actor.is_facilitator:
                raise AccessError(msg(lang, "facilitator"))
            _find(session, pid, lang)
            return [("remove", {"kind": "presentation", "id": pid})]

        if room.story(sid).get("id") == pid:
            room.set_story(sid, None, 0)
            access.feed.refresh(sid)
        return access.write(request, sid, build)

    @app.post("/api/s/{sid}/stories/play")
    def play(request: Request, sid: str, body: PlayIn) -> dict[str, Any]:
        actor = auth(request, sid, write=True)
        session = workshops.live(sid).session
        lang = session_lang(session, None)
        playing = room.story(sid)
        if actor.role == "viewer":
            if body.story is None or body.story != playing.get("id"):
                raise AccessError(msg(lang, "viewer"))
        elif not actor.is_facilitator:
            raise AccessError(msg(lang, "facilitator"))
        step = body.step
        if body.story is not None:
            step = min(step, max(0, len(_find(session, body.story, lang).steps) - 1))
        out = room.set_story(sid, body.story, step)
        access.feed.refresh(sid)
        return out


def _install_files(app: Any) -> None:
    from fastapi.responses import Response

    static = resources.files("gmb.serve") / "static"

    def asset(data: bytes, media: str) -> Response:
        return Response(data, media_type=media + "; charset=utf-8")

    @app.get("/s", include_in_schema=False)
    def story_page() -> Response:
        return asset((static / "story.html").read_bytes(), "text/html")

    @app.get("/static/story.js", include_in_schema=False)
    def story_js() -> Response:
        return asset((static / "story.js").read_bytes(), "text/javascript")

    @app.get("/static/story_play.js", include_in_schema=False)
    def story_play_js() -> Response:
        from gmb.views.story import player_js

        return asset(player_js().encode("utf-8"), "text/javascript")

    @app.get("/static/story-visual.js", include_in_schema=False)
    def story_visual_js() -> Response:
        from gmb.views.style import visual_js

        return asset(visual_js().encode("utf-8"), "text/javascript")
