"""In a real browser at phone sizes: no sideways overflow, finger-sized targets, a one-thumb poll.

Every stop of the tour is measured at 390x844 and 360x740 as a touch device.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import running_server
from tests.browser.tour import MODULE, Stop, educator_env, walk

PHONES = {"390x844": {"width": 390, "height": 844}, "360x740": {"width": 360, "height": 740}}
MIN_TARGET = 44  # px, WCAG 2.5.5 and the platforms' guidelines

# Each control a finger aims at. A select box counts as one target (its inner input and arrow
# are parts of it); radio and check boxes count by their label, which takes the tap.
TARGETS = ", ".join(
    [
        "button",
        "a[href]",
        "summary",
        "[role=tab]",
        "[data-testid=stRadioOption]",
        "[data-testid=stCheckbox] label",
        "[data-baseweb=select]",
        "input[type=text]",
        "input[type=password]",
        "input[type=number]",
        "textarea",
    ]
)

MEASURE = """([targets, minimum]) => {
  const width = window.innerWidth;
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  // The part of an element that can be seen: cut by the widgets' own scroll boxes and clips
  // (a wide table scrolls inside its box), but not by the page's scroller itself.
  const seen = el => {
    const r = el.getBoundingClientRect();
    let {left, right, top, bottom} = r;
    for (let a = el.parentElement; a && a !== block && block.contains(a); a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const c = a.getBoundingClientRect();
        left = Math.max(left, c.left); right = Math.min(right, c.right);
        top = Math.max(top, c.top); bottom = Math.min(bottom, c.bottom);
      }
    }
    return {left, right, top, bottom, width: right - left, height: bottom - top};
  };
  const name = el => (el.getAttribute('aria-label') || el.innerText
    || el.getAttribute('data-testid') || el.tagName).replace(/\\s+/g, ' ').trim().slice(0, 60);
  const wide = [];
  if (block) {
    for (const el of block.querySelectorAll('*')) {
      if (!el.checkVisibility()) continue;
      const r = seen(el);
      if (r.width > 0 && (r.left < -1 || r.right > width + 1)) {
        wide.push(`${name(el)} (${Math.round(r.left)}..${Math.round(r.right)})`);
      }
    }
  }
  const small = [];
  for (const el of document.querySelectorAll(targets)) {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    if (el.closest('[aria-hidden=true]')) continue;
    const inside = el.closest('[data-testid=stSelectbox], [data-testid=stDateInput]');
    if (inside && !el.matches('[data-baseweb=select]')) continue;  // a part of one target
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // visually hidden until focused (the skip link)
    if (r.right <= 0 || r.left >= width) continue;  // off screen (the closed sidebar)
    if (r.height < minimum) small.push(`${name(el)}: ${Math.round(r.height)} px tall`);
  }
  const main = document.querySelector('[data-testid=stMain]');
  return {
    page: [document.documentElement.scrollWidth, width],
    main: main ? [main.scrollWidth, main.clientWidth] : [0, 0],
    wide, small,
  };
}"""

THUMB = """() => {
  const group = document.querySelector('[role=radiogroup]');
  const vote = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Vote');
  vote.scrollIntoView({block: 'end'});  // as a person scrolls the button down to their thumb
  const g = group.getBoundingClientRect(), v = vote.getBoundingClientRect();
  return {top: g.top, bottom: v.bottom, height: window.innerHeight, vote: [v.width, v.height]};
}"""


def layout_problems(page: Page, where: str) -> list[str]:
    """Measure the page (and its frames) and return what is too wide or too small."""
    found = page.evaluate(MEASURE, [TARGETS, MIN_TARGET])
    problems = [f"{where}: too small to tap: {item}" for item in found["small"]]
    problems += [f"{where}: wider than the screen: {item}" for item in found["wide"]]
    for label, (scroll, visible) in (("page", found["page"]), ("main", found["main"])):
        if scroll > visible:
            problems.append(f"{where}: the {label} scrolls sideways ({scroll} > {visible} px)")
    for frame in page.frames[1:]:
        scroll, visible = frame.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > visible:
            problems.append(f"{where}: frame {frame.url} scrolls sideways ({scroll} > {visible})")
    return problems


def thumb_problems(page: Page) -> list[str]:
    """Check that the poll's options and Vote button fit the lower 3/4 of the screen at once."""
    reach = page.evaluate(THUMB)
    problems = []
    if reach["top"] < reach["height"] / 4 or reach["bottom"] > reach["height"] + 1:
        problems.append(f"poll: options and Vote button not all in the thumb's reach: {reach}")
    if min(reach["vote"]) < MIN_TARGET:
        problems.append(f"poll: the Vote button is small: {reach['vote']}")
    return problems


@pytest.mark.parametrize("phone", list(PHONES))
def test_every_page_fits_a_phone_with_finger_sized_targets(tmp_path, browser, phone):
    problems: list[str] = []
    with running_server(tmp_path / "server", educator_env()) as base:
        context = browser.new_context(viewport=PHONES[phone], is_mobile=True, has_touch=True)
        page = context.new_page()

        def measure(stop: Stop) -> None:
            problems.extend(layout_problems(page, stop.name))
            if stop.name == "poll":
                assert page.get_by_role("radiogroup", name=MODULE.poll.question).count() == 1
                problems.extend(thumb_problems(page))

        walk(page, base, measure)
        page.get_by_test_id("stExpandSidebarButton").click()  # the page menu, opened by a thumb
        page.get_by_test_id("stSidebarNav").wait_for()
        problems.extend(layout_problems(page, "menu"))
        context.close()
    assert not problems, "\n".join(problems)
