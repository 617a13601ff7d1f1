"""Fixtures of the importer tests: a database folder, and a database holding one import."""

from pathlib import Path

import pytest

from .helpers import OUTCOME, REFERRAL, REPORT, accept, copy_db, write_extract


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database goes (in a folder of its own, so its files can be listed)."""
    return tmp_path / "db" / "oversight.duckdb"


@pytest.fixture(scope="session")
def first_import_db(tmp_path_factory) -> Path:
    """A database holding one accepted import: report R1, its referral F1, and outcome O1."""
    root = tmp_path_factory.mktemp("first_import")
    paths = write_extract(
        root / "extract", reports=[REPORT], referrals=[REFERRAL], outcomes=[OUTCOME]
    )
    db = root / "db" / "oversight.duckdb"
    accept(paths, db)
    return db


@pytest.fixture
def stored_db(first_import_db: Path, db_path: Path) -> Path:
    """A copy, for this test alone, of the database holding R1, F1 and O1."""
    return copy_db(first_import_db, db_path.parent.parent)
