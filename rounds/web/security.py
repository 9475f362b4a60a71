"""HTTP hardening added to Streamlit's server through `st.App(middleware=...)`.

A ceiling on concurrent connections per client address and in total, a host allow-list (a
request for another host name is refused before it reaches Streamlit), security headers on every
HTTP response, and Streamlit routes Rounds does not use (file upload, metrics) refused. No
Streamlit import: this is plain ASGI.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import resource
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rounds.web import page_head
from rounds.web.static import streamlit_static_dir

log = logging.getLogger(__name__)

DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

# Streamlit's front end injects its styles at run time and plotly draws inline styles, hence
# 'unsafe-inline' for styles only; scripts come from the app's own origin. Frames: only the app's
# own (its live-results component); no other site may frame it.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(index_html: Path) -> list[str]:
    """Return CSP hash sources for the inline scripts of Streamlit's own index.html."""
    try:
        text = index_html.read_text(encoding="utf-8")
    except OSError as error:
        log.error(
            "cannot read %s (%s): the CSP allows none of its inline scripts", index_html, error
        )
        return []
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(text)
    ]


# Scripts: the app's own origin, plus exactly the inline scripts Streamlit's page ships and the
# one Rounds adds to it (`rounds.web.page_head`), by hash.
# No 'unsafe-eval': nothing in Rounds' pages evaluates strings as code (measured by
# tests/browser/test_csp_browser.py over every page). 'wasm-unsafe-eval' lets WebAssembly be
# compiled, not JavaScript be evaluated: Streamlit's protobuf library (long.js) compiles a tiny
# module for 64-bit arithmetic on every page (it would fall back to JavaScript, but report a
# violation each time).
# Connections: the app's own origin only ('self' covers its ws:/wss: websocket since CSP3).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        " ".join(
            [
                "script-src 'self' 'wasm-unsafe-eval'",
                *inline_script_hashes(streamlit_static_dir() / "index.html"),
                page_head.script_hash(),
            ]
        ),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "SAMEORIGIN",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """ASGI middleware that adds `SECURITY_HEADERS` to every HTTP response (not replacing).

    With a `replica` name it also says which replica answered (`X-Rounds-Replica`), for
    operators and for the test that checks stickiness behind a load balancer.
    """

    def __init__(self, app: ASGIApp, replica: str | None = None) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        if replica:
            self.headers["x-rounds-replica"] = replica

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in self.headers.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allowed_hosts(configured: str | None) -> list[str]:
    """Return the host names the server answers for (`ROUNDS_ALLOWED_HOSTS`, comma-separated)."""
    if not configured:
        return list(DEFAULT_ALLOWED_HOSTS)
    return [h.strip() for h in configured.split(",") if h.strip()]


# Streamlit routes Rounds has no use for: it has no file uploader (an open upload route let one
# client park hundreds of megabytes in the server's memory), and its metrics are for operators,
# not the public. Refused in every method, before Streamlit reads a byte of the body.
REFUSED_ROUTES = ("/_stcore/upload_file", "/_stcore/metrics")
_SLASHES = re.compile(r"/{2,}")


def is_refused_route(path: str) -> bool:
    """Return whether `path` is (or is under) one of `REFUSED_ROUTES`, however it is slashed."""
    clean = _SLASHES.sub("/", path).rstrip("/")
    return any(clean == route or clean.startswith(route + "/") for route in REFUSED_ROUTES)


class RefuseRoutes:
    """ASGI middleware that answers 404 for `REFUSED_ROUTES`, whatever the method."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 404 at once for a refused route; pass anything else on."""
        if scope["type"] != "http" or not is_refused_route(scope["path"]):
            await self.app(scope, receive, send)
            return
        await _answer(send, 404, b"Not found")


async def _answer(send: Send, status: int, body: bytes, headers: list | None = None) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# Connection ceilings. A room of 500 phones behind one conference NAT shares one address, each
# phone holding its websocket, its live-results stream and the odd page request: a few thousand
# per address lets such a room in. The total stays below the process's file descriptor limit,
# so that the server can still accept (and refuse), open its database and answer health checks.
ENV_PER_CLIENT = "ROUNDS_MAX_CONNECTIONS_PER_CLIENT"
ENV_TOTAL = "ROUNDS_MAX_CONNECTIONS"
DEFAULT_PER_CLIENT = 3000
_RESERVED_DESCRIPTORS = 1000  # kept free for the database, files, logs and refusals
UNCOUNTED_PATHS = ("/_stcore/health", "/healthz")  # answered at once; load balancers need them


def connection_ceilings(env: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Return (per client address, total) from the environment, or defaults from RLIMIT_NOFILE."""
    env = os.environ if env is None else env
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65536
    default_total = max(soft - _RESERVED_DESCRIPTORS, soft // 2)
    total = int(env.get(ENV_TOTAL) or default_total)
    per_client = int(env.get(ENV_PER_CLIENT) or min(DEFAULT_PER_CLIENT, total))
    if per_client < 1 or total < 1:
        raise ValueError(f"{ENV_PER_CLIENT} and {ENV_TOTAL} must be at least 1")
    return per_client, total


class ConnectionLimit:
    """ASGI middleware: at most `per_client` concurrent requests and websockets per client
    address, and `total` in all; above that, HTTP gets 503 and a websocket is closed unaccepted.

    A request counts from its start to the end of its response (so a websocket or a live-results
    stream counts while it is open). The client address is uvicorn's: behind a proxy it trusts
    (`FORWARDED_ALLOW_IPS`), the address the proxy forwarded.
    """

    def __init__(self, app: ASGIApp, per_client: int, total: int) -> None:
        self.app = app
        self.per_client = per_client
        self.total = total
        self.open: Counter[str] = Counter()
        self.open_total = 0
        self._refusing: set[str] = set()  # addresses refused since they were last let in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the connection while it lasts, or refuse it above a ceiling."""
        if scope["type"] not in ("http", "websocket") or scope["path"] in UNCOUNTED_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self.open_total >= self.total or self.open[client] >= self.per_client:
            self._note_refusal(client)
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1013})  # 1013: try again later
            else:
                await _answer(send, 503, b"Too many connections", [(b"retry-after", b"5")])
            return
        if client in self._refusing:
            self._refusing.discard(client)
            log.info("accepting connections from %s again", client)
        self.open[client] += 1
        self.open_total += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open_total -= 1
            self.open[client] -= 1
            if self.open[client] <= 0:
                del self.open[client]

    def _note_refusal(self, client: str) -> None:
        if client in self._refusing:
            return  # logged once per episode, not once per connection
        if len(self._refusing) >= 10_000:
            self._refusing.clear()  # many addresses refused at once: bound what is remembered
        self._refusing.add(client)
        log.warning(
            "refusing connections from %s: %d open from it (ceiling %d), %d in all (ceiling %d)",
            client,
            self.open[client],
            self.per_client,
            self.open_total,
            self.total,
        )


def hardening(
    hosts: Iterable[str],
    replica: str | None = None,
    ceilings: tuple[int, int] | None = None,
) -> list[Middleware]:
    """Return the middleware stack, outermost first: connection ceilings, host allow-list,
    security headers, refused routes; last (nearest Streamlit, so it sees the page as Streamlit
    sends it) the script that keeps the icon font from loading on pages that draw no icon."""
    per_client, total = ceilings or connection_ceilings()
    return [
        Middleware(ConnectionLimit, per_client=per_client, total=total),
        Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)),
        Middleware(SecurityHeaders, replica=replica),
        Middleware(RefuseRoutes),
        Middleware(page_head.PageHead),
    ]
