"""Slow clients are dropped: a request must arrive whole within ``request_timeout`` seconds.

uvicorn times out idle keep-alive connections, but not a connection that sends half a request
line, half its headers or half its body and then waits: such a connection (and its file
descriptor) stayed open for ever, so a few hundred of them exhausted the server. This protocol
(uvicorn's h11 one, plus a timer) arms a timer when a connection opens and whenever the first
byte of a new request arrives, and cancels it once the whole request (headers and body) has been
received; if it fires first, the connection is closed. A handler waiting for the rest of the body
then sees the client go away. Responses (including long live-update streams) are not limited.

When ``httptools`` is installed (``uvicorn[standard]``), the same deadline is put on uvicorn's
httptools protocol (:func:`timed_httptools_protocol`), which parses requests in C: in the room
benchmark it took less server CPU per change than h11. Without it, the h11 protocol is used, as before.

>>> TimedH11Protocol.request_timeout > 0
True
"""

from __future__ import annotations

import asyncio
import functools

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["REQUEST_TIMEOUT_S", "TimedH11Protocol", "protocol_with_timeout", "timed_httptools_protocol"]

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


@functools.cache
def timed_httptools_protocol() -> type | None:
    """uvicorn's httptools protocol with the same deadline per request; None if httptools is not installed.

    The timer is armed when a connection opens and when a request's first bytes are parsed
    (``on_message_begin``), and cancelled once the whole request is in (``on_message_complete``).

    >>> cls = timed_httptools_protocol()
    >>> cls is None or cls.request_timeout == REQUEST_TIMEOUT_S
    True
    """
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # plain uvicorn, without httptools: the h11 protocol serves
        return None

    class TimedHttpToolsProtocol(HttpToolsProtocol):
        request_timeout = REQUEST_TIMEOUT_S

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._request_timer: asyncio.TimerHandle | None = None
            self._arm()

        def on_message_begin(self) -> None:
            self._arm()  # the first bytes of a new request: the clock starts
            super().on_message_begin()

        def on_message_complete(self) -> None:
            self._disarm()  # the whole request is in; answering it may take as long as it takes
            super().on_message_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        _arm, _disarm = TimedH11Protocol._arm, TimedH11Protocol._disarm
        _request_timed_out = TimedH11Protocol._request_timed_out

    return TimedHttpToolsProtocol


def protocol_with_timeout(seconds: float, *, parser: str = "auto") -> type:
    """A protocol class with its own request deadline (for ``uvicorn.run(http=...)``).

    ``parser``: ``"httptools"`` (C parser, when installed), ``"h11"`` (pure Python), or ``"auto"``
    (httptools if it is installed, else h11).

    >>> protocol_with_timeout(5, parser="h11").request_timeout
    5.0
    >>> protocol_with_timeout(5).request_timeout
    5.0
    """
    base = timed_httptools_protocol() if parser in ("auto", "httptools") else None
    if base is None:
        if parser == "httptools":
            raise ImportError("httptools is not installed (pip install 'uvicorn[standard]')")
        base = TimedH11Protocol
    return type(base.__name__, (base,), {"request_timeout": float(seconds)})
