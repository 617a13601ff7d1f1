"""Files people download and open in a spreadsheet: CSV text that is safe to open in Excel."""

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP, "CSV
# injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame whose text cells cannot run as spreadsheet formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if isinstance(safe[column].dtype, pd.CategoricalDtype):
            safe[column] = safe[column].astype(object)
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    safe.columns = [
        "'" + c if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in safe.columns
    ]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """frame as UTF-8 CSV (with a byte-order mark, so Excel reads accents), formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
