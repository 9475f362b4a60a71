"""The HCP gate: who may see content, and the form that lets a visitor in.

A session is attested when its participant id is known: set by the form's callback, or read
from the signed HttpOnly cookie that `/_rounds/attest` set after an earlier attestation.
"""

from __future__ import annotations

import logging

import streamlit as st

from rounds import resources
from rounds.content.schema import Site
from rounds.rules.educator import attestation_key
from rounds.store import throttle
from rounds.store.participants import latest_attestation, new_participant_id, record_attestation
from rounds.ui.outage import guarded_write
from rounds.web import signing
from rounds.web.routes import ATTEST_PATH, EXCHANGED

PARTICIPANT = "participant_id"
_HANDOFF = "gate_handoff"
_ERROR = "gate_error"
log = logging.getLogger(__name__)


def _cookie_participant(site: Site) -> str | None:
    """Return the participant the browser's genuine attestation cookie names, if any."""
    secret = resources.settings().secret_key
    cookie = st.context.cookies.get(signing.COOKIE_NAME)
    return signing.read_attestation_cookie(secret, cookie, site.gate.valid_days)


def attested_participant(site: Site) -> str | None:
    """Return this visitor's participant id if they have attested to the current gate text."""
    known = st.session_state.get(PARTICIPANT)
    if known:
        return known
    participant_id = _cookie_participant(site)
    if participant_id is None:
        return None
    attestation = latest_attestation(resources.engine(), participant_id)
    if attestation is None or attestation.text_version != site.gate.version:
        return None
    st.session_state[PARTICIPANT] = participant_id
    return participant_id


@guarded_write(_ERROR, "Your confirmation")
def _confirm(site: Site) -> None:
    if st.session_state.get(PARTICIPANT):  # a double click: already in
        return
    professions = {p.key for p in site.gate.professions}
    profession = st.session_state.get("gate_profession")
    country = st.session_state.get("gate_country")
    if not st.session_state.get("gate_attest"):
        st.session_state[_ERROR] = "Please confirm that you are a healthcare professional."
        return
    if profession not in professions:
        if profession is not None:
            log.warning("gate: refused a profession not on the list: %.80r", profession)
        st.session_state[_ERROR] = "Please choose your profession."
        return
    if country is not None and country not in site.gate.countries:
        log.warning("gate: ignored a country not on the list: %.80r", country)
        country = None
    address = st.context.ip_address or "local"  # None: a client on this machine
    allowed = throttle.reserve(resources.engine(), [attestation_key(address)])
    if not allowed.allowed:
        log.warning("new attestation from %s refused: rate limit of its address", address)
        st.session_state[_ERROR] = (
            "Too many people are joining from your network at this moment. "
            f"Please press Enter again in {allowed.wait:.0f} s."
        )
        return
    # Confirming again (the gate's text changed) keeps the participant the browser names: their
    # answers stay theirs, and the cookie is renewed rather than replaced.
    participant_id = _cookie_participant(site) or new_participant_id()
    record_attestation(resources.engine(), participant_id, site.gate.version, profession, country)
    st.session_state[PARTICIPANT] = participant_id
    secret = resources.settings().secret_key
    st.session_state[_HANDOFF] = signing.handoff_token(secret, participant_id, site.gate.valid_days)
    st.session_state.pop(_ERROR, None)


def draw_gate(site: Site, ask_country: bool = True) -> None:
    """Draw the HCP notice and attestation form.

    The profession is a radio group: one tap on a phone, and no drop-down's script files on the
    join path. `ask_country=False` leaves out the optional country (and its drop-down, 13 script
    files) where a phone joins a meeting's poll: the room is in one place.
    """
    gate = site.gate
    labels = {p.key: p.label for p in gate.professions}
    st.title(gate.title)
    st.markdown(gate.notice)
    st.link_button(gate.patient_link.label, str(gate.patient_link.url))
    with st.form("gate_form", border=True):
        st.checkbox(gate.attest_label, key="gate_attest")
        st.radio(
            "Your profession",
            options=list(labels),
            format_func=labels.get,
            index=None,
            key="gate_profession",
        )
        if gate.countries and ask_country:
            st.selectbox(
                "Country where you practise (optional)",
                options=gate.countries,
                index=None,
                placeholder="Choose a country",
                key="gate_country",
            )
        st.form_submit_button(
            "Enter", type="primary", on_click=_confirm, args=(site,), key="gate_submit"
        )
    if error := st.session_state.get(_ERROR):
        st.error(error)
    st.caption(
        "We record your profession, the optional country and the time of this confirmation "
        "under an anonymous id. We never ask for your name or e-mail address."
    )


def remember_in_browser() -> None:
    """Let the browser exchange this session's hand-off token for the attestation cookie."""
    draw_handoff(_HANDOFF, ATTEST_PATH)


def draw_handoff(state_key: str, route: str) -> None:
    """Show the one-time token kept under `state_key` as a 1x1 image of the cookie `route`.

    The route sets the HttpOnly cookie without any script. The image is drawn on every run until
    the route has set the cookie, so the request is never cut off; then never again.
    """
    token = st.session_state.get(state_key)
    if not token:
        return
    if token in EXCHANGED:
        del st.session_state[state_key]
        return
    st.markdown(f"![]({route.lstrip('/')}?t={token})")
