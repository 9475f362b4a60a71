"""The few plain HTTP GETs a browser makes before it opens the websocket (stdlib asyncio only)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) rounds-loadgen/1"


@dataclass
class Response:
    """The parts of an HTTP response the load generator needs."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def cookies(self) -> dict[str, str]:
        """Return the name=value pairs of every Set-Cookie header."""
        found = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                found[key.strip()] = val.strip()
        return found


async def get(
    host: str, port: int, path: str, cookies: dict[str, str] | None = None, timeout: float = 30
) -> Response:
    """GET `path` over a fresh HTTP/1.1 connection (closed after the response)."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        "Accept-Encoding: gzip, deflate",
        "Connection: close",
    ]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            await writer.drain()
            return await reader.read(-1)
        finally:
            writer.close()

    raw = await asyncio.wait_for(exchange(), timeout)
    head, _, body = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1]) if head_lines and head_lines[0] else 0
    headers = []
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return Response(status, headers, body)


async def event_stream(
    host: str,
    port: int,
    path: str,
    cookies: dict[str, str],
    on_event: Callable[[str], None],
    timeout: float = 30,
) -> int:
    """Follow a `text/event-stream` as EventSource does, calling `on_event(data)` per event.

    Returns the `retry` delay (ms) the server asked for when the server ends the stream;
    raises OSError or TimeoutError when it cannot connect or answers with an error.
    """
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"User-Agent: {USER_AGENT}",
        "Accept: text/event-stream",
        "Cache-Control: no-cache",
        "Connection: keep-alive",
    ]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    retry = 3000
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        head_lines = head.decode("latin-1").split("\r\n")
        status = int(head_lines[0].split()[1])
        if status != 200:
            raise OSError(f"GET {path} answered {status}")
        chunked = any(
            line.lower().startswith("transfer-encoding:") and "chunked" in line.lower()
            for line in head_lines[1:]
        )
        pending = b""
        data: list[str] = []
        async for piece in _body(reader, chunked):
            pending += piece
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                line = raw.rstrip(b"\r").decode("utf-8", errors="replace")
                if not line:
                    if data:
                        on_event("\n".join(data))
                    data = []
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif line.startswith("retry:") and line[6:].strip().isdigit():
                    retry = int(line[6:].strip())
        return retry
    finally:
        writer.close()


async def _body(reader: asyncio.StreamReader, chunked: bool) -> AsyncIterator[bytes]:
    if not chunked:
        while piece := await reader.read(65536):
            yield piece
        return
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        yield await reader.readexactly(size)
        await reader.readexactly(2)
