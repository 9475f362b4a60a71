"""HTTP routes added to Streamlit's Starlette server (see `server.py`). No Streamlit import."""

from __future__ import annotations

import base64
import gzip
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path

import plotly
from cachetools import TTLCache
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from rounds import signing
from rounds.live import LiveFeed

ATTEST_PATH = "/_rounds/attest"
JOIN_PREFIX = "/j/"
LIVE_PREFIX = "/_rounds/live/"
PLOTLY_PATH = "/_rounds/static/plotly.min.js"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# A 1x1 transparent GIF: the page loads the route as an image, so no script is needed.
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
_NO_STORE = {"Cache-Control": "no-store"}


class Exchanged:
    """The hand-off tokens this process has turned into cookies, for an hour.

    The page shows a token's pixel until its browser has the cookie; once the route has set it,
    the page can stop drawing the pixel on every run. With replicas behind a load balancer that
    does not keep a browser on one replica, a page may never learn it and keeps drawing it.
    """

    def __init__(self, ttl_s: float = 3600, size: int = 100_000) -> None:
        self._seen: TTLCache = TTLCache(maxsize=size, ttl=ttl_s)
        self._lock = threading.Lock()

    def add(self, token: str) -> None:
        """Record that `token` was exchanged for a cookie."""
        with self._lock:
            self._seen[token] = True

    def __contains__(self, token: str) -> bool:
        with self._lock:
            return token in self._seen


EXCHANGED = Exchanged()


def attestation_routes(secret: str, exchanged: Exchanged = EXCHANGED) -> list[Route]:
    """Return the route that turns a hand-off token into the HttpOnly attestation cookie."""

    async def attest(request: Request) -> Response:
        token = request.query_params.get("t")
        found = signing.read_handoff_token(secret, token)
        if found is None:
            return Response(status_code=204, headers=_NO_STORE)
        participant_id, valid_days = found
        response = Response(_PIXEL, media_type="image/gif", headers=_NO_STORE)
        response.set_cookie(
            signing.COOKIE_NAME,
            signing.attestation_cookie(secret, participant_id),
            max_age=valid_days * 86400,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        exchanged.add(token)
        return response

    return [Route(ATTEST_PATH, attest, methods=["GET"])]


def join_path(slug: str) -> str:
    """Return the short path a phone opens to join a module's poll."""
    return f"{JOIN_PREFIX}{slug}"


async def _join(request: Request) -> Response:
    slug = request.path_params["slug"]
    if not _SLUG.match(slug):
        return Response("No such module.", status_code=404, media_type="text/plain")
    return RedirectResponse(f"/poll?module={slug}", status_code=303)


def join_routes() -> list[Route]:
    """Return the short join route: `/j/<slug>` sends a phone to that module's poll."""
    return [Route(JOIN_PREFIX + "{slug}", _join, methods=["GET"])]


def live_path(slug: str, poll_key: str) -> str:
    """Return the server-sent-events path of a module's poll."""
    return f"{LIVE_PREFIX}{slug}/{poll_key}"


@cache
def _plotly_gzip() -> bytes:
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return gzip.compress(source.read_bytes(), compresslevel=9)


async def _plotly(request: Request) -> Response:
    body = _plotly_gzip()
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
    else:
        body = gzip.decompress(body)
    return Response(body, media_type="text/javascript", headers=headers)


def live_routes(feed: LiveFeed, known_polls: Callable[[], set[str]]) -> list[Route]:
    """Return the live-results stream (for polls in the content only) and plotly.js for it."""

    async def stream(request: Request) -> Response:
        poll = f"{request.path_params['slug']}/{request.path_params['poll']}"
        if poll not in known_polls():
            return Response("No such poll.", status_code=404, media_type="text/plain")

        async def events():
            yield "retry: 2000\n\n"
            async for data in feed.subscribe(poll):
                yield f"data: {data}\n\n" if data else ": keep-alive\n\n"

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    return [
        Route(LIVE_PREFIX + "{slug}/{poll}", stream, methods=["GET"]),
        Route(PLOTLY_PATH, _plotly, methods=["GET"]),
    ]
