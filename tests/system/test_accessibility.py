"""Accessibility in a real browser (issue 11): axe-core against WCAG 2.2 AA (tests/system/axe.py)
on every page each kind of user can reach, found from the sidebar's page links so that a new
page is checked too, at a desktop's width and a phone's; on the snapshot report; keyboard focus
that can be seen on the sidebar's page links; and no request from any page to another host.

Each failure lists every problem found, one line each: the page and width, the rule, its
impact and the element, so one run says everything there is to fix.
"""

import contextlib
import datetime as dt
import functools
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from oversight.db import connect_read_only, run_query
from oversight.snapshot.build import force_snapshot
from oversight.snapshot.write import write_snapshot
from tests.system.axe import WIDTHS, Exemption, violations
from tests.system.signin import LOOPBACK_HOSTS, chromium, serve_with_sign_in, sign_in
from tests.system.test_browser import served_app, served_public  # noqa: F401 (fixtures)
from tests.system.test_cli import oversight

pytestmark = pytest.mark.browser

ADMIN, KENT = "admin@npcc.example", "pcc@kent.example"
ROLES_CSV = f"email,role,force_code\n{ADMIN},admin,\n{KENT},force,kent\n"
PERIOD = "period=fy2025"  # a whole year, every chart drawn
CUSTOM_DATES = "period=custom&from=2025-01-01&to=2025-06-30"
# Streamlit 1.67's date picker names its month and year menus "month" and "year" while they
# show "January" and "2025" (WCAG 2.5.3, label in name). The markup is Streamlit's own, and no
# setting or style changes an accessible name: only these two buttons are exempt, only there.
DATE_PICKER_MENUS = Exemption(
    "label-content-name-mismatch",
    '[data-testid="stDateInputCalendar"] button[aria-haspopup="listbox"]',
    "Streamlit's calendar names its month and year menus apart from the month and year shown",
)
# what Streamlit shows while a page is still being drawn
RUNNING = (
    "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
    " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
    ".every(chart => chart.querySelector('.main-svg'))"
)
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def signed_in_app(demo_db: Path, tmp_path_factory):
    """The dashboard with sign-in, on a copy of the demo database (the audit log is written
    beside it): an administrator sees every staff page, Kent's PCC a force user's pages."""
    folder = tmp_path_factory.mktemp("accessibility_sign_in")
    shutil.copy(demo_db, folder / "demo.duckdb")
    with serve_with_sign_in(
        folder / "demo.duckdb", folder, ROLES_CSV, OVERSIGHT_VALIDATE_CHARTS="0"
    ) as server:
        yield server


class Visit:
    """A browser page of its own, at one width, that may reach this computer only: every
    request to another host is refused, and noted in `outside`."""

    def __init__(self, page: Page, width: int):
        self.page, self.width, self.outside = page, width, []

    def refuse_outside(self, route: Route) -> None:
        url = route.request.url
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("file", "data") or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def open(self, address: str) -> str:
        """Open address and wait until the page is drawn; how the findings name it."""
        self.page.goto(address)
        if address.startswith("http"):  # a Streamlit page (not the snapshot's report)
            self.page.locator("h1").first.wait_for(timeout=90_000)
            self.page.wait_for_function(RUNNING, timeout=90_000)
            self.page.wait_for_timeout(500)  # plotly lays its labels out just after
        parts = urllib.parse.urlsplit(address)
        name = Path(parts.path).name if parts.scheme == "file" else parts.path
        return f"{name}{'?' + parts.query if parts.query else ''} at {self.width} px"

    def problems(self, where: str, exempt=()) -> list[str]:
        """What is wrong with the page as drawn now: an error shown, axe's findings, and the
        requests to other hosts made since the last look."""
        found = [f"{where}: the page shows an error"] if self.page.locator(ERRORS).count() else []
        found += violations(self.page, where, exempt)
        found += [f"{where}: asked another host for {url}" for url in self.outside]
        self.outside.clear()
        return found

    def check_pages(self, addresses: list[str]) -> list[str]:
        found = []
        for address in addresses:
            found += self.problems(self.open(address))
        return found

    def page_links(self) -> list[str]:
        """Every page in the sidebar's navigation (all of them, should Streamlit fold some)."""
        more = self.page.locator("[data-testid='stSidebarNavViewButton']")
        if more.count() and "more" in more.inner_text():
            more.click()
        links = self.page.locator("a[data-testid='stSidebarNavLink']")
        return links.evaluate_all("links => links.map(link => link.href)")


@contextlib.contextmanager
def visit(browser: Browser, width: int, **options) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": width, "height": 1000}, **options)
    try:
        opened = Visit(context.new_page(), width)
        context.route("**/*", opened.refuse_outside)
        yield opened
    finally:
        context.close()


