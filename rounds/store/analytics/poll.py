"""The poll for educators: results per round, per profession (small groups merged), over time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import BigInteger, Engine, case, cast, extract, func, literal_column, select

from rounds.content.schema import Gate, Module
from rounds.rules.progress import poll_id
from rounds.rules.tallies import poll_results
from rounds.store.analytics.filters import EVERYTHING, Filters, Who, counted_votes, reading, tally
from rounds.store.tables import attestations, participants, poll_rounds, votes

MIN_GROUP = 5  # a profession with fewer voters than this is merged, so nobody stands out
ROUND_COLUMNS = ["round", "simulated", "archived", "option_key", "label", "count", "percent"]
PROFESSION_COLUMNS = ["profession", "option_key", "label", "count", "percent", "n"]
OVER_TIME_COLUMNS = ["bucket_start", "votes"]


def profession_labels(gate: Gate) -> dict[str, str]:
    """Return {profession key: label} from the site's HCP gate, in the gate's order."""
    return {choice.key: choice.label for choice in gate.professions}


def merged_label(min_group: int) -> str:
    """Return the name of the group that gathers professions with too few voters."""
    # Never "Other ...": the gate has a profession "Other healthcare professional".
    return f"Fewer than {min_group} each: merged"


def _results(module: Module, counts: Mapping[str, int]) -> pd.DataFrame:
    return poll_results(module.poll.options, dict(counts)).rename(columns={"key": "option_key"})


def poll_by_round(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Return each round's results: one row per option in content order, rounds oldest first.

    Only rounds with at least one counted vote appear; `percent` is within the round. Votes
    for options no longer in the content are not shown (as on the learners' results).
    """
    if module.poll is None:
        return pd.DataFrame(columns=ROUND_COLUMNS)
    poll = poll_id(module)

    def counts(who: Who):
        return (
            select(votes.c.round, votes.c.option_key, func.count())
            .where(*counted_votes(module, filters, who))
            .group_by(votes.c.round, votes.c.option_key)
        )

    rounds = select(poll_rounds.c.round, poll_rounds.c.simulated, poll_rounds.c.archived_at).where(
        poll_rounds.c.poll_id == poll
    )
    with reading(engine) as conn:
        per_round: dict[int, dict[str, int]] = defaultdict(dict)
        for (number, option_key), (n,) in tally(conn, counts, filters, keys=2).items():
            per_round[number][option_key] = n
        stored = {
            r.round: (bool(r.simulated), r.archived_at is not None) for r in conn.execute(rounds)
        }
    frames = []
    for number in sorted(per_round):
        simulated, archived = stored.get(number, (False, False))  # round 1 may never be stored
        frame = _results(module, per_round[number])
        frame.insert(0, "round", number)
        frame.insert(1, "simulated", simulated)
        frame.insert(2, "archived", archived)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=ROUND_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ROUND_COLUMNS]


def latest_attestations():
    """Select (participant_id, id) of each participant's most recent attestation."""
    return (
        select(attestations.c.participant_id, func.max(attestations.c.id).label("id"))
        .group_by(attestations.c.participant_id)
        .subquery()
    )


def _size(group: tuple[str, Mapping[str | None, int]]) -> int:
    """Return the number of voters in a (name, {option: votes}) group."""
    return sum(group[1].values())


