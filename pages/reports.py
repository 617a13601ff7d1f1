"""Reports: volumes by channel, category, force (raw and per 1,000 officers), subject role,
anonymity, duty status and setting; monthly and quarterly trends; force by category."""

import streamlit as st

from oversight import charts
from oversight.analysis.reports import (
    ATTRIBUTE_LABELS,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    partial_note,
    reports_data,
)
from oversight.dashboard import (
    current_filters,
    nothing_to_show,
    query,
    show_chart,
    stored_data_status,
)
from oversight.exports import csv_bytes

status = stored_data_status()
filters = current_filters()
data = reports_data(query, filters, status.as_at_date)

st.title("Reports")
st.caption(f"{filters.describe().capitalize()}. Data as at {status.as_at_date:%d %b %Y}.")
if data.reports == 0:
    nothing_to_show()
    st.stop()


def count_and_share(attribute: str, value: str) -> str:
    """The reports with this value of the attribute, with their share of all reports."""
    row = data.by_attribute.query("attribute == @attribute and value == @value").iloc[0]
    return f"{row['reports']:,} ({row['share_of_reports']:.0%})"


tiles = [
    ("Reports", f"{data.reports:,}", "Reports received in the period."),
    ("By phone", count_and_share("channel", "phone"),
     "Reports made by phone, and their share of all reports."),
    ("Online", count_and_share("channel", "online"),
     "Reports made online, and their share of all reports."),
    ("Anonymous", count_and_share("anonymous", "anonymous"),
     "Reports whose reporter chose to stay anonymous, and their share of all reports."),
]  # fmt: skip
if data.force_not_known is not None:
    tiles.append(
        ("Force not known", f"{data.force_not_known:,}",
         "Reports that do not say which force the reported person works for. They count in "
         "the national totals but under no force.")
    )  # fmt: skip
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text)

st.subheader("How reports were made, and what they were about")
left, right = st.columns(2)
with left:
    show_chart(
        charts.labelled_bars(
            data.by_channel, "value_label", "reports", "Reports by channel",
            "Reports", "Channel",
            colours={CHANNEL_LABELS[c]: colour for c, colour in charts.CHANNEL_COLOURS.items()},
            share="share_of_reports",
        ),
        data.by_channel[["value", "reports", "share_of_reports"]].rename(
            columns={"value": "channel"}
        ),
        "reports_by_channel", filters, status,
    )  # fmt: skip
with right:
    carried = int(data.by_category["reports"].sum())
    several = data.by_attribute.query("attribute == 'category_count' and value != '1'")
    several_count = int(several["reports"].sum())
    note = (
        f"A report can carry several categories and counts under each, so these bars add up "
        f"to {carried:,} for {data.reports:,} reports: {several_count:,} reports "
        f"({several_count / data.reports:.0%}) carry more than one. Percentages are shares of "
        "all reports and add up to more than 100%."
    )
    if filters.categories:
        note += (
            " With a category filter, the reports chosen also show under the other categories "
            "they carry."
        )
    show_chart(
        charts.labelled_bars(
            data.by_category, "category_label", "reports",
            "Reports by category (a report can carry several)", "Reports carrying the category",
            "Category",
            colours={CATEGORY_LABELS[c]: colour for c, colour in charts.CATEGORY_COLOURS.items()},
            share="share_of_reports",
        ),
        data.by_category[["category", "reports", "share_of_reports"]],
        "reports_by_category", filters, status, note,
    )  # fmt: skip

st.subheader("Reports by force: counts and reports per 1,000 officers")
st.markdown(
    "Forces differ greatly in size, so they are compared by **reports per 1,000 officers** "
    f"over the period {data.rate_period.describe()}, with a 95% interval, not by raw counts. "
    "The rate is for the whole period and is **not annualised**. A report counts for the force "
    "the reported person works for."
)
national = data.national_rate
rated = data.rated_forces[data.rated_forces["force_code"] != "england_and_wales"]
if rated.empty:
    st.info(
        "None of the chosen forces has an officer figure, so no rate per 1,000 officers can "
        "be shown. Their counts are in the table below."
    )
