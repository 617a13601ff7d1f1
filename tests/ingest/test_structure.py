"""Files and headers that break the contract's structure are refused, naming file, line, column."""

import io
import zipfile

import pytest

from .helpers import (
    GOOD,
    OUTCOME,
    REFERRAL,
    REPORT,
    accept,
    csv_text,
    places,
    query,
    refuse,
    row,
    write,
    write_table,
)

REPORT_LINE = ",".join(REPORT.values())
HEADER = ",".join(REPORT)


def bad_channel(report_id: str) -> str:
    return ",".join(row(REPORT, report_id=report_id, channel="fax").values())


@pytest.mark.parametrize(
    ("table", "missing"),
    [("reports", "categories"), ("referrals", "force"), ("outcomes", "decided_at")],
)
def test_missing_required_column(tmp_path, stored_db, table, missing):
    header = [name for name in GOOD[table] if name != missing]
    error = refuse([write_table(tmp_path / "x", table, [GOOD[table]], header)], stored_db)
    assert places(error) == [(f"{table}.csv", 1, missing, None)]
    assert "required" in error.problems[0].expected


@pytest.mark.parametrize("table", ["reports", "referrals", "outcomes"])
def test_every_missing_required_column_is_listed(tmp_path, stored_db, table):
    optional = {"reports": [], "referrals": ["assessed_at"], "outcomes": []}[table]
    error = refuse([write(tmp_path / "x", f"{table}.csv", ",".join(optional) + "\n")], stored_db)
    if not optional:  # a header with no names at all
        assert places(error) == [(f"{table}.csv", 1, None, None)]
        return
    required = [name for name in GOOD[table] if name not in optional]
    assert sorted(places(error)) == sorted((f"{table}.csv", 1, name, None) for name in required)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f"{HEADER},notes", [("reports.csv", 1, "#8", "notes")]),
        (f"notes,{HEADER}", [("reports.csv", 1, "#1", "notes")]),
        (f"{HEADER},channel", [("reports.csv", 1, "channel", "channel")]),
        (
            HEADER.replace("report_id", "Report_ID"),
            [("reports.csv", 1, "#1", "Report_ID"), ("reports.csv", 1, "report_id", None)],
        ),
        (
            HEADER.replace("channel", " channel"),
            [("reports.csv", 1, "#3", " channel"), ("reports.csv", 1, "channel", None)],
        ),
    ],
    ids=["extra-last", "extra-first", "repeated", "wrong-case", "space"],
)
def test_wrong_header_is_refused(tmp_path, stored_db, header, expected):
    text = header + "\n" + REPORT_LINE + "\n"
    error = refuse([write(tmp_path / "x", "reports.csv", text)], stored_db)
    assert sorted(places(error), key=repr) == sorted(expected, key=repr)
    if len(expected) == 2:
        assert "case-sensitive" in error.problems[0].expected


def test_ragged_rows_and_the_lines_after_them(tmp_path, stored_db):
    short = "R3,2024-03-01,phone,other,kent"  # 5 values of 7: subject_role is the first missing
    long = "R4,2024-03-01,phone,other,kent,officer,true,extra"
    lines = [HEADER, REPORT_LINE, short, long, REPORT_LINE.replace("R1", "R5"), bad_channel("R6")]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    assert places(error) == [
        ("reports.csv", 3, "subject_role", short),
        ("reports.csv", 4, "#8", long),  # the header has 7 columns: #8 is the first extra
        ("reports.csv", 6, "channel", "fax"),
    ]
    assert "fewer" in error.problems[0].expected
    assert "no more values" in error.problems[1].expected


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_ragged_rows_with_other_line_endings(tmp_path, stored_db, newline):
    lines = [HEADER, "R3,2024-03-01,phone", REPORT_LINE, bad_channel("R6")]
    path = write(tmp_path / "x", "reports.csv", newline.join(lines) + newline)
    error = refuse([path], stored_db)
    assert [p[:3] for p in places(error)] == [
        ("reports.csv", 2, "categories"),
        ("reports.csv", 4, "channel"),
    ]


def test_blank_lines_and_a_value_over_two_lines_keep_the_file_lines(tmp_path, stored_db):
    over_two_lines = '"R\n2",2024-03-01,phone,other,kent,officer,true'
    short = "R3,2024-03-01,phone"
    lines = [HEADER, "", REPORT_LINE, over_two_lines, "", short, bad_channel("R6"), "", ""]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines))], stored_db)
    # line 1 header, 2 blank, 3 R1, 4-5 "R\n2" (no id holds a line break), 6 blank, 7 short, 8 R6
    assert places(error) == [
        ("reports.csv", 4, "report_id", "R\n2"),
        ("reports.csv", 7, "categories", short),
        ("reports.csv", 8, "channel", "fax"),
    ]


def test_unterminated_quote_is_refused_at_its_line(tmp_path, stored_db):
    broken = 'R2,2024-03-01,phone,"other,kent,officer,true'
    lines = [HEADER, REPORT_LINE, broken, REPORT_LINE.replace("R1", "R3")]
    error = refuse([write(tmp_path / "x", "reports.csv", "\n".join(lines) + "\n")], stored_db)
    [(file, line, column, value)] = places(error)
    assert (file, line, column) == ("reports.csv", 3, "categories")
    assert value.startswith(broken)
    assert "quote" in error.problems[0].expected


