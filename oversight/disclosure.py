"""Disclosure control for public outputs (docs/metrics.md, "Disclosure control in public
outputs"): the one place where small numbers are suppressed.

Every published count is a cell, named by any hashable key: ("headline", "reports") or
("reports_by_force", "MPS", "reports"). A line is a group of cells tied by a published sum: the
cells that add up, then, last, the cell holding their total (which may be in another table, as
headline `reports` is the total of the `reports` column of reports_by_force). Cells whose total
is not published are not a line: nothing ties them, so only primary suppression applies.

Besides the sums the public knows bounds: every count is at least 0, some at least 1 (a force
listed in outcomes_by_force received a referral), and a part is never larger than its whole
(case to answer <= investigations <= referrals in a row). suppressed_cells takes these as
lower_bounds and orders, and keeps suppressing until no suppressed cell's feasible range, given
everything published and known, holds a single whole number.
"""

import functools
import operator
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from oversight.constants import DEFAULT_THRESHOLD
from oversight.constants import MIN_BASE as MIN_DENOMINATOR

SUPPRESSED = "[c]"
# Slack on the bounds of a linear programme's optimum when asking which whole numbers a
# suppressed cell can take (HiGHS holds constraints to about 1e-7).
TOLERANCE = 1e-7

Line = tuple[Hashable, ...]
# How many cells beyond those sharing a line or order with a recoverable cell are tried, one by
# one, as the cell whose suppression protects it.
FAR_CANDIDATES = 12


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
        "columns, one more cell (the smallest that prevents it) is suppressed as well, taking "
        "into account what the public already knows (a listed force received at least one "
        "referral; a part is never larger than its whole).",
        f"A rate or proportion whose numerator or denominator is suppressed, or whose denominator "
        f"is below {MIN_DENOMINATOR}, is shown as {SUPPRESSED}; so is a median or percentile "
        f"of days measured over fewer than {MIN_DENOMINATOR} cases.",
        "Tables that are summed to a total published elsewhere (reports by force and the "
        "headline count of reports, for example) are protected together.",
        "Figures are published only for financial years and their quarters, each released "
        "once (and revised at most once a year), and each release is protected together with "
        "every earlier release of its year, so that no difference between two releases "
        f"reveals a count from 1 to {threshold - 1}.",
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
    *,
    lower_bounds: Mapping[Hashable, int] | None = None,
    orders: Iterable[tuple[Hashable, Hashable]] = (),
    settled: Mapping[Hashable, bool] | None = None,
    unpublished: Iterable[Hashable] = (),
) -> frozenset[Hashable]:
    """The cells to show as SUPPRESSED: primary, then secondary until no suppressed value can be
    worked out from the published cells, the line sums and what the public knows besides.

    Args:
        values: every published count, by cell key; its order decides which cell is protected
            first when several could be worked out.
        lines: each line lists cells whose sum is published, then the cell holding that sum, last.
            Lines may overlap (a cell in a row and a column, a total in several lines).
        threshold: counts from 1 to threshold - 1 are suppressed.
        lower_bounds: cell -> k where the public knows the cell is at least k (a force listed
            because it received a referral has at least 1); every cell is at least 0 anyway.
        orders: pairs (small, large) of cells where the public knows small <= large (case to
            answer <= investigations <= referrals in a row); either may be shown or suppressed.
        settled: cells already published in an earlier release, True where they were
            suppressed: they stay as they were, shown ones are known, suppressed ones must stay
            impossible to work out.
        unpublished: cells never shown (the change in a cell between two releases): known to
            no one, but one from 1 to threshold - 1 must not be possible to work out either.

    Raises:
        ValueError: a count is not a non-negative whole number, a line names an unknown cell or
            does not add up to its total, a lower bound or order names an unknown cell or does
            not hold for the counts, or the threshold is below 2.
    """
    _check_threshold(threshold)
    counts = {key: _count(key, value) for key, value in values.items()}
    checked = _checked_lines(counts, lines)
    known = _Known(
        counts,
        checked,
        _checked_bounds(counts, lower_bounds or {}),
        _checked_orders(counts, orders),
    )
    order = {key: position for position, key in enumerate(counts)}
    scope = _Scope.of(counts, settled or {}, unpublished, threshold)
    hidden = {
        key
        for key, value in counts.items()
        if (key in scope.free and is_primary(value, threshold)) or key in scope.unknown
    }
    while True:
        _close_lines(counts, checked, hidden, scope)
        # The rule of docs/metrics.md looks at one line at a time; a suppressed cell can still
        # be worked out by combining lines (two blocks of suppressed cells joined by one cell),
        # so suppress one more cell until the linear algebra finds none.
        pruned = _pruned(checked, hidden, scope)
        pinned = [cell for cell in _pinned(pruned, hidden, order) if scope.guarded(cell)]
        if pinned:
            hidden.add(_unpinning_cell(counts, pruned, hidden, pinned[0], order, scope))
            continue
        # With bounds a cell can be worked out though the sums leave it free: two cells of at
        # least 1 sharing 2 are both 1. Suppress one more cell until every suppressed cell's
        # range, given all that is known, holds two whole numbers or more.
        recoverable = _recoverable(known, hidden, order, scope=scope)
        if recoverable is None:
            return frozenset(hidden & scope.free)
        hidden.add(_widening_cell(known, hidden, recoverable, order, scope))


