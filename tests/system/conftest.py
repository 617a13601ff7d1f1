"""Shared fixtures of the system tests: a demo database built once through the real importer,
and the demo's headline counts worked out independently with plain pandas from its CSV files."""

from pathlib import Path

import pandas as pd
import pytest

from oversight.demo import write_demo_extract
from oversight.ingest import import_extract


@pytest.fixture(scope="session")
def demo_extract(tmp_path_factory) -> dict[str, Path]:
    return write_demo_extract(tmp_path_factory.mktemp("demo_extract"))


@pytest.fixture(scope="session")
def demo_db(demo_extract, tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("demo_db") / "demo.duckdb"
    import_extract(list(demo_extract.values()), db_path, synthetic=True)
    return db_path


@pytest.fixture(scope="session")
def demo_counts(demo_extract) -> dict[str, int]:
    """Headline counts over every stored report, counted by hand from the CSV files."""
    reports = pd.read_csv(demo_extract["reports"], dtype=str)
    referrals = pd.read_csv(demo_extract["referrals"], dtype=str)
    return {
        "reports": len(reports),
        "phone": int((reports["channel"] == "phone").sum()),
        "online": int((reports["channel"] == "online").sum()),
        "disseminated": referrals["report_id"].nunique(),
        "investigations": int((referrals["assessment"] == "investigation").sum()),
        "transferred": int((referrals["assessment"] == "transferred").sum()),
    }
