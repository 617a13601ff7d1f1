"""python -m oversight import --dry-run / --accept-rollback, and an identical re-import, as a
user runs them (in a child process)."""

from tests.system.test_cli import oversight, sha256

from .helpers import REFERRAL, REPORT, row, write_extract, write_table


def test_dry_run_prints_what_would_change_and_writes_nothing(tmp_path, db_path):
    paths = write_extract(tmp_path / "a", reports=[REPORT], referrals=[REFERRAL])
    assert oversight("import", *map(str, paths), "--db", str(db_path)).returncode == 0
    before = sha256(db_path)
    revised = write_table(tmp_path / "b", "reports", [row(REPORT, channel="online"),
                                                      row(REPORT, report_id="R2")])  # fmt: skip
    result = oversight("import", "--dry-run", str(revised), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Dry run: nothing was written to {db_path}. The import would:",
        "  reports: add 1, revise 1, leave 0 unchanged",
        "    added, e.g.: R2",
        "    revised, e.g.: R1 (channel)",
    ]
    assert sha256(db_path) == before


def test_rollback_refused_then_accepted_from_the_command_line(tmp_path, db_path):
    paths = write_extract(tmp_path / "a", reports=[REPORT], referrals=[REFERRAL])
    assert oversight("import", *map(str, paths), "--db", str(db_path)).returncode == 0
    before = sha256(db_path)
    older = write_table(tmp_path / "b", "referrals", [row(REFERRAL, assessment="pending")])
    dry = oversight("import", "--dry-run", str(older), "--db", str(db_path))
    assert dry.returncode == 1
    assert (
        "Revisions that roll stored data back (refused unless run with --accept-rollback): 1"
        in dry.stdout
    )
    assert "referrals.csv, line 2: moves referral F1 back to pending" in dry.stdout
    refused = oversight("import", str(older), "--db", str(db_path))
    assert refused.returncode == 1 and "--accept-rollback" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert sha256(db_path) == before
    accepted = oversight("import", "--accept-rollback", str(older), "--db", str(db_path))
    assert accepted.returncode == 0, accepted.stderr
    assert "(accepted with --accept-rollback, recorded in revisions): 1" in accepted.stdout
    assert "referrals.csv, line 2: moves referral F1 back to pending" in accepted.stdout
    assert sha256(db_path) != before


def test_identical_reimport_says_so_and_leaves_the_file(tmp_path, db_path):
    paths = write_extract(tmp_path / "a", reports=[REPORT])
    assert oversight("import", *map(str, paths), "--db", str(db_path)).returncode == 0
    before = sha256(db_path)
    again = oversight("import", *map(str, paths), "--db", str(db_path))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"Nothing to import into {db_path}: every row of the extract")
    assert "attempt 1 is recorded" in again.stdout
    assert sha256(db_path) == before


def test_status_lists_the_attempts_that_wrote_nothing(tmp_path, db_path):
    paths = write_extract(tmp_path / "a", reports=[REPORT])
    for options in ([], [], ["--dry-run"]):
        assert oversight("import", *options, *map(str, paths), "--db", str(db_path)).returncode == 0
    status = oversight("status", "--db", str(db_path))
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    start = lines.index("Last attempts that wrote nothing (dry runs, extracts already stored):")
    attempts = [line.split()[:2] + line.split()[4:5] for line in lines[start + 1 :]]
    assert attempts == [["attempt", "2", "dry"], ["attempt", "1", "unchanged:"]]
