"""Slow clients are dropped: a request must arrive whole within ``request_timeout`` seconds.

uvicorn times out idle keep-alive connections, but not a connection that sends half a request
line, half its headers or half its body and then waits: such a connection (and its file
descriptor) stayed open for ever, so a few hundred of them exhausted the server. This protocol
(uvicorn's h11 one, plus a timer) arms a timer when a connection opens and whenever the first
byte of a new request arrives, and cancels it once the whole request (headers and body) has been
received; if it fires first, the connection is closed. A handler waiting for the rest of the body
then sees the client go away. Responses (including long live-update streams) are not limited.

>>> TimedH11Protocol.request_timeout > 0
True
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["REQUEST_TIMEOUT_S", "TimedH11Protocol", "protocol_with_timeout"]

#: seconds a client has to send one whole request (request line, headers and body)
REQUEST_TIMEOUT_S = 20.0


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for receiving each request."""

    request_timeout = REQUEST_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._request_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if self._request_timer is None:
            self._request_timer = self.loop.call_later(self.request_timeout, self._request_timed_out)

    def _disarm(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm()  # the first bytes of a new request: the clock starts
        super().data_received(data)
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._disarm()  # the whole request is in; answering it may take as long as it takes

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection that did not send a whole request in %.0f s", self.request_timeout)
            self.transport.close()


def protocol_with_timeout(seconds: float) -> type[TimedH11Protocol]:
    """A :class:`TimedH11Protocol` subclass with its own deadline (for ``uvicorn.run(http=...)``).

    >>> protocol_with_timeout(5).request_timeout
    5.0
    """
    return type("TimedH11Protocol", (TimedH11Protocol,), {"request_timeout": float(seconds)})
