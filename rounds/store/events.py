"""A participant's progress events through a module (opened the article, finished a step)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, insert, select

from rounds.store.engine import utcnow
from rounds.store.tables import events


def record_event(engine: Engine, participant_id: str, module: str, kind: str) -> None:
    """Append one event."""
    with engine.begin() as conn:
        conn.execute(
            insert(events).values(
                participant_id=participant_id, module=module, kind=kind, at=utcnow()
            )
        )


def event_kinds(engine: Engine, participant_id: str, module: str) -> set[str]:
    """Return the kinds of event this participant has in this module."""
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(events.c.kind)
                .where(events.c.participant_id == participant_id, events.c.module == module)
                .distinct()
            ).scalars()
        )


def time_span(engine: Engine, participant_id: str, module: str) -> dt.timedelta | None:
    """Return the time from the first to the last event in this module, if any."""
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(events.c.at), func.max(events.c.at)).where(
                events.c.participant_id == participant_id, events.c.module == module
            )
        ).one()
    if first is None:
        return None
    return last - first


def first_event_at(
    engine: Engine, participant_id: str, module: str, kind: str
) -> dt.datetime | None:
    """Return when the participant first had an event of this kind in the module."""
    with engine.connect() as conn:
        return conn.execute(
            select(func.min(events.c.at)).where(
                events.c.participant_id == participant_id,
                events.c.module == module,
                events.c.kind == kind,
            )
        ).scalar()
