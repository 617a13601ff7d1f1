"""A snapshot as an accessible spreadsheet, snapshot.xlsx, following the Analysis Function's
guidance "Releasing statistics in spreadsheets": a cover sheet, a contents sheet, a notes sheet,
then one table per worksheet (and the revisions, when there are any). Written with gptables, the
Analysis Function's own package for such spreadsheets.

The same figures as the CSV files, with two differences a reader is told about: column headings
are in words (each sheet lists the CSV columns they stand for), and a cell that is empty in the
CSV file holds [x] here, because the guidance asks for no blank cells.
"""

import datetime as dt
import math
import re
import warnings
from pathlib import Path

import gptables as gpt
import pandas as pd
from xlsxwriter.utility import cell_autofit_width

from oversight import disclosure
from oversight.analysis.decided import DECIDED_MEASURES
from oversight.analysis.reports import CATEGORY_LABELS
from oversight.exports import FORMULA_STARTS, neutralise_formulas
from oversight.snapshot.commentary import as_at_words, period_words
from oversight.snapshot.model import SUPPRESSED, TABLES, Revision, Snapshot, TableSpec

NOT_AVAILABLE = "[x]"
SERVICE = "Police Anti-Corruption and Abuse Reporting Service"

COVER_SHEET = "Cover"
CONTENTS_SHEET = "Contents"
NOTES_SHEET = "Notes"
REVISIONS_SHEET = "Revisions"

# Each table's worksheet is named after its CSV file, so "Reports_by_force" holds
# reports_by_force.csv: short, no spaces, and a reader can pair them without a key.
SHEET_NAMES = {spec.name: spec.name.capitalize() for spec in TABLES}

# Column headings in words, by CSV column name. A column not listed keeps its CSV name.
HEADINGS = {
    "measure": "Measure code",
    "value": "Number",
    "force_code": "Force code",
    "force_name": "Force",
    "reports": "Reports",
    "officer_fte": "Police officers (full-time equivalent)",
    "officer_years": "Officer-years in the service",
    "reports_per_1000_officers_a_year": "Reports per 1,000 officers a year",
    "category": "Category code",
    "month": "Month",
    "channel": "Channel",
    "referrals": "Referrals",
    "investigations": "Investigations",
    "case_to_answer": "Case to answer",
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed",
    "false_allegations": "False allegations found",
    "barred": "Barred from policing",
    "criminal_charges": "Criminal charges",
    "decided": "Decided in the period",
    "cases": "Cases measured",
    "median_days": "Median days",
    "p90_days": "90th percentile days",
}

# Codes in snake_case are hard to read, so these tables gain a first column naming each row in
# words (docs/metrics.md, "Counts" and "Times"), and keep the code the CSV file holds.
HEADLINE_LABELS = {
    "reports": "Reports received",
    "reports_phone": "Reports made by phone",
    "reports_online": "Reports made online",
    "anonymous_reports": "Anonymous reports",
    "disseminated_reports": "Reports passed to at least one force (disseminated)",
    "referrals": "Referrals to forces",
    "investigations": "Investigations",
    "transferred": "Referrals transferred to another force",
    "case_to_answer": "Investigations with a case to answer (misconduct or gross misconduct)",
    "false_allegations": "False allegations found",
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed",
    "removed_from_policing": "Removed from policing (dismissed or would have been dismissed)",
    "barred": "Barred from policing",
    "criminal_charges": "Criminal charges",
    "open_cases": "Open investigations",
    "awaiting_force_decision": "Referrals awaiting the force's decision",
    "awaiting_force_decision_overdue": "Referrals awaiting the force's decision for more than "
    "28 days",
}
TIMELINESS_LABELS = {
    "days_to_dissemination": "Report received to referral to a force",
    "days_to_finding": "Referral to investigation finding",
    "days_to_outcome": "Report received to the outcome that ends the investigation",
    "days_to_dismissal": "Report received to dismissal",
}
ROW_LABELS = {  # table -> (code column, heading of the added column, labels)
    "headline": ("measure", "Measure", HEADLINE_LABELS),
    "reports_by_category": ("category", "Category", CATEGORY_LABELS),
    "timeliness": ("measure", "Stage", TIMELINESS_LABELS),
    "outcomes_decided": (
        "measure",
        "Outcome",
        {measure: label for measure, (label, _) in DECIDED_MEASURES.items()},
    ),
}

