"""The educator dashboard's filters, sections (chart + same numbers as a table) and exports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import streamlit as st

from rounds import dashboard, resources
from rounds.content.schema import Module
from rounds.dashboard.outcomes import build_outcomes
from rounds.documents.csv_export import export_filename, to_csv_bytes, to_zip_bytes
from rounds.documents.report import outcomes_pdf
from rounds.figures import charts, dashboard_charts
from rounds.rules.evaluation import SCALE
from rounds.rules.progress import poll_id
from rounds.store.polls import all_rounds
from rounds.ui import dashboard_data
from rounds.ui.figure_component import draw_figure, figure_spec
from rounds.ui.tables import arrow_table


def _alt(what: str) -> str:
    return f"Chart: {what}. The same numbers are in the table below it."


def draw_filters(module: Module) -> dashboard.Filters:
    """Draw the date range, poll round and rehearsal filters; return the chosen filters."""
    # One row (a horizontal container, not columns: a block each) in a bordered box.
    with st.container(
        border=True, key="dash_filters", horizontal=True, vertical_alignment="bottom"
    ):
        picked = st.date_input(
            "Date range", value=(), key="dash_dates", format="DD/MM/YYYY", width=240
        )
        simulated = bool(st.session_state.get("dash_simulated", False))  # drawn last, below
        rounds = dashboard_data.shared(
            module,
            dashboard.EVERYTHING,
            "rounds",
            lambda: all_rounds(resources.engine(), poll_id(module)) if module.poll else [],
        )
        # A rehearsal round is offered only while rehearsals count: the views leave it out
        # otherwise, so choosing it would show nothing.
        labels = {None: "All rounds"} | {
            r.round: f"Round {r.round}{' (rehearsal)' if r.simulated else ''}"
            for r in rounds
            if simulated or not r.simulated
        }
        chosen = st.selectbox(
            "Poll round", list(labels), format_func=labels.get, key="dash_round", width=240
        )
        st.toggle("Include rehearsals", key="dash_simulated")
    since = until = None
    if isinstance(picked, tuple) and picked:
        since = dt.datetime.combine(picked[0], dt.time.min, dt.UTC)
        end = picked[1] if len(picked) > 1 else picked[0]
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, dt.UTC)
    return dashboard.Filters(since=since, until=until, round=chosen, include_simulated=simulated)


def _renamed(frame: pd.DataFrame, names: dict[str, str]) -> pa.Table:
    """Return the columns a table shows, under the names it shows them by, made for drawing."""
    return arrow_table(frame[list(names)].rename(columns=names))


def _table(table: pa.Table) -> None:
    st.dataframe(table, hide_index=True, width="stretch")


def draw_freshness(module: Module, filters: dashboard.Filters, view: str) -> None:
    """Say when the view's figures were read, on the button that reads them again now."""
    when = dashboard_data.read_at(module, filters, view)
    if when is None:
        return
    st.button(
        f"Refresh (figures read at {when:%H:%M:%S} UTC)",
        icon=":material/refresh:",
        help=f"The figures are kept for {dashboard_data.KEEP_S:.0f} s for everyone viewing "
        "this module; this reads them again now.",
        on_click=dashboard_data.refresh,
        args=(module,),
        key="dash_refresh",
    )


def _funnel(module: Module, filters: dashboard.Filters):
    steps = dashboard.funnel(resources.engine(), module, filters)
    # A dash, not "None", where there is no share or the step is not reached through another.
    shown = steps.assign(
        pct_of_attested=[_percent(v) for v in steps["pct_of_attested"]],
        conversion_pct=[
            f"{_percent(v)} of {base}" if pd.notna(v) else "—"
            for v, base in zip(steps["conversion_pct"], steps["from_step"], strict=True)
        ],
    ).drop(columns="from_step")
    names = {
        "step": "Step",
        "participants": "Participants",
        "pct_of_attested": "% of attested",
        "conversion_pct": "Conversion (only where one step leads to the other)",
    }
    chart = figure_spec(dashboard_charts.funnel_bar(steps), _alt("Participants per step"))
    return chart, _renamed(shown, names)


def _percent(value) -> str:
    return f"{value:g} %" if pd.notna(value) else "—"


def draw_funnel(module: Module, filters: dashboard.Filters) -> None:
    """Draw the funnel from attestation to certificate, each step as a share of those attested."""
    figure, table = dashboard_data.shared(
        module, filters, "funnel", lambda: _funnel(module, filters)
    )
    draw_figure(figure, key="dash_funnel_chart")
    st.caption(
        "Each step counts the participants who reached it. Steps are not nested (the pre-test "
        "is optional; the evaluation and the poll can be done before the post-test), so each "
        "is shown as a share of those who attested; a conversion is given only where one step "
        "can be reached solely through the other."
    )
    _table(table)


