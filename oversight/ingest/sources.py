"""Finding the files of an extract and reading each into a staging table of text values.

A staging table stage_<table> has _line (the line of the file, or row of the sheet, counting the
header as 1) and one VARCHAR column per contract column, trimmed, with empty values as NULL.
Problems of structure (unreadable file, wrong header, ragged row, bad encoding) are returned as
Problems; the values themselves are checked later, in SQL (oversight/ingest/checks.py).
"""

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from oversight.contract import COLUMNS, OPTIONAL_COLUMNS, TABLES
from oversight.ingest.problems import Problem

ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 65536


@dataclass(frozen=True)
class Source:
    """One table of an extract: a CSV file, or one sheet of a workbook."""

    table: str
    path: Path
    sheet: str | None = None

    @property
    def name(self) -> str:
        """How problems name this source: the file name, with the sheet for a workbook."""
        return f"{self.path.name} [sheet {self.sheet}]" if self.sheet else self.path.name

    @property
    def full_name(self) -> str:
        """The name with the file's whole path, where the file name alone is ambiguous."""
        return f"{self.path} [sheet {self.sheet}]" if self.sheet else str(self.path)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_sources(paths: list[Path]) -> tuple[list[Source], list[Problem]]:
    """The sources named by the given files and folders, and any problem with the names."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")
            )
            if not inside:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        None,
                        "a folder holding reports.csv, "
                        "referrals.csv and/or outcomes.csv, or an .xlsx workbook",
                    )
                )
            files = inside
        elif path.is_file():
            files = [path]
        else:
            problems.append(Problem(str(path), None, None, None, "an existing file or folder"))
            continue
        for file in files:
            found, trouble = _sources_in_file(file)
            sources += found
            problems += trouble
    seen: dict[str, Source] = {}
    for source in sources:
        if source.table in seen:
            problems.append(
                Problem(
                    source.name,
                    None,
                    None,
                    None,
                    f"one {source.table} table per extract ({source.full_name} and "
                    f"{seen[source.table].full_name} both hold one)",
                )
            )
        seen[source.table] = source
    if not sources and not problems:
        problems.append(Problem("(no files)", None, None, None, "at least one extract file"))
    return sources, problems


def _sources_in_file(path: Path) -> tuple[list[Source], list[Problem]]:
    suffix = path.suffix.lower()
    expected_names = "reports.csv, referrals.csv or outcomes.csv, or an .xlsx workbook"
    if suffix == ".xlsx":
        return _workbook_sources(path)
    table = path.stem.lower()
    if suffix != ".csv" or table not in TABLES:
        return [], [Problem(path.name, None, None, None, f"a file named {expected_names}")]
    return [Source(table, path)], []


def _workbook_sources(path: Path) -> tuple[list[Source], list[Problem]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        reason = type(error).__name__
        return [], [Problem(path.name, None, None, None, f"a readable .xlsx workbook ({reason})")]
    try:
        names = list(workbook.sheetnames)
    finally:
        workbook.close()
    sources, problems = [], []
    for sheet in names:
        if sheet in TABLES:
            sources.append(Source(sheet, path, sheet))
        else:
            problems.append(
                Problem(
                    f"{path.name} [sheet {sheet}]",
                    None,
                    None,
                    sheet,
                    "sheets named reports, referrals or outcomes only",
                )
            )
    if not sources and not problems:
        problems.append(
            Problem(path.name, None, None, None, "sheets named reports, referrals or outcomes")
        )
    return sources, problems


def check_header(source: Source, header: list[str]) -> list[Problem]:
    """Problems with a header row: missing, unknown or repeated column names."""
    expected = COLUMNS[source.table]
    required = [c for c in expected if c not in OPTIONAL_COLUMNS[source.table]]
    problems = []
    for position, name in enumerate(header, start=1):
        if name not in expected:
            hint = f"column names of {source.table}: {', '.join(expected)}"
            if name.lower() in expected or name.strip() in expected:
                hint += " (names are case-sensitive, with no spaces)"
            problems.append(Problem(source.name, 1, f"#{position}", name, hint))
        elif header.index(name) != position - 1:
            problems.append(Problem(source.name, 1, name, name, "each column once"))
    for name in required:
        if name not in header:
            problems.append(Problem(source.name, 1, name, None, "this required column"))
    return problems


def stage(con: duckdb.DuckDBPyConnection, source: Source, typed: str) -> tuple[int, list[Problem]]:
    """Read a source into view typed_<table>: _line, then the columns of select list typed.

    typed (oversight.ingest.checks.typed_select) reads the contract's columns as trimmed text.
    Returns the number of rows read and the problems of structure found.
    """
    if source.sheet:
        return _stage_sheet(con, source, typed)
    return _stage_csv(con, source, typed)


def _staging_select(table: str, present: list[str]) -> str:
    """The select list that trims present columns and fills absent optional ones with NULL."""
    parts = []
    for column in COLUMNS[table]:
        if column in present:
            parts.append(f'nullif(trim("{column}"), \'\') as "{column}"')
        else:
            parts.append(f'null::varchar as "{column}"')
    return ", ".join(parts)


def _read_csv_header(source: Source) -> tuple[list[str] | None, list[Problem]]:
    with open(source.path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        return None, [Problem(source.name, None, None, None, "a header row (the file is empty)")]
    if head.startswith(ZIP_MAGIC):
        return None, [
            Problem(
                source.name,
                None,
                None,
                None,
                "a CSV text file (this looks like a workbook: name it .xlsx)",
            )
        ]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Problem(
                source.name,
                None,
                None,
                None,
                'UTF-8 text (this file is UTF-16: save it as "CSV UTF-8")',
            )
        ]
    if b"\x00" in head:
        return None, [
            Problem(
                source.name, None, None, None, "a CSV text file in UTF-8 (found binary content)"
            )
        ]
    # lines may end in LF, CRLF or a lone CR (old Mac Excel), as read_csv accepts
    first_line = re.split(rb"\r\n?|\n", head, maxsplit=1)[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [
            Problem(source.name, 1, None, None, "UTF-8 text (the header row is not valid UTF-8)")
        ]
    header = next(csv.reader(io.StringIO(text.rstrip("\r"))), [])
    if not any(name.strip() for name in header):
        return None, [Problem(source.name, 1, None, None, "a header row naming the columns")]
    return header, []


def _stage_csv(
    con: duckdb.DuckDBPyConnection, source: Source, typed: str
) -> tuple[int, list[Problem]]:
    table = source.table
    header, problems = _read_csv_header(source)
    if header is not None:
        problems = check_header(source, header)
    if problems:
        return 0, problems
    # One pass: read, trim, type, store. read_csv keeps the file's order, so a row's rowid is
    # its record number - 1; the line of each row is worked out below, without a window.
    con.execute(
        f"create or replace temp table typed_raw_{table} as select {typed} from ("
        f"select {_staging_select(table, header)} from read_csv($path, columns = $columns, "
        "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        "strict_mode = true, store_rejects = true, "
        f"rejects_table = 'rejects_{table}', rejects_scan = 'rejects_scan_{table}'))",
        {"path": str(source.path), "columns": {name: "VARCHAR" for name in header}},
    )
    # One problem per broken line: a short line is rejected once for each missing column.
    rejects = con.execute(
        "select line, first(column_name order by column_idx), error_type, first(error_message), "
        f"first(csv_line) from rejects_{table} group by line, error_type order by line"
    ).fetchall()
    problems = [_reject_problem(source, *reject) for reject in rejects]
    reject_lines = sorted({int(line) for line, *_ in rejects})
    accepted = con.execute(f"select count(*) from typed_raw_{table}").fetchall()[0][0]
    if 1 + accepted + len(reject_lines) == _line_count(source.path):
        # One record per line: shift each accepted record past the rejected lines before it.
        keys = [line - index for index, line in enumerate(reject_lines)]
        con.execute(
            f"create or replace temp table reject_keys_{table} as "
            "select unnest($keys::bigint[]) as key",
            {"keys": keys},
        )
        line = "r.rowid + 2"
        if keys:
            line += f" + (select count(*) from reject_keys_{table} k where k.key <= r.rowid + 2)"
        source_sql = f"typed_raw_{table} r"
    else:
        # Blank lines (skipped by read_csv) or values spanning lines: number from a second
        # reading of the file, record by record, so that lines are still the file's lines.
        rows_start, accepted_lines = _record_start_lines(source.path, set(reject_lines))
        problems = [
            dataclasses.replace(
                p, line=rows_start[p.line - 1] if p.line <= len(rows_start) else p.line
            )
            for p in problems
        ]
        if len(accepted_lines) != accepted:
            accepted_lines = list(range(2, accepted + 2))
        lines = pa.table(
            {
                "_record": pa.array(range(1, accepted + 1), pa.int64()),
                "_line": pa.array(accepted_lines, pa.int64()),
            }
        )
        con.register(f"lines_arrow_{table}", lines)
        con.execute(
            f"create or replace temp table lines_{table} as select * from lines_arrow_{table}"
        )
        con.unregister(f"lines_arrow_{table}")
        line = "l._line"
        source_sql = f"typed_raw_{table} r join lines_{table} l on l._record = r.rowid + 1"
    con.execute(
        f"create or replace temp view typed_{table} as select {line} as _line, r.* "
        f"from {source_sql}"
    )
    return accepted, problems


def _line_count(path: Path) -> int:
    """The number of lines of a file (a last line without a newline counts)."""
    count, last = 0, b"\n"
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _record_start_lines(path: Path, rejected: set[int]) -> tuple[list[int], list[int]]:
    """The file line each CSV row starts on, indexed by read_csv's row number - 1 (header = row 1,
    a blank line is a row, a quoted value spanning lines is not), and the accepted rows' lines.
    """
    rows_start: list[int] = []
    accepted_lines: list[int] = []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        end = 0
        try:
            for row in reader:
                rows_start.append(end + 1)
                if len(rows_start) > 1 and row and len(rows_start) not in rejected:
                    accepted_lines.append(end + 1)
                end = reader.line_num
        except csv.Error:
            pass  # an unterminated quote or huge value: keep what was numbered
    return rows_start, accepted_lines


def _reject_problem(source: Source, line, column, error_type, message, csv_line) -> Problem:
    kind = str(error_type)
    expected = {
        "MISSING COLUMNS": "as many values as the header has columns (this line has fewer)",
        "TOO MANY COLUMNS": "no more values than the header has columns",
        "INVALID ENCODING": "UTF-8 text (this line is not valid UTF-8)",
        "UNQUOTED VALUE": "a properly quoted value (a quote is not closed or is misplaced)",
    }.get(kind, f"a well-formed CSV line ({message})")
    value = None if kind == "INVALID ENCODING" or csv_line is None else str(csv_line).strip()
    return Problem(source.name, int(line), column or None, value, expected)


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _stage_sheet(
    con: duckdb.DuckDBPyConnection, source: Source, typed: str
) -> tuple[int, list[Problem]]:
    import openpyxl

    table = source.table
    workbook = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    try:
        rows = workbook[source.sheet].iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            return 0, [Problem(source.name, None, None, None, "a header row (the sheet is empty)")]
        header = [_cell_text(cell) or "" for cell in header_cells]
        while header and header[-1] == "":
            header.pop()
        problems = check_header(source, header)
        if problems:
            return 0, problems
        width = len(header)
        lines, columns = [], [[] for _ in header]
        for number, cells in enumerate(rows, start=2):
            texts = [_cell_text(cell) for cell in cells]
            if all(text is None or text.strip() == "" for text in texts):
                continue
            if any(text not in (None, "") for text in texts[width:]):
                problems.append(
                    Problem(
                        source.name, number, None, None, "no values beyond the header's columns"
                    )
                )
                continue
            texts += [None] * (width - len(texts))
            lines.append(number)
            for index in range(width):
                columns[index].append(texts[index])
    finally:
        workbook.close()
    arrow = pa.table(
        {"_line": pa.array(lines, pa.int64())}
        | {
            name: pa.array(values, pa.string())
            for name, values in zip(header, columns, strict=True)
        }
    )
    con.register(f"sheet_{table}", arrow)
    con.execute(
        f"create or replace temp table typed_raw_{table} as select _line, {typed} from ("
        f"select _line, {_staging_select(table, header)} from sheet_{table})"
    )
    con.unregister(f"sheet_{table}")
    con.execute(f"create or replace temp view typed_{table} as select * from typed_raw_{table}")
    return len(lines), problems


def stage_empty(con: duckdb.DuckDBPyConnection, table: str, typed: str) -> None:
    """An empty view typed_<table>, for a table the extract does not include."""
    columns = ", ".join(f'null::varchar as "{column}"' for column in COLUMNS[table])
    con.execute(
        f"create or replace temp view typed_{table} as select null::bigint as _line, {typed} "
        f"from (select {columns}) where false"
    )
