"""The learning gain of the same people: each participant's first pre-test against their best
post-test, over those who finished both (a gain between different groups means little)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from rounds.content.schema import Module
from rounds.rules.quiz import question_set
from rounds.store.analytics.filters import EVERYTHING, Filters, finished_attempts, reading
from rounds.store.tables import participants, quiz_attempts

PAIRED_COLUMNS = ["question_key", "prompt", "n", "pre_pct_correct", "post_pct_correct", "gain"]


def _attempts(engine: Engine, module: Module, filters: Filters) -> dict[str, dict]:
    """Return {participant: {"pre": (id, mask), "post": (correct, id, mask)}}: first and best.

    Only attempts at the quiz's current questions count (their stored mask says which were
    right); simulated participants only when the filters ask for them.
    """
    fingerprint = question_set(q.key for q in module.quiz.questions)
    found: dict[str, dict] = {}
    with reading(engine) as conn:
        for phase in ("pre", "post"):
            query = (
                select(
                    quiz_attempts.c.participant_id,
                    quiz_attempts.c.id,
                    quiz_attempts.c.correct,
                    quiz_attempts.c.correct_mask,
                )
                .join(participants, participants.c.id == quiz_attempts.c.participant_id)
                .where(
                    *finished_attempts(module, phase, filters),
                    quiz_attempts.c.question_set == fingerprint,
                    quiz_attempts.c.correct_mask.is_not(None),
                )
            )
            if not filters.include_simulated:
                query = query.where(participants.c.simulated.is_(False))
            for pid, attempt, correct, mask in conn.execute(query):
                mine = found.setdefault(pid, {})
                if phase == "pre":
                    if "pre" not in mine or attempt < mine["pre"][0]:
                        mine["pre"] = (attempt, int(mask))
                elif "post" not in mine or (correct, attempt) > mine["post"][:2]:
                    mine["post"] = (correct, attempt, int(mask))
    return {pid: mine for pid, mine in found.items() if len(mine) == 2}


def paired_gain(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Return the paired gain: one row for the whole test (`question_key` None), then one per
    question; `n` participants who finished both, % correct before and after, gain in points.
    """
    if module.quiz is None:
        return pd.DataFrame(columns=PAIRED_COLUMNS)
    pairs = list(_attempts(engine, module, filters).values())
    questions = module.quiz.questions
    bits = {key: bit for bit, key in enumerate(sorted(q.key for q in questions))}
    n = len(pairs)

    def share(phase: str, keys: list[str]) -> float | None:
        if not n:
            return None
        mask_at = 1 if phase == "pre" else 2
        right = sum((pair[phase][mask_at] >> bits[key]) & 1 for pair in pairs for key in keys)
        return 100 * right / (n * len(keys))

    rows = []
    for key, prompt in [(None, "Whole test"), *((q.key, q.prompt) for q in questions)]:
        keys = [key] if key else list(bits)
        before, after = share("pre", keys), share("post", keys)
        if before is None:
            rows.append([key, prompt, n, None, None, None])
        else:  # the gain from the unrounded shares
            rows.append(
                [key, prompt, n, round(before, 1), round(after, 1), round(after - before, 1)]
            )
    frame = pd.DataFrame(rows, columns=PAIRED_COLUMNS)
    return frame.astype(object).where(frame.notna(), None)
