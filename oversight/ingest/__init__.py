"""Importing extracts: all or nothing, every problem listed, the database swapped in atomically.

    summary = import_extract([Path("extract/")], db_path)

reads the extract's files into staging tables, checks every rule of docs/data-contract.md, and
either raises ExtractError with the problems (nothing written) or builds the next version of the
database beside the live one and swaps it in (oversight/store.py).
"""

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from oversight import __version__
from oversight.contract import TABLES
from oversight.db import DatabaseVersionError, check_schema_version, create_schema
from oversight.ingest.checks import add_row_problems, create_problems_table, typed_select
from oversight.ingest.problems import ExtractError, Problem
from oversight.ingest.sources import Source, find_sources, sha256_of, stage, stage_empty
from oversight.settings import IMPORT_MEMORY_LIMIT, MAX_PROBLEMS_LISTED
from oversight.store import building_path, remove_leftovers, swap_in, write_lock

__all__ = [
    "DatabaseVersionError",
    "ExtractError",
    "FileSummary",
    "ImportSummary",
    "Problem",
    "import_extract",
    "uk_now",
]

SQL_DIR = Path(__file__).with_name("sql")
UK = ZoneInfo("Europe/London")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileSummary:
    """What one file of an accepted import did."""

    file_name: str
    table: str
    sha256: str
    rows_read: int
    rows_added: int
    rows_revised: int
    rows_unchanged: int


@dataclass
class ImportSummary:
    """An accepted import: its id, what each file did, and how long it took."""

    import_id: int
    files: list[FileSummary] = field(default_factory=list)
    seconds: float = 0.0


def uk_now() -> dt.datetime:
    """The current UK local time, without a zone (extract times are UK local times)."""
    return dt.datetime.now(UK).replace(tzinfo=None, microsecond=0)


def _statements(name: str) -> list[str]:
    text = (SQL_DIR / name).read_text(encoding="utf-8")
    text = re.sub(r"^\s*--.*$", "", text, flags=re.MULTILINE)
    return [part.strip() for part in re.split(r";\s*\n", text) if part.strip()]


def _run(con: duckdb.DuckDBPyConnection, statement: str, params: dict) -> None:
    named = set(re.findall(r"\$(\w+)", statement))
    con.execute(statement, {k: v for k, v in params.items() if k in named} or None)


def _quiet(_: str) -> None:
    return None


