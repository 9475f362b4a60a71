"""Rounds' own HTTP routes under the attacks of the outside review, against a real server.

- the live-results stream gave counts to anyone, gate or no gate, and to voters-to-be;
- `/_rounds/attest` let an attacker's token, opened in a victim's browser by a link from another
  site, replace the victim's participant with the attacker's (and a token worked many times).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import uuid
from pathlib import Path

import pytest

from deploy import replica
from rounds.content.loader import load_catalog
from rounds.rules.certificates import CHECKS
from rounds.store.certificates import issue_certificate
from rounds.store.engine import open_engine
from rounds.store.participants import record_attestation
from rounds.store.votes import record_vote
from rounds.web import signing
from rounds.web.routes import ATTEST_PATH, EDUCATOR_PATH, LIVE_PREFIX, verify_path
from tests.conftest import CONTENT

SECRET = "route-attacks-test-secret-" + "s" * 40
SLUG = "asparaginase-aya-all"


MODULE = load_catalog(CONTENT).get(SLUG).module
POLL_KEY = MODULE.poll.key
POLL = f"{SLUG}/{POLL_KEY}"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> tuple[int, Path]:
    folder = tmp_path_factory.mktemp("routes")
    env = {"ROUNDS_SECRET_KEY": SECRET, "ROUNDS_PUBLIC_URL": "https://rounds.example.org"}
    with replica.running(folder, env) as (port, _, log):
        engine = open_engine(f"sqlite:///{folder / 'rounds.db'}")
        voter = uuid.uuid4().hex
        record_attestation(engine, voter, "v", "physician", None)
        record_vote(engine, POLL, voter, MODULE.poll.options[0].key)
        engine.dispose()
        yield port, log


def get(port: int, path: str, headers: dict[str, str] | None = None, read: int = 0):
    """GET `path`; return (status, headers, the first `read` bytes of the body or all of it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read(read) if read else response.read()
    found = (response.status, response.headers, body)
    conn.close()
    return found


def first_event(port: int, token: str | None, poll_key: str = POLL_KEY) -> tuple[int, dict]:
    """Open the poll's live stream with a viewer token; return the status and its first event."""
    path = f"{LIVE_PREFIX}{SLUG}/{poll_key}" + (f"?v={token}" if token is not None else "")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("GET", path)
    response = conn.getresponse()
    if response.status != 200:
        conn.close()
        return response.status, {}
    while True:
        line = response.fp.readline().decode()
        if line.startswith("data: "):
            conn.close()
            return 200, json.loads(line[6:])


# --- the live stream --------------------------------------------------------------------------


def test_the_live_stream_needs_a_viewer_token(server):
    port, log = server
    assert first_event(port, None)[0] == 403
    assert first_event(port, "forged.token.value")[0] == 403
    assert first_event(port, signing.viewer_token("another secret", POLL, True))[0] == 403
    other_poll = signing.viewer_token(SECRET, f"{SLUG}/another-poll", True)
    assert first_event(port, other_poll)[0] == 403
    assert "live stream of" in log.read_text()


def test_a_viewer_not_yet_allowed_results_gets_the_state_and_never_the_counts(server):
    port, _ = server
    status, event = first_event(port, signing.viewer_token(SECRET, POLL, results=False))
    assert status == 200
    assert set(event) == {"item", "revealed", "round", "state", "closes_in"}
    status, event = first_event(port, signing.viewer_token(SECRET, POLL, results=True))
    assert status == 200 and event["total"] == 1 and sum(event["counts"].values()) == 1


# --- the attestation hand-off -----------------------------------------------------------------


def _attest(port: int, token: str, site: str = "same-origin", cookie: str | None = None):
    headers = {"Sec-Fetch-Site": site}
    if cookie:
        headers["Cookie"] = f"{signing.COOKIE_NAME}={cookie}"
    return get(port, f"{ATTEST_PATH}?t={token}", headers)


def test_a_hand_off_token_sets_the_cookie_once(server):
    port, _ = server
    participant = uuid.uuid4().hex
    token = signing.handoff_token(SECRET, participant, 30)
    status, headers, _ = _attest(port, token)
    assert status == 200
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"{signing.COOKIE_NAME}=") and "HttpOnly" in cookie
    assert "Secure" in cookie  # the public address is https, whatever the proxy forwarded
    status, headers, _ = _attest(port, token)  # the same token again
    assert status == 204 and "set-cookie" not in headers


