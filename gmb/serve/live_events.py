"""Live events: the hub that wakes waiting streams, the poll loop, and the server-sent-events route.

Kept apart from :mod:`gmb.serve.app` because it is the one asynchronous part of the app: writes by
this process wake streams at once through :class:`Hub`; :func:`poll` notices other processes'
writes; ``GET /api/s/{sid}/stream`` sends each watcher the patches (see :mod:`gmb.serve.feed`).

>>> import asyncio
>>> hub = Hub()
>>> hub.bump("s", 3)
>>> asyncio.run(hub.wait("s", 2, timeout=0.01)), asyncio.run(hub.wait("s", 3, timeout=0.01))
(True, False)
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (Request is imported late).

import asyncio
import logging
from collections.abc import Callable
from typing import Any

__all__ = ["Hub", "install_stream", "poll"]


class Hub:
    """Tells waiting live streams that a session has moved on (from any thread)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.seqs: dict[str, int] = {}
        self._events: dict[str, asyncio.Event] = {}
        self.watching: dict[str, int] = {}
        self.listeners: list[Callable[[str], None]] = []

    def publish(self, sid: str, seq: int) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self.bump, sid, seq)
            except RuntimeError:  # the loop closed meanwhile (shutting down)
                pass

    def bump(self, sid: str, seq: int) -> None:
        if seq > self.seqs.get(sid, -1):
            self.seqs[sid] = seq
            for listener in self.listeners:
                listener(sid)
            ev = self._events.pop(sid, None)
            if ev is not None:
                ev.set()

    async def wait(self, sid: str, seen: int, timeout: float) -> bool:
        """Wait until ``sid`` is past ``seen``; False after ``timeout`` seconds without news."""
        if self.seqs.get(sid, -1) > seen:
            return True
        ev = self._events.setdefault(sid, asyncio.Event())
        try:
            await asyncio.wait_for(ev.wait(), timeout)
            return True
        except TimeoutError:
            return False


async def poll(hub: Hub, database: Any, poll_interval: float) -> None:
    """Bump ``hub`` with each watched session's last event number every ``poll_interval`` seconds."""
    from starlette.concurrency import run_in_threadpool

    # Writes by this process wake streams at once; this also notices other processes' writes.
    while True:
        await asyncio.sleep(poll_interval)
        for sid in [s for s, n in hub.watching.items() if n > 0]:
            try:
                hub.bump(sid, await run_in_threadpool(database.last_seq, sid))
            except Exception as exc:  # noqa: BLE001 - a session removed or the database briefly away
                # keep polling the other sessions and try this one again next round, but say so
                logging.getLogger("gmb.serve").warning("polling session %s for changes failed: %s", sid, exc)


def install_stream(app: Any, access: Any) -> None:
    """Add ``GET /api/s/{sid}/stream`` (``access`` is the app's :class:`gmb.serve.access.Access`)."""
    from fastapi import Request
    from fastapi.responses import StreamingResponse
    from starlette.concurrency import run_in_threadpool

    hub, feed = access.hub, access.feed

    @app.get("/api/s/{sid}/stream")
    async def stream(request: Request, sid: str):
        """Server-sent events: ``patch`` (JSON: from, to, seq, set, del, top) or ``reset`` (fetch the state)."""
        await run_in_threadpool(access.auth, request, sid, write=False)
        asked = request.query_params.get("from", "")
        current = (await run_in_threadpool(feed.full, sid))[0]
        # A page older than this server process (versions restart at 1) starts afresh from "hello".
        start = int(asked) if asked.isdigit() and int(asked) <= current else current

        async def messages():
            hub.watching[sid] = hub.watching.get(sid, 0) + 1
            try:
                sent = start
                yield f"retry: 1000\nevent: hello\ndata: {current}\n\n"
                while True:
                    latest, text = feed.since(sid, sent)
                    if text is None:
                        yield f"event: reset\ndata: {latest}\n\n"
                        sent = latest
                    elif text:
                        yield text
                        sent = latest
                    elif not await feed.wait(sid, sent, 15.0):
                        yield ": still here\n\n"
            finally:
                hub.watching[sid] -= 1

        return StreamingResponse(messages(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})  # fmt: skip
