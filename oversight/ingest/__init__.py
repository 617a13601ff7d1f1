"""Importing extracts: all or nothing, every problem listed, the database swapped in atomically.

    summary = import_extract([Path("extract/")], db_path)

reads the extract's files into staging tables, checks every rule of docs/data-contract.md, and
either raises ExtractError with the problems (nothing written) or builds the next version of the
database beside the live one and swaps it in (oversight/store.py). An extract that would change
nothing, and a dry run, leave the database file untouched and are recorded as attempts in the
ledger beside it (oversight/ledger.py). A revision that rolls stored data back
(sql/rollbacks.sql) is refused unless accepted, and then recorded as such in revisions.
"""

import dataclasses
import datetime as dt
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from oversight import __version__
from oversight.contract import (
    CASE_ENDING_OUTCOMES,
    CASE_TO_ANSWER_OUTCOMES,
    COLUMNS,
    FINDING_OUTCOMES,
    MISCONDUCT_ROUTE_ASSESSMENT,
    MISCONDUCT_ROUTE_OUTCOMES,
    PROCEEDINGS_OUTCOMES,
    TABLES,
)
from oversight.db import (
    DatabaseError,
    DatabaseVersionError,
    attach_read_only,
    check_schema_version,
    connect_memory,
    create_schema,
)
from oversight.ingest.checks import add_row_problems, create_problems_table, typed_select
from oversight.ingest.problems import ExtractError, Problem
from oversight.ingest.sources import Source, find_sources, sha256_of, stage, stage_empty
from oversight.ledger import reading, record_attempt
from oversight.settings import MAX_PROBLEMS_LISTED, import_memory_limit
from oversight.store import building_path, remove_leftovers, spill_path, swap_in, write_lock

__all__ = [
    "DatabaseError",
    "DatabaseVersionError",
    "ExtractError",
    "FileSummary",
    "ImportSummary",
    "TableChanges",
    "Problem",
    "Rollback",
    "import_extract",
    "recent_attempts",
    "uk_now",
]

SQL_DIR = Path(__file__).with_name("sql")
EXAMPLES = 5  # ids listed per table and kind of change by a dry run
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


@dataclass(frozen=True)
class TableChanges:
    """What an import does (or a dry run would do) to one table, with a few examples: the ids
    added, and the ids revised with the columns whose values change."""

    table: str
    added: int
    revised: int
    unchanged: int
    added_examples: list[str]
    revised_examples: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Rollback:
    """A revision that would roll stored data back (sql/rollbacks.sql): where it is, and what
    it does, e.g. "moves referral F1 back to pending (stored: investigation)"."""

    file: str
    line: int
    column: str
    value: str | None
    what: str

    def problem(self) -> Problem:
        """The rollback as a problem, for a refusal."""
        return Problem(
            self.file,
            self.line,
            self.column,
            self.value,
            f"a revision that keeps what is stored (this one {self.what}; import with "
            "--accept-rollback if the older values are right)",
        )


@dataclass
class ImportSummary:
    """An accepted import or a dry run: what each file did and each table gets, and the time.

    import_id is None where nothing was written: a dry run, or an extract that changed nothing
    (recorded as attempt attempt_id of the ledger instead). rollbacks lists the revisions that
    roll stored data back: accepted (--accept-rollback), or found by a dry run.
    """

    import_id: int | None
    files: list[FileSummary] = field(default_factory=list)
    changes: list[TableChanges] = field(default_factory=list)
    rollbacks: list[Rollback] = field(default_factory=list)
    dry_run: bool = False
    attempt_id: int | None = None
    seconds: float = 0.0

    @property
    def written(self) -> bool:
        """Whether a new version of the database was written."""
        return self.import_id is not None


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
    dry_run: bool = False,
    accept_rollback: bool = False,
    progress: Progress = _quiet,
    now: dt.datetime | None = None,
) -> ImportSummary | None:
    """Import an extract (CSV files, folders of them, or .xlsx workbooks) into the database.

    Real and synthetic data never share a database: a real import into a database holding the
    synthetic demo (or the reverse) is refused with DatabaseError. With replace, the extract
    replaces everything stored (the demo database is built so), but never real data unless
    force. With only_if_absent, nothing is done (None is returned) if the database exists by the
    time the writer's lock is held. Raises ExtractError, having written nothing, if any rule of
    the data contract is broken, or if a revision would roll stored data back (sql/rollbacks.sql)
    and not accept_rollback.

    An extract that would add or revise nothing, and a dry run (which reports what the import
    would do), leave the database file as it is (not rewritten, so every reader's cache stays
    good) and are recorded as an attempt in the ledger beside it (oversight.ledger).
    """
    started = time.perf_counter()
    sources, problems = find_sources([Path(p) for p in paths])
    if problems:
        raise ExtractError(problems)
    # a link is followed, so that the new version replaces the file it names, not the link
    db_path = Path(os.path.realpath(db_path))
    with write_lock(db_path):
        if only_if_absent and db_path.exists():
            return None
        now = now or uk_now()
        remove_leftovers(db_path)
        building = building_path(db_path)
        # The new file is attached under a fixed name, so no file name can clash with the
        # catalog names the SQL uses (building, old).
        con = connect_memory()
        try:
            con.execute("set memory_limit = $limit", {"limit": import_memory_limit()})
            con.execute("set temp_directory = $dir", {"dir": str(spill_path(db_path))})
            con.execute("set preserve_insertion_order = true")
            con.execute("set enable_progress_bar = false")
            con.execute("attach $path as building (type duckdb)", {"path": str(building)})
            con.execute("use building")
            _attach_stored(con, db_path, synthetic, replace, force)
            options = _Options(
                synthetic, dry_run, accept_rollback, replace or not db_path.exists(), now
            )
            summary = _build(con, sources, options, progress)
            if summary.written:
                con.execute("checkpoint building")
            con.execute("use memory")
            con.execute("detach building")
        except BaseException:
            con.close()
            remove_leftovers(db_path)
            raise
        con.close()
        if summary.written:
            progress("swapping the new database in")
            swap_in(db_path)
        remove_leftovers(db_path)
        if not summary.written:
            summary.attempt_id = _record_attempt(db_path, summary)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(frozen=True)
