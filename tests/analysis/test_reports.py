"""The Reports page's analysis (oversight/analysis/reports.py): the channel-by-category table,
the tiles and notes, the rate chart's parts, the heat map's views and the partial-month note, on
a tiny extract imported through the real importer and on small hand-made frames, every expected
value worked out by hand."""

import datetime as dt

import pandas as pd
import pytest
from scipy import stats

from oversight.analysis.reports import (
    ALL_REPORTS_ROW,
    FORCE_NOT_KNOWN,
    HEATMAP_COUNTS,
    HEATMAP_SHARES,
    NO_OFFICER_FIGURE,
    RatePeriod,
    channel_category_counts,
    channel_category_table,
    force_counts,
    force_rates,
    heatmap_view,
    monthly_table,
    national_rate,
    partial_note,
    quarters_from_months,
    rated_forces,
    reports_data,
    time_table,
)
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from tests.analysis.conftest import tiny_database
from tests.ingest.helpers import REPORT, row

# Five reports from the national launch (14 March 2024) to the as-at date, 30 April 2024.
AS_AT = dt.date(2024, 4, 30)
REPORTS = [
    row(REPORT, report_id="R1", received_at="2024-03-20T10:00", channel="phone",
        categories="corrupt_exchange;other", subject_force="kent", anonymous="true"),
    row(REPORT, report_id="R2", received_at="2024-03-25T10:00", channel="online",
        categories="other", subject_force="kent"),
    row(REPORT, report_id="R3", received_at="2024-04-02T10:00", channel="phone",
        categories="sexual_misconduct", subject_force="essex"),
    row(REPORT, report_id="R4", received_at="2024-04-10T10:00", channel="phone",
        categories="other;sexual_misconduct", subject_force="unknown", anonymous="true"),
    row(REPORT, report_id="R5", received_at="2024-04-30T10:00", channel="online",
        categories="domestic_abuse", subject_force="essex", anonymous="true"),
]  # fmt: skip
LAUNCH_TO_AS_AT = Filters(dt.date(2024, 3, 14), AS_AT)
CATEGORY_ROWS = ["Corrupt exchange", "Abuse of position", "Sexual misconduct", "Domestic abuse",
                 "Discrimination", "Other", ALL_REPORTS_ROW]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    with tiny_database(folder, dt.datetime(2024, 5, 1), reports=REPORTS) as run:
        yield run


def test_channel_by_category_by_hand(tiny_run):
    data = reports_data(tiny_run, LAUNCH_TO_AS_AT, AS_AT)
    # phone: R1 (corrupt exchange, other), R3 (sexual misconduct), R4 (other, sexual
    # misconduct); online: R2 (other), R5 (domestic abuse)
    table = data.channel_category.frame
    assert list(table.columns) == [
        "Category", "Phone", "Share of phone reports", "Online", "Share of online reports",
        "Phone and online", "Share of all reports",
    ]  # fmt: skip
    assert table["Category"].tolist() == CATEGORY_ROWS
    assert table["Phone"].tolist() == [1, 0, 2, 0, 0, 2, 3]
    assert table["Online"].tolist() == [0, 0, 0, 1, 0, 1, 2]
    assert table["Phone and online"].tolist() == [1, 0, 2, 1, 0, 3, 5]
    assert table["Share of phone reports"].tolist() == pytest.approx(
        [100 / 3, 0, 200 / 3, 0, 0, 200 / 3, 100]
    )
    assert table["Share of online reports"].tolist() == pytest.approx([0, 0, 0, 50, 0, 50, 100])
    assert table["Share of all reports"].tolist() == pytest.approx([20, 0, 40, 20, 0, 60, 100])
    assert data.channel_category.count_columns == ("Phone", "Online", "Phone and online")
    assert "add up to more than its reports" in data.channel_category.note
    assert "No " not in data.channel_category.note

    long = data.by_channel_category
    assert len(long) == 12  # both channels × six categories, zeros included
    phone_other = long[(long["channel"] == "phone") & (long["category"] == "other")].iloc[0]
    assert (phone_other["channel_label"], phone_other["category_label"]) == ("Phone", "Other")
    assert phone_other["share_of_channel_reports"] == pytest.approx(2 / 3)


