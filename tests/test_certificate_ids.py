"""Certificate ids: issued once per learner and module, verified by id alone (no name stored)."""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import inspect, select

from rounds.rules.certificates import (
    EXAMPLE,
    Verdict,
    new_certificate_id,
    parse_certificate_id,
    verdict_text,
)
from rounds.store.certificates import find_certificate, issue_certificate, verify_certificate
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.tables import certificates

DAY = dt.date(2026, 11, 30)


def attested(engine) -> str:
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    return pid


def test_an_id_reads_like_the_example_and_is_drawn_at_random():
    ids = {new_certificate_id() for _ in range(200)}
    assert len(ids) == 200
    for found in ids:
        assert len(found) == len(EXAMPLE) and parse_certificate_id(found) == found


@pytest.mark.parametrize(
    "typed",
    ["RND-7KQ2-M9XD", " rnd-7kq2-m9xd ", "RND 7KQ2 M9XD", "rnd7kq2m9xd", "RND-7KQ2-M9XD\n"],
)
def test_a_typed_id_is_read_whatever_its_case_spacing_and_dashes(typed):
    assert parse_certificate_id(typed) == "RND-7KQ2-M9XD"


def test_letters_confused_with_digits_read_as_the_digits():
    assert parse_certificate_id("RND-7KQ2-MOXI") == "RND-7KQ2-M0X1"
    assert parse_certificate_id("RND-L000-0000") == "RND-1000-0000"


@pytest.mark.parametrize(
    "typed",
    ["", "RND", "RND-7KQ2", "RND-7KQ2-M9XD-AAAA", "XYZ-7KQ2-M9XD", "RND-7KQ2-M9X!",
     "RND-7KQU-M9XD", "' OR 1=1 --", "<script>", "R" * 5000, None, 42],
)  # fmt: skip
def test_anything_else_is_malformed(typed):
    assert parse_certificate_id(typed) is None


def test_issuing_twice_gives_the_same_id_and_keeps_the_first_dates(engine):
    pid = attested(engine)
    first = issue_certificate(engine, pid, "m", DAY)
    again = issue_certificate(engine, pid, "m", DAY + dt.timedelta(days=3))
    assert again == first
    assert parse_certificate_id(first.id) == first.id
    assert (first.participant_id, first.module, first.completed_on) == (pid, "m", DAY)
    with engine.connect() as conn:
        assert conn.execute(select(certificates.c.id)).scalars().all() == [first.id]


def test_each_learner_and_module_gets_its_own_id(engine):
    one, two = attested(engine), attested(engine)
    ids = {
        issue_certificate(engine, one, "m", DAY).id,
        issue_certificate(engine, one, "other", DAY).id,
        issue_certificate(engine, two, "m", DAY).id,
    }
    assert len(ids) == 3


def test_issuing_from_many_sessions_at_once_gives_one_certificate(engine):
    pid = attested(engine)
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda _: issue_certificate(engine, pid, "m", DAY), range(16)))
    assert len({c.id for c in found}) == 1
    with engine.connect() as conn:
        assert len(conn.execute(select(certificates.c.id)).all()) == 1


def test_no_name_is_stored_with_a_certificate(engine):
    columns = {c["name"] for c in inspect(engine).get_columns("certificates")}
    assert columns == {"id", "participant_id", "module", "completed_on", "issued_at"}


def test_an_issued_id_verifies_typed_loosely(engine, caplog):
    issued = issue_certificate(engine, attested(engine), "m", DAY)
    verdict, found = verify_certificate(engine, f"  {issued.id.lower().replace('-', ' ')} ")
    assert verdict is Verdict.valid and found == issued
    assert verdict_text(verdict, "The module", found.completed_on) == (
        "Valid: The module, completed 30 November 2026"
    )


def test_an_unknown_id_is_not_found_and_logged(engine, caplog):
    issue_certificate(engine, attested(engine), "m", DAY)
    unknown = next(i for i in iter(new_certificate_id, None) if not find_certificate(engine, i))
    with caplog.at_level(logging.WARNING, logger="rounds"):
        verdict, found = verify_certificate(engine, unknown)
    assert (verdict, found) == (Verdict.unknown, None)
    assert unknown in caplog.text
    assert verdict_text(verdict).startswith("Not found")


def test_a_malformed_id_is_refused_with_a_clear_message_and_logged(engine, caplog):
    with caplog.at_level(logging.WARNING, logger="rounds"):
        verdict, found = verify_certificate(engine, "RND-<script>" + "x" * 500)
    assert (verdict, found) == (Verdict.malformed, None)
    assert "malformed" in caplog.text and "x" * 200 not in caplog.text  # cut short
    assert EXAMPLE in verdict_text(verdict)
