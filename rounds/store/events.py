"""A participant's progress events through a module (opened the article, finished a step)."""

from __future__ import annotations

from sqlalchemy import Engine, insert

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
