"""Meeting sessions: which item of a module's session is live, and which checks were revealed.

The items themselves run as polls (`rounds.store.polls`, `rounds.store.votes`) under poll ids of
their own (`rounds.rules.session`); this module stores only the session's pointer and reveals.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, update

from rounds.rules.lifecycle import PollState
from rounds.rules.session import opens_when_live
from rounds.store.engine import upsert, utcnow
from rounds.store.polls import current_round, reset, set_state
from rounds.store.tables import check_reveals, meeting_sessions, votes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionState:
    """A module's session as stored: the live item's poll id (None when none is live)."""

    live_item: str | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None

    @property
    def running(self) -> bool:
        """Tell whether an item is live."""
        return self.live_item is not None


def session_state(engine: Engine, slug: str) -> SessionState:
    """Return the module's session (an empty state if none was ever started)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(meeting_sessions).where(meeting_sessions.c.module == slug)
        ).first()
    if row is None:
        return SessionState()
    return SessionState(row.live_item, row.started_at, row.ended_at)


def is_revealed(engine: Engine, item_id: str, round_no: int) -> bool:
    """Tell whether the correct answer of this round of a check was revealed."""
    with engine.connect() as conn:
        found = conn.execute(
            select(check_reveals.c.round).where(
                check_reveals.c.poll_id == item_id, check_reveals.c.round == round_no
            )
        ).first()
    return found is not None


def _live_item(conn: Connection, slug: str) -> str | None:
    """Return the module's live item inside a transaction (None: no session running)."""
    return conn.execute(
        select(meeting_sessions.c.live_item).where(
            meeting_sessions.c.module == slug, meeting_sessions.c.live_item.is_not(None)
        )
    ).scalar()


def go_live(engine: Engine, slug: str, item_id: str) -> None:
    """Make `item_id` the module's live item, opening its round unless it was revealed.

    The round opens first, so phones never see a live item still waiting to open; going live
    twice on the same item changes nothing more.
    """
    info = current_round(engine, item_id)
    state = info.effective_state(utcnow())
    if opens_when_live(state, is_revealed(engine, item_id, info.round)) and not info.simulated:
        set_state(engine, item_id, PollState.open)
    now = utcnow()
    with engine.begin() as conn:
        if _live_item(conn, slug) is None:  # a new session (or the first): it starts now
            upsert(
                conn,
                meeting_sessions,
                {
                    "module": slug,
                    "live_item": item_id,
                    "started_at": now,
                    "updated_at": now,
                    "ended_at": None,
                },
                keys=["module"],
                update=["live_item", "started_at", "updated_at", "ended_at"],
            )
        else:
            conn.execute(
                update(meeting_sessions)
                .where(meeting_sessions.c.module == slug)
                .values(live_item=item_id, updated_at=now)
            )


def reveal(engine: Engine, item_id: str) -> int:
    """Close the check's current round and mark its correct answer revealed; return the round.

    Revealing twice changes nothing: the reveal is stored once per round.
    """
    info = set_state(engine, item_id, PollState.closed)
    with engine.begin() as conn:
        upsert(
            conn,
            check_reveals,
            {"poll_id": item_id, "round": info.round, "revealed_at": utcnow()},
            keys=["poll_id", "round"],
            update=[],
        )
    return info.round


def end_session(engine: Engine, slug: str, poll: str | None, reopen: bool) -> bool:
    """End the module's session; return False if none was running (a second click).

    The live item's round is closed. The module's poll (`poll`) then either opens a new round
    for self-paced learners (`reopen`; the room's round is archived with its votes) or stays
    closed.
    """
    now = utcnow()
    with engine.begin() as conn:
        live = _live_item(conn, slug)
        if live is None:
            return False
        conn.execute(
            update(meeting_sessions)
            .where(meeting_sessions.c.module == slug)
            .values(live_item=None, ended_at=now, updated_at=now)
        )
    set_state(engine, live, PollState.closed)
    if poll is None:
        return True
    if reopen:
        reset(engine, poll)
        set_state(engine, poll, PollState.open)
        log.info("session of %s ended: the poll is open for self-paced learners", slug)
    else:
        set_state(engine, poll, PollState.closed)
        log.info("session of %s ended: the poll stays closed", slug)
    return True


def my_vote(engine: Engine, item_id: str, round_no: int, participant_id: str) -> str | None:
    """Return the option a participant chose in one round of a session item (None if none)."""
    with engine.connect() as conn:
        return conn.execute(
            select(votes.c.option_key).where(
                votes.c.poll_id == item_id,
                votes.c.round == round_no,
                votes.c.participant_id == participant_id,
            )
        ).scalar()
