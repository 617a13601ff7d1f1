"""Tiny extracts written by hand, and the checks every refused import shares.

A row is a dict of text values: start from a good row (REPORT, REFERRAL, OUTCOME) and change one
value with row(REPORT, channel="fax"). Lines are counted as the contract counts them: the header
is line 1, so the n-th row given is on line n + 1.
"""

import functools
import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from oversight.ingest import ExtractError, import_extract

NOW = datetime(2026, 11, 1, 12, 0)

REPORT = {
    "report_id": "R1",
    "received_at": "2024-03-01T09:30",
    "channel": "phone",
    "categories": "other",
    "subject_force": "kent",
    "subject_role": "officer",
    "anonymous": "false",
}
REFERRAL = {
    "referral_id": "F1",
    "report_id": "R1",
    "force": "kent",
    "referred_at": "2024-03-04T15:00",
    "assessment": "investigation",
    "assessed_at": "2024-03-10",
}
OUTCOME = {
    "outcome_id": "O1",
    "referral_id": "F1",
    "outcome": "no_case_to_answer",
    "decided_at": "2024-06-01",
}
GOOD = {"reports": REPORT, "referrals": REFERRAL, "outcomes": OUTCOME}
DATA_TABLES = ("reports", "referrals", "outcomes")


def row(base: dict, **changes: str) -> dict:
    """A copy of base with some values changed."""
    return base | changes


def csv_text(rows: list[dict], header: list[str] | None = None) -> str:
    """A CSV file's text: the header (default: the first row's keys) and one line per row."""
    header = header or list(rows[0])
    lines = [",".join(header)] + [",".join(r.get(name, "") for name in header) for r in rows]
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a file of an extract as given (text as UTF-8 with its line endings kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def write_table(folder: Path, table: str, rows: list[dict], header: list[str] | None = None):
    """Write <table>.csv from rows."""
    return write(folder, f"{table}.csv", csv_text(rows, header or list(GOOD[table])))


def write_workbook(path: Path, sheets: dict[str, list[list]], edit=None) -> Path:
    """Write an .xlsx workbook with openpyxl, one sheet per entry; edit(workbook), if given,
    changes it before it is saved (hides a row, merges cells, ...)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    if edit is not None:
        edit(workbook)
    workbook.save(path)
    return path


def write_extract(folder: Path, **tables: list[dict]) -> list[Path]:
    """Write the named tables (reports=[...], referrals=[...], ...) and return their paths."""
    return [write_table(folder, table, rows) for table, rows in tables.items()]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of the database's folder with its SHA-256 (the writer's lock file aside)."""
    if not folder.exists():
        return {}
    return {p.name: sha256(p) for p in folder.iterdir() if not p.name.endswith(".lock")}


def copy_db(db_path: Path, folder: Path) -> Path:
    """A copy of a database, alone in folder/db/ (so that its folder can be compared)."""
    copy = folder / "db" / db_path.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(db_path, copy)
    return copy


def numbered(cases: list[tuple], first_line: int = 3) -> list[tuple]:
    """Cases prefixed with the line each is written on, one case per line from first_line."""
    return [(first_line + index, *case) for index, case in enumerate(cases)]


def at_line(error: ExtractError, line: int) -> list[tuple]:
    """Where each problem on one line is: (file, line, column, value)."""
    return [place for place in places(error) if place[1] == line]


def refuse(paths: list[Path], db_path: Path) -> ExtractError:
    """Import paths, expect a refusal, check that nothing was written, and return the error."""
    before = folder_state(db_path.parent)
    with pytest.raises(ExtractError) as caught:
        import_extract(paths, db_path, now=NOW)
    assert folder_state(db_path.parent) == before
    return caught.value


def places(error: ExtractError) -> list[tuple]:
    """Where each problem is: (file, line, column, value)."""
    return [(p.file, p.line, p.column, p.value) for p in error.problems]


def accept(paths: list[Path], db_path: Path, **options):
    return import_extract(paths, db_path, now=NOW, **options)


def rows_of(db_path: Path, table: str) -> list[tuple]:
    """Every row of a stored table, sorted, with enums as text."""
    return sorted(query(db_path, f"select * from {table}"), key=repr)


@functools.cache
def _reader() -> duckdb.DuckDBPyConnection:
    # one connection for every read: attaching a file is ten times quicker than connecting
    return duckdb.connect()


def query(db_path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """The rows of a query on a database file, opened read-only for this query alone."""
    con = _reader()
    con.execute("attach $path as stored (read_only)", {"path": str(db_path)})
    try:
        con.execute("use stored")
        return con.execute(sql, params).fetchall()
    finally:
        con.execute("use memory")
        con.execute("detach stored")
