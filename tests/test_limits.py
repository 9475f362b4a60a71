"""What one client can take from a real server: memory (uploads, big messages) and connections.

Each test starts Rounds, does what an attacker's script would (uploads to a route Rounds has no
use for, a websocket message of megabytes, more connections than a room of phones needs) and
checks that it is refused while the server stays up and a normal visitor still gets in.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import shutil
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from deploy import replica
from stclient.session import Session, SessionError

MB = 1024 * 1024


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario on its own event loop (a browser test may hold this thread's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=180)


def rss_kb(pid: int) -> int:
    """Return a process's resident memory in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def status(port: int, method: str, path: str, *, source: str = "127.0.0.1", **kw) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, **kw)
        return conn.getresponse().status
    finally:
        conn.close()


def blast(port: int, path: str, headers: dict[str, str], body: bytes) -> None:
    """PUT `body` whole, as a script does, whether or not the server answers before the end."""
    head = f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(head.encode() + body)
            sock.recv(4096)
        except ConnectionError:
            pass  # refused and cut off before the body's end: what the server should do


async def visitor(port: int) -> Session:
    """Open the gate page as a new visitor and pass the gate: a normal session that works."""
    tab = Session("127.0.0.1", port, "", "", timeout=30)
    await tab.open()
    await tab.set_value("gate_attest", bool_value=True)
    await tab.set_value("gate_profession", string_value=tab.options("gate_profession")[0])
    result = await tab.click("gate_submit")
    assert "Learning modules" in result.texts("heading")
    return tab


class TabWithId(Session):
    """A tab that keeps its server session's id (a file upload names it)."""

    session_id = ""

    def _on_new_session(self, msg) -> None:
        self.session_id = msg.new_session.initialize.session_id or self.session_id
        super()._on_new_session(msg)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    with replica.running(folder) as (port, proc, _log):
        yield port, proc.pid


def test_the_upload_route_is_refused_and_uploads_do_not_stay_in_memory(server):
    port, pid = server

    async def scenario() -> None:
        tab = TabWithId("127.0.0.1", port, "", "", timeout=30)
        await tab.open()
        session_id = tab.session_id
        token = tab.cookies["_streamlit_xsrf"]
        headers = {
            "X-Xsrftoken": token,
            "Cookie": f"_streamlit_xsrf={token}",
            "Content-Type": "multipart/form-data; boundary=xyz",
        }
        before = rss_kb(pid)
        for n in range(8):  # 8 x 5 MB, as a browser's file uploader sends them
            body = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
            body += b"Content-Type: application/octet-stream\r\n\r\n" + b"\0" * (5 * MB)
            body += b"\r\n--xyz--\r\n"
            path = f"/_stcore/upload_file/{session_id}/file{n}"
            await asyncio.to_thread(blast, port, path, headers, body)
        grown_mb = (rss_kb(pid) - before) / 1024
        assert grown_mb < 20, f"the server kept {grown_mb:.0f} MB of refused uploads"
        for method in ("PUT", "GET", "POST", "DELETE", "OPTIONS"):
            path = f"/_stcore/upload_file/{session_id}/file0"
            body = b"--xyz\r\n\r\nsmall\r\n--xyz--\r\n" if method == "PUT" else None
            code = await asyncio.to_thread(status, port, method, path, body=body, headers=headers)
            assert code == 404, method
        await tab.close()

    run(scenario)


def test_a_websocket_message_over_the_limit_closes_its_connection_only(server):
    port, _ = server

    async def scenario() -> None:
        tab = await visitor(port)
        big = BackMsg()
        big.rerun_script.widget_states.widgets.append(
            WidgetState(id="$$ID-forged", string_value="x" * (2 * MB))
        )
        with pytest.raises(SessionError):
            await tab._full_run(big.SerializeToString())
        assert "1009" in (tab.closed_reason or ""), tab.closed_reason  # 1009: message too big
        await tab.close()
        assert await asyncio.to_thread(status, port, "GET", "/_stcore/health") == 200
        await (await visitor(port)).close()  # the server still serves a normal visitor

    run(scenario)


