"""Finding the files of an extract and reading each into a staging table of text values.

A staging view typed_<table> has _line (the line of the file, or row of the sheet, counting the
header as 1) and one VARCHAR column per contract column, trimmed of spaces and tabs
(contract.TRIMMED_CHARACTERS), with empty values as NULL, each beside its typed t_<column>.
Problems of structure (unreadable file, wrong header, ragged row, bad encoding) are returned as
Problems; a value in a column the header does not name is appended to temp table problems, and a
file whose lines could not all be matched to its records is noted in temp table
approximate_lines (both made by oversight.ingest.checks.create_problems_table). The values
themselves are checked later, in SQL (oversight/ingest/checks.py).

CSV and workbook are read alike: trailing header cells that are empty (with nothing under them)
are ignored, and so are trailing empty values; a value under a column without a name is a
problem naming the column by its position, #n, as a header problem does.
"""

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import mmap
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from oversight.contract import COLUMNS, OPTIONAL_COLUMNS, TABLES, TRIMMED_CHARACTERS
from oversight.ingest.checks import trimmed, typed_view
from oversight.ingest.problems import Problem
from oversight.ingest.sheet_xml import mark_problems, sheet_marks

ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 65536
BLOCK_BYTES = 1 << 20
# The longest line, or quoted value, an extract may hold, in bytes. A record of the contract is
# far shorter (ids of 64 characters, codes, dates): a longer line is a broken file. _CsvScan
# refuses one before read_csv reads the file, since read_csv drops a line longer than its buffer
# (32 MiB) silently; read_csv's own max_line_size is set 2 bytes above, for the line break it
# counts, so that a line the scan lets through is never refused for its length there.
MAX_LINE_BYTES = 2_000_000
EXTRA_VALUE_EXPECTED = "no value in a column the header row leaves without a name"


class Workbook:
    """An .xlsx workbook, opened once per import: its sheets are listed, checked and read
    through one read-only handle, closed once every sheet taken from it has been read."""

    def __init__(self, path: Path, book):
        self.path = path
        self._book = book
        self._unread: set[str] = set()

    @classmethod
    def open(cls, path: Path) -> "Workbook":
        import openpyxl

        return cls(path, openpyxl.load_workbook(path, read_only=True, data_only=True))

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def rows(self, sheet: str):
        """The sheet's rows as tuples of cell values (None for an empty cell)."""
        return self._book[sheet].iter_rows(values_only=True)

    def state(self, sheet: str) -> str:
        """Whether the sheet is visible, hidden, or veryHidden (unhidden only by a macro)."""
        return self._book[sheet].sheet_state or "visible"

    def is_blank(self, sheet: str) -> bool:
        """Whether the sheet holds no value (a cell of spaces and tabs holds none)."""
        return all(_blank(_cell_text(cell)) for cells in self.rows(sheet) for cell in cells)

    def will_read(self, sheet: str) -> None:
        self._unread.add(sheet)

    def read(self, sheet: str) -> None:
        """Note that a sheet has been read; the last one read closes the workbook."""
        self._unread.discard(sheet)
        if not self._unread:
            self.close()

    @property
    def closed(self) -> bool:
        return self._book is None

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None


@dataclass(frozen=True)
class Source:
    """One table of an extract: a CSV file, or one sheet of a workbook."""

    table: str
    path: Path
    sheet: str | None = None
    workbook: Workbook | None = field(default=None, compare=False, repr=False)

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
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def find_sources(paths: list[Path]) -> tuple[list[Source], list[Problem]]:
    """The sources named by the given files and folders, and any problem with the names.

    A workbook is opened here, once, and read through the same handle when its sheets are
    staged; if there are problems, nothing will be staged and every workbook is closed.
    """
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
    if problems:
        for source in sources:
            if source.workbook is not None:
                source.workbook.close()
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


