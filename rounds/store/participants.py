"""Participants and their HCP attestations. No name or e-mail is ever stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from rounds.store.engine import utcnow
from rounds.store.tables import attestations, participants


@dataclass(frozen=True)
class Attestation:
    """The latest attestation a participant gave."""

    participant_id: str
    text_version: str
    profession: str
    country: str | None


def new_participant_id() -> str:
    """Return a fresh anonymous participant id."""
    return uuid.uuid4().hex


def record_attestation(
    engine: Engine,
    participant_id: str,
    text_version: str,
    profession: str,
    country: str | None,
) -> None:
    """Store that this participant attested to being an HCP (creating the participant)."""
    now = utcnow()
    with engine.begin() as conn:
        known = conn.execute(
            select(participants.c.id).where(participants.c.id == participant_id)
        ).first()
        if known is None:
            conn.execute(insert(participants).values(id=participant_id, created_at=now))
        conn.execute(
            insert(attestations).values(
                participant_id=participant_id,
                attested_at=now,
                text_version=text_version,
                profession=profession,
                country=country or None,
            )
        )


def latest_attestation(engine: Engine, participant_id: str) -> Attestation | None:
    """Return the participant's most recent attestation, or None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(attestations)
            .where(attestations.c.participant_id == participant_id)
            .order_by(attestations.c.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    return Attestation(row.participant_id, row.text_version, row.profession, row.country)