def open_websocket(port: int, source: str, forwarded_for: str = "") -> tuple[int, socket.socket]:
    """Ask for Streamlit's websocket from `source`; return the handshake's status and socket."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))
    forwarded = f"X-Forwarded-For: {forwarded_for}\r\n" if forwarded_for else ""
    sock.sendall(
        (
            "GET /_stcore/stream HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: streamlit\r\n{forwarded}\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1]), sock


def test_connections_past_the_ceiling_are_refused_while_others_still_get_in(tmp_path):
    ceilings = {"ROUNDS_MAX_CONNECTIONS_PER_CLIENT": "4", "ROUNDS_MAX_CONNECTIONS": "9"}
    held: list[socket.socket] = []
    with replica.running(tmp_path / "server", ceilings) as (port, _, log):
        try:
            # One address (a script, or one NAT) opens websockets up to its ceiling...
            for _ in range(4):
                code, sock = open_websocket(port, "127.0.0.2")
                held.append(sock)
                assert code == 101
            # ...and no further, by websocket or by plain request.
            code, sock = open_websocket(port, "127.0.0.2")
            sock.close()
            assert code == 403  # closed before it was accepted
            assert status(port, "GET", "/", source="127.0.0.2") == 503
            assert status(port, "GET", "/_stcore/health", source="127.0.0.2") == 200
            # The total ceiling holds across addresses.
            others = []
            for source in ["127.0.0.3"] * 4 + ["127.0.0.4"]:
                code, sock = open_websocket(port, source)
                others.append(sock)
                assert code == 101  # up to the 9th in all
            assert status(port, "GET", "/", source="127.0.0.5") == 503
            assert status(port, "GET", "/_stcore/health") == 200
            # Once those close (and the server has seen them go), others get in again, with a
            # session that works, while the first address still holds its 4.
            for sock in others:
                sock.close()
            deadline = time.monotonic() + 60
            while status(port, "GET", "/", source="127.0.0.5") != 200:
                assert time.monotonic() < deadline, "closed connections were never let go"
                time.sleep(0.2)
            run(lambda: visitor_and_close(port))
        finally:
            for sock in held:
                sock.close()
        assert "refusing connections from 127.0.0.2" in log.read_text()


async def visitor_and_close(port: int) -> None:
    await (await visitor(port)).close()


def test_behind_a_trusted_proxy_the_ceiling_counts_each_forwarded_client(tmp_path):
    # replica.running trusts a proxy on 127.0.0.1 (FORWARDED_ALLOW_IPS), as deploy/ does.
    env = {"ROUNDS_MAX_CONNECTIONS_PER_CLIENT": "2"}
    held: list[socket.socket] = []
    with replica.running(tmp_path / "server", env) as (port, _, _):
        try:

            def ask(source: str, forwarded_for: str) -> int:
                code, sock = open_websocket(port, source, forwarded_for)
                held.append(sock)
                return code

            # Through the proxy (127.0.0.1): two phones' addresses, counted apart.
            assert [ask("127.0.0.1", "203.0.113.7") for _ in range(3)] == [101, 101, 403]
            assert ask("127.0.0.1", "203.0.113.8") == 101
            # Not through the proxy: a forged X-Forwarded-For is ignored, the source counts.
            assert [ask("127.0.0.2", f"198.51.100.{n}") for n in range(3)] == [101, 101, 403]
        finally:
            for sock in held:
                sock.close()


def test_nginx_caps_connections_per_client_address(tmp_path):
    from deploy.cluster import Cluster

    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (scripts/ensure-system-packages installs it)")
    env = {"ROUNDS_MAX_CONNECTIONS_PER_CLIENT": "2"}  # nginx's limit_conn and the replica's
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    held: list[socket.socket] = []
    with Cluster(url, replicas=1, workdir=tmp_path / "cluster", env=env) as cluster:
        try:
            for _ in range(2):
                code, sock = open_websocket(cluster.port, "127.0.0.2")
                held.append(sock)
                assert code == 101
            code, sock = open_websocket(cluster.port, "127.0.0.2")
            held.append(sock)
            assert code == 503  # nginx's limit_conn
            code, sock = open_websocket(cluster.port, "127.0.0.3")
            held.append(sock)
            assert code == 101  # another phone behind the same nginx still gets in
        finally:
            for sock in held:
                sock.close()


def test_default_ceilings_let_a_room_in_and_stay_below_the_descriptor_limit():
    import resource

    from rounds.web.security import connection_ceilings

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    per_client, total = connection_ceilings({})
    assert per_client >= min(1500, total)  # 500 phones x (websocket, live stream, a request)
    assert total < soft
    assert connection_ceilings({"ROUNDS_MAX_CONNECTIONS_PER_CLIENT": "7"})[0] == 7
    with pytest.raises(ValueError):
        connection_ceilings({"ROUNDS_MAX_CONNECTIONS": "0"})
