"""Each rule of referrals.csv and outcomes.csv, broken on a line of its own, is refused there.

As for reports, the broken values of a table share one file (one import), one per line from
line 3 after a good line 2, and each line must carry exactly its own problem. The extract
carries report R2 (received 2024-05-01 10:00) and its referral F2 (referred 2024-05-03 15:00);
the database already holds R1 (received 2024-03-01 09:30), F1 (referred 2024-03-04 15:00) and
O1 from an earlier import.
"""

from datetime import date, datetime

import pytest

from oversight.contract import ASSESSMENTS, OUTCOMES

from .helpers import (
    OUTCOME,
    REFERRAL,
    REPORT,
    accept,
    at_line,
    copy_db,
    numbered,
    places,
    query,
    refuse,
    row,
    write_extract,
    write_table,
)

R2 = row(REPORT, report_id="R2", received_at="2024-05-01T10:00")
F2 = row(REFERRAL, referral_id="F2", report_id="R2", referred_at="2024-05-03T15:00",
         assessed_at="2024-05-10")  # fmt: skip
REFERRAL_LINE_2 = row(F2, referral_id="F8")
REFERRAL_LINE_3 = row(F2, referral_id="F9")
OUTCOME_LINE_2 = row(OUTCOME, outcome_id="O8", referral_id="F2")
OUTCOME_LINE_3 = row(OUTCOME, outcome_id="O9", referral_id="F2")
SIXTY_FIVE = "x" * 65


def extract_breaking(folder, table: str, lines: dict | list[dict]) -> list:
    """R2 and F2, plus the table under test holding a good line 2 and the given lines after it."""
    lines = [lines] if isinstance(lines, dict) else lines
    if table == "referrals":
        return write_extract(folder, reports=[R2], referrals=[REFERRAL_LINE_2, *lines])
    return write_extract(folder, reports=[R2], referrals=[F2], outcomes=[OUTCOME_LINE_2, *lines])


REFERRAL_CASES = [
    ("referral_id", "", "must be filled"),
    ("referral_id", SIXTY_FIVE, "64"),
    ("report_id", "", "must be filled"),
    ("report_id", "R404", "already imported"),
    ("report_id", "r2", "already imported"),
    ("force", "", "must be filled"),
    ("force", "atlantis", "forces reference"),
    ("force", "unknown", "forces reference"),
    ("force", "Kent", "forces reference"),
    ("referred_at", "", "must be filled"),
    ("referred_at", "2024-02-30", "real calendar date"),
    ("referred_at", "3 May 2024", "YYYY-MM-DD"),
    ("referred_at", "2024-04-30T23:59", "received_at date (2024-05-01"),
    ("assessment", "", "must be filled"),
    ("assessment", "Investigation", "one of: investigation, safeguarding"),
    ("assessment", "nfa", "one of: investigation, safeguarding"),
    ("assessed_at", "", "pending"),
    ("assessed_at", "2024-05-02", "on or after referred_at (2024-05-03)"),
    ("assessed_at", "2024-05-32", "YYYY-MM-DD"),
    ("assessed_at", "2024-05-10T10:00", "YYYY-MM-DD"),
]


@pytest.fixture(scope="module")
def referrals_refusal(tmp_path_factory, first_import_db):
    """One import of a file holding every case of REFERRAL_CASES, one per line from line 3."""
    cases = [
        REFERRAL_LINE_3 | {"referral_id": f"B{i}", c: v}
        for i, (c, v, _) in enumerate(REFERRAL_CASES)
    ]
    folder = tmp_path_factory.mktemp("referrals")
    paths = extract_breaking(folder / "extract", "referrals", cases)
    return refuse(paths, copy_db(first_import_db, folder))


@pytest.mark.parametrize(("line", "column", "value", "hint"), numbered(REFERRAL_CASES))
def test_broken_referral_is_refused_at_its_line_and_column(
    referrals_refusal, line, column, value, hint
):
    error = referrals_refusal
    assert at_line(error, line) == [("referrals.csv", line, column, value or None)]
    assert hint in next(p.expected for p in error.problems if p.line == line)


