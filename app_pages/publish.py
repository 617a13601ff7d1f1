"""Publish (staff only): preview a snapshot as it would be published, and download all its
files as a zip. Public: a financial year or a quarter, audited against the releases already
made (the same files as `python -m oversight snapshot --public`); internal: any period, of every
force or of chosen forces alone. The address says which (oversight/analysis/publish.py):
/publish?period=fy2025 is that year's public snapshot, /publish?period=fy2025&force=kent Kent's
own internal one."""

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import duckdb
import streamlit as st

from oversight import audit
from oversight.access import require_role
from oversight.activity import recorded
from oversight.analysis.publish import CUSTOM, PublishChoice, choice_from_query, choice_to_query
from oversight.dashboard import (
    connection,
    database_path,
    forces_reference,
    page_setup,
    read_pinned,
)
from oversight.db import DatabaseError, run_query
from oversight.filters import period_presets
from oversight.ledger import LedgerError, version_of_ledger
from oversight.snapshot import register
from oversight.snapshot.build import SnapshotError, force_snapshot
from oversight.snapshot.model import SUPPRESSED, TABLES, Snapshot
from oversight.snapshot.periods import FOLLOW_UP_MONTHS, available_periods, parse_period
from oversight.snapshot.release import prepare, publish, threshold_for
from oversight.snapshot.write import cover_note, snapshot_zip, table_csv, table_text, zip_name

session = require_role("national", "admin")  # routed for them only: this is the second lock
EARLIEST = dt.date(2020, 1, 1)  # the first date an internal snapshot may start from
FROM_URL = "publish_from_url"  # the choice the address asked for when the page was opened


@st.cache_data(max_entries=16, show_spinner="Computing the figures…")
def _snapshot(
    path: str, version: tuple, _con: duckdb.DuckDBPyConnection, ledger: tuple | None,
    public: bool, threshold: int, period: str, first: dt.date | None, last: dt.date | None,
    forces: tuple[str, ...],
) -> Snapshot:  # fmt: skip
    """The snapshot the command line would write, from this rerun's database version (the
    one the page's periods come from), once per database and register version (the
    threshold is a key: the setting can change while the app runs); with forces, the internal
    snapshot of those forces alone, as a force user downloads it from the Forces page."""
    if forces:
        return force_snapshot(functools.partial(run_query, _con), forces, first, last)
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

# fixed periods only: a financial year or a quarter, once the data runs far enough past it
periods = {p.key: p for p in available_periods(status.first_received_date, status.as_at_date)}
presets = period_presets(status.first_received_date, status.last_received_date, status.as_at_date)
reference = forces_reference()
force_names = dict(zip(reference["force_code"], reference["short_name"], strict=True))
if "publish_public" not in st.session_state:
    # opening the page (a link, a bookmark, or back from another page): follow the address
    st.session_state[FROM_URL] = choice_from_query(
        {name: st.query_params.get_all(name) for name in st.query_params},
        list(periods.values()), presets, set(force_names), status.as_at_date, EARLIEST,
    )  # fmt: skip
asked: PublishChoice = st.session_state[FROM_URL]

public = st.toggle(
    "Public", value=asked.public, key="publish_public",
    help="Apply the disclosure rules (for publication)",
)  # fmt: skip
left, middle = st.columns([2, 2])
# period_key: a public period's (prepare builds it); internal snapshots are of dates
period_key, first, last, forces = "", None, None, ()
if public:
    released = {r.period.key for r in register.listing(db_path)}
    if not periods:
        st.info(f"No financial year or quarter has ended {FOLLOW_UP_MONTHS} months before the "
                "data's as-at date yet: nothing can be published.")  # fmt: skip
        st.stop()
    period_key = left.selectbox(
        "Period (financial years run from April to March)",
        list(periods),
        index=list(periods).index(asked.period) if asked.period in periods else 0,
        format_func=lambda k: periods[k].label + (" (released)" if k in released else ""),
        key="publish_public_period",
    )
    middle.markdown(
        f"A period can be published once the data runs {FOLLOW_UP_MONTHS} months past its end."
    )
    st.caption(
        "A public release covers every force. For one force's own snapshot, exact and not for "
        "publication, turn Public off and choose the force."
    )
else:
    options = [*presets, CUSTOM]
    preset = left.selectbox(
        "Period (date the report was received)",
        options,
        index=options.index(asked.period) if not asked.public else 0,
        format_func=lambda k: presets[k].label if k in presets else "Custom dates",
        key="publish_period",
    )
    if preset == CUSTOM:
        chosen = middle.date_input(
            "From and to",
            (asked.first, asked.last) if asked.period == CUSTOM
            else (presets["all"].first, presets["all"].last),
            min_value=EARLIEST,
            max_value=status.as_at_date,
            key="publish_dates",
        )  # fmt: skip
        if len(chosen) != 2:
            st.info("Choose the last date of the period too.")
            st.stop()
        first, last = chosen
    else:
        first, last = presets[preset].first, presets[preset].last
        middle.markdown(f"**{first:%d %b %Y} to {last:%d %b %Y}**")
    forces = tuple(
        st.multiselect(
            "Forces (a snapshot of their own figures alone, for them)",
            list(force_names),
            default=list(asked.forces),
            format_func=force_names.get,
            placeholder="Every force",
            key="publish_forces",
        )
    )
shown = (
    PublishChoice(True, period_key) if public
    else PublishChoice(False, preset, *((first, last) if preset == CUSTOM else (None, None)),
                       forces)
)  # fmt: skip
if asked.note and shown == dataclasses.replace(asked, note=""):
    st.info(asked.note)  # what of the address was not followed, while its choice is shown
wanted = choice_to_query(shown)
if {name: st.query_params.get_all(name) for name in st.query_params} != wanted:
    st.query_params.from_dict(wanted)  # the address opens this snapshot again

try:
    chosen_snapshot = read_pinned(
        _snapshot, version_of_ledger(db_path), public, threshold_for(public), period_key,
        first, last, forces,
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
elif forces:
    st.warning(
        f"Internal snapshot of {', '.join(force_names[code] for code in forces)} alone: exact "
        "figures, small numbers included, for the force's own use. Not for publication."
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
        forces=list(forces),
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

st.header("The tables in this snapshot")
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
            forces=list(forces),
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
