"""Dry runs, rollbacks and identical re-imports: nothing changes that was not meant to.

The base database holds report R1 with referrals F1 (investigation, assessed 2024-03-10) and F2
(pending, assessed 2024-03-12: a pending referral may carry a date), and outcome O1 (charged)
of F1. A rollback is a revision that blanks a stored date, moves a referral back to pending, or
takes an outcome from its referral (rows are never deleted, so that is how one is removed).
"""

import json

import pytest

from oversight.ingest import import_extract
from oversight.ledger import ledger_path
from oversight.store import version_of

from .helpers import (
    NOW,
    OUTCOME,
    REFERRAL,
    REPORT,
    accept,
    folder_state,
    places,
    query,
    refuse,
    row,
    write_extract,
    write_table,
)

F2 = row(REFERRAL, referral_id="F2", assessment="pending", assessed_at="2024-03-12")
O1 = row(OUTCOME, outcome="charged")


@pytest.fixture
def base_db(tmp_path, db_path):
    accept(write_extract(tmp_path / "base", reports=[REPORT], referrals=[REFERRAL, F2],
                         outcomes=[O1]), db_path)  # fmt: skip
    return db_path


def data_file(db_path):
    """The data file as a reader sees it: its version token and its bytes."""
    return version_of(db_path), db_path.read_bytes()


def attempts(db_path) -> list[tuple]:
    return query(ledger_path(db_path), "select result, detail from import_attempts")


def test_dry_run_reports_changes_per_table_with_examples_and_writes_nothing(tmp_path, base_db):
    before = data_file(base_db)
    revised_report = row(REPORT, channel="online", duty_status="on_duty")
    new_report = row(REPORT, report_id="R2")
    revised_referral = row(REFERRAL, force="metropolitan")
    header = [*REPORT, "duty_status"]
    paths = [
        write_table(tmp_path / "x", "reports", [revised_report, new_report], header),
        write_table(tmp_path / "x", "referrals", [revised_referral, F2]),
    ]
    summary = import_extract(paths, base_db, now=NOW, dry_run=True)
    assert data_file(base_db) == before
    assert not summary.written and summary.dry_run
    assert [(c.table, c.added, c.revised, c.unchanged) for c in summary.changes] == [
        ("reports", 1, 1, 0),
        ("referrals", 0, 1, 1),
    ]
    assert summary.changes[0].added_examples == ["R2"]
    assert summary.changes[0].revised_examples == [("R1", ["channel", "duty_status"])]
    assert summary.changes[1].revised_examples == [("F1", ["force"])]
    assert query(base_db, "select count(*) from imports") == [(1,)]
    assert [result for result, _ in attempts(base_db)] == ["dry run"]


def test_dry_run_into_no_database_creates_none(tmp_path, db_path):
    paths = write_extract(tmp_path / "x", reports=[REPORT])
    summary = import_extract(paths, db_path, now=NOW, dry_run=True)
    assert not db_path.exists()
    assert [(c.table, c.added, c.added_examples) for c in summary.changes] == [
        ("reports", 1, ["R1"])
    ]


def test_dry_run_of_a_broken_extract_is_refused_as_the_import_would_be(tmp_path, base_db):
    broken = row(REPORT, channel="fax")
    path = write_table(tmp_path / "x", "reports", [broken])
    before = folder_state(base_db.parent)
    with pytest.raises(Exception, match="channel: found 'fax'"):
        import_extract([path], base_db, now=NOW, dry_run=True)
    assert folder_state(base_db.parent) == before


# (what the extract does, the file and row written, where the rollback is, what it says)
ROLLBACKS = [
    (
        "back-to-pending",
        "referrals",
        row(REFERRAL, assessment="pending"),
        ("referrals.csv", 2, "assessment", "pending"),
        "moves referral F1 back to pending (stored: investigation)",
    ),
    (
        "blanked-date",
        "referrals",
        row(F2, assessed_at=""),
        ("referrals.csv", 2, "assessed_at", None),
        "blanks the stored assessed_at date of referral F2 (2024-03-12)",
    ),
    (
        "outcome-moved",
        "outcomes",
        row(O1, referral_id="F2"),
        ("outcomes.csv", 2, "referral_id", "F2"),
        "removes outcome O1 (charged) from referral F1",
    ),
]


