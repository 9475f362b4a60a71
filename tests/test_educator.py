"""Educator sign-in: hashed and plain passwords, where they are configured, their expiry."""

from __future__ import annotations

import subprocess
import sys

from rounds.rules.educator import (
    ENV_HASH,
    is_session_valid,
    verify_password,
)
from tests.conftest import ROOT

FAST = 1_000  # iterations: enough to exercise PBKDF2, quick enough for a test


def test_session_is_valid_for_eight_hours_and_not_from_the_future():
    assert is_session_valid(0.0, 0.0)
    assert is_session_valid(0.0, 8 * 3600 - 1)
    assert not is_session_valid(0.0, 8 * 3600)
    assert not is_session_valid(100.0, 50.0)
    assert is_session_valid(0.0, 3599, hours=1) and not is_session_valid(0.0, 3600, hours=1)


# --- command line ------------------------------------------------------------


def _hash_password_command(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rounds", "hash-password"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_hash_password_command_prints_a_hash_that_verifies():
    result = _hash_password_command("Tr0ub4dor & 3\n")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert "\n" not in line and line.startswith("pbkdf2_sha256$600000$")
    assert verify_password("Tr0ub4dor & 3", line)
    assert not verify_password("Tr0ub4dor & 3\n", line)
    assert ENV_HASH in result.stderr


def test_hash_password_command_refuses_an_empty_password():
    result = _hash_password_command("\n")
    assert result.returncode == 1
    assert result.stdout == ""
