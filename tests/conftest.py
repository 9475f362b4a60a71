"""Shared fixtures: a fresh database per test on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import settings
from sqlalchemy import create_engine, text

from rounds.store.engine import open_engine

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIRST_MODULE = "asparaginase-aya-all"


@pytest.fixture
def content(tmp_path) -> Path:
    """Return a private copy of content/ that a test may break."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def edit_module(
    content: Path, change: Callable[[dict], object], folder: str = FIRST_MODULE
) -> None:
    """Apply `change` to the parsed module.yaml of `folder` in a content copy; write it back."""
    path = content / "modules" / folder / "module.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


POSTGRES_URL = os.environ.get(
    "ROUNDS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("ROUNDS_REQUIRE_POSTGRES") == "1"
# Property tests assert outcomes, never time: Hypothesis' default 200 ms deadline per example
# failed them on a loaded 2-core machine.
settings.register_profile("rounds", deadline=None)
settings.load_profile("rounds")


def _postgres_reason() -> str | None:
    try:
        probe = create_engine(POSTGRES_URL)
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:  # any failure to connect means "no PostgreSQL here"
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__})"
    return None


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """Return the PostgreSQL URL, skipping (or failing under ROUNDS_REQUIRE_POSTGRES=1)."""
    reason = _postgres_reason()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason}; ROUNDS_REQUIRE_POSTGRES=1 makes this a failure")
        pytest.skip(reason)
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_admin_url):
    """Yield a URL whose connections use a fresh, private schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in postgres_admin_url else "?"
    yield f"{postgres_admin_url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """Return the URL of a new SQLite file."""
    return f"sqlite:///{tmp_path / 'rounds.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    """Return a fresh database URL, once per backend."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
def engine(database_url):
    """Yield an engine with the schema in place, on each backend."""
    eng = open_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def clock(monkeypatch):
    """A settable clock read by every store module (`tests/dashboard_cohort.py`)."""
    from tests.dashboard_cohort import install_clock  # it imports this module

    return install_clock(monkeypatch)


@pytest.fixture
def cohort(engine, clock) -> dict[str, str]:
    """The hand-computed dashboard cohort, stored; {letter: participant id}."""
    from tests.dashboard_cohort import store_cohort

    return store_cohort(engine, clock)


def as_pre_alembic(conn, version: int) -> None:
    """Make a fresh database look as the pre-Alembic migrations at `version` left it.

    (The caller then takes out what that version did not have yet.)
    """
    later = (
        "certificates",
        "check_reveals",
        "meeting_sessions",
        "used_tokens",
        "throttle",
        "educator_sessions",
    )
    for table in ("alembic_version", *later):
        conn.execute(text(f"DROP TABLE {table}"))
    conn.execute(
        text("CREATE TABLE schema_info (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)")
    )
    conn.execute(text("INSERT INTO schema_info VALUES (1, :v)"), {"v": version})
