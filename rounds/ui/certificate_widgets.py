"""The completion summary and the certificate, downloaded in one step (the name is never stored).

The learner types their name and presses one button. The name field commits as they type (a
pause of 250 ms), inside a fragment, so only this part of the page reruns; the button is live
as soon as there is a name. The PDF is built, and the certificate issued (its id stored, with
no name), only when the button is pressed: never on a run of the page.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from urllib.parse import urlsplit

import streamlit as st

from rounds import resources
from rounds.content.schema import Module
from rounds.documents.certificate import NAME_LIMIT, certificate_pdf
from rounds.rules.progress import COMPLETED, Progress
from rounds.store.certificates import certificate_for, issue_certificate
from rounds.store.engine import DATABASE_ERRORS
from rounds.ui.tracking import participant, record_once_per_session
from rounds.web.routes import verify_path

log = logging.getLogger(__name__)
NAME_KEY = "cert_name"
DOWNLOAD_LABEL = "Download my certificate (PDF)"


def _minutes(span: dt.timedelta | None) -> str:
    if span is None:
        return "not recorded"
    minutes = max(1, round(span.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def draw_certificate(module: Module, progress: Progress) -> None:
    """Draw time spent and score, and offer the PDF certificate with a typed name."""
    record_once_per_session(module.slug, COMPLETED)
    st.success("You have completed this module.")
    span = progress.stored.time_span()
    row = st.container(horizontal=True)  # one block, where columns are one each
    row.metric("Time spent", _minutes(span), help="From opening the article to completing.")
    row.metric("Best self-assessment score", f"{progress.best_post.percent}%")
    st.subheader("Certificate of completion")
    if not module.accreditation.is_accredited:
        st.caption("This activity is not accredited: the certificate records completion only.")
    issued = certificate_for(resources.engine(), participant(), module.slug)
    if issued:  # a learner back for another copy: the same id, which an educator can check
        st.caption(
            f"Your certificate id is {issued.id}; an educator can check it at "
            f"{_site_url()}{verify_path(issued.id)}. A new download keeps it."
        )
    _draw_download(module, completed_on(progress), progress.best_post.percent)


@st.fragment
def _draw_download(module: Module, completed: dt.date, percent: int) -> None:
    st.text_input(
        "Your name as it should appear on the certificate",
        max_chars=NAME_LIMIT,
        key=NAME_KEY,
        live=True,
        placeholder="Type your name, then download the certificate",
        help="Printed on the PDF only; Rounds does not store it. The certificate's id, which an "
        "educator can check, is stored without any name.",
    )
    name = (st.session_state.get(NAME_KEY) or "").strip()
    st.download_button(
        DOWNLOAD_LABEL,
        # Issued and built when the button is pressed, not on every run of the page (a PDF
        # takes longer than everything else on it together). A disabled button leaves no
        # callable behind (Streamlit revokes it).
        data=partial(
            _issue_and_build,
            module=module,
            participant_id=participant(),
            learner_name=name,
            completed=completed,
            percent=percent,
            site_url=_site_url(),
        ),
        file_name=f"rounds-certificate-{module.slug}.pdf",
        mime="application/pdf",
        type="primary",
        on_click="ignore",
        disabled=not name,
        key="cert_download",
    )


def _issue_and_build(
    *,
    module: Module,
    participant_id: str,
    learner_name: str,
    completed: dt.date,
    percent: int,
    site_url: str,
) -> bytes:
    """Issue this learner's certificate for the module (once) and return its PDF."""
    try:
        issued = issue_certificate(resources.engine(), participant_id, module.slug, completed)
    except DATABASE_ERRORS as error:  # the button shows Streamlit's "Failed to generate" line
        cause = getattr(error, "orig", None) or error
        log.error("certificate not issued (database unavailable): %s", type(cause).__name__)
        raise
    return certificate_pdf(
        learner_name=learner_name,
        module_title=module.title,
        learning_objective=module.learning_objective,
        completed_on=issued.completed_on,
        score_percent=percent,
        site_name=resources.catalog().site.name,
        credit_designation=module.accreditation.credit_designation,
        accreditation_statement=module.accreditation.statement,
        activity_dates=(module.published, module.expires),
        certificate_id=issued.id,
        verify_url=site_url + verify_path(issued.id),
    )


def _site_url() -> str:
    """Return the address the site is reached at (ROUNDS_PUBLIC_URL, or this page's own)."""
    public = resources.settings().public_url
    if not public:
        parts = urlsplit(st.context.url or "http://localhost:8501/")
        public = f"{parts.scheme}://{parts.netloc}"
    return public.rstrip("/")


def completed_on(progress: Progress) -> dt.date:
    """Return the date (UTC, as stored) this participant first completed the module.

    Today's, on the run that records the completion (its event is stored as the page draws).
    """
    first = progress.stored.events.get(COMPLETED)
    return first[0].date() if first else dt.datetime.now(dt.UTC).date()