COUNT_FORMAT = "#,##0"
TWO_PLACES = "#,##0.00"
ONE_PLACE = "#,##0.0"
NUMBER_FORMATS = {
    "officer_fte": TWO_PLACES,
    "officer_years": TWO_PLACES,
    "reports_per_1000_officers_a_year": TWO_PLACES,
    "median_days": ONE_PLACE,
    "p90_days": ONE_PLACE,
}
TEXT_COLUMNS = {"measure", "force_code", "force_name", "category", "month", "channel"}

# Column widths in characters, narrow enough for a page of A4 upright in LibreOffice too, whose
# stand-in for Calibri (the unit of column widths) is wider where Calibri is not installed.
COVER_WIDTH = 75
NOTES_WIDTH = 75
# Row heights for wrapped text: Excel works them out when it opens a file, but LibreOffice keeps
# the default height, so wrapped lines would overlap. xlsxwriter cannot measure text, so they
# are estimated for gptheme's font sizes (see _height).
FONT_SIZE = 12
COVER_TITLE_SIZE = 16
COVER_HEADING_SIZE = 14

# Notes, keyed by the reference gptables resolves ($$key$$ in a title or column heading) to a
# number in order of first appearance. Each is referenced at least once.
NOTES = {
    "cohort": "Referrals and outcomes are those of the reports received in the period, counted "
    "so far, as at the as-at date given on the cover. Cases still in progress can add to them "
    "in a later snapshot of the same period.",
    "revisions": "Figures can be revised: cases progress and records are corrected after a "
    "snapshot is made. Figures that changed since an earlier snapshot of the same period are "
    "listed on the Revisions worksheet when there are any.",
    "subject_force": "Reports count for the subject force: the force the reported person works "
    "for. Reports whose subject force is not known are counted in the national totals and "
    "shown as 'Force not known' (force code 'unknown').",
    "officers": "Police officers are full-time equivalents on 31 March 2025 (Home Office, Police "
    "workforce, England and Wales), for the 43 territorial forces of England and Wales. Other "
    "forces have no figure in that series, shown as [x].",
    "officer_years": "Officer-years are a force's officers times the years it was in the "
    "service within the period, up to the as-at date (days ÷ 365.25): the Metropolitan Police "
    "from 29 November 2022 (the pilot), every other force from 14 March 2024 (the national "
    "launch). Given to 2 decimal places.",
    "rates": "Reports per 1,000 officers a year are a force's reports divided by its "
    "officer-years, times 1,000, to 2 decimal places, so that periods of different lengths "
    "can be compared. A rate that cannot be computed (no officer figure for the force, or not "
    "in the service in the period) is shown as [x] (empty in the CSV file), never as 0.",
    "categories": "A report can carry several categories and counts under each of them, so the "
    "rows add up to more than the number of reports.",
    "receiving_force": "Referrals and their outcomes count for the force that received the "
    "referral, which may differ from the reported person's force.",
    "times": "Times are whole days between calendar dates, shown as the median and the 90th "
    "percentile, to 1 decimal place.",
    "decided": "Outcomes decided in the period are counted by the date each was decided, "
    "whenever the report was received: not the outcomes of the reports received in the period, "
    "which the other tables count. A referral counts once in each outcome, in the period of its "
    "first outcome of that kind (cases to answer, false allegations and dismissals of "
    "investigations; barring and charges after any assessment).",
    "decided_days": "Days from the report are whole days from the report's receipt to the "
    "outcome, for the outcomes decided in the period: the median and the 90th percentile, to 1 "
    "decimal place.",
    "kaplan_meier": "Days to outcome is a Kaplan-Meier estimate over all investigations, with "
    "open ones counted as still open at the as-at date: its median is the first day by which "
    "the estimated share still open falls to a half (its 90th percentile: to a tenth). Where "
    "the estimate never falls that far it is shown as [x] (empty in the CSV file).",
}
# Where each note is referenced: in a table's title, or under a column heading.
TITLE_NOTES = {
    "headline": ("cohort", "revisions"),
    "reports_by_force": ("subject_force",),
    "reports_by_category": ("categories",),
    "reports_by_month": (),
    "outcomes_by_force": ("receiving_force", "cohort"),
    "timeliness": ("times", "kaplan_meier"),
    "outcomes_decided": ("decided", "decided_days"),
    "outcomes_decided_by_force": ("decided", "receiving_force"),
}
COLUMN_NOTES = {
    "reports_by_force": {
        "officer_fte": "officers",
        "officer_years": "officer_years",
        "reports_per_1000_officers_a_year": "rates",
    },
}

