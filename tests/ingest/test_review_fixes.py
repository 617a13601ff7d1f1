"""Review fixes of the importer: extra values named by position (S6), awkward but valid
workbooks and Excel-saved CSVs (S8), one trimming rule for both formats (N1), optional columns
from the contract alone (N7), honest line numbers and counts (N10), one opening per workbook
(N11), imports run side by side, and the Met pilot totals read back from the database (S9).

Every expected value is worked out by hand from the lines written here.
"""

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from oversight import contract
from oversight.ingest import sources
from oversight.ingest.checks import SPECS
from oversight.ingest.problems import ExtractError, Problem
from oversight.settings import DEMO_DIR, PROJECT_ROOT
from oversight.store import write_lock

from .helpers import (
    REFERRAL,
    REPORT,
    accept,
    places,
    query,
    refuse,
    row,
    rows_of,
    sha256,
    write,
    write_workbook,
)

HEADER = ",".join(REPORT)  # 7 columns
LINE = ",".join(REPORT.values())  # R1, stored as R1_STORED
R1_STORED = ("R1", datetime(2024, 3, 1, 9, 30), "phone", ["other"], "kent", "officer", False,
             "unknown", "unknown", "not_stated", "not_stated", 1)  # fmt: skip


def line_of(report_id: str, **changes: str) -> str:
    return ",".join(row(REPORT, report_id=report_id, **changes).values())


def report_cells(report_id: str, **changes) -> list:
    return list(row(REPORT, report_id=report_id, **changes).values())


# S6: a value beyond the header's columns is named by its position, #n, as header problems are


def test_csv_line_with_too_many_values_names_the_first_extra_position(tmp_path, stored_db):
    lines = [
        HEADER,
        line_of("R2") + ",extra",  # line 2: position 8 is the first beyond 7 columns
        line_of("R3") + ",,x",  # line 3: position 8 is empty (tolerated), 9 holds x
        line_of("R4") + ",,",  # line 4: empty values beyond the header are no problem
    ]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    assert places(error) == [
        ("reports.csv", 2, "#8", line_of("R2") + ",extra"),
        ("reports.csv", 3, "#9", line_of("R3") + ",,x"),
    ]
    assert str(error.problems[0]).startswith("reports.csv, line 2, column #8: found 'R2,")
    assert error.problems[0].expected == "no more values than the header has columns"


def test_sheet_value_beyond_the_header_names_its_position(tmp_path, stored_db):
    sheets = {"reports": [list(REPORT), report_cells("R2") + ["extra"],
                          report_cells("R3") + [None, "  ", "x"]]}  # fmt: skip
    error = refuse([write_workbook(tmp_path / "book.xlsx", sheets)], stored_db)
    assert places(error) == [
        ("book.xlsx [sheet reports]", 2, "#8", "extra"),
        ("book.xlsx [sheet reports]", 3, "#10", "x"),  # "  " is empty once trimmed
    ]


# S8 (a): Excel's default empty sheet beside the tables is ignored; a sheet with values is not


def test_workbook_with_excel_default_empty_sheets_is_accepted(tmp_path, db_path):
    sheets = {
        "Sheet": [],
        "reports": [list(REPORT), report_cells("R1")],
        "Sheet1": [[None, " \t "]],  # only spaces and a tab: empty
        "referrals": [list(REFERRAL), list(REFERRAL.values())],
    }
    summary = accept([write_workbook(tmp_path / "book.xlsx", sheets)], db_path)
    assert sorted((f.file_name, f.table, f.rows_added) for f in summary.files) == [
        ("book.xlsx [sheet referrals]", "referrals", 1),
        ("book.xlsx [sheet reports]", "reports", 1),
    ]
    assert rows_of(db_path, "reports") == [R1_STORED]


def test_unknown_sheet_holding_a_value_is_still_refused(tmp_path, stored_db):
    sheets = {"reports": [list(REPORT)], "Sheet1": [[None], [None, None, "note"]]}
    error = refuse([write_workbook(tmp_path / "book.xlsx", sheets)], stored_db)
    assert places(error) == [("book.xlsx [sheet Sheet1]", None, None, "Sheet1")]


# S8 (b): sheet names are matched without regard to case, as file names are


