"""Awkward but valid extracts are accepted and stored exactly as a tidy one would be."""

from datetime import date, datetime

import pytest

from .helpers import (
    DATA_TABLES,
    REPORT,
    accept,
    csv_text,
    places,
    query,
    refuse,
    rows_of,
    sha256,
    write,
    write_workbook,
)

HEADER = ",".join(REPORT)
# report R1 as stored from REPORT: optional columns at their defaults, written by import 1
R1_STORED = ("R1", datetime(2024, 3, 1, 9, 30), "phone", ["other"], "kent", "officer", False,
             "unknown", "unknown", "not_stated", "not_stated", 1)  # fmt: skip


def stored_report(db_path, report_id="R1") -> tuple:
    return query(db_path, "select * from reports where report_id = $id", {"id": report_id})[0]


def categories_of(db_path) -> list[tuple]:
    return sorted(query(db_path, "select report_id, unnest(categories)::varchar from reports"))


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + HEADER + "\n" + ",".join(REPORT.values()) + "\n",
        HEADER + "\r\n" + ",".join(REPORT.values()) + "\r\n",
        "\ufeff" + HEADER + "\r\n" + ",".join(REPORT.values()) + "\r\n",
        HEADER + "\n" + ",".join(REPORT.values()),  # no newline at the end
        HEADER + "\n" + ",".join(f'"{value}"' for value in REPORT.values()) + "\n",
        HEADER + "\n" + " R1 , 2024-03-01T09:30 ,phone , other, kent,  officer , false \n",
        HEADER + "\n" + '" R1 ",2024-03-01T09:30,"phone ",other,kent,officer,"false"\n',
        HEADER + "\n" + ",".join(REPORT.values()) + "\n\n\n",
        HEADER + "\r" + ",".join(REPORT.values()) + "\r",  # old Mac Excel: a lone CR
    ],
    ids=["bom", "crlf", "bom-crlf", "no-final-newline", "quoted", "spaces", "quoted-spaces",
         "trailing-blank-lines", "cr"],
)  # fmt: skip
def test_awkward_spelling_of_the_same_report(tmp_path, db_path, text):
    summary = accept([write(tmp_path / "x", "reports.csv", text)], db_path)
    assert [(f.rows_read, f.rows_added) for f in summary.files] == [(1, 1)]
    assert rows_of(db_path, "reports") == [R1_STORED]
    assert categories_of(db_path) == [("R1", "other")]


def test_quoted_values_with_commas_and_doubled_quotes(tmp_path, db_path):
    lines = [
        HEADER,
        '"R,1",2024-03-01T09:30,phone,"other;discrimination",kent,officer,false',
        '"R""2",2024-03-01T09:30,phone," domestic_abuse ; other ",kent,officer,false',
    ]
    accept([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], db_path)
    assert categories_of(db_path) == [
        ('R"2', "domestic_abuse"),
        ('R"2', "other"),
        ("R,1", "discrimination"),
        ("R,1", "other"),
    ]


def test_date_time_spellings(tmp_path, db_path):
    spellings = {
        "2024-03-01": datetime(2024, 3, 1),
        "2024-03-01T09:30": datetime(2024, 3, 1, 9, 30),
        "2024-03-01 09:31": datetime(2024, 3, 1, 9, 31),
        "2024-03-01T09:30:15": datetime(2024, 3, 1, 9, 30, 15),
        "2024-03-01 09:30:16": datetime(2024, 3, 1, 9, 30, 16),
        "2024-02-29T00:00": datetime(2024, 2, 29),
    }
    rows = [
        REPORT | {"report_id": f"R{i}", "received_at": text} for i, text in enumerate(spellings)
    ]
    accept([write(tmp_path / "x", "reports.csv", csv_text(rows))], db_path)
    stored = query(db_path, "select report_id, received_at from reports order by 1")
    assert stored == [(f"R{i}", value) for i, value in enumerate(spellings.values())]


# The same extract twice: as CSV text, and as workbook sheets with typed cells.
CSV_FILES = {
    "reports.csv": [
        "report_id,received_at,channel,categories,subject_force,subject_role,anonymous,duty_status",
        "1001,2024-03-01T09:30,phone,other;discrimination,kent,officer,true,on_duty",
        "R2,2024-03-02,online,domestic_abuse,unknown,staff,false,",
    ],
    "referrals.csv": [
        "referral_id,report_id,force,referred_at,assessment,assessed_at",
        "F1,1001,kent,2024-03-04T15:00,investigation,2024-03-04",
        "F2,R2,metropolitan,2024-03-02,pending,",
    ],
    "outcomes.csv": ["outcome_id,referral_id,outcome,decided_at", "O1,F1,dismissed,2024-06-01"],
}
SHEETS = {
    "outcomes": [  # sheets in any order
        ["outcome_id", "referral_id", "outcome", "decided_at"],
        ["O1", "F1", "dismissed", datetime(2024, 6, 1)],
    ],
    "reports": [
        CSV_FILES["reports.csv"][0].split(","),
        [1001, datetime(2024, 3, 1, 9, 30), "phone", "other;discrimination", "kent", "officer",
         True, "on_duty"],
        [None] * 8,  # an empty row is skipped
        ["R2", date(2024, 3, 2), " online ", "domestic_abuse", "unknown", "staff", False],
    ],
    "referrals": [
        CSV_FILES["referrals.csv"][0].split(","),
        ["F1", 1001.0, "kent", datetime(2024, 3, 4, 15, 0), "investigation", date(2024, 3, 4)],
        ["F2", "R2", "metropolitan", "2024-03-02", "pending", None],
    ],
}  # fmt: skip
STORED = {
    "reports": [
        ("1001", datetime(2024, 3, 1, 9, 30), "phone", ["discrimination", "other"], "kent",
         "officer", True, "on_duty", "unknown", "not_stated", "not_stated", 1),
        ("R2", datetime(2024, 3, 2), "online", ["domestic_abuse"], "unknown", "staff", False,
         "unknown", "unknown", "not_stated", "not_stated", 1),
    ],
    "referrals": [
        ("F1", "1001", "kent", datetime(2024, 3, 4, 15, 0), "investigation", date(2024, 3, 4), 1),
        ("F2", "R2", "metropolitan", datetime(2024, 3, 2), "pending", None, 1),
    ],
    "outcomes": [("O1", "F1", "dismissed", date(2024, 6, 1), 1)],
}  # fmt: skip


