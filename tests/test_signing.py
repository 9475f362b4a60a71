"""The attestation cookie and hand-off token: genuine ones read back, anything else as none."""

from __future__ import annotations

import time

import pytest

from rounds.web import signing

SECRET = "a-configured-secret"
PARTICIPANT = "0123456789abcdef0123456789abcdef"


def test_a_genuine_cookie_names_its_participant():
    cookie = signing.attestation_cookie(SECRET, PARTICIPANT)
    assert signing.read_attestation_cookie(SECRET, cookie, valid_days=30) == PARTICIPANT


@pytest.mark.parametrize(
    "cookie",
    [
        None,
        "",
        "not-a-signed-value",
        signing.attestation_cookie("another-secret", PARTICIPANT),  # another server's key
        signing.attestation_cookie(SECRET, PARTICIPANT)[:-2] + "xx",  # tampered signature
        signing.handoff_token(SECRET, PARTICIPANT, 30),  # a token of the other kind
        signing.attestation_cookie(SECRET, "../../etc/passwd"),  # not an id we issue
        "x" * 5000,
    ],
)
def test_forged_foreign_or_malformed_cookies_read_as_no_attestation(cookie):
    assert signing.read_attestation_cookie(SECRET, cookie, valid_days=30) is None


def test_a_cookie_older_than_the_gate_allows_reads_as_no_attestation(monkeypatch):
    cookie = signing.attestation_cookie(SECRET, PARTICIPANT)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 29 * 86400)
    assert signing.read_attestation_cookie(SECRET, cookie, valid_days=30) == PARTICIPANT
    monkeypatch.setattr(time, "time", lambda: now + 31 * 86400)
    assert signing.read_attestation_cookie(SECRET, cookie, valid_days=30) is None


def test_a_hand_off_token_is_good_for_minutes_and_only_as_a_token(monkeypatch):
    token = signing.handoff_token(SECRET, PARTICIPANT, 30)
    assert signing.read_handoff_token(SECRET, token) == (PARTICIPANT, 30)
    cookie = signing.attestation_cookie(SECRET, PARTICIPANT)
    assert signing.read_handoff_token(SECRET, cookie) is None  # a cookie is no token
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + signing.HANDOFF_SECONDS + 5)
    assert signing.read_handoff_token(SECRET, token) is None
