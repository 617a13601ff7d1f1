"""The dashboard when its database or its settings are wrong, through AppTest: staff are told
plainly what is wrong and what to do, the public only that the figures are not available; never
Streamlit's exception box, a web address, or synthetic figures in place of a file it did not
build."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oversight.ingest import import_extract
from tests.system.test_app import APP, age_schema, at_default_path, write_extract
from tests.system.test_cli import sha256
from tests.system.test_cli_failures import (
    damage,
    empty_older_schema,
    not_ours,
    sqlite_database,
)

# real (not synthetic) databases: the staff view without sign-in, on this computer
pytestmark = pytest.mark.usefixtures("staff_on_this_computer")

NOT_AVAILABLE = "The figures are not available at the moment. Please try again later."


def run(monkeypatch, db_path: Path | None, public: bool = False, **settings: str) -> AppTest:
    """Run the app on db_path (None: the default path, already set), for staff or the public."""
    if db_path is not None:
        monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    monkeypatch.setenv("OVERSIGHT_AUDIENCE", "public" if public else "internal")
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, app.exception
    return app


def only_error(app: AppTest) -> str:
    """The one message the page shows, having shown no figure."""
    assert not app.metric and not app.dataframe
    assert not any("Synthetic" in warning.value for warning in app.warning)
    messages = [error.value for error in app.error]
    assert len(messages) == 1, messages
    assert "://" not in messages[0]
    return messages[0]


@pytest.fixture(params=["middle", "start"])
def damaged_db(request, tmp_path, demo_db) -> Path:
    db_path = tmp_path / "damaged.duckdb"
    db_path.write_bytes(demo_db.read_bytes())
    damage(db_path, request.param)
    return db_path


def test_a_damaged_database_is_named_for_staff_with_what_to_do(monkeypatch, damaged_db):
    before = sha256(damaged_db)
    message = only_error(run(monkeypatch, damaged_db))
    assert message.startswith("The dashboard cannot use its database: ")
    assert f"{damaged_db} is damaged" in message
    assert "Restore it from a backup, or move it aside and import the extracts again" in message
    assert sha256(damaged_db) == before


def test_a_damaged_database_tells_the_public_only_that_figures_are_not_available(
    monkeypatch, damaged_db
):
    assert only_error(run(monkeypatch, damaged_db, public=True)) == NOT_AVAILABLE


BAD_SETTINGS = [
    ("OVERSIGHT_DISCLOSURE_THRESHOLD", "1"),
    ("OVERSIGHT_DISCLOSURE_THRESHOLD", "five"),
    ("OVERSIGHT_IMPORT_MEMORY", "lots"),
]


@pytest.mark.parametrize(("setting", "value"), BAD_SETTINGS)
def test_a_bad_setting_is_named_for_staff(monkeypatch, demo_db, setting, value):
    message = only_error(run(monkeypatch, demo_db, **{setting: value}))
    assert message.startswith(f"This dashboard is not configured correctly: {setting} ")
    assert repr(value) in message and "restart the dashboard" in message


@pytest.mark.parametrize(("setting", "value"), BAD_SETTINGS)
def test_a_bad_setting_tells_the_public_only_that_figures_are_not_available(
    monkeypatch, demo_db, setting, value
):
    assert only_error(run(monkeypatch, demo_db, public=True, **{setting: value})) == NOT_AVAILABLE


def test_oversight_db_naming_a_folder_is_a_bad_setting(monkeypatch, tmp_path):
    message = only_error(run(monkeypatch, tmp_path))
    assert message.startswith("This dashboard is not configured correctly: OVERSIGHT_DB ")


@pytest.mark.parametrize("public", [False, True])
def test_a_sqlite_database_is_refused_without_fetching_an_extension(monkeypatch, tmp_path, public):
    db_path = sqlite_database(tmp_path / "other.db")
    before = sha256(db_path)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # where DuckDB would install the sqlite extension
    message = only_error(run(monkeypatch, db_path, public=public))
    if public:
        assert message == NOT_AVAILABLE
    else:
        assert f"{db_path} is not an Oversight database: it is a SQLite file" in message
        assert "extension" not in message
    assert list(home.iterdir()) == []
    assert sha256(db_path) == before


@pytest.mark.parametrize("public", [False, True])
def test_an_older_empty_database_named_by_oversight_db_is_not_replaced_by_the_demo(
    monkeypatch, tmp_path, public
):
    db_path = empty_older_schema(tmp_path / "production.duckdb")
    before = sha256(db_path)
    message = only_error(run(monkeypatch, db_path, public=public))
    assert message == NOT_AVAILABLE if public else "schema version" in message
    assert sha256(db_path) == before


def test_an_older_demo_named_by_oversight_db_is_reported_not_rebuilt(
    monkeypatch, tmp_path, demo_db
):
    db_path = tmp_path / "old-demo.duckdb"
    db_path.write_bytes(demo_db.read_bytes())
    age_schema(db_path)
    before = sha256(db_path)
    assert "python -m oversight demo" in only_error(run(monkeypatch, db_path))
    assert sha256(db_path) == before


def real_older_schema(db_path: Path) -> Path:
    import_extract([write_extract(db_path.parent / "extract", ["X1"])], db_path)
    age_schema(db_path)
    return db_path


@pytest.mark.parametrize(
    "make",
    [empty_older_schema, not_ours, sqlite_database, real_older_schema],
    ids=lambda make: make.__name__,
)
def test_at_the_default_path_only_a_demo_oversight_built_is_replaced(monkeypatch, tmp_path, make):
    db_path = make(tmp_path / "oversight.duckdb")
    before = sha256(db_path)
    at_default_path(monkeypatch, db_path)
    only_error(run(monkeypatch, None))
    assert sha256(db_path) == before