class _Options:
    """How an import runs (import_extract's arguments)."""

    synthetic: bool
    dry_run: bool
    accept_rollback: bool
    must_write: bool  # a new database, or one replaced whole: written even if the extract is empty
    now: dt.datetime


def _record_attempt(db_path: Path, summary: ImportSummary) -> int:
    """Record in the ledger an import that wrote nothing: a dry run, or an identical extract."""
    result = "dry run" if summary.dry_run else "unchanged"
    files = [dataclasses.asdict(f) for f in summary.files]
    detail = "; ".join(
        f"{c.table}: {c.added:,} to add, {c.revised:,} to revise, {c.unchanged:,} unchanged"
        for c in summary.changes
    )
    if summary.rollbacks:
        detail += f"; {len(summary.rollbacks)} rollbacks found"
    return record_attempt(db_path, result, files, detail)


def _attach_stored(con, db_path: Path, synthetic: bool, replace: bool, force: bool) -> None:
    """Attach the live database as catalog old (an empty one if there is none, or replace),
    refusing to mix real and synthetic data or to replace real data unasked."""
    if db_path.exists():
        # refused plainly if it is not a DuckDB file (never handed to another reader)
        attach_read_only(con, db_path, "old")
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


def _build(con, sources, options: _Options, progress: Progress) -> ImportSummary:
    """Stage and check the extract, work out what it changes, and, unless nothing is to be
    written, write the next version of the database into catalog building."""
    by_table = {source.table: source for source in sources}
    rows_read = _stage_and_check(con, by_table, options.now, progress)
    file_params = _file_params(by_table)
    for statement in _statements("changes.sql") + _statements("rollbacks.sql"):
        _run(con, statement, file_params)
    files = [_file_summary(con, by_table[t], rows_read[t]) for t in TABLES if t in by_table]
    summary = ImportSummary(
        None,
        files,
        [_table_changes(con, f, EXAMPLES if options.dry_run else 0) for f in files],
        _rollbacks(con),
        options.dry_run,
    )
    if summary.rollbacks and not options.accept_rollback and not options.dry_run:
        raise ExtractError([rollback.problem() for rollback in summary.rollbacks])
    changes_something = any(c.added or c.revised for c in summary.changes)
    if options.dry_run or not (changes_something or options.must_write):
        con.execute("detach old")
        return summary
    summary.import_id = _merge(con, sources, options, files)
    return summary


def _stage_and_check(con, by_table: dict, now: dt.datetime, progress: Progress) -> dict:
    """Stage every table of the extract and check it; raise ExtractError if any rule is broken.

    Returns the rows read per table.
    """
    create_schema(con, catalog="building")
    create_problems_table(con)
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
    cross_params = _file_params(by_table)
    for table in TABLES:
        unreadable = table in by_table and any(p.file == by_table[table].name for p in structural)
        cross_params[f"{table}_complete"] = not unreadable
    cross_params["misconduct_route"] = list(MISCONDUCT_ROUTE_OUTCOMES)
    cross_params["route_assessment"] = MISCONDUCT_ROUTE_ASSESSMENT
    for statement in _statements("cross_checks.sql"):
        _run(con, statement, cross_params)
    _raise_if_problems(con, structural)
    return rows_read


