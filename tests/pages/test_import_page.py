"""The Import page in AppTest, run as an admin: upload, dry run, import, and the refusals.

The page file is run directly with the session app.py would decide for a signed-in admin
(oversight.access keeps it in session state); app.py registers the page for admins only."""

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oversight import access, upload
from oversight.ingest import import_extract
from oversight.roles import Access
from oversight.settings import PROJECT_ROOT

PAGE = str(PROJECT_ROOT / "app_pages" / "import_data.py")
ADMIN = "admin@example.org"
TABLES = ("reports", "referrals", "outcomes")


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def open_import_page(monkeypatch):
    """open_import_page(db_path, role="admin") -> AppTest that has run the page once."""

    def opener(db_path: Path, role: str = "admin") -> AppTest:
        monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
        app = AppTest.from_file(PAGE, default_timeout=120)
        app.session_state["_oversight_session"] = access.Session(
            Access(role), access.SIGNED_IN, ADMIN
        )
        app.run()
        assert not app.exception, app.exception
        return app

    return opener


def upload_files(app: AppTest, paths) -> AppTest:
    app.file_uploader[0].set_value(
        [(Path(p).name, Path(p).read_bytes(), "text/csv") for p in paths]
    )
    app.run()
    assert not app.exception, app.exception
    return app


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def first_reports(demo_files, tmp_path_factory) -> Path:
    """The demo's first 500 reports, alone: a real database holds them before the upload."""
    folder = tmp_path_factory.mktemp("first_reports")
    read(demo_files["reports"]).head(500).to_csv(folder / "reports.csv", index=False)
    return folder / "reports.csv"


@pytest.fixture
def real_db(first_reports, tmp_path) -> Path:
    db_path = tmp_path / "db" / "oversight.duckdb"
    import_extract([first_reports], db_path)
    return db_path


def test_only_admins_see_the_page(open_import_page, real_db):
    app = open_import_page(real_db, role="national")
    assert [e.value for e in app.error] == ["This page is not available."]
    assert not app.file_uploader


def test_the_page_states_the_upload_limit(open_import_page, real_db):
    app = open_import_page(real_db)
    assert app.title[0].value == "Import an extract"
    assert f"{upload.MAX_UPLOAD_MB} MB" in app.file_uploader[0].help
    assert f"At most {upload.MAX_UPLOAD_MB} MB in all" in app.markdown[0].value
    assert not app.button  # nothing to import before an upload


def test_dry_run_then_import(open_import_page, real_db, demo_files):
    app = open_import_page(real_db)
    before = sha256(real_db)
    upload_files(app, demo_files.values())
    assert sha256(real_db) == before  # the dry run wrote nothing
    changes = app.dataframe[0].value.set_index("table")
    reports = read(demo_files["reports"])
    assert changes.loc["reports", "to add"] == len(reports) - 500
    assert changes.loc["reports", "unchanged"] == 500
    assert changes.loc["referrals", "to add"] == len(read(demo_files["referrals"]))
    assert changes.loc["outcomes", "to add"] == len(read(demo_files["outcomes"]))

    app.button(key="import_confirm").click().run()
    assert not app.exception, app.exception
    assert sha256(real_db) != before
    assert any(s.value.startswith("Imported: import 2 into the database.") for s in app.success)
    files = next(d.value for d in app.dataframe if "rows read" in d.value.columns)
    assert dict(zip(files["file"], files["rows read"], strict=True)) == {
        name: len(read(path)) for name, path in
        ((p.name, p) for p in demo_files.values())
    }  # fmt: skip
    history = next(d.value for d in app.dataframe if "Imported by" in d.value.columns)
    assert dict(zip(history["Import"], history["Imported by"], strict=True)) == {
        2: ADMIN,
        1: upload.COMMAND_LINE,
    }
    tried = next(d.value for d in app.dataframe if "Result" in d.value.columns)
    assert tried[["User", "Result"]].values.tolist() == [[ADMIN, "imported"], [ADMIN, "dry run"]]
    # the uploader is emptied for the next extract
    app.run()
    assert not app.file_uploader[0].value
    assert not app.button


def test_a_broken_upload_lists_every_problem(open_import_page, real_db, demo_files, tmp_path):
    lines = demo_files["reports"].read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[6].rstrip("\n").split(",")
    cells[header.index("received_at")] = "2024-13-45"
    lines[6] = ",".join(cells) + "\n"
    broken = tmp_path / "broken" / "reports.csv"
    broken.parent.mkdir()
    broken.write_text("".join(lines), encoding="utf-8")
    before = sha256(real_db)
    app = upload_files(open_import_page(real_db), [broken])
    assert [e.value for e in app.error] == [
        "Extract refused, nothing was imported: 1 problem found."
    ]
    problems = app.dataframe[0].value
    assert problems[["file", "line", "column", "value"]].values.tolist() == [
        ["reports.csv", 7, "received_at", "2024-13-45"]
    ]
    assert app.get("download_button")[0].proto.label == "Download the problems (CSV)"
    assert not app.button  # no import offered
    assert sha256(real_db) == before


def test_real_data_is_not_mixed_with_the_demo(
    open_import_page, demo_database, demo_files, tmp_path
):
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_database, db_path)
    app = upload_files(open_import_page(db_path), demo_files.values())
    assert len(app.error) == 1
    assert (
        "holds the synthetic demonstration data: real extracts are not mixed" in app.error[0].value
    )
    assert not app.button


def test_the_first_import_makes_the_database(open_import_page, first_reports, tmp_path):
    db_path = tmp_path / "new" / "oversight.duckdb"
    app = open_import_page(db_path)
    assert not db_path.exists()
    upload_files(app, [first_reports])
    app.button(key="import_confirm").click().run()
    assert not app.exception, app.exception
    assert db_path.exists()
    assert any(s.value.startswith("Imported: import 1") for s in app.success)


def test_an_upload_over_the_limit_is_refused(open_import_page, real_db, monkeypatch):
    monkeypatch.setattr(upload, "MAX_UPLOAD_MB", 1)
    app = open_import_page(real_db)
    app.file_uploader[0].set_value(
        [("reports.csv", b"x" * 700_000, "text/csv"), ("outcomes.csv", b"y" * 700_000, "text/csv")]
    )
    app.run()
    assert not app.exception, app.exception
    assert app.error[0].value.startswith("The files come to 1.3 MB together; an upload may hold")
