"""What every page shares: the database connection, cached queries and the data banner.

The only module of the package that imports Streamlit. Each rerun reads one version of the
database (the file's inode, mtime and size): page_setup pins that version and its connection at
the start of the rerun, and every query of the rerun reads the pinned one, so an import that
swaps a new file in halfway through cannot mix two versions on one page. The next rerun pins
the new version; cached query results are keyed on the version too.
"""

import atexit
import contextlib
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from oversight import chart_numbers
from oversight.access import Session, current_session
from oversight.activity import note_view, recorded
from oversight.analysis import QueryRunner
from oversight.charts import title_and_summary
from oversight.db import (
    DatabaseError,
    DatabaseVersionError,
    connect_read_only,
    failure_cause,
    import_counts,
    run_query,
)
from oversight.demo import build_demo_database
from oversight.exports import csv_with_about, neutralise_formulas
from oversight.filters import Filters
from oversight.settings import (
    SettingError,
    check_dashboard_settings,
    db_path_is_default,
    resolve_db_path,
)
from oversight.sidebar import ForceChoices, force_choices, sidebar_filters
from oversight.status import DataStatus, data_status
from oversight.store import version_of

T = TypeVar("T")
_first_build = threading.Lock()
NOT_AVAILABLE = "The figures are not available at the moment. Please try again later."
# Where a rerun keeps the version it reads: session state lasts across reruns, so page_setup
# replaces it at the start of each one.
_PINNED = "_oversight_pinned_database"
# How often to try opening a version that an import keeps replacing while it is opened
_OPEN_ATTEMPTS = 5


def database_path() -> Path:
    """The database the dashboard reads (OVERSIGHT_DB, else data/oversight.duckdb)."""
    return resolve_db_path()


def is_public() -> bool:
    """Whether this session sees the public view: a public server, a visitor who has not
    signed in, or a signed-in user without a staff role (oversight/access.py)."""
    return current_session().is_public


def stop_with(message: str) -> None:
    """Stop the page with a message for staff; the public are told only that the figures are
    not available (a visitor has nothing to act on, and a path is internal)."""
    st.error(NOT_AVAILABLE if is_public() else message)
    st.stop()


def check_settings() -> None:
    """Stop the page if a setting is bad, naming it for staff only."""
    try:
        check_dashboard_settings()
    except SettingError as error:
        stop_with(
            f"This dashboard is not configured correctly: {error}. Correct the setting and "
            "restart the dashboard."
        )


@contextlib.contextmanager
def database_failures() -> Iterator[None]:
    """Stop the page with a plain message if the database cannot be used (not an Oversight
    database, damaged blocks, a full or read-only disk), instead of Streamlit's exception box."""
    try:
        yield
    except DatabaseError as error:
        stop_with(str(error))
    except (duckdb.Error, OSError) as error:
        stop_with(f"The dashboard cannot use its database: {failure_cause(error, database_path())}")


def ensure_database() -> None:
    """Make sure there is a database to read, else stop the page saying why.

    The demo is built only at the default path (OVERSIGHT_DB not set): when there is no file
    yet, or when the file there is a demo of an older schema. A file holding anything but the
    synthetic demo is never replaced; nor is any file named by OVERSIGHT_DB.
    """
    path = database_path()
    with _first_build, database_failures():
        problem = _open_problem() if path.exists() else None
        if path.exists() and problem is None:
            return
        if not db_path_is_default():
            stop_with(str(problem) if problem else _no_database_message(path))
        if problem is not None and not _rebuildable_demo(path, problem):
            stop_with(str(problem))
        with st.spinner("Building the synthetic demonstration database…"):
            build_demo_database(path, regenerate=False, only_if_absent=problem is None)


def _no_database_message(path: Path) -> str:
    return (
        f"There is no database at {path} (OVERSIGHT_DB). Import extracts into it with "
        "`python -m oversight import PATH --db ...`, or unset OVERSIGHT_DB to use the "
        "synthetic demo."
    )


