"""HTTP hardening added to Streamlit's server through `st.App(middleware=...)`.

Security headers on every HTTP response, and a host allow-list (a request for another host name
is refused before it reaches Streamlit). No Streamlit import: this is plain ASGI.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rounds import icon_font

DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

# Streamlit's front end injects its styles at run time and plotly draws inline styles, hence
# 'unsafe-inline' for styles only; scripts come from the app's own origin. Frames: only the app's
# own (its live-results component); no other site may frame it.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(index_html: Path) -> list[str]:
    """Return CSP hash sources for the inline scripts of Streamlit's own index.html."""
    try:
        text = index_html.read_text(encoding="utf-8")
    except OSError:
        return []
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(text)
    ]


def _streamlit_index() -> Path:
    spec = importlib.util.find_spec("streamlit")  # locate its files without importing it
    origin = Path(spec.origin) if spec and spec.origin else Path(".")
    return origin.parent / "static" / "index.html"


# Scripts: the app's own origin, plus exactly the inline scripts Streamlit's page ships and the
# one Rounds adds to it (`rounds.icon_font`), by hash.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        " ".join(
            [
                "script-src 'self' 'unsafe-eval'",
                *inline_script_hashes(_streamlit_index()),
                icon_font.script_hash(),
            ]
        ),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
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


def hardening(hosts: Iterable[str], replica: str | None = None) -> list[Middleware]:
    """Return the middleware stack: host allow-list first, then the security headers.

    Last (nearest Streamlit, so it sees the page as Streamlit sends it): the script that keeps
    the icon font from loading on pages that draw no icon.
    """
    return [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)),
        Middleware(SecurityHeaders, replica=replica),
        Middleware(icon_font.LazyIconFont),
    ]
