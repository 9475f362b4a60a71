"""The room's own learning gain in a meeting session: a knowledge check run before and after
the talk, paired on the participants who answered both (a gain between different groups of
people means little)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from rounds.content.schema import Module
from rounds.rules.session import items
from rounds.store.analytics.query import EVERYTHING, Filters, reading, within
from rounds.store.tables import participants, poll_rounds, votes

ROOM_COLUMNS = ["question_key", "prompt", "n", "pre_pct_correct", "post_pct_correct", "gain"]


def _answers(engine: Engine, poll_ids: list[str], filters: Filters) -> dict[str, dict[str, str]]:
    """Return {poll id: {participant: option}}, each participant's answer in the latest round.

    Rehearsal rounds and simulated participants are left out unless the filters ask for them.
    """
    query = (
        select(votes.c.poll_id, votes.c.participant_id, votes.c.round, votes.c.option_key)
        .join(participants, participants.c.id == votes.c.participant_id)
        .join(
            poll_rounds,
            (poll_rounds.c.poll_id == votes.c.poll_id) & (poll_rounds.c.round == votes.c.round),
            isouter=True,  # a check's round 1 may never have been stored (it opens by itself)
        )
        .where(votes.c.poll_id.in_(poll_ids), within(votes.c.created_at, filters))
        .order_by(votes.c.round)
    )
    if not filters.include_simulated:
        query = query.where(
            participants.c.simulated.is_(False), poll_rounds.c.simulated.is_not(True)
        )
    found: dict[str, dict[str, str]] = {p: {} for p in poll_ids}
    with reading(engine) as conn:
        for poll, pid, _round, option in conn.execute(query):
            found[poll][pid] = option  # rounds in order: the latest wins
    return found


def room_gain(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Return one row per check the session runs both before and after the talk: `n`
    participants who answered both, % correct before and after, and the gain in points.
    """
    runs: dict[str, dict[str, str]] = {}  # question key -> {"pre": poll id, "post": poll id}
    prompts = {}
    for item in items(module):
        if item.check is not None and item.phase:
            runs.setdefault(item.check.key, {})[item.phase] = item.poll_id
            prompts[item.check.key] = (item.check.prompt, item.check.correct)
    runs = {q: both for q, both in runs.items() if set(both) == {"pre", "post"}}
    if not runs:
        return pd.DataFrame(columns=ROOM_COLUMNS)
    answers = _answers(engine, [p for both in runs.values() for p in both.values()], filters)
    rows = []
    for question, both in runs.items():
        prompt, correct = prompts[question]
        before, after = answers[both["pre"]], answers[both["post"]]
        paired = sorted(set(before) & set(after))
        n = len(paired)
        if not n:
            rows.append([question, prompt, 0, None, None, None])
            continue
        pre = 100 * sum(before[p] == correct for p in paired) / n
        post = 100 * sum(after[p] == correct for p in paired) / n
        rows.append([question, prompt, n, round(pre, 1), round(post, 1), round(post - pre, 1)])
    frame = pd.DataFrame(rows, columns=ROOM_COLUMNS)
    return frame.astype(object).where(frame.notna(), None)
