"""CSV exports open safely in a spreadsheet and keep every script and number intact.

The last tests write the dashboard's aggregates of the hand-computed cohort of `dashboard_cohort`.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pandas as pd
import pytest

from rounds import dashboard
from rounds.dashboard import Filters
from rounds.documents.csv_export import export_filename, neutralise, to_csv_bytes, to_zip_bytes
from tests.dashboard_cohort import LABELS, MODULE

BOM = b"\xef\xbb\xbf"


def _read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("\0=x", "'\0=x"),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(cell, written):
    assert neutralise(cell) == written


@pytest.mark.parametrize(
    "value",
    ["plain text", "", "1+1=2", "a=b", "'quoted", "Médecin", -2, -2.5, 0, 3, None, True],
)
def test_plain_text_and_numbers_are_left_alone(value):
    assert neutralise(value) == value
    assert type(neutralise(value)) is type(value)


def test_csv_starts_with_the_utf8_bom_and_uses_crlf():
    data = to_csv_bytes(pd.DataFrame({"a": [1, 2]}))

    assert data.startswith(BOM)
    assert data[len(BOM) :] == b"a\r\n1\r\n2\r\n"


def test_formula_cells_and_column_names_are_neutralised_in_the_file():
    frame = pd.DataFrame(
        {
            "=HYPERLINK(x)": ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "plain"],
            "n": [1, -2, 3, 0, -5, 6],
        }
    )

    back = _read(to_csv_bytes(frame))

    assert list(back.columns) == ["'=HYPERLINK(x)", "n"]
    assert back["'=HYPERLINK(x)"].tolist() == [
        "'=1+1",
        "'+cmd",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=x",
        "plain",
    ]
    assert back["n"].tolist() == [1, -2, 3, 0, -5, 6]  # negative numbers stay numbers
    assert pd.api.types.is_integer_dtype(back["n"])


def test_negative_numbers_in_a_mixed_text_column_stay_numbers():
    data = to_csv_bytes(pd.DataFrame({"value": [-3, "-3", 2.5]}, dtype=object))

    assert data.decode("utf-8-sig").splitlines() == ["value", "-3", "'-3", "2.5"]


def test_non_ascii_names_round_trip_exactly():
    frame = pd.DataFrame(
        {
            "profession": ["Médecin", "Pflegefachperson", "薬剤師", "ممرضة", "=Évil"],
            "country": ["France", "Österreich", "日本", "مصر", "Ελλάδα"],
            "Größe": [1, 2, 3, 4, 5],
        }
    )

    back = _read(to_csv_bytes(frame))

    expected = frame.copy()
    expected["profession"] = expected["profession"].map(neutralise)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_text_with_commas_quotes_and_line_breaks_round_trips():
    frame = pd.DataFrame({"comment": ['He said "no", then\nleft', "a,b"]})

    assert _read(to_csv_bytes(frame))["comment"].tolist() == frame["comment"].tolist()


def test_timestamps_are_written_as_iso_8601_utc():
    paris = datetime.timezone(datetime.timedelta(hours=1))
    frame = pd.DataFrame(
        {
            "aware": pd.to_datetime(["2026-11-23 10:30:00+01:00", None], utc=True),
            "naive": pd.to_datetime(["2026-11-23 09:30:00.000", "2026-11-23 09:30:00.250"]),
            "mixed": [datetime.datetime(2026, 11, 23, 10, 30, tzinfo=paris), "text"],
        }
    )

    lines = to_csv_bytes(frame).decode("utf-8-sig").splitlines()

    assert lines[1:] == [
        "2026-11-23T09:30:00Z,2026-11-23T09:30:00.000000Z,2026-11-23T09:30:00Z",
        ",2026-11-23T09:30:00.250000Z,text",
    ]


def test_missing_values_are_empty_fields_and_the_index_is_not_written():
    frame = pd.DataFrame(
        {"text": ["a", None], "count": pd.array([1, None], dtype="Int64")}, index=[10, 20]
    )

    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines() == ["text,count", "a,1", ","]


def test_an_empty_frame_gives_just_the_header():
    frame = pd.DataFrame(columns=["participant_id", "option_key"])

    assert to_csv_bytes(frame) == BOM + b"participant_id,option_key\r\n"


def test_filename_names_site_module_what_and_day():
    name = export_filename("asparaginase-aya-all", "votes", datetime.date(2026, 11, 23))

    assert name == "rounds-asparaginase-aya-all-votes-2026-11-23.csv"


@pytest.mark.parametrize(
    ("slug", "what", "expected"),
    [
        ("Asparaginase AYA/ALL", "quiz_answers", "rounds-asparaginase-aya-all-quiz-answers"),
        ("../../etc/passwd", "votes", "rounds-etc-passwd-votes"),
        ("Évaluation", "Réponses", "rounds-evaluation-reponses"),
        ("日本", 'x"; rm -rf /', "rounds-x-rm-rf"),
        ("", "", "rounds"),
    ],
)
def test_filename_is_reduced_to_lowercase_ascii_and_hyphens(slug, what, expected):
    name = export_filename(slug, what, datetime.datetime(2026, 11, 23, 22, 15))

    assert name == f"{expected}-2026-11-23.csv"


def test_filename_takes_another_extension():
    name = export_filename("sepsis", "outcomes", datetime.date(2026, 1, 5), extension="PDF")

    assert name == "rounds-sepsis-outcomes-2026-01-05.pdf"


def test_rows_exported_together_come_as_one_zip_of_csv_files_written_alike():
    people = pd.DataFrame({"participant_id": ["P0001", "P0002"], "country": ["España", "=1+1"]})
    votes = pd.DataFrame({"participant_id": ["P0002"], "option_key": ["use_for_most_eligible"]})
    data = to_zip_bytes({"participants": people, "votes": votes}, "rounds-m-rows-2026-11-24")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        stem = "rounds-m-rows-2026-11-24"
        assert names == [f"{stem}-participants.csv", f"{stem}-votes.csv"]
        first = archive.read(names[0])
        assert first.startswith(b"\xef\xbb\xbf")  # the same BOM as a single CSV download
        back = _read(first)
        assert back["country"].tolist() == ["España", "'=1+1"]  # formulas neutralised
        assert _read(archive.read(names[1]))["participant_id"].tolist() == ["P0002"]


# --- the dashboard's aggregates as CSV files -------------------------------------------------


def _hostile(module):
    """Return a copy of `module` whose texts all start like formulas."""
    starts = ["=", "+", "-", "@", "\t", "\r"]

    def mark(i: int, text: str) -> str:
        return starts[i % len(starts)] + text

    poll = module.poll.model_copy(
        update={
            "options": [
                o.model_copy(update={"label": mark(i, o.label)})
                for i, o in enumerate(module.poll.options)
            ]
        }
    )
    evaluation = module.evaluation.model_copy(
        update={
            "statements": [
                s.model_copy(update={"text": mark(i, s.text)})
                for i, s in enumerate(module.evaluation.statements)
            ]
        }
    )
    quiz = module.quiz.model_copy(
        update={
            "questions": [
                q.model_copy(update={"prompt": mark(i, q.prompt)})
                for i, q in enumerate(module.quiz.questions)
            ]
        }
    )
    return module.model_copy(update={"poll": poll, "evaluation": evaluation, "quiz": quiz})


@pytest.mark.usefixtures("cohort")
def test_every_dashboard_view_is_offered_as_an_aggregate_csv(engine):
    views = dashboard.aggregate_views(LABELS)

    assert list(views) == [
        "funnel",
        "score-distribution",
        "question-gain",
        "evaluation",
        "poll-rounds",
        "poll-by-profession",
        "votes-over-time",
    ]
    for name, view in views.items():
        frame = view(engine, MODULE, Filters())
        data = to_csv_bytes(frame)
        assert data.startswith(BOM), name
        assert len(_read(data)) == len(frame) > 0, name
    professions = _read(to_csv_bytes(views["poll-by-profession"](engine, MODULE, Filters())))
    assert set(professions["profession"]) == {"Fewer than 5 each: merged"}
    assert set(professions["n"]) == {7}  # no group under 5 leaves the dashboard in a file
    over_time = _read(to_csv_bytes(views["votes-over-time"](engine, MODULE, Filters())))
    assert over_time["bucket_start"].iloc[0] == "2025-03-01T10:00:00Z"


@pytest.mark.usefixtures("cohort")
def test_content_texts_that_start_like_formulas_are_neutralised_in_every_aggregate(engine):
    hostile = _hostile(MODULE)
    texts = {
        "question-gain": ("prompt", [q.prompt for q in hostile.quiz.questions]),
        "evaluation": ("statement", [s.text for s in hostile.evaluation.statements]),
        "poll-rounds": ("label", [o.label for o in hostile.poll.options]),
        "poll-by-profession": ("label", [o.label for o in hostile.poll.options]),
    }
    views = dashboard.aggregate_views(LABELS)
    for name, (column, originals) in texts.items():
        back = _read(to_csv_bytes(views[name](engine, hostile, Filters())))
        cells = set(back[column])
        assert cells <= {"'" + text for text in originals}, name
        assert not any(cell.startswith(tuple("=+-@\t\r")) for cell in cells), name
