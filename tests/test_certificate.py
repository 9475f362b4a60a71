"""The completion certificate prints what the learner earned and survives any text."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from rounds.content.loader import load_catalog
from rounds.documents import certificate
from rounds.documents.certificate import NAME_LIMIT, certificate_pdf
from tests.conftest import CONTENT

HAS_UNICODE_FONT = (certificate._FONT_DIR / "DejaVuSans.ttf").is_file()


def _certificate(**overrides: object) -> bytes:
    fields: dict[str, object] = {
        "learner_name": "Dr Amara Okafor",
        "module_title": "Recognising sepsis in the emergency department",
        "learning_objective": "Start the sepsis six within one hour of recognition.",
        "completed_on": datetime.date(2026, 11, 23),
        "score_percent": 85,
        "site_name": "Rounds at St Elsewhere",
    }
    fields.update(overrides)
    return certificate_pdf(**fields)  # type: ignore[arg-type]


def _read(pdf: bytes) -> tuple[int, str]:
    """Return the page count and the text of the first page, asserting the PDF is valid."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (841.89, 595.28), abs=0.1
    )  # A4 landscape, in points
    return len(reader.pages), page.extract_text()


@pytest.fixture(params=["unicode font", "core font"])
def font(request, monkeypatch, tmp_path) -> str:
    if request.param == "unicode font" and not HAS_UNICODE_FONT:
        pytest.skip("DejaVu Sans is not installed")
    if request.param == "core font":
        monkeypatch.setattr(certificate, "_FONT_DIR", tmp_path)
    return request.param


def test_certificate_names_learner_module_date_and_score(font):
    pages, text = _read(_certificate())

    assert pages == 1
    for expected in (
        "Rounds at St Elsewhere",
        "Certificate of completion",
        "This certifies that",
        "Dr Amara Okafor",
        "completed the module",
        "Recognising sepsis in the emergency department",
        "Start the sepsis six within one hour of recognition.",
        "23 November 2026",
        "85%",
    ):
        assert expected in text


HOSTILE_NAMES = {
    "very long": "Aisha " * 2000,
    "emoji": "Sam 🩺👩🏽‍⚕️🎉 Lee",
    "arabic": "د. ليلى حداد",
    "hebrew": "ד״ר נועה כהן",
    "null byte": "Jane\x00 Doe",
    "control characters": "Jane\x07\x1b[31m\r\nDoe\u202e",
    "script tag": "<script>alert(1)</script>",
    "lone surrogate": "Broken \ud800 Name",
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_any_learner_name_gives_a_one_page_certificate(font, name):
    pages, text = _read(_certificate(learner_name=name))

    assert pages == 1
    assert "85%" in text
    assert "\x00" not in text


def test_script_tags_print_as_literal_text(font):
    _, text = _read(_certificate(learner_name="<script>alert(1)</script>"))

    assert "<script>alert(1)</script>" in text


def test_control_characters_are_stripped_from_the_name(font):
    _, text = _read(_certificate(learner_name="Jane\x00\x07\r\n Doe"))

    assert "Jane Doe" in text


def test_long_name_is_truncated_with_an_ellipsis(font):
    _, text = _read(_certificate(learner_name="Z" * 10_000))

    ellipsis = "…" if font == "unicode font" else "..."
    assert text.count("Z") == NAME_LIMIT - len(ellipsis)
    assert "Z" + ellipsis in text.replace("\n", "")


def test_every_field_at_its_longest_still_fits_on_one_page(font):
    wide = "W" * 10_000
    pages, text = _read(
        _certificate(
            learner_name=wide,
            module_title=wide,
            learning_objective="WWW " * 5_000,
            site_name=wide,
            certificate_id="RND-WWWW-WWWW",
            verify_url=wide,
        )
    )

    assert pages == 1
    assert "Certificate of completion" in text
    assert "85%" in text and "RND-WWWW-WWWW" in text


@pytest.mark.skipif(not HAS_UNICODE_FONT, reason="DejaVu Sans is not installed")
def test_unicode_font_draws_hebrew_letters():
    _, text = _read(_certificate(learner_name="נועה כהן"))

    assert set("נועהכן") <= set(text)
    assert "?" not in text


def test_core_font_replaces_what_latin1_cannot_show(monkeypatch, tmp_path):
    monkeypatch.setattr(certificate, "_FONT_DIR", tmp_path)

    _, text = _read(_certificate(learner_name="Zoë 🎉 Müller"))

    assert "Zoë ? Müller" in text


def test_a_not_accredited_activity_gives_a_certificate_of_completion_without_credit(font):
    module = load_catalog(CONTENT).get("asparaginase-aya-all").module
    assert not module.accreditation.is_accredited
    pages, text = _read(
        _certificate(
            credit_designation=module.accreditation.credit_designation,
            accreditation_statement=module.accreditation.statement,
            activity_dates=(module.published, module.expires),
        )
    )

    flat = " ".join(text.split())
    assert pages == 1
    assert "Certificate of completion" in flat
    assert " ".join(module.accreditation.statement.split()) in flat  # the module's own wording
    assert "Activity released 7 November 2025" in flat and "expires 1 December 2027" in flat
    assert not re.search(r"credit designation|\bCME\b|maximum of", flat, re.I)  # no credit


def test_without_a_statement_a_certificate_says_it_records_completion_only(font):
    _, text = _read(_certificate())

    flat = " ".join(text.split())
    assert "This activity is not accredited. This certificate records completion only." in flat


def test_the_certificate_id_and_where_to_check_it_print_at_the_foot(font):
    pages, text = _read(
        _certificate(
            certificate_id="RND-7KQ2-M9XD", verify_url="https://rounds.example/verify/RND-7KQ2-M9XD"
        )
    )

    flat = " ".join(text.split())
    assert pages == 1
    assert (
        "Certificate id: RND-7KQ2-M9XD. Check it at https://rounds.example/verify/RND-7KQ2-M9XD"
        in flat
    )


def test_an_accredited_activity_prints_its_statement_and_credit_designation(font):
    pages, text = _read(
        _certificate(
            accreditation_statement="Accredited by Example Council for continuing education.",
            credit_designation="a maximum of 0.25 credits",
        )
    )

    flat = " ".join(text.split())
    assert pages == 1
    assert "Accredited by Example Council for continuing education." in flat
    assert "Credit designation: a maximum of 0.25 credits" in flat
    assert "not accredited" not in flat


def test_a_long_accreditation_statement_still_fits_on_one_page(font):
    pages, text = _read(
        _certificate(
            learning_objective="WWW " * 5_000,
            accreditation_statement="Statement " * 2_000,
            credit_designation="Credits " * 2_000,
        )
    )

    assert pages == 1
    assert "85%" in text