def test_sheet_names_in_any_case_are_the_tables(tmp_path, db_path):
    sheets = {
        "Reports": [list(REPORT), report_cells("R1")],
        "REFERRALS": [list(REFERRAL), list(REFERRAL.values())],
    }
    summary = accept([write_workbook(tmp_path / "book.xlsx", sheets)], db_path)
    assert sorted((f.file_name, f.table) for f in summary.files) == [
        ("book.xlsx [sheet REFERRALS]", "referrals"),
        ("book.xlsx [sheet Reports]", "reports"),
    ]
    assert query(db_path, "select referral_id, report_id from referrals") == [("F1", "R1")]


# S8 (c): empty trailing header cells with nothing under them are ignored, in both formats


def test_excel_saved_csv_with_trailing_empty_columns_is_accepted(tmp_path, db_path):
    text = "\r\n".join([HEADER + ",,", LINE + ",,", ""])
    summary = accept([write(tmp_path / "x", "reports.csv", text)], db_path)
    assert [(f.rows_read, f.rows_added) for f in summary.files] == [(1, 1)]
    assert rows_of(db_path, "reports") == [R1_STORED]


def test_sheet_with_trailing_empty_header_cells_is_accepted(tmp_path, db_path):
    sheets = {"reports": [list(REPORT) + [None, "  "], report_cells("R1") + [None, None]]}
    accept([write_workbook(tmp_path / "book.xlsx", sheets)], db_path)
    assert rows_of(db_path, "reports") == [R1_STORED]


def test_value_under_an_unnamed_column_is_refused_in_both_formats(tmp_path, stored_db):
    # header: 7 names, then two empty cells (#8, #9); the value x is under #9 on the 3rd line
    csv_path = write(
        tmp_path / "csv",
        "reports.csv",
        "\n".join([HEADER + ",,", line_of("R2") + ",,", line_of("R3") + ",,x", ""]),
    )
    book = write_workbook(
        tmp_path / "book.xlsx",
        {"reports": [list(REPORT) + ["", None],
                     report_cells("R2") + [None, None],
                     report_cells("R3") + [None, "x"]]},
    )  # fmt: skip
    csv_error = refuse([csv_path], stored_db)
    book_error = refuse([book], stored_db)
    assert places(csv_error) == [("reports.csv", 3, "#9", "x")]
    assert places(book_error) == [("book.xlsx [sheet reports]", 3, "#9", "x")]
    assert csv_error.problems[0].expected == book_error.problems[0].expected
    assert "without a name" in csv_error.problems[0].expected


# N1: spaces and tabs (and only those) are trimmed around every value, in both formats


def test_spaces_and_tabs_around_values_are_trimmed_in_both_formats(tmp_path):
    values = row(REPORT, channel="\tphone ", categories=" other\t", anonymous="\tfalse\t")
    csv_db = tmp_path / "csv" / "oversight.duckdb"
    text = HEADER + ",duty_status\n" + ",".join(values.values()) + ",\t\n"  # tab = empty
    accept([write(tmp_path / "x", "reports.csv", text)], csv_db)
    book_db = tmp_path / "book" / "oversight.duckdb"
    sheets = {"reports": [list(REPORT) + ["duty_status"], list(values.values()) + [" \t"]]}
    accept([write_workbook(tmp_path / "book.xlsx", sheets)], book_db)
    assert rows_of(csv_db, "reports") == rows_of(book_db, "reports") == [R1_STORED]


def test_tab_between_categories_is_trimmed(tmp_path, db_path):
    text = HEADER + "\n" + line_of("R1", categories="discrimination\t;\tother") + "\n"
    accept([write(tmp_path / "x", "reports.csv", text)], db_path)
    assert query(db_path, "select categories::varchar[] from reports") == [
        (["discrimination", "other"],)
    ]


