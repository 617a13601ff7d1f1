"""snapshot.xlsx: read back with openpyxl and checked against the values written by hand in
conftest.py, plus a conversion to PDF with LibreOffice as a reader's program would open it."""

import dataclasses
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from oversight.snapshot.model import Revision, Snapshot
from oversight.snapshot.workbook import write_workbook
from tests.snapshot.conftest import make_snapshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "snapshot"

TABLE_SHEETS = [
    "Headline",
    "Reports_by_force",
    "Reports_by_category",
    "Reports_by_month",
    "Outcomes_by_force",
    "Timeliness",
    "Outcomes_decided",
    "Outcomes_decided_by_force",
]
# public outputs name months only (docs/metrics.md, "Public releases")
PERIOD = "April to June 2025"


def written(snapshot: Snapshot, tmp_path: Path, name: str = "snapshot.xlsx") -> Path:
    path = tmp_path / name
    write_workbook(snapshot, path)
    return path


def opened(snapshot: Snapshot, tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written(snapshot, tmp_path))


def table(sheet, first_heading: str) -> list[list]:
    """The rows of the sheet's table, headings first: from the row whose A cell is
    first_heading to the last row."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == first_heading)
    return [row[: len(rows[start])] for row in rows[start:]]


def column_a(sheet) -> list[str]:
    return [row[0] for row in sheet.iter_rows(values_only=True) if row[0] is not None]


def cover_text(book) -> str:
    return "\n".join(column_a(book["Cover"]))


def with_table(snapshot: Snapshot, name: str, frame: pd.DataFrame) -> Snapshot:
    return dataclasses.replace(snapshot, tables={**snapshot.tables, name: frame})


@pytest.fixture(scope="module")
def public_book(tmp_path_factory) -> openpyxl.Workbook:
    """The public snapshot's workbook, written once for the tests that only read it."""
    snapshot = make_snapshot(public=True, with_revisions=True)
    return opened(snapshot, tmp_path_factory.mktemp("public"))


@pytest.fixture(scope="module")
def internal_book(tmp_path_factory) -> openpyxl.Workbook:
    snapshot = make_snapshot(public=False, with_revisions=True)
    return opened(snapshot, tmp_path_factory.mktemp("internal"))


# ----- structure ---------------------------------------------------------------------------------


def test_sheets_are_cover_contents_notes_then_one_per_table_then_revisions(public_book):
    book = public_book

    assert book.sheetnames == ["Cover", "Contents", "Notes", *TABLE_SHEETS, "Revisions"]


def test_no_revisions_sheet_without_revisions(tmp_path):
    for revisions in (None, []):
        snapshot = dataclasses.replace(make_snapshot(public=True), revisions=revisions)
        book = opened(snapshot, tmp_path)

        assert book.sheetnames == ["Cover", "Contents", "Notes", *TABLE_SHEETS]


def test_no_sheet_has_merged_cells(public_book, internal_book):
    for book in (public_book, internal_book):
        for sheet in book:
            assert not sheet.merged_cells.ranges, sheet.title


def test_each_table_sheet_has_its_title_in_a1(public_book):
    book = public_book

    titles = {name: book[name]["A1"].value for name in [*TABLE_SHEETS, "Revisions"]}

    assert titles == {
        "Headline": f"Headline counts, {PERIOD} [note 1][note 2]",
        "Reports_by_force": (
            f"Reports by force named, and per 1,000 officers a year, {PERIOD} [note 3]"
        ),
        "Reports_by_category": f"Reports by category, {PERIOD} [note 7]",
        "Reports_by_month": f"Reports by month and channel, {PERIOD}",
        "Outcomes_by_force": (
            f"Referrals and outcomes by receiving force, {PERIOD} [note 8][note 1]"
        ),
        "Timeliness": f"Time taken at each stage, in days, {PERIOD} [note 9][note 10]",
        "Outcomes_decided": f"Outcomes decided in the period, {PERIOD} [note 11][note 12]",
        "Outcomes_decided_by_force": (
            f"Outcomes decided in the period, by receiving force, {PERIOD} [note 11][note 8]"
        ),
        "Revisions": "Revisions since the previous snapshot [note 2]",
    }
    assert book["Cover"]["A1"].value == (
        "Police Anti-Corruption and Abuse Reporting Service: transparency snapshot, "
        f"{PERIOD} (synthetic data)"
    )


