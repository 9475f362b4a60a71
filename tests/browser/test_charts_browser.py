"""In a real browser: every chart has a text equivalent with its numbers, in safe colours.

Charts are read from the drawn Plotly figures (in the page and in the frames of the chart
component) and from the live results' HTML bars (in their component's frame), so what is checked
is what a person sees, not what Python meant to draw.
"""

from __future__ import annotations

import re

from playwright.sync_api import Frame, Page

from rounds.figures.charts import AGREEMENT_COLOURS, PALETTE
from rounds.rules.evaluation import SCALE
from tests.browser.conftest import running_server
from tests.browser.tour import MODULE, Stop, educator_env, walk

# Okabe-Ito for categories and ColorBrewer PuOr for the agreement scale: both stay apart under
# the common colour-vision deficiencies.
SAFE_COLOURS = {c.upper() for c in [*PALETTE.values(), *AGREEMENT_COLOURS.values()]}

CHARTS = """() => {
  const around = gd => {  // the chart's name, and the text that follows it in the same block
    const labelled = gd.closest('[aria-label]');
    // A chart in a component's frame: its element container is the frame's, in the page.
    const holder = window.frameElement;
    const box = gd.closest('[data-testid=stElementContainer]')
      || (holder && holder.closest('[data-testid=stElementContainer]'));
    let after = box ? box.nextElementSibling : null, frame = null, caption = null;
    for (; after; after = after.nextElementSibling) {
      frame = frame || after.querySelector('[data-testid=stDataFrame], [data-testid=stTable]');
      caption = caption || after.querySelector('[data-testid=stCaptionContainer]');
    }
    const table = frame && frame.querySelector('table');  // drawn once its tab is shown
    return {
      label: labelled ? labelled.getAttribute('aria-label') : null,
      sentence: (document.getElementById('text') || {}).textContent || null,
      caption: caption ? caption.innerText : null,
      dataframe: !!frame,
      visible: gd.checkVisibility(),
      table: table ? [...table.querySelectorAll('tr')].map(
        tr => [...tr.querySelectorAll('th, td')].map(c => c.innerText)) : null,
    };
  };
  // Text drawn outside the chart's own box is cut off on screen.
  const outside = (texts, gd) => texts.filter(t => {
    const r = t.getBoundingClientRect(), b = gd.getBoundingClientRect();
    return r.width > 0 && (r.left < b.left - 1 || r.right > b.right + 1
      || r.top < b.top - 1 || r.bottom > b.bottom + 1
      || (t instanceof HTMLElement && t.scrollWidth > t.clientWidth + 1));
  }).map(t => t.textContent);
  const colour = c => (typeof c === 'string' ? [c] : Array.from(c || []));
  const hex = rgb => '#' + rgb.match(/\\d+/g).slice(0, 3)
    .map(n => Number(n).toString(16).padStart(2, '0')).join('');
  const plotly = [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    ...around(gd),
    clipped: outside([...gd.querySelectorAll(
      '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')], gd),
    traces: gd._fullData.map(t => ({
      name: t.name || null, x: Array.from(t.x || []), text: Array.from(t.text || []),
      customdata: Array.from(t.customdata || []), colours: colour(t.marker && t.marker.color),
      legend: t.showlegend,
    })),
  }));
  // The live results' bars, drawn in HTML (rounds/ui/live_results/live.js), read the same way.
  const bars = [...document.querySelectorAll('[role=img]')].filter(gd => gd.querySelector('.bar'))
    .map(gd => {
      const rows = [...gd.querySelectorAll('.bar')];
      return {
        ...around(gd),
        clipped: outside([...gd.querySelectorAll('.label, .value')], gd),
        traces: [{
          name: null, legend: false,
          x: rows.map(r => Number(r.getAttribute('data-percent'))),
          text: rows.map(r => r.querySelector('.value').textContent),
          customdata: rows.map(r => r.querySelector('.label').textContent),
          colours: [...new Set(rows.map(r => hex(getComputedStyle(r.querySelector('.fill'))
            .backgroundColor)))],
        }],
      };
    });
  // The learner's agreement chart, drawn in HTML (rounds/figures/agreement_html.py).
  const agreement = [...document.querySelectorAll('figure[role=img]')].map(gd => ({
    ...around(gd), kind: 'agreement', clipped: [],
    legend: [...gd.querySelectorAll('li')].map(li => li.textContent),
    rows: [...gd.querySelectorAll(':scope > div')].map(row => ({
      text: row.querySelector('p').textContent,
      segments: [...row.querySelectorAll('span[style*="%;background"]')].map(seg => ({
        colour: hex(getComputedStyle(seg).backgroundColor),
        width: parseFloat(seg.style.width)})),
    })),
    traces: [{name: null, legend: false, colours: [...new Set([...gd.querySelectorAll(
      'span[style*="background"]')].map(seg => hex(getComputedStyle(seg).backgroundColor)))]}],
  }));
  return [...plotly, ...bars, ...agreement];
}"""


