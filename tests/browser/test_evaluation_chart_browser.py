"""In a real browser at desktop width: everyone's evaluation answers, chart and table, all seen.

At 1280 px the chart's legend lay over the first bar, a bar everyone agreed with ran into the
plot's right edge and the table under it was cut off at the right (it scrolled sideways). The
learner's chart is HTML now (no plotly.js on learner pages); the dashboard's plotly chart keeps
the fixed layout (tests/test_charts.py).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.gate_steps import TIMEOUT, pass_gate, wait_for_cookie
from tests.browser.tour import MODULE, choose, module_url, settle
from tests.peers import evaluate_as_peers

# The HTML chart: the figure's box, its legend's and every coloured segment's, in page pixels.
CHART = """() => {
  const figure = document.querySelector('figure[role=img]');
  const box = el => { const r = el.getBoundingClientRect();
                      return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  return {plot: box(figure), legend: box(figure.querySelector('ul')),
          bars: [...figure.querySelectorAll('span[style*="%;background"]')].map(box)
                  .filter(b => b.right - b.left > 0.5)};
}"""

# The table under the chart: its box against the page's column, and anything in it scrolling.
TABLE = """() => {
  const table = document.querySelector('[data-testid=stTable], [data-testid=stDataFrame]');
  const column = document.querySelector('[data-testid=stMainBlockContainer]');
  const inner = column.getBoundingClientRect(), style = getComputedStyle(column);
  const right = inner.right - parseFloat(style.paddingRight);
  const scrolling = [table, ...table.querySelectorAll('*')]
    .filter(el => el.scrollWidth > el.clientWidth + 1
      && getComputedStyle(el).overflowX !== 'visible')
    .map(el => `${el.tagName}.${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
  const widest = Math.max(...[...table.querySelectorAll('table, canvas')]
    .map(el => el.getBoundingClientRect().right), table.getBoundingClientRect().right);
  return {right: widest, column: right, scrolling};
}"""


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def test_the_evaluation_chart_and_table_fit_a_desktop_page(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(module_url(server, "evaluation"))
    pass_gate(page)
    wait_for_cookie(context)
    evaluate_as_peers(server)  # five others, every one "Strongly agree": bars of 100 %
    for statement in MODULE.evaluation.statements:
        choose(page, statement.text, "Strongly agree")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="What participants said")).to_be_visible(timeout=60_000)
    settle(page)
    drawn = page.evaluate(CHART)
    plot, legend, bars = drawn["plot"], drawn["legend"], drawn["bars"]
    assert bars, "no bar drawn"
    for bar in bars:  # every bar inside the figure, below the legend
        assert not overlaps(legend, bar), f"the legend {legend} lies over a bar {bar}"
        assert plot["left"] - 1 <= bar["left"] and bar["right"] <= plot["right"] + 1, (bar, plot)

    table = page.evaluate(TABLE)
    assert not table["scrolling"], f"the table scrolls sideways: {table['scrolling']}"
    assert table["right"] <= table["column"] + 1, f"the table runs past the page: {table}"
    context.close()
