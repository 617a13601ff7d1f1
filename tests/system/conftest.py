"""Shared fixtures of the system tests: a demo database built once through the real importer,
and the demo's headline counts worked out independently with plain pandas from its CSV files."""

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def demo_extract(demo_files) -> dict[str, Path]:
    return demo_files


@pytest.fixture(scope="session")
def demo_db(demo_database) -> Path:
    return demo_database


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
