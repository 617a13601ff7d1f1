"""The command line when the environment fails: a full or read-only disk, a damaged database, a
file of another kind given as the database, a bad setting. Each command states the cause in one
line, with no traceback and no web address, and leaves the database as it was.

The full and read-only disks are real: small tmpfs file systems mounted for the test, which
needs root (CI runs as root)."""

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from oversight.db import create_schema, failure_cause
from tests.system.test_cli import REPORTS, oversight, sha256, write

PROGRESS = "["  # progress lines on standard error start with the elapsed time in brackets


def failure_line(result: subprocess.CompletedProcess, status: int = 2) -> str:
    """The one line a failed command printed (besides progress), checked for what it must not
    hold: a traceback or a web address."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "://" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith(PROGRESS)]
    assert len(lines) == 1, result.stderr
    return lines[0]


@contextlib.contextmanager
def mounted(folder: Path, size: int) -> Iterator[Path]:
    """A tmpfs of size bytes at folder for the duration of the with block."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                   check=True)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


HEADERS = 3 * 4096  # DuckDB's file header and its two database headers
BLOCK = 256 * 1024  # DuckDB's default block size


def damage(db_path: Path, where: str = "middle") -> None:
    """Overwrite the middle third of the file, or its first two blocks (where the catalog of a
    small database is), with a pattern, leaving the headers intact."""
    data = bytearray(db_path.read_bytes())
    if where == "middle":
        first, last = len(data) // 3, 2 * len(data) // 3
    else:
        first, last = HEADERS, HEADERS + 2 * BLOCK
    data[first:last] = bytes(i % 251 for i in range(last - first))
    db_path.write_bytes(bytes(data))


@pytest.fixture
def extract(tmp_path) -> Path:
    folder = tmp_path / "extract"
    folder.mkdir()
    write(folder / "reports.csv", REPORTS.replace("A1,", "N1,").replace("A2,", "N2,"))
    return folder


def as_real_data(db_path: Path) -> Path:
    """Mark the demo's imports as real, so that a real extract may be imported into it."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("update imports set synthetic = false")
    return db_path


@pytest.fixture(params=["middle", "start"])
def damaged(request, tmp_path, demo_db) -> Path:
    """The demo's rows, marked real, in a file damaged in the middle or at its start."""
    db_path = tmp_path / "damaged.duckdb"
    db_path.write_bytes(demo_db.read_bytes())
    damage(as_real_data(db_path), request.param)
    return db_path


