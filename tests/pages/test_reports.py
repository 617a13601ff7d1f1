"""Reports page: volumes by channel, category, force (counts and per 1,000 officers), subject
and circumstances, month, quarter and force by category, checked against plain pandas counts of
the demo extract; and the analysis function's trickier logic on tiny hand-made frames."""

import datetime as dt

import pandas as pd
import pytest
from scipy import stats

from oversight.analysis.reports import (
    FORCE_NOT_KNOWN,
    NO_OFFICER_FIGURE,
    RatePeriod,
    force_counts,
    force_rates,
    national_rate,
    quarters_from_months,
    rated_forces,
    time_table,
)
from oversight.db import connect_read_only, run_query
from tests.pages.conftest import open_chart_numbers

PAGE = "app_pages/reports.py"


def selected(demo, first, last, forces=(), channels=(), categories=()) -> pd.DataFrame:
    """The demo reports received from first to last matching the filters, by hand."""
    reports = demo["reports"]
    keep = reports["received_date"].between(pd.Timestamp(first), pd.Timestamp(last))
    if forces:
        keep &= reports["subject_force"].isin(forces)
    if channels:
        keep &= reports["channel"].isin(channels)
    if categories:
        keep &= reports["category_list"].map(lambda carried: bool(set(carried) & set(categories)))
    return reports[keep]


def poisson_rate(count: int, officers: float, days: int) -> tuple[float, float, float]:
    """Reports per 1,000 officers a year over days in the service, with the exact (Garwood) 95%
    interval of the count, from scipy directly."""
    low = 0.0 if count == 0 else stats.chi2.ppf(0.025, 2 * count) / 2
    high = stats.chi2.ppf(0.975, 2 * count + 2) / 2
    officer_years = officers * days / 365.25
    return tuple(value * 1000 / officer_years for value in (count, low, high))


def open_reports(open_page, query: dict | None = None):
    """The Reports page opened with query (URL parameters). Where the page switch in open_page
    dropped a filter (as the foundation's sidebar can under AppTest), it is set again through
    its sidebar widget, so each test checks the selection it names."""
    app = open_page(PAGE, query=query)
    query = query or {}
    period = app.sidebar.selectbox(key="f_period")
    if "period" in query and period.value != query["period"]:
        app = period.set_value(query["period"]).run()
    for name, key in (("force", "f_forces"), ("channel", "f_channels"),
                      ("category", "f_categories")):  # fmt: skip
        wanted = query.get(name, [])
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        widget = app.sidebar.multiselect(key=key)
        if sorted(widget.value) != sorted(wanted):
            app = widget.set_value(wanted).run()
    assert not app.exception, app.exception
    return open_chart_numbers(app)


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def table(app, *columns: str) -> pd.DataFrame:
    """The one shown dataframe that has all these columns."""
    frames = [f.value for f in app.dataframe if set(columns) <= set(f.value.columns)]
    assert len(frames) == 1, f"{len(frames)} tables with {columns}"
    return frames[0]


def test_whole_period_matches_hand_counts(open_page, demo):
    app = open_reports(open_page)
    assert not app.exception
    mine = selected(demo, "2000-01-01", "2100-12-31")
    shown = metrics(app)
    assert shown["Reports"] == f"{len(mine):,}"
    assert shown["By phone"] == f"{(mine['channel'] == 'phone').sum():,}"
    assert shown["Force not known"] == f"{(mine['subject_force'] == 'unknown').sum():,}"

    categories = table(app, "category", "share_of_reports").set_index("category")["reports"]
    carried = mine["category_list"].explode().value_counts()
    assert categories.to_dict() == {code: int(carried.get(code, 0)) for code in categories.index}
    assert categories.sum() > len(mine)  # a report can carry several

    # forces without an officer figure and "Force not known" have no rate, with the reason
    no_rate = table(app, "rate_note").set_index("force_name")
    assert no_rate.loc["Force not known", "reports"] == (mine["subject_force"] == "unknown").sum()
    assert no_rate.loc["Force not known", "rate"] == "–"
    assert no_rate.loc["Police Scotland", "rate_note"] == NO_OFFICER_FIGURE
    assert (
        no_rate.loc["Police Scotland", "reports"]
        == (mine["subject_force"] == "police_scotland").sum()
    )
    assert len(app.get("plotly_chart")) == 6


