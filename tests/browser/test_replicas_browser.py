"""Two replicas behind nginx sharing PostgreSQL: every viewer sees the combined tally."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from deploy.cluster import Cluster
from rounds.content.loader import load_catalog
from rounds.store.engine import open_engine
from rounds.store.votes import vote_counts
from tests.browser.gate_steps import TIMEOUT, live_results, pass_gate
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
POLL = f"{MODULE.slug}/{MODULE.poll.key}"


@pytest.fixture
def cluster(postgres_url, tmp_path):
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        reason = "nginx is not installed (scripts/ensure-system-packages installs it)"
        if os.environ.get("ROUNDS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with Cluster(postgres_url, replicas=2, workdir=tmp_path / "cluster") as running:
        yield running, postgres_url


def replica_of(cluster: Cluster, route: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
    conn.request("GET", "/_stcore/health", headers={"Cookie": f"rounds_route={route}"})
    return conn.getresponse().getheader("X-Rounds-Replica")


def test_voters_on_two_replicas_see_the_combined_tally(cluster, browser):
    running, database_url = cluster
    routes: dict[str, str] = {}
    for i in range(200):
        routes.setdefault(replica_of(running, f"r{i}"), f"r{i}")
        if len(routes) == 2:
            break
    assert sorted(routes) == ["replica-1", "replica-2"]

    pages = []
    for (replica, route), option in zip(sorted(routes.items()), MODULE.poll.options, strict=False):
        context = browser.new_context()
        context.add_cookies([{"name": "rounds_route", "value": route, "url": running.url}])
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{running.url}/poll?module={MODULE.slug}")
        pass_gate(page)
        group = page.get_by_role("radiogroup", name=MODULE.poll.question)
        group.get_by_text(option.label, exact=True).click()
        pages.append((replica, page))
    for _, page in pages:
        page.get_by_role("button", name="Vote").click()
    for _, page in pages:
        heading = live_results(page).get_by_role("heading", name="Results so far (n = 2)")
        expect(heading).to_have_count(1, timeout=TIMEOUT)
    engine = open_engine(database_url)
    assert sum(vote_counts(engine, POLL, 1).values()) == 2
    engine.dispose()
    for _, page in pages:
        page.context.close()


def test_scripts_and_styles_reach_browsers_compressed_through_nginx(cluster):
    running, _ = cluster
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    conn.request("GET", "/")
    page = conn.getresponse().read().decode()
    scripts = re.findall(r'src="\.?/?(static/js/[^"]+\.js)"', page)
    assert scripts, "no script in the page"
    conn.request("GET", f"/{scripts[0]}", headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert len(gzip.decompress(body)) > 2 * len(body)
