"""kill -9 during an import leaves the database exactly as before or exactly as after; a reader
that is open during an import keeps working and a new reader sees the new data."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oversight.db import connect_read_only
from oversight.demo import write_synthetic_extract
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT
from oversight.store import building_path

# What to hash per table: whole rows, but for imports not the time the import ran.
HASHED = {
    "reports": "t",
    "referrals": "t",
    "outcomes": "t",
    "imports": "t.import_id, t.source, t.synthetic",
    "import_files": "t",
    "revisions": "t",
}


def fingerprint(db_path: Path) -> dict[str, tuple]:
    """Row count and an order-free hash of every row, per table: equal means equal content."""
    con = connect_read_only(db_path)
    try:
        return {
            table: con.execute(f"select count(*), sum(hash({columns})) from {table} t").fetchone()
            for table, columns in HASHED.items()  # fixed names, no input
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    """A small first extract and a large second one (new ids, so it adds rows)."""
    root = tmp_path_factory.mktemp("extracts")
    small = write_synthetic_extract(root / "small", n_reports=2_000, seed=7)
    large = write_synthetic_extract(root / "large", n_reports=120_000, seed=8, id_prefix="L-")
    return small, large


def start_import(paths: dict[str, Path], db_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oversight",
            "import",
            *map(str, paths.values()),
            "--db",
            str(db_path),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_at_any_moment_leaves_before_or_after(extracts, tmp_path):
    small, large = extracts
    db_path = tmp_path / "db.duckdb"
    import_extract(list(small.values()), db_path)
    before = fingerprint(db_path)

    # The whole import once, timed, on a copy: the state "after".
    after_path = tmp_path / "after.duckdb"
    after_path.write_bytes(db_path.read_bytes())
    started = time.monotonic()
    assert start_import(large, after_path).wait(timeout=300) == 0
    duration = time.monotonic() - started
    after = fingerprint(after_path)
    assert after != before

    outcomes = []
    for fraction in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97):
        process = start_import(large, db_path)
        time.sleep(duration * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        state = fingerprint(db_path)  # must open, whatever the moment of the kill
        assert state in (before, after), f"half-written database after a kill at {fraction:.0%}"
        outcomes.append(state == after)
        if state == after:
            break
    assert not outcomes[0], "the earliest kill should have left the database as before"

    if not outcomes[-1]:
        # What the killed imports left behind does not stop the next one.
        assert start_import(large, db_path).wait(timeout=300) == 0
        assert fingerprint(db_path) == after
    assert not building_path(db_path).exists()


def test_open_reader_keeps_working_and_new_reader_sees_new_data(extracts, tmp_path):
    small, large = extracts
    db_path = tmp_path / "db.duckdb"
    import_extract(list(small.values()), db_path)
    old_reader = connect_read_only(db_path)
    count_before = old_reader.execute("select count(*) from reports").fetchone()[0]
    assert count_before == 2_000

    process = start_import(large, db_path)
    while process.poll() is None:  # the reader keeps answering while the import runs
        assert old_reader.execute("select count(*) from reports").fetchone()[0] == count_before
        time.sleep(0.05)
    assert process.returncode == 0
    assert old_reader.execute("select count(*) from reports").fetchone()[0] == count_before
    new_reader = connect_read_only(db_path)
    assert new_reader.execute("select count(*) from reports").fetchone()[0] == 122_000
    old_reader.close()
    new_reader.close()
