"""Importing again: the same extract changes nothing; a changed row replaces the stored one and
is recorded as a revision; every import is recorded with its files' SHA-256 and counts."""

import hashlib
import json
from datetime import date, datetime

import pytest

from oversight.db import DatabaseError
from oversight.ledger import ledger_path
from oversight.store import version_of

from .helpers import (
    DATA_TABLES,
    NOW,
    OUTCOME,
    REFERRAL,
    REPORT,
    accept,
    csv_text,
    places,
    query,
    refuse,
    row,
    rows_of,
    sha256,
    write,
    write_extract,
)

R2 = row(REPORT, report_id="R2", received_at="2024-04-01", categories="discrimination;other")
EXTRACT = {
    "reports": [REPORT, R2],
    "referrals": [REFERRAL, row(REFERRAL, referral_id="F2", report_id="R2",
                                referred_at="2024-04-02", assessment="pending", assessed_at="")],
    "outcomes": [OUTCOME],
}  # fmt: skip


def counts(summary) -> dict[str, tuple]:
    """(read, added, revised, unchanged) per table."""
    return {
        f.table: (f.rows_read, f.rows_added, f.rows_revised, f.rows_unchanged)
        for f in summary.files
    }


def stored(db_path) -> dict[str, list]:
    return {table: rows_of(db_path, table) for table in DATA_TABLES}


def test_same_extract_twice_changes_nothing(tmp_path, db_path):
    paths = write_extract(tmp_path / "x", **EXTRACT)
    first = accept(paths, db_path)
    before = stored(db_path)
    version, data = version_of(db_path), db_path.read_bytes()
    second = accept(paths, db_path)
    # not rewritten: the same file (inode, time, size) and bytes, so no reader's cache is lost
    assert (version_of(db_path), db_path.read_bytes()) == (version, data)
    assert stored(db_path) == before
    assert counts(first) == {"reports": (2, 2, 0, 0), "referrals": (2, 2, 0, 0),
                             "outcomes": (1, 1, 0, 0)}  # fmt: skip
    assert counts(second) == {"reports": (2, 0, 0, 2), "referrals": (2, 0, 0, 2),
                              "outcomes": (1, 0, 0, 1)}  # fmt: skip
    assert (first.import_id, second.import_id, second.attempt_id) == (1, None, 1)
    assert query(db_path, "select import_id from imports") == [(1,)]
    assert query(db_path, "select count(*) from revisions") == [(0,)]
    # the attempt is in the ledger beside the data file, with the files and their SHA-256
    [(result, data_file, files)] = query(
        ledger_path(db_path), "select result, data_file, files from import_attempts"
    )
    assert (result, data_file) == ("unchanged", str(db_path))
    assert {(f["file_name"], f["sha256"]) for f in json.loads(files)} == {
        (path.name, sha256(path)) for path in paths
    }


def test_same_values_spelt_differently_are_unchanged(tmp_path, stored_db):
    same = row(REPORT, received_at="2024-03-01 09:30:00", anonymous="NO", channel=" phone ")
    moved = [name for name in REPORT if name != "subject_role"]
    header = ["subject_role", *moved, "duty_status", "subject_sex"]  # optional = its default
    text = csv_text([same | {"duty_status": "unknown", "subject_sex": ""}], header)
    summary = accept([write(tmp_path / "x", "reports.csv", text)], stored_db)
    assert counts(summary) == {"reports": (1, 0, 0, 1)}
    assert query(stored_db, "select import_id from reports") == [(1,)]


def test_categories_in_another_order_are_unchanged(tmp_path, db_path):
    accept(write_extract(tmp_path / "a", reports=[R2]), db_path)
    again = row(R2, categories="other;discrimination")
    summary = accept(write_extract(tmp_path / "b", reports=[again]), db_path)
    assert counts(summary) == {"reports": (1, 0, 0, 1)}


def revision(db_path, table: str, row_id: str) -> tuple[dict, dict]:
    [(previous, revised)] = query(
        db_path,
        "select previous_values, revised_values from revisions "
        "where table_name = $table and row_id = $id",
        {"table": table, "id": row_id},
    )
    return json.loads(previous), json.loads(revised)


