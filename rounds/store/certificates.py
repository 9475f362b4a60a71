"""Issued certificates: one id per participant and module, looked up by the id alone.

No name is stored: the learner's name is printed on the PDF and kept nowhere. A certificate
row says which participant (an anonymous id) completed which module on which date, and when
the certificate was first issued.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from rounds.logs import shown
from rounds.rules.certificates import Verdict, new_certificate_id, parse_certificate_id
from rounds.store.engine import as_utc, utcnow
from rounds.store.tables import certificates

log = logging.getLogger(__name__)
_TRIES = 5  # a new id that collides with an issued one is drawn again (1 in 10^12 a time)


@dataclass(frozen=True)
class Certificate:
    """An issued certificate, as stored."""

    id: str
    participant_id: str
    module: str
    completed_on: dt.date
    issued_at: dt.datetime


def _row(found) -> Certificate:
    return Certificate(
        id=found.id,
        participant_id=found.participant_id,
        module=found.module,
        completed_on=found.completed_on,
        issued_at=as_utc(found.issued_at),
    )


def certificate_for(engine: Engine, participant_id: str, module: str) -> Certificate | None:
    """Return this participant's certificate for `module`, or None if none was issued yet."""
    with engine.connect() as conn:
        found = conn.execute(
            select(certificates).where(
                certificates.c.participant_id == participant_id, certificates.c.module == module
            )
        ).first()
    return _row(found) if found else None


def issue_certificate(
    engine: Engine, participant_id: str, module: str, completed_on: dt.date
) -> Certificate:
    """Return this participant's certificate for `module`, issuing it the first time.

    Idempotent: the same participant and module get the same id (and the first issue's dates)
    however often, and from however many sessions at once.
    """
    for _ in range(_TRIES):
        found = certificate_for(engine, participant_id, module)
        if found:
            return found
        try:
            with engine.begin() as conn:
                conn.execute(
                    insert(certificates).values(
                        id=new_certificate_id(),
                        participant_id=participant_id,
                        module=module,
                        completed_on=completed_on,
                        issued_at=utcnow(),
                    )
                )
        except IntegrityError:  # issued at the same moment elsewhere, or the id was taken
            continue
        log.info("certificate issued: module=%s", module)
    found = certificate_for(engine, participant_id, module)
    if found is None:
        raise RuntimeError(f"could not issue a certificate for module {module!r}")
    return found


def find_certificate(engine: Engine, certificate_id: str) -> Certificate | None:
    """Return the certificate with this id, or None if none was issued."""
    with engine.connect() as conn:
        found = conn.execute(
            select(certificates).where(certificates.c.id == certificate_id)
        ).first()
    return _row(found) if found else None


def verify_certificate(engine: Engine, typed: str) -> tuple[Verdict, Certificate | None]:
    """Look up a typed certificate id: valid (with its certificate), unknown or malformed.

    Every id that is not valid is logged (cut short): a forged or mistyped one leaves a trace.
    """
    certificate_id = parse_certificate_id(typed)
    if certificate_id is None:
        log.warning("certificate check refused a malformed id: %s", shown(typed))
        return Verdict.malformed, None
    found = find_certificate(engine, certificate_id)
    if found is None:
        log.warning("certificate check found no certificate %s", certificate_id)
        return Verdict.unknown, None
    log.info("certificate check: %s is valid", certificate_id)
    return Verdict.valid, found
