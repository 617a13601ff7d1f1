"""Sign-in and roles end to end: a real `streamlit run app.py` with an [auth] section, a real
OpenID Connect provider (oidc-provider-mock) and a real roles file, in Debian's chromium.

Each role signs in through the provider's form and tries to reach what it may not see: other
forces' figures, the Publish, Import and audit pages, by the sidebar and by crafted addresses.
A browser that has not signed in must receive nothing of a staff page over the websocket.
"""

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from oversight import audit
from tests.system.axe import violations
from tests.system.signin import browser_context, chromium, serve_with_sign_in, sign_in, sign_out

pytestmark = pytest.mark.browser

ROLES = (
    "email,role,force_code\n"
    "pcc@kent.example,force,kent\n"
    "analyst@npcc.example,national,\n"
    "admin@npcc.example,admin,\n"
)
# Text that only a staff page sends (its headings), and a figure only staff pages show
STAFF_MARKERS = (b"The path of a report", b"Reports by month", b"Compare forces on",
                 b"Publish a snapshot", b"Import an extract", b"Audit log")  # fmt: skip
NAVIGATION = '[data-testid="stSidebarNav"]'


@pytest.fixture(scope="module")
def signin_app(demo_db: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sign_in")
    with serve_with_sign_in(demo_db, folder, ROLES, OVERSIGHT_VALIDATE_CHARTS="0") as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as opened:
        yield opened


def frames_of(page) -> list[bytes]:
    """Every websocket frame the page receives from now on."""
    frames: list[bytes] = []

    def listen(socket):
        socket.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, bytes) else payload.encode()
        ))  # fmt: skip

    page.on("websocket", listen)
    return frames