def test_changed_channel_replaces_the_report_and_is_a_revision(tmp_path, stored_db):
    changed = row(REPORT, channel="online")
    new = row(REPORT, report_id="R3")
    summary = accept(write_extract(tmp_path / "x", reports=[changed, new]), stored_db)
    assert counts(summary) == {"reports": (2, 1, 1, 0)}
    assert sorted(
        query(stored_db, "select report_id, channel::varchar, import_id from reports")
    ) == [
        ("R1", "online", 2),
        ("R3", "phone", 2),
    ]
    assert query(stored_db, "select import_id, table_name::varchar, row_id from revisions") == [
        (2, "reports", "R1")
    ]
    previous, revised = revision(stored_db, "reports", "R1")
    assert (previous["channel"], revised["channel"]) == ("phone", "online")
    assert previous | {"channel": "online"} == revised


def test_changed_categories_replace_the_reports_categories(tmp_path, stored_db):
    changed = row(REPORT, categories="sexual_misconduct;abuse_of_position")
    summary = accept(write_extract(tmp_path / "x", reports=[changed]), stored_db)
    assert counts(summary) == {"reports": (1, 0, 1, 0)}
    assert sorted(query(stored_db, "select unnest(categories)::varchar from reports")) == [
        ("abuse_of_position",),
        ("sexual_misconduct",),
    ]
    previous, revised = revision(stored_db, "reports", "R1")
    assert previous["categories"] == ["other"]
    assert sorted(revised["categories"]) == ["abuse_of_position", "sexual_misconduct"]
    assert {k: v for k, v in previous.items() if k != "categories"} == {
        k: v for k, v in revised.items() if k != "categories"
    }


def test_changed_referral_and_outcome_are_revisions(tmp_path, stored_db):
    # a misconduct-route outcome stays on an investigation: the force changes instead
    referral = row(REFERRAL, force="metropolitan", assessed_at="2024-03-05")
    outcome = row(OUTCOME, outcome="case_to_answer_misconduct", decided_at="2024-07-01")
    summary = accept(write_extract(tmp_path / "x", referrals=[referral], outcomes=[outcome]),
                     stored_db)  # fmt: skip
    assert counts(summary) == {"referrals": (1, 0, 1, 0), "outcomes": (1, 0, 1, 0)}
    assert rows_of(stored_db, "referrals") == [
        ("F1", "R1", "metropolitan", datetime(2024, 3, 4, 15), "investigation", date(2024, 3, 5), 2)
    ]
    assert rows_of(stored_db, "outcomes") == [
        ("O1", "F1", "case_to_answer_misconduct", date(2024, 7, 1), 2)
    ]
    previous, revised = revision(stored_db, "referrals", "F1")
    assert (previous["force"], revised["force"]) == ("kent", "metropolitan")
    assert (previous["assessed_at"], revised["assessed_at"]) == ("2024-03-10", "2024-03-05")
    previous, revised = revision(stored_db, "outcomes", "O1")
    assert (previous["decided_at"], revised["decided_at"]) == ("2024-06-01", "2024-07-01")


def test_revision_breaking_a_date_rule_with_a_stored_referral_is_refused(tmp_path, stored_db):
    # F1, stored, was referred on 2024-03-04: its report cannot now arrive on 2024-03-05
    later = row(REPORT, received_at="2024-03-05")
    error = refuse(write_extract(tmp_path / "x", reports=[later]), stored_db)
    assert places(error) == [("reports.csv", 2, "received_at", "2024-03-05")]
    assert "F1" in error.problems[0].expected


def test_revision_breaking_a_date_rule_with_a_stored_outcome_is_refused(tmp_path, stored_db):
    # O1, stored, was decided on 2024-06-01: its referral cannot now be made on 2024-06-02
    later = row(REFERRAL, referred_at="2024-06-02", assessed_at="2024-06-02")
    error = refuse(write_extract(tmp_path / "x", referrals=[later]), stored_db)
    assert places(error) == [("referrals.csv", 2, "referred_at", "2024-06-02")]
    assert "O1" in error.problems[0].expected


def test_revisions_that_move_together_are_accepted(tmp_path, stored_db):
    report = row(REPORT, received_at="2024-03-05")
    referral = row(REFERRAL, referred_at="2024-03-06")
    summary = accept(write_extract(tmp_path / "x", reports=[report], referrals=[referral]),
                     stored_db)  # fmt: skip
    assert counts(summary) == {"reports": (1, 0, 1, 0), "referrals": (1, 0, 1, 0)}
    assert query(stored_db, "select count(*) from revisions") == [(2,)]


