"""The command line, run as a user runs it: python -m oversight in a child process."""

import hashlib
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.settings import PROJECT_ROOT
from oversight.snapshot.register import releases


def oversight(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oversight", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [[], ["demo"], ["import"], ["status"]])
def test_every_command_has_help(command):
    result = oversight(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m oversight")
    if command:
        assert "--db" in result.stdout


def test_demo_then_status(tmp_path, demo_counts):
    db_path = tmp_path / "demo.duckdb"
    built = oversight("demo", "--db", str(db_path), "--out", str(tmp_path / "csv"))
    assert built.returncode == 0, built.stderr
    assert "generating the synthetic demo extract" in built.stderr  # progress goes to stderr
    status = oversight("status", "--db", str(db_path))
    assert status.returncode == 0, status.stderr
    assert "SYNTHETIC demonstration data" in status.stdout
    assert "As-at date: 2026-10-31" in status.stdout
    reports_line = next(line for line in status.stdout.splitlines() if "reports  " in line)
    assert reports_line.split()[-1] == f"{demo_counts['reports']:,}"
    # The demo files written are the committed ones: the generator is deterministic.
    for name in ("reports.csv", "referrals.csv", "outcomes.csv"):
        assert sha256(tmp_path / "csv" / name) == sha256(PROJECT_ROOT / "data" / "demo" / name)


def test_status_without_database_says_how_to_build_one(tmp_path):
    result = oversight("status", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1
    assert "python -m oversight demo" in result.stdout


def test_db_path_from_environment(tmp_path, demo_db):
    import os

    result = oversight("status", env=os.environ | {"OVERSIGHT_DB": str(demo_db)})
    assert result.returncode == 0
    assert f"Database: {demo_db}" in result.stdout


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


REPORTS = (
    "report_id,received_at,channel,categories,subject_force,subject_role,anonymous\n"
    "A1,2024-06-01T09:30,phone,corrupt_exchange,kent,officer,true\n"
    "A2,2024-06-02,online,other;discrimination,unknown,staff,no\n"
)


def test_import_accepts_then_refuses_with_every_problem_and_changes_nothing(tmp_path):
    db_path = tmp_path / "db.duckdb"
    good = write(tmp_path / "reports.csv", REPORTS)
    accepted = oversight("import", str(good), "--db", str(db_path))
    assert accepted.returncode == 0, accepted.stderr
    assert "reports.csv (reports): 2 rows read, 2 added, 0 revised, 0 unchanged" in accepted.stdout
    before = sha256(db_path)

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    write(
        bad_dir / "reports.csv",
        "report_id,received_at,channel,categories,subject_force,subject_role,anonymous\n"
        "B1,2024-06-01,fax,corrupt_exchange,kent,officer,true\n"
        "B2,2024-13-01,phone,corrupt_exchange,kent,officer,true\n",
    )
    write(
        bad_dir / "referrals.csv",
        "referral_id,report_id,force,referred_at,assessment,assessed_at\n"
        "F1,NOPE,kent,2024-06-05,pending,\n",
    )
    refused = oversight("import", str(bad_dir), "--db", str(db_path))
    assert refused.returncode == 1
    assert refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert "3 problems found" in refused.stderr
    assert any(
        line.startswith("- reports.csv, line 2, column channel: found 'fax'") for line in lines
    )
    assert any(line.startswith("- reports.csv, line 3, column received_at") for line in lines)
    assert any(line.startswith("- referrals.csv, line 2, column report_id") for line in lines)
    assert "was not changed" in refused.stderr
    assert sha256(db_path) == before


def test_import_into_a_database_of_another_schema_is_refused(tmp_path):
    import duckdb

    db_path = tmp_path / "db.duckdb"
    assert oversight("import", str(write(tmp_path / "reports.csv", REPORTS)), "--db",
                     str(db_path)).returncode == 0  # fmt: skip
    with duckdb.connect(str(db_path)) as con:
        con.execute("update database_info set schema_version = 1")
    before = sha256(db_path)
    again = oversight("import", str(tmp_path / "reports.csv"), "--db", str(db_path))
    assert again.returncode == 1
    assert "schema version 1" in again.stderr and "python -m oversight demo" in again.stderr
    assert sha256(db_path) == before
    status = oversight("status", "--db", str(db_path))
    assert status.returncode == 1 and "schema version 1" in status.stdout


def test_demo_refuses_to_replace_real_data_without_force(tmp_path):
    db_path = tmp_path / "real.duckdb"
    assert oversight("import", str(write(tmp_path / "reports.csv", REPORTS)), "--db",
                     str(db_path)).returncode == 0  # fmt: skip
    before = sha256(db_path)
    refused = oversight("demo", "--db", str(db_path), "--out", str(tmp_path / "csv"))
    assert refused.returncode == 1 and "holds real imported data" in refused.stderr
    assert sha256(db_path) == before


def test_real_extract_into_the_demo_database_is_refused(tmp_path, demo_db):
    db_path = tmp_path / "demo.duckdb"
    db_path.write_bytes(demo_db.read_bytes())
    refused = oversight("import", str(write(tmp_path / "reports.csv", REPORTS)), "--db",
                        str(db_path))  # fmt: skip
    assert refused.returncode == 1
    assert "synthetic demonstration data" in refused.stderr and "--db" in refused.stderr
    assert db_path.read_bytes() == demo_db.read_bytes()


def test_status_of_a_file_that_is_not_a_database(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"junk")
    result = oversight("status", "--db", str(junk))
    assert result.returncode == 1 and "not an Oversight database" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [["--to", "9999-12-31"], ["--from", "0001-01-01"], ["--public", "--year", "9999"]],
)
def test_dates_out_of_range_are_usage_errors_not_tracebacks(args, tmp_path):
    """A period ending near Python's last date once overflowed working out the period before."""
    result = oversight("snapshot", "--db", str(tmp_path / "none.duckdb"),
                       "--out", str(tmp_path / "out"), *args)  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error: argument" in result.stderr


def test_a_reader_that_goes_away_undoes_nothing_and_is_not_reported_as_a_failure(tmp_path, demo_db):
    # `python -m oversight publish ... | head -1`: the release is recorded before the summary
    # is printed, so a closed pipe must not be told as "Nothing released"
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db_path)
    command = [sys.executable, "-m", "oversight", "publish", "--db", str(db_path),
               "--year", "2024", "--out", str(tmp_path / "released")]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    process.stdout.close()  # the reader has gone before the command writes a word
    said = process.stderr.read()
    assert process.wait(timeout=300) == 128 + signal.SIGPIPE, said
    for wrong in ("Nothing released", "Traceback", "Exception ignored", "Broken pipe"):
        assert wrong not in said
    assert [r.period.key for r in releases(db_path)] == ["fy2024"]