# gptables writes text shaped like a markdown link, "[text](url)", as a hyperlink, and turns
# "$$key$$" into a note reference (failing on an unknown key); it has no way to escape either.
# Text that comes from the data is refused if it holds either, rather than written changed.
_GPTABLES_MARKUP = re.compile(r"\[.+\]\(.+\)|\$\$")


def write_workbook(snapshot: Snapshot, path: Path) -> None:
    """Write the snapshot's tables to path as an accessible spreadsheet (snapshot.xlsx)."""
    sheets = {SHEET_NAMES[spec.name]: _table_sheet(snapshot, spec) for spec in TABLES}
    cover = _cover(snapshot)
    if snapshot.revisions:
        sheets[REVISIONS_SHEET] = _revisions_sheet(snapshot)
    notes = pd.DataFrame({"reference": list(NOTES), "Note text": list(NOTES.values())})
    with warnings.catch_warnings():
        # gptables 2.0.2 uses pandas features that pandas 3 deprecates (for pandas 4); they
        # still work, and a reader of the command's output can do nothing about them.
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning, module="gptables")
        workbook = gpt.produce_workbook(
            filename=str(path),
            sheets=sheets,
            cover=cover,
            contentsheet_label=CONTENTS_SHEET,
            contentsheet_options={
                "title": "Contents",
                "instructions": "This worksheet contains one table: each worksheet of tables "
                "with its title. Select a sheet name to go to it.",
            },
            notes_table=notes,
            notesheet_label=NOTES_SHEET,
            notesheet_options={
                "title": "Notes",
                "instructions": "This worksheet contains one table. Tables refer to a note "
                "by its number, as [note 1].",
            },
            workbook_options={
                # A text cell starting with "=" stays text, never a formula; one that looks
                # like a web address stays text, never a link (OWASP, "CSV injection").
                "strings_to_formulas": False,
                "strings_to_urls": False,
                # In memory, xlsxwriter dates every zip entry 1 January 1980: reproducible.
                "in_memory": True,
            },
        )
        workbook.set_properties(
            {
                "title": _title(snapshot),
                "subject": "Transparency snapshot: reports, referrals and outcomes",
                "author": "Oversight",
                "comments": f"Generated by Oversight {snapshot.software_version}",
                # The file's creation date is the snapshot's, not the clock's, so the same
                # snapshot always gives the same bytes.
                "created": _utc(snapshot.generated_at).replace(tzinfo=None),
            }
        )
        _fit_cover(workbook.get_worksheet_by_name(COVER_SHEET), cover)
        _fit_notes(workbook.get_worksheet_by_name(NOTES_SHEET))
        for worksheet in workbook.worksheets():
            worksheet.set_paper(9)  # A4
            if worksheet.name in sheets:
                worksheet.set_landscape()  # a table's long subtitles run to the right
            worksheet.fit_to_pages(1, 0)  # as wide as one page, as long as it needs
        workbook.close()


def _fit_cover(sheet, cover: gpt.Cover) -> None:
    """Rows tall enough for the cover's wrapped text, in the order gptables writes it: the
    title, then each section's heading ("" here) and lines."""
    texts = [cover.title, "", *cover.intro, "", *cover.about, "", *cover.contact]
    for row, text in enumerate(texts):
        size = COVER_TITLE_SIZE if row == 0 else COVER_HEADING_SIZE if text == "" else FONT_SIZE
        sheet.set_row(row, _height(getattr(text, "string", text), COVER_WIDTH, size))


