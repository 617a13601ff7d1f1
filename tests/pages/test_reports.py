"""Reports page: volumes by channel, category, force (counts and per 1,000 officers), subject
and circumstances, channel by category, month, quarter and force by category, checked against
plain pandas counts of the demo extract (the analysis functions on hand-made data:
tests/analysis/test_reports.py)."""

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from scipy import stats

from oversight.analysis.reports import (
    ALL_REPORTS_ROW,
    ATTRIBUTE_LABELS,
    CATEGORY_LABELS,
    NO_OFFICER_FIGURE,
    VALUE_LABELS,
)
from oversight.settings import FORCES_CSV
from tests.pages.conftest import open_chart_numbers
from tests.pages.shown import column_formats

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


def shown_by_category(app) -> pd.Series:
    """The category chart's numbers: reports by category code."""
    shown = table(app, "category", "share_of_reports").set_index("category")
    return pd.Series({code: shown.loc[label, "reports"] for code, label in CATEGORY_LABELS.items()})


def rate_numbers(app) -> pd.DataFrame:
    """The numbers behind the rate chart (not the page's table of forces, which has regions)."""
    frames = [
        f.value for f in app.dataframe
        if "reports_per_1000_officers" in f.value.columns and "region_name" not in f.value.columns
    ]  # fmt: skip
    assert len(frames) == 1
    return frames[0]


def panel(panels: pd.DataFrame, attribute: str) -> pd.Series:
    """One panel of the attributes chart's numbers: reports by the attribute's value code."""
    shown = panels[panels["attribute"] == ATTRIBUTE_LABELS[attribute]]
    labels = shown.set_index("value")["reports"]
    return pd.Series({code: labels[label] for code, label in VALUE_LABELS[attribute].items()})


def test_whole_period_matches_hand_counts(open_page, demo):
    app = open_reports(open_page)
    assert not app.exception
    mine = selected(demo, "2000-01-01", "2100-12-31")
    shown = metrics(app)
    assert shown["Reports"] == f"{len(mine):,}"
    assert shown["By phone"] == f"{(mine['channel'] == 'phone').sum():,}"
    assert shown["Force not known"] == f"{(mine['subject_force'] == 'unknown').sum():,}"

    categories = shown_by_category(app)
    carried = mine["category_list"].explode().value_counts()
    assert categories.to_dict() == {code: int(carried.get(code, 0)) for code in CATEGORY_LABELS}
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
    categories_shown = shown_by_category(app)
    carried = mine["category_list"].explode().value_counts()
    for code, count in categories_shown.items():
        assert count == carried.get(code, 0), code
    if categories:
        assert categories_shown[categories[0]] == len(mine)

    # rates per 1,000 officers a year with exact Poisson intervals, counts beside them; every
    # force was in the service for the whole of both periods
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
    forces_ref = demo["forces"].set_index("force_code")
    rates = rate_numbers(app).set_index("force_name")
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
    national = rate_numbers(app).iloc[-1]  # last, after the forces
    assert national["force_name"].startswith("England and Wales")
    assert national["reports"] == nation["subject_force"].isin(with_figure.index).sum()
    assert national["officer_fte"] == pytest.approx(with_figure["officer_fte"].sum())
    assert national["officer_years"] == pytest.approx(
        with_figure["officer_fte"].sum() * days / 365.25
    )

    # subject role, duty status and setting split the same reports
    panels = table(app, "attribute", "value")
    for attribute in ("subject_role", "duty_status", "setting"):
        split = panel(panels, attribute)
        # an empty optional column means "unknown" (docs/data-contract.md)
        by_hand = mine[attribute].replace("", "unknown").value_counts()
        assert split.to_dict() == {v: int(by_hand.get(v, 0)) for v in split.index}, attribute
    anonymous = panel(panels, "anonymous")
    assert anonymous.to_dict() == {
        "anonymous": (mine["anonymous"] == "true").sum(),
        "named": (mine["anonymous"] == "false").sum(),
    }

    # quarters by channel, and the force-by-category grid
    quarters = table(app, "quarter_start")
    starts = mine["received_date"].dt.to_period("Q").dt.start_time
    by_hand = mine.groupby([starts, "channel"]).size()
    channels_by_label = {"Phone": "phone", "Online": "online"}
    for row in quarters.itertuples():
        channel = channels_by_label[row.channel]
        assert row.reports == by_hand.get((pd.Timestamp(row.quarter_start), channel), 0)
    grid = table(app, "share_of_force_reports")
    short_names = demo["forces"].set_index("force_code")["short_name"]
    exploded = mine.explode("category_list").groupby(["subject_force", "category_list"]).size()
    assert len(grid) == len(forces) * 6
    for force in forces:
        for code, label in CATEGORY_LABELS.items():
            cell = grid[(grid["force"] == short_names[force]) & (grid["category"] == label)]
            assert cell["reports"].tolist() == [exploded.get((force, code), 0)], (force, code)


