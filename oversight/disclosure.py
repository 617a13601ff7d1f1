"""Disclosure control for public outputs (docs/metrics.md, "Disclosure control in public
outputs"): the one place where small numbers are suppressed.

Every published count is a cell, named by any hashable key: ("headline", "reports") or
("reports_by_force", "MPS", "reports"). A line is a group of cells tied by a published sum: the
cells that add up, then, last, the cell holding their total (which may be in another table, as
headline `reports` is the total of the `reports` column of reports_by_force). Cells whose total
is not published are not a line: nothing ties them, so only primary suppression applies.
"""

import operator
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

import pandas as pd

SUPPRESSED = "[c]"
DEFAULT_THRESHOLD = 5
MIN_DENOMINATOR = 10

Line = tuple[Hashable, ...]


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ValueError(
            f"the disclosure threshold must be a whole number of at least 2, got {threshold!r}"
        )


def rules(threshold: int = DEFAULT_THRESHOLD) -> tuple[str, ...]:
    """The suppression rules in plain English, with the threshold applied, for cover notes."""
    _check_threshold(threshold)
    small = "A count of 1" if threshold == 2 else f"A count from 1 to {threshold - 1}"
    return (
        f"{small} is shown as {SUPPRESSED} (confidential: fewer than {threshold}). "
        "A zero is shown as 0.",
        "Secondary suppression: in a table with a total, where one cell of a row or column is "
        "suppressed, the next smallest cell of that row or column is suppressed too, so that no "
        "suppressed value can be worked out from the total and the others.",
        "Where a suppressed value could still be worked out by combining several rows and "
        "columns, one more cell (the smallest that prevents it) is suppressed as well.",
        f"A rate or proportion whose numerator or denominator is suppressed, or whose denominator "
        f"is below {MIN_DENOMINATOR}, is shown as {SUPPRESSED}; so is a median or percentile "
        f"of days measured over fewer than {MIN_DENOMINATOR} cases.",
        "Tables that are summed to a total published elsewhere (reports by force and the "
        "headline count of reports, for example) are protected together.",
        "Public outputs hold no ids, no free text, no characteristics of the people reported "
        "below national level, and no dates finer than a month.",
    )


RULES: tuple[str, ...] = rules()