def _fit_notes(sheet) -> None:
    """The notes' text column narrower than its longest note, each row tall enough for its note
    (numbered in order of first reference, as gptables numbers them)."""
    sheet.set_column(1, 1, NOTES_WIDTH)
    first_row = 3  # under the title, the instructions and the headings
    for row, key in enumerate(_note_order(), start=first_row):
        sheet.set_row(row, _height(NOTES[key], NOTES_WIDTH, FONT_SIZE))


def _note_order() -> list[str]:
    keys = [
        key
        for spec in TABLES
        for key in (*TITLE_NOTES[spec.name], *COLUMN_NOTES.get(spec.name, {}).values())
    ]
    return list(dict.fromkeys(keys))


def _height(text: str, width: int, size: int) -> float:
    """Points for text wrapped in a column width characters wide, in a font size points high,
    from xlsxwriter's autofit width (Calibri 11) scaled to the size, with room to spare."""
    text_pixels = cell_autofit_width(text) * size / 11
    column_pixels = width * 7 + 5
    lines = max(1, math.ceil(text_pixels * 1.1 / column_pixels))  # a tenth lost to wrapping
    return lines * size * 1.3


def _table_sheet(snapshot: Snapshot, spec: TableSpec) -> gpt.GPTable:
    frame = snapshot.table(spec.name)[list(spec.columns)]
    csv_columns = ", ".join(spec.columns)
    subtitles = [
        spec.description,
        f"The same figures as {spec.name}.csv, whose columns are, in order: {csv_columns}.",
    ]
    if frame.empty:
        # gptables refuses a table with no rows; one row saying so keeps the sheet's shape.
        frame = pd.DataFrame(
            [["none in this period"] + [NOT_AVAILABLE] * (len(spec.columns) - 1)],
            columns=list(spec.columns),
        )
        subtitles.append("There are no rows in this table for this period.")
    frame = _cells(frame)
    added = ROW_LABELS.get(spec.name)
    if added is not None:
        code_column, heading, labels = added
        frame.insert(0, heading, [labels.get(code, code) for code in frame[code_column]])
    frame = frame.rename(columns=HEADINGS)
    notes = COLUMN_NOTES.get(spec.name, {})
    offset = 1 if added is not None else 0
    return gpt.GPTable(
        table=frame,
        table_name=f"{spec.name}_table",
        title=f"{spec.title}, {_period(snapshot)}" + _references(TITLE_NOTES[spec.name]),
        subtitles=subtitles,
        instructions=_instructions(bool(TITLE_NOTES[spec.name] or notes)),
        legend=_legend(snapshot, frame),
        table_notes={HEADINGS[column]: f"$${note}$$" for column, note in notes.items()},
        index_columns={2: 0},
        additional_formatting=[
            {
                "column": {
                    "columns": [position + offset],
                    # Right-aligned, heading too: gptables aligns a column by its values'
                    # type, but counts the heading as a value when another heading has a note.
                    "format": {
                        "num_format": NUMBER_FORMATS.get(column, COUNT_FORMAT),
                        "align": "right",
                    },
                }
            }
            for position, column in enumerate(spec.columns)
            if column not in TEXT_COLUMNS
        ],
    )


