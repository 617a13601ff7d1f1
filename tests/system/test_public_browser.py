"""The public pages in chromium, at a desktop's width and a phone's: the Published figures page,
a force's own page (?force=kent) and About the data, each with no serious or critical axe-core
finding, nothing wider than the window (the page never scrolls sideways), and every table of
About the data within the page's column (defect 3 of issue 11). Screenshots go to
artifacts/screenshots/ for looking at, not for comparing."""

# ruff: noqa: F811  (test_browser.py's server and browser fixtures, imported to be used here)

import pytest

from oversight.documents import TABLE_FRAME
from tests.system.axe import WIDTHS, violations
from tests.system.test_browser import (  # noqa: F401
    ARTIFACTS,
    _drawn,
    browser,
    served_public,
)

pytestmark = pytest.mark.browser

VIEWS = {
    "published": ("published?period=fy2024", "Published figures"),
    "published_kent": ("published?period=fy2024&force=kent", "Kent Police"),
    "about": ("about", "About the data"),
}


def _open(browser, url: str, heading: str, name: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    _drawn(page, name)
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_public_views_fit_the_window_and_meet_wcag_aa(served_public, browser, name, width):
    path, heading = VIEWS[name]
    page = _open(browser, f"{served_public}/{path}", heading, name, width)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # nothing drawn in the main column runs past its right edge (a table, a chart, a tile)
    # (a table data grid, or an About page table's frame, may scroll sideways within itself)
    past = page.evaluate(
        """frame => {
            const main = document.querySelector('[data-testid="stMainBlockContainer"]');
            const right = main.getBoundingClientRect().right + 1;
            const drawn = main.querySelectorAll(
                'table, svg, [data-testid="stMetric"], [data-testid="stPlotlyChart"],'
                + ' [data-testid="stDataFrame"], [data-testid="stButton"], .' + frame);
            const scrolled = '[data-testid="stDataFrame"] *, .' + frame + ' *';
            return [...drawn].filter(e => e.getBoundingClientRect().right > right
                                          && !e.matches(scrolled))
                .map(e => e.tagName + ' ' + (e.getAttribute('data-testid') || ''));
        }""",
        TABLE_FRAME,
    )
    assert past == []
    assert violations(page, f"{name} at {width} px") == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"public_{name}_{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_about_pages_tables_keep_within_the_column(served_public, browser, width):
    """The table of published files (docs/metrics.md) holds long code names: at 1400 px it
    fits the column; at 390 px it scrolls sideways inside a frame a keyboard can reach, and the
    page itself does not."""
    page = _open(browser, f"{served_public}/about", "About the data", "about", width)
    files = page.get_by_role("region", name="Table: file, columns, rows")
    files.wait_for()
    frame = files.bounding_box()
    column = page.locator("[data-testid='stMainBlockContainer']").bounding_box()
    assert frame["x"] + frame["width"] <= column["x"] + column["width"] + 1
    table = files.locator("table").bounding_box()
    if width >= 1400:
        assert table["width"] <= frame["width"] + 1  # no scrolling needed on a desktop
    assert files.get_attribute("tabindex") == "0"
    page.close()


def test_choosing_a_force_opens_its_page(served_public, browser):
    page = _open(browser, f"{served_public}/published?period=fy2024", "Published figures",
                 "published", 1400)  # fmt: skip
    chooser = page.get_by_role("combobox", name="Figures for")
    chooser.click()
    chooser.fill("Kent")  # the list shows a few forces at a time: typing finds one
    page.get_by_role("option", name="Kent Police").click()
    page.get_by_role("heading", name="Kent Police").wait_for(timeout=60_000)
    page.wait_for_url("**force=kent**")
    page.close()


def test_an_unknown_force_gets_a_plain_message_in_the_browser(served_public, browser):
    page = _open(browser, f"{served_public}/published?period=fy2024&force=atlantis",
                 "Published figures", "published", 390)  # fmt: skip
    page.get_by_text("names a force that is not in these figures").wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