def test_a_channel_with_no_reports_is_left_out_and_said(tiny_run):
    # Essex's domestic abuse: R5 alone, online
    filters = Filters(dt.date(2024, 3, 14), AS_AT, forces=("essex",),
                      categories=("domestic_abuse",))  # fmt: skip
    table = reports_data(tiny_run, filters, AS_AT).channel_category
    assert list(table.frame.columns) == ["Category", "Online", "Share of online reports"]
    assert table.frame["Online"].tolist() == [0, 0, 0, 1, 0, 0, 1]
    assert table.note.endswith("No phone reports match this selection.")


def test_a_channel_filter_keeps_that_channel_alone(tiny_run):
    filters = Filters(dt.date(2024, 3, 14), AS_AT, channels=("phone",))
    data = reports_data(tiny_run, filters, AS_AT)
    assert data.by_channel_category["channel"].unique().tolist() == ["phone"]
    assert list(data.channel_category.frame.columns) == [
        "Category", "Phone", "Share of phone reports",
    ]  # fmt: skip
    assert "No " not in data.channel_category.note  # online was not chosen, not missing
    assert data.monthly["channel"].unique().tolist() == ["phone"]


def test_tiles_and_category_note(tiny_run):
    data = reports_data(tiny_run, LAUNCH_TO_AS_AT, AS_AT)
    assert [(t.label, t.value, t.share) for t in data.tiles] == [
        ("Reports", "5", None),
        ("By phone", "3", "60% of reports"),
        ("Online", "2", "40% of reports"),
        ("Anonymous", "3", "60% of reports"),  # R1, R4, R5
        ("Force not known", "1", "20% of reports"),  # R4
    ]
    # seven categories carried by five reports; R1 and R4 carry two each
    note = data.category_note(category_chosen=False)
    assert note.startswith(
        "A report can carry several categories and counts under each, so these bars add up to "
        "7 for 5 reports: 2 reports (40%) carry more than one."
    )
    assert "With a category filter" not in note
    assert "With a category filter" in data.category_note(category_chosen=True)
    # a force is chosen: no report can be "force not known"
    kent = reports_data(tiny_run, LAUNCH_TO_AS_AT.with_forces(("kent",)), AS_AT)
    assert [t.label for t in kent.tiles] == ["Reports", "By phone", "Online", "Anonymous"]


def test_rate_chart_with_and_without_england_and_wales(tiny_run):
    data = reports_data(tiny_run, LAUNCH_TO_AS_AT, AS_AT)
    everyone = data.rate_chart(own_force_only=False)
    assert "england_and_wales" not in everyone.points["force_code"].tolist()
    assert everyone.numbers["force_name"].tolist()[-1] == "England and Wales (43 forces)"
    assert "force_code" not in everyone.numbers.columns  # names, not codes
    assert everyone.reference == data.national_rate["reports_per_1000_officers"]
    assert everyone.note.endswith("with the same channel and category filters.")
    own = data.rate_chart(own_force_only=True)
    assert own.reference is None
    assert not any(name.startswith("England") for name in own.numbers["force_name"].tolist())
    assert own.note.endswith("England and Wales: see the Forces page.")
    # Police Scotland has no officer figure, so no rate to draw
    scotland = reports_data(tiny_run, LAUNCH_TO_AS_AT.with_forces(("police_scotland",)), AS_AT)
    assert scotland.rate_chart(own_force_only=False) is None


def test_partial_first_month_is_named_in_the_note(tiny_run):
    data = reports_data(tiny_run, LAUNCH_TO_AS_AT, AS_AT)
    # 14 to 31 March: 18 of 31 days; April is whole up to the as-at date
    assert data.monthly["label"].tolist() == ["Mar 2024"] * 2 + ["Apr 2024"] * 2
    assert data.monthly["reports"].tolist() == [1, 1, 2, 1]
    assert partial_note(data.monthly, "months") == (
        "Months only partly inside the period, or cut at the as-at date, have lower counts for "
        "that reason alone: Mar 2024 (18 of its 31 days)."
    )
    whole = reports_data(tiny_run, Filters(dt.date(2024, 4, 1), AS_AT), AS_AT)
    assert partial_note(whole.monthly, "months") == ""


def by_month(months: list[str]) -> pd.DataFrame:
    """reports_by_month's shape: every month × both channels, reports 1, 2, 3, ..."""
    starts = [dt.date.fromisoformat(f"{m}-01") for m in months for _ in range(2)]
    return pd.DataFrame(
        {
            "month": [m for m in months for _ in range(2)],
            "month_start": starts,
            "channel": ["phone", "online"] * len(months),
            "reports": list(range(1, 2 * len(months) + 1)),
        }
    )


