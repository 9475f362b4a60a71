"""HTTP routes added to Streamlit's Starlette server (see `server.py`). No Streamlit import."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import plotly
from cachetools import TTLCache
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from rounds.rules.certificates import LONGEST_TYPED, Verdict, check_key, verdict_text
from rounds.rules.educator import SESSION_HOURS
from rounds.store import throttle, tokens
from rounds.store.certificates import verify_certificate
from rounds.web import signing
from rounds.web.live import LiveFeed

if TYPE_CHECKING:
    from rounds.store.engine import Engine

log = logging.getLogger(__name__)

ATTEST_PATH = "/_rounds/attest"
EDUCATOR_PATH = "/_rounds/educator"
JOIN_PREFIX = "/j/"
VERIFY_PREFIX = "/verify/"
LIVE_PREFIX = "/_rounds/live/"
PLOTLY_PATH = "/_rounds/static/plotly.min.js"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_CODE = re.compile(r"^[0-9]{4}$")
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


def _same_origin(request: Request) -> bool:
    """Return whether the browser says this request comes from the app's own pages.

    `Sec-Fetch-Site` is set by every current browser and cannot be set by a page's script: a
    link or redirect from another site says `cross-site`, a typed or pasted address `none`.
    A client that sends no such header is no browser another site could drive.
    """
    return request.headers.get("sec-fetch-site", "same-origin") == "same-origin"


async def _first_use(engine_factory: Callable[[], Engine], token: str) -> bool | None:
    """Record the token's use; False if it was used before, None if the database is away."""
    try:
        return await asyncio.to_thread(tokens.use_once, engine_factory(), token)
    except Exception:
        log.exception("could not record a hand-off token's use")
        return None


def _refuse(reason: str, request: Request, status: int = 204) -> Response:
    log.warning("%s refused: %s (from %s)", request.url.path, reason, _client(request))
    return Response(status_code=status, headers=_NO_STORE)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def attestation_routes(
    secret: str,
    engine_factory: Callable[[], Engine],
    secure: bool = False,
    exchanged: Exchanged = EXCHANGED,
) -> list[Route]:
    """Return the routes that turn hand-off tokens into HttpOnly cookies.

    `/_rounds/attest` sets the HCP attestation cookie, `/_rounds/educator` the educator's
    sign-in and known-device cookies. Each token works once, only from the app's own pages,
    and an attestation cookie already naming another participant is never replaced: nobody can
    plant their participant (or their sign-in) in someone else's browser. `secure` (the public
    URL is https) marks the cookies Secure whatever the scheme the proxy forwarded.
    """

    async def exchange(
        request: Request, token: str, what: str, cookies: list[tuple[str, str, int, str]]
    ) -> Response:
        """Spend the token once, then answer the pixel with its (name, value, max age, SameSite)
        HttpOnly cookies; a replay is refused, a database away is a 503."""
        first = await _first_use(engine_factory, token)
        if first is None:
            return Response(status_code=503, headers=_NO_STORE)
        if not first:
            return _refuse(f"{what} token used before", request)
        response = Response(_PIXEL, media_type="image/gif", headers=_NO_STORE)
        for name, value, max_age, samesite in cookies:
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path="/",
                httponly=True,
                secure=secure or request.url.scheme == "https",
                samesite=samesite,
            )
        exchanged.add(token)
        return response

    async def attest(request: Request) -> Response:
        if not _same_origin(request):
            return _refuse("cross-site attestation hand-off", request, 403)
        token = request.query_params.get("t")
        found = signing.read_handoff_token(secret, token)
        if found is None:
            return _refuse("invalid or expired attestation token", request)
        participant_id, valid_days = found
        current = signing.read_attestation_cookie(
            secret, request.cookies.get(signing.COOKIE_NAME), valid_days
        )
        if current is not None and current != participant_id:
            return _refuse("the browser already names another participant", request)
        value = signing.attestation_cookie(secret, participant_id)
        return await exchange(
            request, token, "attestation", [(signing.COOKIE_NAME, value, valid_days * 86400, "lax")]
        )

    async def educator(request: Request) -> Response:
        if not _same_origin(request):
            return _refuse("cross-site educator hand-off", request, 403)
        token = request.query_params.get("t")
        found = signing.read_educator_handoff(secret, token)
        if found is None:
            return _refuse("invalid or expired educator token", request)
        session_id, device_id = found
        sign_in = signing.educator_cookie(secret, session_id)
        device = signing.device_cookie(secret, device_id)
        return await exchange(
            request,
            token,
            "educator",
            [
                (signing.EDUCATOR_COOKIE, sign_in, int(SESSION_HOURS * 3600), "strict"),
                (signing.DEVICE_COOKIE, device, signing.DEVICE_DAYS * 86400, "strict"),
            ],
        )

    return [
        Route(ATTEST_PATH, attest, methods=["GET"]),
        Route(EDUCATOR_PATH, educator, methods=["GET"]),
    ]


def join_path(slug: str) -> str:
    """Return the short path a phone opens to join a module's poll."""
    return f"{JOIN_PREFIX}{slug}"


WRONG_CODE = (
    "No module has the code {code}. Check the four digits on the screen, or open the home "
    "page and pick the module there."
)


