"""A lean HTTP/1.1 client for the room benchmark: raw asyncio streams, one connection per screen.

Why not httpx: with 50 posting clients and 51 open streams in one process, httpx's connection pool
scanned every connection on every request (``_assign_requests_to_connections``: two thirds of the
client's CPU in a py-spy profile), and that CPU came out of the same 2 cores the server runs on, so
the benchmark measured its own client as much as the server. Here each participant has its own
keep-alive connection for its changes (as each phone has) and each screen its own stream
connection; a response is read with ``Content-Length`` or ``Transfer-Encoding: chunked`` and
nothing else. What is measured does not change: the time from just before a change's request is
written to the moment a screen's stream has delivered the patch that contains it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable

SEQ = re.compile(rb'"seq": (\d+)')


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def send(self, method: str, path: str, key: str | None = None, body: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if key:
            head.append(f"Authorization: Bearer {key}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)

    async def head(self) -> tuple[int, dict[str, str]]:
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    async def chunk(self) -> bytes:
        """The next chunk of a chunked body (b"" at its end)."""
        size = int((await self.reader.readline()).split(b";")[0], 16)
        data = await self.reader.readexactly(size + 2)
        return data[:-2]

    async def request(self, method: str, path: str, key: str | None = None, body: dict | None = None):
        """Send a request and read the whole answer: ``(status, body bytes)``."""
        if self.writer is None:
            await self.open()
        self.send(method, path, key, body)
        status, headers = await self.head()
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        else:
            parts = []
            while part := await self.chunk():
                parts.append(part)
            await self.reader.readline()
            data = b"".join(parts)
        return status, data


async def listen(host: str, port: int, path: str, key: str, seen: list[tuple[int, float]], ready: asyncio.Event,
                 clock: Callable[[], float] = time.perf_counter) -> None:  # fmt: skip
    """Read one screen's server-sent events; append ``(seq, time)`` per patch (``(-1, t)`` per reset).

    The patch's JSON starts ``{"from": …, "to": …, "seq": N``: the first ``"seq"`` in a block is enough.
    """
    conn = Connection(host, port)
    await conn.open()
    try:
        conn.send("GET", path, key)
        status, _ = await conn.head()
        if status != 200:
            raise RuntimeError(f"the stream answered {status}")
        buffer = b""
        while part := await conn.chunk():
            buffer += part
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                if block.startswith(b"event: patch"):
                    seen.append((int(SEQ.search(block, 0, 140).group(1)), clock()))
                elif b"event: hello" in block:
                    ready.set()
                elif block.startswith(b"event: reset"):
                    seen.append((-1, clock()))  # a screen told to refetch: counted as a miss
    finally:
        conn.close()
