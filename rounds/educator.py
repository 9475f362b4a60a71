"""Educator sign-in: the configured password, its check, a throttle and the session's expiry.

Plain Python for the UI layer to call. The password is configured, never stored in the
database: preferably as a PBKDF2 hash (`python -m rounds hash-password` prints one) in
`ROUNDS_EDUCATOR_PASSWORD_HASH` or `[educator] password_hash` in `.streamlit/secrets.toml`,
else as a plain `ROUNDS_EDUCATOR_PASSWORD` or `[educator] password`. Both are compared in
constant time. Repeated wrong passwords are slowed down per browser session and per client
address by an in-memory `Throttle` (per process: each replica keeps its own).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
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


def is_configured(env: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> bool:
    """Return whether an educator password is configured at all."""
    return educator_secret(env, secrets) is not None


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


@dataclass
class _Failures:
    count: int
    last: float


class Throttle:
    """Slow down repeated wrong passwords per key ("session:<id>", "ip:<address>").

    The first `max_free_failures` failures cost nothing; after that each attempt waits
    `base_delay * 2**(failures - max_free_failures)` seconds (at most `max_delay`) from the
    last failure. A key forgets its failures `window` seconds after the last one, and the
    table keeps at most `max_keys` keys, dropping those whose last failure is oldest.
    """

    def __init__(
        self,
        max_free_failures: int = 3,
        base_delay: float = 2.0,
        max_delay: float = 300.0,
        window: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_keys: int = 10_000,
    ) -> None:
        self.max_free_failures = max_free_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, _Failures] = OrderedDict()  # oldest last failure first

    def __len__(self) -> int:
        return len(self._failures)

    def _wait(self, key: str, now: float) -> float:
        entry = self._failures.get(key)
        if entry is None or now - entry.last >= self.window:
            return 0.0
        over = entry.count - self.max_free_failures
        if over < 0:
            return 0.0
        delay = min(self.base_delay * 2 ** min(over, 64), self.max_delay)
        return max(0.0, entry.last + delay - now)

    def _prune(self, now: float) -> None:
        while self._failures:
            oldest = next(iter(self._failures.values()))
            if now - oldest.last < self.window and len(self._failures) <= self.max_keys:
                break
            self._failures.popitem(last=False)

    def retry_after(self, keys: Iterable[str]) -> float:
        """Return the seconds to wait before another attempt with these keys (0 if allowed)."""
        with self._lock:
            now = self._clock()
            return max((self._wait(key, now) for key in keys), default=0.0)

    def record_failure(self, keys: Iterable[str]) -> float:
        """Count a wrong password against each key; return the wait it now imposes."""
        with self._lock:
            now = self._clock()
            unique = list(dict.fromkeys(keys))
            for key in unique:
                entry = self._failures.pop(key, None)
                if entry is None or now - entry.last >= self.window:
                    entry = _Failures(0, now)
                entry.count += 1
                entry.last = now
                self._failures[key] = entry  # re-inserted: now the newest
            self._prune(now)
            return max((self._wait(key, now) for key in unique), default=0.0)

    def record_success(self, keys: Iterable[str]) -> None:
        """Forget the failures of these keys after a right password."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
