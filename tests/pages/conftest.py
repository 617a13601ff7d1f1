"""Fixtures for the page tests: the demo database built once, the demo extract as plain pandas
frames (for computing expected values independently), and a helper to open a page in AppTest."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oversight.demo import write_demo_extract
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
AS_AT = pd.Timestamp("2026-10-31")


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    return write_demo_extract(tmp_path_factory.mktemp("page_demo"))


@pytest.fixture(scope="session")
def page_db(demo_files, tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("page_db") / "demo.duckdb"
    import_extract(list(demo_files.values()), db_path, synthetic=True)
    return db_path


@pytest.fixture(scope="session")
def demo(demo_files) -> dict[str, pd.DataFrame]:
    """The demo extract read with plain pandas: reports (with received_date and a categories
    list), referrals (with referred_date) and outcomes (with decided_date)."""
    reports = pd.read_csv(demo_files["reports"], dtype=str, keep_default_na=False)
    reports["received_date"] = pd.to_datetime(reports["received_at"].str[:10])
    reports["category_list"] = reports["categories"].str.split(";")
    referrals = pd.read_csv(demo_files["referrals"], dtype=str, keep_default_na=False)
    referrals["referred_date"] = pd.to_datetime(referrals["referred_at"].str[:10])
    outcomes = pd.read_csv(demo_files["outcomes"], dtype=str, keep_default_na=False)
    outcomes["decided_date"] = pd.to_datetime(outcomes["decided_at"])
    forces = pd.read_csv(PROJECT_ROOT / "data" / "forces.csv", dtype={"force_code": str})
    return {"reports": reports, "referrals": referrals, "outcomes": outcomes, "forces": forces}


@pytest.fixture
def open_page(page_db, monkeypatch):
    """open_page("app_pages/x.py", query={...}) -> AppTest that has run app.py on that page."""

    def opener(page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
        monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in (query or {}).items():
            app.query_params[key] = value
        app.run()
        if page != "app_pages/overview.py":
            app.switch_page(page).run()
        assert not app.exception, app.exception
        return app

    return opener
