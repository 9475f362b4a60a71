"""Start one Rounds server process (`streamlit run server.py`) and wait until it answers.

The cluster recipe, the browser tests and the benchmarks all start Rounds through this module,
so a change to how a server starts (a flag, a health check) is made once.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROXY_ADDRESS = "127.0.0.1"  # where the recipe's nginx runs: the proxy uvicorn trusts


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(port: int, script: str = "server.py") -> list[str]:
    """Return the command that serves `script` on 127.0.0.1:`port`."""
    return [sys.executable, "-m", "streamlit", "run", script, *address_options(port)]


def address_options(port: int) -> list[str]:
    """Return Streamlit's options for listening on 127.0.0.1:`port`."""
    return ["--server.port", str(port), "--server.address", "127.0.0.1"]


def wait_healthy(
    url: str,
    seconds: float = 60,
    proc: subprocess.Popen | None = None,
    log: Path | None = None,
) -> None:
    """Wait until `url` answers 200; fail early, with the log's end, if `proc` exits first."""
    tail = lambda: log.read_text(errors="replace")[-3000:] if log else ""  # noqa: E731
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{tail()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy in {seconds} s:\n{tail()}")


@contextlib.contextmanager
def running(
    folder: Path,
    env: dict[str, str] | None = None,
    *,
    root: Path = ROOT,
    command: list[str] | None = None,
    port: int | None = None,
) -> Iterator[tuple[int, subprocess.Popen, Path]]:
    """Serve Rounds from `root` with its data in `folder`; yield (port, process, log); stop it.

    The server gets its own SQLite file (`folder/rounds.db`) unless `env` names a database, and
    logs to `folder/server.log`. `command` replaces `serve_command(port)` (a bench's variant).
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    full_env = {
        "FORWARDED_ALLOW_IPS": PROXY_ADDRESS,  # a proxy in front on this machine is trusted
        **os.environ,
        "ROUNDS_DATA_DIR": str(folder / "data"),
        "ROUNDS_DATABASE_URL": f"sqlite:///{folder / 'rounds.db'}",
        **(env or {}),
    }
    log = folder / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            command or serve_command(port),
            cwd=root,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc=proc, log=log)
        yield port, proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