def _unreadable_workbook(path: Path, error: Exception) -> Problem:
    """What a workbook that cannot be opened is called: a damaged or cut-short file, in words
    rather than the reader's exception name (a truncated file shows as a KeyError)."""
    return Problem(
        path.name, None, None, None,
        "a complete .xlsx workbook (this file is damaged or cut short, or is not a workbook "
        f"saved as .xlsx; the reader said {type(error).__name__})",
    )  # fmt: skip


def _workbook_sources(path: Path) -> tuple[list[Source], list[Problem]]:
    """One source per sheet named after a table (in any case); a sheet with another name is a
    problem unless it is empty (Excel's default Sheet1 beside the tables)."""
    try:
        workbook = Workbook.open(path)
        names = workbook.sheet_names
    except Exception as error:  # openpyxl raises many types for a damaged file
        return [], [_unreadable_workbook(path, error)]
    sources, problems = [], []
    try:
        for sheet in names:
            hidden = workbook.state(sheet) != "visible"
            if sheet.lower() in TABLES and hidden:
                problems.append(_hidden_sheet_problem(path, sheet, workbook.state(sheet)))
            elif sheet.lower() in TABLES:
                sources.append(Source(sheet.lower(), path, sheet, workbook))
                workbook.will_read(sheet)
            elif not workbook.is_blank(sheet):
                state = f"; this one is {workbook.state(sheet)}" if hidden else ""
                problems.append(
                    Problem(
                        f"{path.name} [sheet {sheet}]",
                        None,
                        None,
                        sheet,
                        "sheets named reports, referrals or outcomes only (any other sheet "
                        f"must be empty{state})",
                    )
                )
    except Exception as error:  # a sheet openpyxl cannot read
        workbook.close()
        return [], [_unreadable_workbook(path, error)]
    if not sources and not problems:
        problems.append(
            Problem(path.name, None, None, None, "sheets named reports, referrals or outcomes")
        )
    if not sources:
        workbook.close()
    return sources, problems


def _hidden_sheet_problem(path: Path, sheet: str, state: str) -> Problem:
    how = "by a macro, or in the file" if state == "veryHidden" else "in Excel (Unhide)"
    return Problem(
        f"{path.name} [sheet {sheet}]",
        None,
        None,
        sheet,
        f"a visible sheet (this one is {state}, so what would be imported cannot be seen: "
        f"unhide it {how}, or remove it)",
    )


def _blank(text: str | None) -> bool:
    """Whether a value is empty once spaces and tabs are trimmed."""
    return text is None or text.strip(TRIMMED_CHARACTERS) == ""


