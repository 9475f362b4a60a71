"""The running server: security headers on every response, unknown hosts refused, join links."""

from __future__ import annotations

import gzip
import http.client
import socket
import tomllib
from urllib.parse import urlsplit

import pytest

from rounds.content.loader import load_catalog
from rounds.web import page_head
from tests.browser.conftest import running_server
from tests.conftest import CONTENT, ROOT


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("server")) as base:
        yield base


def request(
    base: str, path: str, host: str | None = None, encoding: str | None = None
) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Host": host} if host else {}
    if encoding:
        headers["Accept-Encoding"] = encoding
    conn.request("GET", path, headers=headers)
    return conn.getresponse()


def directives(policy: str) -> dict[str, list[str]]:
    """Return a Content-Security-Policy as {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("path", ["/", "/article", "/_stcore/health", "/j/asparaginase-aya-all"])
def test_every_response_carries_the_security_headers(server, path):
    response = request(server, path)
    assert response.status in (200, 303)
    policy = directives(response.getheader("Content-Security-Policy"))
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]  # no ws:/wss: wildcard: no other host
    assert policy["object-src"] == ["'none'"]
    script = policy["script-src"]
    assert "'unsafe-eval'" not in script and "'unsafe-inline'" not in script
    hashes = [s for s in script if s.startswith("'sha256-")]
    assert hashes and set(script) == {"'self'", "'wasm-unsafe-eval'", *hashes}
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_the_page_loads_no_font_eagerly_with_a_script_the_policy_allows(server, encoding):
    response = request(server, "/poll?module=asparaginase-aya-all", encoding=encoding)
    body = response.read()
    assert response.status == 200
    assert int(response.getheader("Content-Length")) == len(body)
    if response.getheader("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert body.count(page_head.TAG) == 1
    assert body.index(page_head.TAG) < body.index(b"<script type=")  # before Streamlit's own
    assert b'as="font"' not in body and b".woff2" not in body  # no text font preloaded
    policy = directives(response.getheader("Content-Security-Policy"))
    assert page_head.script_hash() in policy["script-src"]
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["font"] == page_head.FONT_STACK  # the skip link is drawn in the theme's font
    component = request(server, "/component/rounds.ui.live_component.live_results/index.html")
    assert page_head.TAG not in component.read()


@pytest.mark.parametrize(
    "path",
    ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore//metrics", "/_stcore/upload_file/a/b"],
)
def test_streamlit_routes_rounds_does_not_use_are_refused(server, path):
    assert request(server, path).status == 404


def test_a_host_name_not_allowed_is_refused(server):
    assert request(server, "/", host="evil.example").status == 400


def test_join_link_sends_a_phone_to_the_modules_poll(server):
    response = request(server, "/j/asparaginase-aya-all")
    assert response.status == 303
    assert response.getheader("Location") == "/poll?module=asparaginase-aya-all"
    assert request(server, "/j/Not%20a%20slug").status == 404
    assert request(server, "/j/..%2Fetc").status in (400, 404)


def test_attest_route_ignores_forged_tokens(server):
    response = request(server, "/_rounds/attest?t=forged.token.value")
    assert response.status == 204
    assert response.getheader("Set-Cookie") is None


def test_live_results_stream_only_for_polls_in_the_content_and_with_a_viewer_token(server):
    assert request(server, "/_rounds/live/no-such-module/poll").status == 404
    # What it streams with a token: tests/test_route_attacks.py.
    module = load_catalog(CONTENT).get("asparaginase-aya-all").module
    assert request(server, f"/_rounds/live/{module.slug}/{module.poll.key}").status == 403


def test_connections_to_the_server_send_small_messages_without_delay():
    from streamlit.web.server.starlette import starlette_server

    from rounds.ui.server_socket import send_small_messages_at_once

    send_small_messages_at_once()
    send_small_messages_at_once()  # a second call must not wrap the socket twice
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    listening.setblocking(True)
    with listening, socket.create_connection(listening.getsockname(), timeout=5):
        accepted, _ = listening.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_an_unreadable_streamlit_page_is_logged_not_silently_left_out(tmp_path, caplog):
    from rounds.web.security import inline_script_hashes

    with caplog.at_level("ERROR", logger="rounds.web.security"):
        assert inline_script_hashes(tmp_path / "missing" / "index.html") == []
    assert "cannot read" in caplog.text and "index.html" in caplog.text
