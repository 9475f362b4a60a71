"""Run Rounds as several replicas behind nginx, sharing one database: the runnable recipe.

    python deploy/cluster.py --replicas 2 --port 8080 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Every replica gets the same ROUNDS_SECRET_KEY (attestation cookies) and the same Streamlit
`server.cookieSecret` (XSRF cookies), so a browser moved to another replica stays recognised.
Ctrl-C stops everything. Tests import `Cluster` to start the same thing on free ports.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also when run as a script
from deploy.replica import PROXY_ADDRESS, ROOT, free_port, serve_command, wait_healthy
from rounds.web.security import DEFAULT_PER_CLIENT, ENV_PER_CLIENT

TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def render_nginx_conf(
    port: int, replica_ports: list[int], workdir: Path, per_client: int = DEFAULT_PER_CLIENT
) -> str:
    """Fill the template: listen on `port`, balance over the replicas, keep files in workdir,
    allow `per_client` concurrent connections per client address."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in replica_ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    return (
        text.replace("@@SERVERS@@", servers)
        .replace("@@PORT@@", str(port))
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
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="rounds-cluster-"))
        self.env = env or {}
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """Return the address browsers use (nginx)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Cluster:
        """Start the replicas, wait for them, then start nginx in front."""
        self.workdir.mkdir(parents=True, exist_ok=True)
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
                self.port, self.replica_ports, self.workdir, int(per_client or DEFAULT_PER_CLIENT)
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
        wait_healthy(f"{self.url}/_stcore/health")
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


def main() -> None:
    """Run a cluster until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    with Cluster(args.database_url, args.replicas, args.port) as cluster:
        print(f"Rounds on {cluster.url} ({args.replicas} replicas); logs in {cluster.workdir}")
        with contextlib.suppress(KeyboardInterrupt):
            while all(p.poll() is None for p in cluster.processes):
                time.sleep(1)


if __name__ == "__main__":
    main()
