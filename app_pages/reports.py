"""Reports: volumes by channel, category, force (raw and per 1,000 officers), subject role,
anonymity, duty status and setting; channel by category; monthly and quarterly trends; force by
category."""

import streamlit as st

from oversight import charts, forcemap
from oversight.activity import recorded
from oversight.analysis.reports import (
    ATTRIBUTE_TITLES,
    CATEGORY_LABEL_COLOURS,
    CHANNEL_LABEL_COLOURS,
    HEATMAP_COUNTS,
    HEATMAP_SHARES,
    heatmap_view,
    in_words,
    partial_note,
    reports_data,
)
from oversight.dashboard import (
    analysed,
    current_session,
    nothing_to_show,
    page_setup,
    show_chart,
)
from oversight.exports import csv_bytes

status, filters = page_setup()
data = analysed(reports_data, filters, status.as_at_date)

st.title("Reports")
description = filters.describe()
st.caption(f"{description[0].upper()}{description[1:]}. Data as at {status.as_at_date:%d %b %Y}.")
if data.reports == 0:
    nothing_to_show()
    st.stop()

tiles = data.tiles
for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(
        tile.label, tile.value, tile.share, help=tile.help, delta_color="off", delta_arrow="off"
    )

st.header("What reports were about")
show_chart(
    charts.labelled_bars(
        data.by_category, "category_label", "reports",
        "Reports by category (a report can carry several)", "Reports carrying the category",
        "Category", colours=CATEGORY_LABEL_COLOURS, share="share_of_reports",
    ),
    in_words(data.by_category, ["category_label", "reports", "share_of_reports"]),
    "reports_by_category", filters, status, data.category_note(bool(filters.categories)),
)  # fmt: skip

st.markdown("**Reports by channel and category**")
table = data.channel_category
st.dataframe(
    table.frame,
    hide_index=True,
    width="stretch",
    column_config={
        # the categories stay in view while a phone scrolls the channels sideways
        "Category": st.column_config.TextColumn("Category", pinned=True),
        **{
            name: st.column_config.NumberColumn(name, format="localized")
            for name in table.count_columns
        },
        **{
            name: st.column_config.NumberColumn(name, format="%.0f%%")
            for name in table.share_columns
        },
    },
)
st.caption(table.note)

st.header("How reports were made, who they were about, and the circumstances")
show_chart(
    charts.labelled_bar_panels(
        data.by_attribute, "attribute", "value_label", "reports",
        "Reports by channel, reporter, role, duty and setting", "Reports",
        ATTRIBUTE_TITLES, share="share_of_reports", colour="colour",
    ),
    in_words(data.by_attribute,
             ["attribute_label", "value_label", "reports", "share_of_reports"]),
    "reports_by_attribute", filters, status,
    "Each panel splits the same reports; percentages are shares of all reports, “not known” "
    "included, and add up to 100% within a panel.",
)  # fmt: skip

st.header("Reports by force: counts and reports per 1,000 officers a year")
st.markdown(
    "Forces differ greatly in size, so they are compared by **reports per 1,000 officers a "
    f"year** over the period {data.rate_period.describe()}, with a 95% interval, not by raw "
    "counts. Each force's rate counts only the days it was in the service within the period "
    "(the Metropolitan Police from 29 November 2022, every other force from 14 March 2024), so "
    "it can sit beside other annual figures. A report counts for the force the reported person "
    "works for."
)
rate_chart = data.rate_chart(own_force_only=current_session().role == "force")
if rate_chart is None:
    st.info(
        "None of the chosen forces has an officer figure and days in the service in this "
        "period, so no rate per 1,000 officers a year can be shown. Their counts are in the "
        "table below."
    )
else:
    show_chart(
        charts.interval_dots(
            rate_chart.points, "short_name", "reports_per_1000_officers", "rate_low",
            "rate_high", "Reports per 1,000 officers a year, by force, with 95% intervals",
            "Reports per 1,000 officers a year", "Force", reference=rate_chart.reference,
            reference_label=rate_chart.reference_label,
            hover={"reports": "Reports", "officer_fte": "Officers (FTE)"},
        ),
        rate_chart.numbers, "reports_per_1000_officers_by_force", filters, status,
        rate_chart.note,
    )  # fmt: skip

if rate_chart is not None:
    # the public page's map, drawn from the live figures for the period chosen
    st.markdown(
        forcemap.rate_map(data.by_force, "reports_per_1000_officers", data.rate_period.describe(),
                          id_prefix="staffmap"),
        unsafe_allow_html=True,  # st.html would strip the SVG
    )  # fmt: skip
    st.caption(
        "Each colour holds about a fifth of the forces with a rate; forces with no rate (no "
        "officer figure, or outside England and Wales) are in the table below."
    )

