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

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
Text = Annotated[str, Field(min_length=1, max_length=5000)]


class Strict(BaseModel):
    """Base for content models: unknown fields are rejected and the models are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _duplicates(keys: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({k for k in keys if k in seen or seen.add(k)})


def _require_unique(keys: list[str], what: str) -> None:
    dupes = _duplicates(keys)
    if dupes:
        raise ValueError(f"{what} used more than once: {', '.join(dupes)}")


def unique_keys(what: str) -> AfterValidator:
    """Return a validator that rejects a list whose items' `key`s repeat."""

    def check(items: list) -> list:
        _require_unique([item.key for item in items], what)
        return items

    return AfterValidator(check)


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


class Reference(Strict):
    key: Key
    text: Text
    url: HttpUrl


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
        _require_unique(keys, "option key")
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
    key: Key
    text: Text


class Evaluation(Strict):
    statements: Annotated[
        list[Statement], Field(min_length=1, max_length=10), unique_keys("statement key")
    ]


class ResultsVisibility(StrEnum):
    always = "always"
    after_voting = "after_voting"
    after_close = "after_close"


class Evidence(Strict):
    text: Text
    source: Key


class Poll(Strict):
    key: Key
    question: Text
    options: Annotated[list[Choice], Field(min_length=2, max_length=7), unique_keys("option key")]
    results_visibility: ResultsVisibility = ResultsVisibility.after_voting
    evidence: list[Evidence] = Field(default_factory=list, max_length=3)


class Module(Strict):
    slug: Slug
    title: Text
    published: dt.date
    learning_objective: Text
    estimated_minutes: int = Field(ge=1, le=600)
    article: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+\.md$")] = "article.md"
    disclosures: list[Text] = Field(default_factory=list)
    key_data: list[Text] = Field(min_length=1)
    key_learning: Text
    references: list[Reference] = Field(min_length=1)
    quiz: Quiz | None = None
    evaluation: Evaluation | None = None
    poll: Poll | None = None

    @model_validator(mode="after")
    def _sources_are_references(self) -> Module:
        keys = [r.key for r in self.references]
        _require_unique(keys, "reference key")
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

    def reference_number(self, key: str) -> int:
        """Return the 1-based number under which a reference is listed."""
        return [r.key for r in self.references].index(key) + 1
