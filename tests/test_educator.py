"""Educator sign-in: hashed and plain passwords, where they are configured, the throttle."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from rounds.educator import (
    ENV_HASH,
    ENV_PLAIN,
    Credential,
    Throttle,
    check_password,
    educator_secret,
    hash_password,
    is_configured,
    is_session_valid,
    verify_password,
)
from tests.conftest import ROOT

FAST = 1_000  # iterations: enough to exercise PBKDF2, quick enough for a test


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- hashing ---------------------------------------------------------------


def test_hash_round_trips_and_rejects_a_wrong_password():
    encoded = hash_password("correct horse", iterations=FAST)
    assert encoded.startswith(f"pbkdf2_sha256${FAST}$")
    assert verify_password("correct horse", encoded)
    assert not verify_password("correct horse ", encoded)
    assert not verify_password("", encoded)


def test_non_ascii_password_round_trips():
    encoded = hash_password("mot de passe été ✓", iterations=FAST)
    assert verify_password("mot de passe été ✓", encoded)
    assert not verify_password("mot de passe ete ✓", encoded)


def test_two_hashes_of_the_same_password_differ_by_their_salt():
    first, second = (hash_password("same", iterations=FAST) for _ in range(2))
    assert first != second
    assert first.split("$")[2] != second.split("$")[2]
    assert verify_password("same", first) and verify_password("same", second)


def test_default_iterations_are_the_owasp_figure():
    assert hash_password("x").split("$")[1] == "600000"


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "nonsense",
        "pbkdf2_sha256$1000$c2FsdA==",  # too few parts
        "pbkdf2_sha256$1000$c2FsdA==$aGFzaA==$extra",
        "md5$1000$c2FsdA==$aGFzaA==",
        "pbkdf2_sha256$abc$c2FsdA==$aGFzaA==",
        "pbkdf2_sha256$-5$c2FsdA==$aGFzaA==",
        "pbkdf2_sha256$0$c2FsdA==$aGFzaA==",
        "pbkdf2_sha256$99999999999$c2FsdA==$aGFzaA==",  # would take minutes: refused
        "pbkdf2_sha256$1000$not base64!$aGFzaA==",
        "pbkdf2_sha256$1000$c2FsdA==$",
        "pbkdf2_sha256$1000$$aGFzaA==",
        "pbkdf2_sha256$1000$c2FsdA==$aGFzaA=",  # bad padding
        "pbkdf2_sha256$١٠٠٠$c2FsdA==$aGFzaA==",  # non-ASCII digits
        "pbkdf2_sha256$1000$c2Fsd\u00e9==$aGFzaA==",
    ],
)
def test_malformed_encodings_are_false_never_an_error(encoded):
    assert verify_password("anything", encoded) is False


def test_a_genuine_hash_with_its_iterations_in_non_ascii_digits_is_refused():
    _, iterations, salt, digest = hash_password("pw", iterations=FAST).split("$")
    arabic = iterations.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert verify_password("pw", f"pbkdf2_sha256${iterations}${salt}${digest}")
    assert not verify_password("pw", f"pbkdf2_sha256${arabic}${salt}${digest}")


def test_non_string_encodings_and_unencodable_passwords_are_false():
    assert verify_password("x", None) is False  # type: ignore[arg-type]
    assert verify_password("x", b"pbkdf2_sha256$1$a$b") is False  # type: ignore[arg-type]
    assert verify_password("\ud800", hash_password("x", iterations=FAST)) is False


# --- plain secrets and check_password ----------------------------------------


def test_plain_secret_compares_correctly_and_a_wrong_one_fails():
    credential = Credential("plain", "s3cret-Ω")
    assert check_password("s3cret-Ω", credential)
    assert not check_password("s3cret", credential)
    assert not check_password("s3cret-Ω ", credential)
    assert not check_password("", credential)
    assert not check_password("\ud800", credential)


def test_hashed_credential_is_checked_with_verify_password():
    credential = Credential("hash", hash_password("letmein", iterations=FAST))
    assert check_password("letmein", credential)
    assert not check_password("letmeout", credential)
    assert not check_password("letmein", Credential("hash", "broken"))


def test_nothing_configured_accepts_nothing():
    assert not check_password("", None)
    assert not check_password("anything", None)
    assert not check_password("", Credential("plain", ""))


def test_credential_repr_hides_the_value():
    assert "hunter2" not in repr(Credential("plain", "hunter2"))


# --- where the secret comes from ---------------------------------------------

SECRETS = {"educator": {"password_hash": "pbkdf2_sha256$1$c2FsdA==$aGFzaA==", "password": "sp"}}


def test_env_hash_wins_over_env_plain_and_secrets():
    env = {ENV_HASH: "env-hash", ENV_PLAIN: "env-plain"}
    assert educator_secret(env, SECRETS) == Credential("hash", "env-hash")


def test_env_plain_wins_over_secrets():
    assert educator_secret({ENV_PLAIN: "env-plain"}, SECRETS) == Credential("plain", "env-plain")


def test_secrets_hash_wins_over_secrets_plain():
    assert educator_secret({}, SECRETS) == Credential("hash", SECRETS["educator"]["password_hash"])
    assert educator_secret({}, {"educator": {"password": "sp"}}) == Credential("plain", "sp")


@pytest.mark.parametrize(
    ("env", "secrets"),
    [
        ({}, None),
        ({}, {}),
        ({"OTHER": "x"}, {"other": {"password": "x"}}),
        ({ENV_HASH: "", ENV_PLAIN: "  "}, {"educator": {"password_hash": "", "password": ""}}),
        ({}, {"educator": "not a table"}),
        ({}, {"educator": {"password": 1234}}),
    ],
)
def test_nothing_configured_is_none(env, secrets):
    assert educator_secret(env, secrets) is None
    assert not is_configured(env, secrets)


def test_blank_env_falls_through_to_secrets():
    assert educator_secret({ENV_HASH: "", ENV_PLAIN: ""}, {"educator": {"password": "sp"}}) == (
        Credential("plain", "sp")
    )
    assert is_configured({}, {"educator": {"password": "sp"}})


def test_secrets_that_fail_to_read_count_as_not_configured():
    class Broken(dict):
        def get(self, key, default=None):
            raise FileNotFoundError("no secrets.toml")

    assert educator_secret({}, Broken()) is None


def test_configured_hash_is_stripped_of_surrounding_whitespace():
    encoded = hash_password("pw", iterations=FAST)
    credential = educator_secret({ENV_HASH: f"  {encoded}\n"}, None)
    assert credential == Credential("hash", encoded)
    assert check_password("pw", credential)


# --- session expiry ----------------------------------------------------------


def test_session_is_valid_for_eight_hours_and_not_from_the_future():
    assert is_session_valid(0.0, 0.0)
    assert is_session_valid(0.0, 8 * 3600 - 1)
    assert not is_session_valid(0.0, 8 * 3600)
    assert not is_session_valid(100.0, 50.0)
    assert is_session_valid(0.0, 3599, hours=1) and not is_session_valid(0.0, 3600, hours=1)


# --- throttle ----------------------------------------------------------------


def test_three_failures_are_free_then_delays_grow_and_cap():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    keys = ["session:a"]
    for _ in range(2):
        assert throttle.record_failure(keys) == 0
        assert throttle.retry_after(keys) == 0
    waits = []
    for _ in range(10):
        waits.append(throttle.record_failure(keys))
        assert throttle.retry_after(keys) == waits[-1]
        clock.advance(waits[-1])
        assert throttle.retry_after(keys) == 0
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


def test_wait_counts_down_from_the_last_failure():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.record_failure(["session:a"])
    assert throttle.retry_after(["session:a"]) == 4
    clock.advance(1.5)
    assert throttle.retry_after(["session:a"]) == pytest.approx(2.5)


def test_keys_are_independent_and_the_longest_wait_wins():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    for n in range(5):
        throttle.record_failure([f"session:{n}", "ip:203.0.113.7"])
    assert throttle.retry_after(["ip:203.0.113.7"]) == 8
    assert throttle.retry_after(["session:0"]) == 0
    assert throttle.retry_after(["session:fresh", "ip:203.0.113.7"]) == 8
    assert throttle.retry_after(["session:fresh", "ip:198.51.100.1"]) == 0
    assert throttle.retry_after([]) == 0


def test_success_clears_only_the_given_keys():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.record_failure(["session:a", "ip:1", "ip:2"])
    throttle.record_success(["session:a", "ip:1"])
    assert throttle.retry_after(["session:a", "ip:1"]) == 0
    assert throttle.retry_after(["ip:2"]) == 4
    assert throttle.record_failure(["session:a"]) == 0  # counting starts again


def test_failures_expire_after_the_window():
    clock = FakeClock()
    throttle = Throttle(clock=clock, window=900.0)
    for _ in range(3):
        throttle.record_failure(["ip:1"])
    clock.advance(900)
    assert throttle.retry_after(["ip:1"]) == 0
    assert throttle.record_failure(["ip:1"]) == 0  # an old streak does not carry over
    assert len(throttle) == 1


def test_old_entries_are_dropped_when_recording():
    clock = FakeClock()
    throttle = Throttle(clock=clock, window=60.0)
    throttle.record_failure(["ip:old"])
    clock.advance(30)
    throttle.record_failure(["ip:mid"])
    clock.advance(31)
    throttle.record_failure(["ip:new"])
    assert len(throttle) == 2
    assert "ip:old" not in throttle._failures


def test_table_stays_bounded_dropping_the_oldest():
    clock = FakeClock()
    throttle = Throttle(clock=clock, max_keys=100)
    for _ in range(4):
        throttle.record_failure(["ip:attacker"])
    for n in range(1_000):
        clock.advance(0.01)
        throttle.record_failure([f"session:{n}"])
    assert len(throttle) == 100
    assert list(throttle._failures)[-1] == "session:999"
    assert "ip:attacker" not in throttle._failures


def test_default_table_cap_is_ten_thousand():
    assert Throttle().max_keys == 10_000


def test_duplicate_keys_and_generators_count_once():
    throttle = Throttle(clock=FakeClock())
    throttle.record_failure(iter(["ip:1", "ip:1", "ip:1"]))
    assert throttle._failures["ip:1"].count == 1


def test_concurrent_failures_are_all_counted():
    throttle = Throttle(clock=FakeClock(), max_delay=1e9)

    def fail() -> None:
        for _ in range(200):
            throttle.record_failure(["ip:shared"])

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle._failures["ip:shared"].count == 1_600


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
