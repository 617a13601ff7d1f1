"""Downloads that a spreadsheet opens: no cell may run as a formula (OWASP, CSV injection)."""

import csv
import io

import pandas as pd

from oversight.exports import FORMULA_STARTS, csv_bytes, neutralise_formulas

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_every_formula_start_is_made_inert_in_text_and_category_columns():
    frame = pd.DataFrame(
        {
            "text": DANGEROUS,
            "category": pd.Categorical(DANGEROUS),
            "number": [-1, 2, 3, 4, 5, 6],  # numbers stay numbers, negative ones too
            "mixed": pd.Series([DANGEROUS[0], -1, None, "fine", DANGEROUS[3], 2.5], dtype=object),
        }
    )
    safe = neutralise_formulas(frame)
    for column in ("text", "category"):
        assert safe[column].tolist() == ["'" + value for value in DANGEROUS]
    assert safe["number"].tolist() == [-1, 2, 3, 4, 5, 6]
    assert safe["mixed"].tolist() == ["'" + DANGEROUS[0], -1, None, "fine", "'" + DANGEROUS[3], 2.5]
    assert frame["text"].tolist() == DANGEROUS  # the original is left alone


def test_csv_download_cells_never_start_a_formula():
    frame = pd.DataFrame({"=name": DANGEROUS, "plain": ["a", "b", "c", "d", "e", "f"]})
    text = csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["'=name", "plain"]
    for row in rows[1:]:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