def _learning(module: Module, filters: dashboard.Filters):
    engine = resources.engine()
    scores = dashboard.score_distribution(engine, module, filters)
    wide = scores.pivot_table(
        index="score_pct", columns="phase", values="participants", aggfunc="sum", fill_value=0
    ).reindex(columns=["pre", "post"], fill_value=0)  # the chart's order, not the alphabet's
    wide.columns.name = None
    score_names = {"score_pct": "Score (%)", "pre": "Before reading", "post": "After reading"}
    gain = dashboard.question_gain(engine, module, filters)
    gain_names = {
        "prompt": "Question",
        "pre_pct_correct": "% correct before",
        "post_pct_correct": "% correct after",
        "gain_pct_points": "Gain (points)",
        "pre_n": "Answers before",
        "post_n": "Answers after",
    }
    paired = dashboard.paired_gain(engine, module, filters)
    paired_names = {
        "prompt": "Question",
        "n": "Participants",
        "pre_pct_correct": "% correct, first pre-test",
        "post_pct_correct": "% correct, best post-test",
        "gain": "Gain (points)",
    }
    return (
        figure_spec(dashboard_charts.score_histogram(scores), _alt("Scores before and after")),
        _renamed(wide.reset_index(), score_names),
        figure_spec(dashboard_charts.gain_bars(gain), _alt("Per question, % correct")),
        _renamed(gain, gain_names),
        _renamed(paired.drop(columns="question_key"), paired_names),
        int(paired["n"].iloc[0]) if not paired.empty else 0,
    )


ROOM_NAMES = {
    "prompt": "Knowledge check",
    "n": "Participants who answered both",
    "pre_pct_correct": "% correct before the talk",
    "post_pct_correct": "% correct after the talk",
    "gain": "Gain (points)",
}


def draw_room_gain(module: Module, filters: dashboard.Filters) -> None:
    """Draw the room's own gain: each check run before and after the talk, paired on people."""
    if module.session is None:
        return
    room = dashboard_data.shared(
        module, filters, "room", lambda: dashboard.room_gain(resources.engine(), module, filters)
    )
    if room.empty:
        return
    pairs = ", ".join(str(n) for n in room["n"])
    st.subheader(f"The room's own gain in the live session (n = {pairs})", anchor=False)
    st.caption(
        "Knowledge checks run in the meeting before and after the talk, paired on the "
        "participants who answered both (their latest answer in each); rehearsals left out."
    )
    for row in room.itertuples():  # the same numbers in words
        if row.n:
            st.markdown(
                f"{row.prompt} — **{row.n}** answered both: {row.pre_pct_correct:g}% correct "
                f"before the talk, {row.post_pct_correct:g}% after, a gain of {row.gain:+g} points."
            )
    _table(_renamed(room, ROOM_NAMES))


def draw_learning(module: Module, filters: dashboard.Filters) -> None:
    """Draw pre vs post score distributions and each question's learning gain."""
    scores_chart, scores, gain_chart, gain, paired, pairs = dashboard_data.shared(
        module, filters, "learning", lambda: _learning(module, filters)
    )
    draw_room_gain(module, filters)
    st.subheader(f"Learning gain of the same people (n = {pairs})", anchor=False)
    st.caption(
        "Participants who finished both tests in this selection: their first pre-test against "
        "their best post-test, for the whole test and per question."
    )
    _table(paired)
    st.subheader("Scores before and after reading (not paired)", anchor=False)
    st.caption("Everyone's first pre-test and best post-test: the two groups can differ.")
    draw_figure(scores_chart, key="dash_scores_chart")
    _table(scores)
    st.subheader("Per question: % correct of all answers (not paired)", anchor=False)
    draw_figure(gain_chart, key="dash_gain_chart")
    _table(gain)


def _evaluation(module: Module, filters: dashboard.Filters):
    summary = dashboard.evaluation_summary(resources.engine(), module, filters)
    if summary.empty:
        return None
    levels = {f"pct_{value}": f"{label} (%)" for value, label in SCALE.items()}
    names = {
        "statement": "Statement",
        "n": "n",
        **levels,  # the shares the bars show
        "pct_agree": "% agree",
        "median": "Median (1-5)",
        "skipped": "Skipped",
        "extra": "Other answer (e.g. already do this)",
    }
    chart = figure_spec(charts.evaluation_diverging(summary), _alt("Agreement per statement"))
    return chart, _renamed(summary, names), dashboard.commitment_of(summary)


def draw_evaluation(module: Module, filters: dashboard.Filters) -> None:
    """Draw the evaluation's diverging bars with % agree, n and median; commitment on its own."""
    found = dashboard_data.shared(
        module, filters, "evaluation", lambda: _evaluation(module, filters)
    )
    if found is None:
        st.info("This module has no evaluation.")
        return
    chart, table, commitment = found
    draw_figure(chart, key="dash_eval_chart")
    _table(table)
    if commitment:
        st.subheader("Commitment to change", anchor=False)
        if not commitment["n"]:
            st.caption(f"“{commitment['statement']}”: no answers in this selection.")
            return
        st.metric(
            f"“{commitment['statement']}”",
            f"{commitment['pct_agree']:g}% agree",
            help="Agree or strongly agree, among those who answered.",
        )
        also = commitment.get("extra_label")
        also = f" · {commitment.get('extra', 0)} answered “{also}”" if also else ""
        st.caption(f"n = {commitment['n']} · median {commitment['median']:g} (1-5){also}")


