"""The educator sign-in under the attacks of the outside review, against a real server.

Each test drives real tabs over Streamlit's websocket protocol (`stclient`), as a script would:
guesses, a `clear_cache` message, forty forms sent at once, a neighbour on the same address.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from deploy import replica
from rounds.rules.educator import PER_ADDRESS
from rounds.web import signing
from stclient.session import RunResult, Session

PASSWORD = "a long and right educator password"
SECRET = "sign-in-attacks-test-secret-" + "k" * 40
WRONG = "That password is not right."
THROTTLED = "Too many attempts."
QUERY = "module=asparaginase-aya-all"


@pytest.fixture
def server(tmp_path) -> tuple[int, Path]:
    """A fresh server (its own database, so its own counts) with an educator password."""
    env = {"ROUNDS_EDUCATOR_PASSWORD": PASSWORD, "ROUNDS_SECRET_KEY": SECRET}
    with replica.running(tmp_path / "server", env) as (port, _, log):
        yield port, log


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario on its own event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


async def at_sign_in(port: int, cookies: dict[str, str] | None = None) -> Session:
    """Open the presenter page as a new visitor, pass the HCP gate, stop at the sign-in form."""
    tab = Session("127.0.0.1", port, "presenter", QUERY, timeout=60)
    tab.cookies.update(cookies or {})
    await tab.open()
    await pass_gate(tab)
    return tab


async def pass_gate(tab: Session) -> None:
    await tab.set_value("gate_attest", bool_value=True)
    await tab.set_value("gate_profession", string_value=tab.options("gate_profession")[0])
    result = await tab.click("gate_submit")
    assert "Educator sign-in" in result.texts("heading")


async def guess(tab: Session, password: str) -> RunResult:
    await tab.set_value("educator_password", string_value=password)
    return await tab.click("educator_submit")


def verdict(result: RunResult) -> str:
    """Return what the sign-in said: wrong, throttled, or signed in (the form is gone)."""
    alerts = " ".join(result.texts("alert"))
    if WRONG in alerts:
        return "wrong"
    if THROTTLED in alerts:
        return "throttled"
    headings = result.texts("heading")
    return (
        "in" if headings and "Educator sign-in" not in headings else f"other: {alerts} {headings}"
    )


def test_a_clear_cache_message_does_not_reset_the_throttle(server):
    port, _ = server

    async def scenario() -> None:
        tab = await at_sign_in(port)
        assert [verdict(await guess(tab, "nope")) for _ in range(3)] == ["wrong"] * 3
        assert verdict(await guess(tab, "nope")) == "throttled"
        await tab.clear_cache()  # what reset the in-memory throttle before
        await tab.rerun()  # the message also emptied the session's state: the gate again
        await pass_gate(tab)
        assert verdict(await guess(tab, "still nope")) == "throttled"
        assert verdict(await guess(tab, PASSWORD)) == "throttled"  # not even checked
        await tab.close()

    run(scenario)


def test_forms_sent_at_once_from_one_address_check_only_the_allowed_guesses(server):
    """The race of the review: 40 forms at once had 40 guesses checked."""
    port, _ = server

    async def scenario() -> None:
        tabs = [await at_sign_in(port) for _ in range(20)]
        for tab in tabs:
            await tab.set_value("educator_password", string_value="a guess")
        results = await asyncio.gather(*(tab.click("educator_submit") for tab in tabs))
        verdicts = [verdict(r) for r in results]
        assert verdicts.count("wrong") == PER_ADDRESS.free, verdicts
        assert verdicts.count("throttled") == 20 - PER_ADDRESS.free
        for tab in tabs:
            await tab.close()

    run(scenario)


def test_a_neighbour_on_the_same_address_cannot_lock_out_a_known_educator(server):
    port, log = server

    async def scenario() -> None:
        attackers = [await at_sign_in(port) for _ in range(PER_ADDRESS.free + 2)]
        verdicts = [verdict(await guess(tab, "a guess")) for tab in attackers]
        assert verdicts[-1] == "throttled"  # the address is now slowed down
        # The educator's laptop, which has signed in here before (its signed device cookie).
        device = {signing.DEVICE_COOKIE: signing.device_cookie(SECRET, "d" * 32)}
        educator = await at_sign_in(port, device)
        assert verdict(await guess(educator, PASSWORD)) == "in"
        # A forged device cookie counts as an unknown device, slowed down like the neighbours.
        forged = {signing.DEVICE_COOKIE: signing.device_cookie("another secret", "e" * 32)}
        stranger = await at_sign_in(port, forged)
        assert verdict(await guess(stranger, PASSWORD)) == "throttled"
        for tab in [*attackers, educator, stranger]:
            await tab.close()

    run(scenario)
    text = log.read_text()
    assert "educator sign-in throttled" in text and "educator sign-in: wrong password" in text
