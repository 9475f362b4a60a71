"""The outcomes report prints the module's figures and disclosures, and survives any text."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from rounds.content.loader import load_site
from rounds.dashboard import Filters
from rounds.dashboard.outcomes import build_outcomes
from rounds.documents import pdf_text
from rounds.documents.report import NO_DATA, Outcomes, outcomes_pdf
from tests.conftest import CONTENT
from tests.dashboard_cohort import MODULE

HAS_UNICODE_FONT = (pdf_text.FONT_DIR / "DejaVuSans.ttf").is_file()


def _outcomes(**overrides: object) -> Outcomes:
    fields: dict[str, object] = {
        "module_title": "Asparaginase in adolescents and young adults with ALL",
        "published": datetime.date(2026, 11, 1),
        "learning_objective": "Manage asparaginase hypersensitivity in AYA patients.",
        "period": "1 Nov 2026 - 23 Nov 2026",
        "funnel": pd.DataFrame(
            {
                "step": ["attested", "opened article", "post-test", "certificate"],
                "participants": [137, 121, 95, 66],
                "pct_of_attested": [100.0, 88.3, 69.3, 48.2],
                "conversion_pct": [None, None, None, 69.5],
            }
        ),
        "evaluation": pd.DataFrame(
            {
                "key": ["objective", "change_practice"],
                "statement": ["The module met its objective.", "I will change my practice."],
                "n": [70, 68],
                "pct_agree": [91.4, 73.5],
                "median": [4.0, 4.5],
            }
        ),
        "commitment": {"statement": "I will change my practice.", "n": 68, "pct_agree": 73.5},
        "pre_mean_pct": 48.2,
        "post_mean_pct": 81.7,
        "pass_rate_pct": 92.6,
        "question_gain": pd.DataFrame(
            {
                "prompt": ["When is activity measured?", "First step in pancreatitis?"],
                "pre_pct_correct": [40.0, None],
                "post_pct_correct": [85.0, 77.0],
                "gain_pct_points": [45.0, None],
            }
        ),
        "poll_question": "Would you rechallenge after grade 2 pancreatitis?",
        "poll": pd.DataFrame(
            {
                "label": ["Yes, always", "Never again", "It depends on lipase"],
                "count": [12, 30, 9],
                "percent": [23.5, 58.8, 17.6],
            }
        ),
        "disclosures": ["The author received speaker fees from Example Pharma."],
        "funders": [("Example Pharma GmbH", "Gold"), ("Österreichische Stiftung", "Silver")],
        "funder_statement": "The funders had no influence on the content.",
        "site_name": "Rounds at St Elsewhere",
        "generated_on": datetime.date(2026, 11, 23),
        "reviewed": datetime.date(2026, 11, 15),
        "expires": datetime.date(2027, 11, 14),
        "accreditation": "This activity is not accredited.",
        "faculty": [("Dr Example Author", "Author", "Nothing to disclose")],
        "planners": [("Example Planning Group", "Planner", "Advisory board, Example Pharma")],
        "commercial_support": "Supported by an educational grant from Example Pharma GmbH.",
        "supporters": ["Example Pharma GmbH"],
    }
    fields.update(overrides)
    return Outcomes(**fields)  # type: ignore[arg-type]


def _read(pdf: bytes) -> tuple[int, str]:
    """Return the page count and the text of every page, asserting an A4 portrait PDF."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (595.28, 841.89), abs=0.1
        )
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text


@pytest.fixture(params=["unicode font", "core font"])
def font(request, monkeypatch, tmp_path) -> str:
    if request.param == "unicode font" and not HAS_UNICODE_FONT:
        pytest.skip("DejaVu Sans is not installed")
    if request.param == "core font":
        monkeypatch.setattr(pdf_text, "FONT_DIR", tmp_path)
    return request.param


