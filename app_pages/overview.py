"""Overview: headline figures with their change, the outcomes decided in the period beside the
cohort's, the path of a report, monthly reports."""

import streamlit as st

from oversight import charts
from oversight.analysis.decided import decided_caption, decided_data, decided_table
from oversight.analysis.overview import overview_data
from oversight.analysis.reports import CHANNEL_LABEL_COLOURS, in_words
from oversight.dashboard import analysed, nothing_to_show, page_setup, show_chart

status, filters = page_setup()
data = analysed(overview_data, filters, status.as_at_date, status.first_received_date)

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

decided = analysed(decided_data, filters, status.as_at_date)
st.header(f"Outcomes decided {decided.words}, and of the reports received so far")
st.dataframe(decided_table(decided), hide_index=True, width="stretch", key="decided_table")
st.caption(
    decided_caption(decided, filters.describe(), f"{status.as_at_date:%d %b %Y}", with_days=False)
)

st.header("The path of a report")
show_chart(
    charts.stage_bars(data.path, "stage", "count", "label", "How far reports have gone so far"),
    data.path_table,
    "report_path",
    filters,
    status,
    data.path_note,
)

st.header("Reports by month")
show_chart(
    charts.series_by_group(
        data.monthly, "month_start", "reports", "channel_label",
        "Reports received each month, by channel", "Month received", "Reports",
        colours=CHANNEL_LABEL_COLOURS,
    ),
    in_words(data.monthly, ["month", "channel_label", "reports", "days_covered", "partial"]),
    "reports_by_month",
    filters,
    status,
    data.monthly_note,
)  # fmt: skip
