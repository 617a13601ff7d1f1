"""What openpyxl's read-only mode cannot see in a worksheet: hidden rows and columns, merged
cells, and formulas saved without their result (read as empty cells, data_only).

One streaming pass over the sheet's XML inside the .xlsx file finds them, at the speed of
decompression and bytes searches: a second, full-mode openpyxl load of the workbook would hold
every cell in memory and take many times as long. Only the tags concerned are parsed: a
hidden="1" or "true" attribute (of a row, or of a col range), mergeCell, and a cell holding an f
(formula) element with no saved value v. Tags may carry a namespace prefix (x:row).
"""

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from oversight.ingest.problems import Problem

BLOCK_BYTES = 1 << 20
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
OFFICE_DOCUMENT = "/officeDocument"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

UNSAVED_FORMULA = (
    "a value (found a formula whose result was not saved: open and save the workbook in Excel, "
    "or paste the values in)"
)
HIDDEN = re.compile(rb"""\bhidden=["'](?:1|true)["']""")
TAG_NAME = re.compile(rb"<(?:\w+:)?(\w+)")
ROW_NUMBER = re.compile(rb"""\br=["'](\d+)["']""")
COLUMN_RANGE = re.compile(rb"""\b(min|max)=["'](\d+)["']""")
MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*\bref=["']([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?["']""")
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
CELL_START = re.compile(rb"<(?:\w+:)?c\s[^>]*>")
CELL_END = re.compile(rb"</(?:\w+:)?c>")
CELL_REF = re.compile(rb"""\br=["']([A-Z]+)(\d+)["']""")
SAVED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+<")
FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)<")


@dataclass
class SheetMarks:
    """What a sheet hides: row numbers and column numbers (from 1), merged ranges (the range as
    written, and its first and last column and row), and the formula cells with no saved result
    ((row, column) -> the formula)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merged: set[tuple[str, int, int, int, int]] = field(default_factory=set)
    unsaved_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    unreadable: str | None = None  # why the sheet's XML could not be read, if it could not


def column_number(letters: str) -> int:
    """A column's number from its letters: A -> 1, Z -> 26, AA -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    """A column's letters from its number: 1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def sheet_marks(path: Path, sheet: str) -> SheetMarks:
    """What the named sheet of the workbook at path hides (nothing, if its XML is not found)."""
    marks = SheetMarks()
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet)
            if member is None:
                return marks
            with archive.open(member) as stream:
                carry = b""
                for block in iter(lambda: stream.read(BLOCK_BYTES), b""):
                    text = carry + block
                    cut = text.rfind(b">") + 1  # every tag before it is whole
                    resume = _scan(text[:cut], marks)
                    carry = text[resume:]
                _scan(carry, marks)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        marks.unreadable = type(error).__name__
    return marks


def _scan(text: bytes, marks: SheetMarks) -> int:
    """Add what text shows to marks; return where the next scan must start (a formula cell cut
    off by the end of text is scanned again with the text after it)."""
    # the regular expressions run only where a plain search (memchr speed) finds their word
    for match in HIDDEN.finditer(text) if b"hidden=" in text else ():
        _hidden_tag(text, match, marks)
    for match in MERGE.finditer(text) if b"mergeCell" in text else ():
        _merged_range(match, marks)
    for match in FORMULA.finditer(text) if b"<f" in text or b":f" in text else ():
        start = _last_cell_start(text, match.start())
        end = CELL_END.search(text, match.start())
        if start is None:
            continue
        if end is None:
            return start
        _formula_cell(text[start : end.end()], marks)
    return len(text)


def _merged_range(match: re.Match, marks: SheetMarks) -> None:
    first_column, first_row, last_column, last_row = (
        part.decode() if part else None for part in match.groups()
    )
    ref = first_column + first_row + (f":{last_column}{last_row}" if last_column else "")
    last_column, last_row = last_column or first_column, last_row or first_row
    marks.merged.add(
        (
            ref,
            column_number(first_column),
            int(first_row),
            column_number(last_column),
            int(last_row),
        )
    )


def _formula_cell(cell: bytes, marks: SheetMarks) -> None:
    """Note a cell holding a formula but no saved value (it reads as empty)."""
    ref = CELL_REF.search(cell)
    if ref is None or SAVED_VALUE.search(cell):
        return
    formula = FORMULA_TEXT.search(cell)
    key = (int(ref.group(2)), column_number(ref.group(1).decode()))
    marks.unsaved_formulas[key] = (formula.group(1) if formula else b"").decode("utf-8", "replace")