else:
    show_chart(
        charts.interval_dots(
            rated, "short_name", "reports_per_1000_officers", "rate_low", "rate_high",
            "Reports per 1,000 officers, by force, with 95% intervals",
            "Reports per 1,000 officers (over the whole period, not annualised)", "Force",
            reference=national["reports_per_1000_officers"],
            reference_label=f"{national['label']}: {national['reports_per_1000_officers']:,.1f}",
            hover={"reports": "Reports", "officer_fte": "Officers (FTE)"},
        ),
        data.rated_forces.drop(columns="short_name"), "reports_per_1000_officers_by_force",
        filters, status,
        data.rate_period.note() + " Dashed line: every force with an officer figure together "
        "(England and Wales), with the same channel and category filters.",
    )  # fmt: skip

st.markdown("**Every force: counts beside rates**")
table = data.by_force.assign(
    rate=data.by_force["reports_per_1000_officers"],
)[
    ["force_name", "region_name", "reports", "officer_fte", "rate", "rate_low", "rate_high",
     "rate_note"]
]  # fmt: skip
st.dataframe(
    table.style.format(
        {
            "reports": "{:,}",
            "officer_fte": "{:,.0f}",
            "rate": "{:,.1f}",
            "rate_low": "{:,.1f}",
            "rate_high": "{:,.1f}",
        },
        na_rep="–",
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "force_name": "Force",
        "region_name": "Region",
        "reports": st.column_config.NumberColumn("Reports", help="Reports naming the force."),
        "officer_fte": st.column_config.NumberColumn(
            "Officers (FTE)", help="Police officers, full-time equivalent, 31 March 2025."
        ),
        "rate": st.column_config.NumberColumn(
            "Per 1,000 officers", help=f"Over {data.rate_period.describe()}, not annualised."
        ),
        "rate_low": "95% interval from",
        "rate_high": "to",
        "rate_note": "Why no rate",
    },
)
st.download_button(
    "Download this table (CSV)",
    data=csv_bytes(data.by_force.drop(columns=["officer_fte_date"])),
    file_name=f"reports_by_force_{filters.first_date}_{filters.last_date}.csv",
    mime="text/csv",
    key="download_reports_by_force_table",
)
st.caption(
    "Sortable: click a column heading. “–” marks a rate that cannot be computed, with the "
    "reason; it is never shown as 0. "
    + (
        "Force not known: reports that do not say which force the reported person works for."
        if data.force_not_known is not None
        else ""
    )
)

st.subheader("Who was reported, and in what circumstances")
attributes = ["subject_role", "anonymous", "duty_status", "setting"]
for pair in (attributes[:2], attributes[2:]):
    for column, attribute in zip(st.columns(2), pair, strict=True):
        part = data.by_attribute[data.by_attribute["attribute"] == attribute]
        label = ATTRIBUTE_LABELS[attribute]
        with column:
            show_chart(
                charts.labelled_bars(
                    part, "value_label", "reports", f"Reports by {label.lower()}", "Reports",
                    label, share="share_of_reports",
                ),
                part[["value", "reports", "share_of_reports"]].rename(columns={"value": attribute}),
                f"reports_by_{attribute}", filters, status,
                "Percentages are shares of all reports, “not known” included.",
            )  # fmt: skip

