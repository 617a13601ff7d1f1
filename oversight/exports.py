"""Files people download and open in a spreadsheet: CSV text that is safe to open in Excel."""

import csv
import io

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP, "CSV
# injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame whose text cells cannot run as spreadsheet formulas.

    Only the cells that could run are changed (a leading apostrophe added); a column without
    any keeps its values and type. This runs for the numbers of every chart on every rerun, so
    the cells are tested as a plain list: on tables of tens of rows that is several times
    quicker than pandas' vectorised string methods.
    """
    safe = frame.copy(deep=False)  # copy-on-write: changing safe leaves frame alone
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if not (isinstance(values.dtype, pd.StringDtype) or values.dtype == object):
            continue  # numbers, dates and flags cannot hold a formula (a negative number stays)
        cells = values.tolist()
        if any(_runs_as_formula(cell) for cell in cells):
            inert = ["'" + cell if _runs_as_formula(cell) else cell for cell in cells]
            safe[column] = pd.Series(inert, index=frame.index, dtype=values.dtype)
    if any(_runs_as_formula(name) for name in frame.columns):
        safe.columns = ["'" + c if _runs_as_formula(c) else c for c in frame.columns]
    return safe


def _runs_as_formula(cell) -> bool:
    """Whether a spreadsheet would run this cell as a formula."""
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """frame as UTF-8 CSV (with a byte-order mark, so Excel reads accents), formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def csv_with_about(about: list[tuple[str, str]], frame: pd.DataFrame) -> bytes:
    """frame as csv_bytes gives it, under a short "About this file" block: one row per fact
    (what, value: the chart, the filters, the as-at date), then an empty row, then the table.

    Plain rows rather than "#" comment lines: a spreadsheet shows each fact in two cells and the
    table under them, and a program reads the table by skipping to the first empty row. Every
    cell is neutralised as the table's are.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["About this file"])
    for what, value in about:
        writer.writerow(["'" + c if _runs_as_formula(c) else c for c in (what, value)])
    writer.writerow([])
    head = out.getvalue()
    return (head + neutralise_formulas(frame).to_csv(index=False, lineterminator="\n")).encode(
        "utf-8-sig"
    )