def _hidden_tag(text: bytes, match: re.Match, marks: SheetMarks) -> None:
    """Note the row, or the columns, that a tag with a hidden attribute hides."""
    tag = text[text.rfind(b"<", 0, match.start()) : match.end()]
    name = TAG_NAME.match(tag)
    if name is None:
        return
    if name.group(1) == b"row":
        number = ROW_NUMBER.search(tag)
        if number:
            marks.hidden_rows.add(int(number.group(1)))
    elif name.group(1) == b"col":
        # min and max may come after hidden: read the whole tag
        whole = text[text.rfind(b"<", 0, match.start()) : text.find(b">", match.end()) + 1]
        bounds = {key.decode(): int(value) for key, value in COLUMN_RANGE.findall(whole)}
        if bounds:
            low = bounds.get("min", bounds.get("max"))
            marks.hidden_columns.update(range(low, bounds.get("max", low) + 1))


def _last_cell_start(text: bytes, before: int) -> int | None:
    """Where the cell tag holding position before starts (None if it is not in text)."""
    window_start = max(0, before - 4096)  # a cell's opening tag sits just before its formula
    starts = list(CELL_START.finditer(text, window_start, before))
    return starts[-1].start() if starts else None


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive member holding the named sheet's XML, through the package's relationships."""
    try:
        workbook = _target(archive, "_rels/.rels", "", OFFICE_DOCUMENT)
        if workbook is None:
            return None
        folder = posixpath.dirname(workbook)
        rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        sheets = ElementTree.fromstring(archive.read(workbook))
        for element in sheets.iter():
            if element.tag.endswith("}sheet") and element.get("name") == sheet:
                return _target(archive, rels, folder, None, element.get(RELATIONSHIP_ID))
    except (KeyError, ElementTree.ParseError):
        return None
    return None


def _target(
    archive: zipfile.ZipFile,
    rels: str,
    folder: str,
    type_suffix: str | None,
    relationship_id: str | None = None,
) -> str | None:
    """The member a relationship of rels points to: by type (its suffix), or by id."""
    for element in ElementTree.fromstring(archive.read(rels)).iter(RELATIONSHIPS):
        matches = (
            element.get("Type", "").endswith(type_suffix)
            if type_suffix
            else element.get("Id") == relationship_id
        )
        if matches:
            target = element.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(folder, target))
    return None


def mark_problems(
    marks: SheetMarks, file: str, header: list[str], rows_read: set[int]
) -> tuple[list[Problem], list[tuple[int, str]]]:
    """The problems of what a sheet hides, and the cells they explain ((row, column name): a
    cell that reads as empty because it is merged into another, or holds a formula with no
    saved result, whose "must be filled" problem would only mislead).

    header: the named columns; rows_read: the rows after the header that hold a value.
    """
    problems, explained = [], []

    def name(column: int) -> str:
        return header[column - 1] if column <= len(header) else f"#{column}"

    if marks.unreadable:
        expected = f"a readable .xlsx workbook (the sheet's XML cannot be read: {marks.unreadable})"
        problems.append(Problem(file, None, None, None, expected))
    unhide = "unhide it, or delete it if it is not to be imported"
    for row in sorted(marks.hidden_rows & (rows_read | {1})):
        problems.append(Problem(file, row, None, None, f"a visible row (it is hidden; {unhide})"))
    for column in sorted(c for c in marks.hidden_columns if c <= len(header)):
        letters = column_letters(column)
        expected = f"a visible column (column {letters} is hidden; {unhide})"
        problems.append(Problem(file, 1, name(column), None, expected))
    for ref, first_column, first_row, last_column, last_row in sorted(marks.merged):
        top_left = f"{column_letters(first_column)}{first_row}"
        expected = (
            f"cells that are not merged ({ref} are merged: only {top_left} holds the value, and "
            "the other cells read as empty)"
        )
        problems.append(Problem(file, first_row, name(first_column), None, expected))
        explained += [
            (row, name(column))
            for row in range(first_row, last_row + 1)
            for column in range(first_column, min(last_column, len(header)) + 1)
            if (row, column) != (first_row, first_column)
        ]
    for (row, column), formula in sorted(marks.unsaved_formulas.items()):
        if row in rows_read and column <= len(header):
            problems.append(Problem(file, row, name(column), f"={formula}", UNSAVED_FORMULA))
            explained.append((row, name(column)))
    return problems, explained