def poll_by_profession(
    engine: Engine,
    module: Module,
    filters: Filters = EVERYTHING,
    min_group: int = MIN_GROUP,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return the results per profession, merging and hiding groups too small to be anonymous.

    Each voter counts once, with their vote in the latest round they voted in (within the
    filters), under the profession of their latest attestation. Professions with fewer than
    `min_group` voters are merged into one "Fewer than N each: merged" group, shown last.
    While that group is still under `min_group`, the smallest shown profession joins it too:
    leaving it out would not do, since the total less the groups shown would reveal it. So
    every shown group has at least `min_group` voters and the groups add up to every voter,
    or nothing is shown when there are fewer than `min_group` voters in all. A vote without
    any attestation (which the gate prevents) is not counted here. `labels` maps profession
    keys to the names shown (see `profession_labels`); groups follow its order.
    """
    if module.poll is None:
        return pd.DataFrame(columns=PROFESSION_COLUMNS)
    labels = dict(labels or {})
    options = [o.key for o in module.poll.options]
    width = len(options) + 1  # an option's place in the content; `len(options)`: no longer there
    place = case(
        {key: i for i, key in enumerate(options)}, value=votes.c.option_key, else_=len(options)
    )

    def query(who: Who):
        profession = (  # of the voter's latest attestation, read from the index backwards
            select(attestations.c.profession)
            .where(attestations.c.participant_id == votes.c.participant_id)
            .order_by(attestations.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        voters = (  # one row per voter: the latest round's option in the last digit, one pass
            select(
                func.max(votes.c.round * width + place).label("latest"),
                profession.label("profession"),
            )
            .where(*counted_votes(module, filters, who))
            .group_by(votes.c.participant_id)
            .subquery()
        )
        option = (voters.c.latest % width).label("option")
        return select(voters.c.profession, option, func.count()).group_by(
            voters.c.profession, option
        )

    per_group: dict[str, dict[str | None, int]] = defaultdict(dict)
    with reading(engine) as conn:
        for (profession, at), (n,) in tally(conn, query, filters, keys=2).items():
            if profession is not None:
                per_group[profession][options[at] if at < len(options) else None] = n
    order = [k for k in labels if k in per_group] + sorted(set(per_group) - set(labels))
    groups = [(labels.get(key, key), per_group[key]) for key in order]
    shown = [group for group in groups if _size(group) >= min_group]
    small = [group for group in groups if _size(group) < min_group]
    # Hiding a small remainder would not hide it: the round's total, shown beside, less the
    # groups shown gives it back. So the smallest shown groups join it until it is big enough.
    while small and shown and sum(map(_size, small)) < min_group:
        smallest = min(shown, key=_size)
        shown.remove(smallest)
        small.append(smallest)
    if small and sum(map(_size, small)) >= min_group:
        merged: dict[str | None, int] = defaultdict(int)
        for _, counts in small:
            for option_key, n in counts.items():
                merged[option_key] += n
        shown.append((merged_label(min_group), merged))
    frames = []
    for name, counts in shown:
        frame = _results(module, counts)
        frame.insert(0, "profession", name)
        frame["n"] = sum(counts.values())
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=PROFESSION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[PROFESSION_COLUMNS]


def _epoch_bucket(dialect: str, column, seconds: int):
    """Return the start of the `seconds`-long bucket holding a timestamp, in epoch seconds."""
    if dialect == "sqlite":
        epoch = cast(func.strftime("%s", column), BigInteger)
    else:
        epoch = cast(func.floor(extract("epoch", column)), BigInteger)
    # A literal, not a bound parameter: PostgreSQL must see the same expression in GROUP BY.
    width = literal_column(str(int(seconds)), BigInteger)
    return (epoch // width * width).label("bucket")


def votes_over_time(
    engine: Engine, module: Module, filters: Filters = EVERYTHING, bucket_seconds: int = 60
) -> pd.DataFrame:
    """Count votes first cast in each time bucket (UTC, aligned on the epoch), oldest first.

    Buckets without votes are absent. A changed vote stays in the bucket it was first cast in.
    """
    if bucket_seconds < 1:
        raise ValueError("bucket_seconds must be at least 1")
    if module.poll is None:
        return pd.DataFrame(columns=OVER_TIME_COLUMNS)
    bucket = _epoch_bucket(engine.dialect.name, votes.c.created_at, int(bucket_seconds))

    def query(who: Who):
        return (
            select(bucket, func.count())
            .where(*counted_votes(module, filters, who))
            .group_by(bucket)
        )

    with reading(engine) as conn:
        found = tally(conn, query, filters)
    starts = sorted(found)
    return pd.DataFrame(
        {
            "bucket_start": pd.to_datetime([int(b) for (b,) in starts], unit="s", utc=True),
            "votes": [found[b][0] for b in starts],
        },
        columns=OVER_TIME_COLUMNS,
    )


BURST = 100  # new participants voting in one round who first appeared within the same minute


def arrival_peaks(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> dict[int, tuple]:
    """Return {round: (voters, start of the minute)} where many voters of a round were new at once.

    A round is listed when at least `BURST` of its voters first appeared (passed the HCP gate)
    within one minute. A real room can do that; so can a script minting participants (the gate
    limits new ones per address, but a room behind one network must still get in): the
    dashboard shows it so the educator can compare it with the room's size.
    """
    if module.poll is None:
        return {}
    bucket = _epoch_bucket(engine.dialect.name, participants.c.created_at, 60)
    query = (
        select(votes.c.round, bucket, func.count())
        .join(participants, participants.c.id == votes.c.participant_id)
        .where(*counted_votes(module, filters), participants.c.simulated.is_(False))
        .group_by(votes.c.round, bucket)
    )
    peaks: dict[int, tuple] = {}
    with reading(engine) as conn:
        for number, start, n in conn.execute(query):
            if n >= BURST and n > peaks.get(number, (0,))[0]:
                peaks[number] = (int(n), pd.Timestamp(int(start), unit="s", tz="UTC"))
    return peaks
