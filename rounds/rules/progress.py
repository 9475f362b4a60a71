"""Where a participant stands in a module, read from stored rows only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rounds.content.schema import Module
from rounds.rules.quiz import Score, best, is_passing

if TYPE_CHECKING:
    from rounds.store.standing import Standing

ARTICLE_OPENED = "article_opened"
COMPLETED = "completed"


def poll_id(module: Module) -> str:
    """Return the stored id of a module's poll."""
    return f"{module.slug}/{module.poll.key}" if module.poll else ""


@dataclass(frozen=True)
class Progress:
    """The steps of one module and whether each is done, with the rows they come from."""

    read_article: bool
    pre_done: bool
    best_post: Score | None
    passed: bool
    evaluated: bool
    voted: bool
    stored: Standing  # the learner's attempts, answers and votes, for the page to draw

    def steps(self) -> list[tuple[str, bool]]:
        """Return (step label, done) in the order a learner meets them."""
        return [
            ("HCP confirmation", True),
            ("Article", self.read_article),
            ("Self-assessment", self.passed),
            ("Evaluation", self.evaluated),
            ("Poll", self.voted),
        ]

    @property
    def complete(self) -> bool:
        """Tell whether the module is completed: post-test passed and evaluation submitted."""
        return self.passed and self.evaluated


def progress_of(module: Module, facts: Standing) -> Progress:
    """Return where a participant stands in a module, from their stored rows (`facts`)."""
    total = len(module.quiz.questions) if module.quiz else 0
    top = best([Score(c, total) for c in facts.scores("post")])
    pass_mark = module.quiz.pass_mark if module.quiz else 1.0
    return Progress(
        read_article=ARTICLE_OPENED in facts.event_kinds,
        pre_done=bool(facts.scores("pre")),
        best_post=top,
        passed=top is not None and is_passing(top, pass_mark),
        evaluated=bool(facts.evaluation) or module.evaluation is None,
        voted=module.poll is None or bool(facts.votes),
        stored=facts,
    )