@pytest.mark.parametrize("odd", ["\u00a0", "\u2003", "\n"], ids=["nbsp", "em-space", "line-break"])
def test_other_white_space_around_a_value_is_kept_and_refused(tmp_path, stored_db, odd):
    value = "phone" + odd
    text = HEADER + "\n" + line_of("R2", channel=f'"{value}"') + "\n"
    csv_error = refuse([write(tmp_path / "x", "reports.csv", text)], stored_db)
    sheets = {"reports": [list(REPORT), report_cells("R2", channel=value)]}
    book_error = refuse([write_workbook(tmp_path / "book.xlsx", sheets)], stored_db)
    assert places(csv_error) == [("reports.csv", 2, "channel", value)]
    assert places(book_error) == [("book.xlsx [sheet reports]", 2, "channel", value)]


# N7: which columns are optional is said once, in oversight.contract


def test_required_columns_follow_the_contract_alone():
    optional = {
        (table, column.name) for table, columns in SPECS.items() for column in columns
        if not column.required
    }  # fmt: skip
    assert optional == {
        ("reports", "duty_status"),
        ("reports", "setting"),
        ("reports", "subject_sex"),
        ("reports", "subject_ethnicity"),
        ("referrals", "assessed_at"),
    }
    assert optional == {(t, c) for t, columns in contract.OPTIONAL_COLUMNS.items() for c in columns}
    assert not hasattr(contract, "ID_COLUMN")


# N10: line numbers are exact, or said to be approximate; counts are exact, or "at least"


def test_space_before_a_quoted_value_spanning_lines_keeps_exact_lines(tmp_path, stored_db):
    spanning = ' "R\n2",2024-03-01,phone,other,kent,officer,true'  # lines 4-5
    lines = [HEADER, LINE.replace("R1", "R0"), "", spanning, line_of("R3", channel="fax")]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n\n")], stored_db)
    # 1 header, 2 R0, 3 blank, 4-5 "R\n2" (no id holds a line break), 6 R3
    assert places(error) == [
        ("reports.csv", 4, "report_id", "R\n2"),
        ("reports.csv", 6, "channel", "fax"),
    ]
    assert "approximate" not in str(error)


def test_lines_that_cannot_be_matched_are_said_to_be_approximate(tmp_path, stored_db, monkeypatch):
    # A second reading that disagrees with read_csv from its second record on (a different id):
    # lines from there are given as that reading has them, and said to be approximate.
    lines = [HEADER, "", line_of("R2", channel="fax"), line_of("R3"), line_of("R4", channel="fax")]
    monkeypatch.setattr(sources, "_record_lines", lambda *_: ([3, 4, 5], ["R2", "X3", "R4"]))
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    assert places(error) == [
        ("reports.csv", 3, "channel", "fax"),
        ("reports.csv", 5, "channel", "fax"),
    ]
    assert error.problems[0].expected == "one of: phone, online"
    assert error.problems[1].expected == (
        "one of: phone, online (line number approximate: from line 4 on, the records of this "
        "file could not be matched one by one to its lines)"
    )


def test_records_beyond_a_short_second_reading_are_counted_on_and_said_approximate(
    tmp_path, stored_db, monkeypatch
):
    lines = [HEADER, "", line_of("R2", channel="fax"), line_of("R3"), line_of("R4", channel="fax")]
    monkeypatch.setattr(sources, "_record_lines", lambda *_: ([3], ["R2"]))
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    # R3 and R4 are numbered on from line 3: 4 and 5, approximate from line 4
    assert places(error) == [
        ("reports.csv", 3, "channel", "fax"),
        ("reports.csv", 5, "channel", "fax"),
    ]
    assert "approximate" not in error.problems[0].expected
    assert "approximate: from line 4 on" in error.problems[1].expected


def test_open_quotes_taking_in_lines_make_the_count_a_lower_bound(tmp_path, stored_db):
    # each open quote takes the next line into its record: lines 2-3, 4-5, then 6 alone
    lines = [HEADER] + [f'R{n},"2024-03-01' for n in range(5)]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    assert [(p.line, p.column, p.hides_more) for p in error.problems] == [
        (2, "received_at", True),
        (4, "received_at", True),
        (6, "received_at", False),
    ]
    assert "it took in line 3, whose own problems are not listed" in error.problems[0].expected
    assert str(error).startswith("Extract refused, nothing was imported: at least 3 problems")


