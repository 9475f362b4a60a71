"""The Content-Security-Policy as Chromium enforces it: the whole tour runs with no violation.

Every frame (the page, the figure and live-results components) reports each
`securitypolicyviolation` event, and the console's CSP errors are kept too. The tour passes the
gate, reads the article, votes in the poll and watches the live results arrive over the
EventSource, signs in as an educator and opens the presenter and the dashboard: so the app's
websocket, its live stream and its charts all work under `connect-src 'self'` and a
`script-src` without 'unsafe-eval'.
"""

from __future__ import annotations

from rounds.web.security import CONTENT_SECURITY_POLICY
from tests.browser.conftest import running_server
from tests.browser.tour import Stop, educator_env, walk

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`
  );
});
"""


def test_the_whole_tour_runs_with_no_content_security_policy_violation(tmp_path, browser):
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    violations: list[str] = []
    with running_server(tmp_path / "server", educator_env()) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)  # in every frame, before its own scripts
        page = context.new_page()
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and violations.append(m.text),
        )
        reached: list[str] = []

        def collect(stop: Stop) -> None:
            reached.append(stop.name)
            for frame in page.frames:
                found = frame.evaluate("window.__cspViolations || []")
                violations.extend(f"{stop.name}: {v}" for v in found)
                frame.evaluate("window.__cspViolations = []")

        walk(page, base, collect)
        context.close()
    assert {"gate", "article", "poll-results", "presenter", "dashboard"} <= set(reached)
    assert not violations, "\n".join(violations)
