"""Charts and filters in a real browser (issue 11): the Back button goes back to the filters
chosen before; at a phone's width (390 px) no chart is wider than the page, and every chart's
title is text above it, whole; a chart's file downloaded in the Kent view says so.

Screenshots of every staff page at 390 and 1400 px are written to artifacts/screenshots/ for
looking at by eye (not committed).
"""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.system import test_browser
from tests.system.test_browser import ARTIFACTS, PAGES, _drawn

pytestmark = pytest.mark.browser
# the dashboard served on the demo database, and chromium, as test_browser.py has them
served_app = test_browser.served_app
browser = test_browser.browser

STAFF_PAGES = {name: PAGES[name] for name in ("overview", "reports", "outcomes", "forces",
                                              "fairness")}  # fmt: skip


PERIOD = "[data-testid='stSidebar'] [data-testid='stSelectbox'] input"


def _period_shown(page) -> str:
    """The period the sidebar's select box shows."""
    return page.locator(PERIOD).first.input_value()


def _settled(page, name: str) -> None:
    """Wait for the rerun a change started, and for the page to be drawn again."""
    page.wait_for_timeout(500)
    _drawn(page, name)


def test_back_restores_the_filters_chosen_before(served_app, browser):
    """Each filter change is one step in the browser's history: Back goes to the filters before
    it, in the URL, the sidebar and the figures, and Forward comes back."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_app}/reports?period=fy2024")
    page.get_by_role("heading", name="Reports", exact=True).wait_for(timeout=60_000)
    _drawn(page, "reports")
    assert "Financial year 2024/25" in _period_shown(page)
    before = page.get_by_test_id("stMetricValue").first.inner_text()

    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Met pilot").click()
    page.wait_for_url("**period=pilot**", timeout=30_000)
    _settled(page, "reports")
    assert "Met pilot" in _period_shown(page)
    pilot = page.get_by_test_id("stMetricValue").first.inner_text()
    assert pilot != before

    page.go_back()
    page.wait_for_url("**period=fy2024**", timeout=30_000)
    _settled(page, "reports")
    page.wait_for_function(
        "shown => document.querySelector('[data-testid=stMetricValue]').innerText === shown",
        arg=before,
        timeout=30_000,
    )
    assert "Financial year 2024/25" in _period_shown(page)
    page.wait_for_timeout(1_500)  # nothing puts the later filters back (the defect did)
    assert "period=fy2024" in page.url

    page.go_forward()
    page.wait_for_url("**period=pilot**", timeout=30_000)
    _settled(page, "reports")
    assert "Met pilot" in _period_shown(page)
    assert page.get_by_test_id("stMetricValue").first.inner_text() == pilot
    page.close()


def test_the_sidebar_shows_each_period_whole(served_app, browser):
    """No preset is cut short in the sidebar's select box ("Since national launch (14 Mar
    20…" was)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    for key in ("national", "pilot", "fy2026", "last12"):
        page.goto(f"{served_app}/?period={key}")
        page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
        _drawn(page, "overview")
        shown = page.locator(PERIOD).first
        label = shown.input_value()
        assert shown.evaluate("e => e.scrollWidth <= e.clientWidth"), (key, label)
    page.close()


@pytest.mark.parametrize("width", (390, 1400))
@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_charts_fit_a_phone_and_a_desktop(served_app, browser, name, width):
    """Every chart fits the page's width, has no plotly toolbar and no title drawn in it (its
    title is text above it, which wraps), and is followed by its one-line summary."""
    path, title = STAFF_PAGES[name]
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(f"{served_app}/{path}?period=fy2025&force=kent")
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    _drawn(page, name)
    charts = page.locator("[data-testid='stPlotlyChart']")
    assert charts.count() > 0
    for at in range(charts.count()):
        box = charts.nth(at).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (name, at, box)
    assert page.locator(".modebar").count() == 0
    assert page.locator("[data-testid='stPlotlyChart'] .gtitle").count() == 0
    # the tallest page is only as tall as its content: make the screenshot show all of it
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('section, [data-testid=stMain]')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 50, 16_000)})
    page.wait_for_timeout(1_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"charts_{name}_{width}.png"), full_page=True)
    page.close()


def _download(page, button, tries: int = 3):
    """The file a click on the button downloads. A click that lands while the page is being
    redrawn can go to a button about to be replaced and start nothing: click again."""
    for attempt in range(tries):
        try:
            with page.expect_download(timeout=20_000) as download:
                button.click()
            download.value  # noqa: B018 (raises if none came)
            return download
        except PlaywrightTimeoutError:
            if attempt == tries - 1:
                raise
            _drawn(page, "reports")
    raise AssertionError("unreachable")


def test_a_chart_file_downloaded_in_the_kent_view_names_kent(served_app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_app}/reports?period=fy2025&force=kent")
    page.get_by_role("heading", name="What reports were about").wait_for(timeout=60_000)
    _drawn(page, "reports")
    page.get_by_text("The numbers behind this chart").first.click()
    button = page.get_by_role("button", name="Download these numbers (CSV)").first
    button.wait_for(state="visible", timeout=30_000)
    download = _download(page, button)
    name = download.value.suggested_filename
    assert name == "reports_by_category_kent_2025-04-01_2026-03-31.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    head, _, table = text.partition("\n\n")
    about = dict(row for row in csv.reader(io.StringIO(head)) if len(row) == 2)
    assert about["Force"] == "Kent"
    assert about["Reports received"] == "01 Apr 2025 to 31 Mar 2026"
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows and all(0 <= float(row["Share of all reports (%)"]) <= 100 for row in rows)
    assert any(float(row["Share of all reports (%)"]) > 1 for row in rows)  # percent, not 0..1
    page.close()
