"""The content schema: what a module folder and the site file may say, strictly.

Every model forbids unknown fields, so a typo in a YAML key is an error, not a silent default.
Cross-field rules (a correct answer that is not an option, a key used twice, a source that is
not a reference) are checked here too, so every problem is reported in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, HttpUrl, model_validator

from rounds.content.base import Key, Slug, Strict, Text, require_unique, unique_keys
from rounds.content.session import Session

JOIN_CODE = re.compile(r"^[0-9]{4}$")


def _join_code(value: object) -> object:
    """Refuse a join code that is not exactly four digits written as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write the join code in quotes, e.g. join_code: "{value:04d}"')
    if isinstance(value, str) and not JOIN_CODE.match(value):
        raise ValueError(f"a join code is exactly 4 digits, not {value[:20]!r}")
    return value


# The short code a room types to join a module's poll (`/j/4821`); unique across the catalog.
JoinCode = Annotated[str | None, BeforeValidator(_join_code)]


# --- site ------------------------------------------------------------------------------------


class Link(Strict):
    label: Text
    url: HttpUrl


class Choice(Strict):
    key: Key
    label: Text


class Gate(Strict):
    version: Annotated[str, Field(min_length=1, max_length=40)]
    title: Text
    notice: Text
    attest_label: Text
    professions: Annotated[list[Choice], Field(min_length=1), unique_keys("profession key")]
    countries: list[Text] = Field(default_factory=list)
    patient_link: Link
    valid_days: int = Field(default=30, ge=1, le=365)


class Funder(Strict):
    name: Text
    level: Text


class Disclosure(Strict):
    statement: Text
    funders: list[Funder] = Field(min_length=1)
    influence: Text


class Support(Strict):
    title: Text
    text: Text
    link: Link


class Site(Strict):
    name: Text
    tagline: Text
    gate: Gate
    translation_notice: Text
    disclosure: Disclosure
    support: Support


# --- module ----------------------------------------------------------------------------------


# A search page lists whatever matches today; a reference must point at one work.
_SEARCH_PARAMS = {"term", "q", "query", "search", "searchterm", "keywords"}
_SEARCH_PATH = re.compile(r"/(search|esearch|results)(/|$)", re.I)


def is_search_url(url: str) -> bool:
    """Tell whether a URL is a search page (PubMed `?term=`, a `/search` path, `?q=`...)."""
    parsed = urlsplit(str(url))
    params = {name.lower() for name, _ in parse_qsl(parsed.query, keep_blank_values=True)}
    return bool(params & _SEARCH_PARAMS) or bool(_SEARCH_PATH.search(parsed.path))


def _not_a_search(url: HttpUrl) -> HttpUrl:
    if is_search_url(str(url)):
        raise ValueError(
            "is a search page, not a reference link: give the work's DOI or PMID, or the URL "
            "of the work itself"
        )
    return url


class Reference(Strict):
    """A cited work: its citation text, and the DOI and/or PMID that link to it."""

    key: Key
    text: Text
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,8}$")] | None = None
    url: Annotated[HttpUrl, AfterValidator(_not_a_search)] | None = None

    def links(self) -> list[tuple[str, str]]:
        """Return (label, URL) pairs: doi.org, PubMed, then any other URL."""
        found = []
        if self.doi:
            found.append((f"doi:{self.doi}", f"https://doi.org/{self.doi}"))
        if self.pmid:
            found.append((f"PMID {self.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"))
        if self.url:
            found.append(("Link", str(self.url)))
        return found


class Contributor(Strict):
    """An author, faculty member or planner, with their disclosure ("None" if none)."""

    name: Text
    role: Text
    disclosure: Text


class AccreditationStatus(StrEnum):
    accredited = "accredited"
    not_accredited = "not_accredited"


class Accreditation(Strict):
    """Whether the activity carries credit; if it does, the statement and credit designation."""

    status: AccreditationStatus
    statement: Text
    credit_designation: Text | None = None

    @model_validator(mode="after")
    def _designation_matches_status(self) -> Accreditation:
        accredited = self.status is AccreditationStatus.accredited
        if accredited and not self.credit_designation:
            raise ValueError("an accredited activity needs its credit_designation")
        if not accredited and self.credit_designation:
            raise ValueError("a credit_designation is only for an accredited activity")
        return self

    @property
    def is_accredited(self) -> bool:
        """Tell whether the activity carries credit."""
        return self.status is AccreditationStatus.accredited


class CommercialSupport(Strict):
    """Which funders supported this activity (may be none), said in a statement."""

    statement: Text
    supporters: list[Text] = Field(default_factory=list)


class KeyPoint(Strict):
    """A Key data item; `off_label` says how a use it mentions departs from the label."""

    text: Text
    off_label: Text | None = None


# The page says whether an answer is right; an explanation that says it again reads twice
# ("Correct. Correct. ...") and, under the wrong answer's feedback, contradicts it.
_VERDICT = re.compile(r"^\s*(correct|incorrect|right|wrong|not quite|true|false)\s*[.!:;,\-]", re.I)


def _no_verdict(explanation: str) -> str:
    if found := _VERDICT.match(explanation):
        raise ValueError(
            f"starts with the verdict {found.group(0).strip()!r}: the page says whether the "
            "answer is right, so begin with the reason"
        )
    return explanation


class Option(Strict):
    key: Key
    text: Text
    explanation: Annotated[Text, AfterValidator(_no_verdict)]


