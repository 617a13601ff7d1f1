"""The dashboard through Streamlit's AppTest: first run, the banner, counts, live refresh."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT

# real (not synthetic) databases: the staff view without sign-in, on this computer
pytestmark = pytest.mark.usefixtures("staff_on_this_computer")

APP = str(PROJECT_ROOT / "app.py")


def run_app(monkeypatch, db_path: Path) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_first_run_builds_the_demo_and_says_it_is_synthetic(monkeypatch, tmp_path, demo_counts):
    db_path = tmp_path / "fresh" / "oversight.duckdb"
    monkeypatch.setattr("oversight.settings.DEFAULT_DB", db_path)  # the default path, no env
    monkeypatch.delenv("OVERSIGHT_DB", raising=False)
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, app.exception
    assert db_path.exists()
    assert any("Synthetic demonstration data" in w.value for w in app.warning)
    assert any("Data as at 2026-10-31" in c.value for c in app.caption)
    shown = metrics(app)
    assert shown["Reports"] == f"{demo_counts['reports']:,}"
    assert shown["Online share"] == f"{demo_counts['online'] / demo_counts['reports']:.0%}"
    assert shown["Passed to a force"] == f"{demo_counts['disseminated']:,}"
    assert shown["Investigations"] == f"{demo_counts['investigations']:,}"


def write_extract(folder: Path, report_ids: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["report_id,received_at,channel,categories,subject_force,subject_role,anonymous"]
    lines += [f"{rid},2024-07-01,online,other,kent,officer,false" for rid in report_ids]
    (folder / "reports.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_running_app_shows_new_import_on_next_rerun(monkeypatch, tmp_path):
    first_count, added = 3, 2
    db_path = tmp_path / "live.duckdb"
    ids = [f"X{i}" for i in range(first_count)]
    import_extract([write_extract(tmp_path / "one", ids)], db_path)
    app = run_app(monkeypatch, db_path)
    assert metrics(app)["Reports"] == str(first_count)
    assert not any("Synthetic" in w.value for w in app.warning)  # real imports: no banner

    more = [f"Y{i}" for i in range(added)]
    import_extract([write_extract(tmp_path / "two", more)], db_path)
    app.run()
    assert not app.exception
    assert metrics(app)["Reports"] == str(first_count + added)
    assert metrics(app)["Online share"] == "100%"


def age_schema(db_path: Path) -> None:
    """Make a database look as if an older Oversight had built it."""
    import duckdb

    with duckdb.connect(str(db_path)) as con:
        con.execute("update database_info set schema_version = schema_version - 1")


def at_default_path(monkeypatch, db_path: Path) -> None:
    """Make db_path the dashboard's default database (OVERSIGHT_DB not set)."""
    monkeypatch.setattr("oversight.settings.DEFAULT_DB", db_path)
    monkeypatch.delenv("OVERSIGHT_DB", raising=False)


def test_demo_file_of_an_older_schema_at_the_default_path_is_rebuilt(
    monkeypatch, tmp_path, demo_db, demo_counts
):
    db_path = tmp_path / "oversight.duckdb"
    db_path.write_bytes(demo_db.read_bytes())
    age_schema(db_path)
    at_default_path(monkeypatch, db_path)
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, app.exception
    assert metrics(app)["Reports"] == f"{demo_counts['reports']:,}"


def test_real_data_of_an_older_schema_is_never_replaced(monkeypatch, tmp_path):
    db_path = tmp_path / "old-real.duckdb"
    import_extract([write_extract(tmp_path / "one", ["X1"])], db_path)
    age_schema(db_path)
    before = db_path.read_bytes()
    monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    assert any("schema version" in error.value for error in app.error)
    assert not app.metric
    assert db_path.read_bytes() == before


def test_a_missing_database_named_by_oversight_db_is_reported_not_replaced_by_the_demo(
    monkeypatch, tmp_path
):
    db_path = tmp_path / "typo" / "production.duckdb"
    monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    assert any("There is no database" in error.value for error in app.error)
    assert not db_path.exists()


def test_a_file_that_is_not_a_database_is_reported(monkeypatch, tmp_path):
    db_path = tmp_path / "junk.duckdb"
    db_path.write_bytes(b"not a database")
    monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    assert any("not an Oversight database" in error.value for error in app.error)
    assert db_path.read_bytes() == b"not a database"