@dataclass(frozen=True)
class _Scope:
    """Which cells this run may suppress (free), which are unknown whatever it does (suppressed
    earlier, or never published), and which of the never-published ones must stay impossible to
    work out (those from 1 to threshold - 1)."""

    free: frozenset
    unknown: frozenset
    unguarded: frozenset  # never published, and fine to be worked out (0, or threshold or more)

    @classmethod
    def of(cls, counts, settled, unpublished, threshold) -> "_Scope":
        unpublished = set(unpublished)
        for cell in [*settled, *unpublished]:
            if cell not in counts:
                raise ValueError(f"{cell!r} is settled or unpublished but has no value")
        return cls(
            free=frozenset(c for c in counts if c not in settled and c not in unpublished),
            unknown=frozenset({c for c, hid in settled.items() if hid} | unpublished),
            unguarded=frozenset(c for c in unpublished if not is_primary(counts[c], threshold)),
        )

    def guarded(self, cell: Hashable) -> bool:
        """Whether a hidden cell must not be possible to work out."""
        return cell not in self.unguarded


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


def _close_lines(
    counts: Mapping[Hashable, int], lines: list[Line], hidden: set, scope: "_Scope"
) -> None:
    """The rule of docs/metrics.md: a line with one suppressed cell loses its next smallest
    (of the cells this run may suppress; the linear algebra deals with a line that has none)."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            alone = [cell for cell in line if cell in hidden]
            if len(alone) != 1 or not scope.guarded(alone[0]):
                continue
            # min keeps the first of equal cells, so ties go by order in the line.
            shown = [cell for cell in line if cell not in hidden and cell in scope.free]
            if shown:
                hidden.add(min(shown, key=lambda cell: _preference(counts, cell)))
                changed = True


def _pruned(lines: list[Line], hidden: set, scope: "_Scope") -> list[Line]:
    """The lines less those that tie nothing: a line holding a hidden cell that may be worked
    out and is in no other line (a change between releases) only says what that cell is."""
    kept = list(lines)
    while True:
        seen: dict[Hashable, int] = {}
        for line in kept:
            for cell in line:
                if cell in hidden:
                    seen[cell] = seen.get(cell, 0) + 1
        loose = {
            line
            for line in kept
            if any(seen[c] == 1 and not scope.guarded(c) for c in line if c in hidden)
        }
        if not loose:
            return kept
        kept = [line for line in kept if line not in loose]


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
    scope: "_Scope",
) -> Hashable:
    """The shown cell whose suppression stops cell being worked out: the smallest positive one
    sharing a line with it, else the smallest positive one tied to it through other lines, else
    likewise a zero (a suppressed zero can only move one way, so protects less).

    In a two-way table a cell sharing a line always does it, but it may be a zero.
    """
    near = dict.fromkeys(
        c for line in lines if cell in line for c in line if c not in hidden and c in scope.free
    )
    tied = _tied_cells(lines, cell)
    far = [c for c in tied if c not in hidden and c not in near and c in scope.free]
    ranked = sorted([*near, *far], key=lambda c: (counts[c] == 0, c not in near, counts[c]))
    for candidate in ranked:
        if cell not in _pinned(lines, hidden | {candidate}, order):
            return candidate
    if ranked:
        # No one cell does it (a change between releases tied to several shown cells): hide
        # the best and go on; the line rule and the next rounds add what else it takes.
        return ranked[0]
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


# ---------------------------------------------------------------------------------------------
# What the public knows besides the sums, and the audit of each suppressed cell's range.


@dataclass(frozen=True)
class _Known:  # frozen, but cached_property needs the instance __dict__, which it keeps
    """What an outsider knows besides the shown cells: the line sums, a lower bound for some
    cells (every cell is at least 0), and pairs (small, large) with small <= large."""

    counts: Mapping[Hashable, int]
    lines: list[Line]
    lower: Mapping[Hashable, int]
    orders: list[tuple[Hashable, Hashable]]

    @functools.cached_property
    def groups_of(self) -> dict[Hashable, list[tuple]]:
        """Each cell's lines and orders (to find one cell's block without the others')."""
        groups: dict[Hashable, list[tuple]] = {}
        for group in [*self.lines, *self.orders]:
            for cell in group:
                groups.setdefault(cell, []).append(group)
        return groups

    def block_of(self, cell: Hashable, hidden: set, order: Mapping[Hashable, int]) -> list:
        """The hidden cells joined to cell by lines and orders, in order."""
        found, todo = {cell}, [cell]
        while todo:
            for group in self.groups_of.get(todo.pop(), ()):
                for other in group:
                    if other in hidden and other not in found:
                        found.add(other)
                        todo.append(other)
        return sorted(found, key=order.__getitem__)