st.subheader("Reports over time")
monthly_colours = {CHANNEL_LABELS[c]: colour for c, colour in charts.CHANNEL_COLOURS.items()}
show_chart(
    charts.lines(
        data.monthly, "month_start", "reports", "Reports received each month, by channel",
        "Month received", "Reports", colour="channel_label", colours=monthly_colours,
    ),
    data.monthly[["month", "channel", "reports", "days_covered", "partial"]],
    "reports_by_month_and_channel", filters, status, partial_note(data.monthly, "months"),
)  # fmt: skip
show_chart(
    charts.bars(
        data.quarterly, "label", "reports", "Reports received each quarter, by channel",
        "Quarter received", "Reports", colour="channel_label", colours=monthly_colours,
    ),
    data.quarterly[["quarter_start", "label", "channel", "reports", "days_covered", "partial"]],
    "reports_by_quarter_and_channel", filters, status,
    "Calendar quarters (April–June is the first quarter of a financial year). "
    + partial_note(data.quarterly, "quarters"),
)  # fmt: skip

st.subheader("Categories reported, by force")
view = st.radio(
    "Show",
    ["Counts", "Share of the force's reports"],
    horizontal=True,
    key="reports_heatmap_view",
    help="Shares make forces of different sizes comparable: of the force's reports, the "
    "percentage carrying each category.",
)
grid = data.force_category
if view == "Counts":
    fig = charts.labelled_heatmap(
        grid, "category_label", "short_name", "reports",
        "Reports by force and category (a report can carry several)", "Category", "Force",
        "Reports",
    )  # fmt: skip
    grid_note = (
        "A report can carry several categories and counts under each, so a force's row adds "
        "up to more than its reports. Raw counts mostly reflect force size."
    )
else:
    grid = grid[grid["force_reports"] > 0]
    fig = charts.labelled_heatmap(
        grid, "category_label", "short_name", "share_of_force_reports",
        "Share of each force's reports carrying each category (a report can carry several)",
        "Category", "Force", "Share of the force's reports", percent=True,
    )  # fmt: skip
    grid_note = (
        "A report can carry several categories, so a force's row adds up to more than 100%. "
        "Forces with no reports in the selection are left out."
    )
show_chart(
    fig,
    grid[["force_code", "short_name", "category", "reports", "force_reports",
          "share_of_force_reports"]],
    "reports_by_force_and_category", filters, status, grid_note,
)  # fmt: skip

with st.expander("How this is counted"):
    st.markdown(
        """
From *Measures: what every number on the dashboard means* (docs/metrics.md):

- **Report period**: a report belongs to the period that holds its `received_at`.
- **Reports**: reports received in the period.
- **Reports by channel**: reports with `channel` = `phone` / `online`.
- **Anonymous reports**: reports with `anonymous` = true.
- **Reports by category**: reports carrying the category (a report with two categories counts
  under both).
- **Force**: a report counts for its `subject_force` (the force the reported person works
  for). Reports with subject force `unknown` count in national totals and show as "Force not
  known".
- **Reports per 1,000 officers**: reports naming the force / the force's `officer_fte`
  (officers, full-time equivalent) × 1,000, for the period (say which period); 95% exact
  Poisson interval.
- Forces differ in size, so raw counts are never ranked on their own: comparisons use rates
  per 1,000 officers or proportions, each with its interval.
- A rate whose denominator is 0 is shown as "–" with the reason, never as 0 or NaN.

How this page applies them:

- The rate per 1,000 officers is for the chosen period, cut at the as-at date if the period
  runs beyond it, and is **not annualised**: it is the count over the period divided by the
  officers. Officer numbers are full-time equivalents at 31 March 2025 (Home Office, *Police
  workforce, England and Wales*). Police Scotland, PSNI, British Transport Police, the Civil
  Nuclear Constabulary and the Ministry of Defence Police are outside that series, so they
  have no rate.
- The England and Wales rate adds up the reports and officers of every force with an officer
  figure, with the same channel and category filters as the page.
- Role, anonymity, duty status and setting (where the conduct happened: in person or online)
  each split the same reports; their percentages are shares of all reports, "not known"
  included, and add up to 100%. Categories add up to more.
- Months and quarters are calendar ones; one only partly inside the period (or after the
  as-at date) is marked in the numbers table (`partial`), and months wholly after the as-at
  date are left out.
"""
    )