def test_contents_lists_and_links_every_table_sheet(public_book):
    book = public_book
    contents = book["Contents"]

    rows = table(contents, "Sheet name")

    assert rows[0] == ["Sheet name", "Table description"]
    assert [row[0] for row in rows[1:]] == [*TABLE_SHEETS, "Revisions"]
    assert rows[1][1].strip() == f"Headline counts, {PERIOD}"
    links = [cell.hyperlink.location for cell in contents["A"] if cell.hyperlink is not None]
    assert links == [f"'{name}'!A1" for name in [*TABLE_SHEETS, "Revisions"]]


def test_notes_are_numbered_in_order_of_first_reference(public_book):
    book = public_book

    rows = table(book["Notes"], "Note number")

    assert rows[0] == ["Note number", "Note text"]
    assert [row[0] for row in rows[1:]] == list(range(1, 13))
    text = {row[0]: row[1] for row in rows[1:]}
    assert "counted so far" in text[1]  # headline: cohort
    assert "revised" in text[2]
    assert "subject force" in text[3]  # reports by force
    assert "31 March 2025" in text[4]  # officers column
    assert "14 March 2024" in text[5] and "365.25" in text[5]  # officer-years column
    assert "a year" in text[6] and "2 decimal places" in text[6] and "[x]" in text[6]  # rate
    assert "several categories" in text[7]
    assert "received the referral" in text[8]
    assert "Kaplan-Meier" in text[10]
    assert "by the date each was decided" in text[11]  # the event view
    assert "outcomes decided in the period" in text[12]  # its days


def test_column_headings_are_words_and_under_a_note_where_one_applies(public_book):
    book = public_book

    headings = table(book["Reports_by_force"], "Force code")[0]

    assert headings == [
        "Force code",
        "Force",
        "Reports",
        "Police officers (full-time equivalent)\n[note 4]",
        "Officer-years in the service\n[note 5]",
        "Reports per 1,000 officers a year\n[note 6]",
    ]
    lines = column_a(book["Reports_by_force"])
    assert (
        "The same figures as reports_by_force.csv, whose columns are, in order: force_code, "
        "force_name, reports, officer_fte, officer_years, reports_per_1000_officers_a_year."
    ) in lines


# ----- values ------------------------------------------------------------------------------------

HEADLINE_INTERNAL = [
    ["Reports received", "reports", 120],
    ["Reports made by phone", "reports_phone", 80],
    ["Reports made online", "reports_online", 40],
    ["Anonymous reports", "anonymous_reports", 30],
    ["Reports passed to at least one force (disseminated)", "disseminated_reports", 60],
    ["Referrals to forces", "referrals", 62],
    ["Investigations", "investigations", 50],
    ["Referrals transferred to another force", "transferred", 5],
    [
        "Investigations with a case to answer (misconduct or gross misconduct)",
        "case_to_answer",
        12,
    ],
    ["False allegations found", "false_allegations", 3],
    ["Dismissals", "dismissals", 6],
    ["Would have been dismissed", "would_have_been_dismissed", 3],
    [
        "Removed from policing (dismissed or would have been dismissed)",
        "removed_from_policing",
        9,
    ],
    ["Barred from policing", "barred", 3],
    ["Criminal charges", "criminal_charges", 0],
    ["Open investigations", "open_cases", 20],
    ["Referrals awaiting the force's decision", "awaiting_force_decision", 7],
    [
        "Referrals awaiting the force's decision for more than 28 days",
        "awaiting_force_decision_overdue",
        3,
    ],
]
CODES = {code for _, code, _ in HEADLINE_INTERNAL}
SUPPRESSED_IN_PUBLIC_HEADLINE = {
    "false_allegations",
    "dismissals",
    "would_have_been_dismissed",
    "barred",
    "awaiting_force_decision_overdue",
}


