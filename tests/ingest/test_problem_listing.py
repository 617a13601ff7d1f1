"""A refused extract lists every problem found, in file and line order, up to 200 of them."""

from .helpers import REFERRAL, REPORT, csv_text, places, refuse, row, write, write_extract


def test_five_broken_rows_give_five_problems_at_their_lines(tmp_path, stored_db):
    rows = [
        row(REPORT, report_id="R2"),
        row(REPORT, report_id="R3", channel="Phone"),  # line 3
        row(REPORT, report_id="R4", received_at="2024-02-30"),  # line 4
        row(REPORT, report_id="R5"),
        row(REPORT, report_id="R6", categories="other;;discrimination"),  # line 6
        row(REPORT, report_id="R7", subject_force="atlantis"),  # line 7
        row(REPORT, report_id="R8"),
        row(REPORT, report_id="R9", anonymous="maybe"),  # line 9
    ]
    error = refuse(write_extract(tmp_path / "x", reports=rows), stored_db)
    assert error.total == 5
    assert places(error) == [
        ("reports.csv", 3, "channel", "Phone"),
        ("reports.csv", 4, "received_at", "2024-02-30"),
        ("reports.csv", 6, "categories", "other;;discrimination"),
        ("reports.csv", 7, "subject_force", "atlantis"),
        ("reports.csv", 9, "anonymous", "maybe"),
    ]


def test_several_problems_on_one_line_are_all_listed(tmp_path, stored_db):
    broken = row(REPORT, report_id="", channel="fax", subject_role="chief", anonymous="")
    error = refuse(write_extract(tmp_path / "x", reports=[broken]), stored_db)
    assert sorted(places(error), key=repr) == [
        ("reports.csv", 2, "anonymous", None),
        ("reports.csv", 2, "channel", "fax"),
        ("reports.csv", 2, "report_id", None),
        ("reports.csv", 2, "subject_role", "chief"),
    ]


def test_problems_of_every_file_are_listed_together(tmp_path, stored_db):
    paths = write_extract(
        tmp_path / "x",
        reports=[row(REPORT, report_id="R2"), row(REPORT, report_id="R3", channel="fax")],
        referrals=[row(REFERRAL, referral_id="F2", report_id="R404")],
    )
    error = refuse(paths, stored_db)
    assert places(error) == [
        ("referrals.csv", 2, "report_id", "R404"),
        ("reports.csv", 3, "channel", "fax"),
    ]


def test_more_than_200_problems_lists_200_and_counts_all(tmp_path, stored_db):
    rows = [row(REPORT, report_id=f"R{n:03}", channel="fax") for n in range(250)]
    error = refuse([write(tmp_path / "x", "reports.csv", csv_text(rows))], stored_db)
    assert error.total == 250
    assert places(error) == [("reports.csv", line, "channel", "fax") for line in range(2, 202)]
    assert "50 more problems" in str(error)
    assert str(error).startswith("Extract refused, nothing was imported: 250 problems found.")
