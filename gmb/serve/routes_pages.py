"""The plain HTML/JS pages and their files: join, participant, facilitator, projector, new session.

Kept apart from :mod:`gmb.serve.app` because these routes need no key: they serve the bundled
static files (and vis-network from inside pyvis, never from a CDN), the map's visual language
(``visual.js``/``visual.css`` from :mod:`gmb.views.style`, the same code as the static map's), the
favicon and the health check.

>>> sorted(PAGES)
['/', '/f', '/new', '/p', '/v']
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at definition time.

from importlib import resources
from pathlib import Path
from typing import Any

from gmb.errors import NotFoundError, StoreError

__all__ = ["ASSETS", "PAGES", "VISUAL", "install_pages", "install_plain", "vis_network_dir"]

PAGES = {"/": "join.html", "/p": "participant.html", "/f": "facilitator.html", "/v": "projector.html",
         "/new": "new.html"}  # fmt: skip
ASSETS = {
    "app.js": "text/javascript",
    "travel.js": "text/javascript",
    "i18n.js": "text/javascript",
    "style.css": "text/css",
}
#: the static map's shared look (legend, link and node styles), served so the live map draws with the same code
VISUAL = {"visual.js": "text/javascript", "visual.css": "text/css"}


def vis_network_dir() -> Path:
    """The vis-network files that ship inside pyvis (served from here; never from a CDN)."""
    import pyvis

    base = Path(pyvis.__file__).parent
    for candidate in sorted(base.glob("**/vis-network.min.js"), reverse=True):  # newest version first
        if (candidate.parent / "vis-network.css").is_file():
            return candidate.parent
    raise StoreError("vis-network.min.js not found inside the pyvis package", file=str(base))


def _static(name: str) -> bytes:
    return (resources.files("gmb.serve") / "static" / name).read_bytes()


def install_pages(app: Any, vis_dir: Path) -> None:
    """Add the page routes and ``/static/{name}`` (``vis_dir``: from :func:`vis_network_dir`)."""
    from fastapi.responses import Response

    def page(name: str):
        body = _static(name)

        def handler() -> Response:
            return Response(body, media_type="text/html; charset=utf-8")

        return handler

    for path, name in PAGES.items():
        app.get(path, include_in_schema=False)(page(name))

    from gmb.views.style import visual_css, visual_js

    visual = {"visual.js": visual_js().encode("utf-8"), "visual.css": visual_css().encode("utf-8")}

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name in ASSETS:
            return Response(_static(name), media_type=ASSETS[name] + "; charset=utf-8")
        if name in VISUAL:
            return Response(visual[name], media_type=VISUAL[name] + "; charset=utf-8")
        if name in ("vis-network.min.js", "vis-network.css"):
            media = "text/javascript" if name.endswith(".js") else "text/css"
            return Response((vis_dir / name).read_bytes(), media_type=media + "; charset=utf-8",
                            headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip
        raise NotFoundError(f"no file {name!r}")


def install_plain(app: Any) -> None:
    """Add ``/favicon.ico`` (nothing) and ``/api/health`` (``ok``)."""
    from fastapi.responses import PlainTextResponse, Response

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/api/health")
    def health() -> PlainTextResponse:
        return PlainTextResponse("ok")