def test_headline_values_internal(internal_book):
    sheet = internal_book["Headline"]

    rows = table(sheet, "Measure")

    assert rows == [["Measure", "Measure code", "Number"], *HEADLINE_INTERNAL]
    numbers = [row[2] for row in sheet.iter_rows() if row[1].value in CODES]
    assert len(numbers) == 18
    assert all(cell.data_type == "n" for cell in numbers)
    assert all(cell.number_format == "#,##0" for cell in numbers)


def test_headline_values_public_carry_c(public_book):
    rows = table(public_book["Headline"], "Measure")

    expected = [
        [label, code, "[c]" if code in SUPPRESSED_IN_PUBLIC_HEADLINE else value]
        for label, code, value in HEADLINE_INTERNAL
    ]
    assert rows[1:] == expected


def test_reports_by_force_public(public_book):
    sheet = public_book["Reports_by_force"]

    rows = table(sheet, "Force code")

    assert rows[1:] == [
        ["MPS", "Metropolitan Police Service", 100, 33000.5, 32977.91, 3.03],
        ["KNT", "Kent Police", 14, 3900.25, 3897.58, 3.59],
        # officer-years are not a count of people: shown beside a suppressed rate
        ["DYF", "Dyfed-Powys Police", "[c]", 1200, 1199.18, "[c]"],
        ["unknown", "Force not known", "[c]", "[x]", "[x]", "[x]"],
    ]
    mps = next(row for row in sheet.iter_rows() if row[0].value == "MPS")
    assert [cell.data_type for cell in mps] == ["s", "s", "n", "n", "n", "n"]
    assert [cell.number_format for cell in mps[2:]] == ["#,##0", *["#,##0.00"] * 3]
    lines = column_a(sheet)
    assert any(line.startswith("[c] = confidential: fewer than 5") for line in lines)
    assert any(line.startswith("[x] = not available") for line in lines)


def test_reports_by_force_internal_has_exact_numbers(internal_book):
    sheet = internal_book["Reports_by_force"]

    rows = table(sheet, "Force code")

    assert rows[1:] == [
        ["MPS", "Metropolitan Police Service", 100, 33000.5, 32977.91, 3.03],
        ["KNT", "Kent Police", 14, 3900.25, 3897.58, 3.59],
        ["DYF", "Dyfed-Powys Police", 3, 1200, 1199.18, 2.5],
        ["unknown", "Force not known", 6, "[x]", "[x]", "[x]"],
    ]
    assert not any(str(line).startswith("[c] =") for line in column_a(sheet))


def test_other_tables_public(public_book):
    book = public_book

    assert table(book["Reports_by_category"], "Category") == [
        ["Category", "Category code", "Reports"],
        ["Corrupt exchange", "corrupt_exchange", 40],
        ["Abuse of position", "abuse_of_position", 50],
        ["Sexual misconduct", "sexual_misconduct", 30],
        ["Domestic abuse", "domestic_abuse", 0],
        ["Discrimination", "discrimination", "[c]"],
        ["Other", "other", 10],
    ]
    assert table(book["Reports_by_month"], "Month") == [
        ["Month", "Channel", "Reports"],
        ["2025-04", "phone", 30],
        ["2025-04", "online", 10],
        ["2025-05", "phone", 25],
        ["2025-05", "online", 15],
        ["2025-06", "phone", 25],
        ["2025-06", "online", 15],
    ]
    assert table(book["Outcomes_by_force"], "Force code") == [
        [
            "Force code",
            "Force",
            "Referrals",
            "Investigations",
            "Case to answer",
            "Dismissals",
            "Would have been dismissed",
        ],
        ["MPS", "Metropolitan Police Service", 50, 40, 8, "[c]", "[c]"],
        ["KNT", "Kent Police", 12, 10, "[c]", 0, 0],
    ]
    assert table(book["Timeliness"], "Stage") == [
        ["Stage", "Measure code", "Cases measured", "Median days", "90th percentile days"],
        ["Report received to referral to a force", "days_to_dissemination", 62, 3, 10],
        ["Referral to investigation finding", "days_to_finding", 30, 120.5, 300],
        [
            "Report received to the outcome that ends the investigation",
            "days_to_outcome",
            50,
            290,
            "[x]",
        ],
        ["Report received to dismissal", "days_to_dismissal", "[c]", "[c]", "[c]"],
    ]
    outcome = next(
        row for row in book["Timeliness"].iter_rows() if row[1].value == "days_to_outcome"
    )
    assert outcome[3].number_format == "#,##0.0"


