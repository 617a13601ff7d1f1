"""Published figures (the public view): the disclosure-controlled tables of a financial year,
with their headline figures, commentary and charts, and the files to download."""

import pandas as pd
import streamlit as st

from oversight import charts, disclosure
from oversight.dashboard import page_setup, snapshot
from oversight.filters import period_presets
from oversight.settings import disclosure_threshold
from oversight.snapshot.commentary import commentary
from oversight.snapshot.model import SUPPRESSED, TABLES
from oversight.snapshot.write import snapshot_zip, table_csv, table_text

status, _ = page_setup(with_filters=False)
presets = period_presets(status.first_received_date, status.last_received_date, status.as_at_date)
# Whole financial years only: periods that do not overlap, so that no figure can be worked out
# by subtracting one published period from another.
years = {key: period for key, period in presets.items() if key.startswith("fy")}
keys = list(years)[::-1]  # the latest first
asked = st.query_params.get("period")
if st.session_state.get("public_period") not in keys:
    st.session_state["public_period"] = asked if asked in keys else keys[0]

st.title("Published figures")
key = st.selectbox(
    "Financial year (April to March, by the date the report was received)",
    keys,
    format_func=lambda k: years[k].label,
    key="public_period",
)
st.query_params["period"] = key
period = years[key]
# Compared only year with whole year: the period before a part year would overlap a published
# year, and the difference of the two could reveal what suppression hides.
part_year = (period.last - period.first).days < 364
published = snapshot(
    period.first,
    period.last,
    public=True,
    no_comparison="this is part of a year, and the period before it would overlap a published year"
    if part_year
    else "",
)
st.caption(
    f"Reports received {period.first:%d %B %Y} to {period.last:%d %B %Y}; referrals and "
    f"outcomes of those reports so far, as at {status.as_at_date:%d %B %Y}. Experimental "
    f"statistics. {SUPPRESSED} means fewer than {published.threshold} (or a figure that would "
    "reveal one), withheld to protect reporters and officers."
)

TILES = (
    ("reports", "Reports"),
    ("reports_phone", "By phone"),
    ("reports_online", "Online"),
    ("disseminated_reports", "Passed to a force"),
    ("investigations", "Investigations"),
    ("case_to_answer", "Case to answer"),
    ("dismissals", "Dismissals"),
    ("removed_from_policing", "Removed from policing"),
    ("open_cases", "Open cases"),
    ("awaiting_force_decision", "Awaiting a force's decision"),
)


def shown(value) -> str:
    return value if value == SUPPRESSED else f"{int(value):,}"


for row in (TILES[:5], TILES[5:]):
    for column, (measure, label) in zip(st.columns(len(row)), row, strict=True):
        column.metric(label, shown(published.headline_value(measure)))

for heading, sentences in commentary(published):
    if sentences:
        st.subheader(heading)
        st.markdown("\n".join(f"- {text}" for text in sentences))

months = published.tables["reports_by_month"]
drawn = months[months["reports"] != SUPPRESSED].assign(
    reports=lambda f: f["reports"].astype(int), month_start=lambda f: pd.to_datetime(f["month"])
)
st.subheader("Reports by month")
st.plotly_chart(
    charts.lines(
        drawn,
        "month_start",
        "reports",
        "Reports received each month, by channel",
        "Month received",
        "Reports",
        colour="channel",
        colours=charts.CHANNEL_COLOURS,
    ),  # fmt: skip
    width="stretch",
    config={"displaylogo": False},
)
if len(drawn) < len(months):
    st.caption(f"Months shown as {SUPPRESSED} in the table are left out of the chart.")

for spec in TABLES:
    table = published.tables[spec.name]
    st.subheader(spec.title)
    st.caption(spec.description)
    st.dataframe(table_text(table, spec), hide_index=True, width="stretch")
    st.download_button(
        f"Download {spec.name}.csv",
        data=table_csv(table, spec),
        file_name=f"{spec.name}_{period.first}_{period.last}.csv",
        mime="text/csv",
        key=f"public_{spec.name}",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )

st.subheader("Everything in one file")
st.download_button(
    "Download this snapshot (zip: the tables, a spreadsheet, a printable report, metadata)",
    data=lambda: snapshot_zip(published),
    file_name=f"oversight_{period.first}_{period.last}_public.zip",
    mime="application/zip",
    key="public_zip",
    # no rerun on a download: a rerun can clear the file before the browser fetches it
    on_click="ignore",
)
with st.expander("How small numbers are protected"):
    st.markdown("\n".join(f"- {rule}" for rule in disclosure.rules(disclosure_threshold())))
