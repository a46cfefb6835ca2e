"""How the web app refuses: HTTP status of each :class:`gmb.errors.GmbError` and the error handlers.

Kept apart from :mod:`gmb.serve.app` so that every refusal, whether ours, Starlette's or a failed
request validation, has one documented ``{"error": …, "field": …, "hint": …}`` shape in one place.

>>> from gmb.errors import NotFoundError
>>> status_for(NotFoundError("no such session"))
404
"""

# No ``from __future__ import annotations``: FastAPI reads the handlers' annotations at definition time.

from typing import Any

from gmb.errors import AccessError, ConflictError, GmbError, InputError, NotFoundError, StoreError
from gmb.serve.security import NotAuthenticated, RateLimited

__all__ = ["install_refusals", "status_for"]


def status_for(exc: GmbError) -> int:
    """The HTTP status of a refusal."""
    for cls, code in (
        (RateLimited, 429),
        (NotAuthenticated, 401),
        (AccessError, 403),
        (NotFoundError, 404),
        (ConflictError, 409),
        (InputError, 422),
        (StoreError, 503),
    ):
        if isinstance(exc, cls):
            return code
    return 400


def install_refusals(app: Any) -> None:
    """Add the exception handlers that turn refusals into ``{"error": …}`` JSON answers."""
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(GmbError)
    async def _gmb_error(request: Request, exc: GmbError):
        body = {"error": exc.message, "field": exc.field, "hint": exc.hint}
        headers = {"Retry-After": str(max(1, round(exc.retry_after)))} if isinstance(exc, RateLimited) else None
        return JSONResponse({k: v for k, v in body.items() if v is not None}, status_code=status_for(exc),
                            headers=headers)  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        # Starlette's own refusals (unknown route, wrong method, a body that is not UTF-8 JSON) get the
        # documented {"error": …} shape too, never {"detail": …}.
        message = exc.detail if isinstance(exc.detail, str) else "malformed request"
        if exc.status_code == 400 and "parsing the body" in message:
            message = "the request body is not valid JSON in UTF-8"
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = str(first.get("msg", "malformed request")).removeprefix("Value error, ")
        return JSONResponse({"error": message, "field": field or None}, status_code=422)