def test_revisions_sheet_lists_each_changed_figure(public_snapshot, tmp_path):
    snapshot = dataclasses.replace(
        public_snapshot,
        revisions=[
            Revision("headline", "reports", "value", "118", "120"),
            Revision("reports_by_force", "DYF", "reports_per_1000_officers_a_year", "", "[c]"),
            Revision("timeliness", "days_to_finding", "median_days", "119.5", "120.5"),
        ],
    )
    sheet = opened(snapshot, tmp_path)["Revisions"]

    assert table(sheet, "Table") == [
        ["Table", "Row", "Column", "Previous value", "New value"],
        ["headline", "reports", "value", 118, 120],
        ["reports_by_force", "DYF", "reports_per_1000_officers_a_year", "[x]", "[c]"],
        ["timeliness", "days_to_finding", "median_days", 119.5, 120.5],
    ]
    assert column_a(sheet)[1] == (
        "Figures that differ from the previous snapshot of the same period, generated "
        "1 July 2025 at 08:00 UTC: one row per figure."
    )


def test_a_table_with_no_rows_says_so(public_snapshot, tmp_path):
    columns = list(public_snapshot.table("outcomes_by_force").columns)
    snapshot = with_table(public_snapshot, "outcomes_by_force", pd.DataFrame(columns=columns))
    sheet = opened(snapshot, tmp_path)["Outcomes_by_force"]

    assert table(sheet, "Force code")[1:] == [["none in this period"] + ["[x]"] * 6]
    assert "There are no rows in this table for this period." in column_a(sheet)


# ----- the cover ---------------------------------------------------------------------------------


def test_cover_of_a_public_snapshot(public_book):
    text = cover_text(public_book)

    assert text.startswith("Police Anti-Corruption and Abuse Reporting Service")
    assert "Synthetic data: these figures were made from invented demonstration data" in text
    assert "Period: reports received April to June 2025, both included." in text
    assert "As at: July 2025," in text
    assert "3 July" not in text and "1 April" not in text and "30 June" not in text
    assert "Generated: 4 July 2025 at 09:30 UTC, by Oversight 0.1.0." in text
    assert "experimental statistics" in text
    assert "Public snapshot: disclosure-controlled." in text
    assert "not for publication" not in text
    assert "a count from 1 to 4 is shown as [c]; a zero is shown as 0." in text
    assert "Secondary suppression" in text
    assert "whose denominator is below 10, is shown as [c]" in text
    assert "[c] = confidential: fewer than 5, suppressed to protect reporters and officers" in text
    assert "[x] = not available" in text
    assert "1 figure changed since the previous snapshot" in text
    assert "6 reports name no force (subject force not known)." in text
    assert "Source: " in text
    assert "Contact" in text


def test_cover_of_an_internal_snapshot(internal_book):
    book = internal_book
    text = cover_text(book)

    assert "not for publication" in book["Cover"]["A1"].value
    assert "Internal snapshot, not for publication: exact numbers" in text
    assert "Suppression rules" not in text
    assert "[c] =" not in text
    assert "[x] = not available" in text