@pytest.mark.parametrize(
    ("broken", "column"),
    [
        ("R{n},2024-03-01", "channel"),  # too short: channel is the first value missing
        ('R{n},"2024"-03-01,phone', "received_at"),  # a misplaced quote, and too short
    ],
    ids=["short", "misplaced-quote"],
)
def test_every_line_broken_gives_one_problem_each_at_its_line(tmp_path, stored_db, broken, column):
    lines = [HEADER] + [broken.format(n=n) for n in range(2, 6)]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    assert error.total == 4
    assert places(error) == [("reports.csv", n, column, broken.format(n=n)) for n in range(2, 6)]
    assert str(error).startswith("Extract refused, nothing was imported: 4 problems found.")


def test_lower_bound_summary_words():
    listed = [Problem("reports.csv", 2, "report_id", '"x', "a properly quoted value", True)]
    error = ExtractError(listed, total=3)
    assert error.summary().splitlines() == [
        "Extract refused, nothing was imported: at least 3 problems found.",
        "- reports.csv, line 2, column report_id: found '\"x'; expected a properly quoted value",
        "... and at least 2 more problems not listed.",
    ]
    assert (
        ExtractError(listed, total=3, at_least=False)
        .summary()
        .startswith("Extract refused, nothing was imported: 3 problems found.")
    )


def test_lines_ending_in_different_ways_are_refused_at_the_first_odd_one(tmp_path, stored_db):
    text = HEADER + "\n" + LINE.replace("R1", "R2") + "\r\n" + LINE.replace("R1", "R3") + "\n"
    error = refuse([write(tmp_path / "x", "reports.csv", text)], stored_db)
    assert places(error) == [("reports.csv", 2, None, None)]
    assert error.problems[0].expected == (
        "lines that all end the same way (this line ends in CRLF, the first in LF)"
    )


# N11: a workbook is opened once per import


def test_workbook_is_opened_once_per_import(tmp_path, db_path, monkeypatch):
    sheets = {
        "Sheet1": [],
        "reports": [list(REPORT), report_cells("R1")],
        "referrals": [list(REFERRAL), list(REFERRAL.values())],
        "outcomes": [["outcome_id", "referral_id", "outcome", "decided_at"],
                     ["O1", "F1", "dismissed", "2024-06-01"]],
    }  # fmt: skip
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    opened = []
    load = openpyxl.load_workbook
    monkeypatch.setattr(
        openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or load(*a, **k)
    )
    summary = accept([book], db_path)
    assert len(summary.files) == 3
    assert len(opened) == 1


# S9: imports side by side, and the Met pilot read back from the database


def oversight_import(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "oversight", "import", str(path), "--db", str(db)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_imports_started_together_both_land_one_after_the_other(tmp_path):
    db = tmp_path / "db" / "real.duckdb"
    first = write(tmp_path / "a", "reports.csv", HEADER + "\n" + LINE + "\n")
    second = write(tmp_path / "b", "reports.csv", HEADER + "\n" + line_of("R2") + "\n")
    db.parent.mkdir()
    with write_lock(db):  # both start while another writer holds the lock: both must wait
        children = [oversight_import(first, db), oversight_import(second, db)]
        time.sleep(1.5)
        assert [child.poll() for child in children] == [None, None]
    results = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], results
    assert query(db, "select report_id from reports order by 1") == [("R1",), ("R2",)]
    assert query(db, "select import_id from imports order by 1") == [(1,), (2,)]
    assert sorted(query(db, "select sha256, rows_added from import_files")) == sorted(
        [(sha256(first), 1), (sha256(second), 1)]
    )


def test_met_pilot_totals_through_the_database(tmp_path, db_path):
    accept(sorted(DEMO_DIR.glob("*.csv")), db_path)
    pilot = "cast(r.received_at as date) between date '2022-11-29' and date '2024-02-29'"
    reports = query(
        db_path,
        "select count(*), count(*) filter (channel = 'phone'), count(*) filter (channel = "
        f"'online') from reports r where r.subject_force = 'metropolitan' and {pilot}",
    )
    referrals = query(
        db_path,
        "select count(*), count(*) filter (f.assessment = 'investigation'), "
        "count(*) filter (f.assessment = 'transferred') from referrals f "
        f"join reports r using (report_id) where f.force = 'metropolitan' and {pilot}",
    )
    assert reports + referrals == [(2878, 1988, 890), (867, 728, 139)]
