"""Published figures (the public view): the releases in the register, exactly as they were
published (whatever has been imported since), with their headline figures, commentary, charts,
tables and files."""

from pathlib import Path

import pandas as pd
import streamlit as st

from oversight import charts, disclosure, forcemap
from oversight.activity import recorded
from oversight.dashboard import database_path, page_setup
from oversight.ledger import version_of_ledger
from oversight.snapshot import register
from oversight.snapshot.commentary import as_at_words, commentary, format_month, period_words
from oversight.snapshot.model import SUPPRESSED, TABLES
from oversight.snapshot.periods import month_name
from oversight.snapshot.reading import ReleaseFormatError, released_snapshot
from oversight.snapshot.write import files_zip, table_text


@st.cache_data(max_entries=4, show_spinner=False)
def _listing(path: str, version: tuple | None) -> list[register.Listed]:
    return register.listing(Path(path))


@st.cache_data(max_entries=16, show_spinner=False)
def _files(path: str, release_id: int) -> dict[str, bytes]:
    # a release never changes once recorded: its id is key enough
    return register.released_files(Path(path), release_id)


page_setup(with_filters=False)
db_path = database_path()
listed = {r.period.key: r for r in _listing(str(db_path), version_of_ledger(db_path))}
st.title("Published figures")
if not listed:
    st.info("No figures have been published yet.")
    st.stop()

keys = list(listed)  # the latest first
asked = st.query_params.get("period")
if st.session_state.get("public_period") not in keys:
    st.session_state["public_period"] = asked if asked in keys else keys[0]
key = st.selectbox(
    "Period (financial years run from April to March, by the date the report was received)",
    keys,
    format_func=lambda k: listed[k].period.label,
    key="public_period",
)
st.query_params["period"] = key
release = listed[key]
files = _files(str(db_path), release.release_id)
folder = f"oversight_{key}_public"


def _download_zip() -> None:
    st.download_button(
        "Download this release (zip: the tables, a spreadsheet, a printable report, metadata)",
        data=recorded(f"{folder}.zip", lambda: files_zip(files, folder)),
        file_name=f"{folder}.zip",
        mime="application/zip",
        key="public_zip",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )


try:
    published = released_snapshot(files)
except ReleaseFormatError:
    st.info(
        "This release was published in an earlier layout, which this page does not draw. "
        "Its files are kept exactly as they were published:"
    )
    _download_zip()
    st.stop()

released = f"Released in {month_name(release.released_at.date())}."
if release.released_at != release.first_released_at:
    released = (
        f"Revised on release in {month_name(release.released_at.date())}, replacing the "
        f"figures first released in {month_name(release.first_released_at.date())}."
    )
st.caption(
    f"Reports received {period_words(published.first_date, published.last_date, True, True)}; "
    "referrals and outcomes of those reports so far, as at "
    f"{as_at_words(published.as_at, True, True)}. {released} Experimental statistics. "
    f"{SUPPRESSED} means fewer than {published.threshold} (or a figure that would reveal one), "
    "withheld to protect reporters and officers."
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
        st.header(heading)
        st.markdown("\n".join(f"- {text}" for text in sentences))

months = published.tables["reports_by_month"]
# months as words on the axis: a date axis would mark days, and public figures name months only
drawn = months[months["reports"] != SUPPRESSED].assign(
    reports=lambda f: f["reports"].astype(int),
    month_name=lambda f: [format_month(pd.Timestamp(m).date()) for m in f["month"]],
)
st.header("Reports by month")
st.plotly_chart(
    charts.lines(
        drawn,
        "month_name",
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

st.header("Reports per 1,000 officers a year, by force")
rate_map, outside = forcemap.release_map(published.tables["reports_by_force"], release.period.label)
on_map, beside = st.columns([3, 2])
on_map.markdown(rate_map, unsafe_allow_html=True)  # st.html would strip the SVG
if outside:
    beside.markdown(
        "Not on the map of England and Wales, and with no officer figure here, so no rate:\n"
        + "\n".join(f"- {line}" for line in outside)
    )
st.caption(
    "Each colour holds about a fifth of the forces with a figure (a rate on the edge of two "
    f"classes is in the lower one). Hatched: withheld ({SUPPRESSED}). Tidal estuaries belong to "
    "no force and show as gaps. Each force's figure is in the table below."
)

if published.revisions:
    st.header("What changed on revision")
    st.caption(f"{len(published.revisions)} figures changed since the earlier release.")
    changes = pd.DataFrame(
        [(r.table, r.row, r.column, r.old, r.new) for r in published.revisions],
        columns=["Table", "Row", "Figure", "Was", "Now"],
    )
    st.dataframe(changes, hide_index=True, width="stretch")

for spec in TABLES:
    st.header(spec.title)
    st.caption(spec.description)
    st.dataframe(table_text(published.tables[spec.name], spec), hide_index=True, width="stretch")
    st.download_button(
        f"Download {spec.name}.csv",
        data=recorded(f"{spec.name}.csv", files[f"{spec.name}.csv"]),  # as released, byte for byte
        file_name=f"{spec.name}_{key}.csv",
        mime="text/csv",
        key=f"public_{spec.name}",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )

st.header("Everything in one file")
_download_zip()
with st.expander("How small numbers are protected"):
    st.markdown("\n".join(f"- {rule}" for rule in disclosure.rules(published.threshold)))