def charts_in(frame: Page | Frame) -> list[dict]:
    """Return every drawn chart (Plotly, or the live results' bars) with the text around it."""
    return frame.evaluate(CHARTS)


def number(value: float) -> str:
    """Format a percentage the way the text equivalents do (33.3, 100)."""
    return f"{float(value):g}"


def check_poll_chart(chart: dict) -> None:
    """The sentence under a poll chart says each option's percent and count from the bars."""
    (bars,) = chart["traces"]
    assert chart["sentence"] and chart["label"] == chart["sentence"]
    for option, percent, text in zip(MODULE.poll.options, bars["x"], bars["text"], strict=True):
        count = re.search(r"\((\d+)\)", text).group(1)
        assert f"{option.label}: {number(percent)}% ({count})" in chart["sentence"]


def check_agreement_html(chart: dict) -> None:
    """The HTML agreement chart: its legend names the scale, each bar's segments add up to the
    percentages its accessible name says, and the table under it has the same n and % agree."""
    assert chart.get("kind") == "agreement"
    assert chart["legend"] == list(SCALE.values())
    colour_of = {AGREEMENT_COLOURS[value].lower(): label for value, label in SCALE.items()}
    sentences = chart["label"].split(". ")
    header, *rows = chart["table"]
    for statement, bar in zip(MODULE.evaluation.statements, chart["rows"], strict=True):
        sentence = next(s for s in sentences if s.startswith(statement.text.rstrip(".")))
        n = int(re.search(r"\(n = (\d+)\)", sentence).group(1))
        assert f"(n = {n})" in bar["text"]
        drawn: dict[str, float] = {}
        for segment in bar["segments"]:
            label = colour_of[segment["colour"]]
            drawn[label] = drawn.get(label, 0.0) + segment["width"]
        said = {
            label: float(re.search(rf"{label} ([0-9.]+)%", sentence).group(1))
            for label in SCALE.values()
        }
        for label, pct in said.items():
            assert abs(drawn.get(label, 0.0) - pct) < 0.1, (statement.key, label, drawn, said)
        row = dict(zip(header, next(r for r in rows if r[0] == statement.text), strict=False))
        assert int(row["Answered (n)"]) == n
        assert float(row["% agree"]) == round(said["Agree"] + said["Strongly agree"], 1)


def check_every_chart(stop: Stop, chart: dict) -> None:
    """Safe colours, named series when there are several, and some text equivalent."""
    colours = {c.upper() for t in chart["traces"] for c in t["colours"]}
    assert colours <= SAFE_COLOURS, f"{stop.name}: colours outside the safe palettes {colours}"
    if len(chart["traces"]) > 1:  # colour tells series apart: each needs its name in the legend
        assert all(t["name"] for t in chart["traces"]), stop.name
    has_text = chart["label"] or chart["dataframe"] or chart["caption"]
    assert has_text, f"{stop.name}: a chart without a table or sentence beside it"
    if chart["visible"]:
        assert not chart["clipped"], f"{stop.name}: axis text cut off: {chart['clipped']}"


def test_every_chart_has_its_numbers_in_text_and_colour_blind_safe_colours(tmp_path, browser):
    seen: dict[str, int] = {}
    with running_server(tmp_path / "server", educator_env()) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()

        def drawn_charts(frame) -> list[dict]:
            # A table beside a visible chart is drawn a moment after it (its data): wait.
            for _ in range(40):
                charts = charts_in(frame)
                waiting = [c for c in charts if c["dataframe"] and c["visible"]]
                if all(c["table"] is not None for c in waiting):
                    return charts
                page.wait_for_timeout(250)
            return charts_in(frame)

        def check(stop: Stop) -> None:
            for frame in page.frames:
                for chart in drawn_charts(frame):
                    seen[stop.name] = seen.get(stop.name, 0) + 1
                    check_every_chart(stop, chart)
                    if stop.name in {"poll-results", "presenter"}:
                        check_poll_chart(chart)
                    elif stop.name == "evaluation-results":
                        check_agreement_html(chart)
                    elif chart.get("kind") == "agreement":  # only a learner's page has one
                        raise AssertionError(f"{stop.name}: an HTML agreement chart")

        walk(page, base, check)
        context.close()
    assert {"evaluation-results", "poll-results", "presenter", "dashboard"} <= set(seen), seen
