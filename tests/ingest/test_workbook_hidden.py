"""What a workbook can hide from openpyxl's read-only reading is refused, saying what it is:
hidden and very hidden sheets, hidden rows and columns, merged cells, formulas whose result was
not saved. Workbooks are written with openpyxl; sheet rows are lines (the header is line 1)."""

import time

import pytest

from oversight.ingest.sheet_xml import sheet_marks

from .helpers import OUTCOME, REFERRAL, REPORT, accept, places, query, refuse, row, write_workbook

FILE = "extract.xlsx [sheet reports]"


def report_cells(report_id: str, **changes) -> list:
    return list(row(REPORT, report_id=report_id, **changes).values())


def reports_sheet(*report_ids: str) -> dict[str, list[list]]:
    return {"reports": [list(REPORT), *(report_cells(i) for i in report_ids)]}


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_table_sheet_is_refused(tmp_path, stored_db, state):
    def hide(workbook):
        workbook["reports"].sheet_state = state

    # a workbook shows at least one sheet: here Excel's empty Sheet1
    sheets = {"Sheet1": []} | reports_sheet("R2")
    path = write_workbook(tmp_path / "extract.xlsx", sheets, hide)
    error = refuse([path], stored_db)
    assert places(error) == [(FILE, None, None, "reports")]
    assert f"a visible sheet (this one is {state}" in error.problems[0].expected


def test_hidden_sheet_holding_values_says_it_is_hidden(tmp_path, stored_db):
    def hide(workbook):
        workbook["notes"].sheet_state = "veryHidden"

    sheets = reports_sheet("R2") | {"notes": [["kept out of sight"]]}
    error = refuse([write_workbook(tmp_path / "extract.xlsx", sheets, hide)], stored_db)
    assert places(error) == [("extract.xlsx [sheet notes]", None, None, "notes")]
    assert "this one is veryHidden" in error.problems[0].expected


def test_empty_hidden_sheet_is_ignored(tmp_path, db_path):
    def hide(workbook):
        workbook.create_sheet("spare").sheet_state = "hidden"

    accept([write_workbook(tmp_path / "extract.xlsx", reports_sheet("R2"), hide)], db_path)
    assert query(db_path, "select report_id from reports") == [("R2",)]


def test_hidden_rows_and_columns_are_refused(tmp_path, stored_db):
    def hide(workbook):
        sheet = workbook["reports"]
        sheet.row_dimensions[3].hidden = True
        sheet.column_dimensions["C"].hidden = True  # channel

    path = write_workbook(tmp_path / "extract.xlsx", reports_sheet("R2", "R3", "R4"), hide)
    error = refuse([path], stored_db)
    assert places(error) == [(FILE, 1, "channel", None), (FILE, 3, None, None)]
    assert "column C is hidden" in error.problems[0].expected
    assert "a visible row (it is hidden" in error.problems[1].expected


def test_merged_cells_are_refused_as_merged_not_as_empty(tmp_path, stored_db):
    def merge(workbook):
        workbook["reports"].merge_cells("C2:C3")  # channel of R2 and R3

    path = write_workbook(tmp_path / "extract.xlsx", reports_sheet("R2", "R3"), merge)
    error = refuse([path], stored_db)
    # one problem, for the range: not "expected a value" for C3, which reads as empty
    assert places(error) == [(FILE, 2, "channel", None)]
    assert "(C2:C3 are merged: only C2 holds the value" in error.problems[0].expected


def test_formula_without_a_saved_result_is_named(tmp_path, stored_db):
    sheets = {"reports": [list(REPORT), report_cells("R2", channel='=LOWER("PHONE")')]}
    error = refuse([write_workbook(tmp_path / "extract.xlsx", sheets)], stored_db)
    assert places(error) == [(FILE, 2, "channel", '=LOWER("PHONE")')]
    assert "formula whose result was not saved" in error.problems[0].expected


def test_other_problems_of_the_sheet_are_still_listed(tmp_path, stored_db):
    def hide(workbook):
        workbook["reports"].row_dimensions[2].hidden = True

    sheets = {"reports": [list(REPORT), report_cells("R2"), report_cells("R3", channel="fax")]}
    error = refuse([write_workbook(tmp_path / "extract.xlsx", sheets, hide)], stored_db)
    assert places(error) == [(FILE, 2, None, None), (FILE, 3, "channel", "fax")]


def test_the_second_pass_is_cheap_beside_the_reading(tmp_path):
    # 20,000 rows: the scan of the sheet's XML takes a small part of openpyxl's own reading
    from oversight.ingest.sources import Workbook

    sheets = {"reports": [list(REPORT)] + [report_cells(f"R{i}") for i in range(20_000)]}
    path = write_workbook(tmp_path / "big.xlsx", sheets)
    started = time.perf_counter()
    marks = sheet_marks(path, "reports")
    scan = time.perf_counter() - started
    started = time.perf_counter()
    workbook = Workbook.open(path)
    sum(1 for _ in workbook.rows("reports"))
    workbook.close()
    reading = time.perf_counter() - started
    assert not (marks.hidden_rows or marks.hidden_columns or marks.merged)
    assert scan < reading / 3


def test_a_sheet_with_a_hidden_row_is_still_read_whole(tmp_path, stored_db):
    # every row of the sheet is read, hidden or not: references to it are checked as usual
    def hide(workbook):
        workbook["referrals"].row_dimensions[2].hidden = True

    sheets = {
        "referrals": [list(REFERRAL), list(REFERRAL.values())],
        "outcomes": [list(OUTCOME), list(row(OUTCOME, outcome_id="O2", referral_id="F9").values())],
    }
    error = refuse([write_workbook(tmp_path / "extract.xlsx", sheets, hide)], stored_db)
    assert places(error) == [
        ("extract.xlsx [sheet outcomes]", 2, "referral_id", "F9"),
        ("extract.xlsx [sheet referrals]", 2, None, None),
    ]


def test_a_workbook_cut_short_is_named_so(tmp_path, db_path):
    whole = write_workbook(
        tmp_path / "whole.xlsx", {"reports": [list(REPORT), list(REPORT.values())]}
    )
    cut = tmp_path / "extract.xlsx"
    cut.write_bytes(whole.read_bytes()[:-200])
    error = refuse([cut], db_path)
    assert len(error.problems) == 1
    assert error.problems[0].expected.startswith(
        "a complete .xlsx workbook (this file is damaged or cut short"
    )
