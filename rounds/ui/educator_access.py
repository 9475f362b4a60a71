"""Educator sign-in for the educator pages: configured secret, throttled guesses, expiry.

A right password signs this browser session in and hands the browser a one-time token that
`/_rounds/educator` exchanges for two HttpOnly cookies: the sign-in itself (a reload or a new
tab stays signed in for `SESSION_HOURS`, until signing out ends it in the database) and a
known-device mark, so that others' wrong guesses never slow down a browser an educator has
signed in with before. Every attempt is counted in the database before the password is checked.
"""

from __future__ import annotations

import logging
import os
import time

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from rounds import resources
from rounds.rules.educator import (
    ENV_HASH,
    SESSION_HOURS,
    check_password,
    educator_secret,
    is_session_valid,
    sign_in_keys,
)
from rounds.store import throttle, tokens
from rounds.ui.gate import draw_handoff
from rounds.ui.outage import guarded_write
from rounds.web import signing
from rounds.web.routes import EDUCATOR_PATH

log = logging.getLogger(__name__)
_SIGNED_IN = "educator_signed_in_at"
_SESSION_ID = "educator_session_id"
_HANDOFF = "educator_handoff"
_ERROR = "educator_error"


def _secrets() -> dict | None:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml, or an unreadable one: not configured that way
        return None


def _session_id() -> str:
    """Return the id of this browser session's connection.

    Not a value kept in `st.session_state`: a `clear_cache` message from the client empties that,
    and a throttle keyed on it would start over.
    """
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def _known_device() -> str | None:
    secret = resources.settings().secret_key
    return signing.read_device_cookie(secret, st.context.cookies.get(signing.DEVICE_COOKIE))


def _cookie_sign_in() -> bool:
    """Take over a sign-in this browser holds in its cookie, if it is genuine and not ended."""
    secret = resources.settings().secret_key
    value = st.context.cookies.get(signing.EDUCATOR_COOKIE)
    session_id = signing.read_educator_cookie(secret, value, int(SESSION_HOURS * 3600))
    if session_id is None or not tokens.educator_session_active(resources.engine(), session_id):
        return False
    st.session_state[_SESSION_ID] = session_id
    st.session_state[_SIGNED_IN] = time.time()  # the cookie's own age bounds the sign-in
    return True


def is_educator() -> bool:
    """Tell whether this session holds a valid, unexpired educator sign-in."""
    since = st.session_state.get(_SIGNED_IN)
    if since is not None and is_session_valid(since, time.time()):
        session_id = st.session_state.get(_SESSION_ID)
        return session_id is None or tokens.educator_session_active(resources.engine(), session_id)
    return _cookie_sign_in()


@guarded_write(_ERROR, "Your sign-in")
def _sign_in() -> None:
    candidate = st.session_state.get("educator_password", "")
    st.session_state["educator_password"] = ""
    session, device, address = _session_id(), _known_device(), st.context.ip_address or "local"
    keys = sign_in_keys(session, device, address)
    engine = resources.engine()
    reservation = throttle.reserve(engine, keys)  # counted before the password is checked
    if not reservation.allowed:
        log.warning(
            "educator sign-in throttled (address %s, known device: %s)", address, bool(device)
        )
        st.session_state[_ERROR] = f"Too many attempts. Try again in {reservation.wait:.0f} s."
        return
    if not check_password(candidate, educator_secret(os.environ, _secrets())):
        log.warning("educator sign-in: wrong password (address %s)", address)
        message = "That password is not right."
        if reservation.wait > 0:
            message += f" Wait {reservation.wait:.0f} s before the next try."
        st.session_state[_ERROR] = message
        return
    own = [key for key, _ in keys if ":session:" in key or ":device:" in key]
    throttle.forget(engine, own)
    throttle.refund(engine, [key for key, _ in keys if key not in own])
    session_id, device_id = os.urandom(16).hex(), device or os.urandom(16).hex()
    tokens.start_educator_session(engine, session_id)
    secret = resources.settings().secret_key
    st.session_state[_SESSION_ID] = session_id
    st.session_state[_SIGNED_IN] = time.time()
    st.session_state[_HANDOFF] = signing.educator_handoff_token(secret, session_id, device_id)
    st.session_state.pop(_ERROR, None)
    log.info("educator signed in (address %s)", address)


@guarded_write(_ERROR, "Signing out")
def _sign_out() -> None:
    session_id = st.session_state.pop(_SESSION_ID, None)
    st.session_state.pop(_SIGNED_IN, None)
    st.session_state.pop(_HANDOFF, None)
    if session_id:
        tokens.end_educator_session(resources.engine(), session_id)
    log.info("educator signed out")


def remember_sign_in() -> None:
    """Let the browser exchange this sign-in's one-time token for its HttpOnly cookies."""
    draw_handoff(_HANDOFF, EDUCATOR_PATH)


def sign_out_button() -> None:
    """Draw the button that ends this educator sign-in, in this browser and its cookie."""
    st.button("Sign out", on_click=_sign_out, key="educator_sign_out", type="tertiary")


def require_educator() -> None:
    """Stop the page with a sign-in form (or set-up advice) unless an educator is signed in."""
    if is_educator():
        remember_sign_in()
        return
    st.session_state.pop(_SIGNED_IN, None)
    st.title("Educator sign-in")
    if educator_secret(os.environ, _secrets()) is None:
        st.warning(
            "Educator pages are switched off: no educator password is configured. "
            f"Run `python -m rounds hash-password`, then set `{ENV_HASH}` to its output in the "
            "server's environment (or `password_hash` under `[educator]` in "
            "`.streamlit/secrets.toml`) and restart the app.",
            icon=":material/key_off:",
        )
        st.stop()
    with st.form("educator_form"):
        st.text_input("Educator password", type="password", key="educator_password")
        st.form_submit_button("Sign in", type="primary", on_click=_sign_in, key="educator_submit")
    if error := st.session_state.get(_ERROR):
        st.error(error)
    st.stop()
