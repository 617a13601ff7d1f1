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
from oversight.contract import MISCONDUCT_ROUTE_ASSESSMENT, MISCONDUCT_ROUTE_OUTCOMES, TABLES
from oversight.db import DatabaseError, DatabaseVersionError, check_schema_version, create_schema
from oversight.ingest.checks import add_row_problems, create_problems_table, typed_select
from oversight.ingest.problems import ExtractError, Problem
from oversight.ingest.sources import Source, find_sources, sha256_of, stage, stage_empty
from oversight.settings import MAX_PROBLEMS_LISTED, import_memory_limit
from oversight.store import building_path, remove_leftovers, spill_path, swap_in, write_lock

__all__ = [
    "DatabaseError",
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
    only_if_absent: bool = False,
    force: bool = False,
    progress: Progress = _quiet,
    now: dt.datetime | None = None,
) -> ImportSummary | None:
    """Import an extract (CSV files, folders of them, or .xlsx workbooks) into the database.

    Real and synthetic data never share a database: a real import into a database holding the
    synthetic demo (or the reverse) is refused with DatabaseError. With replace, the extract
    replaces everything stored (the demo database is built so), but never real data unless
    force. With only_if_absent, nothing is done (None is returned) if the database exists by the
    time the writer's lock is held. Raises ExtractError, having written nothing, if any rule of
    the data contract is broken.
    """
    started = time.perf_counter()
    sources, problems = find_sources([Path(p) for p in paths])
    if problems:
        raise ExtractError(problems)
    db_path = Path(db_path)
    with write_lock(db_path):
        if only_if_absent and db_path.exists():
            return None
        now = now or uk_now()
        remove_leftovers(db_path)
        building = building_path(db_path)
        # The new file is attached under a fixed name, so no file name can clash with the
        # catalog names the SQL uses (building, old).
        con = duckdb.connect(":memory:")
        try:
            con.execute("set memory_limit = $limit", {"limit": import_memory_limit()})
            con.execute("set temp_directory = $dir", {"dir": str(spill_path(db_path))})
            con.execute("set preserve_insertion_order = true")
            con.execute("set enable_progress_bar = false")
            con.execute("attach $path as building", {"path": str(building)})
            con.execute("use building")
            _attach_stored(con, db_path, synthetic, replace, force)
            summary = _build(con, sources, synthetic, progress, now)
            con.execute("checkpoint building")
            con.execute("use memory")
            con.execute("detach building")
        except BaseException:
            con.close()
            remove_leftovers(db_path)
            raise
        con.close()
        progress("swapping the new database in")
        swap_in(db_path)
        remove_leftovers(db_path)
    summary.seconds = time.perf_counter() - started
    return summary


def _attach_stored(con, db_path: Path, synthetic: bool, replace: bool, force: bool) -> None:
    """Attach the live database as catalog old (an empty one if there is none, or replace),
    refusing to mix real and synthetic data or to replace real data unasked."""
    if db_path.exists():
        try:
            con.execute("attach $path as old (read_only)", {"path": str(db_path)})
        except duckdb.Error as error:
            raise DatabaseError(
                f"{db_path} is not an Oversight database DuckDB can open ({error}). Move it "
                "aside, or give another --db."
            ) from error
        stored_synthetic, stored_real = (
            con.execute(
                "select coalesce(bool_or(synthetic), false), "
                "coalesce(bool_or(not synthetic), false) from old.imports"
            ).fetchone()
            if _has_imports_table(con)
            else (False, False)
        )
        if replace and stored_real and not force:
            raise DatabaseError(
                f"{db_path} holds real imported data: refusing to replace it with the demo. "
                "Give another --db (or --force to replace it after all)."
            )
        if not replace:
            check_schema_version(con, "old", db_path)
            if synthetic and stored_real:
                raise DatabaseError(
                    f"{db_path} holds real data: synthetic data is not imported into it."
                )
            if not synthetic and stored_synthetic:
                raise DatabaseError(
                    f"{db_path} holds the synthetic demonstration data: real extracts are not "
                    "mixed with it. Import into a database of its own, e.g. "
                    "--db data/real.duckdb (or OVERSIGHT_DB=...), and point the dashboard there."
                )
        if replace:
            con.execute("detach old")
    if replace or not db_path.exists():
        con.execute("attach ':memory:' as old")
        create_schema(con, catalog="old")
        con.execute("use building")


def _has_imports_table(con) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = 'old' "
            "and table_name = 'imports'"
        ).fetchone()[0]
    )


def _build(con, sources, synthetic, progress, now) -> ImportSummary:
    create_schema(con, catalog="building")
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
    cross_params["misconduct_route"] = list(MISCONDUCT_ROUTE_OUTCOMES)
    cross_params["route_assessment"] = MISCONDUCT_ROUTE_ASSESSMENT
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
    # an unclosed quote swallows the lines after it: there may be more problems than counted
    at_least = any(problem.hides_more for problem in structural)
    raise ExtractError(listed[:MAX_PROBLEMS_LISTED], total, at_least=at_least)
