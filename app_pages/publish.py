"""Publish (staff only): preview a snapshot for a chosen period, as it would be published, and
download all its files as a zip."""

import datetime as dt

import streamlit as st

from oversight.dashboard import is_public, page_setup, snapshot
from oversight.filters import period_presets
from oversight.snapshot.model import SUPPRESSED, TABLES
from oversight.snapshot.write import cover_note, snapshot_zip, table_csv, table_text

if is_public():
    st.stop()  # never routed in the public view; a direct run shows nothing

status, _ = page_setup(with_filters=False)
st.title("Publish a snapshot")
st.caption(
    "A snapshot is the set of published tables of the measures' definitions (About the data), "
    "with a cover note, an accessible spreadsheet, a printable report and metadata. The same "
    "files come from `python -m oversight snapshot`."
)

presets = period_presets(status.first_received_date, status.last_received_date, status.as_at_date)
CUSTOM = "custom"
left, middle, right = st.columns([2, 2, 1])
key = left.selectbox(
    "Period (date the report was received)",
    [*presets, CUSTOM],
    format_func=lambda k: presets[k].label if k in presets else "Custom dates",
    key="publish_period",
)
if key == CUSTOM:
    chosen = middle.date_input(
        "From and to",
        (presets["all"].first, presets["all"].last),
        min_value=dt.date(2020, 1, 1),
        max_value=status.as_at_date,
        key="publish_dates",
    )
    if len(chosen) != 2:
        st.info("Choose the last date of the period too.")
        st.stop()
    first, last = chosen
else:
    first, last = presets[key].first, presets[key].last
    middle.markdown(f"**{first:%d %b %Y} to {last:%d %b %Y}**")
public = right.toggle("Public", value=True, help="Apply the disclosure rules (for publication)")

chosen_snapshot = snapshot(first, last, public)
if public:
    tables = chosen_snapshot.tables.values()
    hidden = sum(int(t.isin([SUPPRESSED]).to_numpy().sum()) for t in tables)
    st.success(
        f"Public snapshot: disclosure-controlled ({hidden:,} cells shown as {SUPPRESSED}). "
        "Safe to publish once checked."
    )
else:
    st.warning("Internal snapshot: exact figures, small numbers included. Not for publication.")

file_stem = f"oversight_snapshot_{first}_{last}_{'public' if public else 'internal'}"
st.download_button(
    "Download the snapshot (zip: CSV files, spreadsheet, report, cover note, metadata)",
    # built only when clicked: the spreadsheet and report take a moment
    data=lambda: snapshot_zip(chosen_snapshot),
    file_name=f"{file_stem}.zip",
    mime="application/zip",
    type="primary",
    key="publish_zip",
    # no rerun on a download: a rerun can clear the file before the browser fetches it
    on_click="ignore",
)

with st.expander("Cover note (README.md)", expanded=False):
    st.markdown(cover_note(chosen_snapshot))

for spec in TABLES:
    table = chosen_snapshot.tables[spec.name]
    st.subheader(spec.title)
    st.caption(f"`{spec.name}.csv`: {spec.description}")
    st.dataframe(table_text(table, spec), hide_index=True, width="stretch")
    st.download_button(
        f"Download {spec.name}.csv",
        data=table_csv(table, spec),
        file_name=f"{spec.name}.csv",
        mime="text/csv",
        key=f"publish_{spec.name}",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )
