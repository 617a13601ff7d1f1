"""Files people download and open in a spreadsheet: CSV text that is safe to open in Excel."""

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP, "CSV
# injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame whose text cells cannot run as spreadsheet formulas."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if isinstance(values.dtype, pd.StringDtype):
            # text only: one vectorised test (this runs for every chart's table on every rerun)
            risky = values.str.startswith(FORMULA_STARTS, na=False)
            if risky.any():
                safe[column] = values.where(~risky, "'" + values)
        elif values.dtype == object:
            # mixed cells: only the text ones can run as a formula (a negative number stays)
            safe[column] = values.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    safe.columns = [
        "'" + c if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in safe.columns
    ]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """frame as UTF-8 CSV (with a byte-order mark, so Excel reads accents), formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
