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


# --- educator sign-in -------------------------------------------------------------------------

EDUCATOR_COOKIE = "rounds_educator"
DEVICE_COOKIE = "rounds_educator_device"
DEVICE_DAYS = 365
_ID = re.compile(r"^[0-9a-f]{32}$")


def educator_handoff_token(secret: str, session_id: str, device_id: str) -> str:
    """Sign a short-lived token that the educator route exchanges for the sign-in cookies."""
    return _serializer(secret, "educator-handoff").dumps({"s": session_id, "d": device_id})


def _ids(data: object, *names: str) -> tuple[str, ...] | None:
    if not isinstance(data, dict):
        return None
    values = tuple(str(data.get(name, "")) for name in names)
    return values if all(_ID.match(v) for v in values) else None


def _loads(secret: str, salt: str, value: str | None, max_age: int) -> object:
    if not value or len(value) > 1024:
        return None
    try:
        return _serializer(secret, salt).loads(value, max_age=max_age)
    except BadData:
        return None


def read_educator_handoff(secret: str, token: str | None) -> tuple[str, str] | None:
    """Return (sign-in session id, device id) from a fresh, genuine educator token, else None."""
    found = _ids(_loads(secret, "educator-handoff", token, HANDOFF_SECONDS), "s", "d")
    return None if found is None else (found[0], found[1])


def educator_cookie(secret: str, session_id: str) -> str:
    """Sign the cookie value that names an educator sign-in."""
    return _serializer(secret, "educator").dumps({"s": session_id})


def read_educator_cookie(secret: str, value: str | None, max_age_s: int) -> str | None:
    """Return the sign-in session id from a genuine cookie younger than `max_age_s`, else None."""
    found = _ids(_loads(secret, "educator", value, max_age_s), "s")
    return None if found is None else found[0]


def device_cookie(secret: str, device_id: str) -> str:
    """Sign the cookie value that marks a browser an educator has signed in with."""
    return _serializer(secret, "educator-device").dumps({"d": device_id})


def read_device_cookie(secret: str, value: str | None) -> str | None:
    """Return the device id from a genuine device cookie, else None."""
    found = _ids(_loads(secret, "educator-device", value, DEVICE_DAYS * 86400), "d")
    return None if found is None else found[0]


# --- live results -----------------------------------------------------------------------------

VIEWER_SECONDS = 12 * 3600  # a page left open through a day's meeting keeps its stream


def viewer_token(secret: str, poll_id: str, results: bool) -> str:
    """Sign what one viewer may receive from a poll's live stream: its state, and results or not.

    Only a page drawn for an attested participant or a signed-in educator gets one.
    """
    return _serializer(secret, "live").dumps({"poll": poll_id, "r": bool(results)})


def read_viewer_token(secret: str, token: str | None, poll_id: str) -> bool | None:
    """Return whether the token grants results for `poll_id`; None if it is no valid token."""
    data = _loads(secret, "live", token, VIEWER_SECONDS)
    if not isinstance(data, dict) or data.get("poll") != poll_id:
        return None
    return data.get("r") is True
