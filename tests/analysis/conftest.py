"""Helpers for the analysis tests: a tiny extract, written by hand, imported through the real
importer and read through a plain query runner (as the command line reads it)."""

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

from oversight.analysis import QueryRunner
from oversight.db import connect_read_only, run_query
from oversight.ingest import import_extract
from tests.ingest.helpers import write_extract


@contextlib.contextmanager
def tiny_database(folder: Path, now: dt.datetime, **tables: list[dict]) -> Iterator[QueryRunner]:
    """The tables (reports=[...], referrals=[...], ...) imported into a database in folder as
    at now; yields run(name, **params) on it, and closes it afterwards."""
    db_path = folder / "tiny.duckdb"
    import_extract(write_extract(folder, **tables), db_path, now=now)
    con = connect_read_only(db_path)
    try:
        yield functools.partial(run_query, con)
    finally:
        con.close()
