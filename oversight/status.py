"""What the database holds: rows per table, the as-at date, recent imports."""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from oversight.db import run_query


@dataclass(frozen=True)
class DataStatus:
    """The stored data's extent: as-at date, first and last report dates, synthetic or real."""

    as_at_date: dt.date | None
    first_received_date: dt.date | None
    last_received_date: dt.date | None
    synthetic: bool


def data_status(con: duckdb.DuckDBPyConnection) -> DataStatus:
    """The as-at date, the span of received dates, and whether the data is synthetic."""
    return read_status(functools.partial(run_query, con))


def read_status(run: Callable[..., pd.DataFrame]) -> DataStatus:
    """data_status through a query runner (the dashboard's, narrowed to the session's role)."""
    row = run("as_at_date").iloc[0]

    def as_date(value) -> dt.date | None:
        return None if pd.isna(value) else pd.Timestamp(value).date()

    return DataStatus(
        as_at_date=as_date(row["as_at_date"]),
        first_received_date=as_date(row["first_received_date"]),
        last_received_date=as_date(row["last_received_date"]),
        synthetic=bool(row["synthetic"]),
    )


def table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows stored per table."""
    frame = run_query(con, "table_row_counts")
    return {row.table_name: int(row.row_count) for row in frame.itertuples()}


def recent_imports(con: duckdb.DuckDBPyConnection, limit: int = 5) -> pd.DataFrame:
    """The last imports, one row per file, newest first."""
    return run_query(con, "recent_imports", limit=limit)