def is_primary(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether a count is too small to publish: 1 <= value < threshold."""
    return 1 <= value < threshold


def suppressed_cells(
    values: Mapping[Hashable, int],
    lines: Iterable[Sequence[Hashable]],
    threshold: int = DEFAULT_THRESHOLD,
) -> frozenset[Hashable]:
    """The cells to show as SUPPRESSED: primary, then secondary until no suppressed value can be
    worked out from the published cells and the line sums.

    Args:
        values: every published count, by cell key; its order decides which cell is protected
            first when several could be worked out.
        lines: each line lists cells whose sum is published, then the cell holding that sum, last.
            Lines may overlap (a cell in a row and a column, a total in several lines).
        threshold: counts from 1 to threshold - 1 are suppressed.

    Raises:
        ValueError: a count is not a non-negative whole number, a line names an unknown cell or
            does not add up to its total, or the threshold is below 2.
    """
    _check_threshold(threshold)
    counts = {key: _count(key, value) for key, value in values.items()}
    checked = _checked_lines(counts, lines)
    order = {key: position for position, key in enumerate(counts)}
    hidden = {key for key, value in counts.items() if is_primary(value, threshold)}
    while True:
        _close_lines(counts, checked, hidden)
        # The rule of docs/metrics.md looks at one line at a time; a suppressed cell can still
        # be worked out by combining lines (two blocks of suppressed cells joined by one cell),
        # so suppress one more cell until the linear algebra finds none.
        pinned = _pinned(checked, hidden, order)
        if not pinned:
            return frozenset(hidden)
        hidden.add(_unpinning_cell(counts, checked, hidden, pinned[0], order))


def suppress_rate(
    rate: float | None,
    numerator_suppressed: bool,
    denominator: float | None,
    denominator_suppressed: bool = False,
    min_denominator: float = MIN_DENOMINATOR,
) -> float | None | str:
    """A rate as published: SUPPRESSED if its numerator or denominator is suppressed or its
    denominator is below min_denominator, else unchanged (an empty rate stays empty).

    Pass min_denominator=0 where the denominator is not a count of people or cases, such as
    officer FTE from published reference data.
    """
    # Checked before emptiness: an empty rate beside a suppressed denominator would tell that
    # the denominator is zero.
    if numerator_suppressed or denominator_suppressed:
        return SUPPRESSED
    if rate is None or pd.isna(rate):
        return rate
    if denominator is not None and not pd.isna(denominator) and denominator < min_denominator:
        return SUPPRESSED
    return rate


def apply(frame: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame with SUPPRESSED where mask is True; columns not in mask are left alone."""
    if not mask.index.equals(frame.index):
        raise ValueError("the mask must have the same index as the frame")
    unknown = [column for column in mask.columns if column not in frame.columns]
    if unknown:
        raise ValueError(f"mask columns not in the frame: {unknown}")
    out = frame.copy()
    for column in mask.columns:
        hide = mask[column].to_numpy(dtype=bool, na_value=False)
        if hide.any():
            out[column] = out[column].astype(object).mask(hide, SUPPRESSED)
    return out


def table_values(
    name: str, frame: pd.DataFrame, columns: Sequence[Hashable] | None = None
) -> dict[tuple, int]:
    """The counts of a table keyed (name, row label, column), row by row, for suppressed_cells."""
    columns = list(frame.columns if columns is None else columns)
    if not frame.index.is_unique:
        raise ValueError(f"table {name!r} needs unique row labels to name its cells")
    block = frame.loc[:, columns]
    return {
        (name, row, column): value
        for row, record in zip(block.index, block.itertuples(index=False, name=None), strict=True)
        for column, value in zip(columns, record, strict=True)
    }


def table_lines(
    name: str,
    frame: pd.DataFrame,
    columns: Sequence[Hashable] | None = None,
    *,
    row_total: Hashable | None = None,
    column_total: Hashable | None = None,
) -> list[Line]:
    """The lines of a table whose totals are in the table itself, keyed as table_values does.

    Args:
        name: the table's name, the first part of each cell key.
        frame: the counts, with row labels as its index.
        columns: the count columns (default all).
        row_total: the column holding each row's total, or None if rows have no total.
        column_total: the row label holding each column's total, or None if columns have none.
    """
    columns = list(frame.columns if columns is None else columns)
    rows = list(frame.index)
    if row_total is not None and row_total not in columns:
        raise ValueError(f"row total column {row_total!r} is not among the columns of {name!r}")
    if column_total is not None and column_total not in rows:
        raise ValueError(f"column total row {column_total!r} is not a row of {name!r}")
    lines: list[Line] = []
    if row_total is not None:
        parts = [column for column in columns if column != row_total]
        lines += [(*((name, row, c) for c in parts), (name, row, row_total)) for row in rows]
    if column_total is not None:
        parts = [row for row in rows if row != column_total]
        lines += [
            (*((name, r, column) for r in parts), (name, column_total, column))
            for column in columns
        ]
    return lines


def table_mask(
    name: str,
    frame: pd.DataFrame,
    hidden: Iterable[Hashable],
    columns: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """A mask for apply: True where (name, row label, column) is among the hidden cells."""
    columns = list(frame.columns if columns is None else columns)
    hidden = set(hidden)
    return pd.DataFrame(
        {column: [(name, row, column) in hidden for row in frame.index] for column in columns},
        index=frame.index,
        dtype=bool,
    )


def _count(key: Hashable, value: object) -> int:
    try:
        count = operator.index(value)
    except TypeError:
        raise ValueError(f"cell {key!r}: a count must be a whole number, got {value!r}") from None
    if count < 0:
        raise ValueError(f"cell {key!r}: a count cannot be negative, got {count}")
    return count


def _checked_lines(
    counts: Mapping[Hashable, int], lines: Iterable[Sequence[Hashable]]
) -> list[Line]:
    checked = []
    for line in lines:
        line = tuple(line)
        if len(line) < 2:
            raise ValueError(f"line {line!r}: a line needs at least one cell and its total")
        if len(set(line)) != len(line):
            raise ValueError(f"line {line!r} names a cell twice")
        missing = [cell for cell in line if cell not in counts]
        if missing:
            raise ValueError(f"line ending {line[-1]!r} names cells with no value: {missing!r}")
        # The search for recoverable values relies on the sums; a line that does not add up is
        # a mistake in the caller's lines (or counts that overlap, like categories).
        added = sum(counts[cell] for cell in line[:-1])
        if added != counts[line[-1]]:
            raise ValueError(
                f"line ending {line[-1]!r}: its cells add up to {added}, "
                f"not to the total {counts[line[-1]]}"
            )
        checked.append(line)
    return checked


def _preference(counts: Mapping[Hashable, int], cell: Hashable) -> tuple[bool, int]:
    # A suppressed zero protects less than a positive cell (it can only be thought larger, never
    # smaller), so positive cells go first.
    return (counts[cell] == 0, counts[cell])


def _close_lines(counts: Mapping[Hashable, int], lines: list[Line], hidden: set) -> None:
    """The rule of docs/metrics.md: a line with one suppressed cell loses its next smallest."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) == 1:
                # min keeps the first of equal cells, so ties go by order in the line.
                shown = [cell for cell in line if cell not in hidden]
                hidden.add(min(shown, key=lambda cell: _preference(counts, cell)))
                changed = True


def _pinned(lines: list[Line], hidden: set, order: Mapping[Hashable, int]) -> list[Hashable]:
    """The hidden cells whose value follows from the shown cells and the line sums, in order.

    The hidden values satisfy one equation per line (parts minus total equals what the shown
    cells leave); a hidden cell is determined exactly when its unit vector lies in the row space
    of those equations, that is when some row of the reduced row echelon form is that unit
    vector. Exact fractions, so no tolerance decides a disclosure.
    """
    columns = sorted(hidden, key=order.__getitem__)
    index = {cell: position for position, cell in enumerate(columns)}
    pivots: dict[int, dict[int, Fraction]] = {}
    for line in lines:
        row: dict[int, Fraction] = {
            index[cell]: Fraction(-1 if cell == line[-1] else 1) for cell in line if cell in hidden
        }
        # Pivot rows hold their pivot and free columns only, so one pass clears every pivot.
        for column in [column for column in row if column in pivots]:
            factor = row[column]
            for other, value in pivots[column].items():
                row[other] = row.get(other, 0) - factor * value
        row = {column: value for column, value in row.items() if value}
        if not row:
            continue
        pivot = min(row)
        scale = row[pivot]
        row = {column: value / scale for column, value in row.items()}
        for existing in pivots.values():
            factor = existing.get(pivot)
            if factor:
                for column, value in row.items():
                    existing[column] = existing.get(column, 0) - factor * value
                for column in [column for column, value in existing.items() if not value]:
                    del existing[column]
        pivots[pivot] = row
    return [columns[pivot] for pivot in sorted(pivots) if len(pivots[pivot]) == 1]


def _unpinning_cell(
    counts: Mapping[Hashable, int],
    lines: list[Line],
    hidden: set,
    cell: Hashable,
    order: Mapping[Hashable, int],
) -> Hashable:
    """The shown cell whose suppression stops cell being worked out: the smallest positive one
    sharing a line with it, else the smallest positive one tied to it through other lines, else
    likewise a zero (a suppressed zero can only move one way, so protects less).

    In a two-way table a cell sharing a line always does it, but it may be a zero.
    """
    near = dict.fromkeys(c for line in lines if cell in line for c in line if c not in hidden)
    tied = _tied_cells(lines, cell)
    far = [c for c in tied if c not in hidden and c not in near]
    ranked = sorted([*near, *far], key=lambda c: (counts[c] == 0, c not in near, counts[c]))
    for candidate in ranked:
        if cell not in _pinned(lines, hidden | {candidate}, order):
            return candidate
    raise ValueError(
        f"cell {cell!r} can be worked out from its lines whatever else is suppressed: "
        "check the lines passed to suppressed_cells"
    )


def _tied_cells(lines: list[Line], cell: Hashable) -> dict[Hashable, None]:
    """The cells joined to cell through a chain of lines (an ordered set); no other can help."""
    tied = {cell: None}
    grew = True
    while grew:
        grew = False
        for line in lines:
            if any(c in tied for c in line) and not all(c in tied for c in line):
                tied.update(dict.fromkeys(line))
                grew = True
    return tied
