"""A TCP proxy that can drop a database (or a browser's network) out from under the app.

Stopping the proxy refuses new connections and cuts open ones, as a database that went down
would; starting it again on the same port brings the database back.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class Outage:
    """Forward 127.0.0.1:<port> to a target address until `down()`; `up()` restores it.

    `stall()` keeps the connections open but lets nothing through, as a network that silently
    loses packets; `down()` then cuts them.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stalled = False

    def up(self) -> None:
        """Start accepting and forwarding connections."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._stalled = False
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stall(self) -> None:
        """Keep the open connections but drop whatever either end sends from now on."""
        self._stalled = True

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):  # both ends see the connection end
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            # The 5 s are for connecting: an idle connection (a pool's, a websocket's) stays open.
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # went down while this one was connecting
                    client.close()
                    server.close()
                    return
                self._open.update({client, server})
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if not self._stalled:
                    sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
