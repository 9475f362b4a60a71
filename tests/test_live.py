"""The live feed: one shared read per poll, a new snapshot to every viewer only on change."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.votes import record_vote
from rounds.web.live import LiveFeed, snapshot

POLL = "m/poll"


def vote(engine, option: str) -> None:
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    record_vote(engine, POLL, pid, option)


def test_snapshot_reads_round_state_and_counts(engine):
    vote(engine, "a")
    vote(engine, "b")
    assert snapshot(engine, POLL) == {
        "item": POLL,
        "revealed": False,
        "round": 1,
        "state": "open",
        "closes_in": None,
        "counts": {"a": 1, "b": 1},
        "total": 2,
    }


def test_every_viewer_gets_each_change_once_from_one_shared_watcher(engine):
    reads = []

    def counting_engine():
        reads.append(1)
        return engine

    async def scenario() -> list[list[dict]]:
        feed = LiveFeed(counting_engine, interval=0.05)
        streams = [feed.subscribe(POLL, heartbeat=5) for _ in range(3)]
        first = [json.loads(await anext(s)) for s in streams]
        await asyncio.to_thread(vote, engine, "a")
        second = [json.loads(await anext(s)) for s in streams]
        for stream in streams:
            await stream.aclose()
        return [first, second]

    # A fresh thread: other tests (Playwright's sync API) may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        first, second = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert [s["total"] for s in first] == [0, 0, 0]
    assert [s["counts"] for s in second] == [{"a": 1}] * 3
    assert len(reads) == 1  # one watcher (one engine) served all three viewers


def test_a_database_outage_is_logged_once_then_its_recovery(engine, monkeypatch, caplog):
    import logging

    from sqlalchemy.exc import OperationalError

    from rounds.web import live

    failures = iter(range(4))  # the first four reads fail, as with the database away

    def flaky_snapshot(engine, poll_id):
        if next(failures, None) is not None:
            raise OperationalError("SELECT", {}, Exception("database is locked"))
        return snapshot(engine, poll_id)

    monkeypatch.setattr(live, "snapshot", flaky_snapshot)

    async def scenario() -> dict:
        feed = LiveFeed(lambda: engine, interval=0.01)
        stream = feed.subscribe(POLL, heartbeat=30)
        first = json.loads(await anext(stream))  # comes once the database answers again
        await stream.aclose()
        return first

    with caplog.at_level(logging.INFO, logger="rounds.web.live"), ThreadPoolExecutor(1) as pool:
        first = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert first["total"] == 0
    records = [r for r in caplog.records if r.name == "rounds.web.live"]
    assert [r.levelname for r in records] == ["ERROR", "INFO"]  # once per outage, not per read
    assert "cannot read the poll" in records[0].getMessage() and records[0].exc_info
    assert "recovered" in records[1].getMessage()


def test_a_modules_stream_follows_its_session_to_the_live_item(engine):
    from rounds.store.sessions import go_live, reveal
    from rounds.web.routes import state_only

    check = "m/check/q1/pre"
    vote(engine, "a")
    go_live(engine, "m", check)
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    record_vote(engine, check, pid, "right")
    live = snapshot(engine, POLL)
    assert (live["item"], live["counts"], live["revealed"]) == (check, {"right": 1}, False)
    reveal(engine, check)
    live = snapshot(engine, POLL)
    assert (live["state"], live["revealed"]) == ("closed", True)
    # A viewer without results still learns which item is live and that it was revealed.
    assert json.loads(state_only(json.dumps(live))) == {
        "item": check,
        "revealed": True,
        "round": 1,
        "state": "closed",
        "closes_in": None,
    }