def test_each_broken_referral_is_one_problem(referrals_refusal):
    assert referrals_refusal.total == len(referrals_refusal.problems) == len(REFERRAL_CASES)


OUTCOME_CASES = [
    ("outcome_id", "", "must be filled"),
    ("outcome_id", SIXTY_FIVE, "64"),
    ("referral_id", "", "must be filled"),
    ("referral_id", "F404", "already imported"),
    ("outcome", "", "must be filled"),
    ("outcome", "Dismissed", "one of: no_case_to_answer"),
    ("outcome", "sacked", "one of: no_case_to_answer"),
    ("outcome", "no further action", "one of: no_case_to_answer"),
    ("decided_at", "", "must be filled"),
    ("decided_at", "2024-05-02", "referred_at date (2024-05-03, referral F2)"),
    ("decided_at", "2026-11-02", "future"),
    ("decided_at", "2024-02-30", "real calendar date"),
    ("decided_at", "2024-06-01T10:00", "YYYY-MM-DD"),
]


@pytest.fixture(scope="module")
def outcomes_refusal(tmp_path_factory, first_import_db):
    """One import of a file holding every case of OUTCOME_CASES, one per line from line 3."""
    cases = [
        OUTCOME_LINE_3 | {"outcome_id": f"B{i}", c: v} for i, (c, v, _) in enumerate(OUTCOME_CASES)
    ]
    folder = tmp_path_factory.mktemp("outcomes")
    paths = extract_breaking(folder / "extract", "outcomes", cases)
    return refuse(paths, copy_db(first_import_db, folder))


@pytest.mark.parametrize(("line", "column", "value", "hint"), numbered(OUTCOME_CASES))
def test_broken_outcome_is_refused_at_its_line_and_column(
    outcomes_refusal, line, column, value, hint
):
    error = outcomes_refusal
    assert at_line(error, line) == [("outcomes.csv", line, column, value or None)]
    assert hint in next(p.expected for p in error.problems if p.line == line)


def test_each_broken_outcome_is_one_problem(outcomes_refusal):
    assert outcomes_refusal.total == len(outcomes_refusal.problems) == len(OUTCOME_CASES)


@pytest.mark.parametrize(
    ("table", "line_2", "id_column"),
    [("referrals", REFERRAL_LINE_2, "referral_id"), ("outcomes", OUTCOME_LINE_2, "outcome_id")],
)
def test_repeated_id_is_refused_at_the_repeat(tmp_path, stored_db, table, line_2, id_column):
    paths = extract_breaking(tmp_path / "extract", table, line_2)
    error = refuse(paths, stored_db)
    assert places(error) == [(f"{table}.csv", 3, id_column, line_2[id_column])]
    assert "line 2" in error.problems[0].expected


@pytest.mark.parametrize(
    ("table", "line_3", "column"),
    [
        ("referrals", row(REFERRAL_LINE_3, report_id=SIXTY_FIVE), "report_id"),
        ("outcomes", row(OUTCOME_LINE_3, referral_id=SIXTY_FIVE), "referral_id"),
    ],
)
def test_overlong_reference_is_too_long_and_unknown(tmp_path, stored_db, table, line_3, column):
    error = refuse(extract_breaking(tmp_path / "extract", table, line_3), stored_db)
    assert places(error) == [(f"{table}.csv", 3, column, SIXTY_FIVE)] * 2
    assert {"64" in p.expected for p in error.problems} == {True, False}


# (table, values changed from F2 or from an outcome of F2, column, value stored)
ON_THE_LIMITS = [
    # the same date as the report's, earlier in the day: dates are compared, not times
    ("referrals", {"referred_at": "2024-05-01T08:00"}, "referred_at", datetime(2024, 5, 1, 8, 0)),
    ("referrals", {"referred_at": "2024-05-01"}, "referred_at", datetime(2024, 5, 1)),
    ("referrals", {"assessed_at": "2024-05-03"}, "assessed_at", date(2024, 5, 3)),
    ("referrals", {"assessment": "pending", "assessed_at": ""}, "assessed_at", None),
    ("referrals", {"assessment": "pending"}, "assessed_at", date(2024, 5, 10)),
    ("outcomes", {"decided_at": "2024-05-03"}, "decided_at", date(2024, 5, 3)),
    ("outcomes", {"decided_at": "2026-11-01"}, "decided_at", date(2026, 11, 1)),
]
LIMIT_IDS = [f"L{index}" for index in range(len(ON_THE_LIMITS))]


