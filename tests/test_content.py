"""The content schema and loader: every module loads; each kind of break is reported clearly."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rounds.content.loader import load_catalog
from rounds.content.watch import WatchedCatalog
from tests.conftest import CONTENT, ROOT, edit_module

FIRST = "asparaginase-aya-all"


def test_every_module_in_content_loads_without_problems():
    catalog = load_catalog(CONTENT)
    assert catalog.problems == []
    assert catalog.site is not None
    folders = sorted(p.name for p in (CONTENT / "modules").iterdir() if p.is_dir())
    assert sorted(m.folder for m in catalog.modules.values()) == folders
    assert FIRST in catalog.modules


def test_the_first_module_has_what_the_article_and_learner_path_need():
    module = load_catalog(CONTENT).get(FIRST).module
    assert 3 <= len(module.quiz.questions) <= 5
    statements = {s.key: s for s in module.evaluation.statements}
    assert statements["free_of_bias"].text == "The content was free of commercial bias."
    assert statements["change_practice"].extra.label == "I already do this"
    labels = {o.key: o.label for o in module.poll.options}
    assert "unsure" in labels and labels["would_not_use"] == "No, I would not use it"
    assert 5 <= len(module.poll.options) <= 7
    assert module.references and module.key_data and module.key_learning
    assert not module.accreditation.is_accredited
    assert module.faculty and module.planners and module.commercial_support.supporters


def test_the_first_module_tests_its_objective_not_trial_figures():
    module = load_catalog(CONTENT).get(FIRST).module
    # every question rests on the panel's recommendations or the consensus on inactivation
    assert {q.source for q in module.quiz.questions} <= {"aldoss2025", "vandersluis2016"}
    text = " ".join(
        f"{q.prompt} {o.text} {o.explanation}" for q in module.quiz.questions for o in q.options
    )
    for trial in ("E1910", "AALL1731", "blinatumomab"):
        assert trial not in text
    (silent,) = [q for q in module.quiz.questions if q.key == "silent_inactivation_next_step"]
    keyed = next(o for o in silent.options if o.key == silent.correct)
    assert "repeat level before switching" in keyed.text
    # the DCOG ALL-11 figures are cited to Kloos 2020, with the population, never to 2016
    assert "Kloos et al., J Clin Oncol 2020" in text and "aged 1-18" in text
    body = load_catalog(CONTENT).get(FIRST).body
    assert "DCOG ALL-11" in body and "children aged 1–18" in body
    number = module.reference_number("kloos2020")
    assert f"silent \\[{number}\\]" in body


def test_the_first_module_gives_harms_and_labelling_beside_the_poll():
    module = load_catalog(CONTENT).get(FIRST).module
    evidence = " ".join(e.text for e in module.poll.evidence)
    assert "boxed warning for cytokine" in evidence and "neuropsychiatric" in evidence
    assert "interim analysis" in evidence
    assert "14 June 2024" in evidence and "adults only" in evidence
    assert any(e.off_label for e in module.poll.evidence)
    assert any(p.off_label for p in module.key_points())


def messages(content: Path) -> list[str]:
    return [str(p) for p in load_catalog(content).problems]


def test_unknown_field_is_rejected_with_file_and_field(content):
    edit_module(content, lambda d: d.update(titel="typo"))
    assert messages(content) == [
        f"content/modules/{FIRST}/module.yaml: titel: Extra inputs are not permitted"
    ]


def test_correct_answer_that_is_not_an_option(content):
    edit_module(content, lambda d: d["quiz"]["questions"][0].update(correct="nope"))
    (msg,) = messages(content)
    assert "quiz.questions.0" in msg and "correct answer 'nope' is not one of the options" in msg


@pytest.mark.parametrize("opening", ["Correct.", "Incorrect:", "not quite -", "Wrong!"])
def test_an_explanation_that_repeats_the_verdict_is_rejected(content, opening):
    def verdict_first(d):
        option = d["quiz"]["questions"][1]["options"][2]
        option["explanation"] = f"{opening} {option['explanation']}"

    edit_module(content, verdict_first)
    (msg,) = messages(content)
    assert "quiz.questions.1.options.2.explanation" in msg
    assert f"starts with the verdict {opening!r}" in msg and "begin with the reason" in msg


def test_an_explanation_may_begin_with_a_word_that_only_looks_like_a_verdict(content):
    def lookalike(d):
        d["quiz"]["questions"][0]["options"][1]["explanation"] = (
            "Correctly timed monitoring, not this threshold, is what the trials used."
        )

    edit_module(content, lookalike)
    assert messages(content) == []


def test_option_key_used_twice(content):
    def twice(d):
        options = d["poll"]["options"]
        options[1]["key"] = options[0]["key"]

    edit_module(content, twice)
    (msg,) = messages(content)
    assert "poll.options" in msg and "option key used more than once" in msg


def test_every_problem_is_reported_at_once(content):
    def many(d):
        d["title"] = ""
        d["published"] = "not a date"
        d["quiz"]["questions"][1]["source"] = "nobody2020"
        del d["key_learning"]

    edit_module(content, many)
    found = "\n".join(messages(content))
    for field in ("title", "published", "key_learning"):
        assert f"module.yaml: {field}:" in found


def test_two_modules_with_the_same_slug(content):
    shutil.copytree(content / "modules" / FIRST, content / "modules" / "zz-copy")
    catalog = load_catalog(content)
    (problem,) = catalog.problems
    assert problem.file.endswith("zz-copy/module.yaml") and problem.field == "slug"
    assert f"already used by content/modules/{FIRST}" in problem.message
    assert list(catalog.modules) == [FIRST]


def test_a_broken_module_leaves_the_others_working(content):
    shutil.copytree(content / "modules" / FIRST, content / "modules" / "second")
    edit_module(content, lambda d: d.update(slug="second-module"), folder="second")
    (content / "modules" / FIRST / "module.yaml").write_text("title: [unclosed", encoding="utf-8")
    catalog = load_catalog(content)
    assert list(catalog.modules) == ["second-module"]
    assert catalog.broken_folders == [FIRST]
    (problem,) = catalog.problems
    assert "is not valid YAML" in problem.message and problem.field.startswith("line ")


def test_missing_article_and_unknown_citation(content):
    article = content / "modules" / FIRST / "article.md"
    article.write_text("A claim [@nobody2020].", encoding="utf-8")
    assert messages(content) == [
        f"content/modules/{FIRST}/article.md: cites unknown reference [@nobody2020]"
    ]
    article.unlink()
    assert "article.md: file is missing" in messages(content)[0]


def test_citations_become_reference_numbers():
    loaded = load_catalog(CONTENT).get(FIRST)
    assert "[@" not in loaded.body
    assert "\\[1\\]" in loaded.body


def test_check_command_lists_problems_and_exits_non_zero(content):
    edit_module(content, lambda d: d["quiz"]["questions"][0].update(correct="nope"))
    run = [sys.executable, "-m", "rounds", "check"]
    bad = subprocess.run([*run, str(content)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "correct answer 'nope'" in bad.stderr
    good = subprocess.run([*run, str(CONTENT)], cwd=ROOT, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert "valid, 0 broken, 0 problem(s)" in good.stdout


def test_an_edited_module_is_reloaded_once_the_check_interval_has_passed(content):
    now = [0.0]
    watched = WatchedCatalog(content, every=1.0, clock=lambda: now[0])
    assert watched.get().get(FIRST).module is not None
    module_file = content / "modules" / FIRST / "module.yaml"
    module_file.write_text("title: [unclosed", encoding="utf-8")
    now[0] = 0.5
    assert watched.get().get(FIRST).module is not None  # not looked at yet: the same catalog
    now[0] = 1.5
    reloaded = watched.get()
    assert reloaded.get(FIRST) is None or reloaded.get(FIRST).module is None
    assert any(f"modules/{FIRST}/module.yaml" in str(p) for p in reloaded.problems)


def test_several_works_cited_at_once_become_their_numbers(content):
    article = content / "modules" / FIRST / "article.md"
    article.write_text("Two sources [@litzow2024; @gupta2025], one [@nobody].", encoding="utf-8")
    assert messages(content) == [
        f"content/modules/{FIRST}/article.md: cites unknown reference [@nobody]"
    ]
    article.write_text("Two sources [@litzow2024; @gupta2025].", encoding="utf-8")
    loaded = load_catalog(content).get(FIRST)
    first, second = (loaded.module.reference_number(k) for k in ("litzow2024", "gupta2025"))
    assert f"Two sources \\[{first}, {second}\\]." in loaded.body


@pytest.mark.parametrize(
    "url",
    [
        "https://pubmed.ncbi.nlm.nih.gov/?term=Aldoss+asparaginase",
        "https://www.google.com/search?q=asparaginase",
        "https://scholar.example.org/results?query=asparaginase",
    ],
)
def test_a_reference_url_that_is_a_search_page_is_rejected(content, url):
    edit_module(content, lambda d: d["references"][0].update(url=url))
    (msg,) = messages(content)
    assert "references.0.url" in msg and "is a search page, not a reference link" in msg


def test_a_reference_without_doi_or_pmid_is_a_warning_not_a_problem(content):
    def bare(d):
        ref = next(r for r in d["references"] if r["key"] == "litzow2024")
        del ref["doi"], ref["pmid"]

    edit_module(content, bare)
    catalog = load_catalog(content)
    assert catalog.problems == []
    assert any("'litzow2024' has neither a DOI nor a PMID" in str(w) for w in catalog.warnings)
    run = [sys.executable, "-m", "rounds", "check", str(content)]
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0
    assert "warning: " in done.stderr and "'litzow2024' has neither a DOI nor a PMID" in done.stderr


def test_a_malformed_doi_or_pmid_is_rejected(content):
    def bad(d):
        d["references"][3].update(doi="doi:10.1080/x", pmid="PMID 123")

    edit_module(content, bad)
    found = "\n".join(messages(content))
    assert "references.3.doi" in found and "references.3.pmid" in found


@pytest.mark.parametrize("who", ["faculty", "planners"])
def test_a_contributor_without_a_disclosure_is_rejected(content, who):
    edit_module(content, lambda d: d[who][0].pop("disclosure"))
    (msg,) = messages(content)
    assert f"{who}.0.disclosure: Field required" in msg


def test_a_module_without_faculty_or_accreditation_is_rejected(content):
    def bare(d):
        d["faculty"] = []
        del d["accreditation"], d["commercial_support"], d["expires"]

    edit_module(content, bare)
    found = "\n".join(messages(content))
    for field in ("faculty", "accreditation", "commercial_support", "expires"):
        assert f"module.yaml: {field}:" in found


def test_accreditation_and_credit_designation_go_together(content):
    edit_module(content, lambda d: d["accreditation"].update(status="accredited"))
    (msg,) = messages(content)
    assert "an accredited activity needs its credit_designation" in msg
    edit_module(
        content,
        lambda d: d["accreditation"].update(
            status="not_accredited", credit_designation="a maximum of 0.25 credits"
        ),
    )
    (msg,) = messages(content)
    assert "only for an accredited activity" in msg


def test_dates_must_run_release_review_expiry(content):
    edit_module(content, lambda d: d.update(reviewed="2025-01-01"))
    (msg,) = messages(content)
    assert "reviewed (2025-01-01) is before published (2025-11-07)" in msg
    edit_module(content, lambda d: d.update(reviewed="2026-12-02", expires="2026-12-02"))
    (msg,) = messages(content)
    assert "expires (2026-12-02) is not after reviewed" in msg


def test_an_expired_module_is_not_available_to_learners(content):
    shutil.copytree(content / "modules" / FIRST, content / "modules" / "old")
    edit_module(
        content,
        lambda d: d.update(
            slug="old-module", join_code=None, reviewed="2025-12-01", expires="2026-01-31"
        ),
        folder="old",
    )
    catalog = load_catalog(content)
    assert set(catalog.modules) == {FIRST, "old-module"}  # the dashboard still has it
    day = datetime.date
    assert set(catalog.available(day(2026, 1, 31))) == {FIRST, "old-module"}
    assert set(catalog.available(day(2026, 2, 1))) == {FIRST}


def test_a_completion_rule_asking_for_a_section_the_module_lacks_is_reported(content):
    def change(data: dict) -> None:
        del data["poll"]
        data["completion"] = ["article", "post_test", "poll"]

    edit_module(content, change)
    (msg,) = messages(content)
    assert "completion requires poll, which the module lacks" in msg
    edit_module(content, lambda d: d.update(completion=["article", "no_such_step"]))
    assert any("completion.1" in m for m in messages(content))
