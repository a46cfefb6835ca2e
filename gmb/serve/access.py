"""Who is asking: the web app's key check, admin check, rate limits and its one way to write.

Kept apart from :mod:`gmb.serve.app` because every router needs these checks and must make them
the same way: :class:`Access` holds what the app was made with (the workshops, the limits, the
hashed admin key, the live parts) and the route modules take it as their one argument.

>>> from types import SimpleNamespace
>>> _bearer(SimpleNamespace(headers={"authorization": "Bearer abc "}))
'abc'
>>> _bearer(SimpleNamespace(headers={"authorization": "Basic abc"})) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gmb.errors import AccessError
from gmb.serve.feed import Feed
from gmb.serve.room import Room
from gmb.serve.security import Limits, NotAuthenticated, RateLimited, TokenBuckets
from gmb.serve.workshops import Actor, Workshops

__all__ = ["GUESSES", "Access"]

GUESSES = "global:wrong-join-codes"


def _bearer(request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _client(request) -> str:
    return request.client.host if request.client else "unknown"


@dataclass
class Access:
    """What the routes share: the workshops, limits and live parts, and the checks made on every request."""

    workshops: Workshops
    limits: Limits
    buckets: TokenBuckets
    admin_hash: bytes | None
    hub: Any
    room: Room
    feed: Feed
    lang: str
    vis_dir: Path

    def anonymous(self, request) -> None:
        """Rate-limit a request without a (valid) key by its address."""
        limits = self.limits
        wait = self.buckets.take("ip:" + _client(request), burst=limits.anonymous_burst, rate=limits.anonymous_rate)
        if wait:
            raise RateLimited("too many requests from this address; wait a moment", retry_after=wait)

    def auth(self, request, sid: str | None, *, write: bool) -> Actor:
        """The actor whose key the request carries, for session ``sid`` (None: any), rate limited."""
        key = _bearer(request)
        try:
            if key is None:
                raise NotAuthenticated("this needs a key (Authorization: Bearer …)",
                                       hint="open your facilitator, projector or participant link")  # fmt: skip
            actor = self.workshops.authenticate(key)
        except NotAuthenticated:
            self.anonymous(request)  # failed attempts are rate limited per address: no guessing
            raise
        if sid is not None and actor.session != sid:
            raise AccessError("this key belongs to another session")
        limits = self.limits
        burst, rate = (limits.write_burst, limits.write_rate) if write else (limits.read_burst, limits.read_rate)
        wait = self.buckets.take(("w:" if write else "r:") + actor.key_id, burst=burst, rate=rate)
        if wait:
            raise RateLimited("too many requests; slow down a little", retry_after=wait)
        return actor

    def admin(self, request) -> None:
        """Refuse unless the request carries the server's admin key (compared in constant time)."""
        key = _bearer(request)
        if self.admin_hash is None:
            raise AccessError("creating sessions over the web is switched off on this server",
                              hint="use the admin link gmb serve prints, or gmb serve --import")  # fmt: skip
        given = hashlib.sha256((key or "").encode()).digest()
        if key is None or not hmac.compare_digest(given, self.admin_hash):
            self.anonymous(request)
            raise NotAuthenticated("wrong or missing admin key")
        self.anonymous(request)

    def write(self, request, sid: str, build: Callable, *, new_id: Callable | None = None) -> dict[str, Any]:
        """Check the key, commit ``build(session, actor)``'s changes, answer the new events' numbers."""
        actor = self.auth(request, sid, write=True)
        events = self.workshops.commit(sid, actor, lambda session: build(session, actor))
        out: dict[str, Any] = {"seq": events[-1].seq if events else None, "events": [e.seq for e in events]}
        if new_id is not None and events:
            out["id"] = new_id(events)
        return out