def settled(page) -> None:
    """Wait until the app has finished its run."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=60_000)  # fmt: skip
    page.wait_for_timeout(300)


def nav_links(page) -> list[str]:
    # each link is its icon's name, then its label
    return [
        text.split("\n")[-1].strip() for text in page.locator(f"{NAVIGATION} a").all_inner_texts()
    ]


def metric(page, label: str):
    """The value of the tile labelled exactly label."""
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return tile.get_by_test_id("stMetricValue").first


def main_h2(page) -> list[str]:
    return [t.strip() for t in page.locator('[data-testid="stMain"] h2').all_inner_texts()]


def title(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_a_browser_that_has_not_signed_in_gets_the_public_view_only(signin_app, browser):
    with browser_context(browser) as context:
        page = context.new_page()
        frames = frames_of(page)
        for path in ("", "/overview", "/forces?focus=kent", "/publish", "/import_data",
                     "/audit_log", "/reports?force=kent"):  # fmt: skip
            page.goto(f"{signin_app.url}{path}")
            settled(page)
            assert title(page) == "Published figures", path
            assert nav_links(page) == ["Published figures", "About the data"]
        page.get_by_role("button", name="Sign in", exact=True).wait_for()
        assert violations(page) == []
        received = b"".join(frames)
        assert received, "no websocket frames were captured"
        assert not [m for m in STAFF_MARKERS if m in received]


def test_a_kent_user_sees_kent_and_cannot_reach_more(signin_app, browser, demo):
    kent = int(demo["reports"]["subject_force"].eq("kent").sum())
    with browser_context(browser) as context:
        page = context.new_page()
        sign_in(page, signin_app.url, "pcc@kent.example")
        settled(page)
        assert nav_links(page) == ["Overview", "Reports", "Outcomes and timeliness", "Forces",
                                   "Fairness", "Published figures", "About the data"]  # fmt: skip
        assert page.get_by_text("Signed in as pcc@kent.example (force)").is_visible()
        frames = frames_of(page)
        for path in ("/overview", "/overview?force=metropolitan",
                     "/overview?region=London&force=essex&force=kent"):  # fmt: skip
            page.goto(f"{signin_app.url}{path}")
            settled(page)
            # waits until the rerun has drawn it (a stale tile may show for a moment)
            expect(metric(page, "Reports")).to_have_text(f"{kent:,}", timeout=30_000)
        # another force on the Forces page: Kent's is the only one offered
        page.goto(f"{signin_app.url}/forces?focus=metropolitan&period=fy2025")
        settled(page)
        assert main_h2(page)[0] == "Kent Police"
        assert violations(page) == []  # the signed-in sidebar, the withheld cells
        assert "Every force" not in main_h2(page)
        # pages of other roles, by address: the role's first page instead
        for path in ("/publish", "/import_data", "/audit_log"):
            page.goto(f"{signin_app.url}{path}")
            settled(page)
            assert title(page) == "Overview", path
        received = b"".join(frames)
        for marker in (b"Publish a snapshot", b"Import an extract", b"Audit log",
                       b"Metropolitan Police Service", b"Compare forces on"):  # fmt: skip
            assert marker not in received, marker
        page.keyboard.press("Escape")  # the "Page not found" box the last address opened
        sign_out(page)
        settled(page)
        assert title(page) == "Published figures"
        assert nav_links(page) == ["Published figures", "About the data"]


def test_a_national_user_sees_every_force_and_publish_but_not_import(signin_app, browser):
    with browser_context(browser) as context:
        page = context.new_page()
        frames = frames_of(page)
        sign_in(page, signin_app.url, "analyst@npcc.example")
        settled(page)
        links = nav_links(page)
        assert "Publish" in links and "Import an extract" not in links
        assert b"The path of a report" in b"".join(frames)  # the markers can be seen
        page.goto(f"{signin_app.url}/forces?focus=metropolitan")
        settled(page)
        assert main_h2(page)[0] == "Metropolitan Police Service"
        page.goto(f"{signin_app.url}/import_data")
        settled(page)
        assert title(page) == "Overview"


def test_an_unknown_user_is_signed_in_but_sees_the_public_view(signin_app, browser):
    with browser_context(browser) as context:
        page = context.new_page()
        sign_in(page, signin_app.url, "stranger@example.org")
        settled(page)
        assert title(page) == "Published figures"
        assert page.get_by_text("you have no staff access").is_visible()
        page.goto(f"{signin_app.url}/overview")
        settled(page)
        assert title(page) == "Published figures"


@pytest.fixture(scope="module")
def empty_signin_app(tmp_path_factory):
    """A server with sign-in and no database yet: an admin makes it by the first import."""
    folder = tmp_path_factory.mktemp("sign_in_empty")
    with serve_with_sign_in(folder / "oversight.duckdb", folder, ROLES,
                            OVERSIGHT_VALIDATE_CHARTS="0") as served:  # fmt: skip
        yield served, folder / "oversight.duckdb"


def test_an_admin_imports_and_finds_it_in_the_audit_log(
    empty_signin_app, browser, demo_files, demo_counts
):
    served, db_path = empty_signin_app
    with browser_context(browser) as context:
        page = context.new_page()
        sign_in(page, served.url, "admin@npcc.example")
        settled(page)
        assert {"Import", "Audit log", "Publish"} <= set(nav_links(page))
        page.goto(f"{served.url}/import_data")
        settled(page)
        assert title(page) == "Import an extract"
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(path) for path in demo_files.values()]
        )
        page.get_by_role("button", name="Import these files").click(timeout=120_000)
        page.get_by_text("Imported: import").wait_for(timeout=120_000)
        assert violations(page) == []
        page.goto(f"{served.url}/overview")
        settled(page)
        expect(metric(page, "Reports")).to_have_text(f"{demo_counts['reports']:,}",
                                                      timeout=30_000)  # fmt: skip
        page.goto(f"{served.url}/audit_log")
        settled(page)
        assert title(page) == "Audit log"
        assert violations(page) == []
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the audit log (CSV)").click()
        log = download.value.path().read_text()
        assert "admin@npcc.example,admin,import" in log
    # the download itself is on record, written within a few seconds (events are batched)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (audit.events(db_path)["event"] == "download").any():
        time.sleep(0.5)
    downloads = audit.events(db_path).query("event == 'download'")
    assert json.loads(downloads["detail"].iat[0])["file"] == "audit_log.csv"
