"""Educator sign-in for the educator pages: configured secret, throttled guesses, expiry."""

from __future__ import annotations

import os
import time

import streamlit as st

from rounds.educator import ENV_HASH, Throttle, check_password, educator_secret, is_session_valid

_SIGNED_IN = "educator_signed_in_at"


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    """Return the process-wide throttle shared by every session."""
    return Throttle()


def _secrets() -> dict | None:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml, or an unreadable one: not configured that way
        return None


def _keys() -> list[str]:
    """Return the throttle keys of this attempt: this browser session and its client address."""
    session = st.session_state.setdefault("_educator_session_key", os.urandom(8).hex())
    return [f"session:{session}", f"ip:{st.context.ip_address or 'unknown'}"]


def is_educator() -> bool:
    """Tell whether this session holds a valid, unexpired educator sign-in."""
    since = st.session_state.get(_SIGNED_IN)
    return since is not None and is_session_valid(since, time.time())


def _sign_in() -> None:
    throttle, keys = _throttle(), _keys()
    wait = throttle.retry_after(keys)
    if wait > 0:
        st.session_state["educator_error"] = f"Too many attempts. Try again in {wait:.0f} s."
        return
    candidate = st.session_state.get("educator_password", "")
    st.session_state["educator_password"] = ""
    if check_password(candidate, educator_secret(os.environ, _secrets())):
        throttle.record_success(keys)
        st.session_state[_SIGNED_IN] = time.time()
        st.session_state.pop("educator_error", None)
        return
    wait = throttle.record_failure(keys)
    message = "That password is not right."
    if wait > 0:
        message += f" Wait {wait:.0f} s before the next try."
    st.session_state["educator_error"] = message


def sign_out() -> None:
    """End the educator sign-in of this session."""
    st.session_state.pop(_SIGNED_IN, None)


def require_educator() -> None:
    """Stop the page with a sign-in form (or set-up advice) unless an educator is signed in."""
    if is_educator():
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
    if error := st.session_state.get("educator_error"):
        st.error(error)
    st.stop()
