"""Single-use tokens and educator sign-in sessions: what a signature alone cannot say.

A signed hand-off token is valid for minutes; recording its digest when it is used makes a
second use fail on every replica. An educator's signed sign-in cookie is valid for hours;
recording the sign-in makes signing out end it everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from rounds.store.engine import utcnow
from rounds.store.tables import educator_sessions, used_tokens

KEEP_USED = dt.timedelta(hours=1)  # longer than any hand-off token lives


def use_once(engine: Engine, token: str) -> bool:
    """Record that `token` is used; return False if it was used before (a replay)."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    now = utcnow()
    try:
        with engine.begin() as conn:
            conn.execute(delete(used_tokens).where(used_tokens.c.used_at < now - KEEP_USED))
            conn.execute(insert(used_tokens).values(digest=digest, used_at=now))
    except IntegrityError:
        return False
    return True


def start_educator_session(engine: Engine, session_id: str) -> None:
    """Record a new educator sign-in (idempotent: a repeated call changes nothing)."""
    try:
        with engine.begin() as conn:
            conn.execute(insert(educator_sessions).values(id=session_id, started_at=utcnow()))
    except IntegrityError:
        pass


def educator_session_active(engine: Engine, session_id: str) -> bool:
    """Return whether this educator sign-in exists and has not been ended."""
    with engine.connect() as conn:
        row = conn.execute(
            select(educator_sessions.c.ended_at).where(educator_sessions.c.id == session_id)
        ).first()
    return row is not None and row.ended_at is None


def end_educator_session(engine: Engine, session_id: str) -> None:
    """End an educator sign-in (signing out); its cookie reads as signed out from now on."""
    with engine.begin() as conn:
        conn.execute(
            update(educator_sessions)
            .where(educator_sessions.c.id == session_id, educator_sessions.c.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