def write_csv_files(folder) -> list:
    return [write(folder, name, "\n".join(lines) + "\n") for name, lines in CSV_FILES.items()]


def test_csv_files_are_stored_as_worked_out_by_hand(tmp_path, db_path):
    accept(write_csv_files(tmp_path / "x"), db_path)
    assert {table: rows_of(db_path, table) for table in DATA_TABLES} == {
        table: sorted(rows, key=repr) for table, rows in STORED.items()
    }


def test_workbook_is_stored_as_the_same_csv_files(tmp_path, db_path):
    workbook = write_workbook(tmp_path / "extract.xlsx", SHEETS)
    summary = accept([workbook], db_path)
    assert sorted((f.file_name, f.rows_read) for f in summary.files) == [
        ("extract.xlsx [sheet outcomes]", 1),
        ("extract.xlsx [sheet referrals]", 2),
        ("extract.xlsx [sheet reports]", 2),
    ]
    assert {f.sha256 for f in summary.files} == {sha256(workbook)}
    csv_db = tmp_path / "csv" / "oversight.duckdb"
    accept(write_csv_files(tmp_path / "x"), csv_db)
    for table in DATA_TABLES:
        assert rows_of(db_path, table) == rows_of(csv_db, table), table


def test_folder_argument_imports_the_files_inside(tmp_path, db_path):
    folder = tmp_path / "x"
    write_csv_files(folder)
    write(folder, "README.txt", "files other than .csv and .xlsx are not part of the extract")
    summary = accept([folder], db_path)
    assert sorted((f.file_name, f.table, f.rows_added) for f in summary.files) == [
        ("outcomes.csv", "outcomes", 1),
        ("referrals.csv", "referrals", 2),
        ("reports.csv", "reports", 2),
    ]
    assert rows_of(db_path, "outcomes") == STORED["outcomes"]


def test_workbook_problems_name_the_sheet_and_its_row(tmp_path, stored_db):
    header = list(REPORT)
    sheets = {
        "reports": [
            header,
            ["R2", datetime(2024, 3, 1), "phone", "other", "kent", "officer", True],
            [None] * 7,
            ["R3", datetime(2024, 3, 1), "fax", "other", "kent", "officer", "no"],
            ["R4", datetime(2024, 3, 1), "phone", "other", "kent", "officer", True, None, None,
             None, None, "beyond the header"],
            ["R5", datetime(2026, 11, 2), "phone", "other", "kent", "officer", 1],
        ]
    }  # fmt: skip
    error = refuse([write_workbook(tmp_path / "extract.xlsx", sheets)], stored_db)
    sheet = "extract.xlsx [sheet reports]"
    assert places(error) == [
        (sheet, 4, "channel", "fax"),
        (sheet, 5, "#12", "beyond the header"),  # the first position holding a value
        (sheet, 6, "received_at", "2026-11-02"),
    ]


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        ({"Sheet1": [["x"]]}, [("extract.xlsx [sheet Sheet1]", None, None, "Sheet1")]),
        (
            {"reports": [list(REPORT)], "Notes": [[None], [None, " see below "]]},
            [("extract.xlsx [sheet Notes]", None, None, "Notes")],
        ),
        ({"reports": [[]]}, [("extract.xlsx [sheet reports]", None, None, None)]),
        ({"reports": [[*REPORT, "notes"]]}, [("extract.xlsx [sheet reports]", 1, "#8", "notes")]),
    ],
    ids=["unknown-sheet", "unknown-sheet-beside-tables", "empty-sheet", "extra-column"],
)
def test_workbook_with_wrong_sheets_is_refused(tmp_path, stored_db, sheets, expected):
    error = refuse([write_workbook(tmp_path / "extract.xlsx", sheets)], stored_db)
    assert places(error) == expected


def test_damaged_workbook_is_refused(tmp_path, stored_db):
    path = write(tmp_path / "x", "extract.xlsx", b"PK\x03\x04 not really a zip archive")
    error = refuse([path], stored_db)
    assert places(error) == [("extract.xlsx", None, None, None)]
