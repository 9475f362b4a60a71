"""A recorded cold join's HTTP requests, replayed as a phone's browser makes them.

`bench/record_join.py` writes the list (`bench/requests/cold-join.json`): every request the
page and its frames made. The protocol client (`stclient`, `bench/loadgen/live.py`) already
makes some of them itself: the page, `/_stcore/health` and `/_stcore/host-config`, the
attestation image and the live-results stream. This module replays all the others, each with
the `Accept-Encoding` Chromium sent, over up to six kept-alive connections (what Chromium
opens per host over HTTP/1.1), and counts the bytes received: the static files at page load,
the live-results frame's files when it is first drawn. `check` compares a running server with
the recording before a load run, so that a bench never replays a list the app no longer serves.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from stclient.http import USER_AGENT

RECORDING = Path(__file__).resolve().parents[1] / "requests" / "cold-join.json"
CHROMIUM_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
CONNECTIONS = 6  # Chromium's connections per host over HTTP/1.1
SPOKEN_BY_CLIENT = re.compile(r"^/(_stcore/(health|host-config)$|_rounds/attest|_rounds/live/)")
FRAME = re.compile(r"^/(component/|_rounds/static/)")
_LINKED = re.compile(r'(?:src|href)="\./(static/[^"?]+)"')


@dataclass(frozen=True)
class Request:
    """One recorded request: what to ask and what the recording got."""

    path: str
    accept_encoding: str
    status: int
    type: str


@dataclass
class Recording:
    """The requests of a cold join, split by when a browser makes them."""

    page_load: list[Request]  # the static files and the rest of the page's first load
    frame: list[Request]  # the live-results frame's files, when the results are first drawn
    document: str  # the page's own path (loaded by the protocol client)

    @property
    def all(self) -> list[Request]:
        """Return every request this module replays."""
        return self.page_load + self.frame


def load(path: Path = RECORDING) -> Recording:
    """Read a recording; keep the GETs that the protocol client does not make itself."""
    data = json.loads(path.read_text(encoding="utf-8"))
    page_load, frame, document = [], [], ""
    for item in data["requests"]:
        path_ = item["path"]
        if item["method"] != "GET" or item.get("from_cache") or item["type"] == "EventSource":
            continue
        if item["type"] == "Document" and not document and item["status"] == 200:
            document = path_  # the page after the /j/ redirect: Session.open loads it
            continue
        if SPOKEN_BY_CLIENT.match(path_.split("?")[0]):
            continue
        request = Request(
            path_,
            item.get("accept_encoding") or CHROMIUM_ACCEPT_ENCODING,
            int(item["status"]),
            item["type"],
        )
        (frame if FRAME.match(path_) else page_load).append(request)
    return Recording(page_load, frame, document)


@dataclass
class Fetched:
    """What replaying some requests received."""

    requests: int = 0
    bytes: int = 0  # status line, headers and body as received
    mismatches: list[str] = field(default_factory=list)  # a status the recording did not get


class Connection:
    """One kept-alive HTTP/1.1 connection, as a browser holds it."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(
        self, path: str, accept_encoding: str, cookies: dict[str, str]
    ) -> tuple[int, int, dict[str, str]]:
        """GET `path`; return (status, bytes received, headers)."""
        for attempt in (0, 1):  # a kept-alive connection the server closed: reopen once
            if self._streams is None:
                self._streams = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.timeout
                )
            try:
                return await asyncio.wait_for(
                    self._exchange(path, accept_encoding, cookies), self.timeout
                )
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, path: str, accept_encoding: str, cookies: dict[str, str]
    ) -> tuple[int, int, dict[str, str]]:
        reader, writer = self._streams
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"User-Agent: {USER_AGENT}",
            "Accept: */*",
            f"Accept-Encoding: {accept_encoding}",
            "Connection: keep-alive",
        ]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        status = int(head_lines[0].split()[1])
        headers = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        received = len(head)
        if status in (204, 304) or 100 <= status < 200:
            pass
        elif "content-length" in headers:
            received += len(await reader.readexactly(int(headers["content-length"])))
        elif "chunked" in headers.get("transfer-encoding", ""):
            received += await _chunked(reader)
        else:
            received += len(await reader.read(-1))
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, received, headers

    def close(self) -> None:
        """Drop the connection."""
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


async def _chunked(reader: asyncio.StreamReader) -> int:
    received = 0
    while True:
        size_line = await reader.readline()
        received += len(size_line)
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            received += len(await reader.readline())
            return received
        received += len(await reader.readexactly(size + 2))


async def fetch_all(
    host: str,
    port: int,
    requests: list[Request],
    cookies: dict[str, str] | None = None,
    timeout: float = 60,
    connections: int = CONNECTIONS,
) -> Fetched:
    """Replay `requests` over up to `connections` kept-alive connections; count what came."""
    result = Fetched()
    pending = list(reversed(requests))
    cookies = cookies or {}

    async def worker() -> None:
        conn = Connection(host, port, timeout)
        try:
            while pending:
                request = pending.pop()
                status, received, _ = await conn.get(request.path, request.accept_encoding, cookies)
                result.requests += 1
                result.bytes += received
                if status != request.status:
                    result.mismatches.append(f"{request.path}: {status}, recorded {request.status}")
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(min(connections, len(requests)))))
    return result


async def check(host: str, port: int, recording: Recording) -> list[str]:
    """Return how the running app differs from the recording (empty: it serves the same files).

    Every replayed request must get the status it got when recorded, a static file must not
    come back as the page HTML (Streamlit answers it for an unknown path), and every file the
    page links to must be in the recording.
    """
    problems = []
    conn = Connection(host, port, 30)
    try:
        for request in recording.all:
            if request.path.startswith("/component/"):
                # Served once a script run has declared the component, by the process that ran
                # it: behind nginx, another replica may not have yet. The participants' own
                # replay of these counts any mismatch.
                continue
            status, _, headers = await conn.get(request.path, request.accept_encoding, {})
            if status != request.status:
                problems.append(f"{request.path}: answered {status}, recorded {request.status}")
            elif request.path.startswith("/static/") and "text/html" in headers.get(
                "content-type", ""
            ):
                problems.append(f"{request.path}: answered with the page HTML, not the file")
        page = await _page_html(conn, recording.document)
    finally:
        conn.close()
    recorded = {r.path.split("?")[0] for r in recording.all}
    for linked in _LINKED.findall(page):
        if f"/{linked}" not in recorded:
            problems.append(f"the page links to /{linked}, which the recording does not hold")
    return problems


async def _page_html(conn: Connection, path: str) -> str:
    reader_writer = await asyncio.open_connection(conn.host, conn.port)
    reader, writer = reader_writer
    try:
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {conn.host}:{conn.port}\r\n"
                "Accept: text/html\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(-1), 30)
    finally:
        writer.close()
    return raw.partition(b"\r\n\r\n")[2].decode("utf-8", errors="replace")