def test_line_not_in_utf8_is_refused_at_its_line(tmp_path, stored_db):
    text = "\n".join([HEADER, REPORT_LINE, REPORT_LINE.replace("R1", "Ré2"), bad_channel("R6")])
    error = refuse(
        [write(tmp_path / "x", "reports.csv", (text + "\n").encode("latin-1"))], stored_db
    )
    assert places(error) == [
        ("reports.csv", 3, "report_id", None),
        ("reports.csv", 4, "channel", "fax"),
    ]
    assert "UTF-8" in error.problems[0].expected


def test_header_not_in_utf8_is_refused(tmp_path, stored_db):
    text = HEADER.replace("report_id", "réport_id") + "\n" + REPORT_LINE + "\n"
    error = refuse([write(tmp_path / "x", "reports.csv", text.encode("latin-1"))], stored_db)
    assert places(error) == [("reports.csv", 1, None, None)]
    assert "UTF-8" in error.problems[0].expected


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00", "binary"),
        (b"\x89PNG\r\n\x1a\n\xff\xd8\xff", "UTF-8"),
        (xlsx_bytes(), ".xlsx"),
        (b"\n" + HEADER.encode() + b"\n", "header row"),
        ((HEADER + "\n").encode("utf-16"), "UTF-16"),
    ],
    ids=["empty", "binary", "png", "xlsx", "blank-first-line", "utf-16"],
)
def test_file_that_is_not_a_csv_extract_is_refused(tmp_path, stored_db, content, words):
    error = refuse([write(tmp_path / "x", "reports.csv", content)], stored_db)
    assert [(p.file, p.column, p.value) for p in error.problems] == [("reports.csv", None, None)]
    assert words in error.problems[0].expected


def test_header_only_files_are_accepted_with_no_rows(tmp_path, db_path):
    paths = [write(tmp_path / "x", f"{t}.csv", ",".join(GOOD[t]) + "\n") for t in GOOD]
    summary = accept(paths, db_path)
    assert sorted((f.file_name, f.rows_read, f.rows_added) for f in summary.files) == [
        ("outcomes.csv", 0, 0),
        ("referrals.csv", 0, 0),
        ("reports.csv", 0, 0),
    ]
    assert query(db_path, "select count(*) from reports") == [(0,)]
    assert query(db_path, "select count(*) from imports") == [(1,)]


@pytest.mark.parametrize("name", ["notes.csv", "report.csv", "reports.txt", "reports.csv.bak"])
def test_file_with_an_unknown_name_is_refused(tmp_path, stored_db, name):
    good = write_table(tmp_path / "x", "reports", [row(REPORT, report_id="R2")])
    other = write(tmp_path / "x", name, csv_text([REPORT]))
    error = refuse([good, other], stored_db)
    assert places(error) == [(name, None, None, None)]


def test_path_that_does_not_exist_is_refused(tmp_path, stored_db):
    missing = tmp_path / "x" / "nowhere" / "reports.csv"
    error = refuse([missing], stored_db)
    assert places(error) == [(str(missing), None, None, None)]


def test_folder_without_extract_files_is_refused(tmp_path, stored_db):
    folder = tmp_path / "x"
    write(folder, "README.txt", "nothing here")
    error = refuse([folder], stored_db)
    assert places(error) == [(str(folder), None, None, None)]


def test_no_paths_at_all_is_refused(stored_db):
    assert places(refuse([], stored_db)) == [("(no files)", None, None, None)]


def test_two_reports_files_in_one_import_are_refused(tmp_path, stored_db):
    first = write_table(tmp_path / "a", "reports", [row(REPORT, report_id="R2")])
    second = write_table(tmp_path / "b", "reports", [row(REPORT, report_id="R3")])
    error = refuse([first, second], stored_db)
    assert places(error) == [("reports.csv", None, None, None)]
    assert "one reports table" in error.problems[0].expected


def test_reports_file_and_reports_sheet_in_one_import_are_refused(tmp_path, stored_db):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "reports"
    workbook.active.append(list(REPORT))
    workbook.save(tmp_path / "book.xlsx")
    csv_path = write_table(tmp_path / "x", "reports", [row(REPORT, report_id="R2")])
    error = refuse([tmp_path / "book.xlsx", csv_path], stored_db)
    assert places(error) == [("reports.csv", None, None, None)]
    assert "book.xlsx [sheet reports]" in error.problems[0].expected


def test_problems_of_several_files_are_all_listed(tmp_path, stored_db):
    paths = [
        write(tmp_path / "x", "reports.csv", b""),
        write_table(tmp_path / "x", "referrals", [row(REFERRAL, force="atlantis")]),
        write_table(tmp_path / "x", "outcomes", [OUTCOME], [*OUTCOME, "notes"]),
    ]
    error = refuse(paths, stored_db)
    assert sorted(places(error), key=repr) == [
        ("outcomes.csv", 1, "#5", "notes"),
        ("referrals.csv", 2, "force", "atlantis"),
        ("reports.csv", None, None, None),
    ]