class Question(Strict):
    key: Key
    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=6)
    correct: Key
    source: Key

    @model_validator(mode="after")
    def _correct_is_an_option(self) -> Question:
        keys = [o.key for o in self.options]
        require_unique(keys, "option key")
        if self.correct not in keys:
            raise ValueError(
                f"correct answer {self.correct!r} is not one of the options ({', '.join(keys)})"
            )
        return self


class Quiz(Strict):
    pass_mark: float = Field(default=0.7, gt=0, le=1)
    questions: Annotated[
        list[Question], Field(min_length=3, max_length=5), unique_keys("question key")
    ]


class Statement(Strict):
    """An evaluation statement, answered on the agreement scale or with its `extra` answer."""

    key: Key
    text: Text
    extra: Choice | None = None  # e.g. "I already do this", beside the scale


class Evaluation(Strict):
    statements: Annotated[
        list[Statement], Field(min_length=1, max_length=10), unique_keys("statement key")
    ]


class ResultsVisibility(StrEnum):
    always = "always"
    after_voting = "after_voting"
    after_close = "after_close"


class Evidence(Strict):
    """A cited fact beside the poll; `off_label` says how a use it mentions leaves the label."""

    text: Text
    source: Key
    off_label: Text | None = None


class Poll(Strict):
    key: Key
    question: Text
    options: Annotated[list[Choice], Field(min_length=2, max_length=7), unique_keys("option key")]
    results_visibility: ResultsVisibility = ResultsVisibility.after_voting
    evidence: list[Evidence] = Field(default_factory=list, max_length=8)


class Requirement(StrEnum):
    """A step the module's completion (and certificate) requires."""

    article = "article"  # the article opened
    post_test = "post_test"  # the self-assessment after reading passed
    evaluation = "evaluation"  # the evaluation submitted
    poll = "poll"  # a vote in the opinion poll


DEFAULT_COMPLETION = (Requirement.article, Requirement.post_test, Requirement.evaluation)


class Module(Strict):
    slug: Slug
    join_code: JoinCode = None
    title: Text
    published: dt.date  # the release date
    reviewed: dt.date  # the last review of the content against its sources
    expires: dt.date  # after this date learners no longer find it in the catalog
    learning_objective: Text
    estimated_minutes: int = Field(ge=1, le=600)
    article: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+\.md$")] = "article.md"
    accreditation: Accreditation
    faculty: list[Contributor] = Field(min_length=1)
    planners: list[Contributor] = Field(min_length=1)
    commercial_support: CommercialSupport
    disclosures: list[Text] = Field(default_factory=list)
    key_data: list[KeyPoint | Text] = Field(min_length=1)
    key_learning: Text
    references: list[Reference] = Field(min_length=1)
    quiz: Quiz | None = None
    evaluation: Evaluation | None = None
    poll: Poll | None = None
    session: Session | None = None  # the sequence an educator runs live in a meeting
    # What completing the module takes: the certificate is offered only once all are done.
    completion: list[Requirement] = Field(
        default_factory=lambda: [
            Requirement.article,
            Requirement.post_test,
            Requirement.evaluation,
        ],
        min_length=1,
    )

    @model_validator(mode="after")
    def _completion_needs_its_sections(self) -> Module:
        sections = {
            Requirement.post_test: self.quiz,
            Requirement.evaluation: self.evaluation,
            Requirement.poll: self.poll,
        }
        lacking = [r.value for r in self.completion if r in sections and sections[r] is None]
        if lacking:
            raise ValueError(f"completion requires {', '.join(lacking)}, which the module lacks")
        require_unique([r.value for r in self.completion], "completion step")
        return self

    @model_validator(mode="after")
    def _session_matches_content(self) -> Module:
        if self.session and (found := self.session.problems(self.quiz, self.poll)):
            raise ValueError("session " + "; session ".join(found))
        return self

    @model_validator(mode="after")
    def _dates_in_order(self) -> Module:
        if self.reviewed < self.published:
            raise ValueError(f"reviewed ({self.reviewed}) is before published ({self.published})")
        if self.expires <= self.reviewed:
            raise ValueError(f"expires ({self.expires}) is not after reviewed ({self.reviewed})")
        return self

    @model_validator(mode="after")
    def _sources_are_references(self) -> Module:
        keys = [r.key for r in self.references]
        require_unique(keys, "reference key")
        cited = []
        if self.quiz:
            cited += [(f"quiz question {q.key!r}", q.source) for q in self.quiz.questions]
        if self.poll:
            cited += [
                (f"poll evidence {i + 1}", e.source) for i, e in enumerate(self.poll.evidence)
            ]
        unknown = [f"{where} cites {src!r}" for where, src in cited if src not in keys]
        if unknown:
            raise ValueError(f"unknown reference: {'; '.join(unknown)}")
        return self

    def is_expired(self, today: dt.date) -> bool:
        """Tell whether the activity has passed its expiry date (it expires at the day's end)."""
        return today > self.expires

    def key_points(self) -> list[KeyPoint]:
        """Return the Key data items, plain strings as points without an off-label note."""
        return [p if isinstance(p, KeyPoint) else KeyPoint(text=p) for p in self.key_data]

    def reference_number(self, key: str) -> int:
        """Return the 1-based number under which a reference is listed."""
        return [r.key for r in self.references].index(key) + 1