@pytest.mark.parametrize(
    ("query", "first", "last", "forces", "channels", "categories"),
    [
        ({}, "2000-01-01", "2100-12-31", (), (), ()),
        ({"period": "fy2025", "force": ["kent", "essex"]}, "2025-04-01", "2026-03-31",
         ("kent", "essex"), (), ()),
        ({"period": "national", "channel": "online", "category": "domestic_abuse"},
         "2024-03-14", "2026-10-31", (), ("online",), ("domestic_abuse",)),
    ],
    ids=["everything", "kent-essex-fy2025", "online-domestic-abuse-national"],
)  # fmt: skip
def test_channel_by_category_table_matches_hand_counts(
    open_page, demo, query, first, last, forces, channels, categories
):
    """Each channel's reports carrying each category (a report with two categories counts
    under both), its reports each counted once, and the shares of them, counted with pandas."""
    app = open_reports(open_page, query)
    mine = selected(demo, first, last, forces, channels, categories)
    shown = table(app, "Category")
    assert shown["Category"].tolist() == list(CATEGORY_LABELS.values()) + [ALL_REPORTS_ROW]
    assert "None" not in shown.astype(str).to_numpy().ravel().tolist()
    labels = {"phone": "Phone", "online": "Online"}
    for channel in channels or ("phone", "online"):
        of_channel = mine[mine["channel"] == channel]
        carried = of_channel["category_list"].explode().value_counts()
        want = [int(carried.get(code, 0)) for code in CATEGORY_LABELS] + [len(of_channel)]
        label = labels[channel]
        assert shown[label].tolist() == want, channel
        assert shown[f"Share of {label.lower()} reports"].tolist() == pytest.approx(
            [count / len(of_channel) * 100 for count in want]
        )
    if not channels:
        carried = mine["category_list"].explode().value_counts()
        want = [int(carried.get(code, 0)) for code in CATEGORY_LABELS] + [len(mine)]
        assert shown["Phone and online"].tolist() == want
        assert shown["Phone"].iat[-1] + shown["Online"].iat[-1] == len(mine)
        assert sum(want[:-1]) > len(mine)  # a report can carry several
    else:
        assert "Phone" not in shown.columns and "Phone and online" not in shown.columns
    formats = column_formats(app, "Category")
    for name in shown.columns[1:]:
        assert formats[name] == ("%.0f%%" if name.startswith("Share") else "localized"), name


def test_count_tables_have_thousands_separators(open_page):
    """The page's own tables of counts (the tables of a chart's numbers are formatted by
    dashboard.show_chart)."""
    app = open_reports(open_page, {"period": "national"})
    forces = column_formats(app, "force_name", having="region_name")  # forces with a rate
    assert forces["reports"] == forces["officer_fte"] == "localized"
    assert column_formats(app, "force_name", having="rate_note")["reports"] == "localized"
    table = column_formats(app, "Category")  # channel by category
    assert table["Phone"] == table["Online"] == table["Phone and online"] == "localized"