def test_report_prints_module_figures_and_disclosures(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    for expected in (
        "Rounds at St Elsewhere",
        "Outcomes report",
        "Asparaginase in adolescents and young adults with ALL",
        "Released: 1 November 2026",
        "Last reviewed: 15 November 2026",
        "Expires: 14 November 2027",
        "Period: 1 Nov 2026 - 23 Nov 2026",
        "Generated: 23 November 2026",
        "Manage asparaginase hypersensitivity in AYA patients.",
        "Participation",
        "Satisfaction",
        "Learning",
        "Commitment to change",
        "Poll summary",
        "Disclosures",
        "The author received speaker fees from Example Pharma.",
        "The funders had no influence on the content.",
        "Would you rechallenge after grade 2 pancreatitis?",
    ):
        assert expected in text


def test_report_prints_accreditation_people_with_disclosures_and_commercial_support(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    flat = " ".join(text.split())
    for expected in (
        "Accreditation This activity is not accredited.",
        "Faculty and authors",
        "Dr Example Author Author Nothing to disclose",
        "Planners and reviewers",
        "Example Planning Group Planner Advisory board, Example Pharma",
        "Commercial support for this activity",
        "Supported by an educational grant from Example Pharma GmbH.",
    ):
        assert expected in flat
    assert "Credit designation" not in flat


def test_an_accredited_activity_prints_its_credit_designation(font):
    outcomes = _outcomes(
        accreditation="Accredited by Example Council.",
        credit_designation="a maximum of 0.25 credits",
    )

    _, text = _read(outcomes_pdf(outcomes))

    assert "Credit designation: a maximum of 0.25 credits" in " ".join(text.split())


def test_missing_accreditation_fields_say_they_are_not_given(font):
    outcomes = _outcomes(accreditation="", faculty=[], planners=[], commercial_support="")

    _, text = _read(outcomes_pdf(outcomes))

    assert text.count("Not given.") == 4


def test_funnel_rows_show_each_step_with_its_participants(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    for row in ("attested 137 100.0%", "opened article 121 88.3%", "certificate 66 48.2% 69.5%"):
        assert row in text


def test_satisfaction_shows_n_percent_agree_and_median(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    assert "The module met its objective. 70 91.4% 4.0" in text
    assert "I will change my practice. 68 73.5% 4.5" in text
    assert "73.5% agree or strongly agree (68 answers)." in text


def test_learning_shows_means_change_pass_rate_and_gain_per_question(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    for expected in (
        "Mean pre-test score 48.2%",
        "Mean post-test score 81.7%",
        "Change (points) +33.5",
        "Post-test pass rate 92.6%",
        "When is activity measured? 40.0% 85.0% +45.0",
    ):
        assert expected in text


def test_poll_labels_counts_and_funders_with_levels_are_listed(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    for expected in (
        "Yes, always 12 23.5%",
        "Never again 30 58.8%",
        "It depends on lipase 9 17.6%",
        "51 votes in the period.",
        "Example Pharma GmbH Gold",
        "Österreichische Stiftung Silver",  # latin-1, so the core font draws it too
    ):
        assert expected in text


def test_missing_numbers_print_as_a_dash_not_nan(font):
    _, text = _read(outcomes_pdf(_outcomes()))

    dash = "–" if font == "unicode font" else "-"
    assert f"First step in pancreatitis? {dash} 77.0% {dash}" in text
    assert not re.search(r"\bnan\b", text, re.I)  # "financial" may appear; "nan" may not
    assert "None" not in text


def test_empty_frames_and_missing_figures_print_no_data_yet(font):
    empty = _outcomes(
        funnel=pd.DataFrame(columns=["step", "participants", "pct_of_attested", "conversion_pct"]),
        evaluation=pd.DataFrame(),
        commitment=None,
        pre_mean_pct=None,
        post_mean_pct=None,
        pass_rate_pct=None,
        question_gain=pd.DataFrame(columns=["prompt", "pre_pct_correct"]),
        poll=pd.DataFrame(columns=["label", "count", "percent"]),
        disclosures=[],
        funders=[],
        funder_statement="",
        accreditation="",
        faculty=[],
        planners=[],
        commercial_support="",
        supporters=[],
    )

    pages, text = _read(outcomes_pdf(empty))

    assert pages <= 2  # the accreditation section takes the second page
    assert text.count("Not given.") == 4  # accreditation, faculty, planners, support
    assert text.count(NO_DATA) == 6  # funnel, evaluation, gain, commitment, poll, funders
    assert "None declared." in text
    assert "Mean pre-test score" not in text


def test_a_module_without_a_poll_says_so(font):
    _, text = _read(outcomes_pdf(_outcomes(poll_question=None, poll=None)))

    assert "This module has no poll." in text


def test_commitment_with_no_answers_prints_no_data_yet(font):
    outcomes = _outcomes(commitment={"statement": "I will change.", "n": 0, "pct_agree": 0.0})

    _, text = _read(outcomes_pdf(outcomes))

    assert "I will change." not in text
    assert text.count(NO_DATA) == 1  # every other section has its figures
    assert "agree or strongly agree (" not in text


HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "null byte": "Jane\x00 Doe",
    "control characters": "a\x07\x1b[31m\r\nb\u202e",
    "very long statement": "Statement " * 500,
    "one long word": "W" * 5000,
    "emoji": "Sam 🩺👩🏽‍⚕️🎉 Lee",
    "arabic": "ممرضة",
    "lone surrogate": "Broken \ud800 text",
    "markdown": "**bold** <b>html</b> [link](javascript:alert(1))",
}


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype=object)  # object: pandas' string dtype refuses surrogates


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_any_text_in_any_field_gives_a_valid_report(font, hostile):
    outcomes = _outcomes(
        module_title=hostile,
        learning_objective=hostile,
        period=hostile,
        funnel=_frame(
            {
                "step": [hostile],
                "participants": [137],
                "pct_of_attested": [1],
                "conversion_pct": [1],
            }
        ),
        evaluation=_frame(
            {"statement": [hostile], "n": [70], "pct_agree": [91.4], "median": [hostile]}
        ),
        commitment={"statement": hostile, "n": 68, "pct_agree": hostile},
        question_gain=_frame(
            {
                "prompt": [hostile],
                "pre_pct_correct": [hostile],
                "post_pct_correct": [float("inf")],
                "gain_pct_points": [None],
            }
        ),
        poll_question=hostile,
        poll=_frame({"label": [hostile], "count": [12], "percent": [float("nan")]}),
        disclosures=[hostile, ""],
        funders=[(hostile, hostile)],
        funder_statement=hostile,
        site_name=hostile,
        accreditation=hostile,
        credit_designation=hostile,
        faculty=[(hostile, hostile, hostile)],
        planners=[(hostile, hostile, hostile)],
        commercial_support=hostile,
        supporters=[hostile, ""],
    )

    _, text = _read(outcomes_pdf(outcomes))

    assert "Participation" in text
    assert "137" in text
    assert "91.4%" in text
    assert "\x00" not in text


def test_script_tags_print_as_literal_text(font):
    _, text = _read(outcomes_pdf(_outcomes(module_title="<script>alert(1)</script>")))

    assert "<script>alert(1)</script>" in text


def test_long_tables_run_over_several_pages(font):
    statements = [f"Statement number {i} about the module" for i in range(80)]
    evaluation = pd.DataFrame(
        {"statement": statements, "n": range(80), "pct_agree": [50.0] * 80, "median": [3.0] * 80}
    )

    pages, text = _read(outcomes_pdf(_outcomes(evaluation=evaluation)))

    assert pages >= 3
    assert "Statement number 79 about the module 79 50.0% 3.0" in text
    assert "The funders had no influence on the content." in text


def test_outcomes_is_read_only():
    outcomes = _outcomes()

    with pytest.raises(dataclasses.FrozenInstanceError):
        outcomes.period = "all time"  # type: ignore[misc]


@pytest.mark.skipif(not HAS_UNICODE_FONT, reason="DejaVu Sans is not installed")
def test_unicode_font_draws_non_latin_funders():
    _, text = _read(
        outcomes_pdf(_outcomes(funders=[("Фонд Здоровье", "Gold"), ("Ελλάδα", "Bronze")]))
    )

    assert "Фонд Здоровье Gold" in text
    assert "Ελλάδα Bronze" in text


def test_core_font_replaces_what_latin1_cannot_show(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_text, "FONT_DIR", tmp_path)

    _, text = _read(outcomes_pdf(_outcomes(funders=[("Zoë 🎉 Müller", "Gold")])))

    assert "Zoë ? Müller Gold" in text


def test_the_poll_summary_gives_every_round_with_its_votes(font):
    poll = pd.DataFrame(
        {
            "round": [1, 1, 2, 2],
            "simulated": [False, False, False, False],
            "label": ["Yes", "No", "Yes", "No"],
            "count": [3, 2, 1, 4],
            "percent": [60.0, 40.0, 20.0, 80.0],
        }
    )

    _, text = _read(outcomes_pdf(_outcomes(poll=poll)))

    assert "Round 1: 5 votes" in text and "Round 2: 5 votes" in text
    assert "Yes 3 60.0%" in text and "No 4 80.0%" in text
    assert "10 votes in the period, in 2 rounds." in text


# --- from stored rows: the hand-computed cohort of tests/dashboard_cohort.py -----------------

SITE = load_site(CONTENT)[0]


@pytest.mark.usefixtures("cohort")
def test_report_from_stored_rows_prints_title_counts_and_disclosures(engine):
    _, text = _read(outcomes_pdf(build_outcomes(engine, MODULE, SITE, Filters())))

    assert MODULE.title in " ".join(text.split())
    for expected in (
        "Period: all time",
        "attested 7",
        "pre-test 5 71.4% –",  # of the 7 attested; no conversion: not nested
        "passed 4 57.1% 80.0%",  # 4 of the 5 post-tests
        "voted 7 100.0% –",
        "certificate 4 57.1% 100.0%",  # all 4 who passed
        "Post-test pass rate 80.0%",  # 4 of the 5 who finished a post-test
        "40.0% agree or strongly agree (5 answers).",  # the commitment to change
        "Round 1: 5 votes",  # round 1: A, B (changed), C, D, E; H is simulated
        "Round 2: 3 votes",
        "8 votes in the period, in 2 rounds.",
    ):
        assert expected in text
    assert "Selection" not in text
    flat = " ".join(text.split())
    for disclosure in MODULE.disclosures:
        assert " ".join(disclosure.split())[:60] in flat
    assert "Accreditation This activity is not accredited." in flat
    assert "Rounds editorial team Authors No relevant financial relationships" in flat
    assert "Last reviewed: 2 December 2026" in flat and "Expires: 1 December 2027" in flat
    assert "Commercial support for this activity This activity is produced with" in flat


@pytest.mark.usefixtures("cohort")
def test_report_says_which_round_and_whether_rehearsals_count(engine):
    only_round_2 = build_outcomes(engine, MODULE, SITE, Filters(round=2))
    _, text = _read(outcomes_pdf(only_round_2))

    assert "Selection: poll round 2 only" in text
    assert "Round 2: 3 votes" in text and "Round 1" not in text
    assert "3 votes in the period." in text

    _, text = _read(
        outcomes_pdf(build_outcomes(engine, MODULE, SITE, Filters(include_simulated=True)))
    )
    assert "Selection: rehearsal rounds and simulated participants included" in text
    assert "Round 3 (rehearsal): 10 votes" in text
