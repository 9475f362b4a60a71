"""The educator dashboard's data: plain functions from stored rows to pandas frames.

Every function takes an engine, a content `Module` and `Filters` (time range, poll round,
simulated rows or not) and aggregates in SQL, never one query per participant. Drawing the
frames is the pages' business; nothing here imports Streamlit.
"""

from rounds.store.analytics.evaluation import (
    commitment_of,
    commitment_to_change,
    evaluation_summary,
)
from rounds.store.analytics.export import aggregate_views, deidentified_rows
from rounds.store.analytics.learning import funnel, question_gain, score_distribution
from rounds.store.analytics.paired import paired_gain
from rounds.store.analytics.poll import (
    BURST,
    MIN_GROUP,
    arrival_peaks,
    merged_label,
    poll_by_profession,
    poll_by_round,
    profession_labels,
    votes_over_time,
)
from rounds.store.analytics.query import EVERYTHING, Filters
from rounds.store.analytics.room import room_gain

__all__ = [
    "BURST",
    "EVERYTHING",
    "MIN_GROUP",
    "Filters",
    "aggregate_views",
    "arrival_peaks",
    "commitment_of",
    "commitment_to_change",
    "deidentified_rows",
    "evaluation_summary",
    "funnel",
    "merged_label",
    "paired_gain",
    "poll_by_profession",
    "poll_by_round",
    "profession_labels",
    "question_gain",
    "room_gain",
    "score_distribution",
    "votes_over_time",
]
