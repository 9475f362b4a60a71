"""In a real browser: an educator's sign-in survives a reload and a new tab; signing out ends it.

An accidental F5 on the projector used to put a password prompt in front of the room: the
sign-in lived in the Streamlit session only. It is now a signed HttpOnly cookie set by a route,
recorded in the database so that signing out revokes it (AppTest sees no cookies: a browser).
"""

from __future__ import annotations

from playwright.sync_api import expect

from rounds.content.loader import load_catalog
from rounds.rules.educator import ENV_HASH, hash_password
from rounds.web import signing
from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, pass_gate, wait_for_cookie
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
PASSWORD = "projector-password"


def test_a_sign_in_survives_reload_and_a_new_tab_until_signing_out(tmp_path, browser):
    env = {ENV_HASH: hash_password(PASSWORD, iterations=1000)}
    with running_server(tmp_path / "server", env) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        url = f"{server}/dashboard?module={MODULE.slug}"
        page.goto(url)
        pass_gate(page, "Physician")
        page.get_by_role("textbox", name="Educator password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name=f"Dashboard · {MODULE.title}")).to_be_visible()
        sign_in = wait_for_cookie(context, signing.EDUCATOR_COOKIE)
        assert sign_in["httpOnly"] and sign_in["sameSite"] == "Strict"
        assert wait_for_cookie(context, signing.DEVICE_COOKIE)["httpOnly"]

        page.reload()  # the accidental F5
        expect(page.get_by_role("heading", name=f"Dashboard · {MODULE.title}")).to_be_visible()
        expect(page.get_by_role("textbox", name="Educator password")).to_have_count(0)
        other = context.new_page()  # a new tab on the presenter view
        other.set_default_timeout(TIMEOUT)
        other.goto(f"{server}/presenter?module={MODULE.slug}")
        expect(other.get_by_text(MODULE.poll.question).first).to_be_visible()
        expect(other.get_by_role("textbox", name="Educator password")).to_have_count(0)

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("textbox", name="Educator password")).to_be_visible()
        other.reload()  # the cookie is still in the browser, but the sign-in has ended
        expect(other.get_by_role("textbox", name="Educator password")).to_be_visible()
        context.close()
