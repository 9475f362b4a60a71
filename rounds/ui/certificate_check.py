"""The dashboard's certificate check: an educator types a certificate id and reads what it is."""

from __future__ import annotations

import streamlit as st

from rounds import dashboard, resources
from rounds.content.schema import Module
from rounds.rules.certificates import EXAMPLE, LONGEST_TYPED, Verdict, verdict_text
from rounds.store.certificates import verify_certificate
from rounds.ui.outage import database_guard

CHECK_KEY = "dash_certificate_id"


def draw_certificate_check(module: Module, filters: dashboard.Filters) -> None:
    """Draw the "Verify a certificate" box: valid (module and date), not found, or malformed."""
    st.subheader("Verify a certificate")
    st.caption(
        "A learner's certificate carries an id such as "
        f"{EXAMPLE}. Rounds stores no name: the check says which module was completed and when."
    )
    with st.form("dash_certificate_form", border=False, enter_to_submit=True):
        st.text_input("Certificate id", max_chars=LONGEST_TYPED, key=CHECK_KEY, placeholder=EXAMPLE)
        checked = st.form_submit_button("Check the certificate", key="dash_certificate_check")
    typed = st.session_state.get(CHECK_KEY) or ""
    if not checked or not typed.strip():
        return
    with database_guard():
        verdict, found = verify_certificate(resources.engine(), typed)
    if found is None:
        (st.warning if verdict is Verdict.unknown else st.error)(verdict_text(verdict))
        return
    loaded = resources.catalog().get(found.module)
    title = loaded.module.title if loaded else found.module
    st.success(f"{verdict_text(verdict, title, found.completed_on)} (id {found.id}).")
