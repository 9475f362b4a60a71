"""Other participants, through a running server: learners' aggregates show only from 5 of them."""

from __future__ import annotations

import asyncio
import concurrent.futures
from urllib.parse import urlsplit

from rounds.content.loader import load_catalog
from rounds.rules.quiz import MIN_PEERS
from stclient.session import Session
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module


async def _evaluate(host: str, port: int) -> None:
    tab = Session(host, port, "evaluation", f"module={MODULE.slug}", timeout=60)
    await tab.open()
    await tab.set_value("gate_attest", bool_value=True)
    await tab.set_value("gate_profession", string_value=tab.options("gate_profession")[0])
    await tab.click("gate_submit")
    for statement in MODULE.evaluation.statements:
        key = f"eval_{statement.key}"
        await tab.set_value(key, string_value=tab.options(key)[4])
    await tab.click("eval_submit")
    await tab.close()


def evaluate_as_peers(base: str, count: int = MIN_PEERS) -> None:
    """Have `count` other participants submit the module's evaluation on the server at `base`."""
    parts = urlsplit(base)

    async def everyone() -> None:
        for _ in range(count):
            await _evaluate(parts.hostname, parts.port)

    # Its own event loop in a thread: Playwright's sync API holds this thread's.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, everyone()).result(timeout=300)