def _rebuildable_demo(path: Path, problem: DatabaseError) -> bool:
    """Whether the file is a demo this project built, of an older schema: one or more imports
    recorded, all synthetic. Anything else (real data, no imports, not ours) is kept."""
    if not isinstance(problem, DatabaseVersionError):
        return False
    try:
        synthetic, real = import_counts(path)
    except (DatabaseError, duckdb.Error, OSError):
        return False
    return synthetic > 0 and real == 0


def _open_problem() -> DatabaseError | None:
    """Why the file cannot be read (None if it can), pinning it for this rerun if it can."""
    try:
        pin_database()
    except DatabaseError as error:
        return error
    return None


class _Replaced(Exception):
    """The file was replaced while it was being opened: open the new one instead."""


@dataclass(frozen=True)
class _Pinned:
    """The version of the database one rerun reads, and its connection."""

    path: str
    version: tuple
    connection: duckdb.DuckDBPyConnection


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: tuple) -> duckdb.DuckDBPyConnection:
    con = connect_read_only(Path(path))
    # the version is read before the file is opened: if it changed meanwhile, the connection
    # may hold the next version, and must not be cached under this one
    if version_of(Path(path)) != version:
        con.close()
        raise _Replaced
    return con


def current_version() -> tuple:
    """The version token of the database file now on disk."""
    return version_of(database_path()) or ()


def pin_database() -> None:
    """Pin the version of the database now on disk, and its connection, for this rerun.

    Kept in session state, which outlives the rerun: page_setup calls this at the start of
    every rerun, so each rerun reads the version that was current when it began.
    """
    path = str(database_path())
    for _ in range(_OPEN_ATTEMPTS):
        version = current_version()
        try:
            st.session_state[_PINNED] = _Pinned(path, version, _connection(path, version))
            return
        except _Replaced:
            continue
    raise DatabaseError(f"{path} was replaced {_OPEN_ATTEMPTS} times while being opened.")


def _pinned() -> _Pinned:
    """This rerun's version (pinned now if nothing pinned it yet, e.g. in a test)."""
    pinned = st.session_state.get(_PINNED)
    if pinned is None or pinned.path != str(database_path()):
        with database_failures():
            pin_database()
        pinned = st.session_state[_PINNED]
    return pinned


def connection() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the version of the database this rerun reads."""
    return _pinned().connection


def read_pinned(cached_reader, *args):
    """cached_reader(path, version, connection, *args) on this rerun's version: the path and
    version key its cache, and the connection (left out of the key) is the pinned one."""
    pinned = _pinned()
    with database_failures():
        return cached_reader(pinned.path, pinned.version, pinned.connection, *args)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_query(
    path: str, version: tuple, _con: duckdb.DuckDBPyConnection, name: str, key: str, _params: dict
) -> pd.DataFrame:
    # _params is left out of the cache key (leading underscore): key stands for it
    return run_query(_con, name, **_params)


def query(name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with bound parameters on this rerun's version, cached for it.

    The parameters are keyed by their repr, one string: Streamlit hashes a string at once but
    walks a tuple of tuples of dates element by element (about 1 ms a query, every rerun). The
    values are strings, numbers, dates and tuples or lists of them, whose repr says exactly what
    they are.
    """
    params = within_role(name, params)
    return read_pinned(_cached_query, name, repr(sorted(params.items())), params)


def query_every_force(name: str, **params) -> pd.DataFrame:
    """query() for every force the page asks for, whatever the session's role: only for
    figures that are audited before a force user sees them (analysis/force_view.py)."""
    return read_pinned(_cached_query, name, repr(sorted(params.items())), params)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_analysis(
    path: str, version: tuple, _con, name: str, reach: tuple, key: str, _build, _run, _args
):
    # _build, _run and _args are left out of the key: name, reach and key stand for them
    return _build(_run, *_args)


