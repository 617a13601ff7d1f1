"""Each rule of reports.csv, broken on a line of its own, is refused at that line and column.

The broken values are all in one file (one import, so the tests stay fast), one per line from
line 3, after a good line 2; each line must carry exactly its own problem and no other.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from oversight.ingest import ExtractError, import_extract

from .helpers import (
    NOW,
    REPORT,
    accept,
    at_line,
    copy_db,
    csv_text,
    folder_state,
    numbered,
    places,
    query,
    refuse,
    row,
    write,
    write_table,
)

FULL_HEADER = list(REPORT) + ["duty_status", "setting", "subject_sex", "subject_ethnicity"]
LINE_2 = row(REPORT, report_id="R8")
LINE_3 = row(REPORT, report_id="R9")
SIXTY_FIVE = "x" * 65

# (column, broken value, words the expected text must contain)
BROKEN_VALUES = [
    ("report_id", "", "must be filled"),
    ("report_id", SIXTY_FIVE, "64"),
    ("received_at", "", "must be filled"),
    ("received_at", "01/03/2024", "YYYY-MM-DD"),
    ("received_at", "2024-3-1", "YYYY-MM-DD"),
    ("received_at", "2024-03-01T9:30", "YYYY-MM-DD"),
    ("received_at", "2024-02-30", "real calendar date"),
    ("received_at", "2023-02-29", "real calendar date"),
    ("received_at", "2024-03-01T24:00", "real calendar date"),
    ("received_at", "2024-03-01T09:30:00Z", "YYYY-MM-DD"),
    ("received_at", "2024-03-01T09:30:00.5", "YYYY-MM-DD"),
    ("received_at", "2024-03-01T09:30+01:00", "YYYY-MM-DD"),
    ("received_at", "2026-11-01T12:01", "future"),
    ("received_at", "2026-11-02", "future"),
    ("channel", "", "must be filled"),
    ("channel", "Phone", "phone, online"),
    ("channel", "fax", "phone, online"),
    ("categories", "", "must be filled"),
    ("categories", "bribery", "category codes"),
    ("categories", "Other", "category codes"),
    ("categories", "other;;discrimination", "category codes"),
    ("categories", "other;", "category codes"),
    ("categories", "other;discrimination;other", "at most once"),
    ("subject_force", "", "must be filled"),
    ("subject_force", "atlantis", "forces reference"),
    ("subject_force", "Kent", "forces reference"),
    ("subject_role", "", "must be filled"),
    ("subject_role", "Officer", "officer, staff, volunteer, unknown"),
    ("subject_role", "police", "officer, staff, volunteer, unknown"),
    ("anonymous", "", "must be filled"),
    ("anonymous", "maybe", "true or false"),
    ("anonymous", "t", "true or false"),
    ("anonymous", "2", "true or false"),
    ("duty_status", "on duty", "on_duty, off_duty, unknown"),
    ("duty_status", "On_Duty", "on_duty, off_duty, unknown"),
    ("setting", "offline", "in_person, online, unknown"),
    ("subject_sex", "f", "female, male, other, not_stated"),
    ("subject_sex", "Female", "female, male, other, not_stated"),
    ("subject_ethnicity", "White", "asian, black, mixed, white, other, not_stated"),
    ("subject_ethnicity", "unknown", "asian, black, mixed, white, other, not_stated"),
]


@pytest.fixture(scope="module")
def refusal(tmp_path_factory, first_import_db):
    """One import of a file holding every case of BROKEN_VALUES, one per line from line 3."""
    cases = [LINE_3 | {"report_id": f"B{i}", c: v} for i, (c, v, _) in enumerate(BROKEN_VALUES)]
    folder = tmp_path_factory.mktemp("reports")
    path = write_table(folder / "extract", "reports", [LINE_2, *cases], FULL_HEADER)
    return refuse([path], copy_db(first_import_db, folder))


@pytest.mark.parametrize(("line", "column", "value", "hint"), numbered(BROKEN_VALUES))
def test_broken_value_is_refused_at_its_line_and_column(refusal, line, column, value, hint):
    assert at_line(refusal, line) == [("reports.csv", line, column, value or None)]
    assert hint in next(p.expected for p in refusal.problems if p.line == line)


def test_each_broken_value_is_one_problem(refusal):
    assert refusal.total == len(refusal.problems) == len(BROKEN_VALUES)


def test_refusal_without_a_database_creates_none(tmp_path, db_path):
    path = write_table(tmp_path / "extract", "reports", [row(REPORT, channel="fax")])
    error = refuse([path], db_path)
    assert places(error) == [("reports.csv", 2, "channel", "fax")]
    assert not db_path.exists()


def test_repeated_report_id_is_refused_at_the_repeat_naming_the_first(tmp_path, stored_db):
    rows = [LINE_2, row(REPORT, report_id="R5"), row(LINE_2, channel="online")]
    error = refuse([write_table(tmp_path / "extract", "reports", rows)], stored_db)
    assert places(error) == [("reports.csv", 4, "report_id", "R8")]
    assert "line 2" in error.problems[0].expected


def test_ids_equal_after_trimming_are_repeats(tmp_path, stored_db):
    rows = [LINE_2, row(LINE_2, report_id=" R8 ")]
    error = refuse([write_table(tmp_path / "extract", "reports", rows)], stored_db)
    assert places(error) == [("reports.csv", 3, "report_id", "R8")]


def test_received_at_up_to_now_is_accepted(tmp_path, db_path):
    rows = [
        row(REPORT, report_id="A", received_at="2026-11-01T12:00"),  # now is not in the future
        row(REPORT, report_id="B", received_at="2026-11-01"),
        row(REPORT, report_id="C", received_at="2024-02-29T23:59:59"),
    ]
    accept([write_table(tmp_path / "extract", "reports", rows)], db_path)
    assert query(db_path, "select report_id, received_at from reports order by 1") == [
        ("A", datetime(2026, 11, 1, 12, 0)),
        ("B", datetime(2026, 11, 1)),
        ("C", datetime(2024, 2, 29, 23, 59, 59)),
    ]


def test_future_is_judged_against_now_given(tmp_path, db_path):
    path = write_table(tmp_path / "extract", "reports", [row(REPORT, received_at="2026-11-05")])
    import_extract([path], db_path, now=NOW.replace(month=12))
    assert query(db_path, "select report_id from reports") == [("R1",)]


def test_without_now_the_future_starts_at_the_current_uk_time(tmp_path, db_path):
    uk_today = datetime.now(ZoneInfo("Europe/London")).date()
    rows = [
        row(REPORT, report_id="R1", received_at=(uk_today - timedelta(days=1)).isoformat()),
        row(REPORT, report_id="R2", received_at=(uk_today + timedelta(days=2)).isoformat()),
    ]
    path = write_table(tmp_path / "extract", "reports", rows)
    before = folder_state(db_path.parent)
    with pytest.raises(ExtractError) as caught:
        import_extract([path], db_path)
    assert places(caught.value) == [("reports.csv", 3, "received_at", rows[1]["received_at"])]
    assert folder_state(db_path.parent) == before


def test_id_of_64_characters_is_accepted(tmp_path, db_path):
    path = write_table(tmp_path / "extract", "reports", [row(REPORT, report_id="y" * 64)])
    accept([path], db_path)
    assert query(db_path, "select length(report_id) from reports") == [(64,)]


BOOLEANS = {
    "true": True, "TRUE": True, "True": True, "yes": True, "YES": True, "Yes": True,
    "y": True, "Y": True, "1": True,
    "false": False, "FALSE": False, "False": False, "no": False, "NO": False, "No": False,
    "n": False, "N": False, "0": False,
}  # fmt: skip


def test_every_boolean_spelling_is_accepted_and_stored(tmp_path, db_path):
    rows = [row(REPORT, report_id=f"B{i}", anonymous=text) for i, text in enumerate(BOOLEANS)]
    accept([write_table(tmp_path / "extract", "reports", rows)], db_path)
    stored = dict(query(db_path, "select report_id, anonymous from reports"))
    assert stored == {f"B{i}": value for i, value in enumerate(BOOLEANS.values())}


DEFAULTS = ("unknown", "unknown", "not_stated", "not_stated")
OPTIONAL_SQL = "select duty_status, setting, subject_sex, subject_ethnicity from reports"


def test_absent_optional_columns_get_their_defaults(tmp_path, db_path):
    accept([write_table(tmp_path / "extract", "reports", [REPORT])], db_path)
    assert query(db_path, OPTIONAL_SQL) == [DEFAULTS]


def test_empty_optional_values_get_their_defaults(tmp_path, db_path):
    accept([write_table(tmp_path / "extract", "reports", [REPORT], FULL_HEADER)], db_path)
    assert query(db_path, OPTIONAL_SQL) == [DEFAULTS]


def test_some_optional_columns_present_in_any_order(tmp_path, db_path):
    header = ["subject_sex", *REPORT, "setting"]
    text = csv_text([row(REPORT, subject_sex="female", setting="online")], header)
    accept([write(tmp_path / "extract", "reports.csv", text)], db_path)
    assert query(db_path, OPTIONAL_SQL) == [("unknown", "online", "female", "not_stated")]


def test_every_code_of_every_optional_column_is_stored(tmp_path, db_path):
    values = {
        "duty_status": ["on_duty", "off_duty", "unknown"],
        "setting": ["in_person", "online", "unknown"],
        "subject_sex": ["female", "male", "other", "not_stated"],
        "subject_ethnicity": ["asian", "black", "mixed", "white", "other", "not_stated"],
    }
    rows = [
        row(REPORT, report_id=f"R{i}", **{c: codes[i % len(codes)] for c, codes in values.items()})
        for i in range(6)
    ]
    accept([write_table(tmp_path / "extract", "reports", rows, FULL_HEADER)], db_path)
    stored = query(db_path, f"{OPTIONAL_SQL} order by report_id")
    assert stored == [
        ("on_duty", "in_person", "female", "asian"),
        ("off_duty", "online", "male", "black"),
        ("unknown", "unknown", "other", "mixed"),
        ("on_duty", "in_person", "not_stated", "white"),
        ("off_duty", "online", "female", "other"),
        ("unknown", "unknown", "male", "not_stated"),
    ]


def test_subject_force_unknown_is_accepted(tmp_path, db_path):
    path = write_table(tmp_path / "extract", "reports", [row(REPORT, subject_force="unknown")])
    accept([path], db_path)
    assert query(db_path, "select subject_force::varchar from reports") == [("unknown",)]


def test_several_categories_are_all_stored(tmp_path, db_path):
    categories = "corrupt_exchange;abuse_of_position;sexual_misconduct;domestic_abuse"
    rows = [row(REPORT, categories=categories), row(REPORT, report_id="R2", categories="other")]
    accept([write_table(tmp_path / "extract", "reports", rows)], db_path)
    stored = query(db_path, "select report_id, unnest(categories)::varchar from reports")
    assert sorted(stored) == [
        ("R1", "abuse_of_position"),
        ("R1", "corrupt_exchange"),
        ("R1", "domestic_abuse"),
        ("R1", "sexual_misconduct"),
        ("R2", "other"),
    ]


def test_absent_optional_columns_leave_stored_values_unchanged(tmp_path, db_path):
    described = row(REPORT, duty_status="on_duty", setting="online", subject_sex="female",
                     subject_ethnicity="asian")  # fmt: skip
    accept([write_table(tmp_path / "a", "reports", [described], list(described))], db_path)
    # the same report without its optional columns, and a new one: not supplied is not unknown
    new = row(REPORT, report_id="R2")
    summary = accept([write_table(tmp_path / "b", "reports", [REPORT, new])], db_path)
    assert [(f.rows_added, f.rows_revised, f.rows_unchanged) for f in summary.files] == [(1, 0, 1)]
    stored = query(db_path, f"{OPTIONAL_SQL} order by report_id")
    assert stored == [("on_duty", "online", "female", "asian"), DEFAULTS]
    assert query(db_path, "select count(*) from revisions") == [(0,)]


def test_an_absent_optional_column_beside_a_present_one(tmp_path, db_path):
    described = row(REPORT, duty_status="on_duty", setting="online")
    accept([write_table(tmp_path / "a", "reports", [described], list(described))], db_path)
    # setting is there and empty (unknown); duty_status is not there (kept)
    header = [*REPORT, "setting"]
    accept([write_table(tmp_path / "b", "reports", [row(REPORT, setting="")], header)], db_path)
    stored = query(db_path, "select duty_status, setting from reports")
    assert stored == [("on_duty", "unknown")]
