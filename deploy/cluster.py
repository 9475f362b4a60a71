"""Run Rounds as several replicas behind nginx, sharing one database: the runnable recipe.

    python deploy/cluster.py --replicas 2 --port 8080 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Every replica gets the same ROUNDS_SECRET_KEY (attestation cookies) and the same Streamlit
`server.cookieSecret` (XSRF cookies), so a browser moved to another replica stays recognised.
nginx serves Streamlit's static files (and plotly.min.js) itself, from a copy written once per
Streamlit version with `.gz` and `.br` files beside them (`--static-dir`); the replicas see only
the page HTML, the websocket and Rounds' own routes. `--tls-cert`/`--tls-key` serve HTTPS and
HTTP/2. Ctrl-C stops everything. Tests import `Cluster` to start the same thing on free ports.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import plotly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also when run as a script
from deploy.replica import PROXY_ADDRESS, ROOT, free_port, serve_command, wait_healthy
from rounds.web.routes import PLOTLY_PATH
from rounds.web.security import DEFAULT_PER_CLIENT, ENV_PER_CLIENT, SECURITY_HEADERS
from rounds.web.static import streamlit_files, write_precompressed

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MODULES = Path("/usr/lib/nginx/modules")
BROTLI_STATIC = (
    MODULES / "ngx_http_brotli_static_module.so"
)  # Debian: libnginx-mod-http-brotli-static
MIME_TYPES = Path("/etc/nginx/mime.types")
STATIC_CACHE = Path(tempfile.gettempdir()) / "rounds-nginx-static"  # readable by nginx's workers


def static_files() -> dict[str, Path]:
    """Return what nginx serves from disk, by URL path: Streamlit's static folder, plotly.js."""
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return {**streamlit_files(), PLOTLY_PATH: plotly_js}


def prepare_static(folder: Path | None = None) -> Path:
    """Return a folder of `static_files()` with their .gz and .br, written once per version."""
    key = f"streamlit-{version('streamlit')}-plotly-{plotly.__version__}"
    folder = folder or STATIC_CACHE / key
    if not folder.is_dir():
        print(f"compressing the static files for nginx into {folder} (once)...", flush=True)
        write_precompressed(static_files(), folder, workers=os.cpu_count() or 2)
    return folder


def render_nginx_conf(
    port: int,
    replica_ports: list[int],
    workdir: Path,
    static_root: Path,
    tls: tuple[Path, Path] | None = None,
    per_client: int = DEFAULT_PER_CLIENT,
) -> str:
    """Fill the template: listen on `port`, balance over the replicas, keep files in workdir.

    `static_root` holds the files nginx serves itself; `tls` (certificate, key) serves HTTPS
    with HTTP/2 instead of plain HTTP/1.1; `per_client` concurrent connections are allowed per
    client address.
    """
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in replica_ports)
    if tls:
        listen = (
            f"        listen 127.0.0.1:{port} ssl http2;\n"
            f"        ssl_certificate {tls[0]};\n        ssl_certificate_key {tls[1]};"
        )
    else:
        listen = f"        listen 127.0.0.1:{port};"
    brotli = BROTLI_STATIC.exists()
    headers = "\n".join(
        f'            add_header {name} "{value}" always;'
        for name, value in SECURITY_HEADERS.items()
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    return (
        text.replace("@@SERVERS@@", servers)
        .replace("@@LISTEN@@", listen)
        .replace(
            "@@LOAD_MODULES@@",
            f"load_module {BROTLI_STATIC};"
            if brotli
            else "# (no brotli_static module: gzip only; Debian: libnginx-mod-http-brotli-static)",
        )
        .replace("@@BROTLI_STATIC@@", "            brotli_static on;" if brotli else "")
        .replace("@@SECURITY_HEADERS@@", headers)
        .replace("@@STATIC_ROOT@@", str(static_root))
        .replace("@@MIME_TYPES@@", str(MIME_TYPES))
        .replace("@@DIR@@", str(workdir))
        .replace("@@PER_CLIENT@@", str(per_client))
    )


class Cluster:
    """N replicas of `streamlit run server.py` and one nginx, all on 127.0.0.1."""

    def __init__(
        self,
        database_url: str,
        replicas: int = 2,
        port: int | None = None,
        workdir: Path | None = None,
        env: dict[str, str] | None = None,
        static_dir: Path | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.database_url = database_url
        self.static_dir = static_dir
        self.tls = tls
        self.port = port or free_port()
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="rounds-cluster-"))
        self.env = env or {}
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """Return the address browsers use (nginx)."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> Cluster:
        """Start the replicas, wait for them, then start nginx in front."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        static_root = prepare_static(self.static_dir)
        shared = {
            "ROUNDS_DATABASE_URL": self.database_url,
            "ROUNDS_SECRET_KEY": self.env.get("ROUNDS_SECRET_KEY") or secrets.token_urlsafe(32),
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
            "ROUNDS_DATA_DIR": str(self.workdir / "data"),
            # uvicorn takes the client's address and scheme from X-Forwarded-For/-Proto only
            # from these proxies: nginx, on this machine.
            "FORWARDED_ALLOW_IPS": os.environ.get("FORWARDED_ALLOW_IPS", PROXY_ADDRESS),
        }
        for i, port in enumerate(self.replica_ports):
            env = {**os.environ, **shared, **self.env, "ROUNDS_REPLICA": f"replica-{i + 1}"}
            log = (self.workdir / f"replica-{i + 1}.log").open("w")
            self.processes.append(
                subprocess.Popen(
                    serve_command(port),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for port in self.replica_ports:
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.workdir / folder).mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "nginx.conf"
        per_client = self.env.get(ENV_PER_CLIENT) or os.environ.get(ENV_PER_CLIENT)
        conf.write_text(
            render_nginx_conf(
                self.port,
                self.replica_ports,
                self.workdir,
                static_root,
                self.tls,
                int(per_client or DEFAULT_PER_CLIENT),
            )
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.processes.append(
            subprocess.Popen(
                [nginx, "-c", str(conf), "-p", str(self.workdir), "-g", "daemon off;"],
                stderr=subprocess.STDOUT,
                stdout=(self.workdir / "nginx.log").open("w"),
            )
        )
        if not self.tls:
            wait_healthy(f"{self.url}/_stcore/health")
        else:
            _wait_listening(self.port)
        return self

    def stop(self) -> None:
        """Stop nginx and the replicas."""
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_listening(port: int, seconds: float = 30) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`."""
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def main() -> None:
    """Run a cluster until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--static-dir", type=Path, help="where the compressed static files are written once"
    )
    parser.add_argument(
        "--tls-cert", type=Path, help="serve HTTPS and HTTP/2 with this certificate"
    )
    parser.add_argument("--tls-key", type=Path, help="the certificate's private key")
    args = parser.parse_args()
    tls = (args.tls_cert, args.tls_key) if args.tls_cert and args.tls_key else None
    with Cluster(
        args.database_url, args.replicas, args.port, static_dir=args.static_dir, tls=tls
    ) as cluster:
        print(f"Rounds on {cluster.url} ({args.replicas} replicas); logs in {cluster.workdir}")
        with contextlib.suppress(KeyboardInterrupt):
            while all(p.poll() is None for p in cluster.processes):
                time.sleep(1)


if __name__ == "__main__":
    main()
