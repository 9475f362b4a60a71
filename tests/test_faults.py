"""Faults: a database that goes away and comes back, a locked SQLite file, content broken live."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from rounds.content.loader import load_catalog
from rounds.content.watch import CHECK_EVERY_S
from rounds.store.engine import open_engine
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.tables import votes
from rounds.store.votes import record_vote, vote_counts
from tests.apptest import PAGES, attest, fresh_app, live_heading, texts
from tests.conftest import CONTENT
from tests.faults import Outage

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
POLL = f"{MODULE.slug}/{MODULE.poll.key}"
OPTIONS = [o.key for o in MODULE.poll.options]


def through(proxy: Outage, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)


@pytest.mark.postgres
def test_postgres_outage_loses_no_acknowledged_vote_and_recovers_without_restart(postgres_url):
    parsed = make_url(postgres_url)
    proxy = Outage((parsed.host, parsed.port or 5432))
    proxy.up()
    engine = open_engine(through(proxy, postgres_url))
    people = [new_participant_id() for _ in range(6)]
    for pid in people:
        record_attestation(engine, pid, "v1", "nurse", None)
    acknowledged = []
    for pid in people[:3]:
        record_vote(engine, POLL, pid, OPTIONS[0])
        acknowledged.append(pid)

    proxy.down()
    for pid in people[3:]:
        with pytest.raises(OperationalError):
            record_vote(engine, POLL, pid, OPTIONS[1])

    proxy.up()
    for pid in people[3:]:  # the voter presses Vote again
        record_vote(engine, POLL, pid, OPTIONS[1])
    assert vote_counts(engine, POLL, 1) == {OPTIONS[0]: 3, OPTIONS[1]: 3}
    proxy.down()
    engine.dispose()


def test_a_locked_sqlite_database_delays_the_vote_then_stores_it(sqlite_url):
    engine = open_engine(sqlite_url)
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    holder = sqlite3.connect(
        make_url(sqlite_url).database, isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE alembic_version SET version_num = version_num")
    released = threading.Event()

    def release_later() -> None:
        time.sleep(1.0)
        holder.execute("COMMIT")
        released.set()

    threading.Thread(target=release_later).start()
    started = time.monotonic()
    record_vote(engine, POLL, pid, OPTIONS[0])  # waits for the lock instead of failing
    assert released.is_set() and time.monotonic() - started >= 0.9
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(votes)).scalar() == 1
    holder.close()


def test_the_poll_page_says_a_vote_was_not_saved_while_the_database_is_down(
    monkeypatch, tmp_path, postgres_url, caplog
):
    parsed = make_url(postgres_url)
    proxy = Outage((parsed.host, parsed.port or 5432))
    proxy.up()
    at = fresh_app(monkeypatch, tmp_path, through(proxy, postgres_url))
    at.switch_page(PAGES["poll"]).run()
    attest(at)
    at.radio(key="poll_choice").set_value(OPTIONS[0])
    proxy.down()
    at.button(key="poll_vote").click().run()
    assert not at.exception
    assert "Your vote could not be saved" in texts(at) or "cannot reach the database" in texts(at)
    outages = [r for r in caplog.records if r.name == "rounds.ui.outage"]
    assert outages and "database unavailable" in outages[0].getMessage()  # and recorded
    assert all(r.levelname == "ERROR" for r in outages)
    proxy.up()
    at.run()
    at.radio(key="poll_choice").set_value(OPTIONS[0])
    at.button(key="poll_vote").click().run()
    assert live_heading(at) == "Results so far (n = 1)"
    proxy.down()


def test_a_module_broken_while_the_app_runs_shows_its_error_card_and_keeps_results(
    monkeypatch, tmp_path
):
    content = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    second = content / "modules" / "second"
    shutil.copytree(content / "modules" / MODULE.slug, second)
    yaml_path = second / "module.yaml"
    yaml_path.write_text(
        yaml_path.read_text()
        .replace(f"slug: {MODULE.slug}", "slug: second")
        .replace("join_code:", "# join_code:"),  # join codes are unique across the catalog
        encoding="utf-8",
    )
    monkeypatch.setenv("ROUNDS_CONTENT_DIR", str(content))
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(PAGES["poll"])
    at.query_params["module"] = MODULE.slug
    at.run()
    attest(at)
    at.radio(key="poll_choice").set_value(OPTIONS[0])
    at.button(key="poll_vote").click().run()
    assert live_heading(at) == "Results so far (n = 1)"

    broken = content / "modules" / MODULE.slug / "module.yaml"
    broken.write_text("title: [unclosed", encoding="utf-8")
    time.sleep(CHECK_EVERY_S + 0.1)  # the app looks at the folder once a second
    at.switch_page(PAGES["home"]).run()
    assert not at.exception
    assert "This content could not be loaded" in texts(at)
    assert f"modules/{MODULE.slug}/module.yaml" in texts(at)
    at.switch_page(PAGES["article"])
    at.query_params["module"] = "second"
    at.run()
    assert at.title[0].value == MODULE.title  # the other module still works

    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert vote_counts(engine, POLL, 1) == {OPTIONS[0]: 1}
