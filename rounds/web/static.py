"""Streamlit's own scripts, styles and fonts: compressed once per process, cached for good.

Streamlit 1.67 sends the files of its `static` folder uncompressed through the Python process
and leaves compression to a proxy in front; a phone joining a room downloads about 2.9 MB of
them. `CompressedStaticFiles` (an ASGI middleware added through `st.App(middleware=...)`) answers
`GET /static/...` itself, from the static folder of the installed Streamlit:

- each file is read once; a compressible one (scripts, styles, SVG, JSON) is gzipped (level 9)
  at its first request and kept, and brotli-compressed (quality 11, the smallest) by one
  background thread at the lowest CPU priority, then kept too: no request waits for brotli, no
  file is compressed twice. The files Streamlit's page links to are compressed at start-up;
- content-hashed names (`index.DormvYxC.js`) are `Cache-Control: public, max-age=31536000,
  immutable`: a browser never asks for them again; a name without a hash is revalidated;
- a path that names no file of the folder is a 404 (Streamlit answers its page HTML there).

The page HTML (Streamlit's `index.html`, which Streamlit serves for every page path) still
comes from Streamlit; when a page load's answer is that file, this middleware sends its own
compressed copy with a content ETag and `Cache-Control: no-cache`, and a 304 when the browser
already holds it. `write_precompressed` writes the same files with `.gz` and `.br` beside them,
for nginx to serve from disk (`deploy/cluster.py`). No Streamlit import: plain ASGI.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.util
import logging
import os
import queue
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is in requirements.txt; gzip alone still works
    brotli = None

log = logging.getLogger(__name__)

PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Vite names every built file `<name>.<8-character content hash>.<ext>`.
HASHED_NAME = re.compile(r"\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
}
COMPRESSIBLE = frozenset({".js", ".css", ".html", ".json", ".map", ".svg", ".ttf", ".txt"})
MIN_COMPRESS = 1024  # smaller bodies are sent as they are
_LINKED = re.compile(r'(?:src|href)="\./(static/[^"]+)"')


def streamlit_static_dir() -> Path:
    """Return the `static` folder of the installed Streamlit (without importing it)."""
    spec = importlib.util.find_spec("streamlit")
    origin = Path(spec.origin) if spec and spec.origin else Path(".")
    return origin.parent / "static"


def linked_files(index_html: bytes) -> list[str]:
    """Return the static files (`static/...`) a Streamlit page links to, in order."""
    return list(dict.fromkeys(_LINKED.findall(index_html.decode("utf-8", errors="replace"))))


def accepted(accept_encoding: str) -> set[str]:
    """Return the codings an `Accept-Encoding` header accepts (those without `q=0`)."""
    found = set()
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        if coding and not (params and _is_zero(quality)):
            found.add(coding.strip())
    return found


def _is_zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


@dataclass
class Entry:
    """One file as it is sent: its bytes, compressed variants and headers."""

    body: bytes
    media_type: str
    etag: str  # the content's hash, quoted; a variant's tag adds "-gz" or "-br"
    cache_control: str
    gzip: bytes | None = None
    br: bytes | None = None  # filled later by the background thread

    @property
    def compressible(self) -> bool:
        """Say whether the file has compressed variants (and so varies by Accept-Encoding)."""
        return self.gzip is not None

    def variant(self, accept_encoding: str) -> tuple[bytes, str | None]:
        """Return the smallest body the client accepts and its coding (None: as it is)."""
        if self.gzip is None:
            return self.body, None
        codings = accepted(accept_encoding)
        if self.br is not None and "br" in codings:
            return self.br, "br"
        if "gzip" in codings:
            return self.gzip, "gzip"
        return self.body, None

    def matches(self, if_none_match: str) -> bool:
        """Say whether an `If-None-Match` header names this content (any variant)."""
        if not if_none_match:
            return False
        base = self.etag.strip('"')
        return if_none_match.strip() == "*" or base in if_none_match


def make_entry(body: bytes, suffix: str, cache_control: str) -> Entry:
    """Build a file's entry: its ETag and, if worth it, its gzip variant (brotli comes later)."""
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    media_type = MEDIA_TYPES.get(suffix, "application/octet-stream")
    entry = Entry(body, media_type, etag, cache_control)
    if suffix in COMPRESSIBLE and len(body) >= MIN_COMPRESS:
        entry.gzip = gzip.compress(body, compresslevel=9, mtime=0)
    return entry


def compress_brotli(body: bytes) -> bytes | None:
    """Return `body` brotli-compressed at the smallest setting (None without brotli)."""
    return brotli.compress(body, quality=11) if brotli is not None else None


def _lowest_priority() -> None:
    """Run this thread at the lowest CPU priority (Linux sets niceness per thread)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux: the default priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class StaticStore:
    """The files of one static folder, each read and compressed once, kept for the process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Every file, by its path relative to the folder: a request can only name one of these.
        self.paths = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
        self._entries: dict[str, Entry] = {}
        self._lock = threading.RLock()  # `load` queues the brotli work while holding it
        self._queue: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None

    def _later(self, task: Callable[[], object]) -> None:
        """Queue work for the background thread (a daemon: it never delays the exit)."""
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="rounds-static-compress", daemon=True
                )
                self._worker.start()
        self._queue.put(task)

    def _work(self) -> None:
        _lowest_priority()
        while True:
            task = self._queue.get()
            try:
                task()
            except Exception:  # a file left uncompressed is still served
                log.exception("background compression failed")
            finally:
                self._queue.task_done()

    def cached(self, name: str) -> Entry | None:
        """Return a file's entry if it was loaded already (no file access)."""
        return self._entries.get(name)

    def load(self, name: str) -> Entry | None:
        """Return a file's entry, reading and gzipping it on first use (None: no such file)."""
        found = self._entries.get(name)
        if found is not None or name not in self.paths:
            return found
        with self._lock:
            found = self._entries.get(name)
            if found is None:
                path = self.paths[name]
                hashed = name.startswith("static/") and HASHED_NAME.search(path.name)
                found = make_entry(
                    path.read_bytes(), path.suffix.lower(), IMMUTABLE if hashed else REVALIDATE
                )
                self._entries[name] = found
                if found.compressible:  # brotli once, by the background thread
                    self._later(lambda: _add_brotli(found))
        return found

    def warm(self, names: Iterable[str]) -> None:
        """Load and compress these files in the background thread (e.g. at start-up)."""
        for name in names:
            self._later(lambda name=name: self.load(name))

    def wait_idle(self) -> None:
        """Wait until the background compression queued so far is done (for tests)."""
        self._queue.join()