def _checked_bounds(
    counts: Mapping[Hashable, int], lower_bounds: Mapping[Hashable, int]
) -> dict[Hashable, int]:
    checked = {}
    for cell, bound in lower_bounds.items():
        if cell not in counts:
            raise ValueError(f"a lower bound is given for {cell!r}, a cell with no value")
        try:
            bound = operator.index(bound)
        except TypeError:
            raise ValueError(
                f"cell {cell!r}: a lower bound must be a whole number, got {bound!r}"
            ) from None
        if counts[cell] < bound:
            raise ValueError(
                f"cell {cell!r}: its count {counts[cell]} is below its lower bound {bound}"
            )
        checked[cell] = bound
    return checked


def _checked_orders(
    counts: Mapping[Hashable, int], orders: Iterable[tuple[Hashable, Hashable]]
) -> list[tuple[Hashable, Hashable]]:
    checked = []
    for pair in orders:
        pair = tuple(pair)
        if len(pair) != 2:
            raise ValueError(f"order {pair!r}: an order is a pair (small, large)")
        missing = [cell for cell in pair if cell not in counts]
        if missing:
            raise ValueError(f"order {pair!r} names cells with no value: {missing!r}")
        small, large = pair
        if small == large:
            raise ValueError(f"order {pair!r} names a cell twice")
        if counts[small] > counts[large]:
            raise ValueError(
                f"order {pair!r}: the small cell's count {counts[small]} is larger than the "
                f"large cell's {counts[large]}"
            )
        checked.append(pair)
    return checked


