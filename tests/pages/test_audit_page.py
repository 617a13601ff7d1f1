"""The audit log as admins see it, and what a session puts on record (oversight/activity.py):
through app.py, signed in, on a real ledger."""

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from oversight import audit, ledger
from oversight.snapshot import register
from tests.pages.conftest import pages


def on_audit_log(app: AppTest) -> AppTest:
    app.switch_page("app_pages/audit_log.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Audit log"
    return app


@pytest.fixture
def audit_page_db(demo_database, tmp_path, monkeypatch):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(demo_database, db_path)
    monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    return db_path


def test_the_audit_log_page_shows_the_log_and_filters_by_user(audit_page_db, app_as):
    audit.record(audit_page_db, "a@x.police.uk", "staff", audit.VIEW, "overview")
    audit.record(audit_page_db, "=HYPERLINK(1)", "staff", audit.DENIED, "publish")
    # left waiting: the page writes them before reading
    app = on_audit_log(app_as("admin@npcc.example", db=audit_page_db))
    assert app.title[0].value == "Audit log"
    table = app.dataframe[0].value
    # the admin's own sign-in and views are on record too, newest first
    assert table["User"].tolist()[-2:] == ["'=HYPERLINK(1)", "a@x.police.uk"]
    assert set(table["User"][:-2]) == {"admin@npcc.example"}
    assert table["Event"].tolist()[-3:] == ["sign-in", "denied", "view"]
    assert app.selectbox(key="audit_user").options == [
        "All users",
        "=HYPERLINK(1)",
        "a@x.police.uk",
        "admin@npcc.example",
    ]

    app.selectbox(key="audit_user").select("a@x.police.uk").run()
    assert not app.exception, app.exception
    assert app.dataframe[0].value["Event"].tolist() == ["view"]


def test_the_audit_log_page_shows_the_span_chosen(audit_page_db, app_as):
    # an event of two years ago, as the log would hold it
    with ledger.appending(audit_page_db) as con:
        con.execute(
            "insert into audit_events (recorded_at, user_id, role, event, page, detail) "
            "values (now()::timestamp - interval 730 day, 'old@npcc.example', 'national', "
            "'view', 'Overview', '{}')"
        )
    app = on_audit_log(app_as("admin@npcc.example", db=audit_page_db))
    assert "old@npcc.example" not in app.dataframe[0].value["User"].tolist()  # the last 30 days
    app.selectbox(key="audit_span").select(0).run()
    assert app.dataframe[0].value["User"].tolist()[-1] == "old@npcc.example"
    app.selectbox(key="audit_user").select("old@npcc.example").run()
    app.selectbox(key="audit_span").select(7).run()
    assert not app.exception, app.exception
    assert not app.dataframe
    assert "No events match" in app.info[0].value


def test_only_admins_have_the_audit_log(app_as):
    assert "audit_log" in pages(app_as("admin@npcc.example"))
    for email in ("analyst@npcc.example", "pcc@kent.example", None):
        assert "audit_log" not in pages(app_as(email))


def test_sign_in_views_and_downloads_are_on_record(audit_page_db, app_as):
    app = app_as("pcc@kent.example", db=audit_page_db)
    app.run()  # a rerun with nothing changed records nothing more
    app.switch_page("app_pages/reports.py").run()
    app.selectbox(key="f_period").select("fy2025").run()
    download = app.get("download_button")
    assert not app.exception, app.exception
    audit.flush(audit_page_db)
    log = audit.events(audit_page_db).iloc[::-1]
    assert log["event"].tolist() == ["sign-in", "view", "view", "view"]
    assert log["page"].tolist() == ["", "Overview", "Reports", "Reports"]
    assert set(log["user_id"]) == {"pcc@kent.example"} and set(log["role"]) == {"force"}
    filters = [json.loads(d)["filters"] for d in log["detail"][1:]]
    assert "force: Kent" in filters[0] and "01 Apr 2025" in filters[2]
    assert download  # the page offers downloads; each is recorded when made (browser test)


def test_a_visitor_who_has_not_signed_in_is_not_recorded(audit_page_db, app_as):
    app_as(None, db=audit_page_db)
    audit.flush(audit_page_db)
    assert audit.events(audit_page_db).empty


def test_an_admin_releases_a_period_from_the_publish_page(audit_page_db, app_as):
    # the address names a public period, as a browser's does (AppTest keeps the sidebar's
    # period=all in it, which the Publish page would follow to an internal snapshot)
    national = app_as("analyst@npcc.example", {"period": "fy2024"}, db=audit_page_db)
    national.switch_page("app_pages/publish.py").run()
    assert not national.exception, national.exception
    assert not [b for b in national.button if b.key == "publish_release"]

    app = app_as("admin@npcc.example", {"period": "fy2024"}, db=audit_page_db)
    app.switch_page("app_pages/publish.py").run()
    assert app.toggle(key="publish_public").value
    app.selectbox(key="publish_public_period").select("fy2024").run()
    release = app.button(key="publish_release")
    assert release.disabled  # until the preview is said to be checked
    app.checkbox(key="publish_checked").check().run()
    app.button(key="publish_release").click().run()
    assert not app.exception, app.exception
    assert "Released Financial year 2024/25 (release 1)" in app.success[-1].value
    assert [r.period.key for r in register.listing(audit_page_db)] == ["fy2024"]
    log = audit.events(audit_page_db)
    published = log.loc[log["event"] == "publish"]
    assert published["user_id"].tolist() == ["admin@npcc.example"]
    assert json.loads(published["detail"].iat[0])["period"] == "fy2024"
    # a second release of the same period is refused in plain words, and nothing is recorded
    app.button(key="publish_release").click().run()
    assert "Nothing released" in app.error[0].value
    assert len(register.listing(audit_page_db)) == 1