@pytest.fixture(scope="module")
def limits_db(tmp_path_factory):
    """One accepted import holding a referral or outcome L<n> for each case of ON_THE_LIMITS."""
    folder = tmp_path_factory.mktemp("limits")
    referrals, outcomes = [F2], []
    for row_id, (table, changes, _, _) in zip(LIMIT_IDS, ON_THE_LIMITS, strict=True):
        if table == "referrals":
            referrals.append(F2 | changes | {"referral_id": row_id})
        else:
            outcomes.append(row(OUTCOME, referral_id="F2") | changes | {"outcome_id": row_id})
    paths = write_extract(folder / "x", reports=[R2], referrals=referrals, outcomes=outcomes)
    accept(paths, folder / "db" / "oversight.duckdb")
    return folder / "db" / "oversight.duckdb"


@pytest.mark.parametrize(
    ("row_id", "table", "changes", "column", "stored"),
    [(i, *case) for i, case in zip(LIMIT_IDS, ON_THE_LIMITS, strict=True)],
)
def test_values_on_the_limits_are_accepted(limits_db, row_id, table, changes, column, stored):
    id_column = "referral_id" if table == "referrals" else "outcome_id"
    sql = f"select {column} from {table} where {id_column} = $id"
    assert query(limits_db, sql, {"id": row_id}) == [(stored,)]


def test_every_assessment_code_is_accepted(tmp_path, db_path):
    rows = [row(F2, referral_id=f"F{i}", assessment=code) for i, code in enumerate(ASSESSMENTS)]
    accept(write_extract(tmp_path / "extract", reports=[R2], referrals=rows), db_path)
    stored = query(db_path, "select referral_id, assessment::varchar from referrals")
    assert sorted(stored) == [(f"F{i}", code) for i, code in enumerate(ASSESSMENTS)]


def test_every_outcome_code_is_accepted(tmp_path, db_path):
    rows = [row(OUTCOME, outcome_id=f"O{i:02}", referral_id="F2", outcome=code)
            for i, code in enumerate(OUTCOMES)]  # fmt: skip
    paths = write_extract(tmp_path / "extract", reports=[R2], referrals=[F2], outcomes=rows)
    accept(paths, db_path)
    stored = query(db_path, "select outcome_id, outcome::varchar from outcomes order by 1")
    assert stored == [(f"O{i:02}", code) for i, code in enumerate(OUTCOMES)]
    assert len(OUTCOMES) == 16  # as many codes as the contract's table of outcomes lists


def test_absent_assessed_at_column_is_accepted_while_pending(tmp_path, db_path):
    header = ["referral_id", "report_id", "force", "referred_at", "assessment"]
    referral = row(F2, assessment="pending")
    write_table(tmp_path / "extract", "reports", [R2])
    paths = [tmp_path / "extract" / "reports.csv",
             write_table(tmp_path / "extract", "referrals", [referral], header)]  # fmt: skip
    accept(paths, db_path)
    assert query(db_path, "select referral_id, assessed_at from referrals") == [("F2", None)]


def test_absent_assessed_at_column_is_refused_when_not_pending(tmp_path, stored_db):
    header = ["referral_id", "report_id", "force", "referred_at", "assessment"]
    pending = row(REFERRAL, referral_id="F8", assessment="pending")
    new = row(REFERRAL, referral_id="F9")  # a new referral: no stored assessed_at to keep
    path = write_table(tmp_path / "extract", "referrals", [pending, new], header)
    error = refuse([path], stored_db)
    assert places(error) == [("referrals.csv", 3, "assessed_at", None)]