def _file_params(by_table: dict) -> dict:
    """$<table>_file: how problems name each table's source (or the stored rows)."""
    return {f"{t}_file": by_table[t].name if t in by_table else f"{t} (stored)" for t in TABLES}


def _file_summary(con, source: Source, rows_read: int) -> FileSummary:
    counts = dict(
        con.execute(
            f"select change, count(*) from change_{source.table} group by change"
        ).fetchall()
    )
    return FileSummary(
        file_name=source.name,
        table=source.table,
        sha256=sha256_of(source.path),
        rows_read=rows_read,
        rows_added=rows_read - counts.get("revised", 0) - counts.get("unchanged", 0),
        rows_revised=counts.get("revised", 0),
        rows_unchanged=counts.get("unchanged", 0),
    )


def _table_changes(con, counts: FileSummary, examples: int) -> TableChanges:
    """What the extract does to a table, with up to examples ids added and revised (only a dry
    run shows them, so that an import does not spend a pass over its rows on them)."""
    added, revised = _examples(con, counts.table, examples) if examples else ([], [])
    return TableChanges(
        counts.table, counts.rows_added, counts.rows_revised, counts.rows_unchanged, added, revised
    )


def _examples(con, table: str, limit: int) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The first ids added, and the first revised with the columns they change, in file order."""
    id_column = COLUMNS[table][0]
    added = con.execute(
        f"select t_{id_column} from typed_{table} "
        f"where t_{id_column} not in (select row_id from change_{table}) "
        "order by _line limit $limit",
        {"limit": limit},
    ).fetchall()
    revised = []
    for row_id, previous, new in con.execute(
        f"select c.row_id, c.previous_values, c.revised_values from change_{table} c "
        f"join typed_{table} n on n.t_{id_column} = c.row_id "
        "where c.change = 'revised' order by n._line limit $limit",
        {"limit": limit},
    ).fetchall():
        before, after = json.loads(previous), json.loads(new)
        revised.append((row_id, [name for name in after if after[name] != before.get(name)]))
    return [row[0] for row in added], revised


def _rollbacks(con) -> list[Rollback]:
    """The revisions that roll stored data back (temp table rollbacks), in file order."""
    rows = con.execute(
        "select file, line, column_name, value, rollback from rollbacks "
        "order by file, line, column_name"
    ).fetchall()
    return [Rollback(*row) for row in rows]


def _merge(con, sources: list[Source], options: _Options, files: list[FileSummary]) -> int:
    """Write the next version of the database into catalog building; return its import id."""
    import_id = con.execute("select coalesce(max(import_id), 0) + 1 from old.imports").fetchone()[0]
    params = {
        "import_id": import_id,
        "imported_at": options.now,
        "source": ", ".join(str(path.resolve()) for path in _unique_paths(sources)),
        "synthetic": options.synthetic,
        "software_version": __version__,
        # the outcome stages of referral_facts, from the contract's lists
        "finding_outcomes": list(FINDING_OUTCOMES),
        "case_ending_outcomes": list(CASE_ENDING_OUTCOMES),
        "case_to_answer_outcomes": list(CASE_TO_ANSWER_OUTCOMES),
        "proceedings_outcomes": list(PROCEEDINGS_OUTCOMES),
    }
    con.execute("begin transaction")
    for statement in _statements("merge.sql"):
        _run(con, statement, params)
    for f in files:
        con.execute(
            "insert into import_files values ($id, $name, $table, $sha, $read, $added, $revised, "
            "$unchanged)",
            {
                "id": import_id,
                "name": f.file_name,
                "table": f.table,
                "sha": f.sha256,
                "read": f.rows_read,
                "added": f.rows_added,
                "revised": f.rows_revised,
                "unchanged": f.rows_unchanged,
            },
        )
    con.execute("commit")
    con.execute("detach old")
    return import_id


def _unique_paths(sources: list[Source]) -> list[Path]:
    seen: dict[Path, None] = {}
    for source in sources:
        seen.setdefault(source.path, None)
    return list(seen)


def _raise_if_problems(con: duckdb.DuckDBPyConnection, structural: list[Problem]) -> None:
    # an empty cell whose cause is reported (merged, an unsaved formula) is not a second problem
    con.execute(
        "delete from problems p where p.value is null and exists (select 1 from explained_cells e "
        "where e.file = p.file and e.line = p.line and e.column_name = p.column_name)"
    )
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


def recent_attempts(db_path: Path, limit: int = 3) -> list[tuple[int, dt.datetime, str, str]]:
    """The last import attempts that wrote nothing (dry runs, identical extracts), newest first:
    (attempt id, when, result, detail), from the ledger beside the database."""
    with reading(db_path) as con:
        if con is None:
            return []
        return con.execute(
            "select attempt_id, attempted_at, result, detail from import_attempts "
            "order by attempt_id desc limit $limit",
            {"limit": limit},
        ).fetchall()