def analysed(build: Callable[..., T], *args, run: QueryRunner | None = None) -> T:
    """build(run, *args): a page's analysis of this rerun's version (run defaults to query()),
    worked out once for every session that asks for the same figures with the same reach, and
    copied out of the cache for each. Sharing only the queries left each session to redo the
    pandas work of every rerun, most of a busy server's time (issue 12's profile).

    The key is the analysis's name, its arguments' repr (filters and choices: dates, strings,
    tuples) and what the session may see: a force user's query() reads its own forces only,
    so a force user never shares another reach's entry."""
    run = run or query
    session = current_session()
    reach = (session.role, tuple(sorted(session.forces)), run.__name__)
    name = f"{build.__module__}.{build.__qualname__}"
    return read_pinned(_cached_analysis, name, reach, repr(args), build, run, args)


# Queries a force user may run although they take no force: reference data, and the as-at date
FORCE_FREE_QUERIES = frozenset({"forces_reference", "as_at_date"})


class NotAllowed(Exception):
    """A page asked for figures the session's role may not see (a defect of the page)."""


def within_role(name: str, params: dict, session: Session | None = None) -> dict:
    """The query's parameters narrowed to what the session (by default this rerun's) may see:
    a force user's queries read its own forces only, whatever the page, the sidebar or the URL
    asked for."""
    session = session or current_session()
    if session.role != "force":
        return params
    if "forces" not in params:
        if name in FORCE_FREE_QUERIES:
            return params
        raise NotAllowed(f"{name} is not narrowed to a force, so a force user may not run it")
    own = session.forces
    asked = [code for code in params["forces"] if code in own]
    return {**params, "forces": asked or list(own), "regions": []}


def runner_for_later() -> QueryRunner:
    """A query runner for work done after this rerun: a download's file made on the click, on
    another thread, where there is no session to ask. This rerun's database version and the
    session, fixed now, narrowed as query() narrows them (not cached: a file made once)."""
    pinned = _pinned()
    session = current_session()

    def run(name: str, **params) -> pd.DataFrame:
        return run_query(pinned.connection, name, **within_role(name, params, session))

    return run


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_status(path: str, version: tuple, _con: duckdb.DuckDBPyConnection) -> DataStatus:
    return data_status(_con)


def stored_data_status() -> DataStatus:
    """As-at date, span of report dates and whether the stored data is synthetic."""
    return read_pinned(_cached_status)


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
    check_settings()
    st.session_state.pop(_PINNED, None)  # a new rerun: the version is pinned afresh
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
        note_view()
        return status, None
    choices = read_pinned(_force_choices)
    session = current_session()
    if session.role == "force":
        choices = choices.only(session.forces)
    filters = sidebar_filters(status, choices)
    note_view(filters.describe())
    return status, filters


@st.cache_resource(max_entries=2, show_spinner=False)
def _force_choices(path: str, version: tuple, _con: duckdb.DuckDBPyConnection) -> ForceChoices:
    """The sidebar's force and region choices for this database version: kept as they are
    (immutable) rather than copied out of the cache on every rerun like a query's frame."""
    return force_choices(run_query(_con, "forces_reference"))


def chart_caption(filters: Filters, status: DataStatus, note: str = "") -> str:
    """What every chart says under it: the selection, the as-at date, and any note."""
    text = f"{filters.describe()}. Data as at {status.as_at_date:%d %b %Y}."
    return f"{text} {note}".strip()


def with_force_names(filters: Filters) -> Filters:
    """filters with its forces' names, where it has forces without them (a page's own choice,
    such as Filters.with_forces), so that words say "Kent", never the code "kent"."""
    if not filters.forces or len(filters.force_labels) == len(filters.forces):
        return filters
    reference = forces_reference()
    names = dict(zip(reference["force_code"], reference["short_name"], strict=True))
    return filters.with_force_labels(names)