def report(problems: list[str]) -> None:
    """Fail with every problem, one a line (and print them, for a run with -s)."""
    for line in problems:
        print(line)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def signed_in_pages(browser, server, email: str, width: int, extra: tuple[str, ...] = ()):
    """Sign email in, and check every page of theirs (with PERIOD) and the extra addresses;
    return the pages' names and the problems."""
    with visit(browser, width) as visitor:
        sign_in(visitor.page, server.url, email)
        visitor.outside.clear()  # the identity provider's own page loads a stylesheet from a CDN
        visitor.open(visitor.page.url)
        links = visitor.page_links()
        addresses = [f"{link}?{PERIOD}" for link in links] + [server.url + e for e in extra]
        names = {urllib.parse.urlsplit(link).path.strip("/") for link in links}
        return names, visitor.check_pages(addresses)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_of_an_administrator_meets_wcag_aa(browser, signed_in_app, width):
    """Every staff page (an administrator has them all), and the Publish page showing a
    force's own snapshot (a chosen force in its form)."""
    extra = (f"/publish?{PERIOD}&force=kent",)
    names, problems = signed_in_pages(browser, signed_in_app, ADMIN, width, extra)
    assert {"overview", "forces", "publish", "import_data", "audit_log", "about"} <= names
    report(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_of_a_force_user_meets_wcag_aa(browser, signed_in_app, width):
    names, problems = signed_in_pages(browser, signed_in_app, KENT, width)
    assert {"overview", "forces", "published"} <= names and "publish" not in names
    report(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_meets_wcag_aa(browser, served_public, width):  # noqa: F811
    """The public view's pages, and a force's own public page (?force=kent)."""
    with visit(browser, width) as visitor:
        visitor.open(served_public)
        links = visitor.page_links()
        assert len(links) >= 2
        report(visitor.check_pages([*links, f"{served_public}/published?force=kent"]))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sidebar_and_its_date_picker_meet_wcag_aa(browser, served_app, width):  # noqa: F811
    """The sidebar's filters with custom dates (the date fields, the calendar open), opened
    on a phone, where the sidebar starts folded away."""
    with visit(browser, width) as visitor:
        where = visitor.open(f"{served_app}/overview?{CUSTOM_DATES}")
        page = visitor.page
        sidebar = page.locator("[data-testid='stSidebar']")
        if sidebar.get_attribute("data-collapsed") == "true":
            page.locator("[data-testid='stExpandSidebarButton']").click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stSidebar\"]')"
                ".getAttribute('data-collapsed') === 'false'"
            )
            page.wait_for_timeout(500)  # the sidebar slides in
        problems = visitor.problems(f"{where}, sidebar open")
        sidebar.locator("[data-testid='stDateInputCalendarButton']").click()
        page.locator("[data-testid='stDateInputCalendar']").wait_for()
        problems += visitor.problems(f"{where}, calendar open", [DATE_PICKER_MENUS])
        report(problems)


@pytest.fixture(scope="module")
def snapshot_reports(demo_db: Path, tmp_path_factory) -> dict[str, Path]:
    """The snapshot's report (snapshot.html) of each kind: public (FY 2024/25), internal (FY
    2025/26), and a force's own (Kent, FY 2025/26), written as the command line and the pages
    write them."""
    folder = tmp_path_factory.mktemp("snapshot_reports")
    kinds = {"public": ["--year", "2024", "--public"], "internal": ["--year", "2025"]}
    for name, args in kinds.items():
        made = oversight("snapshot", "--db", str(demo_db), "--out", str(folder / name), *args)
        assert made.returncode == 0, made.stderr
    con = connect_read_only(demo_db)
    try:
        run = functools.partial(run_query, con)
        kent = force_snapshot(run, ("kent",), dt.date(2025, 4, 1), dt.date(2026, 3, 31))
        write_snapshot(kent, folder / "kent")
    finally:
        con.close()
    return {name: folder / name / "snapshot.html" for name in ("public", "internal", "kent")}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["public", "internal", "kent"])
def test_the_snapshot_report_meets_wcag_aa(browser, snapshot_reports, kind, width):
    # the report's own Content-Security-Policy forbids scripts: axe needs it set aside
    with visit(browser, width, bypass_csp=True) as visitor:
        where = visitor.open(snapshot_reports[kind].as_uri())
        report(visitor.problems(f"{kind} {where}"))


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(part) for part in re.findall(r"[\d.]+", css)[:3])


def _contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two opaque CSS colours."""

    def luminance(css: str) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
                  for c in _rgb(css)]  # fmt: skip
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


OUTLINE = (
    "element => { const style = getComputedStyle(element); return {style: style.outlineStyle,"
    " width: parseFloat(style.outlineWidth), color: style.outlineColor,"
    " background: style.backgroundColor}; }"
)


def test_keyboard_focus_on_a_sidebar_page_link_can_be_seen(browser, served_app):  # noqa: F811
    """Tabbing onto a page link draws an outline of 3:1 contrast or more against the sidebar,
    which the current page's link does not have: before, a focused link was shaded like the
    current page's and the two looked alike."""
    with visit(browser, 1400) as visitor:
        visitor.open(f"{served_app}/overview")
        page = visitor.page
        links = page.locator("a[data-testid='stSidebarNavLink']")
        current = page.locator("a[data-testid='stSidebarNavLink'][aria-current='page']")
        for _ in range(30):  # from the top of the page to the first page link
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.dataset.testid") == "stSidebarNavLink":
                break
        assert page.evaluate("() => document.activeElement.getAttribute('aria-current')") == "page"
        current_focused = page.evaluate(f"() => ({OUTLINE})(document.activeElement)")
        page.keyboard.press("Tab")  # to the next page's link
        focused = page.evaluate(f"() => ({OUTLINE})(document.activeElement)")
        assert page.evaluate("() => document.activeElement.textContent").endswith("Reports")
        resting = current.evaluate(OUTLINE)  # the current page's link, focus gone
        other = links.nth(2).evaluate(OUTLINE)  # a link neither current nor focused
        sidebar = page.locator("[data-testid='stSidebar']").evaluate(OUTLINE)["background"]

        for shown in (focused, current_focused):
            assert shown["style"] == "solid" and shown["width"] >= 2, shown
            assert _contrast(shown["color"], sidebar) >= 3, (shown, sidebar)
        assert resting["style"] == "none" and other["style"] == "none"
