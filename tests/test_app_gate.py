"""AppTest: the gate blocks every page until confirmed; confirming records an attestation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rounds.content.loader import load_catalog
from rounds.store.engine import open_engine
from rounds.store.tables import attestations
from tests.apptest import NO_LEARNER_CHROME, PAGES, attest, fresh_app, texts
from tests.conftest import CONTENT

CATALOG = load_catalog(CONTENT)
SITE = CATALOG.site
MODULE = CATALOG.get("asparaginase-aya-all").module


@pytest.mark.parametrize("page", PAGES.values())
def test_gate_blocks_every_page_until_confirmed(monkeypatch, tmp_path, page):
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(page).run()
    assert not at.exception
    shown = texts(at)
    assert at.title[0].value == SITE.gate.title
    assert MODULE.title not in shown
    assert MODULE.key_learning not in shown
    assert len(at.checkbox) == 1 and at.checkbox(key="gate_attest").value is False


@pytest.mark.parametrize("page", PAGES.values())
def test_every_page_launches_after_confirming(monkeypatch, tmp_path, page):
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(page).run()
    attest(at)
    assert not at.exception
    assert SITE.gate.title not in [t.value for t in at.title]
    assert (SITE.disclosure.statement in texts(at)) is (page not in NO_LEARNER_CHROME)
    funders = [f.name for f in SITE.disclosure.funders]
    assert all((name in texts(at)) is (page not in NO_LEARNER_CHROME) for name in funders)


def test_confirming_records_an_attestation_and_opens_the_asked_for_page(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    at = fresh_app(monkeypatch, tmp_path, url)
    at.switch_page(PAGES["article"]).run()
    attest(at, "pharmacist", "Germany")
    assert at.title[0].value == MODULE.title
    assert MODULE.key_learning in texts(at)
    with open_engine(url).connect() as conn:
        rows = conn.execute(select(attestations)).all()
    assert [(r.profession, r.country, r.text_version) for r in rows] == [
        ("pharmacist", "Germany", SITE.gate.version)
    ]


def test_confirming_needs_the_attestation_and_a_profession(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    at = fresh_app(monkeypatch, tmp_path, url)
    at.run()
    at.radio(key="gate_profession").set_value("nurse")
    at.button(key="gate_submit").click().run()
    assert "Please confirm that you are a healthcare professional." in texts(at)
    at.checkbox(key="gate_attest").check()
    at.radio(key="gate_profession").set_value(None)
    at.button(key="gate_submit").click().run()
    assert "Please choose your profession." in texts(at)
    with open_engine(url).connect() as conn:
        assert conn.execute(select(attestations)).all() == []


def test_a_phone_joining_the_poll_is_asked_no_country(monkeypatch, tmp_path):
    """The poll's gate (where `/j/<slug>` leads) asks what a meeting needs; the others ask more."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    at = fresh_app(monkeypatch, tmp_path, url)
    at.switch_page(PAGES["poll"]).run()
    assert [box.key for box in at.selectbox] == []  # no drop-down at all on the join path
    assert [o for o in at.radio(key="gate_profession").options] == [
        p.label for p in SITE.gate.professions
    ]
    attest(at, "physician")
    assert SITE.gate.title not in [t.value for t in at.title]
    home = fresh_app(monkeypatch, tmp_path / "home")
    home.switch_page(PAGES["home"]).run()
    assert [box.key for box in home.selectbox] == ["gate_country"]
    with open_engine(url).connect() as conn:
        rows = conn.execute(select(attestations)).all()
    assert [(r.profession, r.country) for r in rows] == [("physician", None)]