if not data.rate_table.empty:
    st.markdown("**Every force: counts beside rates**")
    st.dataframe(
        data.rate_table,
        hide_index=True,
        width="stretch",
        column_config={
            "force_name": "Force",
            "region_name": "Region",
            "reports": st.column_config.NumberColumn("Reports", format="localized"),
            "officer_fte": st.column_config.NumberColumn(
                "Officers (FTE)", format="localized",
                help="Police officers, full-time equivalent, at 31 March 2025.",
            ),
            "officer_years": st.column_config.NumberColumn(
                "Officer-years in the service", format="localized",
                help="Officers times the years the force was in the service within the period.",
            ),
            "reports_per_1000_officers": st.column_config.NumberColumn(
                "Reports per 1,000 officers a year", format="%.1f",
                help=f"Over {data.rate_period.describe()}, per year in the service.",
            ),
            "rate_low": st.column_config.NumberColumn("95% interval from", format="%.1f"),
            "rate_high": st.column_config.NumberColumn("to", format="%.1f"),
        },
    )  # fmt: skip
if not data.no_rate_table.empty:
    st.markdown("**No rate per 1,000 officers a year**")
    st.dataframe(
        data.no_rate_table,
        hide_index=True,
        width="stretch",
        column_config={
            "force_name": "Force",
            "reports": st.column_config.NumberColumn("Reports", format="localized"),
            "rate": "Reports per 1,000 officers a year",
            "rate_note": "Why there is no rate",
        },
    )
st.download_button(
    "Download every force's counts and rates (CSV)",
    # written only when clicked, not on every rerun
    data=recorded(
        "reports_by_force.csv",
        lambda: csv_bytes(data.by_force.drop(columns=["officer_fte_date"])),
        filters=filters.describe(),
    ),
    file_name=f"reports_by_force_{filters.first_date}_{filters.last_date}.csv",
    mime="text/csv",
    key="download_reports_by_force_table",
    # no rerun on a download: a rerun can clear the file before the browser fetches it
    on_click="ignore",
)
st.caption(
    "Click a column heading to sort. A rate that cannot be computed is shown as “–” with the "
    "reason, never as 0; in the CSV it is left empty."
)

st.header("Reports over time")
show_chart(
    charts.series_by_group(
        data.monthly, "month_start", "reports", "channel_label",
        "Reports received each month, by channel", "Month received", "Reports",
        colours=CHANNEL_LABEL_COLOURS,
    ),
    in_words(data.monthly, ["month", "channel_label", "reports", "days_covered", "partial"]),
    "reports_by_month_and_channel", filters, status, partial_note(data.monthly, "months"),
)  # fmt: skip
show_chart(
    charts.series_by_group(
        data.quarterly, "label", "reports", "channel_label",
        "Reports received each quarter, by channel", "Quarter received", "Reports",
        colours=CHANNEL_LABEL_COLOURS, kind="bars",
    ),
    in_words(data.quarterly, ["quarter_start", "label", "channel_label", "reports",
                             "days_covered", "partial"]),
    "reports_by_quarter_and_channel", filters, status,
    "Calendar quarters (April–June is the first quarter of a financial year). "
    + partial_note(data.quarterly, "quarters"),
)  # fmt: skip

st.header("Categories reported, by force")
view = heatmap_view(
    data.force_category,
    st.radio(
        "Show",
        [HEATMAP_COUNTS, HEATMAP_SHARES],
        horizontal=True,
        key="reports_heatmap_view",
        help="Shares make forces of different sizes comparable: of the force's reports, the "
        "percentage carrying each category.",
    ),
)
show_chart(
    charts.labelled_heatmap(
        view.grid, "category_label", "short_name", view.value, view.title, "Category", "Force",
        view.legend, percent=view.percent,
    ),
    in_words(view.grid, ["short_name", "category_label", "reports", "force_reports",
                         "share_of_force_reports"]),
    "reports_by_force_and_category", filters, status, view.note,
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
- **Reports by channel and category**: a channel's reports carrying the category (a report with
  two categories counts under both); its share is of the channel's reports.
- **Force**: a report counts for its `subject_force` (the force the reported person works
  for). Reports with subject force `unknown` count in national totals and show as "Force not
  known".
- **Reports per 1,000 officers a year**: reports naming the force / (the force's
  `officer_fte` (officers, full-time equivalent) × the days it was in the service within the
  period / 365.25) × 1,000; 95% exact Poisson interval (the count's, divided by the same
  officer-years).
- Forces differ in size, so raw counts are never ranked on their own: comparisons use rates
  per 1,000 officers or proportions, each with its interval.
- A rate whose denominator is 0 is shown as "–" with the reason, never as 0 or NaN.

How this page applies them:

- The rate per 1,000 officers a year is for the chosen period, cut at the as-at date if the
  period runs beyond it, and counts only the days each force was in the service: the
  Metropolitan Police from 29 November 2022 (the pilot), every other force from 14 March 2024.
  A force that had not joined by the end of the period has no rate. Officer numbers are
  full-time equivalents at 31 March 2025 (Home Office, *Police workforce, England and Wales*).
  Police Scotland, PSNI, British Transport Police, the Civil Nuclear Constabulary and the
  Ministry of Defence Police are outside that series, so they have no rate.
- The England and Wales rate adds up the reports and officer-years of every force with an
  officer figure, with the same channel and category filters as the page.
- Role, anonymity, duty status and setting (where the conduct happened: in person or online)
  each split the same reports; their percentages are shares of all reports, "not known"
  included, and add up to 100%. Categories add up to more.
- Months and quarters are calendar ones; one only partly inside the period (or after the
  as-at date) is marked in the numbers table (`partial`), and months wholly after the as-at
  date are left out.
"""
    )