def test_a_cross_site_link_to_the_hand_off_is_refused(server):
    port, log = server
    token = signing.handoff_token(SECRET, uuid.uuid4().hex, 30)
    for site in ("cross-site", "same-site", "none"):
        status, headers, _ = _attest(port, token, site=site)
        assert status == 403 and "set-cookie" not in headers
    assert _attest(port, token)[0] == 200  # refused requests did not use it up
    assert "cross-site attestation hand-off" in log.read_text()


def test_a_browser_that_names_a_participant_never_gets_another_ones_cookie(server):
    port, _ = server
    victim = signing.attestation_cookie(SECRET, uuid.uuid4().hex)
    attacker_token = signing.handoff_token(SECRET, uuid.uuid4().hex, 30)
    status, headers, _ = _attest(port, attacker_token, cookie=victim)
    assert status == 204 and "set-cookie" not in headers
    # The same participant's renewed cookie (after confirming a new gate text) is fine.
    same = uuid.uuid4().hex
    renewal = signing.handoff_token(SECRET, same, 30)
    status, _, _ = _attest(port, renewal, cookie=signing.attestation_cookie(SECRET, same))
    assert status == 200


def test_the_educator_hand_off_is_single_use_and_same_origin_only(server):
    port, _ = server
    token = signing.educator_handoff_token(SECRET, "a" * 32, "b" * 32)
    path = f"{EDUCATOR_PATH}?t={token}"
    assert get(port, path, {"Sec-Fetch-Site": "cross-site"})[0] == 403
    status, headers, _ = get(port, path, {"Sec-Fetch-Site": "same-origin"})
    cookies = headers.get_all("set-cookie")
    assert status == 200 and len(cookies) == 2
    assert all("HttpOnly" in c and "SameSite=strict" in c for c in cookies)
    assert get(port, path, {"Sec-Fetch-Site": "same-origin"})[0] == 204


# --- certificate checks -----------------------------------------------------------------------


def test_a_certificate_check_tells_the_module_and_date_and_nothing_else(server):
    port, log = server
    engine = open_engine(f"sqlite:///{log.parent / 'rounds.db'}")
    learner = uuid.uuid4().hex
    record_attestation(engine, learner, "v", "nurse", None)
    issued = issue_certificate(engine, learner, SLUG, dt.date(2026, 11, 30))
    engine.dispose()
    status, headers, body = get(port, verify_path(issued.id))
    title = " ".join(MODULE.title.split())
    assert (status, body.decode()) == (200, f"Valid: {title}, completed 30 November 2026\n")
    assert (
        headers["Content-Type"].startswith("text/plain") and "no-store" in headers["Cache-Control"]
    )
    assert learner not in body.decode()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/verify/RND-0000-0000", 404),  # well formed, never issued (a forgery)
        ("/verify/RND-0000", 400),
        ("/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 400),
        ("/verify/' OR '1'='1", 400),
        ("/verify/" + "A" * 5000, 400),
    ],
)
def test_a_forged_or_malformed_certificate_id_is_refused_plainly_and_logged(server, path, status):
    port, log = server
    found, headers, body = get(port, path.replace(" ", "%20"))
    assert found == status
    assert headers["Content-Type"].startswith("text/plain")
    assert b"<script" not in body and len(body) < 200
    assert (b"Not found" if status == 404 else b"Not a certificate id") in body
    expected = "found no certificate RND-0000-0000" if status == 404 else "malformed id"
    assert expected in log.read_text(errors="replace")


def test_guessing_certificate_ids_is_held_to_a_rate_and_logged(server):
    port, log = server  # the server other tests checked ids on too: some checks may be spent
    statuses = []
    for n in range(CHECKS.limit + 1):
        status, headers, body = get(port, f"/verify/RND-0000-{n:04d}")
        statuses.append(status)
        if status == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {404}, statuses
    assert int(headers["Retry-After"]) >= 1 and b"Too many checks" in body
    assert "certificate check refused: rate limit" in log.read_text(errors="replace")