def _add_brotli(entry: Entry) -> None:
    entry.br = compress_brotli(entry.body)


class CompressedStaticFiles:
    """ASGI middleware: Streamlit's static files and page HTML, compressed once and cached."""

    def __init__(self, app: ASGIApp, store: StaticStore) -> None:
        self.app = app
        self.store = store
        index = store.paths.get("index.html")
        self.index = make_entry(index.read_bytes(), ".html", REVALIDATE) if index else None
        if self.index is not None and self.index.gzip is not None:
            self.index.br = compress_brotli(self.index.body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer static files; pass everything else on, swapping in the cached page HTML."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(PREFIX):
            name = path[1:]
            if name not in self.store.paths:  # no file of the folder, wherever the path points
                await _send_plain(send, 404, b"Not found.")
                return
            entry = self.store.cached(name) or await anyio.to_thread.run_sync(self.store.load, name)
            await _send_entry(scope, send, entry)
            return
        if self.index is not None and _wants_html(scope) and scope["method"] == "GET":
            await self._page(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _page(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let Streamlit answer a page load; if the answer is its index.html, send ours."""
        # Ask for the plain body so that it can be compared with index.html as it is.
        headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        inner = {**scope, "headers": headers}
        held: list[Message] = []
        body = bytearray()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 200 and _is_html(message):
                    held.append(message)
                    return
            elif held and message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                if bytes(body) == self.index.body:
                    await _send_entry(scope, send, self.index)
                else:
                    await send(held[0])
                    await send({"type": "http.response.body", "body": bytes(body)})
                return
            await send(message)

        await self.app(inner, receive, capture)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def _wants_html(scope: Scope) -> bool:
    return "text/html" in _header(scope, b"accept")


def _is_html(message: Message) -> bool:
    for key, value in message.get("headers", []):
        if key.lower() == b"content-type":
            return value.startswith(b"text/html")
    return False


async def _send_entry(scope: Scope, send: Send, entry: Entry) -> None:
    headers = [(b"cache-control", entry.cache_control.encode())]
    if entry.compressible:
        headers.append((b"vary", b"Accept-Encoding"))
    if entry.matches(_header(scope, b"if-none-match")):
        headers.append((b"etag", entry.etag.encode()))
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body, coding = entry.variant(_header(scope, b"accept-encoding"))
    etag = entry.etag if coding is None else f'{entry.etag[:-1]}-{coding[:2]}"'
    headers += [
        (b"content-type", entry.media_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"etag", etag.encode()),
    ]
    if coding is not None:
        headers.append((b"content-encoding", coding.encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


async def _send_plain(send: Send, status: int, text: bytes) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(text)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


def static_files(
    root: Path | None = None, warm: bool = True, page: Callable[[bytes], bytes] = lambda b: b
) -> Middleware:
    """Return the middleware serving Streamlit's static folder; warm the files the page links
    to first (the page as `page` makes it of Streamlit's `index.html`)."""
    store = StaticStore(root or streamlit_static_dir())
    if warm and "index.html" in store.paths:
        store.warm(linked_files(page(store.paths["index.html"].read_bytes())))
    return Middleware(CompressedStaticFiles, store=store)


def write_precompressed(files: dict[str, Path], dest: Path, workers: int = 2) -> None:
    """Copy `files` (URL path -> file) under `dest` with `.gz` and `.br` beside the compressible.

    For a server that sends a file's precompressed neighbour as it is (nginx `gzip_static`,
    `brotli_static`). The folder is written next to `dest` and renamed into place at the end;
    `dest` must not exist yet (if another process wrote it meanwhile, that copy is kept).
    """
    staging = dest.with_name(dest.name + f".{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)

    def one(item: tuple[str, Path]) -> None:
        url, source = item
        target = staging / url.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        body = source.read_bytes()
        target.write_bytes(body)
        suffix = source.suffix.lower()
        if suffix in COMPRESSIBLE and len(body) >= MIN_COMPRESS:
            target.with_name(target.name + ".gz").write_bytes(
                gzip.compress(body, compresslevel=9, mtime=0)
            )
            if (compressed := compress_brotli(body)) is not None:
                target.with_name(target.name + ".br").write_bytes(compressed)

    with ThreadPoolExecutor(workers) as pool:  # zlib and brotli release the GIL
        list(pool.map(one, sorted(files.items())))
    try:
        staging.rename(dest)
    except OSError:  # written meanwhile by another process: theirs is the same
        shutil.rmtree(staging, ignore_errors=True)
        if not dest.is_dir():
            raise


def streamlit_files(root: Path | None = None) -> dict[str, Path]:
    """Return Streamlit's static files by URL path (`/static/js/...`, `/favicon.png`)."""
    root = root or streamlit_static_dir()
    return {
        "/" + p.relative_to(root).as_posix(): p
        for p in root.rglob("*")
        if p.is_file() and p.name != "index.html"
    }