def _named_width(header: list[str]) -> int:
    """How many columns the header names: trailing empty header cells are no columns."""
    width = len(header)
    while width and _blank(header[width - 1]):
        width -= 1
    return width


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
    Returns the number of rows read and the problems of structure found. The temp tables of
    oversight.ingest.checks.create_problems_table must exist.
    """
    if source.sheet:
        return _stage_sheet(con, source, typed)
    return _stage_csv(con, source, typed)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _staging_select(table: str, present: list[str]) -> str:
    """The select list that trims present columns and fills absent optional ones with NULL."""
    parts = []
    for column in COLUMNS[table]:
        if column in present:
            parts.append(f"{trimmed(_quoted(column))} as {_quoted(column)}")
        else:
            parts.append(f"null::varchar as {_quoted(column)}")
    return ", ".join(parts)


def _extra_select(unnamed: list[str]) -> str:
    """The select list of _extra_column and _extra_value: for a row with a value under one of
    the columns unnamed (#n, the header's cell there being empty), the first such column and
    its value."""
    if not unnamed:
        return "null::varchar as _extra_column, null::varchar as _extra_value"
    whens = " ".join(f"when {trimmed(_quoted(name))} is not null then '{name}'" for name in unnamed)
    values = ", ".join(trimmed(_quoted(name)) for name in unnamed)
    return f"case {whens} end as _extra_column, coalesce({values}) as _extra_value"


def _add_extra_value_problems(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Append to problems each row's first value under a column the header does not name."""
    con.execute(
        f"insert into problems select $file, _line, _extra_column, _extra_value, $expected "
        f"from numbered_{source.table} where _extra_column is not null",
        {"file": source.name, "expected": EXTRA_VALUE_EXPECTED},
    )


def _finish_staging(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    numbered: str,
    extras: bool,
    present: list[str],
) -> None:
    """View typed_<table> over the staged rows, given as query numbered (_line, the typed
    columns, _extra_column, _extra_value); and, if there may be any (extras), the problems of
    values in columns without a name. present: the contract's columns the header names (a
    stored row keeps its values of the others, checks.typed_view)."""
    table = source.table
    id_column = COLUMNS[table][0]
    con.execute(f"create or replace temp view numbered_{table} as {numbered}")
    if extras:
        _add_extra_value_problems(con, source)
    rows = f"numbered_{table} n"
    if any(column not in present for column in OPTIONAL_COLUMNS[table]):
        rows += f" left join old.{table} s on s.{id_column} = n.t_{id_column}"
    con.execute(
        f"create or replace temp view typed_{table} as "
        f"select {typed_view(table, present)} from {rows}"
    )


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
    # lines may end in LF, CRLF or a lone CR (old Mac Excel), as read_csv accepts
    first_line = re.split(rb"\r\n?|\n", head, maxsplit=1)[0]
    if b"\x00" in first_line:
        # a binary file, or UTF-16 without a byte-order mark; a NUL byte further on is refused
        # where it is, at its line and column (checks.py)
        return None, [
            Problem(source.name, 1, None, None, "a CSV text file in UTF-8 (found binary content)")
        ]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [
            Problem(source.name, 1, None, None, "UTF-8 text (the header row is not valid UTF-8)")
        ]
    header = next(csv.reader(io.StringIO(text.rstrip("\r"))), [])
    if not _named_width(header):
        return None, [Problem(source.name, 1, None, None, "a header row naming the columns")]
    return header, []


@dataclass(frozen=True)
class _Reject:
    """A record read_csv could not read: its record number (read_csv's line, which counts
    blank lines but not the lines a quoted value runs over), its file line, and its problem."""

    record: int
    line: int
    last_line: int
    problem: Problem


# Which of read_csv's errors on one record is reported: the cause before its consequences (an
# open quote also leaves the record short of values).
_ERROR_RANK = {
    "INVALID ENCODING": 0,
    "UNQUOTED VALUE": 1,
    "MISSING COLUMNS": 3,
    "TOO MANY COLUMNS": 3,
}
_ERROR_RANK_SQL = (
    "case error_type "
    + " ".join(f"when '{kind}' then {rank}" for kind, rank in _ERROR_RANK.items())
    + " else 2 end"
)


def _stage_csv(
    con: duckdb.DuckDBPyConnection, source: Source, typed: str
) -> tuple[int, list[Problem]]:
    table = source.table
    header, problems = _read_csv_header(source)
    if header is None:
        return 0, problems
    width = _named_width(header)
    problems = check_header(source, header[:width])
    if problems:
        return 0, problems
    scan = _scan_csv(source.path)
    if scan.overlong:
        return 0, scan.problems(source)
    # trailing header cells without a name are read too, so that a value under one is reported
    unnamed = [f"#{position}" for position in range(width + 1, len(header) + 1)]
    names = header[:width] + unnamed
    # One pass: read, trim, type, store. read_csv keeps the file's order, so a row's rowid is
    # its record number - 1; the line of each row is worked out below.
    try:
        con.execute(
            f"create or replace temp table typed_raw_{table} as "
            f"select {typed}, _extra_column, _extra_value from ("
            f"select {_staging_select(table, names[:width])}, {_extra_select(unnamed)} "
            "from read_csv($path, "
            "columns = $columns, header = true, auto_detect = false, delim = ',', quote = '\"', "
            "escape = '\"', strict_mode = true, max_line_size = $max_line, store_rejects = true, "
            f"rejects_table = 'rejects_{table}', rejects_scan = 'rejects_scan_{table}'))",
            {
                "path": str(source.path),
                "columns": {name: "VARCHAR" for name in names},
                "max_line": MAX_LINE_BYTES + 2,
            },
        )
    except duckdb.InvalidInputException as error:
        return 0, [_unreadable_csv_problem(source, error)]
    rejects = _rejects(con, source, len(names))
    problems = [reject.problem for reject in rejects]
    accepted = con.execute(f"select count(*) from typed_raw_{table}").fetchall()[0][0]
    one_record_per_line = all(r.record == r.line == r.last_line for r in rejects)
    if one_record_per_line and 1 + accepted + len(rejects) == scan.content_lines:
        # Every line up to the last is the header, an accepted record or a rejected one: shift
        # each accepted record past the rejected lines before it.
        keys = [reject.line - index for index, reject in enumerate(rejects)]
        con.execute(
            f"create or replace temp table reject_keys_{table} as "
            "select unnest($keys::bigint[]) as key",
            {"keys": keys},
        )
        line = "r.rowid + 2"
        if keys:
            line += f" + (select count(*) from reject_keys_{table} k where k.key <= r.rowid + 2)"
        numbered = f"select {line} as _line, r.* from typed_raw_{table} r"
        _finish_staging(con, source, numbered, bool(unnamed), header[:width])
    else:
        # Blank lines (skipped by read_csv) or values spanning lines: number from a second
        # reading of the file, record by record, checked against read_csv's by their ids.
        _stage_csv_lines(con, source, header[:width], rejects, extras=bool(unnamed))
    return accepted, problems


def _rejects(con: duckdb.DuckDBPyConnection, source: Source, width: int) -> list[_Reject]:
    """One _Reject per record read_csv rejected, in file order, at its exact file line.

    read_csv's own line numbers count records, not lines; the byte position it gives for each
    rejected record is turned into a line of the file instead.
    """
    records = con.execute(
        "select line, line_byte_position, column_name, error_type, error_message, csv_line "
        f"from rejects_{source.table} qualify row_number() over "
        f"(partition by line order by {_ERROR_RANK_SQL}, column_idx) = 1 order by line"
    ).fetchall()
    lines = _lines_at(source.path, [int(row[1]) for row in records if row[1] is not None])
    rejects = []
    for record, byte_position, column, kind, message, csv_line in records:
        text = None if csv_line is None else str(csv_line).strip("\r\n")
        spanned = 0 if text is None else _line_breaks(text)
        if byte_position is None:  # not seen, but then the record number is all there is
            line, approximate = int(record), True
        else:
            line, approximate = lines[int(byte_position)], False
        problem = _reject_problem(
            source, line, line + spanned, column, str(kind), message, text, width
        )
        if approximate:
            problem = dataclasses.replace(
                problem, expected=problem.expected + " (line number approximate)"
            )
        rejects.append(_Reject(int(record), line, line + spanned, problem))
    return rejects


def _line_breaks(text: str) -> int:
    """How many line breaks (LF, CRLF or a lone CR) a text holds."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _reject_problem(
    source: Source,
    line: int,
    last_line: int,
    column,
    kind: str,
    message,
    csv_line: str | None,
    width: int,
) -> Problem:
    value = None if kind == "INVALID ENCODING" else csv_line
    hides_more = False
    if kind == "TOO MANY COLUMNS":
        column = f"#{_first_extra_position(csv_line, width)}"
    expected = {
        "MISSING COLUMNS": "as many values as the header has columns (this line has fewer)",
        "TOO MANY COLUMNS": "no more values than the header has columns",
        "INVALID ENCODING": "UTF-8 text (this line is not valid UTF-8)",
        "UNQUOTED VALUE": "a properly quoted value (a quote is not closed or is misplaced)",
    }.get(kind, f"a well-formed CSV line ({message})")
    if kind == "UNQUOTED VALUE" and last_line > line:
        # the open quote took the lines after it into this record: their problems are unknown
        taken = f"line {last_line}" if last_line == line + 1 else f"lines {line + 1}-{last_line}"
        expected = expected[:-1] + f"; it took in {taken}, whose own problems are not listed)"
        hides_more = True
    return Problem(source.name, line, column or None, value, expected, hides_more)


def _first_extra_position(csv_line: str | None, width: int) -> int:
    """The position (from 1) of the first value beyond a header of width columns that holds
    something (read_csv tolerates empty ones); width + 1 if it cannot be told."""
    try:
        values = next(csv.reader(io.StringIO(csv_line or "")), [])
    except csv.Error:
        values = []
    for position, value in enumerate(values[width:], start=width + 1):
        if not _blank(value):
            return position
    return width + 1


def _lines_at(path: Path, positions: list[int]) -> dict[int, int]:
    """For each byte position read_csv gave for a rejected record (one past the start of the
    line before it, or of its own), the file line its record starts on, counting from 1.

    The record starts at the first byte from position - 1 on that is not a line break; a line
    ends at LF, CRLF or a lone CR.
    """
    result: dict[int, int] = {}
    if not positions:
        return result
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        breaks, counted_to = 0, 0  # the line breaks that end before byte counted_to
        for position in sorted(set(positions)):
            start = max(position - 1, 0)
            while start < len(data) and data[start] in b"\r\n":
                start += 1
            if start > counted_to:
                breaks += _breaks_between(data, counted_to, start)
                counted_to = start
            result[position] = breaks + 1
    return result


def _breaks_between(data: mmap.mmap, start: int, end: int) -> int:
    """The line breaks (LF, CRLF, lone CR) in data[start:end], where neither end splits a CRLF
    (each is 0, the end of the data, or the first byte of a record), read block by block."""
    count = 0
    for offset in range(start, end, BLOCK_BYTES):
        block = data[offset : min(offset + BLOCK_BYTES, end)]
        count += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
        if offset > start and data[offset - 1 : offset + 1] == b"\r\n":
            count -= 1  # a CRLF split between two blocks was counted twice
    return count


@dataclass(frozen=True)
class _Overlong:
    """A line, or a quoted value, longer than MAX_LINE_BYTES: the byte it starts at, its length
    in bytes, and whether it is a quoted value (to_end: one whose quote is never closed)."""

    start: int
    length: int
    quoted: bool = False
    to_end: bool = False

    def problem(self, source: Source, line: int, limit_bytes: int) -> Problem:
        limit = f"{limit_bytes:,} bytes"
        if self.to_end:
            expected = (
                f"a quote that is closed (the quote opened on this line never is: the rest of "
                f"the file, {self.length:,} bytes, would be one value"
            )
        elif self.quoted:
            expected = (
                f"a quoted value of at most {limit} (the one whose quote opens on this line is "
                f"{self.length:,} bytes long"
            )
        else:
            expected = f"a line of at most {limit} (this line is {self.length:,} bytes long"
        expected += "; the file's other lines are not checked until it is shortened)"
        return Problem(source.name, line, None, None, expected, hides_more=True)


class _CsvScan:
    """One streaming pass over a CSV file's bytes: the lines and quoted values too long to be a
    record (read_csv refuses one up to its buffer's size, but drops a longer one silently), and
    the count of lines up to the last that holds something.

    Block by block, with C-speed searches alone: the ends of a line longer than a block are the
    last line break of one block and the first of a later one. A quote opens a value where the
    quotes before it are even in number (an escaped quote is a pair), so a quoted value longer
    than a block runs from the last quote of one block to the first of a later one; a quote
    that is not at the start of a value is misplaced (read_csv reports it) and is not measured.
    Line numbers are counted only for what is found, at the end.
    """

    def __init__(self, limit: int = MAX_LINE_BYTES) -> None:
        self.limit = limit  # the longest line or quoted value allowed, in bytes
        self.offset = 0  # of the block being read
        self.line_start = 0  # where the current line starts
        self.inside = False  # within a quoted value at the block's start
        self.open_at, self.open_at_value_start = 0, False
        self.last_byte = b"\n"  # the byte before the block (as if a line ended before the file)
        self.newlines, self.tail = 0, b""
        self.overlong: list[_Overlong] = []

    def feed(self, block: bytes) -> None:
        if b'"' in block:
            self._quotes(block)
        # a CRLF or a lone CR ends a line too; most files hold no CR, found at memchr speed
        has_cr = b"\r" in block
        firsts = [block.find(b"\n"), block.find(b"\r") if has_cr else -1]
        first = min((i for i in firsts if i >= 0), default=-1)
        last = max(block.rfind(b"\n"), block.rfind(b"\r") if has_cr else -1)
        if first >= 0:
            self._line_ends(self.offset + first)
            self.line_start = self.offset + last + 1
        self.newlines += block.count(b"\n")
        self.tail, self.last_byte = block, block[-1:]
        self.offset += len(block)

    def _quotes(self, block: bytes) -> None:
        quotes = block.count(b'"')
        if self.inside:  # the quoted value open since an earlier block closes here
            self._value_ends(self.offset + block.find(b'"'))
        if (self.inside + quotes) % 2:  # a quoted value is open at the block's end
            at = block.rfind(b'"')
            before = block[at - 1 : at] if at else self.last_byte
            self.open_at = self.offset + at
            self.open_at_value_start = before in (b",", b"\n", b"\r", b" ")
        self.inside = bool((self.inside + quotes) % 2)

    def _value_ends(self, close: int) -> None:
        length = close - self.open_at - 1
        if self.open_at_value_start and length > self.limit:
            self.overlong.append(_Overlong(self.open_at, length, quoted=True))

    def _line_ends(self, end: int) -> None:
        if end - self.line_start > self.limit:
            self.overlong.append(_Overlong(self.line_start, end - self.line_start))

    def finish(self) -> None:
        """Measure the last line, and a quoted value still open at the end of the file."""
        self._line_ends(self.offset)
        length = self.offset - self.open_at - 1
        if self.inside and self.open_at_value_start and length > self.limit:
            self.overlong.append(_Overlong(self.open_at, length, quoted=True, to_end=True))

    @property
    def content_lines(self) -> int:
        """The number of lines up to the last line holding something (blank lines at the end do
        not count; a last line without a newline does); -1 where the last block holds line
        breaks only (left to the second reading)."""
        stripped = self.tail.rstrip(b"\r\n")
        if not stripped and self.tail:
            return -1
        return self.newlines - self.tail[len(stripped) :].count(b"\n") + 1

    def problems(self, source: Source) -> list[Problem]:
        """One problem per line found too long, or holding a quoted value too long (the value's
        problem is the one given where a line has both: it says more), at its file line."""
        if not self.overlong:
            return []
        found: dict[int, Problem] = {}
        with (
            open(source.path, "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            for overlong in sorted(self.overlong, key=lambda found: not found.quoted):
                line = _breaks_between(data, 0, overlong.start) + 1
                found.setdefault(line, overlong.problem(source, line, self.limit))
        return [found[line] for line in sorted(found)]


def _scan_csv(path: Path, block_bytes: int = BLOCK_BYTES, limit: int = MAX_LINE_BYTES) -> _CsvScan:
    """Scan a CSV file (_CsvScan) in blocks of block_bytes, which must not exceed limit: a line
    or quoted value longer than the limit then always runs across the end of a block."""
    scan = _CsvScan(limit)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(block_bytes), b""):
            scan.feed(block)
    scan.finish()
    return scan


def _stage_csv_lines(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    header: list[str],
    rejects: list[_Reject],
    extras: bool,
) -> None:
    """Number the accepted records by a second reading of the file (Python's csv), matched to
    read_csv's records in order and checked by their ids: exact as long as the ids agree.

    From the first record where the two readings disagree, the lines given are approximate
    (the reading's line at the same position, or counted on from the last one), and temp table
    approximate_lines says so. Rejected records keep the exact lines _rejects found.
    """
    table = source.table
    id_column = COLUMNS[table][0]
    skip = {line for r in rejects for line in range(r.line, r.last_line + 1)}
    lines, keys = _record_lines(source.path, header.index(id_column), skip)
    numbering = pa.table(
        {
            "_record": pa.array(range(1, len(lines) + 1), pa.int64()),
            "_line": pa.array(lines, pa.int64()),
            "_key": pa.array(keys, pa.string()),
        }
    )
    con.register(f"lines_arrow_{table}", numbering)
    con.execute(f"create or replace temp table lines_{table} as select * from lines_arrow_{table}")
    con.unregister(f"lines_arrow_{table}")
    last_line = lines[-1] if lines else 1
    line = f"coalesce(l._line, {last_line} + (r.rowid + 1 - {len(lines)}))"
    rows = f"typed_raw_{table} r left join lines_{table} l on l._record = r.rowid + 1"
    first_unmatched = con.execute(
        f"select min({line}) from {rows} "
        f'where l._record is null or l._key is distinct from r."{id_column}"'
    ).fetchall()[0][0]
    if first_unmatched is not None:
        con.execute(
            "insert into approximate_lines values ($file, $line)",
            {"file": source.name, "line": first_unmatched},
        )
    _finish_staging(con, source, f"select {line} as _line, r.* from {rows}", extras, header)


def _record_lines(path: Path, key_index: int, skip: set[int]) -> tuple[list[int], list[str | None]]:
    """The line each non-blank record after the header starts on, and its id (trimmed, empty as
    None), for the records not starting on a line in skip (the rejected records' lines)."""
    lines: list[int] = []
    keys: list[str | None] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a long value is no reason to stop
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            # read_csv ignores spaces before an opening quote, and so does this reading
            reader = csv.reader(handle, skipinitialspace=True)
            next(reader, None)
            end = reader.line_num
            for row in reader:
                start, end = end + 1, reader.line_num
                if row and start not in skip:
                    lines.append(start)
                    key = row[key_index].strip(TRIMMED_CHARACTERS) if key_index < len(row) else ""
                    keys.append(key or None)
    except csv.Error:
        pass  # the records left are numbered as approximate, and said to be
    finally:
        csv.field_size_limit(limit)
    return lines, keys


def _unreadable_csv_problem(source: Source, error: duckdb.Error) -> Problem:
    """A file read_csv gives up on: most often one whose lines do not all end the same way."""
    odd = _first_odd_line_ending(source.path)
    if odd is not None:
        line, found, first = odd
        return Problem(
            source.name,
            line,
            None,
            None,
            f"lines that all end the same way (this line ends in {found}, the first in {first})",
        )
    reason = str(error).splitlines()[0]
    return Problem(source.name, None, None, None, f"a CSV file that can be read ({reason})")


def _first_odd_line_ending(path: Path) -> tuple[int, str, str] | None:
    """The first line whose line break differs from the first line's: (line, its kind, the
    first's kind), kinds being LF, CRLF and CR; None if they are all alike.

    A line break inside a quoted value ends no record: it counts as a line of the file, but
    its kind is not compared (a CR quoted inside a value is the value's, refused or not there).
    """
    names = {b"\n": "LF", b"\r\n": "CRLF", b"\r": "CR"}
    first, line, tail, quoted = None, 1, b"", False
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            text = tail + block
            # keep a CR at the end of a block for the next one: it may be half of a CRLF
            tail = b"\r" if text.endswith(b"\r") else b""
            for match in re.finditer(rb'"|\r\n|\r|\n', text[: len(text) - len(tail)]):
                kind = match.group()
                if kind == b'"':
                    quoted = not quoted
                    continue
                if quoted:
                    pass
                elif first is None:
                    first = kind
                elif kind != first:
                    return line, names[kind], names[first]
                line += 1
    return None


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
    table = source.table
    workbook = source.workbook
    if workbook is None or workbook.closed:
        workbook = Workbook.open(source.path)
    try:
        rows = workbook.rows(source.sheet)
        header_cells = next(rows, None)
        if header_cells is None:
            return 0, [Problem(source.name, None, None, None, "a header row (the sheet is empty)")]
        header = [_cell_text(cell) or "" for cell in header_cells]
        width = _named_width(header)
        header = header[:width]
        marks = sheet_marks(source.path, source.sheet)
        problems = check_header(source, header)
        if problems:
            return 0, problems + mark_problems(marks, source.name, header, set())[0]
        lines, columns = [], [[] for _ in header]
        extra_columns, extra_values = [], []
        for number, cells in enumerate(rows, start=2):
            texts = [_cell_text(cell) for cell in cells]
            if all(_blank(text) for text in texts):
                continue
            # the first value under a column the header does not name, as CSV reports it
            extra = next(
                (
                    (position, text)
                    for position, text in enumerate(texts[width:], start=width + 1)
                    if not _blank(text)
                ),
                (None, None),
            )
            texts += [None] * (width - len(texts))
            lines.append(number)
            for index in range(width):
                columns[index].append(texts[index])
            extra_columns.append(None if extra[0] is None else f"#{extra[0]}")
            extra_values.append(None if extra[1] is None else extra[1].strip(TRIMMED_CHARACTERS))
    finally:
        if workbook is source.workbook:
            workbook.read(source.sheet)
        else:
            workbook.close()
    arrow = pa.table(
        {"_line": pa.array(lines, pa.int64())}
        | {
            name: pa.array(values, pa.string())
            for name, values in zip(header, columns, strict=True)
        }
        | {
            "_extra_column": pa.array(extra_columns, pa.string()),
            "_extra_value": pa.array(extra_values, pa.string()),
        }
    )
    con.register(f"sheet_{table}", arrow)
    con.execute(
        f"create or replace temp table typed_raw_{table} as "
        f"select _line, {typed}, _extra_column, _extra_value from ("
        f"select _line, {_staging_select(table, header)}, _extra_column, _extra_value "
        f"from sheet_{table})"
    )
    con.unregister(f"sheet_{table}")
    _add_mark_problems(con, source.name, *mark_problems(marks, source.name, header, set(lines)))
    extras = any(column is not None for column in extra_columns)
    _finish_staging(con, source, f"select * from typed_raw_{table}", extras, header)
    return len(lines), []


def _add_mark_problems(
    con: duckdb.DuckDBPyConnection, file: str, problems: list[Problem], explained
) -> None:
    """Append what a sheet hides to temp table problems (its rows are all read, so the sheet is
    not incomplete, as a structural problem would make it), and the cells it explains."""
    if problems:
        con.executemany(
            "insert into problems values (?, ?, ?, ?, ?)",
            [[p.file, p.line, p.column, p.value, p.expected] for p in problems],
        )
    if explained:
        con.executemany(
            "insert into explained_cells values (?, ?, ?)",
            [[file, line, column] for line, column in explained],
        )


def stage_empty(con: duckdb.DuckDBPyConnection, table: str, typed: str) -> None:
    """An empty view typed_<table>, for a table the extract does not include."""
    columns = ", ".join(f'null::varchar as "{column}"' for column in COLUMNS[table])
    con.execute(
        f"create or replace temp view typed_{table} as select null::bigint as _line, {typed} "
        f"from (select {columns}) where false"
    )
