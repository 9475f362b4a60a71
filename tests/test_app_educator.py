"""AppTest: educator pages stay shut to learners; the presenter opens and closes the poll."""

from __future__ import annotations

import pytest

from rounds.content.loader import load_catalog
from rounds.educator import ENV_HASH, hash_password
from rounds.lifecycle import PollState
from rounds.progress import poll_id
from rounds.store.engine import open_engine
from rounds.store.polls import current_round
from tests.apptest import PAGES, attest, fresh_app, texts
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
PASSWORD = "correct horse battery staple"


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setenv(ENV_HASH, hash_password(PASSWORD, iterations=1000))


def presenter(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(PAGES["presenter"])
    at.query_params["module"] = MODULE.slug
    at.run()
    attest(at)
    return at


def sign_in(at, password: str):
    at.text_input(key="educator_password").input(password)
    return at.button(key="educator_submit").click().run()


def test_without_a_configured_secret_educator_pages_only_say_how_to_configure(
    monkeypatch, tmp_path
):
    monkeypatch.delenv(ENV_HASH, raising=False)
    monkeypatch.delenv("ROUNDS_EDUCATOR_PASSWORD", raising=False)
    at = presenter(monkeypatch, tmp_path)
    assert not at.exception
    assert "no educator password is configured" in texts(at)
    assert MODULE.poll.question not in texts(at)
    assert len(at.text_input) == 0


def test_a_learner_sees_a_sign_in_and_no_educator_content(monkeypatch, tmp_path, configured):
    at = presenter(monkeypatch, tmp_path)
    assert at.title[0].value == "Educator sign-in"
    assert MODULE.poll.question not in texts(at)
    assert not any(b.key and b.key.startswith("presenter_") for b in at.button)


def test_wrong_passwords_are_denied_then_slowed_down(monkeypatch, tmp_path, configured):
    at = presenter(monkeypatch, tmp_path)
    for _ in range(3):
        sign_in(at, "guess")
        assert "That password is not right." in texts(at)
    sign_in(at, "guess")
    assert "Too many attempts" in texts(at) or "Wait" in texts(at)
    sign_in(at, PASSWORD)  # even the right one waits while the throttle holds
    assert at.title[0].value == "Educator sign-in"
    assert MODULE.poll.question not in texts(at)


def test_presenter_opens_and_closes_the_poll(monkeypatch, tmp_path, configured):
    at = presenter(monkeypatch, tmp_path)
    sign_in(at, PASSWORD)
    assert not at.exception
    assert MODULE.poll.question in texts(at)
    assert len(at.get("image")) == 1  # the QR code
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    pid = poll_id(MODULE)
    at.button(key="presenter_close").click().run()
    assert current_round(engine, pid).state is PollState.closed
    assert "Closed" in texts(at)
    at.button(key="presenter_open").click().run()
    assert current_round(engine, pid).state is PollState.open
    at.button(key="presenter_reset").click().run()
    assert "Tick the confirmation box" in texts(at)
    at.checkbox(key="presenter_reset_confirm").check()
    at.button(key="presenter_reset").click().run()
    fresh = current_round(engine, pid)
    assert (fresh.round, fresh.state) == (2, PollState.draft)
