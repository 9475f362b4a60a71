"""The load run's target as several replicas behind nginx, sharing one database.

It is the deployment recipe itself (`deploy/cluster.py`) started on free ports: every simulated
browser talks to nginx, which keeps it on the replica it first reached (sticky cookie). On
PostgreSQL the run gets a fresh schema, dropped afterwards; on SQLite, a file of its own.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.loadgen.server import ROOM_ON_ONE_ADDRESS
from deploy.cluster import Cluster


@dataclass
class ClusterTarget:
    """What a load run needs of its target: the address, the processes, the votes, the logs."""

    host: str
    port: int
    cluster: Cluster
    database: Path | str  # a SQLite file, or the database URL

    @property
    def pids(self) -> list[int]:
        """Return every process serving the run: the replicas and nginx."""
        return [process.pid for process in self.cluster.processes]

    def log_text(self) -> str:
        """Return the replicas' logs and nginx's error log, one after the other."""
        folder = self.cluster.workdir
        logs = [*sorted(folder.glob("replica-*.log")), folder / "error.log"]
        return "\n".join(p.read_text(errors="replace") for p in logs if p.exists())


@contextlib.contextmanager
def _fresh_schema(url: str) -> Iterator[str]:
    """Yield `url` pointed at a new, empty PostgreSQL schema; drop the schema afterwards."""
    schema = f"bench_load_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextlib.contextmanager
def running_cluster(folder: Path, replicas: int, database_url: str) -> Iterator[ClusterTarget]:
    """Start `replicas` replicas and nginx on `database_url` ("sqlite" for a file in `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if database_url == "sqlite":
            database: Path | str = folder / "rounds.db"
            url = f"sqlite:///{database}"
        else:
            url = database = stack.enter_context(_fresh_schema(database_url))
        env = dict([ROOM_ON_ONE_ADDRESS])  # the generator's whole room comes from one address
        cluster = stack.enter_context(Cluster(url, replicas=replicas, workdir=folder, env=env))
        yield ClusterTarget("127.0.0.1", cluster.port, cluster, database)
