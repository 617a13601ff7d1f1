"""Fixtures for the page tests: the demo database (tests/conftest.py) and a helper to open a
page in AppTest."""

import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from oversight.settings import PROJECT_ROOT
from tests.analysis.decided_reference import (
    LABELS,
    cohort_counts,
    days_shown,
    decided_rows,
    selected_referrals,
)

APP = str(PROJECT_ROOT / "app.py")
AS_AT = pd.Timestamp("2026-10-31")


# Sign-in as a real server has it: an [auth] section (AppTest.secrets), st.user (AppTest.user)
# and a roles file (OVERSIGHT_ROLES)
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a long random secret of more than 32 characters",
    "client_id": "oversight",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = (
    "email,role,force_code\n"
    "pcc@kent.example,force,kent\n"
    "psd@lincolnshire.example,force,lincolnshire\n"
    "analyst@npcc.example,national,\n"
    "admin@npcc.example,admin,\n"
)


@pytest.fixture
def roles_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "roles.csv"
    path.write_text(ROLES)
    monkeypatch.setenv("OVERSIGHT_ROLES", str(path))
    return path


@pytest.fixture(scope="session")
def signed_in_db(demo_database, tmp_path_factory) -> Path:
    """A copy of the demo database for signed-in sessions: their audit log is written beside
    it, and the shared demo database stays as it is."""
    path = tmp_path_factory.mktemp("signed_in") / "demo.duckdb"
    shutil.copy(demo_database, path)
    return path


@pytest.fixture
def app_as(signed_in_db, roles_file, monkeypatch):
    """app_as(email or None, query=..., db=...) -> AppTest of app.py, sign-in configured,
    signed in as email (None: not signed in), on the demo database unless db is given."""
    monkeypatch.setenv("OVERSIGHT_DB", str(signed_in_db))

    def opener(email: str | None, query: dict | None = None, db: Path | None = None) -> AppTest:
        if db is not None:
            monkeypatch.setenv("OVERSIGHT_DB", str(db))
        app = AppTest.from_file(APP, default_timeout=120)
        app.secrets["auth"] = AUTH
        app.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
        return run_app(app, query)

    return opener


def run_app(app: AppTest, query: dict | None = None) -> AppTest:
    """Run app with query as the address's parameters; fail on any exception."""
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def pages(app: AppTest) -> list[str]:
    """The pages registered in st.navigation for this session, by file name (AppTest keeps
    what the last run registered)."""
    # the root's redirect to the first page is a page without a script
    registered = app._registered_pages.values()
    return [Path(str(info["script_path"])).stem for info in registered if info.get("script_path")]


@pytest.fixture(scope="session")
def page_db(demo_database) -> Path:
    return demo_database


@pytest.fixture
def open_page(page_db, monkeypatch):
    """open_page("app_pages/x.py", query={...}) -> AppTest that has run app.py on that page;
    with chart_numbers=True, every chart's numbers are shown as well (see open_chart_numbers)."""

    def opener(
        page: str, query: dict[str, str | list[str]] | None = None, chart_numbers: bool = False
    ) -> AppTest:
        monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in (query or {}).items():
            app.query_params[key] = value
        app.run()
        if page != "app_pages/overview.py":
            app.switch_page(page).run()
        assert not app.exception, app.exception
        return open_chart_numbers(app) if chart_numbers else app

    return opener


def open_chart_numbers(app: AppTest) -> AppTest:
    """Open every "The numbers behind this chart" box and rerun: a chart's numbers table is
    drawn only while its box is open (dashboard.show_chart). Boxes stay open across reruns.
    A page showing no chart (an empty selection) is left as it is."""
    boxes = [key for key in app.session_state if key.startswith("numbers_")]
    if not boxes:
        return app
    for key in boxes:
        app.session_state[key] = True
    app.run()
    assert not app.exception, app.exception
    return app


def table(app, first_column: str, having: str | None = None) -> pd.DataFrame | None:
    """The dataframe shown whose first column is first_column (and that has column having)."""
    for frame in app.dataframe:
        columns = list(frame.value.columns)
        if columns[0] == first_column and (having is None or having in columns):
            return frame.value
    return None


@pytest.fixture
def made_on_click(monkeypatch) -> dict:
    """Each download button's deferred data by file name: Streamlit keeps it to run on the
    click, which AppTest cannot make."""
    kept: dict = {}
    register = MediaFileManager.add_deferred

    def keep(self, data, mimetype, coordinates, file_name=None, **kwargs):
        kept[file_name] = data
        return register(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return kept


def on_another_thread(make) -> bytes:
    """make() run as Streamlit runs a download's deferred data: on a thread of its own."""
    made: list[bytes] = []
    thread = threading.Thread(target=lambda: made.append(make()))
    thread.start()
    thread.join()
    return made[0]


def check_decided(app, demo, first: str, last: str, words: str, with_days: bool, **chosen) -> None:
    """The table of outcomes decided in the period beside the cohort's, as the Overview and
    Outcomes pages show it, against plain pandas counts from the demo extract (chosen: forces,
    channels, categories, roles)."""
    first_day, last_day = pd.Timestamp(first), pd.Timestamp(last)
    referrals = selected_referrals(demo["reports"], demo["referrals"], **chosen)
    decided = decided_rows(referrals, demo["outcomes"], first_day, last_day)
    cohort = cohort_counts(
        referrals[referrals["received_date"].between(first_day, last_day)], demo["outcomes"]
    )
    counts = table(app, "Outcome", having=f"Of reports received {words}, so far")
    times = table(app, "Outcome", having="Median days from the report")
    assert (times is not None) == with_days
    assert list(counts["Outcome"]) == list(LABELS.values())
    counts = counts.set_index("Outcome")
    for measure, label in LABELS.items():
        days = decided.loc[decided["measure"] == measure, "days"]
        assert counts.loc[label, f"Decided {words}"] == len(days), measure
        assert counts.loc[label, f"Of reports received {words}, so far"] == cohort[measure]
        if not with_days:
            continue
        row = times.set_index("Outcome").loc[label]
        assert row[f"Decided {words}"] == len(days), measure
        for heading, q in (("Median days from the report", 0.5), ("90th percentile (days)", 0.9)):
            want = days_shown(days.quantile(q), len(days)) if len(days) else "– (none decided)"
            assert row[heading] == want, (measure, heading)
