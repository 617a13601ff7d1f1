"""The numbers behind a chart as people read them (oversight/chart_numbers.py), the CSV file they
download (exports.csv_with_about), and the filters in its name and head (filters.py)."""

import csv
import datetime as dt
import io

import pandas as pd

from oversight.chart_numbers import columns, for_people
from oversight.exports import csv_with_about
from oversight.filters import Filters

NAN = float("nan")


def test_shares_become_percentages_to_one_decimal_and_counts_whole_numbers():
    frame = pd.DataFrame(
        {
            "category": ["corrupt_exchange", "other"],
            "reports": [40, 53],
            "share_of_reports": [0.13377926421404682, NAN],
            "partial": [True, False],
        }
    )
    shown = for_people(frame)
    assert list(shown.columns) == [
        "Category", "Reports", "Share of all reports (%)", "Only partly inside the period",
    ]  # fmt: skip
    assert shown["Share of all reports (%)"].iloc[0] == 13.4
    assert pd.isna(shown["Share of all reports (%)"].iloc[1])  # missing stays empty, not 0
    assert shown["Reports"].tolist() == [40, 53]
    assert shown["Only partly inside the period"].tolist() == ["yes", "no"]
    text = shown.to_csv(index=False)
    assert "0.1337" not in text and "13.4" in text
    assert text.splitlines()[2] == "other,53,,no"


def test_a_rate_is_a_share_only_where_the_page_says_so():
    """ "rate" is a 0..1 share on the Fairness page and already a percentage (or a rate per
    1,000 officers) on the Forces page: the name alone cannot say which."""
    frame = pd.DataFrame({"group": ["Black"], "rate": [0.43219], "rate_low": [0.40111]})
    as_given = for_people(frame)
    assert as_given.iloc[0].tolist() == ["Black", 0.4, 0.4]
    as_shares = for_people(frame, shares=("rate", "rate_low"))
    assert list(as_shares.columns) == ["Group", "Rate (%)", "Rate, 95% interval from (%)"]
    assert as_shares.iloc[0].tolist() == ["Black", 43.2, 40.1]


def test_ratios_keep_two_decimals_and_unknown_columns_get_words():
    frame = pd.DataFrame(
        {
            "relative_rate": [1.21456],
            "Officers (FTE)": [4168.183],
            "mystery_count_of_things": [7],
        }
    )
    shown = for_people(frame, labels={"mystery_count_of_things": "Things"})
    assert shown.iloc[0].tolist() == [1.21, 4168.2, 7]
    assert list(shown.columns) == ["Relative rate", "Officers (FTE)", "Things"]
    assert [c.label for c in columns(frame)][2] == "Mystery count of things"


def test_headings_never_repeat():
    """Two columns the vocabulary names alike ("force" and "force_name") keep apart."""
    frame = pd.DataFrame({"force": ["Kent"], "force_name": ["Kent Police"]})
    labels = [column.label for column in columns(frame)]
    assert len(set(labels)) == 2 and labels[0] == "Force"


def test_the_file_says_what_it_holds_above_the_table_and_runs_no_formula():
    about = [("Chart", "=HYPERLINK(1)"), ("Force", "Kent"), ("Note", "+1 caution")]
    frame = pd.DataFrame({"Force": ["@evil", "Kent"], "Reports (%)": [1.5, -2.0]})
    text = csv_with_about(about, frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["About this file"]
    assert rows[1:4] == [["Chart", "'=HYPERLINK(1)"], ["Force", "Kent"], ["Note", "'+1 caution"]]
    assert rows[4] == []  # the table starts after the first empty row
    assert rows[5:] == [["Force", "Reports (%)"], ["'@evil", "1.5"], ["Kent", "-2.0"]]
    assert csv_with_about(about, frame)[:3] == b"\xef\xbb\xbf"  # Excel reads it as UTF-8
    # a program reads the table by skipping the head
    table = pd.read_csv(io.StringIO(text), skiprows=len(about) + 2)
    assert table["Reports (%)"].tolist() == [1.5, -2.0]


def test_the_filters_name_the_file_briefly_and_safely():
    kent = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025", ("kent",),
                   channels=("phone",))  # fmt: skip
    assert kent.file_tag() == "kent_phone_2025-04-01_2026-03-31"
    everything = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert everything.file_tag() == "2025-04-01_2026-03-31"
    many = Filters(
        dt.date(2024, 3, 14), dt.date(2026, 10, 31), "national",
        ("kent", "essex", "surrey"), ("South East", "East of England"),
        categories=("domestic_abuse", "other", "discrimination"),
        subject_roles=("officer", "staff"),
    )  # fmt: skip
    tag = many.file_tag()
    assert tag == (
        "3-forces_south-east-east-of-england_3-categories_officer-staff_2024-03-14_2026-10-31"
    )
    assert set(tag) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-")


def test_the_filters_head_the_file_in_words():
    kent = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025", ("kent",),
                   categories=("domestic_abuse",), subject_roles=("officer",),
                   force_labels=("Kent",))  # fmt: skip
    assert kent.about() == [
        ("Reports received", "01 Apr 2025 to 31 Mar 2026"),
        ("Force", "Kent"),
        ("Region", "All"),
        ("Channel", "All"),
        ("Category", "Domestic abuse"),
        ("Role of the person reported", "Officers"),
    ]
    named = Filters(kent.first_date, kent.last_date, forces=("kent", "essex"))
    assert named.with_force_labels({"kent": "Kent"}).about()[1] == ("Force", "Kent, essex")
