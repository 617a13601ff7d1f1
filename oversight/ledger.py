"""The append-only store beside the data file: what must outlive every import.

The data file is rebuilt and swapped by every import; what is on record about the service's
own acts (import attempts that changed nothing, the register of public releases, the audit
log) lives here instead, in `<data file stem>.ledger.duckdb`, and is only ever added to.
Nothing in the package updates or deletes a row of it; imports, schema migrations and database
swaps never touch it.

DuckDB lets one process write a file, or several read it, not both: writers take the ledger's
lock exclusively, readers share it, and each holds the file only for the moment it needs.
"""

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from oversight.db import DatabaseError, plain_message, require_duckdb_file
from oversight.settings import DUCKDB_CONFIG

# Raise whenever LEDGER_SCHEMA changes in a way an older file cannot take with `if not exists`.
LEDGER_VERSION = 1

LEDGER_SCHEMA = """
create table if not exists ledger_info (
    ledger_version integer not null
);
-- One row per import attempt that did not make a new version of the data file (an extract
-- identical to what is stored, or a dry run): when, which files, and what it found.
create sequence if not exists attempt_ids start 1;
create table if not exists import_attempts (
    attempt_id integer primary key default nextval('attempt_ids'),
    attempted_at timestamp not null,
    data_file varchar not null,
    result varchar not null,
    files json not null,
    detail varchar not null
);
-- The register of public releases (docs/metrics.md, "Public releases"): one row per release of
-- a fixed period, every cell as published with the exact count behind it (for auditing later
-- releases against it; never shown), and the released files themselves.
create sequence if not exists release_ids start 1;
create table if not exists releases (
    release_id integer primary key default nextval('release_ids'),
    period_key varchar not null,
    first_date date not null,
    last_date date not null,
    as_at_date date not null,
    released_at timestamp not null,
    threshold integer not null,
    software_version varchar not null,
    revises integer,
    data_file varchar not null
);
create table if not exists release_cells (
    release_id integer not null,
    table_name varchar not null,
    row_number integer not null,
    row_key varchar not null,
    column_name varchar not null,
    published varchar not null,
    exact_count bigint,
    primary key (release_id, table_name, row_key, column_name)
);
create table if not exists release_files (
    release_id integer not null,
    file_name varchar not null,
    sha256 varchar not null,
    content blob not null,
    primary key (release_id, file_name)
);
-- The audit log (oversight/audit.py, docs/deploy.md "Audit log"): one row per act of a user,
-- when it was done (UTC), who did it with which role, what (sign-in, view, download, ...),
-- on which page, and its details (a view's filters, a download's file name).
create sequence if not exists audit_event_ids start 1;
create table if not exists audit_events (
    event_id bigint primary key default nextval('audit_event_ids'),
    recorded_at timestamp not null,
    user_id varchar not null,
    role varchar not null,
    event varchar not null,
    page varchar not null,
    detail json not null
);
"""


class LedgerError(RuntimeError):
    """The ledger file cannot be read or written; the message says which file and why."""


def ledger_path(db_path: Path) -> Path:
    """The ledger of a data file: data/oversight.duckdb -> data/oversight.ledger.duckdb (beside
    the file a link names, so that one data file has one ledger however its path is spelt)."""
    real = Path(os.path.realpath(db_path))
    return real.with_name(f"{real.stem}.ledger.duckdb")


@contextlib.contextmanager
def _locked(db_path: Path, exclusive: bool) -> Iterator[Path]:
    path = ledger_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """The ledger file opened, or LedgerError in plain words: not a DuckDB file, damaged, or a
    DuckDB file of something else (never written into)."""
    try:
        if path.exists():
            require_duckdb_file(path)
        con = duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
    except DatabaseError as error:
        raise LedgerError(
            f"{path} is not an Oversight ledger (not a DuckDB file): move it aside (a new ledger "
            "is made in its place)"
        ) from error
    except duckdb.Error as error:
        raise LedgerError(f"cannot open the ledger {path}: {plain_message(error)}") from error
    tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    if tables and "ledger_info" not in tables:
        con.close()
        raise LedgerError(
            f"{path} is a DuckDB file, but not an Oversight ledger: move it aside (a new ledger "
            "is made in its place)"
        )
    return con


@contextlib.contextmanager
def appending(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the ledger for adding rows, in one transaction: all of them or none."""
    with _locked(db_path, exclusive=True) as path:
        con = _open(path, read_only=False)
        try:
            con.execute(LEDGER_SCHEMA)
            found = con.execute("select max(ledger_version) from ledger_info").fetchone()[0]
            if found is None:
                con.execute("insert into ledger_info values ($v)", {"v": LEDGER_VERSION})
            elif found != LEDGER_VERSION:
                raise LedgerError(
                    f"{path} is a ledger of version {found}; this Oversight writes version "
                    f"{LEDGER_VERSION}"
                )
            con.execute("begin transaction")
            try:
                yield con
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        finally:
            con.close()


@contextlib.contextmanager
def reading(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to the ledger, or None where there is no ledger yet."""
    with _locked(db_path, exclusive=False) as path:
        if not path.exists():
            yield None
            return
        con = _open(path, read_only=True)
        try:
            yield con
        finally:
            con.close()


def version_of_ledger(db_path: Path) -> tuple[int, int] | None:
    """A token that changes whenever the ledger is written (None where there is none)."""
    try:
        stat = ledger_path(db_path).stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def record_attempt(db_path: Path, result: str, files: list[dict], detail: str) -> int:
    """Record an import attempt that left the data file as it was; return its attempt id."""
    with appending(db_path) as con:
        row = con.execute(
            "insert into import_attempts (attempted_at, data_file, result, files, detail) "
            "values ($at, $file, $result, $files, $detail) returning attempt_id",
            {
                "at": dt.datetime.now().replace(microsecond=0),
                "file": str(db_path),
                "result": result,
                "files": json.dumps(files),
                "detail": detail,
            },
        ).fetchone()
    return row[0]
