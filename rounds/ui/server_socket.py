"""The server's listening socket: replies leave at once instead of waiting for the browser's ACK.

Streamlit 1.67 binds its socket itself, with protocol 0, so asyncio never turns Nagle's algorithm
off on the connections it accepts. Every reply Streamlit sends as two small websocket frames then
waits for the browser's delayed ACK (40 ms on Linux) before its second frame leaves: each click
feels 40 ms slower than the server's work (bench/page_times.py measures it). Accepted sockets
inherit TCP_NODELAY from the listening socket on Linux, so setting it there once is enough.
"""

from __future__ import annotations

import socket

from streamlit.web.server.starlette import starlette_server

_PATCHED = "_rounds_nodelay"


def send_small_messages_at_once() -> None:
    """Make Streamlit's listening socket TCP_NODELAY (once; later calls change nothing)."""
    bind = starlette_server._bind_socket
    if getattr(bind, _PATCHED, False):
        return

    def bind_nodelay(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    setattr(bind_nodelay, _PATCHED, True)
    starlette_server._bind_socket = bind_nodelay


_LIMITED = "_rounds_client_frames_limited"


def refuse_large_client_frames() -> None:
    """Make uvicorn refuse a client's websocket frame above `server.maxWidgetStateSize` (once).

    Streamlit bounds both directions with `server.maxMessageSize`: uvicorn reads any client
    frame up to that size into memory before Streamlit checks it against the (smaller)
    widget-state limit. Rounds' own messages to the browser need a few megabytes (the dashboard's
    poll view), what a browser sends it a few kilobytes; with this, a larger frame is refused
    from its header, before its body is read.
    """
    kwargs = starlette_server._get_uvicorn_config_kwargs
    if getattr(kwargs, _LIMITED, False):
        return

    def limited_kwargs() -> dict:
        from streamlit.runtime.runtime_util import get_max_widget_state_size_bytes

        return {**kwargs(), "ws_max_size": get_max_widget_state_size_bytes()}

    setattr(limited_kwargs, _LIMITED, True)
    starlette_server._get_uvicorn_config_kwargs = limited_kwargs