@pytest.mark.parametrize(
    ("query", "first", "last", "forces", "channels", "categories"),
    [
        ({"period": "fy2025", "force": ["kent", "essex"], "channel": "online"},
         "2025-04-01", "2026-03-31", ("kent", "essex"), ("online",), ()),
        ({"period": "national", "force": "metropolitan", "category": "domestic_abuse"},
         "2024-03-14", "2026-10-31", ("metropolitan",), (), ("domestic_abuse",)),
    ],
    ids=["kent-essex-online-fy2025", "met-domestic-abuse-national"],
)  # fmt: skip
def test_filters_change_numbers_as_counted_by_hand(
    open_page, demo, query, first, last, forces, channels, categories
):
    app = open_reports(open_page, query)
    mine = selected(demo, first, last, forces, channels, categories)
    everyone = selected(demo, "2000-01-01", "2100-12-31")
    shown = metrics(app)
    assert shown["Reports"] == f"{len(mine):,}"
    assert len(mine) < len(everyone)
    assert shown["Online"] == f"{(mine['channel'] == 'online').sum():,}"
    assert shown["Anonymous"] == f"{(mine['anonymous'] == 'true').sum():,}"
    assert "Force not known" not in shown  # a force is chosen: unknown matches no force

    # category counts: every category the chosen reports carry
    categories_shown = table(app, "category", "share_of_reports").set_index("category")["reports"]
    carried = mine["category_list"].explode().value_counts()
    for code, count in categories_shown.items():
        assert count == carried.get(code, 0), code
    if categories:
        assert categories_shown[categories[0]] == len(mine)

    # rates per 1,000 officers a year with exact Poisson intervals, counts beside them; every
    # force was in the service for the whole of both periods
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
    forces_ref = demo["forces"].set_index("force_code")
    rates = table(app, "force_code", "reports_per_1000_officers").set_index("force_name")
    rates = rates[~rates.index.str.startswith("England and Wales")]
    assert len(rates) == len(forces)
    for force in forces:
        row = rates.loc[forces_ref.loc[force, "force_name"]]
        count = int((mine["subject_force"] == force).sum())
        rate, low, high = poisson_rate(count, forces_ref.loc[force, "officer_fte"], days)
        assert row["reports"] == count
        assert row["reports_per_1000_officers"] == pytest.approx(rate, rel=1e-9)
        assert (row["rate_low"], row["rate_high"]) == pytest.approx((low, high), rel=1e-6)

    # England and Wales: every force with an officer figure, same channel and category filters
    nation = selected(demo, first, last, (), channels, categories)
    with_figure = forces_ref[forces_ref["officer_fte"].notna()]
    national = (
        table(app, "force_code", "officer_fte").set_index("force_code").loc["england_and_wales"]
    )
    assert national["reports"] == nation["subject_force"].isin(with_figure.index).sum()
    assert national["officer_fte"] == pytest.approx(with_figure["officer_fte"].sum())
    assert national["officer_years"] == pytest.approx(
        with_figure["officer_fte"].sum() * days / 365.25
    )

    # subject role, duty status and setting split the same reports
    panels = table(app, "attribute", "value")
    for attribute in ("subject_role", "duty_status", "setting"):
        split = panels[panels["attribute"] == attribute].set_index("value")["reports"]
        # an empty optional column means "unknown" (docs/data-contract.md)
        by_hand = mine[attribute].replace("", "unknown").value_counts()
        assert split.to_dict() == {v: int(by_hand.get(v, 0)) for v in split.index}, attribute
    anonymous = panels[panels["attribute"] == "anonymous"].set_index("value")["reports"]
    assert anonymous.to_dict() == {
        "anonymous": (mine["anonymous"] == "true").sum(),
        "named": (mine["anonymous"] == "false").sum(),
    }

    # quarters by channel, and the force-by-category grid
    quarters = table(app, "quarter_start")
    starts = mine["received_date"].dt.to_period("Q").dt.start_time
    by_hand = mine.groupby([starts, "channel"]).size()
    for row in quarters.itertuples():
        assert row.reports == by_hand.get((pd.Timestamp(row.quarter_start), row.channel), 0)
    grid = table(app, "share_of_force_reports").set_index(["force_code", "category"])
    exploded = mine.explode("category_list").groupby(["subject_force", "category_list"]).size()
    assert len(grid) == len(forces) * 6
    for (force, category), count in grid["reports"].items():
        assert count == exploded.get((force, category), 0), (force, category)