def test_sidebar_channel_change_changes_counts(open_page, demo):
    app = open_reports(open_page, {"period": "fy2024"})
    before = metrics(app)["Reports"]
    app.sidebar.multiselect(key="f_channels").set_value(["phone"]).run()
    assert not app.exception
    mine = selected(demo, "2024-04-01", "2025-03-31", channels=("phone",))
    assert metrics(app)["Reports"] == f"{len(mine):,}" != before
    months = table(app, "month").groupby("channel")["reports"].sum()
    assert months.to_dict() == {"Phone": len(mine)}
    app.radio(key="reports_heatmap_view").set_value("Share of the force's reports").run()
    assert not app.exception
    shares = table(app, "share_of_force_reports")
    assert (shares["force_reports"] > 0).all()  # forces with no reports have no share to show
    kent = shares[(shares["force"] == "Kent") & (shares["category"] == "Other")].iloc[0]
    kent_reports = mine[mine["subject_force"] == "kent"]
    carrying = kent_reports["category_list"].map(lambda carried: "other" in carried).sum()
    assert kent["share_of_force_reports"] == pytest.approx(carrying / len(kent_reports))


def test_force_with_no_reports_shows_plain_message(open_page):
    # the pilot took reports about the Metropolitan Police only
    app = open_reports(open_page, {"period": "pilot", "force": "kent"})
    assert not app.exception
    assert any("No reports match" in info.value for info in app.info)
    assert not app.get("plotly_chart")


def test_pilot_rates_are_the_met_alone_and_annual(open_page, demo):
    """Over the pilot only the Met was in the service: it alone has a rate, a year's worth over
    its 458 days; every other force with an officer figure says it was not in the service."""
    app = open_reports(open_page, {"period": "pilot"})
    mine = selected(demo, "2022-11-29", "2024-02-29")
    met = demo["forces"].set_index("force_code").loc["metropolitan"]
    rates = rate_numbers(app).set_index("force_name")
    assert rates.index.tolist() == [
        "Metropolitan Police Service", "England and Wales (only the Met was in the service)",
    ]  # fmt: skip
    days = (pd.Timestamp("2024-02-29") - pd.Timestamp("2022-11-29")).days + 1
    assert days == 458
    rate, low, high = poisson_rate(len(mine), met["officer_fte"], days)
    for name in rates.index:  # England and Wales is the Met alone
        assert rates.loc[name, "reports_per_1000_officers"] == pytest.approx(rate, rel=1e-9)
        assert rates.loc[name, ["rate_low", "rate_high"]].tolist() == pytest.approx([low, high])
    no_rate = table(app, "rate_note").set_index("force_name")
    assert no_rate.loc["Kent Police", "rate_note"] == "not in the service in this period"
    assert no_rate.loc["Police Scotland", "rate_note"] == NO_OFFICER_FIGURE


def test_staff_see_the_map_of_rates_for_any_period(open_page, demo):
    """The public page's map, from the live figures: Kent's area carries its rate for a period
    no release covers (1 Jan to 30 Jun 2025), worked out here from the demo extract."""
    query = {"period": "custom", "from": "2025-01-01", "to": "2025-06-30"}
    app = open_page("app_pages/reports.py", query=query)
    figure = next(m.value for m in app.markdown if "<svg" in m.value)
    assert "Office for National Statistics licensed under the Open Government Licence" in figure
    svg = "{http://www.w3.org/2000/svg}"
    drawn = {
        path.get("data-force"): path.find(f"{svg}title").text
        for path in ET.fromstring(figure).iter(f"{svg}path")
    }
    assert len(drawn) == 43
    reports = demo["reports"]
    kent = reports[
        (reports["subject_force"] == "kent")
        & reports["received_date"].between(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-30"))
    ]
    forces = pd.read_csv(FORCES_CSV)
    fte = float(forces.loc[forces["force_code"] == "kent", "officer_fte"].iat[0])
    days = (dt.date(2025, 6, 30) - dt.date(2025, 1, 1)).days + 1
    rate = len(kent) / (fte * days / 365.25) * 1000
    assert drawn["kent"] == f"Kent Police: {rate:.1f} reports per 1,000 officers a year"