class _Block:
    """Suppressed cells tied together by lines or orders, as the unknowns of a linear programme:
    the line sums (shown cells as constants) as equations, the orders between two of them as
    inequalities, and each cell's bounds (its lower bound, 0, the shown cells an order puts
    below or above it).

    A cell gives its value away when its range holds one whole number only (LP relaxation: a
    range narrower than 1 around the true value tells it as well). The true values are one
    feasible point, so the range holds the true value v and is safe exactly when it reaches
    v + 1 or v - 1: any feasible point found on the way that is 1 away from the truth in some
    cell settles that cell too, which spares most of the programmes.
    """

    def __init__(self, known: _Known, hidden: set, cells: list[Hashable]) -> None:
        counts = known.counts
        self.cells = cells
        index = {cell: k for k, cell in enumerate(cells)}
        n = len(cells)
        self.truth = np.array([counts[cell] for cell in cells], dtype=float)
        self.low = np.array([max(0, known.lower.get(cell, 0)) for cell in cells], dtype=float)
        self.high = np.full(n, np.inf)
        equations, constants = [], []
        for line in known.lines:
            row = np.zeros(n)
            constant = 0
            for cell in line:
                sign = -1 if cell == line[-1] else 1
                if cell in index:
                    row[index[cell]] = sign
                elif cell in hidden:
                    break  # another block's line
                else:
                    constant -= sign * counts[cell]
            else:
                if row.any():
                    equations.append(row)
                    constants.append(constant)
        inequalities = []
        for small, large in known.orders:
            if small in index and large in index:
                row = np.zeros(n)
                row[index[small]], row[index[large]] = 1, -1
                inequalities.append(row)
            elif small in index and large not in hidden:
                self.high[index[small]] = min(self.high[index[small]], counts[large])
            elif large in index and small not in hidden:
                self.low[index[large]] = max(self.low[index[large]], counts[small])
        self.a_eq = np.array(equations) if equations else None
        self.b_eq = np.array(constants, dtype=float) if equations else None
        self.a_ub = np.array(inequalities) if inequalities else None
        self.b_ub = np.zeros(len(inequalities)) if inequalities else None
        self.safe = np.zeros(n, dtype=bool)
        self.searched = False

    def _settle(self, point: np.ndarray) -> None:
        """Mark the cells where a feasible point is 1 or more away from the truth."""
        self.safe |= np.abs(point - self.truth) >= 1 - TOLERANCE

    def _solve(self, objective: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray | None:
        """A feasible point minimising objective over the block, or None if the objective has
        no bound (a cell pushed up with nothing above it: it is not known from above)."""
        if self.a_eq is None and self.a_ub is None:
            # Nothing ties the cells: each goes to the end of its own range.
            ends = np.where(objective > 0, low, np.where(objective < 0, high, self.truth))
            return None if np.isinf(ends).any() else ends
        result = linprog(
            objective,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=np.column_stack([low, high]),
            method="highs",
        )
        if result.status == 0:
            return result.x
        if result.status == 3:
            return None
        # 2 (infeasible) cannot be: the true values are a feasible point, so the lines, bounds
        # and orders were checked wrongly. 1 and 4 are limits or numerical trouble in the solver,
        # which must not pass for "cannot be worked out".
        raise RuntimeError(
            f"disclosure audit: linear programme over {self.cells!r} failed: {result.message}"
        )

    def _search(self) -> None:
        """Push every unsettled cell up at once, then down at once: most settle here. Each
        pushed cell is capped 1 away from its true value, which is all that matters and keeps
        the programme bounded."""
        self.searched = True
        for direction in (1, -1):
            objective = np.where(self.safe, 0.0, -float(direction))
            if not objective.any():
                return
            if direction == 1:
                high = np.where(self.safe, self.high, np.minimum(self.high, self.truth + 1))
                point = self._solve(objective, self.low, high)
            else:
                low = np.where(self.safe, self.low, np.maximum(self.low, self.truth - 1))
                point = self._solve(objective, low, self.high)
            if point is not None:
                self._settle(point)

    def recoverable(self, k: int, search: bool = True) -> bool:
        """Whether cell k's range holds one whole number only: the highest value it can take
        and the lowest, each rounded inwards with TOLERANCE, are the same. Without search, the
        block's other cells are not settled first (worth it only when several are asked)."""
        if self.safe[k]:
            return False
        if search and not self.searched:
            self._search()
            if self.safe[k]:
                return False
        for direction in (1, -1):
            objective = np.zeros(len(self.cells))
            objective[k] = -direction
            low, high = self.low.copy(), self.high.copy()
            if direction == 1:
                high[k] = min(high[k], self.truth[k] + 1)
            elif self.truth[k] - 1 >= low[k] - TOLERANCE:
                low[k] = max(low[k], self.truth[k] - 1)
            else:
                break  # its lower bound is above v - 1: it cannot go down a whole number
            point = self._solve(objective, low, high)
            if point is None:
                self.safe[k] = True  # no end in that direction
            else:
                self._settle(point)
            if self.safe[k]:
                return False
        return True


def _blocks(known: _Known, hidden: set, order: Mapping[Hashable, int]) -> dict[Hashable, list]:
    """Each hidden cell's block: the hidden cells joined to it by lines and orders, in order."""
    parent = {cell: cell for cell in hidden}

    def root(cell: Hashable) -> Hashable:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for group in [*known.lines, *known.orders]:
        members = [cell for cell in group if cell in hidden]
        for cell in members[1:]:
            parent[root(cell)] = root(members[0])
    blocks: dict[Hashable, list] = {}
    for cell in sorted(hidden, key=order.__getitem__):
        blocks.setdefault(root(cell), []).append(cell)
    return {cell: blocks[root(cell)] for cell in hidden}


def _recoverable(
    known: _Known,
    hidden: set,
    order: Mapping[Hashable, int],
    only: Hashable | None = None,
    scope: "_Scope | None" = None,
) -> Hashable | None:
    """The first hidden cell (in order) whose value can be worked out from the shown cells, the
    sums, the lower bounds and the orders; None if none can. With only, that cell alone; with
    scope, only the cells it guards."""
    if only is not None:
        cells = known.block_of(only, hidden, order)
        block = _Block(known, hidden, cells)
        return only if block.recoverable(cells.index(only), search=False) else None
    members = _blocks(known, hidden, order)
    built: dict[int, _Block] = {}
    guarded = sorted((c for c in hidden if scope is None or scope.guarded(c)), key=order.get)
    for cell in guarded:
        cells = members[cell]
        block = built.get(id(cells))
        if block is None:
            block = built[id(cells)] = _Block(known, hidden, cells)
        if block.recoverable(cells.index(cell)):
            return cell
    return None


def _widening_cell(
    known: _Known, hidden: set, cell: Hashable, order: Mapping[Hashable, int], scope: "_Scope"
) -> Hashable:
    """The shown cell whose suppression (and the line rule after it) stops cell being worked
    out with the bounds and orders: the smallest positive one sharing a line or an order with
    it, else the smallest positive one tied to it through other lines and orders, else likewise
    a zero. If no single cell does it, the smallest sharing a line or an order with it, and the
    search goes on from there with one more cell suppressed.
    """
    counts = known.counts
    groups = [*known.lines, *known.orders]
    near = dict.fromkeys(
        c for group in groups if cell in group for c in group if c not in hidden and c in scope.free
    )
    tied = _tied_cells(groups, cell)
    far = [c for c in tied if c not in hidden and c not in near and c in scope.free]
    ranked = sorted([*near, *far], key=lambda c: (counts[c] == 0, c not in near, counts[c]))
    # Across releases nearly every cell is tied to every other: trying them all costs minutes,
    # and hiding the smallest near cell and going on is as safe (only more is suppressed).
    for candidate in ranked[: len(near) + FAR_CANDIDATES]:
        trial = hidden | {candidate}
        _close_lines(counts, known.lines, trial, scope)
        if _recoverable(known, trial, order, only=cell) is None:
            return candidate
    if ranked:
        return min(near, key=lambda c: _preference(counts, c)) if near else ranked[0]
    raise ValueError(
        f"cell {cell!r} can be worked out from its lines, bounds and orders whatever else is "
        "suppressed: check the lines, lower bounds and orders passed to suppressed_cells"
    )
