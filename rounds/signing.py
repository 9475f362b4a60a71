"""Signed values that let an HCP attestation survive a reload without trusting the browser.

Two kinds, with different salts so one can never pass for the other:
- a short-lived hand-off token, put in the page right after the visitor attests, which the
  `/_rounds/attest` route exchanges for the cookie;
- the cookie itself (HttpOnly, set only by that route), valid for the gate's `valid_days`.
A value that is forged, expired or of the wrong kind reads as no attestation.
"""

from __future__ import annotations

import re

from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE_NAME = "rounds_hcp"
HANDOFF_SECONDS = 300
_PARTICIPANT = re.compile(r"^[0-9a-f]{32}$")


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"rounds.{salt}")


def _load(secret: str, salt: str, value: str | None, max_age: int) -> dict | None:
    if not value or len(value) > 1024:
        return None
    try:
        data = _serializer(secret, salt).loads(value, max_age=max_age)
    except BadData:
        return None
    if not isinstance(data, dict) or not _PARTICIPANT.match(str(data.get("p", ""))):
        return None
    return data


def handoff_token(secret: str, participant_id: str, valid_days: int) -> str:
    """Sign a short-lived token that the attest route exchanges for the cookie."""
    return _serializer(secret, "handoff").dumps({"p": participant_id, "d": valid_days})


def read_handoff_token(secret: str, token: str | None) -> tuple[str, int] | None:
    """Return (participant id, valid days) from a fresh, genuine hand-off token, else None."""
    data = _load(secret, "handoff", token, HANDOFF_SECONDS)
    if data is None or not isinstance(data.get("d"), int) or not 1 <= data["d"] <= 365:
        return None
    return data["p"], data["d"]


def attestation_cookie(secret: str, participant_id: str) -> str:
    """Sign the cookie value that names an attested participant."""
    return _serializer(secret, "attestation").dumps({"p": participant_id})


def read_attestation_cookie(secret: str, value: str | None, valid_days: int) -> str | None:
    """Return the participant id from a genuine cookie younger than `valid_days`, else None."""
    data = _load(secret, "attestation", value, valid_days * 86400)
    return None if data is None else data["p"]