def test_cover_says_when_no_figure_changed_and_nothing_without_a_previous_snapshot(tmp_path):
    unchanged = dataclasses.replace(make_snapshot(public=True), revisions=[])
    unknown = make_snapshot(public=True)
    real = dataclasses.replace(make_snapshot(public=True), synthetic=False)

    assert "no figures changed since the previous snapshot" in cover_text(
        opened(unchanged, tmp_path)
    )
    assert "Revisions:" not in cover_text(opened(unknown, tmp_path))
    real_book = opened(real, tmp_path)
    assert "Synthetic" not in cover_text(real_book)
    assert "synthetic" not in real_book["Cover"]["A1"].value


# ----- safe and reproducible ---------------------------------------------------------------------


def test_text_starting_like_a_formula_stays_inert_text(public_snapshot, tmp_path):
    forces = public_snapshot.table("reports_by_force").copy()
    forces.loc[1, "force_name"] = '=HYPERLINK("http://x","y")'
    forces.loc[2, "force_name"] = "@SUM(1+1)"
    forces.loc[3, "force_name"] = "http://example.org"
    snapshot = with_table(public_snapshot, "reports_by_force", forces)
    sheet = opened(snapshot, tmp_path)["Reports_by_force"]

    cells = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value}

    assert cells["KNT"].data_type == "s"
    assert cells["KNT"].value == '\'=HYPERLINK("http://x","y")'
    assert cells["DYF"].data_type == "s"
    assert cells["DYF"].value == "'@SUM(1+1)"
    assert cells["unknown"].value == "http://example.org"
    assert cells["unknown"].hyperlink is None
    with zipfile.ZipFile(tmp_path / "snapshot.xlsx") as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 12
        assert not any(b"<f>" in package.read(name) for name in sheets)


def test_a_formula_reaching_xlsxwriter_unprefixed_is_still_text(
    public_snapshot, tmp_path, monkeypatch
):
    # The second guard: xlsxwriter is told never to turn a string into a formula.
    monkeypatch.setattr("oversight.snapshot.workbook.neutralise_formulas", lambda frame: frame)
    forces = public_snapshot.table("reports_by_force").copy()
    forces.loc[1, "force_name"] = '=HYPERLINK("http://x","y")'
    snapshot = with_table(public_snapshot, "reports_by_force", forces)
    sheet = opened(snapshot, tmp_path)["Reports_by_force"]

    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "KNT")

    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'


def test_text_gptables_would_read_as_a_link_is_refused(public_snapshot, tmp_path):
    forces = public_snapshot.table("reports_by_force").copy()
    forces.loc[1, "force_name"] = "[click](http://x)"
    snapshot = with_table(public_snapshot, "reports_by_force", forces)

    with pytest.raises(ValueError, match="link or a note reference"):
        write_workbook(snapshot, tmp_path / "snapshot.xlsx")


def test_same_snapshot_gives_the_same_bytes(public_snapshot, tmp_path):
    first = written(public_snapshot, tmp_path, "first.xlsx")
    second = written(make_snapshot(public=True, with_revisions=True), tmp_path, "second.xlsx")

    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        assert {entry.date_time for entry in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "<dcterms:created" in core
    assert ">2025-07-04T09:30:00Z</dcterms:created>" in core
    assert ">2025-07-04T09:30:00Z</dcterms:modified>" in core


def test_document_properties_name_the_snapshot(public_book):
    book = public_book

    assert book.properties.title == book["Cover"]["A1"].value
    assert book.properties.creator == "Oversight"


# ----- a reader's program ------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_converts_it_to_pdf(public_snapshot, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is not installed: scripts/test.sh installs it"
    workbook = written(public_snapshot, tmp_path, "snapshot-workbook.xlsx")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "snapshot-workbook.pdf"
    pdf.unlink(missing_ok=True)

    done = subprocess.run(
        [
            soffice,
            # A profile of its own, so a LibreOffice already running cannot swallow the job.
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(ARTIFACTS),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr
    assert pdf.is_file(), done.stdout + done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 10_000
