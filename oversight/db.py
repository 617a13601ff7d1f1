"""Opening the database, creating its schema, and running named queries with bound parameters;
and saying in plain words why a database file or its disk failed."""

import errno
import re
from pathlib import Path

import duckdb
import pandas as pd

from oversight.constants import LONG_OVERDUE_DAYS, OVERDUE_DAYS
from oversight.settings import DUCKDB_CONFIG, FORCES_CSV, QUERIES_DIR

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
# Raise whenever schema.sql changes: a file of another version is rebuilt, never misread.
SCHEMA_VERSION = 6
FORCES_COLUMNS = {
    "force_code": "VARCHAR",
    "force_name": "VARCHAR",
    "short_name": "VARCHAR",
    "force_type": "VARCHAR",
    "nation": "VARCHAR",
    "region_code": "VARCHAR",
    "region_name": "VARCHAR",
    "ons_code": "VARCHAR",
    "officer_fte": "DECIMAL(10,2)",
    "officer_fte_date": "DATE",
    "population": "INTEGER",
    "population_date": "DATE",
}


def create_schema(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> None:
    """Create every table of an empty database and fill the forces reference from data/forces.csv.

    With catalog, the schema is made in that attached database instead of the default one.
    """
    if catalog:
        con.execute(f"use {catalog}")
    con.execute(
        "create temp table forces_reference as select * from read_csv($path, header = true, "
        "auto_detect = false, columns = $columns)",
        {"path": str(FORCES_CSV), "columns": FORCES_COLUMNS},
    )
    con.execute("create type force_code as enum (select force_code from forces_reference)")
    con.execute(
        "create type subject_force_code as enum ("
        "select force_code from forces_reference union all select 'unknown')"
    )
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute("insert into database_info values ($version)", {"version": SCHEMA_VERSION})
    con.execute("insert into forces select * from forces_reference")
    con.execute("drop table forces_reference")


class DatabaseError(RuntimeError):
    """The database file cannot be used as asked (unreadable, another schema, real or synthetic
    data where the other was expected); the message says what to do."""


class DatabaseVersionError(DatabaseError):
    """The database file was made by another version of Oversight's schema."""


def check_schema_version(con: duckdb.DuckDBPyConnection, catalog: str, db_path: Path) -> None:
    """Raise DatabaseVersionError unless catalog holds this version of the schema."""
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = $catalog "
        "and table_name = 'database_info'",
        {"catalog": catalog},
    ).fetchone()[0]
    version = None
    if found:
        row = con.execute(f'select max(schema_version) from "{catalog}".database_info').fetchone()
        version = row[0]
    if version != SCHEMA_VERSION:
        raise DatabaseVersionError(
            f"{db_path} holds schema version {version or 'unknown'}, this Oversight needs "
            f"version {SCHEMA_VERSION}. Rebuild it: python -m oversight demo for the demo data, "
            "or move the file aside and import the extracts again."
        )


def connect_memory() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB connection that never loads or downloads an extension."""
    return duckdb.connect(":memory:", config=DUCKDB_CONFIG)


def require_duckdb_file(db_path: Path) -> None:
    """Raise DatabaseError unless db_path is a DuckDB file, judged by its first bytes.

    Checked before DuckDB sees the file: DuckDB would take a SQLite file for a database of its
    sqlite extension, and name that extension and a web address in its error.
    """
    try:
        with open(db_path, "rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise DatabaseError(f"There is no database at {db_path}.") from None
    if head[8:12] == b"DUCK":  # DuckDB's magic bytes, after the header's checksum
        return
    if head.startswith(b"SQLite format 3"):
        kind = "a SQLite file, not a DuckDB one"
    elif not head:
        kind = "empty"
    else:
        kind = "not a DuckDB file"
    raise DatabaseError(
        f"{db_path} is not an Oversight database: it is {kind}. Give the Oversight database "
        "(--db or OVERSIGHT_DB), or move this file aside."
    )


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the database for reading, as catalog live of a private in-memory connection.

    Raises DatabaseError if the file cannot be opened or holds another version of the schema,
    and DuckDB's own error if the file is damaged (see failure_cause).

    Attaching, rather than duckdb.connect(path), matters: DuckDB caches open databases by path,
    so after an import swapped a new file in, a plain connect would return the old one.
    """
    con = connect_memory()
    try:
        con.execute("set enable_progress_bar = false")
        attach_read_only(con, db_path, "live")
        con.execute("use live")
        check_schema_version(con, "live", db_path)
        # the filtered views every query reads; kept in the connection's own memory catalog
        con.execute(query_text("filtered_tables"))
        # Set up: from now on no query on it can read or write a file, attach another database,
        # load an extension or reach the network, and no setting can be changed back.
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


