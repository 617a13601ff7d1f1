"""What every page shares: the database connection, cached queries and the data banner.

The only module of the package that imports Streamlit. The connection is cached per database
version (the file's inode, mtime and size), so a running dashboard picks up a newly imported
database on its next rerun, and cached query results are keyed on that version too.
"""

import atexit
import functools
import gc
import os
import threading
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from oversight.db import (
    DatabaseError,
    connect_read_only,
    run_query,
)
from oversight.demo import build_demo_database
from oversight.exports import csv_bytes, neutralise_formulas
from oversight.filters import Filters
from oversight.settings import audience, resolve_db_path
from oversight.sidebar import ForceChoices, force_choices, sidebar_filters
from oversight.status import DataStatus, data_status
from oversight.store import version_of

_first_build = threading.Lock()


def database_path() -> Path:
    """The database the dashboard reads (OVERSIGHT_DB, else data/oversight.duckdb)."""
    return resolve_db_path()


def ensure_database() -> None:
    """Build the demo database on first run, or when a demo file of an older schema is found.

    Only at the default path (data/oversight.duckdb): a database named by OVERSIGHT_DB that
    is missing is an error to report, not a place for demo data. A file holding real imports is
    never replaced: the page says how to rebuild it and stops.
    """
    path = database_path()
    with _first_build:
        problem = _version_problem() if path.exists() else None
        if path.exists() and problem is None:
            return
        if (problem is not None and not _only_synthetic(path)) or (
            not path.exists() and os.environ.get("OVERSIGHT_DB")
        ):
            _not_available(problem)
        if not path.exists() and os.environ.get("OVERSIGHT_DB"):
            st.error(
                f"There is no database at {path} (OVERSIGHT_DB). Import extracts into it with "
                "`python -m oversight import PATH --db ...`, or unset OVERSIGHT_DB to use the "
                "synthetic demo."
            )
            st.stop()
        with st.spinner("Building the synthetic demonstration database…"):
            build_demo_database(path, regenerate=False, only_if_absent=problem is None)


def _not_available(problem: DatabaseError | None) -> None:
    """Stop the page: staff are told what is wrong; a visitor only that there is a problem."""
    if is_public():
        st.error("The figures are not available at the moment. Please try again later.")
        st.stop()
    if problem is not None:
        st.error(str(problem))
        st.stop()


def _version_problem() -> DatabaseError | None:
    """Why the file cannot be read (None if it can), through the cached connection, so a rerun
    of a readable database opens nothing new."""
    try:
        connection()
    except DatabaseError as error:
        return error
    return None


def _only_synthetic(path: Path) -> bool:
    """Whether every import recorded in the file (of any schema version) was synthetic."""
    try:
        with duckdb.connect(":memory:") as con:
            con.execute("attach $path as old (read_only)", {"path": str(path)})
            row = con.execute("select coalesce(bool_and(synthetic), true) from old.imports")
            return bool(row.fetchone()[0])
    except duckdb.Error:
        return False


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: tuple) -> duckdb.DuckDBPyConnection:
    return connect_read_only(Path(path))


def current_version() -> tuple:
    """The version token of the database file now on disk."""
    return version_of(database_path()) or ()


def connection() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current version of the database."""
    return _connection(str(database_path()), current_version())


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_query(path: str, version: tuple, name: str, key: str, _params: dict) -> pd.DataFrame:
    # _params is left out of the cache key (leading underscore): key stands for it
    return run_query(_connection(path, version), name, **_params)


def query(name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with bound parameters, cached for this database version.

    The parameters are keyed by their repr, one string: Streamlit hashes a string at once but
    walks a tuple of tuples of dates element by element (about 1 ms a query, every rerun). The
    values are strings, numbers, dates and tuples or lists of them, whose repr says exactly what
    they are.
    """
    key = repr(sorted(params.items()))
    return _cached_query(str(database_path()), current_version(), name, key, params)


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_status(path: str, version: tuple) -> DataStatus:
    return data_status(_connection(path, version))


def stored_data_status() -> DataStatus:
    """As-at date, span of report dates and whether the stored data is synthetic."""
    return _cached_status(str(database_path()), current_version())


