"""A meeting session: the module's sequence of live items, which one is live, what comes next.

Each item (a knowledge check or the opinion poll) is run like a poll: rounds and votes under a
poll id of its own. Plain Python: the store says which item is live and which rounds of a check
were revealed; these functions say what that means.
"""

from __future__ import annotations

from dataclasses import dataclass

from rounds.content.schema import Choice, Module, Question
from rounds.content.session import CheckItem
from rounds.rules.lifecycle import PollState
from rounds.rules.progress import poll_id

PHASE_LABELS = {"pre": "before the talk", "post": "after the talk"}


@dataclass(frozen=True)
class Item:
    """One item of a session, with the poll id its rounds and votes are stored under."""

    index: int
    poll_id: str
    question: str  # the text the room answers
    options: tuple[Choice, ...]  # option keys and labels, in content order
    check: Question | None = None  # the self-assessment question, for a knowledge check
    phase: str | None = None  # "pre", "post" or None

    @property
    def is_check(self) -> bool:
        """Tell whether the item is a knowledge check (it has a correct answer to reveal)."""
        return self.check is not None

    @property
    def title(self) -> str:
        """Return a short name for the item in the educator's list."""
        if self.check is None:
            return "Opinion poll"
        when = PHASE_LABELS.get(self.phase or "", "")
        return f"Knowledge check{f' ({when})' if when else ''}"


def check_poll_id(slug: str, question: str, phase: str | None) -> str:
    """Return the stored poll id of a knowledge check run in a session."""
    return f"{slug}/check/{question}/{phase or 'live'}"


def items(module: Module) -> list[Item]:
    """Return the module's session items in order (empty if the module declares no session)."""
    if module.session is None:
        return []
    found = []
    questions = {q.key: q for q in module.quiz.questions} if module.quiz else {}
    for n, entry in enumerate(module.session.items):
        if isinstance(entry, CheckItem):
            q = questions[entry.check]
            phase = entry.phase.value if entry.phase else None
            found.append(
                Item(
                    index=n,
                    poll_id=check_poll_id(module.slug, q.key, phase),
                    question=q.prompt,
                    options=tuple(Choice(key=o.key, label=o.text) for o in q.options),
                    check=q,
                    phase=phase,
                )
            )
        else:
            poll = module.poll
            found.append(Item(n, poll_id(module), poll.question, tuple(poll.options), None, None))
    return found


def find(module: Module, item_id: str | None) -> Item | None:
    """Return the session item stored under `item_id`, or None (no session, or not an item)."""
    return next((i for i in items(module) if i.poll_id == item_id), None)


def poll_item(module: Module) -> Item | None:
    """Return the module's opinion poll as an item (None if the module has no poll)."""
    if module.poll is None:
        return None
    return Item(-1, poll_id(module), module.poll.question, tuple(module.poll.options))


def shown_item(module: Module, live_id: str | None) -> Item | None:
    """Return what a phone shows: the live item, or the module's poll when none is live."""
    return find(module, live_id) or poll_item(module)


def next_item(module: Module, live_id: str | None) -> Item | None:
    """Return the item after the live one (the first if none is live; None after the last)."""
    sequence = items(module)
    live = find(module, live_id)
    at = 0 if live is None else live.index + 1
    return sequence[at] if at < len(sequence) else None


def opens_when_live(state: PollState, revealed: bool) -> bool:
    """Tell whether going live on an item opens its round for votes.

    A revealed check stays closed: answers changed after the answer was shown would not count.
    """
    return state is not PollState.open and not revealed


def check_results_visible(has_voted: bool, revealed: bool, closed: bool) -> bool:
    """Tell whether a phone may see a check's results: once revealed (or closed, to a voter).

    Before the reveal the room's spread would tell the undecided what the others think is right.
    """
    return revealed or (closed and has_voted)


@dataclass(frozen=True)
class CheckResult:
    """How the room answered a knowledge check."""

    total: int
    correct: int

    @property
    def percent(self) -> float:
        """Return the share of right answers, one decimal (0 when nobody answered)."""
        return round(100 * self.correct / self.total, 1) if self.total else 0.0


def check_result(item: Item, counts: dict[str, int]) -> CheckResult:
    """Return how many answered the check and how many of them chose the correct option."""
    keys = {o.key for o in item.options}
    total = sum(int(n) for k, n in counts.items() if k in keys)
    return CheckResult(total, int(counts.get(item.check.correct, 0)) if item.check else 0)


def correct_option(item: Item) -> tuple[str, str, str] | None:
    """Return the correct option's key, text and explanation (None for the opinion poll)."""
    if item.check is None:
        return None
    option = next(o for o in item.check.options if o.key == item.check.correct)
    return option.key, option.text, option.explanation
