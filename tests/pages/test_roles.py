"""Each role sees what it may, through the real app.py and pages in AppTest: signed in with
Streamlit's own st.user (AppTest.user) and a real roles file. The browser tests sign in through
a real OpenID Connect provider (tests/system/test_sign_in.py)."""

import datetime as dt
import functools
from pathlib import Path

import pandas as pd
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from oversight.analysis.force_view import WITHHELD, force_user_view
from oversight.analysis.forces import forces_data
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.ingest import import_extract
from oversight.status import data_status
from tests.pages.conftest import APP, open_chart_numbers, pages

STAFF_PAGES = ["overview", "reports", "outcomes", "forces", "fairness"]
PUBLIC_PAGES = ["published", "about"]


def on(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


def test_a_visitor_who_has_not_signed_in_gets_the_public_view_and_a_sign_in_button(app_as):
    app = app_as(None)
    assert pages(app) == PUBLIC_PAGES
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.sidebar.multiselect  # no staff filters


def test_an_unknown_user_gets_the_public_view_and_is_told_whom_to_ask(app_as, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_ACCESS_CONTACT", "the NPCC Oversight team")
    app = app_as("stranger@example.org")
    assert pages(app) == PUBLIC_PAGES
    assert "the NPCC Oversight team" in app.info[0].value
    assert [b.label for b in app.sidebar.button] == ["Sign out"]


def test_each_role_has_its_pages_and_no_other(app_as):
    assert pages(app_as("pcc@kent.example")) == [*STAFF_PAGES, *PUBLIC_PAGES]
    assert pages(app_as("analyst@npcc.example")) == [*STAFF_PAGES, "publish", *PUBLIC_PAGES]
    admin = pages(app_as("admin@npcc.example"))
    assert admin[: len(STAFF_PAGES) + 1] == [*STAFF_PAGES, "publish"]


def test_a_removed_user_loses_access_at_the_next_rerun(app_as, roles_file):
    app = app_as("admin@npcc.example")
    assert "publish" in pages(app)
    roles_file.write_text("email,role,force_code\nanalyst@npcc.example,national,\n")
    app.run()
    assert pages(app) == PUBLIC_PAGES


def kent_reports(demo, forces=("kent",)) -> int:
    return int(demo["reports"]["subject_force"].isin(forces).sum())


def test_a_force_user_sees_its_own_force_whatever_the_url_asks(app_as, demo):
    for query in ({}, {"force": "metropolitan"}, {"region": "London", "force": ["essex", "kent"]}):
        app = app_as("pcc@kent.example", query)
        assert app.metric[0].value == f"{kent_reports(demo):,}", query
        assert app.sidebar.markdown[0].value == "**Force:** Kent"
        assert not [m for m in app.sidebar.multiselect if m.label in ("Force", "Region")]


FORCE_NAMES = set(pd.read_csv(Path(APP).parent / "data" / "forces.csv")["short_name"]) | set(
    pd.read_csv(Path(APP).parent / "data" / "forces.csv")["force_name"]
)


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_no_other_force_is_named_in_a_force_users_tables(app_as, page):
    app = open_chart_numbers(on(app_as("pcc@kent.example"), page))
    others = FORCE_NAMES - {"Kent", "Kent Police"}
    for frame in (element.value for element in app.dataframe):
        cells = set(frame.astype(str).to_numpy().ravel()) | set(map(str, frame.columns))
        assert not cells & others, (page, cells & others)


def test_a_force_user_sees_no_data_quality_or_imports_of_every_force(app_as):
    app = on(app_as("pcc@kent.example"), "about")
    headers = [h.value for h in app.header]
    assert "Data-quality notes" not in headers and "Import history" not in headers
    national = on(app_as("analyst@npcc.example"), "about")
    assert "Data-quality notes" in [h.value for h in national.header]


def counts_table(app: AppTest) -> pd.DataFrame:
    table = next(e.value for e in app.dataframe if "Count" in e.value.columns)
    return table.set_index("Count").map(lambda v: v if v == WITHHELD else int(v.replace(",", "")))


def test_a_force_users_region_and_nation_never_show_other_forces_small_counts(app_as, demo):
    """Lincolnshire's comparison in FY 2025/26, where the East Midlands less Lincolnshire is
    small for some counts: those cells are withheld, the rest shown exactly."""
    app = on(app_as("psd@lincolnshire.example", {"period": "fy2025"}), "forces")
    table = counts_table(app)
    assert (table == WITHHELD).to_numpy().any(), "the selection must exercise the audit"
    region, force = "East Midlands", "Lincolnshire Police"

    def differences(big: str, small: str) -> list[int]:
        shown = table[(table[big] != WITHHELD) & (table[small] != WITHHELD)]
        return (shown[big].astype(int) - shown[small].astype(int)).tolist()

    for big, small in ((region, force), ("England and Wales", region),
                       ("England and Wales", force)):  # fmt: skip
        assert not [d for d in differences(big, small) if 0 < d < 5], (big, small)
    # what is shown is exact: the East Midlands' reports, counted by hand
    reports = demo["reports"]
    forces = demo["forces"]
    members = set(forces.loc[forces["region_name"] == region, "force_code"])
    in_year = reports[reports["received_date"].between("2025-04-01", "2026-03-31")]
    assert table.at["Reports", region] == int(in_year["subject_force"].isin(members).sum())
    # and no funnel, table or download of every force
    assert "Every force" not in [h.value for h in app.header]
    assert not [b for b in app.get("download_button") if "every force" in str(b.proto.label)]


def test_a_force_user_sees_region_and_nation_for_whole_years_of_every_report_only(app_as):
    """Free dates and categories could be set against one another to show a small count: in
    them, the region and England and Wales are withheld whole."""
    query = {"period": "custom", "from": "2025-04-01", "to": "2025-06-30",
             "category": "sexual_misconduct"}  # fmt: skip
    app = on(app_as("pcc@kent.example", query), "forces")
    table = counts_table(app)
    assert (table[["South East", "England and Wales"]] == WITHHELD).all().all()
    assert (table["Kent Police"] != WITHHELD).all()
    assert any("whole financial year" in c.value for c in app.caption)


def test_a_force_user_choosing_a_role_of_the_person_reported_is_shown_its_own_force_only(app_as):
    """Roles could be set against one another as categories can (officers and staff, less
    officers, is staff): with a role chosen, the region and England and Wales are withheld."""
    app = on(app_as("pcc@kent.example", {"period": "fy2025", "role": "officer"}), "forces")
    table = counts_table(app)
    assert (table[["South East", "England and Wales"]] == WITHHELD).all().all()
    assert (table["Kent Police"] != WITHHELD).all()
    assert any("every channel, category and role" in c.value for c in app.caption)


def test_a_force_user_cannot_choose_another_force_on_the_forces_page(app_as):
    app = on(app_as("pcc@kent.example", {"focus": "metropolitan"}), "forces")
    assert app.selectbox(key="forces_focus").options == ["Kent"]
    assert app.header[0].value == "Kent Police"


@pytest.fixture
def real_db(demo_files, tmp_path) -> Path:
    db_path = tmp_path / "real.duckdb"
    import_extract(list(demo_files.values()), db_path)
    return db_path


def test_real_data_without_sign_in_is_not_served(real_db, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DB", str(real_db))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert "not configured correctly" in app.error[0].value
    assert not app.metric and not app.dataframe


def test_no_sign_in_serves_real_data_on_this_computer_only_with_a_banner(real_db, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DB", str(real_db))
    monkeypatch.setenv("OVERSIGHT_AUTH", "none")
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert "not configured correctly" in app.error[0].value  # listening on every interface
    address = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        app = AppTest.from_file(APP, default_timeout=120).run()
        assert not app.exception
        assert app.warning[0].value.startswith("**No sign-in.**")
        assert "publish" in pages(app)
    finally:
        config.set_option("server.address", address)


def test_the_demo_without_sign_in_is_served_with_the_national_view(page_db, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert "publish" in pages(app)
    assert not app.sidebar.button  # no sign-in to offer


def test_sign_in_applies_to_the_demo_too(app_as):
    assert pages(app_as(None)) == PUBLIC_PAGES


def test_a_force_users_reports_page_draws_no_england_and_wales_line(app_as):
    """Its queries read its own forces only, so a line so labelled would be its own rate."""
    app = open_chart_numbers(on(app_as("pcc@kent.example"), "reports"))
    rated = next(e.value for e in app.dataframe if "reports_per_1000_officers" in e.value.columns)
    assert rated["force_name"].tolist() == ["Kent Police"]
    national = open_chart_numbers(on(app_as("analyst@npcc.example"), "reports"))
    rated = next(e.value for e in national.dataframe
                 if "reports_per_1000_officers" in e.value.columns)  # fmt: skip
    assert any(name.startswith("England and Wales") for name in rated["force_name"])


def test_a_force_user_downloads_its_own_forces_figures_only(app_as):
    app = on(app_as("pcc@kent.example", {"period": "all"}), "forces")
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download your force's counts and rates (CSV)" in labels
    assert "Download every force's counts and rates (CSV)" not in labels


def test_a_force_user_downloads_its_own_snapshot_and_national_users_publish_instead(app_as):
    label = "Download your force's snapshot (zip: tables, spreadsheet, report, cover note)"
    app = on(app_as("pcc@kent.example", {"period": "fy2025"}), "forces")
    assert label in [b.proto.label for b in app.get("download_button")]
    national = on(app_as("analyst@npcc.example", {"period": "fy2025"}), "forces")
    assert label not in [b.proto.label for b in national.get("download_button")]


def test_the_own_force_download_holds_the_own_force_alone(demo_database, demo):
    """What the download writes (ForcesData.all_forces of the force user's view): Kent's row
    alone, with its reports counted by hand."""
    con = connect_read_only(demo_database)
    try:
        run = functools.partial(run_query, con)
        filters = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025", ("kent",))
        data = forces_data(run, filters, data_status(con).as_at_date, "kent")
    finally:
        con.close()
    own = force_user_view(data, ("kent",), 5, filters).all_forces
    assert own["force_code"].tolist() == ["kent"]
    reports = demo["reports"]
    in_year = reports[reports["received_date"].between("2025-04-01", "2026-03-31")]
    assert own["reports"].iat[0] == int(in_year["subject_force"].eq("kent").sum())
