"""Publish (staff only): preview a snapshot as it would be published, and download all its
files as a zip. Public: a financial year or a quarter, audited against the releases already
made (the same files as `python -m oversight snapshot --public`); internal: any period."""

import datetime as dt
from pathlib import Path

import duckdb
import streamlit as st

from oversight import audit
from oversight.access import require_role
from oversight.activity import recorded
from oversight.dashboard import connection, database_path, page_setup, read_pinned
from oversight.db import DatabaseError
from oversight.filters import period_presets
from oversight.ledger import LedgerError, version_of_ledger
from oversight.snapshot import register
from oversight.snapshot.build import SnapshotError
from oversight.snapshot.model import SUPPRESSED, TABLES, Snapshot
from oversight.snapshot.periods import FOLLOW_UP_MONTHS, available_periods, parse_period
from oversight.snapshot.release import prepare, publish, threshold_for
from oversight.snapshot.write import cover_note, snapshot_zip, table_csv, table_text, zip_name

session = require_role("national", "admin")  # routed for them only: this is the second lock


@st.cache_data(max_entries=16, show_spinner="Computing the figures…")
def _snapshot(
    path: str, version: tuple, _con: duckdb.DuckDBPyConnection, ledger: tuple | None,
    public: bool, threshold: int, period: str, first: dt.date | None, last: dt.date | None,
) -> Snapshot:  # fmt: skip
    """The snapshot the command line would write, from this rerun's database version (the
    one the page's periods come from), once per database and register version (the
    threshold is a key: the setting can change while the app runs)."""
    return prepare(_con, Path(path), public, parse_period(period) if period else None,
                   first, last)  # fmt: skip


status, _ = page_setup(with_filters=False)
db_path = database_path()
st.title("Publish a snapshot")
st.caption(
    "A snapshot is the set of published tables of the measures' definitions (About the data), "
    "with a cover note, an accessible spreadsheet, a printable report and metadata. The same "
    "files come from `python -m oversight snapshot`."
)

public = st.toggle("Public", value=True, help="Apply the disclosure rules (for publication)")
left, middle = st.columns([2, 2])
period_key, first, last = "", None, None
if public:
    # fixed periods only: a financial year or a quarter, once the data runs far enough past it
    periods = {p.key: p for p in available_periods(status.first_received_date, status.as_at_date)}
    released = {r.period.key for r in register.listing(db_path)}
    if not periods:
        st.info(f"No financial year or quarter has ended {FOLLOW_UP_MONTHS} months before the "
                "data's as-at date yet: nothing can be published.")  # fmt: skip
        st.stop()
    period_key = left.selectbox(
        "Period (financial years run from April to March)",
        list(periods),
        format_func=lambda k: periods[k].label + (" (released)" if k in released else ""),
        key="publish_public_period",
    )
    middle.markdown(
        f"A period can be published once the data runs {FOLLOW_UP_MONTHS} months past its end."
    )
else:
    presets = period_presets(
        status.first_received_date, status.last_received_date, status.as_at_date
    )
    CUSTOM = "custom"
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

try:
    chosen_snapshot = read_pinned(
        _snapshot, version_of_ledger(db_path), public, threshold_for(public), period_key,
        first, last,
    )  # fmt: skip
except SnapshotError as error:
    st.error(str(error))
    st.stop()
if public:
    tables = chosen_snapshot.tables.values()
    hidden = sum(int(t.isin([SUPPRESSED]).to_numpy().sum()) for t in tables)
    st.success(
        f"Public snapshot: disclosure-controlled ({hidden:,} cells shown as {SUPPRESSED}), "
        "checked against every release already made. This is a preview: "
        + (
            "release it below."
            if session.role == "admin"
            else f"an administrator releases it (or `python -m oversight publish "
            f"{periods[period_key].option}`)."
        )
    )
else:
    st.warning("Internal snapshot: exact figures, small numbers included. Not for publication.")

st.download_button(
    "Download the snapshot (zip: CSV files, spreadsheet, report, cover note, metadata)",
    # built only when clicked, and stamped then: generated_at is when the files are written
    data=recorded(
        f"{zip_name(chosen_snapshot)}.zip",
        lambda: snapshot_zip(chosen_snapshot),
        public=public,
        period=period_key or f"{first} to {last}",
    ),
    file_name=f"{zip_name(chosen_snapshot)}.zip",
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
        data=recorded(
            f"{spec.name}.csv",
            table_csv(table, spec),
            public=public,
            period=period_key or f"{first} to {last}",
        ),
        file_name=f"{spec.name}.csv",
        mime="text/csv",
        key=f"publish_{spec.name}",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )

if public and session.role == "admin":
    st.header("Release this period")
    period = periods[period_key]
    revise = period_key in released
    st.markdown(
        f"Releasing records **{period.label}** in the register of public releases, with its "
        "files, for good: it is then on the public pages, and later releases are audited "
        "against it. "
        + ("It revises the period's earlier release, which is allowed only at the annual "
           "revision point." if revise else "Each period is released once.")
    )  # fmt: skip
    checked = st.checkbox(f"I have checked the preview of {period.label} above",
                          key="publish_checked")  # fmt: skip
    if st.button(f"Release {period.label}", type="primary", key="publish_release",
                 disabled=not checked):  # fmt: skip
        try:
            with st.spinner("Releasing…"):
                release_id, released_snapshot, _ = publish(db_path, connection(), period, revise)
            audit.record_now(db_path, session.user, session.role, audit.PUBLISH,
                             "Publish", {"period": period_key, "release": release_id,
                                         "revises": revise})  # fmt: skip
        except (SnapshotError, LedgerError, DatabaseError, ValueError) as error:
            st.error(f"Nothing released: {error}")
        else:
            st.success(
                f"Released {released_snapshot.period.label} (release {release_id}). It is "
                "on the Published figures page now."
            )