def import_extract(
    paths: list[Path | str],
    db_path: Path,
    *,
    synthetic: bool = False,
    replace: bool = False,
    progress: Progress = _quiet,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """Import an extract (CSV files, folders of them, or .xlsx workbooks) into the database.

    With replace, the extract replaces everything stored (the demo database is built so);
    otherwise it is merged into what is stored. Raises ExtractError, having written nothing,
    if any rule of the data contract is broken.
    """
    started = time.perf_counter()
    now = now or uk_now()
    sources, problems = find_sources([Path(p) for p in paths])
    if problems:
        raise ExtractError(problems)
    db_path = Path(db_path)
    with write_lock(db_path):
        remove_leftovers(db_path)
        building = building_path(db_path)
        con = duckdb.connect(str(building))
        try:
            con.execute("set memory_limit = $limit", {"limit": IMPORT_MEMORY_LIMIT})
            con.execute("set preserve_insertion_order = true")
            con.execute("set enable_progress_bar = false")
            summary = _build(con, sources, db_path, synthetic, replace, progress, now)
            con.execute("checkpoint")
        except BaseException:
            con.close()
            remove_leftovers(db_path)
            raise
        con.close()
        progress("swapping the new database in")
        swap_in(db_path)
    summary.seconds = time.perf_counter() - started
    return summary


def _attach_stored(con: duckdb.DuckDBPyConnection, db_path: Path, replace: bool) -> None:
    """Attach the live database as catalog old (an empty one if there is none, or replace)."""
    own = con.execute("select current_database()").fetchone()[0]
    if db_path.exists() and not replace:
        con.execute("attach $path as old (read_only)", {"path": str(db_path)})
        check_schema_version(con, "old", db_path)
    else:
        con.execute("attach ':memory:' as old")
        create_schema(con, catalog="old")
        con.execute(f'use "{own}"')


def _build(con, sources, db_path, synthetic, replace, progress, now) -> ImportSummary:
    own = con.execute("select current_database()").fetchone()[0]
    create_schema(con)
    con.execute(f'use "{own}"')
    _attach_stored(con, db_path, replace)
    create_problems_table(con)
    by_table = {source.table: source for source in sources}
    structural: list[Problem] = []
    rows_read = {}
    for table in TABLES:
        source = by_table.get(table)
        typed = typed_select(table)
        if source is None:
            # the cross-table checks and the merge read typed_<table> for every table
            stage_empty(con, table, typed)
            rows_read[table] = 0
            continue
        progress(f"reading {source.name}")
        rows_read[table], trouble = stage(con, source, typed)
        structural += trouble
        if trouble and rows_read[table] == 0:
            stage_empty(con, table, typed)
        progress(f"checking {rows_read[table]:,} rows of {source.name}")
        add_row_problems(con, table, source.name, now)
    progress("checking references and dates across tables")
    cross_params = {
        f"{t}_file": by_table[t].name if t in by_table else f"{t} (stored)" for t in TABLES
    }
    for table in TABLES:
        unreadable = table in by_table and any(p.file == by_table[table].name for p in structural)
        cross_params[f"{table}_complete"] = not unreadable
    for statement in _statements("cross_checks.sql"):
        _run(con, statement, cross_params)
    _raise_if_problems(con, structural)

    import_id = con.execute("select coalesce(max(import_id), 0) + 1 from old.imports").fetchone()[0]
    progress(f"writing import {import_id}")
    params = {
        "import_id": import_id,
        "imported_at": now,
        "source": ", ".join(str(path.resolve()) for path in _unique_paths(sources)),
        "synthetic": synthetic,
        "software_version": __version__,
    }
    con.execute("begin transaction")
    for statement in _statements("merge.sql"):
        _run(con, statement, params)
    summary = ImportSummary(import_id)
    for table in TABLES:
        source = by_table.get(table)
        if source is None:
            continue
        counts = dict(
            con.execute(f"select change, count(*) from change_{table} group by change").fetchall()
        )
        file_summary = FileSummary(
            file_name=source.name,
            table=table,
            sha256=sha256_of(source.path),
            rows_read=rows_read[table],
            rows_added=rows_read[table] - counts.get("revised", 0) - counts.get("unchanged", 0),
            rows_revised=counts.get("revised", 0),
            rows_unchanged=counts.get("unchanged", 0),
        )
        con.execute(
            "insert into import_files values ($id, $name, $table, $sha, $read, $added, $revised, "
            "$unchanged)",
            {
                "id": import_id,
                "name": file_summary.file_name,
                "table": table,
                "sha": file_summary.sha256,
                "read": file_summary.rows_read,
                "added": file_summary.rows_added,
                "revised": file_summary.rows_revised,
                "unchanged": file_summary.rows_unchanged,
            },
        )
        summary.files.append(file_summary)
    con.execute("commit")
    con.execute("detach old")
    return summary


def _unique_paths(sources: list[Source]) -> list[Path]:
    seen: dict[Path, None] = {}
    for source in sources:
        seen.setdefault(source.path, None)
    return list(seen)


def _raise_if_problems(con: duckdb.DuckDBPyConnection, structural: list[Problem]) -> None:
    total = con.execute("select count(*) from problems").fetchone()[0] + len(structural)
    if total == 0:
        return
    rows = con.execute(
        "select file, line, column_name, value, expected from problems "
        "order by file, line nulls first, column_name limit $limit",
        {"limit": MAX_PROBLEMS_LISTED},
    ).fetchall()
    listed = structural + [Problem(*row) for row in rows]
    listed.sort(key=lambda p: (p.file, p.line or 0))
    raise ExtractError(listed[:MAX_PROBLEMS_LISTED], total)