def test_sidebar_channel_change_changes_counts(open_page, demo):
    app = open_reports(open_page, {"period": "fy2024"})
    before = metrics(app)["Reports"]
    app.sidebar.multiselect(key="f_channels").set_value(["phone"]).run()
    assert not app.exception
    mine = selected(demo, "2024-04-01", "2025-03-31", channels=("phone",))
    assert metrics(app)["Reports"] == f"{len(mine):,}" != before
    months = table(app, "month").groupby("channel")["reports"].sum()
    assert months.to_dict() == {"phone": len(mine)}
    app.radio(key="reports_heatmap_view").set_value("Share of the force's reports").run()
    assert not app.exception
    shares = table(app, "share_of_force_reports")
    assert (shares["force_reports"] > 0).all()  # forces with no reports have no share to show
    kent = shares[(shares["force_code"] == "kent") & (shares["category"] == "other")].iloc[0]
    kent_reports = mine[mine["subject_force"] == "kent"]
    carrying = kent_reports["category_list"].map(lambda carried: "other" in carried).sum()
    assert kent["share_of_force_reports"] == pytest.approx(carrying / len(kent_reports))


def test_force_with_no_reports_shows_plain_message(open_page):
    # the pilot took reports about the Metropolitan Police only
    app = open_reports(open_page, {"period": "pilot", "force": "kent"})
    assert not app.exception
    assert any("No reports match" in info.value for info in app.info)
    assert not app.get("plotly_chart")


# The analysis function's logic on tiny hand-made frames.


def hand_counts(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["force_code", "force_name", "short_name", "officer_fte",
                                       "reports"])  # fmt: skip


def test_pilot_rates_are_the_met_alone_and_annual(open_page, demo):
    """Over the pilot only the Met was in the service: it alone has a rate, a year's worth over
    its 458 days; every other force with an officer figure says it was not in the service."""
    app = open_reports(open_page, {"period": "pilot"})
    mine = selected(demo, "2022-11-29", "2024-02-29")
    met = demo["forces"].set_index("force_code").loc["metropolitan"]
    rates = table(app, "force_code", "reports_per_1000_officers").set_index("force_code")
    assert rates.index.tolist() == ["metropolitan", "england_and_wales"]
    days = (pd.Timestamp("2024-02-29") - pd.Timestamp("2022-11-29")).days + 1
    assert days == 458
    rate, low, high = poisson_rate(len(mine), met["officer_fte"], days)
    for code in rates.index:  # England and Wales is the Met alone
        assert rates.loc[code, "reports_per_1000_officers"] == pytest.approx(rate, rel=1e-9)
        assert rates.loc[code, ["rate_low", "rate_high"]].tolist() == pytest.approx([low, high])
    names = table(app, "force_code", "force_name").set_index("force_code")["force_name"]
    assert names["england_and_wales"] == "England and Wales (only the Met was in the service)"
    no_rate = table(app, "rate_note").set_index("force_name")
    assert no_rate.loc["Kent Police", "rate_note"] == "not in the service in this period"
    assert no_rate.loc["Police Scotland", "rate_note"] == NO_OFFICER_FIGURE


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
def test_force_counts_from_the_grid_match_reports_by_force(page_db, forces, regions):
    """The page takes force totals from the force-by-category grid (one pass over the reports);
    they must be exactly what queries/reports_by_force.sql returns."""
    params = {
        "first_date": dt.date(2024, 4, 1), "last_date": dt.date(2025, 3, 31),
        "forces": list(forces), "regions": list(regions), "channels": ["online"],
        "categories": [], "subject_roles": [],
    }  # fmt: skip
    con = connect_read_only(page_db)
    try:
        direct = run_query(con, "reports_by_force", **params)
        derived = force_counts(
            run_query(con, "reports_by_force_category", **params),
            run_query(con, "forces_reference"),
        )
    finally:
        con.close()
    pd.testing.assert_frame_equal(derived, direct, check_dtype=False)
