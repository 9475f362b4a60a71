"""The completion summary and the certificate download (the name is never stored)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from rounds import resources
from rounds.content.schema import Module
from rounds.documents.certificate import certificate_pdf
from rounds.rules.progress import COMPLETED, Progress
from rounds.ui.tracking import record_once_per_session


def _minutes(span: dt.timedelta | None) -> str:
    if span is None:
        return "not recorded"
    minutes = max(1, round(span.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def draw_certificate(module: Module, progress: Progress) -> None:
    """Draw time spent and score, and offer the PDF certificate with a typed name."""
    record_once_per_session(module.slug, COMPLETED)
    site = resources.catalog().site
    st.success("You have completed this module.")
    span = progress.stored.time_span()
    row = st.container(horizontal=True)  # one block, where columns are one each
    row.metric("Time spent", _minutes(span), help="From opening the article to completing.")
    row.metric("Best self-assessment score", f"{progress.best_post.percent}%")
    st.subheader("Certificate of completion")
    if not module.accreditation.is_accredited:
        st.caption("This activity is not accredited: the certificate records completion only.")
    with st.form("cert_form", border=False):
        st.text_input(
            "Your name as it should appear on the certificate",
            max_chars=120,
            key="cert_name",
            placeholder="Type it, then prepare the certificate to download it",
            help="Printed on the PDF only; Rounds does not store it.",
        )
        st.form_submit_button("Prepare my certificate", key="cert_prepare")
    name = (st.session_state.get("cert_name") or "").strip()
    if not name:  # the field's placeholder says what to do
        return
    completed, percent = completed_on(progress), progress.best_post.percent
    st.download_button(
        "Download certificate (PDF)",
        # Built when the button is pressed, not on every run of the page (a PDF takes longer
        # than everything else on it together).
        data=lambda: certificate_pdf(
            learner_name=name,
            module_title=module.title,
            learning_objective=module.learning_objective,
            completed_on=completed,
            score_percent=percent,
            site_name=site.name,
            credit_designation=module.accreditation.credit_designation,
            accreditation_statement=module.accreditation.statement,
            activity_dates=(module.published, module.expires),
        ),
        file_name=f"rounds-certificate-{module.slug}.pdf",
        mime="application/pdf",
        type="primary",
        on_click="ignore",
        key="cert_download",
    )


def completed_on(progress: Progress) -> dt.date:
    """Return the date this participant first completed the module (today if not recorded)."""
    first = progress.stored.events.get(COMPLETED)
    return first[0].date() if first else dt.date.today()