def test_monthly_table_cut_at_the_as_at_date():
    """A period from 1 January to 30 April, data only up to 10 March: April is dropped, March
    is cut to 10 of its 31 days, and the note names it."""
    months = by_month(["2025-01", "2025-02", "2025-03", "2025-04"])
    filters = Filters(dt.date(2025, 1, 1), dt.date(2025, 4, 30), channels=("online",))
    frame = monthly_table(months, filters, RatePeriod(dt.date(2025, 1, 1), dt.date(2025, 3, 10)))
    assert frame["channel_label"].tolist() == ["Online"] * 3
    assert frame["reports"].tolist() == [2, 4, 6]
    assert frame["days_covered"].tolist() == [31, 28, 10]
    assert frame["span_days"].tolist() == [31, 28, 31]
    assert frame["partial"].tolist() == [False, False, True]
    assert partial_note(frame, "months").endswith(": Mar 2025 (10 of its 31 days).")


def test_channel_category_table_on_a_hand_made_frame():
    counts = pd.DataFrame(
        {
            "channel": ["phone"] * 2 + ["online"] * 2,
            "category": ["corrupt_exchange", "other"] * 2,
            "reports": [3, 2, 1, 1],
            "channel_reports": [4, 4, 1, 1],
        }
    )
    table = channel_category_table(channel_category_counts(counts, ()))
    assert table.frame.to_dict("list") == {
        "Category": ["Corrupt exchange", "Other", ALL_REPORTS_ROW],
        "Phone": [3, 2, 4],
        "Share of phone reports": [75.0, 50.0, 100.0],
        "Online": [1, 1, 1],
        "Share of online reports": [100.0, 100.0, 100.0],
        "Phone and online": [4, 3, 5],
        "Share of all reports": [80.0, 60.0, 100.0],
    }
    assert table.share_columns == (
        "Share of phone reports", "Share of online reports", "Share of all reports",
    )  # fmt: skip


def test_heatmap_views(tiny_run):
    grid = reports_data(tiny_run, LAUNCH_TO_AS_AT, AS_AT).force_category
    counts = heatmap_view(grid, HEATMAP_COUNTS)
    assert (counts.value, counts.percent) == ("reports", False)
    assert len(counts.grid) == len(grid)  # every force, with or without reports
    shares = heatmap_view(grid, HEATMAP_SHARES)
    assert (shares.value, shares.percent) == ("share_of_force_reports", True)
    # only the forces with reports: Kent, Essex and "force not known", six categories each
    assert sorted(shares.grid["force_code"].unique()) == ["essex", "kent", "unknown"]
    kent = shares.grid[shares.grid["force_code"] == "kent"].set_index("category")
    assert kent.loc["other", "share_of_force_reports"] == 1.0  # R1 and R2
    assert kent.loc["corrupt_exchange", "share_of_force_reports"] == 0.5  # R1
    assert "Forces with no reports in the selection are left out." in shares.note


# Rates, months and quarters, and force totals (moved here from tests/pages/test_reports.py).


def hand_counts(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["force_code", "force_name", "short_name", "officer_fte",
                                       "reports"])  # fmt: skip


def test_force_rates_count_only_days_in_the_service():
    """A period across the national launch: the Met counts all 31 days of March 2024, a force
    that joined on 14 March its 18 days; rates are a year's worth of each."""
    counts = hand_counts([
        ("metropolitan", "Metropolitan Police Service", "Met", 3000.0, 31),
        ("kent", "Kent Police", "Kent", 1461.0, 9),
    ])  # fmt: skip
    rates = force_rates(counts, RatePeriod(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))
    assert rates["days_in_service"].tolist() == [31, 18]
    assert rates["officer_years"].tolist() == pytest.approx(
        [3000 * 31 / 365.25, 1461 * 18 / 365.25]
    )
    assert rates["reports_per_1000_officers"].tolist() == pytest.approx(
        [31 / (3000 * 31 / 365.25) * 1000, 9 / (1461 * 18 / 365.25) * 1000]
    )
    national = national_rate(rates)
    assert national["officer_years"] == pytest.approx((3000 * 31 + 1461 * 18) / 365.25)
    assert national["reports_per_1000_officers"] == pytest.approx(
        40 / ((3000 * 31 + 1461 * 18) / 365.25) * 1000
    )


