"""The static public site (python -m oversight site) served by a real web server
(`python -m http.server`) and read in chromium with JavaScript off, as the public would on a
CDN: at a desktop's width and a phone's, each page shows its content, nothing makes the page
scroll sideways, nothing is asked of another host, and axe-core (run in a second context with
JavaScript on, since axe is a script) finds nothing serious or critical. Screenshots go to
artifacts/screenshots/ for looking at, not for comparing."""

# ruff: noqa: F811  (test_browser.py's browser fixture, imported to be used here)

import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from oversight.settings import PROJECT_ROOT
from tests.system.axe import WIDTHS, violations
from tests.system.served import free_port, wait_until_answering
from tests.system.test_browser import ARTIFACTS, browser  # noqa: F401

pytestmark = pytest.mark.browser

# page: (address in the site, its h1, a text it must show)
PAGES = {
    "index": ("index.html", "Published figures", "Financial year 2024/25"),
    "release": ("fy2024/index.html", "Financial year 2024/25", "Download the figures"),
    "force": ("fy2024/forces/kent.html", "Kent Police", "Referrals and outcomes so far"),
    "map": ("fy2024/map.html", "Reports per 1,000 officers a year, by force",
            "Contains OS data © Crown copyright and database right 2023"),
}  # fmt: skip


def _oversight(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "oversight", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def served_site(demo_db: Path, tmp_path_factory):
    """The site of the demo with FY 2024/25 released, served by python -m http.server: its
    address, and the folder publish wrote the release into."""
    folder = tmp_path_factory.mktemp("static_site")
    db_path = folder / "demo.duckdb"
    shutil.copy(demo_db, db_path)
    _oversight("publish", "--db", str(db_path), "--out", str(folder / "released"),
               "--year", "2024")  # fmt: skip
    _oversight("site", "--db", str(db_path), "--out", str(folder / "site"))
    port = free_port()
    with open(folder / "server.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(folder / "site")],
            stdout=log, stderr=log,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{url}/index.html", server, "http.server", log=folder / "server.log")
        yield url, folder / "released"
    finally:
        server.terminate()
        server.wait(timeout=20)


class Outside:
    """Refuses, and notes, every request to a host other than the site's."""

    def __init__(self, site: str):
        self.host, self.asked = urllib.parse.urlsplit(site).netloc, []

    def __call__(self, route) -> None:
        parts = urllib.parse.urlsplit(route.request.url)
        if parts.scheme == "data" or parts.netloc == self.host:
            route.continue_()
        else:
            self.asked.append(route.request.url)
            route.abort("blockedbyclient")


def _context(browser, site: str, width: int, javascript: bool):
    context = browser.new_context(
        viewport={"width": width, "height": 1000}, java_script_enabled=javascript
    )
    outside = Outside(site)
    context.route("**/*", outside)
    return context, outside


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_the_static_site_reads_without_javascript_and_meets_wcag_aa(
    served_site, browser, name, width
):
    served_site, _ = served_site
    path, heading, text = PAGES[name]
    context, outside = _context(browser, served_site, width, javascript=False)
    page = context.new_page()
    response = page.goto(f"{served_site}/{path}")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == heading
    page.get_by_text(text).first.wait_for(timeout=10_000)
    page.get_by_text("Synthetic demonstration data").first.wait_for(timeout=10_000)
    # the page's own scripts do not run here: a script added to it does nothing
    page.add_script_tag(content="window.ranHere = true")
    assert page.evaluate("() => window.ranHere") is None
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # nothing but a table's own scrolling box runs past the column's right edge
    past = page.evaluate(
        """() => {
            const right = document.querySelector('main').getBoundingClientRect().right + 1;
            return [...document.querySelectorAll('main *')]
                .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > right)
                .map(e => e.tagName + '.' + e.className);
        }"""
    )
    assert past == []
    if name == "map":
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('svg[role=img] path[data-force]')]"
            ".filter(p => p.getBBox().width > 0).length"
        )
        assert drawn == 43
    if name == "force":
        chart = page.get_by_role("img", name="Reports per 1,000 officers a year: Kent Police")
        box = chart.bounding_box()
        assert 0 < box["width"] <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"static_{name}_{width}.png"), full_page=True)
    assert outside.asked == []
    context.close()

    # axe is a script: a second context, with JavaScript on, for it alone
    context, outside = _context(browser, served_site, width, javascript=True)
    page = context.new_page()
    page.goto(f"{served_site}/{path}")
    assert violations(page, f"{name} at {width} px") == []
    assert outside.asked == []
    context.close()


def test_the_released_files_download_as_released(served_site, browser):
    """A download link of the release page gives the released file, under a name that says
    its period."""
    served_site, released = served_site
    context, _ = _context(browser, served_site, 1400, javascript=False)
    page = context.new_page()
    page.goto(f"{served_site}/fy2024/index.html")
    with page.expect_download() as download:
        page.get_by_role("link", name="Headline counts (CSV)").click()
    assert download.value.suggested_filename == "headline_fy2024.csv"
    assert Path(download.value.path()).read_bytes() == (released / "headline.csv").read_bytes()
    context.close()
