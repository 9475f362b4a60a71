"""Streamlit's icon font only when a page draws an icon, through `st.App(middleware=...)`.

Streamlit 1.67's front end asks for its Material Symbols font (367 KiB) as it starts, on every
page (`document.fonts.load` in its `preloadIconFont`), whether or not the page shows an icon.
Learner pages draw no icon of their own, so a phone joining the poll downloaded it for nothing.
A one-line script put at the top of Streamlit's HTML page skips that eager request; the font
still loads, by the browser's own rule, as soon as a page draws an icon with it (the educator
pages do). Streamlit's own sidebar toggle draws its arrows with that font too: a style beside
the script, there before the first element is drawn, shows them as plain text instead.
No Streamlit import: this is plain ASGI.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
from functools import lru_cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

FAMILY = "Material Symbols"
SCRIPT = (
    "(function(){var f=document.fonts,load=f.load.bind(f);"
    "f.load=function(font,text){return font.indexOf(" + repr(FAMILY).replace("'", '"') + ")>=0"
    "?Promise.resolve([]):load(font,text);};})();"
)
TOGGLE_STYLE = (
    "[data-testid=stExpandSidebarButton] [data-testid=stIconMaterial],"
    "[data-testid=stSidebarCollapseButton] [data-testid=stIconMaterial]{display:none}"
    "[data-testid=stExpandSidebarButton]::after,[data-testid=stSidebarCollapseButton] button::after"
    '{content:"\\00BB";font-size:1.75rem;line-height:1;color:rgba(47,45,43,.6)}'
    '[data-testid=stSidebarCollapseButton] button::after{content:"\\00AB"}'
)
TAG = f"<style>{TOGGLE_STYLE}</style><script>{SCRIPT}</script>".encode()
_HEAD = b"<head>"
# Streamlit's own files (components, static assets) and Rounds' routes are never the page.
_NOT_THE_PAGE = ("/component/", "/static/", "/_stcore/", "/_rounds/", "/media/", "/app/static/")


@lru_cache(maxsize=8)  # the same page over and over: compress it once
def with_script(body: bytes, encoding: bytes = b"") -> bytes:
    """Return the page `body` (gzip-compressed if `encoding` says so) with the script in it."""
    if not body:  # a HEAD request's
        return body
    html = gzip.decompress(body) if encoding == b"gzip" else body
    if _HEAD not in html:
        logger.warning("An HTML page without <head>: the icon font stays eager")
        return body
    html = html.replace(_HEAD, _HEAD + TAG, 1)
    return gzip.compress(html, mtime=0) if encoding == b"gzip" else html


def script_hash() -> str:
    """Return the CSP hash source of the script (see `rounds.web.security`)."""
    digest = hashlib.sha256(SCRIPT.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def _gzip_only(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() != b"accept-encoding":
        return header
    return name, b"gzip" if b"gzip" in value.lower() else b"identity"


class LazyIconFont:
    """ASGI middleware that puts `SCRIPT` first in the head of Streamlit's HTML page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; rewrite the body of an HTML page (plain or gzip-compressed)."""
        path = scope.get("path", "")
        if scope["type"] != "http" or any(p in path for p in _NOT_THE_PAGE):
            await self.app(scope, receive, send)
            return
        # Ask the apps inside (Rounds' static files answer the page compressed) for gzip at most:
        # this rewrite reads gzip; the page is a few KiB, so brotli would save next to nothing.
        scope = {**scope, "headers": [_gzip_only(h) for h in scope.get("headers", [])]}
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                page = headers.get(b"content-type", b"").startswith(b"text/html")
                if page and headers.get(b"content-encoding", b"gzip") == b"gzip":
                    start = message  # held until the whole body is here
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            encoding = {k.lower(): v for k, v in start.get("headers", [])}.get(
                b"content-encoding", b""
            )
            body = with_script(b"".join(chunks), encoding)
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, rewrite)