def sha256_hex(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("synthetic", [False, True])
def test_every_import_is_recorded_with_its_files(tmp_path, db_path, synthetic):
    first_paths = write_extract(tmp_path / "a", **EXTRACT)
    accept(first_paths, db_path, synthetic=synthetic)
    changed = row(REPORT, channel="online")
    second_paths = write_extract(tmp_path / "b", reports=[changed, R2, row(R2, report_id="R3")])
    accept(second_paths, db_path, synthetic=synthetic)

    imports = query(db_path, "select import_id, imported_at, synthetic, source from imports")
    assert [row[:3] for row in imports] == [(1, NOW, synthetic), (2, NOW, synthetic)]
    assert str(tmp_path / "b" / "reports.csv") in imports[1][3]
    files = query(db_path, "select * exclude (table_name) from import_files order by 1, 2")
    a, b = tmp_path / "a", tmp_path / "b"
    assert files == [
        (1, "outcomes.csv", sha256_hex(a / "outcomes.csv"), 1, 1, 0, 0),
        (1, "referrals.csv", sha256_hex(a / "referrals.csv"), 2, 2, 0, 0),
        (1, "reports.csv", sha256_hex(a / "reports.csv"), 2, 2, 0, 0),
        (2, "reports.csv", sha256_hex(b / "reports.csv"), 3, 1, 1, 1),
    ]


def test_summary_matches_the_import_record(tmp_path, stored_db):
    paths = write_extract(tmp_path / "x", reports=[row(REPORT, report_id="R2")])
    summary = accept(paths, stored_db)
    [file] = summary.files
    assert file.sha256 == sha256_hex(paths[0])
    assert query(stored_db, "select * from import_files where import_id = 2") == [
        (2, "reports.csv", "reports", file.sha256, 1, 1, 0, 0)
    ]


def test_refused_import_records_nothing(tmp_path, stored_db):
    refuse(write_extract(tmp_path / "x", reports=[row(REPORT, channel="fax")]), stored_db)
    assert query(stored_db, "select import_id from imports") == [(1,)]


@pytest.mark.parametrize("stored_synthetic", [False, True])
def test_real_and_synthetic_data_never_share_a_database(tmp_path, db_path, stored_synthetic):
    accept(write_extract(tmp_path / "a", **EXTRACT), db_path, synthetic=stored_synthetic)
    before = db_path.read_bytes()
    other = write_extract(tmp_path / "b", reports=[row(REPORT, report_id="R9")])
    with pytest.raises(DatabaseError, match="synthetic" if stored_synthetic else "real data"):
        accept(other, db_path, synthetic=not stored_synthetic)
    assert db_path.read_bytes() == before


def test_replacing_real_data_needs_force(tmp_path, db_path):
    accept(write_extract(tmp_path / "a", **EXTRACT), db_path)
    demo = write_extract(tmp_path / "b", reports=[row(REPORT, report_id="D1")])
    with pytest.raises(DatabaseError, match="real imported data"):
        accept(demo, db_path, synthetic=True, replace=True)
    assert query(db_path, "select report_id from reports order by 1") == [("R1",), ("R2",)]
    accept(demo, db_path, synthetic=True, replace=True, force=True)
    assert query(db_path, "select report_id from reports") == [("D1",)]


def test_only_if_absent_leaves_an_existing_database_alone(tmp_path, db_path):
    accept(write_extract(tmp_path / "a", **EXTRACT), db_path)
    before = db_path.read_bytes()
    demo = write_extract(tmp_path / "b", reports=[row(REPORT, report_id="D1")])
    assert accept(demo, db_path, synthetic=True, replace=True, only_if_absent=True) is None
    assert db_path.read_bytes() == before


def test_database_file_named_old_and_odd_names_work(tmp_path):
    for name in ("old.duckdb", 'my "db".duckdb', "building.duckdb"):
        path = tmp_path / name
        accept(write_extract(tmp_path / "a", **EXTRACT), path)
        summary = accept(write_extract(tmp_path / "b", reports=[row(REPORT, report_id="R7")]), path)
        assert summary.import_id == 2


def test_a_file_that_is_not_a_database_is_refused_plainly(tmp_path):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database")
    with pytest.raises(DatabaseError, match="not an Oversight database"):
        accept(write_extract(tmp_path / "a", **EXTRACT), path)
    assert path.read_bytes() == b"this is not a database"


def test_an_import_through_a_link_replaces_the_file_it_names(tmp_path):
    """The new version is swapped in for the linked file; the link stays a link."""
    db_path = tmp_path / "real.duckdb"
    accept(write_extract(tmp_path / "first", reports=[REPORT]), db_path)
    link = tmp_path / "link.duckdb"
    link.symlink_to(db_path)
    accept(write_extract(tmp_path / "second", reports=[row(REPORT, report_id="R2")]), link)
    assert link.is_symlink()
    assert [r[0] for r in query(db_path, "select report_id from reports order by 1")] == [
        "R1",
        "R2",
    ]
