"""The database tables. Rows are per participant; every aggregate is computed from them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)

metadata = MetaData()

ID = String(36)  # an anonymous participant id (uuid4 hex)
KEY = String(64)  # a stable key from content (option, question, statement)
SLUG = String(80)  # a module slug

participants = Table(
    "participants",
    metadata,
    Column("id", ID, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Synthetic participants of a rehearsal round (version 2); never counted as real learners.
    Column("simulated", Boolean, nullable=False, server_default=false()),
    # Version 3: the few simulated ones, found without reading every participant.
    Index(
        "ix_participants_simulated",
        "id",
        sqlite_where=text("simulated = 1"),
        postgresql_where=text("simulated"),
    ),
)

attestations = Table(
    "attestations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("participant_id", ID, ForeignKey("participants.id"), nullable=False),
    Column("attested_at", DateTime(timezone=True), nullable=False),
    Column("text_version", String(40), nullable=False),
    Column("profession", KEY, nullable=False),
    Column("country", String(100)),
    # Version 3 (replacing one on participant_id alone): each participant's attestations in
    # order, with when and as what, read from the index alone.
    # Version 4 widened it (and `ix_quiz_attempts_scores`) and added `ix_votes_round`.
    Index("ix_attestations_participant", "participant_id", "id", "attested_at", "profession"),
)

votes = Table(
    "votes",
    metadata,
    Column("poll_id", String(160), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("participant_id", ID, ForeignKey("participants.id"), primary_key=True),
    Column("option_key", KEY, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Version 3: each voter's rounds in order, and each round's options in order, with what
    # the dashboard and the live tally read (no table lookups).
    Index("ix_votes_participant", "poll_id", "participant_id", "round", "option_key", "created_at"),
    Index("ix_votes_round", "poll_id", "round", "option_key", "created_at", "participant_id"),
)

quiz_attempts = Table(
    "quiz_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("participant_id", ID, ForeignKey("participants.id"), nullable=False),
    Column("module", SLUG, nullable=False),
    Column("phase", String(8), nullable=False),  # "pre" or "post"
    Column("seed", Integer, nullable=False),  # shuffles the options of this attempt
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    # Version 3, stored when the attempt finishes (NULL before; see
    # `rounds.rules.quiz.stored_result`): its number of right answers, a fingerprint of the
    # questions answered and which of them were right, so that the dashboard reads one row per
    # attempt instead of its answers.
    Column("correct", Integer),
    Column("question_set", BigInteger),
    Column("correct_mask", BigInteger),
    Index("ix_quiz_attempts_participant", "participant_id", "module", "phase"),
    Index(  # version 3: per module and phase, each participant's attempts and results
        "ix_quiz_attempts_scores",
        "module",
        "phase",
        "participant_id",
        "finished_at",
        "correct",
        "question_set",
        "correct_mask",
        "id",  # in the index itself for PostgreSQL (SQLite keeps it in every index anyway)
    ),
)


quiz_answers = Table(
    "quiz_answers",
    metadata,
    Column("attempt_id", Integer, ForeignKey("quiz_attempts.id"), primary_key=True),
    Column("question_key", KEY, primary_key=True),
    Column("option_key", KEY, nullable=False),
    Column("is_correct", Boolean, nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    # Version 3: the answers to each question, right and wrong apart, in one ordered range.
    Index("ix_quiz_answers_question", "question_key", "is_correct", "attempt_id"),
)

evaluation_answers = Table(
    "evaluation_answers",
    metadata,
    Column("module", SLUG, primary_key=True),
    Column("participant_id", ID, ForeignKey("participants.id"), primary_key=True),
    Column("statement_key", KEY, primary_key=True),
    Column("value", Integer),  # 1..5 on the agreement scale; NULL means explicitly skipped
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Index(  # version 3: who answered when, from the index alone
        "ix_evaluation_answers_participant", "module", "participant_id", "answered_at"
    ),
    Index(  # version 3: the spread per statement, read from the index alone
        "ix_evaluation_answers_summary",
        "module",
        "statement_key",
        "value",
        "answered_at",
        "participant_id",
    ),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("participant_id", ID, ForeignKey("participants.id"), nullable=False),
    Column("module", SLUG, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_events_participant_module", "participant_id", "module"),
    Index(  # version 3: who had each kind of event in a module, in participant order
        "ix_events_module_kind", "module", "kind", "participant_id", "at"
    ),
)

# Version 2: a poll runs in rounds (one per meeting session); a round is draft, open or closed.
poll_rounds = Table(
    "poll_rounds",
    metadata,
    Column("poll_id", String(160), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("state", String(8), nullable=False),
    Column("simulated", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("opened_at", DateTime(timezone=True)),
    Column("closes_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("archived_at", DateTime(timezone=True)),
)


# Revision 0002: security state that every replica shares and no client can reset.
# Counted attempts per key (a sign-in session, a known device, a client address, everyone):
# `count` attempts since `first_at`, the latest at `last_at` (policies: `rounds.rules.educator`).
throttle = Table(
    "throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
)

# Single-use signed tokens (hand-offs to a cookie), by a digest of the token: a replay is refused.
used_tokens = Table(
    "used_tokens",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("used_at", DateTime(timezone=True), nullable=False),
    Index("ix_used_tokens_used_at", "used_at"),
)

# Educator sign-ins kept in a signed cookie: ended by signing out (the cookie then reads as none).
educator_sessions = Table(
    "educator_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)


# Revision 0003: issued certificates, so that an educator can check one by its id. No name: the
# learner's name is printed on the PDF only. One certificate per participant and module.
certificates = Table(
    "certificates",
    metadata,
    Column("id", String(16), primary_key=True),  # "RND-7KQ2-M9XD" (`rounds.rules.certificates`)
    Column("participant_id", ID, ForeignKey("participants.id"), nullable=False),
    Column("module", SLUG, nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "module", name="uq_certificates_participant_module"),
)

# Revision 0004: a module's meeting session. Which item of the content's sequence is live
# (its poll id; NULL once the session has ended), and since when.
meeting_sessions = Table(
    "meeting_sessions",
    metadata,
    Column("module", SLUG, primary_key=True),
    Column("live_item", String(160)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# A knowledge check's round whose correct answer the educator revealed (once per round).
check_reveals = Table(
    "check_reveals",
    metadata,
    Column("poll_id", String(160), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("revealed_at", DateTime(timezone=True), nullable=False),
)