def _revisions_sheet(snapshot: Snapshot) -> gpt.GPTable:
    revisions: list[Revision] = snapshot.revisions or []
    frame = pd.DataFrame(
        {
            "Table": [r.table for r in revisions],
            "Row": [r.row for r in revisions],
            "Column": [r.column for r in revisions],
            "Previous value": [_csv_value(r.old) for r in revisions],
            "New value": [_csv_value(r.new) for r in revisions],
        },
        dtype=object,
    )
    frame = _cells(frame)
    earlier = "Figures that differ from the previous snapshot of the same period"
    if snapshot.previous_generated_at:
        earlier += f", generated {_checked(_when(snapshot.previous_generated_at))}"
    return gpt.GPTable(
        table=frame,
        table_name="revisions_table",
        title="Revisions since the previous snapshot" + _references(("revisions",)),
        subtitles=[
            f"{earlier}: one row per figure.",
            "Table: the CSV file. Row: the row's key in that file, such as a measure or a "
            "force code. Column: the column's name in that file.",
        ],
        instructions=_instructions(with_notes=True),
        legend=_legend(snapshot, frame),
        index_columns={2: 0},
    )


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the spreadsheet holds them: empty ones as [x], text that cannot run, numbers
    as Python numbers; every column of dtype object, as gptables adds its heading row to it."""
    cells = neutralise_formulas(frame.astype(object))
    for column in cells.columns:
        cells[column] = cells[column].map(_cell).astype(object)
    return cells


def _cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_AVAILABLE
    if isinstance(value, str):
        return _checked(value)
    return value.item() if hasattr(value, "item") else value


def _csv_value(text: str):
    """A value as the CSV file wrote it: a number where it is one, [x] where it is empty."""
    if text == "":
        return NOT_AVAILABLE
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def _instructions(with_notes: bool) -> str:
    if with_notes:
        return (
            "This worksheet contains one table. Its title or headings refer to notes, which are "
            "on the Notes worksheet."
        )
    return "This worksheet contains one table."


def _legend(snapshot: Snapshot, frame: pd.DataFrame) -> list[str]:
    values = set(frame.astype(str).to_numpy().ravel())
    legend = []
    if SUPPRESSED in values:
        legend.append(f"{SUPPRESSED} = {_suppressed_meaning(snapshot)}")
    if NOT_AVAILABLE in values:
        legend.append(f"{NOT_AVAILABLE} = {_not_available_meaning()}")
    return legend


def _suppressed_meaning(snapshot: Snapshot) -> str:
    return (
        f"confidential: fewer than {snapshot.threshold}, suppressed to protect reporters and "
        "officers (or a figure that would let one be worked out)"
    )


def _not_available_meaning() -> str:
    return "not available: the figure cannot be computed (empty in the CSV file)"


def _cover(snapshot: Snapshot) -> gpt.Cover:
    intro: list = []
    if snapshot.synthetic:
        intro.append(
            [
                {"bold": True},
                "Synthetic data: these figures were made from invented demonstration data. "
                "They describe no real reports, officers or forces' records and must not be "
                "quoted as statistics.",
            ]
        )
    intro += [
        f"The figures of one transparency snapshot of the {SERVICE}: reports made by members "
        "of the public about police officers, staff and volunteers, the referrals of those "
        "reports to forces, and their outcomes so far.",
        f"Period: reports received {_period(snapshot)}, both included.",
        f"As at: {_as_at(snapshot)}, the latest date in the stored records. Referrals and "
        "outcomes are counted up to that date.",
        f"Generated: {_moment(snapshot.generated_at)}, by Oversight "
        f"{_checked(snapshot.software_version)}.",
        "These are experimental statistics: the methods are new and still being developed, "
        "and figures may be revised as cases progress and records are corrected.",
    ]
    if snapshot.public:
        intro.append(
            "Public snapshot: disclosure-controlled. Small numbers are suppressed, by the rules "
            "below, so that no reporter or officer can be identified."
        )
    else:
        intro.append(
            [
                {"bold": True},
                "Internal snapshot, not for publication: exact numbers, including the small "
                "numbers that a public snapshot suppresses.",
            ]
        )
    if snapshot.forces:
        whose = _checked(snapshot.whose)
        intro.append(
            f"For {whose} only: every table counts the reports about people working for "
            f"{whose} and the referrals {whose} received, and nothing else: no other force's "
            "figures, no reports whose force is not known, no England and Wales totals."
        )
    if snapshot.revisions is not None:
        if snapshot.revisions:
            count = len(snapshot.revisions)
            figures = "figure" if count == 1 else "figures"
            listed = "it is" if count == 1 else "they are"
            intro.append(
                f"Revisions: {count} {figures} changed since the previous snapshot of the same "
                f"period; {listed} listed on the Revisions worksheet."
            )
        else:
            intro.append("Revisions: no figures changed since the previous snapshot.")

    about = [
        "Each table is on its own worksheet, listed on the Contents worksheet and named after "
        "its CSV file: Reports_by_force holds the figures of reports_by_force.csv. Column "
        "headings are written in words; each worksheet lists the CSV columns they stand for, "
        "in order.",
        "Notes are numbered and listed on the Notes worksheet; a title or column heading "
        "carrying [note 1] refers to note 1.",
        "Rates are given to 2 decimal places and days to 1.",
        f"{NOT_AVAILABLE} = {_not_available_meaning()}, for example a rate for a force with no "
        "officer figure. The guidance for spreadsheets asks for no blank cells, so [x] "
        "stands where the CSV file has an empty cell.",
    ]
    if snapshot.public:
        threshold = snapshot.threshold
        about += [
            f"{SUPPRESSED} = {_suppressed_meaning(snapshot)}.",
            f"Suppression rules: a count from 1 to {threshold - 1} is shown as {SUPPRESSED}; "
            "a zero is shown as 0.",
            # the rest as disclosure.py states them, so the spreadsheet lists every rule applied
            *(_checked(rule) for rule in disclosure.rules(threshold)[1:]),
        ]
    about += [_inert(note) for note in snapshot.notes]

    contact = [
        f"Source: the case records of the {SERVICE} (reports, referrals to forces and "
        "outcomes), as stored up to the as-at date; police officer numbers from the Home "
        "Office, Police workforce, England and Wales (Open Government Licence v3.0).",
        "Produced with Oversight. Questions about these figures go to the team that published "
        "this snapshot; please quote its generated time.",
    ]
    return gpt.Cover(
        title=_title(snapshot),
        intro=intro,
        about=about,
        contact=contact,
        cover_label=COVER_SHEET,
        width=COVER_WIDTH,
    )


def _title(snapshot: Snapshot) -> str:
    qualifiers = [] if snapshot.public else ["internal, not for publication"]
    if snapshot.synthetic:
        qualifiers.append("synthetic data")
    title = (
        f"{_checked(snapshot.whose)}: internal snapshot, {_period(snapshot)}"
        if snapshot.forces
        else f"{SERVICE}: transparency snapshot, {_period(snapshot)}"
    )
    return f"{title} ({'; '.join(qualifiers)})" if qualifiers else title


def _references(keys: tuple[str, ...]) -> str:
    # gptables turns "$$key$$" into "[note N]", dropping the marker and appending the number.
    return " " + "".join(f"$${key}$$" for key in keys) if keys else ""


def _period(snapshot: Snapshot) -> str:
    # months only in public: no public output names a date finer than a month
    if snapshot.public:
        return period_words(snapshot.first_date, snapshot.last_date, True, long=True)
    return f"{_date(snapshot.first_date)} to {_date(snapshot.last_date)}"


def _as_at(snapshot: Snapshot) -> str:
    public = snapshot.public
    return as_at_words(snapshot.as_at, True, long=True) if public else _date(snapshot.as_at)


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _utc(moment: dt.datetime) -> dt.datetime:
    # The model keeps generated_at in UTC; a naive one is taken to be UTC already.
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _moment(moment: dt.datetime) -> str:
    utc = _utc(moment)
    return f"{_date(utc.date())} at {utc:%H:%M} UTC"


def _when(iso_moment: str) -> str:
    """An ISO 8601 time written out as on the cover, or as given if it is not one."""
    try:
        return _moment(dt.datetime.fromisoformat(iso_moment))
    except ValueError:
        return iso_moment


def _inert(text: str) -> str:
    """Text from the data that cannot run as a formula (as neutralise_formulas makes a table
    cell) nor be read by gptables as a link or a note reference."""
    return _checked("'" + text if text.startswith(FORMULA_STARTS) else text)


def _checked(text: str) -> str:
    if _GPTABLES_MARKUP.search(text):
        raise ValueError(
            f"{text!r} cannot go in the spreadsheet as it is: gptables would read it as a link "
            "or a note reference"
        )
    return text
