"""The briefing in Debian's chromium: briefing.pdf printed by the command line, and
briefing.html opened offline (no request, no script, no error), at a desktop's and a phone's
width, with axe-core finding nothing against WCAG 2.2 A and AA. Fails (does not skip) when
chromium is missing: scripts/test.sh installs it."""

import datetime as dt
import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from oversight.briefing.content import internal_briefing
from oversight.briefing.sources import database_briefing
from oversight.briefing.write import write_briefing
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.settings import PROJECT_ROOT
from oversight.snapshot.periods import PublicPeriod
from oversight.status import read_status
from tests.system.axe import WIDTHS, violations
from tests.system.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT_ROOT / "artifacts" / "briefing"
FY2025 = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025")


@pytest.fixture(scope="module")
def briefings(demo_database, tmp_path_factory) -> dict[str, Path]:
    """Kent's internal briefing over 2025/26 and its public one over 2024/25, written by the
    same code as the command line (with chromium, so with their PDFs)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/test.sh to install it"
    folder = tmp_path_factory.mktemp("briefings")
    con = connect_read_only(demo_database)
    try:
        run = functools.partial(run_query, con)
        internal = internal_briefing(run, FY2025, read_status(run), "kent")
        public = database_briefing(con, demo_database, "kent", PublicPeriod(2024), public=True)
    finally:
        con.close()
    written = {
        "internal": write_briefing(internal, folder / "internal"),
        "public": write_briefing(public, folder / "public"),
    }
    return {kind: w.html for kind, w in written.items()}


def test_the_command_line_prints_the_pdf(demo_database, tmp_path):
    # a copy: the command puts the briefing on the audit log, in a ledger beside the database
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_database, db_path)
    out = tmp_path / "briefing"
    result = subprocess.run(
        [sys.executable, "-m", "oversight", "briefing", "--db", str(db_path), "--force",
         "kent", "--year", "2025", "--out", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["briefing.html", "briefing.pdf"]
    pdf = (out / "briefing.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 4  # A4 pages, every section
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "briefing.pdf").write_bytes(pdf)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["internal", "public"])
def test_the_html_is_offline_fits_and_passes_axe(browser, briefings, kind, width):
    path = briefings[kind]
    # the page's Content-Security-Policy would refuse axe's script; every request is still seen
    context = browser.new_context(viewport={"width": width, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert requests == [path.as_uri()] and errors == []
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # headings in order: one h1, and no level skipped
        levels = page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))"
        )
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
        charts = page.locator("svg.chart")
        assert charts.count() >= (6 if kind == "internal" else 1)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{kind}_{width}.png"), full_page=True)
        assert violations(page, f"{kind} briefing at {width} px") == []
    finally:
        context.close()
