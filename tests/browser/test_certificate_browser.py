"""In a real browser on a phone: the certificate in one step, with an id anyone can check.

The learner types a name and presses one button; the PDF carries the activity's title, the date
of completion, the module's accreditation wording and a certificate id. The id is stored, the
name is not, and `/verify/<id>` answers for it.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from rounds.documents.pdf_text import format_date
from rounds.rules.progress import ARTICLE_OPENED, COMPLETED
from rounds.store.engine import open_engine
from rounds.store.evaluation import save_evaluation
from rounds.store.events import record_event
from rounds.store.tables import certificates, events, participants
from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, pass_gate, wait_for_cookie
from tests.browser.tour import MODULE, module_url
from tests.test_quiz import take

PHONE = {"width": 390, "height": 844}
NAME = "Dr Ada Example"
DOWNLOAD = "Download my certificate (PDF)"


def flat(text: str) -> str:
    return " ".join(text.split())


def get(url: str) -> tuple[int, str]:
    """Return the status and text of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def complete_the_module(engine) -> str:
    """Store, for the one participant who passed the gate, what the module's rule asks for."""
    with engine.connect() as conn:
        (pid,) = conn.execute(select(participants.c.id)).scalars().all()
    record_event(engine, pid, MODULE.slug, ARTICLE_OPENED)
    take(engine, pid, "post", {q.key: q.correct for q in MODULE.quiz.questions})
    save_evaluation(engine, MODULE.slug, pid, {s.key: 4 for s in MODULE.evaluation.statements})
    return pid


def test_one_button_downloads_a_certificate_whose_id_verifies(tmp_path, browser):
    folder = tmp_path / "server"
    with running_server(folder) as base:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(module_url(base, "completion"))
        pass_gate(page)
        wait_for_cookie(context)
        engine = open_engine(f"sqlite:///{folder / 'rounds.db'}")
        complete_the_module(engine)
        page.reload()
        expect(page.get_by_text("You have completed this module.")).to_be_visible()

        # One step: the only certificate button is the download, live once a name is typed.
        expect(page.get_by_role("button", name=DOWNLOAD)).to_be_visible()
        buttons = page.locator("[data-testid=stMain] button").filter(
            has_text=re.compile("certificate", re.I)
        )
        expect(buttons).to_have_count(1)
        expect(buttons).to_have_accessible_name(DOWNLOAD)
        expect(buttons).to_be_disabled()
        box = page.get_by_role("textbox", name="Your name as it should appear on the certificate")
        box.fill(NAME)  # no Enter, no other button
        with page.expect_download() as download:
            page.get_by_role("button", name=DOWNLOAD).tap()
        reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
        text = flat(" ".join(p.extract_text() for p in reader.pages))

        with engine.connect() as conn:
            (issued,) = conn.execute(select(certificates)).all()
            (completed_at,) = conn.execute(
                select(events.c.at).where(events.c.kind == COMPLETED)
            ).scalars()
        assert issued.completed_on == completed_at.date()  # the date of completion, as stored
        assert re.fullmatch(r"RND-[0-9A-Z]{4}-[0-9A-Z]{4}", issued.id)
        assert NAME in text
        assert flat(MODULE.title) in text
        assert f"Completed on {format_date(issued.completed_on)}" in text
        assert flat(MODULE.accreditation.statement) in text
        assert f"Certificate id: {issued.id}. Check it at {base}/verify/{issued.id}" in text

        # The name is stored nowhere: not in any table, not in the database's files.
        engine.dispose()
        for stored in folder.glob("rounds.db*"):
            assert NAME.encode() not in stored.read_bytes(), stored.name

        # The same learner pressing again gets the same id.
        with page.expect_download() as again:
            page.get_by_role("button", name=DOWNLOAD).tap()
        second = PdfReader(io.BytesIO(again.value.path().read_bytes())).pages[0].extract_text()
        assert issued.id in flat(second)

        # Anyone can check the id, and learns the module and date only.
        status, said = get(f"{base}/verify/{issued.id}")
        day = issued.completed_on
        assert (status, said.strip()) == (
            200,
            f"Valid: {flat(MODULE.title)}, completed {day.day} {day:%B %Y}",
        )
        status, said = get(f"{base}/verify/{issued.id.lower()}")  # typed back loosely
        assert status == 200
        forged = "RND-0000-0000" if issued.id != "RND-0000-0000" else "RND-0000-0001"
        status, said = get(f"{base}/verify/{forged}")
        assert status == 404 and said.startswith("Not found")
        status, said = get(f"{base}/verify/not-an-id")
        assert status == 400 and "RND-7KQ2-M9XD" in said
        context.close()
    log = (folder / "server.log").read_text(errors="replace")
    assert f"found no certificate {forged}" in log and "malformed id" in log