def data_banner(status: DataStatus) -> None:
    """The banner every page shows: synthetic or not, and the as-at date."""
    if status.synthetic:
        st.warning(
            "**Synthetic demonstration data.** Every figure on this dashboard is generated by "
            "a program, not taken from real reports. It is calibrated to the published totals "
            "of the Metropolitan Police pilot, but no person, report or case is real.",
            icon=":material/science:",
        )
    if is_public():
        return  # the public see released figures, each with its own as-at month, not this day
    as_at = status.as_at_date.isoformat() if status.as_at_date else "no data stored yet"
    st.caption(f"Data as at {as_at}.")


def forces_reference() -> pd.DataFrame:
    """Every force with its region, nation, officer numbers and population."""
    return query("forces_reference")


def is_public() -> bool:
    """Whether this dashboard serves the public (OVERSIGHT_AUDIENCE=public)."""
    return audience() == "public"


_imports_frozen = threading.Event()


def _freeze_imported_objects() -> None:
    """Once per process: move every object alive now (the imported modules: plotly's
    validators, pandas, scipy; hundreds of thousands of objects that live as long as the
    process) out of the garbage collector's reach. Otherwise a full collection walks them all,
    about 0.1 s, in the middle of some rerun (measured at 1,000,000 reports)."""
    if not _imports_frozen.is_set():
        _imports_frozen.set()
        gc.freeze()
        # at exit, hand them back so that they are freed properly (DuckDB's bindings report
        # objects still alive then as leaks)
        atexit.register(gc.unfreeze)


def page_setup(with_filters: bool = True) -> tuple[DataStatus, Filters | None]:
    """What every page does first: make sure there is a database, show the banner (synthetic
    or real, as-at date), draw the shared sidebar filters (staff pages only), and return the
    status and filters (None without them).

    Each page calls it (app.py only routes), so a page's own file says what it depends on.
    """
    _freeze_imported_objects()
    ensure_database()
    status = stored_data_status()
    data_banner(status)
    if status.first_received_date is None:
        if is_public():
            st.info("No figures have been published yet.")
        else:
            st.info(
                "No reports are stored yet. Import an extract: `python -m oversight import PATH`."
            )
        st.stop()
    if not with_filters or is_public():
        return status, None
    return status, sidebar_filters(status, _force_choices(str(database_path()), current_version()))


@st.cache_resource(max_entries=2, show_spinner=False)
def _force_choices(path: str, version: tuple) -> ForceChoices:
    """The sidebar's force and region choices for this database version: kept as they are
    (immutable) rather than copied out of the cache on every rerun like a query's frame."""
    return force_choices(run_query(_connection(path, version), "forces_reference"))


def chart_caption(filters: Filters, status: DataStatus, note: str = "") -> str:
    """What every chart says under it: the selection, the as-at date, and any note."""
    text = f"{filters.describe()}. Data as at {status.as_at_date:%d %b %Y}."
    return f"{text} {note}".strip()


def show_chart(
    fig: go.Figure,
    numbers: pd.DataFrame,
    file_stem: str,
    filters: Filters,
    status: DataStatus,
    note: str = "",
) -> None:
    """A chart with its caption, and its numbers as a table and as a CSV download."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    st.caption(chart_caption(filters, status, note))
    # drawn only while open: opening it reruns the page (from the cache), and every other rerun
    # skips turning the numbers into a table and sending them to the browser
    with st.expander(
        "The numbers behind this chart", key=f"numbers_{file_stem}", on_change="rerun"
    ) as numbers_box:
        if numbers_box.open:
            # neutralised here too: the table's own toolbar download does not neutralise formulas
            st.dataframe(neutralise_formulas(numbers), hide_index=True, width="stretch")
            st.download_button(
                "Download these numbers (CSV)",
                # written only when clicked, not on every rerun
                data=functools.partial(csv_bytes, numbers),
                file_name=f"{file_stem}_{filters.first_date}_{filters.last_date}.csv",
                mime="text/csv",
                key=f"download_{file_stem}",
                # no rerun on a download: a rerun can clear the file before the browser fetches it
                on_click="ignore",
            )


def nothing_to_show(what: str = "reports") -> None:
    """The plain message for an empty selection."""
    st.info(
        f"No {what} match these filters in this period. Widen the period, or choose other "
        "forces, channels or categories in the sidebar."
    )
