"""The dashboard in a real browser: `streamlit run app.py` served headless, Debian's chromium
driven by Playwright. Fails (does not skip) when chromium is missing: scripts/test.sh installs it.
"""

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from oversight.settings import PROJECT_ROOT
from tests.system.served import serve

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_app(demo_db: Path, tmp_path_factory):
    """The dashboard for staff, served on the demo database, as deployed: its charts built
    unvalidated (charts.PlainFigure), whereas the other tests validate them."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with serve(demo_db, log, OVERSIGHT_VALIDATE_CHARTS="0") as url:
        yield url


@pytest.fixture(scope="module")
def served_public(demo_db: Path, tmp_path_factory):
    """The public view (OVERSIGHT_AUDIENCE=public), served on a copy of the demo database with
    FY 2024/25 released (the public sees only the register of releases)."""
    folder = tmp_path_factory.mktemp("streamlit_public")
    db_path = folder / "demo.duckdb"
    shutil.copy(demo_db, db_path)
    released = subprocess.run(
        [sys.executable, "-m", "oversight", "publish", "--db", str(db_path),
         "--out", str(folder / "released"), "--year", "2024"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert released.returncode == 0, released.stderr
    with serve(db_path, folder / "server.log", OVERSIGHT_AUDIENCE="public") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/test.sh to install it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


PAGES = {
    "overview": ("", "Overview"),
    "reports": ("reports", "Reports"),
    "outcomes": ("outcomes", "Outcomes and timeliness"),
    "forces": ("forces", "Forces"),
    "fairness": ("fairness", "Fairness"),
    "publish": ("publish", "Publish a snapshot"),
    "about": ("about", "About the data"),
}


def test_overview_shows_banner_and_counts_without_errors(served_app, browser, demo_counts):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(served_app)
    page.get_by_text("Synthetic demonstration data").first.wait_for(timeout=60_000)
    page.get_by_text(f"{demo_counts['reports']:,}").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def _drawn(page, name: str) -> None:
    """Wait until the page has finished drawing, then check it shows no error."""
    # let every chart and table of the page finish drawing: no placeholder left, not running
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length > 50",
        timeout=90_000,
    )
    page.wait_for_timeout(1_000)  # plotly draws its SVG just after the element appears
    assert page.locator("[data-testid='stException']").count() == 0, f"error on {name}"
    assert page.locator("[data-testid='stAlertContentError']").count() == 0, f"error on {name}"
    undrawn = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".filter(chart => !chart.querySelector('.main-svg')).length"
    )
    assert undrawn == 0, f"{undrawn} chart(s) on {name} drew nothing"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_without_errors(served_app, browser, name):
    path, title = PAGES[name]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_app}/{path}?period=national")
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    page.get_by_text("Synthetic demonstration data").first.wait_for(timeout=30_000)
    _drawn(page, name)
    # the period from the URL survived the page load and is still in the URL
    assert "period=national" in page.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.close()


def test_publish_page_downloads_the_snapshot_zip(served_app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_app}/publish")
    page.get_by_role("heading", name="Publish a snapshot").first.wait_for(timeout=60_000)
    _drawn(page, "publish")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the snapshot").click()
    saved = Path(download.value.path())
    with zipfile.ZipFile(saved) as archive:
        names = {Path(n).name for n in archive.namelist()}
        meta = json.loads(next(archive.read(n) for n in archive.namelist()
                               if n.endswith("metadata.json")))  # fmt: skip
    assert {"headline.csv", "snapshot.xlsx", "snapshot.html", "README.md"} <= names
    assert meta["public"] is True  # the page's default: the version safe to publish
    page.close()


PUBLIC_PAGES = {
    "published": ("", "Published figures"),
    "public_about": ("about", "About the data"),
}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_pages_load_without_errors(served_public, browser, name):
    path, title = PUBLIC_PAGES[name]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_public}/{path}")
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    _drawn(page, name)
    # no free filters in public: the sidebar's filters header is not drawn (the word may still
    # appear in the definitions the About page shows)
    assert page.get_by_role("heading", name="Filters", exact=True).count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", (1400, 390))
def test_public_map_draws_with_every_outside_request_blocked(served_public, browser, width):
    """The map of forces on the Published figures page is inline SVG: it draws all 43 areas,
    within the page's width, with every request to another host refused."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(served_public) else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(served_public)
    page.get_by_role("heading", name="Reports per 1,000 officers a year, by force").wait_for(
        timeout=60_000
    )
    _drawn(page, "published")
    svg = page.get_by_role("img", name="Reports per 1,000 officers a year, by force")
    box = svg.bounding_box()
    assert 0 < box["width"] <= width and box["height"] > box["width"]
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('svg[role=img] path[data-force]')]"
        ".filter(p => p.getBBox().width > 0).length"
    )
    assert drawn == 43
    page.get_by_text("Contains OS data © Crown copyright and database right 2023").wait_for()
    page.get_by_text("Not on the map of England and Wales").wait_for()
    context.close()


def test_public_cannot_open_a_staff_page_by_its_address(served_public, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_public}/forces")
    page.get_by_role("heading", name="Published figures").first.wait_for(timeout=60_000)
    _drawn(page, "forces in public")
    assert page.get_by_role("heading", name="Forces", exact=True).count() == 0
    page.close()


def test_a_chart_downloads_exactly_its_numbers(served_app, browser):
    """The Overview's monthly chart over the Met pilot: its CSV, downloaded in the browser,
    holds the pilot's published totals (1,988 by phone, 890 online)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served_app}/?period=pilot")
    page.get_by_role("heading", name="Reports by month").first.wait_for(timeout=60_000)
    _drawn(page, "overview")
    expanders = page.get_by_text("The numbers behind this chart")
    expanders.last.click()
    button = page.get_by_role("button", name="Download these numbers (CSV)").last
    button.wait_for(state="visible", timeout=30_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    assert download.value.suggested_filename == "reports_by_month_2022-11-29_2024-02-29.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    # the table is under the file's "About this file" rows, after the first empty line
    rows = list(csv.DictReader(io.StringIO(text.partition("\n\n")[2])))
    totals = {}
    for row in rows:
        totals[row["Channel"]] = totals.get(row["Channel"], 0) + int(row["Reports"])
    assert totals == {"Phone": 1988, "Online": 890}  # as the chart names them
    page.close()