def test_import_on_a_full_disk_says_so_and_changes_nothing(tmp_path, demo_db, demo_extract):
    with mounted(tmp_path / "disk", size=demo_db.stat().st_size * 3 // 2) as disk:
        # the demo's rows imported as real data: the next version of the file cannot fit
        db_path = disk / "real.duckdb"
        db_path.write_bytes(demo_db.read_bytes())
        as_real_data(db_path)
        before = sha256(db_path)
        result = oversight("import", str(write(tmp_path / "reports.csv", REPORTS)), "--db",
                           str(db_path))  # fmt: skip
        line = failure_line(result)
        assert line.startswith("Import failed: there is no space left on the disk")
        assert str(disk) in line and "The database was not changed." in line
        assert sha256(db_path) == before
        assert sorted(p.name for p in disk.iterdir()) == [".real.duckdb.lock", "real.duckdb"]


def test_demo_on_a_full_disk_says_so_and_changes_nothing(tmp_path, demo_db):
    with mounted(tmp_path / "disk", size=demo_db.stat().st_size * 3 // 2) as disk:
        db_path = disk / "demo.duckdb"
        db_path.write_bytes(demo_db.read_bytes())
        before = sha256(db_path)
        result = oversight("demo", "--db", str(db_path), "--out", str(tmp_path / "csv"))
        line = failure_line(result)
        assert line.startswith("Demo not built: there is no space left on the disk")
        assert sha256(db_path) == before
        assert sorted(p.name for p in disk.iterdir()) == [".demo.duckdb.lock", "demo.duckdb"]


@pytest.mark.parametrize("command", ["import", "demo"])
def test_writing_on_a_read_only_file_system_says_so_and_changes_nothing(command, tmp_path, demo_db):
    with mounted(tmp_path / "disk", size=demo_db.stat().st_size * 4) as disk:
        db_path = disk / "demo.duckdb"
        db_path.write_bytes(demo_db.read_bytes())
        before = sha256(db_path)
        read_only(disk)
        if command == "import":
            args = ["import", str(write(tmp_path / "reports.csv", REPORTS)), "--db", str(db_path)]
        else:
            args = ["demo", "--db", str(db_path), "--out", str(tmp_path / "csv")]
        line = failure_line(oversight(*args))
        assert f"{disk} is on a read-only file system" in line
        assert sha256(db_path) == before


@pytest.mark.parametrize("command", ["status", "import", "snapshot"])
def test_a_damaged_database_is_named_in_one_line(command, tmp_path, damaged, extract):
    before = sha256(damaged)
    args = {
        "status": ["status"],
        "import": ["import", str(extract)],
        "snapshot": ["snapshot", "--out", str(tmp_path / "snapshot")],
    }[command]
    line = failure_line(oversight(*args, "--db", str(damaged)))
    assert f"{damaged} is damaged" in line and "import the extracts again" in line
    assert sha256(damaged) == before
    assert not (tmp_path / "snapshot").exists()


def sqlite_database(path: Path) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("create table reports (report_id text)")
        con.commit()
    return path


def not_ours(path: Path) -> Path:
    """A DuckDB database that Oversight did not build."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table notes as select 'kept' as note")
    return path


def empty_older_schema(path: Path) -> Path:
    """Oversight's tables at an older schema version, with nothing ever imported."""
    with duckdb.connect(str(path)) as con:
        create_schema(con)
        con.execute("update database_info set schema_version = schema_version - 1")
    return path


@pytest.mark.parametrize("command", ["status", "import", "snapshot", "demo"])
def test_a_sqlite_file_is_refused_without_fetching_an_extension(command, tmp_path, extract):
    """DuckDB would attach a SQLite file through its sqlite extension, installing it from the
    internet into ~/.duckdb: that folder must not even appear."""
    db_path = sqlite_database(tmp_path / "other.db")
    before = sha256(db_path)
    home = tmp_path / "home"
    home.mkdir()
    args = {
        "status": ["status"],
        "import": ["import", str(extract)],
        "snapshot": ["snapshot", "--out", str(tmp_path / "snapshot")],
        "demo": ["demo", "--out", str(tmp_path / "csv")],
    }[command]
    result = oversight(*args, "--db", str(db_path), env=os.environ | {"HOME": str(home)})
    assert result.returncode == 1
    shown = result.stdout + result.stderr
    assert f"{db_path} is not an Oversight database: it is a SQLite file" in shown
    assert "://" not in shown and "Traceback" not in shown and "extension" not in shown
    assert list(home.iterdir()) == []
    assert sha256(db_path) == before


@pytest.mark.parametrize("make", [not_ours, empty_older_schema], ids=lambda f: f.__name__)
def test_demo_never_replaces_a_duckdb_file_that_oversight_did_not_build(tmp_path, make):
    db_path = make(tmp_path / "other.duckdb")
    before = sha256(db_path)
    refused = oversight("demo", "--db", str(db_path), "--out", str(tmp_path / "csv"))
    assert refused.returncode == 1
    assert "not a database Oversight built" in refused.stderr and "--force" in refused.stderr
    assert sha256(db_path) == before


@pytest.mark.parametrize(
    ("setting", "value", "args"),
    [
        ("OVERSIGHT_IMPORT_MEMORY", "lots", ["import", "EXTRACT"]),
        ("OVERSIGHT_IMPORT_MEMORY", "0", ["demo", "--out", "CSV"]),
        ("OVERSIGHT_DISCLOSURE_THRESHOLD", "1", ["snapshot", "--public", "--out", "OUT"]),
        ("OVERSIGHT_DISCLOSURE_THRESHOLD", "1", ["publish", "--year", "2024", "--out", "OUT"]),
        ("OVERSIGHT_DB", "FOLDER", ["status"]),
    ],
)
def test_a_bad_setting_is_named_in_one_line(setting, value, args, tmp_path, demo_db, extract):
    db_path = tmp_path / "demo.duckdb"
    db_path.write_bytes(demo_db.read_bytes())
    before = sha256(db_path)
    places = {"EXTRACT": str(extract), "CSV": str(tmp_path / "csv"),
              "OUT": str(tmp_path / "out"), "FOLDER": str(tmp_path)}  # fmt: skip
    args = [places.get(arg, arg) for arg in args]
    env = os.environ | {"OVERSIGHT_DB": str(db_path), setting: places.get(value, value)}
    line = failure_line(oversight(*args, env=env))
    assert "Oversight is not configured correctly: " + setting in line
    assert sha256(db_path) == before
    assert not (tmp_path / "out").exists()


def test_duckdb_messages_are_shown_without_web_addresses(tmp_path):
    """DuckDB points to its documentation in some messages (a file from a newer DuckDB, an
    extension it could not fetch); what Oversight shows keeps the words and drops the address."""
    db_path = tmp_path / "new.duckdb"
    message = (
        "IO Error: Trying to read a database file with version number 99, but we can only read "
        "version 65.\nThe database file was created with a newer version of DuckDB.\n\nSee the "
        "storage page for more information: https://duckdb.org/internals/storage"
    )
    assert failure_cause(duckdb.IOException(message), db_path) == (
        f"DuckDB could not use {db_path}: IO Error: Trying to read a database file with version "
        "number 99, but we can only read version 65."
    )
    first_line_with_address = (
        "Extension failed, see https://duckdb.org/docs?x=1 (ERROR no connection)"
    )
    assert failure_cause(duckdb.IOException(first_line_with_address), db_path) == (
        f"DuckDB could not use {db_path}: Extension failed, see (ERROR no connection)."
    )
