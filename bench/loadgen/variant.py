"""Start `streamlit run` with what-if patches, to measure a change before making it (bench only).

    cd <app root> && python <this file> PATCH[,PATCH...] run server.py [streamlit options]

Patches (applied in the server process before it binds its port; the app's files are untouched):

- `nodelay`: set TCP_NODELAY on the listening socket (accepted sockets inherit it on Linux).
  Streamlit 1.67 creates that socket with protocol 0, so asyncio never sets TCP_NODELAY on the
  websocket, and the second small message of each reply waits for the browser's delayed ACK.
- `chart-cache`: build the poll's plotly figure once per distinct result
  (`rounds.figures.charts.poll_bar` memoised on its input) instead of once per run of every viewer.
- `cpu-clock`: answer the server's own CPU time, to the nanosecond and over all its threads, on
  the Unix socket named by `ROUNDS_BENCH_CPU_SOCKET` (`/proc` counts it in 10 ms ticks, too
  coarse for runs of a few milliseconds); `read_cpu_clock` is the client.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections import OrderedDict


def nodelay() -> None:
    """Make the server's listening socket (and so every accepted one) TCP_NODELAY."""
    from streamlit.web.server.starlette import starlette_server

    bind = starlette_server._bind_socket

    def bind_nodelay(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    starlette_server._bind_socket = bind_nodelay


def chart_cache(size: int = 64) -> None:
    """Memoise `rounds.figures.charts.poll_bar` on the results it draws (only read)."""
    from rounds.figures import charts

    draw = charts.poll_bar
    memo: OrderedDict[tuple, object] = OrderedDict()
    lock = threading.Lock()

    def poll_bar(results, *, large: bool = False):
        key = (
            tuple(results["label"]),
            tuple(int(n) for n in results["count"]),
            tuple(float(p) for p in results["percent"]),
            large,
        )
        with lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
        figure = draw(results, large=large)
        with lock:
            memo[key] = figure
            while len(memo) > size:
                memo.popitem(last=False)
        return figure

    charts.poll_bar = poll_bar


CPU_SOCKET = "ROUNDS_BENCH_CPU_SOCKET"


def cpu_clock() -> None:
    """Serve `time.process_time_ns()` of this process to whoever connects to the socket."""
    import time

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(os.environ[CPU_SOCKET])
    server.listen(8)

    def answer() -> None:
        while True:
            conn, _ = server.accept()
            with conn:
                conn.sendall(str(time.process_time_ns()).encode())

    threading.Thread(target=answer, name="bench-cpu-clock", daemon=True).start()


def read_cpu_clock(path: str) -> float:
    """Return the CPU seconds a server started with the `cpu-clock` patch has used so far."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        return int(conn.recv(64)) / 1e9


PATCHES = {"nodelay": nodelay, "chart-cache": chart_cache, "cpu-clock": cpu_clock}


def main() -> None:
    """Apply the named patches, then run Streamlit's command line with the remaining args."""
    names = [n for n in sys.argv[1].split(",") if n]
    unknown = set(names) - set(PATCHES)
    if unknown:
        raise SystemExit(f"unknown patches {sorted(unknown)}; known: {sorted(PATCHES)}")
    # Import the app from the working directory, never from this folder (http.py is here).
    sys.path[0] = os.getcwd()
    for name in names:
        PATCHES[name]()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[2:]]
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
