"""What Rounds changes in the head of Streamlit's HTML page, through `st.App(middleware=...)`.

Fonts only when a page uses them. Streamlit 1.67's page asks for two fonts before anything is
drawn, whatever the page shows:
- its Material Symbols icon font (367 KiB), from its front end as it starts
  (`document.fonts.load` in its `preloadIconFont`);
- its Source Sans text font (171 KiB), from a `<link rel="preload" as="font">` in its HTML.
Learner pages draw no icon of their own, and Rounds' theme sets the device's own interface font
(`.streamlit/config.toml`), so a phone joining the poll downloaded both for nothing. A one-line
script at the top of the head skips the eager icon request, and the font preload is taken out.
Either font still loads, by the browser's own rule, as soon as something on the page is drawn
with it (the educator pages draw icons). Streamlit's own sidebar toggle draws its arrows with
the icon font: a style beside the script, there before the first element is drawn, shows them
as plain text instead.

No Streamlit import: this is plain ASGI.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
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
# Streamlit draws its "Skip to main content" link before the theme (and its font) arrives, in
# Source Sans: enough for the browser to download that font. Drawn in the theme's font instead.
# The theme's font, as `.streamlit/config.toml` sets it (tests/test_server.py checks they agree).
FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial"
SKIP_LINK_STYLE = f"[data-testid=stSkipToContent]{{font-family:{FONT_STACK},sans-serif!important}}"
TAG = f"<style>{TOGGLE_STYLE}{SKIP_LINK_STYLE}</style><script>{SCRIPT}</script>".encode()
_HEAD = b"<head>"
# Streamlit's `<link rel="preload" href="...woff2" as="font" ...>` (attributes in any order).
_FONT_PRELOAD = re.compile(rb"<link\b(?=[^>]*\brel=\"preload\")(?=[^>]*\bas=\"font\")[^>]*>\s*")
# Streamlit's own files (components, static assets) and Rounds' routes are never the page.
_NOT_THE_PAGE = ("/component/", "/static/", "/_stcore/", "/_rounds/", "/media/", "/app/static/")


@lru_cache(maxsize=8)  # the same page over and over: compress it once
def with_script(body: bytes, encoding: bytes = b"") -> bytes:
    """Return the page `body` (gzip if `encoding` says so) with the script, no font preload."""
    if not body:  # a HEAD request's
        return body
    html = gzip.decompress(body) if encoding == b"gzip" else body
    if _HEAD not in html:
        logger.warning("An HTML page without <head>: the fonts stay eager")
        return body
    html = _FONT_PRELOAD.sub(b"", html.replace(_HEAD, _HEAD + TAG, 1))
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


class PageHead:
    """ASGI middleware: Streamlit's HTML page with `with_script`'s changes to its head."""

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
