"""Time the dashboard page's server run, as an educator opens it, on a seeded database.

Streamlit's AppTest runs app.py in this process the way the server runs it for one browser
(the HCP gate, the educator sign-in, then views/dashboard.py), without the network and the
browser's drawing. After signing in, the page is run once per tab (only the open tab reads
its data) and once more with the funnel on a week's date range: one warm-up run, then `runs`
timed runs each, of which the median is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

from rounds import resources
from rounds.rules.educator import ENV_HASH, hash_password
from rounds.ui import dashboard_data

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "dashboard bench"  # a throwaway educator password for this process only
TABS = ["Funnel", "Learning", "Evaluation", "Poll", "Exports"]


@contextmanager
def app_environment(url: str) -> Iterator[None]:
    """Point the app at `url` with a private data folder and a known educator password."""
    with tempfile.TemporaryDirectory() as data:
        values = {
            "ROUNDS_DATABASE_URL": url,
            "ROUNDS_DATA_DIR": data,
            ENV_HASH: hash_password(PASSWORD, iterations=1000),
        }
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        resources.forget()  # a fresh engine and catalog for this database
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            resources.forget()


def signed_in(module_slug: str) -> AppTest:
    """Return an AppTest of the dashboard page, past the HCP gate and the educator sign-in."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.switch_page("views/dashboard.py")
    at.query_params["module"] = module_slug
    at.run()
    at.checkbox(key="gate_attest").check()
    at.radio(key="gate_profession").set_value("physician")
    at.button(key="gate_submit").click().run()
    at.text_input(key="educator_password").input(PASSWORD)
    at.button(key="educator_submit").click().run()
    if at.exception or not at.button_group:
        raise RuntimeError(f"the dashboard did not open: {at.exception or 'no views'}")
    return at


def median_run(at: AppTest, runs: int, *, kept: bool = False) -> float:
    """Run the page once to warm up, then `runs` times; return the median wall time.

    Each run reads the tab's views afresh (as the first educator to open it does, or one who
    presses Refresh), unless `kept`: then the views kept from the run before are drawn.
    """
    times = []
    for n in range(runs + 1):
        if not kept:
            dashboard_data.forget_all()
        started = time.perf_counter()
        at.run()
        if n:
            times.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(f"the dashboard failed: {at.exception}")
    return statistics.median(times)


def page_times(url: str, module_slug: str, runs: int, week: dt.date) -> dict[str, float]:
    """Return {"page: <tab> tab": median seconds} for every tab, and the funnel for a week."""
    timings = {}
    with app_environment(url):
        at = signed_in(module_slug)
        for tab in TABS:
            at.session_state["dash_tab"] = tab
            timings[f"page: {tab} tab"] = median_run(at, runs)
        at.session_state["dash_tab"] = "Poll"
        timings["page: Poll tab, views kept from the run before"] = median_run(at, runs, kept=True)
        at.session_state["dash_tab"] = "Funnel"
        at.date_input(key="dash_dates").set_value((week, week + dt.timedelta(days=6)))
        timings["page: Funnel tab, one week"] = median_run(at, runs)
    return timings
