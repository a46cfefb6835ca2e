"""The ASGI middleware in front of every route: body size limit, JSON-only bodies, security headers.

Kept apart from :mod:`gmb.serve.app` because it works on raw ASGI messages, below FastAPI: a too
large body is refused (413) before any handler reads it, and every answer carries the same
Content-Security-Policy and friends.

>>> "frame-ancestors 'none'" in CSP
True
"""

import json

__all__ = ["CSP", "Guard"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class Guard:
    """ASGI middleware: body size limit, JSON-only request bodies, security headers on every response."""

    def __init__(self, app, *, max_body: int, large: dict[str, int]) -> None:
        self.app, self.max_body, self.large = app, max_body, large

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        limit = self.large.get(scope["path"], self.max_body)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if scope["path"].startswith("/api/"):
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        async def refuse(status: int, text: str) -> None:
            body = json.dumps({"error": text}).encode()
            await send_with_headers({"type": "http.response.start", "status": status,
                                     "headers": [(b"content-type", b"application/json"),
                                                 (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(413, f"the request body is larger than {limit} bytes")
            return
        has_body = (length is not None and int(length) > 0) or "transfer-encoding" in headers
        if scope["method"] in ("POST", "PUT", "PATCH") and has_body and scope["path"].startswith("/api/"):
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json":
                await refuse(415, "send JSON (Content-Type: application/json)")
                return
        # Read the (small) body first: too large -> 413 before any handler sees it.
        chunks, size = [], 0
        if scope["method"] in ("POST", "PUT", "PATCH"):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                size += len(message.get("body", b""))
                if size > limit:
                    await refuse(413, f"the request body is larger than {limit} bytes")
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)