@pytest.mark.parametrize(("table", "changed", "place", "what"), [case[1:] for case in ROLLBACKS],
                         ids=[case[0] for case in ROLLBACKS])  # fmt: skip
def test_rollback_is_refused_unless_accepted_and_then_recorded(
    tmp_path, base_db, table, changed, place, what
):
    path = write_table(tmp_path / "x", table, [changed])
    error = refuse([path], base_db)
    assert places(error) == [place]
    assert what in error.problems[0].expected and "--accept-rollback" in error.problems[0].expected

    summary = import_extract([path], base_db, now=NOW, accept_rollback=True)
    assert summary.import_id == 2
    assert [(r.file, r.line, r.column, r.value, r.what) for r in summary.rollbacks] == [
        (*place, what)
    ]
    row_id = changed[f"{table[:-1]}_id"]
    assert query(
        base_db,
        "select import_id, rollback from revisions where table_name = $t and row_id = $id",
        {"t": table, "id": row_id},
    ) == [(2, what)]


def test_back_to_pending_and_blanked_date_are_both_recorded(tmp_path, base_db):
    path = write_table(tmp_path / "x", "referrals", [row(REFERRAL, assessment="pending",
                                                         assessed_at="")])  # fmt: skip
    error = refuse([path], base_db)
    assert places(error) == [
        ("referrals.csv", 2, "assessed_at", None),
        ("referrals.csv", 2, "assessment", "pending"),
    ]
    import_extract([path], base_db, now=NOW, accept_rollback=True)
    assert query(base_db, "select rollback from revisions") == [
        (
            "blanks the stored assessed_at date of referral F1 (2024-03-10); "
            "moves referral F1 back to pending (stored: investigation)",
        )
    ]


def test_an_older_extract_after_a_newer_one_is_refused(tmp_path, db_path):
    older = write_extract(tmp_path / "old", reports=[REPORT], referrals=[
        row(REFERRAL, assessment="pending", assessed_at="")])  # fmt: skip
    newer = write_extract(tmp_path / "new", reports=[REPORT], referrals=[REFERRAL])
    accept(older, db_path)
    accept(newer, db_path)
    error = refuse(older, db_path)
    assert {(p.file, p.column) for p in error.problems} == {
        ("referrals.csv", "assessment"),
        ("referrals.csv", "assessed_at"),
    }


def test_ordinary_revisions_are_not_rollbacks(tmp_path, base_db):
    # a later date, another force, a new outcome code for the same referral: corrections
    referral = row(REFERRAL, force="metropolitan", assessed_at="2024-03-20")
    outcome = row(O1, outcome="convicted", decided_at="2024-07-01")
    summary = accept(write_extract(tmp_path / "x", referrals=[referral], outcomes=[outcome]),
                     base_db)  # fmt: skip
    assert summary.rollbacks == []
    assert query(base_db, "select count(*), count(rollback) from revisions") == [(2, 0)]


def test_identical_reimport_is_an_attempt_and_leaves_the_file_alone(tmp_path, base_db):
    before = data_file(base_db)
    paths = write_extract(tmp_path / "again", reports=[REPORT], referrals=[REFERRAL, F2],
                          outcomes=[O1])  # fmt: skip
    summary = accept(paths, base_db)
    assert data_file(base_db) == before
    assert (summary.import_id, summary.attempt_id) == (None, 1)
    [(result, detail)] = attempts(base_db)
    assert result == "unchanged"
    assert detail == (
        "reports: 0 to add, 0 to revise, 1 unchanged; referrals: 0 to add, 0 to revise, "
        "2 unchanged; outcomes: 0 to add, 0 to revise, 1 unchanged"
    )
    files = json.loads(query(ledger_path(base_db), "select files from import_attempts")[0][0])
    assert [(f["table"], f["rows_unchanged"]) for f in files] == [
        ("reports", 1),
        ("referrals", 2),
        ("outcomes", 1),
    ]


def test_a_subset_of_what_is_stored_is_an_identical_reimport(tmp_path, base_db):
    before = data_file(base_db)
    summary = accept([write_table(tmp_path / "x", "referrals", [F2])], base_db)
    assert data_file(base_db) == before and not summary.written
