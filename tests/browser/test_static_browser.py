"""A phone's join: Streamlit's files arrive compressed, are kept, and come from nginx in deploy/."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from deploy.cluster import Cluster
from rounds.web.static import MIN_COMPRESS
from tests.browser.gate_steps import TIMEOUT, pass_gate
from tests.browser.tour import MODULE

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}


class Network:
    """Every response a page gets, with whether it came from the browser's cache (DevTools)."""

    def __init__(self, context, page) -> None:
        self.responses: dict[str, dict] = {}
        self.cached: set[str] = set()
        cdp = context.new_cdp_session(page)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.send("Network.enable")

    def _response(self, event: dict) -> None:
        response = event["response"]
        self.responses[event["requestId"]] = {
            "url": response["url"],
            "status": response["status"],
            "headers": {k.lower(): v for k, v in response["headers"].items()},
            "from_cache": response.get("fromDiskCache") or response.get("fromMemoryCache"),
        }

    def under(self, prefix: str) -> list[dict]:
        """Return the responses whose path starts with `prefix` (`/static/`: Streamlit's)."""
        return [r for r in self.responses.values() if urlsplit(r["url"]).path.startswith(prefix)]

    def scripts(self) -> list[dict]:
        """Return the responses for Streamlit's scripts (`/static/js/`)."""
        return self.under("/static/js/")

    def from_network(self, prefix: str) -> list[str]:
        """Return the URLs under `prefix` that the server answered (not the cache)."""
        return [
            r["url"]
            for rid, r in self.responses.items()
            if urlsplit(r["url"]).path.startswith(prefix)
            and rid not in self.cached
            and not r["from_cache"]
        ]


def compressed_unless_tiny(response: dict) -> bool:
    """Say whether a response is gzip or brotli, or too small to be worth compressing."""
    headers = response["headers"]
    if headers.get("content-encoding") in ("gzip", "br"):
        return True
    return int(headers.get("content-length", MIN_COMPRESS)) < MIN_COMPRESS


def join(page, base: str) -> None:
    """Open the join link and wait for the poll (passing the gate when it shows)."""
    page.goto(f"{base}/j/{MODULE.slug}")
    poll = page.get_by_role("radiogroup", name=MODULE.poll.question)
    enter = page.get_by_role("button", name="Enter")
    expect(poll.or_(enter).first).to_be_visible(timeout=TIMEOUT)
    if enter.count():  # not attested yet in this browser
        pass_gate(page)
    expect(poll).to_be_visible(timeout=TIMEOUT)


def test_a_phone_gets_the_scripts_compressed_and_keeps_them(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    network = Network(context, page)
    join(page, server)

    scripts = network.scripts()
    assert len(scripts) > 20, "Streamlit's scripts were not loaded"
    assert len(network.from_network("/static/js/")) == len(scripts)  # a cold cache
    for script in scripts:
        assert script["status"] == 200, script["url"]
        assert compressed_unless_tiny(script), script["url"]
        assert "immutable" in script["headers"]["cache-control"], script["url"]
    pages = [r for r in network.responses.values() if "/poll?module=" in r["url"]]
    assert pages, "the poll page was not loaded"
    for html in pages:
        assert html["headers"]["cache-control"] == "no-cache"
        assert html["headers"].get("etag")

    again = context.new_page()
    again.set_default_timeout(TIMEOUT)
    network = Network(context, again)
    join(again, server)
    assert network.scripts(), "the second visit loaded no script at all"
    assert network.from_network("/static/") == []  # every hashed file came from the cache
    context.close()


@pytest.fixture
def cluster(tmp_path):
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        reason = "nginx is not installed (scripts/ensure-system-packages installs it)"
        if os.environ.get("ROUNDS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    database = f"sqlite:///{tmp_path / 'rounds.db'}"
    with Cluster(database, replicas=1, workdir=tmp_path / "cluster") as running:
        yield running


def test_through_nginx_the_static_files_come_from_nginx_compressed(cluster, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    network = Network(context, page)
    join(page, cluster.url)

    static = network.under("/static/")
    assert len(static) > 20
    for response in static:
        assert response["headers"].get("x-served-by") == "nginx-static", response["url"]
        assert "immutable" in response["headers"]["cache-control"], response["url"]
        assert response["headers"].get("x-content-type-options") == "nosniff"
    for script in network.scripts():
        assert compressed_unless_tiny(script), script["url"]
    page_html = [r for r in network.responses.values() if "/poll?module=" in r["url"]]
    assert page_html and "x-served-by" not in page_html[0]["headers"]  # a replica's answer
    assert page_html[0]["headers"].get("x-rounds-replica") == "replica-1"
    context.close()