def test_force_rates_give_reasons_not_zeros():
    counts = hand_counts([
        ("a", "Force A", "A", 2000.0, 10),
        ("b", "Force B", "B", None, 7),
        ("c", "Force C", "C", 500.0, 0),
        ("unknown", "Force not known", "Force not known", None, 3),
    ])  # fmt: skip
    # financial year 2024/25: 365 days in the service for every force, so a year is 365.25/365
    year = 365.25 / 365
    rates = force_rates(counts, RatePeriod(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))
    rates = rates.set_index("force_code")
    assert rates.loc["a", "reports_per_1000_officers"] == pytest.approx(5.0 * year)
    assert rates.loc["a", ["rate_low", "rate_high"]].tolist() == pytest.approx(
        [stats.chi2.ppf(0.025, 20) / 4 * year, stats.chi2.ppf(0.975, 22) / 4 * year]
    )
    assert rates.loc["c", "reports_per_1000_officers"] == 0.0  # a real zero: no reports
    assert rates.loc["c", "rate_low"] == 0.0 and rates.loc["c", "rate_high"] > 0
    assert pd.isna(rates.loc["b", "reports_per_1000_officers"])
    assert rates.loc["b", "rate_note"] == NO_OFFICER_FIGURE
    assert rates.loc["unknown", "rate_note"] == FORCE_NOT_KNOWN
    assert rates.loc[["a", "c"], "rate_note"].tolist() == ["", ""]

    national = national_rate(rates.reset_index())
    assert (national["reports"], national["officer_fte"]) == (10, 2500.0)
    assert national["officer_years"] == pytest.approx(2500.0 / year)
    assert national["reports_per_1000_officers"] == pytest.approx(4.0 * year)
    shown = rated_forces(rates.reset_index(), national)
    assert shown["force_code"].tolist() == ["a", "c", "england_and_wales"]


def test_time_table_marks_partial_spans_and_drops_those_after_as_at():
    counts = pd.DataFrame(
        {
            "month_start": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01",
                                           "2025-04-01"]),
            "reports": [5, 9, 4, 0],
        }
    )  # fmt: skip
    ends = counts["month_start"] + pd.offsets.MonthEnd(0)
    span = RatePeriod(dt.date(2025, 1, 20), dt.date(2025, 3, 10))  # cut at the as-at date
    frame = time_table(counts, "month_start", ends, span, counts["month_start"].dt.month)
    assert frame["label"].tolist() == [1, 2, 3]
    assert frame["days_covered"].tolist() == [12, 28, 10]
    assert frame["partial"].tolist() == [True, False, True]
    assert span.days == 50 and not span.includes_pilot
    assert RatePeriod(dt.date(2024, 3, 13), dt.date(2024, 3, 31)).includes_pilot
    assert span.note().startswith("Reports per 1,000 officers a year over the period")


def test_quarters_are_summed_from_every_month_by_channel():
    months = pd.DataFrame(
        {
            "month_start": [dt.date(2024, m, 1) for m in (2, 2, 3, 3, 4, 4)],
            "channel": ["phone", "online"] * 3,
            "reports": [1, 2, 3, 4, 5, 6],
        }
    )
    quarters = quarters_from_months(months)
    assert quarters.to_dict("list") == {
        "quarter_start": [dt.date(2024, 1, 1)] * 2 + [dt.date(2024, 4, 1)] * 2,
        "quarter_end": [dt.date(2024, 3, 31)] * 2 + [dt.date(2024, 6, 30)] * 2,
        "channel": ["phone", "online", "phone", "online"],
        "reports": [4, 6, 5, 6],
    }


@pytest.mark.parametrize(
    ("forces", "regions"), [((), ()), (("kent", "btp"), ()), ((), ("London",))]
)
def test_force_counts_from_the_grid_match_reports_by_force(demo_database, forces, regions):
    """The page takes force totals from the force-by-category grid (one pass over the reports);
    they must be exactly what queries/reports_by_force.sql returns."""
    params = {
        "first_date": dt.date(2024, 4, 1), "last_date": dt.date(2025, 3, 31),
        "forces": list(forces), "regions": list(regions), "channels": ["online"],
        "categories": [], "subject_roles": [],
    }  # fmt: skip
    con = connect_read_only(demo_database)
    try:
        direct = run_query(con, "reports_by_force", **params)
        derived = force_counts(
            run_query(con, "reports_by_force_category", **params),
            run_query(con, "forces_reference"),
        )
    finally:
        con.close()
    pd.testing.assert_frame_equal(derived, direct, check_dtype=False)