def _poll(module: Module, filters: dashboard.Filters):
    engine, site = resources.engine(), resources.catalog().site
    per_round = dashboard.poll_by_round(engine, module, filters)
    peaks = dashboard.arrival_peaks(engine, module, filters)
    rounds = [
        (
            number,
            " (rehearsal)" if bool(part["simulated"].iloc[0]) else "",
            peaks.get(number),
            int(part["count"].sum()),
            figure_spec(charts.poll_bar(part), _alt(f"Round {number}: votes per option")),
        )
        for number, part in per_round.groupby("round", sort=True)
    ]
    round_table = _renamed(
        per_round, {"round": "Round", "label": "Option", "count": "Votes", "percent": "%"}
    )
    by_profession = dashboard.poll_by_profession(
        engine, module, filters, labels=dashboard.profession_labels(site.gate)
    )
    professions = None
    if not by_profession.empty:
        names = {
            "profession": "Profession",
            "label": "Option",
            "count": "Votes",
            "percent": "%",
            "n": "Group n",
        }
        chart = dashboard_charts.profession_bars(by_profession)
        professions = (
            figure_spec(chart, _alt("Votes by profession")),
            _renamed(by_profession, names),
        )
    over_time = dashboard.votes_over_time(engine, module, filters)
    timeline = None
    if not over_time.empty:
        names = {"bucket_start": "Minute starting (UTC)", "votes": "Votes"}
        chart = figure_spec(dashboard_charts.votes_timeline(over_time), _alt("Votes per minute"))
        timeline = chart, _renamed(over_time, names)
    return rounds, round_table, professions, timeline


def draw_poll(module: Module, filters: dashboard.Filters) -> None:
    """Draw results per round and per profession (small groups merged) and votes over time."""
    if module.poll is None:
        st.info("This module has no poll.")
        return
    rounds, round_table, professions, timeline = dashboard_data.shared(
        module, filters, "poll", lambda: _poll(module, filters)
    )
    st.subheader("Results per round", anchor=False)
    if not rounds:
        st.caption("No votes in this selection.")
    for number, flag, peak, n, chart in rounds:
        st.markdown(f"**Round {number}{flag}** · n = {n}")
        if peak:
            new, minute = peak
            st.warning(
                f"{new} of this round's voters passed the HCP gate for the first time within "
                f"one minute (from {minute:%H:%M} UTC). Compare with the number of people in "
                "the room: a burst larger than the room suggests votes sent by a script.",
                icon="⚠️",
            )
        draw_figure(chart, key=f"dash_round_{number}")
    if rounds:
        _table(round_table)
    st.subheader("By profession", anchor=False)
    st.caption(
        f"Groups under {dashboard.MIN_GROUP} voters are merged into “Other”, with the next "
        f"smallest while it is still under {dashboard.MIN_GROUP}, so that nobody can be "
        "identified, not even by taking the groups shown from the total."
    )
    if professions:
        draw_figure(professions[0], key="dash_profession_chart")
        _table(professions[1])
    st.subheader("Votes over time", anchor=False)
    if timeline:
        draw_figure(timeline[0], key="dash_time_chart")
        _table(timeline[1])


def draw_exports(module: Module, filters: dashboard.Filters) -> None:
    """Offer CSV downloads of aggregates and de-identified rows, and the outcomes PDF.

    Every file is built when its button is pressed, not on each run of the page: at 100,000
    participants the rows alone take seconds to read.
    """
    engine, site, today = resources.engine(), resources.catalog().site, dt.date.today()
    st.caption(
        "CSV files are UTF-8 with BOM; cells that could run as spreadsheet formulas are "
        "neutralised. Rows carry a pseudonym valid within one download, never a stored id."
    )
    aggregates = dashboard.aggregate_views(dashboard.profession_labels(site.gate))
    columns = st.columns(2)
    for i, (what, view) in enumerate(aggregates.items()):
        columns[i % 2].download_button(
            f"{what.replace('-', ' ').capitalize()} (CSV)",
            help="Aggregates",
            data=lambda view=view: to_csv_bytes(view(engine, module, filters)),
            file_name=export_filename(module.slug, what, today),
            mime="text/csv",
            on_click="ignore",
            key=f"dash_csv_{what}",
            icon=":material/download:",
        )
    stem = export_filename(module.slug, "rows", today, extension="csv").removesuffix(".csv")
    st.download_button(
        "De-identified rows (ZIP of CSV files)",
        help="Participants, quiz answers, evaluation answers and votes, with one set of pseudonyms",
        data=lambda: to_zip_bytes(dashboard.deidentified_rows(engine, module, filters), stem),
        file_name=f"{stem}.zip",
        mime="application/zip",
        on_click="ignore",
        key="dash_rows_zip",
        icon=":material/folder_zip:",
    )
    st.download_button(
        "Outcomes report (PDF)",
        data=lambda: outcomes_pdf(build_outcomes(engine, module, site, filters)),
        file_name=export_filename(module.slug, "outcomes", today, extension="pdf"),
        mime="application/pdf",
        on_click="ignore",
        type="primary",
        key="dash_report",
        icon=":material/picture_as_pdf:",
    )