def chart_file(
    numbers: pd.DataFrame,
    title: str,
    filters: Filters,
    status: DataStatus,
    note: str = "",
    shares: tuple[str, ...] = (),
    labels: dict[str, str] | None = None,
) -> bytes:
    """A chart's numbers as the CSV file people download: what it is and which filters made it
    (an "About this file" block), then the table as the screen shows it, in words, in the
    screen's units (percentages), rounded."""
    about = [
        ("Chart", title),
        *filters.about(),
        ("Data as at", f"{status.as_at_date:%d %b %Y}"),
    ]
    if status.synthetic:
        about.append(("Data", "Synthetic demonstration data: no person, report or case is real"))
    if note:
        about.append(("Note", note))
    return csv_with_about(about, chart_numbers.for_people(numbers, shares, labels))


def _numbers_columns(
    numbers: pd.DataFrame, shares: tuple[str, ...], labels: dict[str, str] | None
) -> dict:
    """The table's column settings: each heading in words, numbers as the download rounds them
    (shares as percentages), counts with thousands separators."""
    formats = {"count": "localized", "share": "percent", "percent": "%.1f", "rate": "%.1f",
               "ratio": "%.2f", "number": "%.1f"}  # fmt: skip
    settings = {}
    for column in chart_numbers.columns(numbers, shares, labels):
        if column.kind in formats:
            settings[column.name] = st.column_config.NumberColumn(
                column.label, format=formats[column.kind]
            )
        else:
            settings[column.name] = st.column_config.Column(column.label)
    return settings


def show_chart(
    fig: go.Figure,
    numbers: pd.DataFrame,
    file_stem: str,
    filters: Filters,
    status: DataStatus,
    note: str = "",
    shares: tuple[str, ...] = (),
    labels: dict[str, str] | None = None,
) -> None:
    """A chart with its title and one-line summary as text, its caption, and its numbers as a
    table and as a CSV download.

    The title and the summary (from the chart's builder) are written as text rather than drawn
    in the chart: a phone's width cuts a chart's title, and a screen reader cannot read the
    chart. The numbers' headings are in words and their units those of the screen; shares
    names columns of 0..1 shares that their names do not mark (oversight/chart_numbers.py), and
    labels gives headings of a page's own.
    """
    title, summary = title_and_summary(fig)
    filters = with_force_names(filters)
    if title:
        st.markdown(f"**{_markdown_text(title)}**")
    # no plotly toolbar: on a phone it covered the legend; the numbers are in the table below
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "displayModeBar": False})
    if summary:
        st.markdown(_markdown_text(summary))
    st.caption(chart_caption(filters, status, note))
    # drawn only while open: opening it reruns the page (from the cache), and every other rerun
    # skips turning the numbers into a table and sending them to the browser
    with st.expander(
        "The numbers behind this chart", key=f"numbers_{file_stem}", on_change="rerun"
    ) as numbers_box:
        if numbers_box.open:
            # neutralised here too: the table's own toolbar download does not neutralise formulas
            st.dataframe(
                neutralise_formulas(numbers),
                hide_index=True,
                width="stretch",
                column_config=_numbers_columns(numbers, shares, labels),
                placeholder="–",
            )
            st.download_button(
                "Download these numbers (CSV)",
                # written only when clicked, not on every rerun
                data=recorded(
                    f"{file_stem}.csv",
                    functools.partial(
                        chart_file, numbers, title, filters, status, note, shares, labels
                    ),
                    filters=filters.describe(),
                ),  # fmt: skip
                file_name=f"{file_stem}_{filters.file_tag()}.csv",
                mime="text/csv",
                key=f"download_{file_stem}",
                # no rerun on a download: a rerun can clear the file before the browser fetches it
                on_click="ignore",
            )


def _markdown_text(text: str) -> str:
    """text shown as it is by st.markdown: its markdown and LaTeX signs escaped."""
    for sign in ("\\", "*", "_", "`", "$", "[", "]", "#", "<", ">"):
        text = text.replace(sign, "\\" + sign)
    return text


def nothing_to_show(what: str = "reports") -> None:
    """The plain message for an empty selection."""
    st.info(
        f"No {what} match these filters in this period. Widen the period, or choose other "
        "forces, channels, categories or roles in the sidebar."
    )
