"""Educator sign-in: the configured password, its check, a throttle and the session's expiry.

Plain Python for the UI layer to call. The password is configured, never stored in the
database: preferably as a PBKDF2 hash (`python -m rounds hash-password` prints one) in
`ROUNDS_EDUCATOR_PASSWORD_HASH` or `[educator] password_hash` in `.streamlit/secrets.toml`,
else as a plain `ROUNDS_EDUCATOR_PASSWORD` or `[educator] password`. Both are compared in
constant time. Attempts are throttled (`sign_in_keys`) and counted in the database
(`rounds.store.throttle`), so no client message can reset them and every replica shares them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000
MAX_ITERATIONS = 10_000_000  # refuse a configured hash that would take minutes to check
SESSION_HOURS = 8
ENV_HASH = "ROUNDS_EDUCATOR_PASSWORD_HASH"
ENV_PLAIN = "ROUNDS_EDUCATOR_PASSWORD"


def _pbkdf2(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS) -> str:
    """Return "pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>" for `password`, freshly salted."""
    if iterations < 1:
        raise ValueError("iterations must be positive")
    salt = os.urandom(16)
    digest = _pbkdf2(password, salt, iterations)
    b64 = base64.b64encode
    return f"{ALGORITHM}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """Return whether `password` matches `encoded`; False, never an error, if it is malformed."""
    try:
        algorithm, iterations_text, salt_b64, digest_b64 = encoded.strip().split("$")
        if algorithm != ALGORITHM or not (iterations_text.isascii() and iterations_text.isdigit()):
            return False
        iterations = int(iterations_text)
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(digest_b64, validate=True)
        if not 1 <= iterations <= MAX_ITERATIONS or not salt or not expected:
            return False
        return hmac.compare_digest(_pbkdf2(password, salt, iterations), expected)
    except (AttributeError, TypeError, ValueError, binascii.Error):
        return False


@dataclass(frozen=True)
class Credential:
    """The configured educator password: a PBKDF2 hash or, less safely, the plain text."""

    kind: Literal["hash", "plain"]
    value: str = ""

    def __repr__(self) -> str:
        return f"Credential(kind={self.kind!r}, value=<hidden>)"


def _section(secrets: Mapping[str, Any] | None) -> Mapping[str, Any]:
    try:
        section = secrets.get("educator") if secrets is not None else None
    except Exception:  # a broken secrets.toml reads as nothing configured
        return {}
    return section if isinstance(section, Mapping) else {}


def educator_secret(
    env: Mapping[str, str], secrets: Mapping[str, Any] | None = None
) -> Credential | None:
    """Return the configured credential (env hash, env plain, secrets hash, secrets plain)."""
    section = _section(secrets)
    for kind, value in (
        ("hash", env.get(ENV_HASH)),
        ("plain", env.get(ENV_PLAIN)),
        ("hash", section.get("password_hash")),
        ("plain", section.get("password")),
    ):
        if isinstance(value, str) and value.strip():
            return Credential(kind, value.strip() if kind == "hash" else value)
    return None


def check_password(candidate: str, credential: Credential | None) -> bool:
    """Return whether `candidate` is the configured password, in constant time."""
    if credential is None or not isinstance(candidate, str) or not candidate:
        return False
    if credential.kind == "hash":
        return verify_password(candidate, credential.value)
    try:
        given = hashlib.sha256(candidate.encode("utf-8")).digest()
        expected = hashlib.sha256(credential.value.encode("utf-8")).digest()
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given, expected)


def is_session_valid(signed_in_at: float, now: float, hours: float = SESSION_HOURS) -> bool:
    """Return whether an educator who signed in at `signed_in_at` is still signed in at `now`."""
    return signed_in_at <= now < signed_in_at + hours * 3600


@dataclass(frozen=True)
class Backoff:
    """Slow down repeated attempts under one key: `free` cost nothing, then each waits longer.

    After `free` counted attempts the next waits `base * 2**(count - free)` seconds (at most
    `cap`) from the last one. A key forgets its attempts `window` seconds after the last one.
    """

    free: int
    base: float = 2.0
    cap: float = 300.0
    window: float = 900.0

    def expired(self, first: float, last: float, now: float) -> bool:
        """Return whether attempts counted between `first` and `last` are forgotten at `now`."""
        return now - last >= self.window

    def wait(self, count: int, first: float, last: float, now: float) -> float:
        """Return the seconds one more attempt must wait after `count` counted attempts."""
        if count < self.free or self.expired(first, last, now):
            return 0.0
        delay = min(self.base * 2 ** min(count - self.free, 64), self.cap)
        return max(0.0, last + delay - now)


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` attempts per fixed window of `window` seconds under one key."""

    limit: int
    window: float = 60.0

    def expired(self, first: float, last: float, now: float) -> bool:
        """Return whether the window that began at `first` is over at `now`."""
        return now - first >= self.window

    def wait(self, count: int, first: float, last: float, now: float) -> float:
        """Return the seconds until one more attempt fits in a window."""
        if count < self.limit or self.expired(first, last, now):
            return 0.0
        return max(0.0, first + self.window - now)


Policy = Backoff | RateLimit

# Guessing the educator password. A browser session gets 3 free tries; a device on which an
# educator has signed in before (a signed cookie) gets its own allowance and is never slowed by
# anyone else. Unknown devices share two more: per client address (which a whole conference
# network behind one NAT may share) and one ceiling for everyone, so that new sessions, new
# addresses or several replicas give an attacker no more guesses.
PER_SESSION = Backoff(free=3, base=15.0)  # a mistyped password costs 15 s, then 30 s...
PER_DEVICE = Backoff(free=5)
PER_ADDRESS = Backoff(free=10, base=10.0)
EVERYONE = Backoff(free=30, base=4.0)


def sign_in_keys(session: str, device: str | None, address: str) -> list[tuple[str, Policy]]:
    """Return the throttle keys and policies one sign-in attempt counts against.

    A known device counts only against itself and its session: failures from other devices,
    however many, never keep an educator out of a browser they have signed in with before.
    """
    if device:
        return [
            (f"educator:session:{session}", PER_SESSION),
            (f"educator:device:{device}", PER_DEVICE),
        ]
    return [
        (f"educator:session:{session}", PER_SESSION),
        (f"educator:address:{address}", PER_ADDRESS),
        ("educator:unknown-devices", EVERYONE),
    ]


# New HCP attestations from one client address: a room of up to 2,000 phones behind one
# conference NAT joining within a minute still passes (at 600, the load bench's room of 1,000,
# all from one address, was held back); a script minting participants by the ten thousand does
# not, and the dashboard flags a round with a burst of new voters (`analytics.poll.BURST`).
NEW_PARTICIPANTS = RateLimit(limit=2000, window=60.0)


def attestation_key(address: str) -> tuple[str, Policy]:
    """Return the throttle key and policy of a new attestation from `address`."""
    return f"attest:address:{address}", NEW_PARTICIPANTS
