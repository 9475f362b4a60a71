"""The running server: security headers on every response, unknown hosts refused, join links."""

from __future__ import annotations

import gzip
import http.client
import socket
from urllib.parse import urlsplit

import pytest

from rounds import icon_font
from rounds.content.loader import load_catalog
from rounds.security import CONTENT_SECURITY_POLICY
from tests.browser.conftest import running_server
from tests.conftest import CONTENT


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


@pytest.mark.parametrize("path", ["/", "/article", "/_stcore/health", "/j/asparaginase-aya-all"])
def test_every_response_carries_the_security_headers(server, path):
    response = request(server, path)
    assert response.status in (200, 303)
    assert response.getheader("Content-Security-Policy") == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self'" in CONTENT_SECURITY_POLICY
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_the_page_defers_the_icon_font_with_a_script_the_policy_allows(server, encoding):
    response = request(server, "/poll?module=asparaginase-aya-all", encoding=encoding)
    body = response.read()
    assert response.status == 200
    assert int(response.getheader("Content-Length")) == len(body)
    if response.getheader("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert body.count(icon_font.TAG) == 1
    assert body.index(icon_font.TAG) < body.index(b"<script type=")  # before Streamlit's own
    assert icon_font.script_hash() in CONTENT_SECURITY_POLICY
    component = request(server, "/component/rounds.ui.live_component.live_results/index.html")
    assert icon_font.TAG not in component.read()


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