def test_absent_assessed_at_column_keeps_the_stored_date(tmp_path, stored_db):
    header = ["referral_id", "report_id", "force", "referred_at", "assessment"]
    path = write_table(tmp_path / "extract", "referrals", [REFERRAL], header)
    summary = accept([path], stored_db)
    assert [(f.rows_revised, f.rows_unchanged) for f in summary.files] == [(0, 1)]
    assert query(stored_db, "select assessed_at from referrals") == [(date(2024, 3, 10),)]


def test_a_report_may_be_referred_to_several_forces(tmp_path, db_path):
    rows = [F2, row(F2, referral_id="F3", force="metropolitan")]
    accept(write_extract(tmp_path / "extract", reports=[R2], referrals=rows), db_path)
    stored = query(db_path, "select referral_id, report_id, force::varchar from referrals")
    assert sorted(stored) == [("F2", "R2", "kent"), ("F3", "R2", "metropolitan")]


def test_referral_of_a_report_from_an_earlier_import_is_accepted(tmp_path, stored_db):
    referral = row(REFERRAL, referral_id="F5", referred_at="2024-03-01T08:00")
    summary = accept([write_table(tmp_path / "extract", "referrals", [referral])], stored_db)
    assert summary.import_id == 2
    stored = query(stored_db, "select referral_id, report_id, import_id from referrals")
    assert sorted(stored) == [("F1", "R1", 1), ("F5", "R1", 2)]
    assert query(stored_db, "select report_id, import_id from reports") == [("R1", 1)]


def test_referral_before_the_received_date_of_a_stored_report_is_refused(tmp_path, stored_db):
    referral = row(REFERRAL, referral_id="F5", referred_at="2024-02-29T23:00")
    error = refuse([write_table(tmp_path / "extract", "referrals", [referral])], stored_db)
    assert places(error) == [("referrals.csv", 2, "referred_at", "2024-02-29T23:00")]
    assert "2024-03-01" in error.problems[0].expected


def test_outcome_of_a_referral_from_an_earlier_import_is_accepted(tmp_path, stored_db):
    outcome = row(OUTCOME, outcome_id="O5", outcome="dismissed", decided_at="2024-03-04")
    accept([write_table(tmp_path / "extract", "outcomes", [outcome])], stored_db)
    stored = query(stored_db, "select outcome_id, referral_id, outcome::varchar from outcomes")
    assert sorted(stored) == [("O1", "F1", "no_case_to_answer"), ("O5", "F1", "dismissed")]


def test_outcome_before_the_date_of_a_stored_referral_is_refused(tmp_path, stored_db):
    outcome = row(OUTCOME, outcome_id="O5", decided_at="2024-03-03")
    error = refuse([write_table(tmp_path / "extract", "outcomes", [outcome])], stored_db)
    assert places(error) == [("outcomes.csv", 2, "decided_at", "2024-03-03")]


@pytest.mark.parametrize(
    ("table", "good", "column", "value"),
    [
        ("referrals", row(REFERRAL, report_id="R404"), "report_id", "R404"),
        ("outcomes", row(OUTCOME, referral_id="F404"), "referral_id", "F404"),
    ],
)
def test_orphan_is_refused_when_the_database_is_new(tmp_path, db_path, table, good, column, value):
    error = refuse([write_table(tmp_path / "extract", table, [good])], db_path)
    assert places(error) == [(f"{table}.csv", 2, column, value)]
    assert not db_path.exists()


# The contract says "not in the future" for received_at and decided_at only; Oversight refuses
# future referral and assessment dates too, since they would move the as-at date past today.
@pytest.mark.parametrize(
    ("changes", "column", "value"),
    [
        ({"referred_at": "2026-11-01T12:30", "assessment": "pending", "assessed_at": ""},
         "referred_at", "2026-11-01T12:30"),
        ({"assessed_at": "2026-11-02"}, "assessed_at", "2026-11-02"),
    ],
)  # fmt: skip
def test_future_referral_dates_are_refused(tmp_path, stored_db, changes, column, value):
    referral = row(REFERRAL, referral_id="F5", **changes)
    error = refuse([write_table(tmp_path / "extract", "referrals", [referral])], stored_db)
    assert places(error) == [("referrals.csv", 2, column, value)]
    assert "future" in error.problems[0].expected