def join_routes(slug_for_code: Callable[[str], str | None] = lambda code: None) -> list[Route]:
    """Return the short join route: `/j/<slug>` or `/j/<code>` sends a phone to the poll.

    `slug_for_code` names the module with that 4-digit join code (None for no module); a code
    nobody has gets a clear page and a log line.
    """

    async def join(request: Request) -> Response:
        slug = request.path_params["slug"]
        if _CODE.match(slug):
            found = slug_for_code(slug)
            if found is None:
                log.warning(
                    "join code %s refused: no module has it (from %s)", slug, _client(request)
                )
                return Response(
                    WRONG_CODE.format(code=slug), status_code=404, media_type="text/plain"
                )
            slug = found
        elif not _SLUG.match(slug):
            log.warning("join path refused: %r is no module address", slug[:60])
            return Response("No such module.", status_code=404, media_type="text/plain")
        return RedirectResponse(f"/poll?module={slug}", status_code=303)

    return [Route(JOIN_PREFIX + "{slug}", join, methods=["GET"])]


def verify_path(certificate_id: str) -> str:
    """Return the public path that says whether a certificate id was issued here."""
    return f"{VERIFY_PREFIX}{certificate_id}"


_VERIFY_STATUS = {Verdict.valid: 200, Verdict.unknown: 404, Verdict.malformed: 400}


def verify_routes(
    engine_factory: Callable[[], Engine], module_title: Callable[[str], str | None]
) -> list[Route]:
    """Return `/verify/<id>`: "Valid: <module title>, completed <date>", or why not, as text.

    Public and read-only, and it tells nothing more: no name is stored, and no participant id,
    score or time is shown. Every id not found or malformed is logged (by the store); one client
    address gets `rules.certificates.CHECKS` checks a minute (then 429 and a log line).
    """

    async def verify(request: Request) -> Response:
        typed = request.path_params["certificate_id"][: LONGEST_TYPED + 1]
        try:
            engine = engine_factory()
            allowed = await asyncio.to_thread(
                throttle.reserve, engine, [check_key(_client(request))]
            )
            if not allowed.allowed:
                log.warning("certificate check refused: rate limit of %s", _client(request))
                wait = max(1, round(allowed.wait))
                return Response(
                    f"Too many checks from your network. Please try again in {wait} s.\n",
                    status_code=429,
                    media_type="text/plain; charset=utf-8",
                    headers={**_NO_STORE, "Retry-After": str(wait)},
                )
            verdict, found = await asyncio.to_thread(verify_certificate, engine, typed)
        except Exception:
            log.exception("could not check a certificate id")
            return Response(
                "Certificates cannot be checked right now. Please try again in a moment.",
                status_code=503,
                media_type="text/plain; charset=utf-8",
                headers=_NO_STORE,
            )
        if found is not None:
            title = module_title(found.module) or found.module
            text = verdict_text(verdict, title, found.completed_on)
        else:
            text = verdict_text(verdict)
        return Response(
            text + "\n",
            status_code=_VERIFY_STATUS[verdict],
            media_type="text/plain; charset=utf-8",
            headers=_NO_STORE,
        )

    return [Route(VERIFY_PREFIX + "{certificate_id:path}", verify, methods=["GET"])]


def live_path(slug: str, poll_key: str, viewer: str) -> str:
    """Return the server-sent-events address of a module's poll for one viewer's token."""
    return f"{LIVE_PREFIX}{slug}/{poll_key}?v={viewer}"


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


def state_only(data: str) -> str:
    """Return a live snapshot without its counts: the live item, its round and state, no more."""
    snapshot = json.loads(data)
    kept = ("item", "revealed", "round", "state", "closes_in")
    return json.dumps({k: snapshot[k] for k in kept if k in snapshot}, sort_keys=True)


def live_routes(feed: LiveFeed, known_polls: Callable[[], set[str]], secret: str) -> list[Route]:
    """Return the live-results stream (for polls in the content only) and plotly.js for charts.

    The stream needs the viewer token the page was drawn with (`signing.viewer_token`), which
    only an attested participant's or a signed-in educator's page receives; a viewer who may not
    see the results yet gets the poll's state alone, never its counts.
    """

    async def stream(request: Request) -> Response:
        poll = f"{request.path_params['slug']}/{request.path_params['poll']}"
        if poll not in known_polls():
            return Response("No such poll.", status_code=404, media_type="text/plain")
        results = signing.read_viewer_token(secret, request.query_params.get("v"), poll)
        if results is None:
            log.warning(
                "live stream of %s refused: no valid viewer token (from %s)", poll, _client(request)
            )
            return Response("Not allowed.", status_code=403, media_type="text/plain")

        async def events():
            yield "retry: 2000\n\n"
            sent = ""
            async for data in feed.subscribe(poll):
                if data and not results:
                    data = state_only(data)
                if data and data != sent:
                    sent = data
                    yield f"data: {data}\n\n"
                elif not data:
                    yield ": keep-alive\n\n"

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    return [
        Route(LIVE_PREFIX + "{slug}/{poll}", stream, methods=["GET"]),
        Route(PLOTLY_PATH, _plotly, methods=["GET"]),
    ]
