"""Opening the database, creating its schema, and running named queries with bound parameters."""

from pathlib import Path

import duckdb
import pandas as pd

from oversight.settings import FORCES_CSV, QUERIES_DIR

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
# Raise whenever schema.sql changes: a file of another version is rebuilt, never misread.
SCHEMA_VERSION = 5
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


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the database for reading, as catalog live of a private in-memory connection.

    Raises DatabaseError if the file cannot be opened or holds another version of the schema.

    Attaching, rather than duckdb.connect(path), matters: DuckDB caches open databases by path,
    so after an import swapped a new file in, a plain connect would return the old one.
    """
    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute("attach $path as live (read_only)", {"path": str(db_path)})
        except duckdb.Error as error:
            raise DatabaseError(
                f"{db_path} is not an Oversight database DuckDB can open ({error})."
            ) from error
        con.execute("use live")
        check_schema_version(con, "live", db_path)
        # the filtered views every query reads; kept in the connection's own memory catalog
        con.execute(query_text("filtered_tables"))
    except BaseException:
        con.close()
        raise
    return con


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
        cursor.execute("set enable_progress_bar = false")
        cursor.execute("use live")
        cursor.execute("set search_path = 'live.main,memory.main'")
        return cursor.execute(query_text(name), params or None).df()
    finally:
        cursor.close()
