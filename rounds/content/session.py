"""A module's meeting session in content: the questions an educator runs live, in order.

Self-assessment questions as live knowledge checks (before and after the talk) and the opinion
poll; `Session.problems` checks the sequence against the module's quiz and poll.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import Discriminator, Field, Tag, model_validator

from rounds.content.base import Key, Strict, require_unique

if TYPE_CHECKING:
    from rounds.content.schema import Poll, Quiz


class Phase(StrEnum):
    """When a live knowledge check runs in a session: before or after the talk."""

    pre = "pre"
    post = "post"


class CheckItem(Strict):
    """A session item: one self-assessment question answered live by the room."""

    check: Key  # a key of the module's quiz questions
    phase: Phase | None = None  # pre and post runs of one question give the room's gain


class PollItem(Strict):
    """A session item: the module's opinion poll."""

    poll: Key  # the module's poll key


def _item_kind(value: object) -> str | None:
    if isinstance(value, dict):
        return "check" if "check" in value else "poll" if "poll" in value else None
    return (
        "check" if isinstance(value, CheckItem) else "poll" if isinstance(value, PollItem) else None
    )


SessionItem = Annotated[
    Annotated[CheckItem, Tag("check")] | Annotated[PollItem, Tag("poll")],
    Discriminator(
        _item_kind,
        custom_error_type="session_item",
        custom_error_message="each item is either `check: <question key>` or `poll: <poll key>`",
    ),
]


class AfterSession(StrEnum):
    """What the module's poll does once the educator ends a session."""

    self_paced = "self_paced"  # a new round opens for self-paced learners (the room's is kept)
    closed = "closed"  # the poll stays closed; learners are told it has ended


class Session(Strict):
    """The questions an educator runs live in a meeting, in order."""

    items: list[SessionItem] = Field(min_length=1, max_length=20)
    after: AfterSession = AfterSession.self_paced

    @model_validator(mode="after")
    def _each_run_once(self) -> Session:
        runs = [
            f"check {i.check!r}" + (f" ({i.phase.value})" if i.phase else "")
            if isinstance(i, CheckItem)
            else f"poll {i.poll!r}"
            for i in self.items
        ]
        require_unique(runs, "session item")
        return self

    def problems(self, quiz: Quiz | None, poll: Poll | None) -> list[str]:
        """Return what in the sequence the module's quiz and poll do not allow (empty if fine)."""
        found = []
        if poll is None:
            found.append("needs the module's poll: phones follow a session on the poll's page")
        questions = {q.key for q in quiz.questions} if quiz else set()
        seen_pre: set[str] = set()
        for n, item in enumerate(self.items):
            where = f"items.{n}"
            if isinstance(item, PollItem):
                if poll is not None and item.poll != poll.key:
                    have = (
                        f"the module's poll is {poll.key!r}" if poll else "the module has no poll"
                    )
                    found.append(f"{where}: poll {item.poll!r} is not the module's poll ({have})")
                continue
            if item.check not in questions:
                have = ", ".join(sorted(questions)) or "the module has no self-assessment"
                found.append(
                    f"{where}: check {item.check!r} is not a self-assessment question ({have})"
                )
            if item.phase is Phase.pre:
                seen_pre.add(item.check)
            elif item.phase is Phase.post and item.check not in seen_pre:
                found.append(
                    f"{where}: check {item.check!r} runs post without a pre run before it "
                    "(the room's gain pairs the two)"
                )
        return found
