"""Overview: headline figures with their change, the outcomes decided in the period beside the
cohort's, the path of a report, monthly reports."""

import streamlit as st

from oversight import charts
from oversight.analysis.decided import decided_caption, decided_data, decided_table
from oversight.analysis.overview import overview_data
from oversight.dashboard import nothing_to_show, page_setup, query, show_chart

status, filters = page_setup()
data = overview_data(query, filters, status.as_at_date, status.first_received_date)

st.title("Overview")
st.caption(
    f"{filters.describe()}. Referrals and outcomes of those reports so far, "
    f"as at {status.as_at_date:%d %b %Y}. "
    + (
        f"No change is shown: {data.comparison_note}."
        if data.comparison_note
        else f"Changes compare with the {filters.days} days before."
    )
)
if data.headline["reports"] == 0:
    nothing_to_show()
    st.stop()

for row in (data.tiles[:5], data.tiles[5:]):
    for column, tile in zip(st.columns(len(row)), row, strict=True):
        column.metric(tile.label, tile.shown, tile.change, help=tile.help, delta_color="off")

decided = decided_data(query, filters, status.as_at_date)
st.subheader(f"Outcomes decided {decided.words}, and of the reports received so far")
st.dataframe(decided_table(decided), hide_index=True, width="stretch", key="decided_table")
st.caption(
    decided_caption(decided, filters.describe(), f"{status.as_at_date:%d %b %Y}", with_days=False)
)

st.subheader("The path of a report")
path = data.path
show_chart(
    charts.funnel(path, "stage", "count", "How far reports have gone so far"),
    path[["stage", "unit", "count", "share_of_stage_before"]],
    "report_path",
    filters,
    status,
    "The first two stages count reports; the rest count referrals to forces (a report can be "
    "passed to more than one force), so no share is given where the unit changes.",
)

st.subheader("Reports by month")
show_chart(
    charts.lines(
        data.monthly, "month_start", "reports", "Reports received each month, by channel",
        "Month received", "Reports", colour="channel", colours=charts.CHANNEL_COLOURS,
    ),
    data.monthly[["month", "channel", "reports"]],
    "reports_by_month",
    filters,
    status,
)  # fmt: skip
