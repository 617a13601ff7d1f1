"""Fixtures shared by every test folder: the demo extract written once, imported once through
the real importer, and read with plain pandas for computing expected values independently."""

import os
from pathlib import Path

import pandas as pd
import pytest

from oversight.demo import write_demo_extract
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT

# Plotly validates every chart under test, so a misspelt property fails the tests; the running
# dashboard skips that cost (oversight/charts.py, _figure, reads this at each call).
os.environ.setdefault("OVERSIGHT_VALIDATE_CHARTS", "1")


@pytest.fixture
def staff_on_this_computer(monkeypatch):
    """The staff view without sign-in, as on one's own computer: OVERSIGHT_AUTH=none with the
    server on loopback (oversight/access.py), for tests of real (not synthetic) databases."""
    from streamlit import config

    monkeypatch.setenv("OVERSIGHT_AUTH", "none")
    address = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", address)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    """The demo extract's CSV files: {"reports": path, "referrals": path, "outcomes": path}."""
    return write_demo_extract(tmp_path_factory.mktemp("demo_extract"))


@pytest.fixture(scope="session")
def demo_database(demo_files, tmp_path_factory) -> Path:
    """A database holding the demo extract (tests must only read it)."""
    db_path = tmp_path_factory.mktemp("demo_db") / "demo.duckdb"
    import_extract(list(demo_files.values()), db_path, synthetic=True)
    return db_path


@pytest.fixture(scope="session")
def demo(demo_files) -> dict[str, pd.DataFrame]:
    """The demo extract read with plain pandas: reports (with received_date and a categories
    list), referrals (with referred_date) and outcomes (with decided_date), and data/forces.csv."""
    reports = pd.read_csv(demo_files["reports"], dtype=str, keep_default_na=False)
    reports["received_date"] = pd.to_datetime(reports["received_at"].str[:10])
    reports["category_list"] = reports["categories"].str.split(";")
    referrals = pd.read_csv(demo_files["referrals"], dtype=str, keep_default_na=False)
    referrals["referred_date"] = pd.to_datetime(referrals["referred_at"].str[:10])
    outcomes = pd.read_csv(demo_files["outcomes"], dtype=str, keep_default_na=False)
    outcomes["decided_date"] = pd.to_datetime(outcomes["decided_at"])
    forces = pd.read_csv(PROJECT_ROOT / "data" / "forces.csv", dtype={"force_code": str})
    return {"reports": reports, "referrals": referrals, "outcomes": outcomes, "forces": forces}
