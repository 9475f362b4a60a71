"""Assemble the outcomes report of a module from the dashboard's aggregates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from rounds.content.schema import Module, Site
from rounds.documents.report import Outcomes
from rounds.store.analytics.evaluation import commitment_to_change, evaluation_summary
from rounds.store.analytics.learning import funnel, question_gain, score_distribution
from rounds.store.analytics.poll import poll_by_round
from rounds.store.analytics.query import Filters
from rounds.store.analytics.room import room_gain

if TYPE_CHECKING:
    from rounds.store.engine import Engine


def mean_score(scores: pd.DataFrame, phase: str) -> float | None:
    """Return the participant-weighted mean score of a phase, or None if nobody took it."""
    part = scores[scores["phase"] == phase]
    total = int(part["participants"].sum())
    if total == 0:
        return None
    return round(float((part["score_pct"] * part["participants"]).sum()) / total, 1)


def pass_rate(steps: pd.DataFrame) -> float | None:
    """Return passed / took the post-test, in percent, from the funnel."""
    counts = dict(zip(steps["step"], steps["participants"], strict=True))
    took = counts.get("post-test", 0)
    return round(100 * counts.get("passed", 0) / took, 1) if took else None


def period_text(filters: Filters) -> str:
    """Say the reporting period in words."""
    if filters.since is None and filters.until is None:
        return "all time"
    start = f"{filters.since:%d %b %Y}" if filters.since else "the start"
    end = f"{filters.until:%d %b %Y}" if filters.until else "today"
    return f"{start} to {end}"


def selection_text(filters: Filters) -> str:
    """Say what narrows the figures besides the period (a poll round, rehearsals), or ""."""
    parts = [] if filters.round is None else [f"poll round {filters.round} only"]
    if filters.include_simulated:
        parts.append("rehearsal rounds and simulated participants included")
    return "; ".join(parts)


def build_outcomes(engine: Engine, module: Module, site: Site, filters: Filters) -> Outcomes:
    """Gather participation, satisfaction, learning, commitment and the poll for the report.

    The poll summary gives every round with votes in the selection, oldest first.
    """
    steps = funnel(engine, module, filters)
    scores = score_distribution(engine, module, filters)
    rounds = poll_by_round(engine, module, filters)
    return Outcomes(
        module_title=module.title,
        published=module.published,
        learning_objective=module.learning_objective,
        period=period_text(filters),
        funnel=steps,
        evaluation=evaluation_summary(engine, module, filters),
        commitment=commitment_to_change(engine, module, filters),
        pre_mean_pct=mean_score(scores, "pre"),
        post_mean_pct=mean_score(scores, "post"),
        pass_rate_pct=pass_rate(steps),
        question_gain=question_gain(engine, module, filters),
        poll_question=module.poll.question if module.poll else None,
        poll=rounds[["round", "simulated", "label", "count", "percent"]] if module.poll else None,
        disclosures=list(module.disclosures),
        funders=[(f.name, f.level) for f in site.disclosure.funders],
        funder_statement=site.disclosure.influence,
        site_name=site.name,
        generated_on=dt.date.today(),
        selection=selection_text(filters),
        reviewed=module.reviewed,
        expires=module.expires,
        accreditation=module.accreditation.statement,
        credit_designation=module.accreditation.credit_designation,
        faculty=[(p.name, p.role, p.disclosure) for p in module.faculty],
        planners=[(p.name, p.role, p.disclosure) for p in module.planners],
        commercial_support=module.commercial_support.statement,
        supporters=list(module.commercial_support.supporters),
        room_gain=room_gain(engine, module, filters) if module.session else None,
    )
