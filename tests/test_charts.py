"""The poll and evaluation charts show the right numbers, in order, without relying on colour."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rounds.figures.charts import AGREEMENT_LEVELS, PALETTE, evaluation_diverging, poll_bar
from rounds.ui.component_args import json_object


@pytest.fixture
def poll_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": ["fluids", "abx", "wait"],
            "label": ["Give fluids", "Start antibiotics", "Wait <b>and</b> see"],
            "count": [6, 3, 1],
            "percent": [60.0, 30.0, 10.0],
        }
    )


@pytest.fixture
def evaluation_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "statement": [
                "The module was relevant to my practice",
                "The cases reflected the patients I see on a typical night shift in the ED",
                "Nobody answered this one",
            ],
            "n": [20, 8, 0],
            "pct_1": [10.0, 0.0, 0.0],
            "pct_2": [20.0, 12.5, 0.0],
            "pct_3": [30.0, 25.0, 0.0],
            "pct_4": [25.0, 50.0, 0.0],
            "pct_5": [15.0, 12.5, 0.0],
        }
    )


def _bar_order(fig) -> list[str]:
    """Return the y tick labels from the top of the chart to the bottom."""
    yaxis = fig.layout.yaxis
    labels = dict(zip(yaxis.tickvals, yaxis.ticktext, strict=True))
    top_first = sorted(labels, reverse=yaxis.autorange != "reversed")
    return [labels[value] for value in top_first]


def test_poll_bar_has_one_bar_per_option_in_display_order(poll_results):
    fig = poll_bar(poll_results)

    assert len(fig.data) == 1
    bars = fig.data[0]
    assert bars.orientation == "h"
    assert _bar_order(fig) == [
        "Give fluids",
        "Start antibiotics",
        "Wait &lt;b&gt;and&lt;/b&gt; see",
    ]
    by_label = dict(zip(fig.layout.yaxis.ticktext, bars.x, strict=True))
    assert by_label == {
        "Give fluids": 60.0,
        "Start antibiotics": 30.0,
        "Wait &lt;b&gt;and&lt;/b&gt; see": 10.0,
    }


def test_poll_bar_labels_each_bar_with_percent_and_count(poll_results):
    bars = poll_bar(poll_results).data[0]

    assert list(bars.text) == ["60% (6)", "30% (3)", "10% (1)"]
    assert bars.marker.color == PALETTE["blue"]


def test_poll_bar_axis_and_chrome(poll_results):
    fig = poll_bar(poll_results)

    assert tuple(fig.layout.xaxis.range) == (0, 100)
    assert fig.layout.xaxis.title.text == "% of responses"
    assert fig.layout.showlegend is False
    assert fig.layout.title.text is None


def test_poll_bar_large_uses_bigger_text(poll_results):
    normal, large = poll_bar(poll_results), poll_bar(poll_results, large=True)

    assert large.layout.font.size > normal.layout.font.size
    assert large.data[0].insidetextfont.size > normal.data[0].insidetextfont.size
    assert large.to_json() == poll_bar(poll_results, large=True).to_json()


def test_poll_bar_with_no_votes_shows_zero_bars():
    results = pd.DataFrame(
        {"key": ["a", "b"], "label": ["A", "B"], "count": [0, 0], "percent": [0.0, 0.0]}
    )

    assert list(poll_bar(results).data[0].text) == ["0% (0)", "0% (0)"]


def _level_traces(fig) -> dict[int, list]:
    names = {label: level for level, label in AGREEMENT_LEVELS}
    traces: dict[int, list] = {}
    for trace in fig.data:
        traces.setdefault(names[trace.name], []).append(trace)
    return traces


def test_disagreement_extends_left_and_agreement_right(evaluation_summary):
    fig = evaluation_diverging(evaluation_summary)
    traces = _level_traces(fig)

    assert fig.layout.barmode == "relative"
    assert [trace.x[0] for trace in traces[1]] == [-10.0]
    assert [trace.x[0] for trace in traces[2]] == [-20.0]
    assert sorted(trace.x[0] for trace in traces[3]) == [-15.0, 15.0]
    assert [trace.x[0] for trace in traces[4]] == [25.0]
    assert [trace.x[0] for trace in traces[5]] == [15.0]
    row = 0
    left = sum(trace.x[row] for trace in fig.data if trace.x[row] < 0)
    right = sum(trace.x[row] for trace in fig.data if trace.x[row] > 0)
    assert (left, right) == (-45.0, 55.0)


def test_stronger_levels_sit_further_from_the_centre(evaluation_summary):
    fig = evaluation_diverging(evaluation_summary)
    names = {label: level for level, label in AGREEMENT_LEVELS}
    # Relative stacking fills outward from zero in trace order.
    left = [names[trace.name] for trace in fig.data if trace.x[0] < 0]
    right = [names[trace.name] for trace in fig.data if trace.x[0] > 0]

    assert left == [3, 2, 1]
    assert right == [3, 4, 5]


def test_legend_lists_the_five_levels_in_scale_order(evaluation_summary):
    fig = evaluation_diverging(evaluation_summary)
    shown = sorted((t for t in fig.data if t.showlegend is not False), key=lambda t: t.legendrank)

    assert [trace.name for trace in shown] == [label for _, label in AGREEMENT_LEVELS]
    assert fig.layout.legend.traceorder == "normal"
    assert len({trace.marker.color for trace in shown}) == 5


def test_neutral_hover_reports_the_whole_neutral_share(evaluation_summary):
    traces = _level_traces(evaluation_diverging(evaluation_summary))

    for trace in traces[3]:
        assert trace.customdata[0][0] == 30.0
        assert "Neither agree nor disagree" in trace.hovertemplate


def test_axis_shows_absolute_percentages(evaluation_summary):
    xaxis = evaluation_diverging(evaluation_summary).layout.xaxis

    assert xaxis.range[0] == -xaxis.range[1]  # centred on neutral
    assert list(xaxis.tickvals) == [-100, -50, 0, 50, 100]
    assert list(xaxis.ticktext) == ["100%", "50%", "0", "50%", "100%"]


def test_statement_labels_are_wrapped_and_carry_n(evaluation_summary):
    labels = _bar_order(evaluation_diverging(evaluation_summary))

    assert labels[0] == "The module was relevant to my practice (n=20)"
    assert labels[1].endswith(" (n=8)")
    lines = labels[1].removesuffix(" (n=8)").split("<br>")
    assert len(lines) > 1
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == evaluation_summary["statement"][1]
    assert labels[2] == "Nobody answered this one (n=0)"


def test_component_arguments_keep_a_spliced_figure_exactly_as_made(poll_results):
    figure = poll_bar(poll_results).to_json()
    spec = json_object({"heading": 'Ünïcode "quoted"', "n": 3}, figure=figure)
    assert json.loads(spec) == {"heading": 'Ünïcode "quoted"', "n": 3, "figure": json.loads(figure)}
    assert json.loads(json_object({}, figure=figure)) == {"figure": json.loads(figure)}
    assert json.loads(json_object({"n": 1})) == {"n": 1}


def _stacks(fig) -> tuple[float, float]:
    """Return how far the bars reach to the left (negative) and to the right."""
    rows = range(len(fig.data[0].x))
    left = min(sum(min(t.x[row], 0) for t in fig.data) for row in rows)
    right = max(sum(max(t.x[row], 0) for t in fig.data) for row in rows)
    return left, right


def test_the_axis_reaches_past_the_longest_bar_on_either_side(evaluation_summary):
    """A statement everyone strongly agreed with ran into the right edge of the plot."""
    everyone = evaluation_summary.copy()
    everyone.loc[0, ["pct_1", "pct_2", "pct_3", "pct_4", "pct_5"]] = [0.0, 0.0, 0.0, 0.0, 100.0]
    everyone.loc[1, ["pct_1", "pct_2", "pct_3", "pct_4", "pct_5"]] = [50.1, 50.0, 0.0, 0.0, 0.0]
    fig = evaluation_diverging(everyone)  # 100 % to the right; 100.1 % (rounded) to the left
    left, right = _stacks(fig)
    low, high = fig.layout.xaxis.range

    assert (left, right) == (-100.1, 100.0)
    assert low < left and high > right  # room beyond the longest bar, for it and its tick
    assert -100 in fig.layout.xaxis.tickvals and 100 in fig.layout.xaxis.tickvals


def test_the_legend_is_placed_above_the_plot_area_in_the_frames_own_coordinates(
    evaluation_summary,
):
    """The legend lay over the first bar: placed in the plot's coordinates at its top edge,
    Plotly did not keep room for it."""
    legend = evaluation_diverging(evaluation_summary).layout.legend

    assert (legend.xref, legend.yref) == ("container", "container")
    assert (legend.y, legend.yanchor) == (1, "top")  # the frame's top, the plot below it
    assert (legend.x, legend.xanchor, legend.orientation) == (0, "left", "h")