# The fixed numbers of oversight/constants.py that queries name as $parameters: bound by
# run_query wherever a query's code uses them, so that no query or caller restates them.
CONSTANT_PARAMETERS = {"overdue_days": OVERDUE_DAYS, "long_overdue_days": LONG_OVERDUE_DAYS}


def _code_without_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def query_text(name: str) -> str:
    """The SQL of queries/<name>.sql."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with its $parameters bound, on a cursor of its own.

    con comes from connect_read_only: a cursor is a new session, so it selects catalog live
    and finds the filter macros of queries/filtered_tables.sql in catalog memory.
    """
    cursor = con.cursor()
    try:
        cursor.execute("use live")
        cursor.execute("set search_path = 'live.main,memory.main'")
        sql = query_text(name)
        code = _code_without_comments(sql)
        constants = {k: v for k, v in CONSTANT_PARAMETERS.items() if f"${k}" in code}
        return cursor.execute(sql, {**constants, **params} or None).df()
    finally:
        cursor.close()


def attach_read_only(con: duckdb.DuckDBPyConnection, db_path: Path, catalog: str) -> None:
    """Attach the DuckDB file db_path to con, read-only, as catalog (a fixed name).

    Raises DatabaseError if it is not a DuckDB file or DuckDB cannot open it (said plainly), and
    DuckDB's own error if its blocks are damaged (see failure_cause). Writers call it first on
    the live file too: their own attach would report a damaged file as one of another kind.
    """
    require_duckdb_file(db_path)
    try:
        con.execute(f"attach $path as {catalog} (type duckdb, read_only)", {"path": str(db_path)})
    except duckdb.Error as error:
        if _damaged(error):
            raise
        raise DatabaseError(
            f"{db_path} is not an Oversight database DuckDB can open ({plain_message(error)})."
        ) from error


def import_counts(db_path: Path) -> tuple[int, int]:
    """How many synthetic and how many real imports the file records, whatever its schema
    version: (0, 0) for a DuckDB file without Oversight's imports table."""
    with connect_memory() as con:
        attach_read_only(con, db_path, "old")
        found = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'old' "
            "and table_name = 'imports'"
        ).fetchone()[0]
        if not found:
            return 0, 0
        row = con.execute(
            "select count(*) filter (where synthetic), count(*) filter (where not synthetic) "
            "from old.imports"
        ).fetchone()
    return int(row[0]), int(row[1])


def _damaged(error: BaseException) -> bool:
    """Whether DuckDB found blocks of the file that fail its checksums."""
    text = str(error)
    damaged = "Corrupt database file" in text or "checksum" in text
    return isinstance(error, duckdb.Error) and damaged


def plain_message(error: BaseException) -> str:
    """DuckDB's message, first line only and without web addresses (it may point to its docs)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return re.sub(r"\s*\(?\b\w+://\S+", "", first).strip().rstrip(".")


def _failed_path(error: BaseException, db_path: Path) -> Path:
    """The file the error names (the lock, a CSV of the demo, the building file), else db_path."""
    named = getattr(error, "filename", None)
    if named:
        return Path(named)
    found = re.search(r'file \\?"(.+?)\\?"', str(error))
    return Path(found.group(1)) if found else db_path


def failure_cause(error: BaseException, db_path: Path) -> str | None:
    """One plain line saying why the disk or the database file failed (full, read-only, no
    permission, damaged blocks), or None when error is no such failure."""
    text = str(error)
    code = getattr(error, "errno", None)
    where = _failed_path(error, db_path).parent
    if code in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in text:
        return f"there is no space left on the disk that holds {where}. Free some space and retry."
    if code == errno.EROFS or "Read-only file system" in text:
        return (
            f"{where} is on a read-only file system. Use a database on a writable disk "
            "(--db or OVERSIGHT_DB)."
        )
    if code in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        return f"permission denied on {_failed_path(error, db_path)}."
    if _damaged(error):
        return (
            f"{db_path} is damaged: some of its blocks fail DuckDB's checks. Restore it from a "
            "backup, or move it aside and import the extracts again."
        )
    if isinstance(error, OSError):
        return f"{error.strerror or type(error).__name__}: {_failed_path(error, db_path)}."
    if isinstance(error, duckdb.Error):
        return f"DuckDB could not use {db_path}: {plain_message(error)}."
    return None
