"""Tests for oversight.disclosure: hand-worked tables, and properties of random two-way tables
checked against independent views of the same question (a graph of suppressed cells, and
linear programmes bounding each suppressed cell from what is published and known)."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from oversight import disclosure
from oversight import settings as oversight_settings
from oversight.disclosure import (
    SUPPRESSED,
    apply,
    is_primary,
    rules,
    suppress_rate,
    suppressed_cells,
    table_lines,
    table_mask,
    table_values,
)

# ---------------------------------------------------------------------------------------------
# Helpers: a two-way table with every row total, column total and the grand total published.


def grid(interior: list[list[int]]) -> dict[tuple[int, int], int]:
    """Cells (row, column) of the table with its totals: row m holds column totals, column n
    holds row totals."""
    m, n = len(interior), len(interior[0])
    full = [[*row, sum(row)] for row in interior]
    full.append([sum(full[i][j] for i in range(m)) for j in range(n + 1)])
    return {(i, j): full[i][j] for i in range(m + 1) for j in range(n + 1)}


def grid_lines(m: int, n: int) -> list[tuple]:
    """Each row with its row total last (the totals row with the grand total), then each
    column with its column total last (the totals column with the grand total)."""
    rows = [tuple((i, j) for j in range(n + 1)) for i in range(m + 1)]
    columns = [tuple((i, j) for i in range(m + 1)) for j in range(n + 1)]
    return rows + columns


def cell_ranges(
    values: dict, lines: list[tuple], hidden, lower_bounds: dict | None = None, orders=()
) -> dict:
    """For each hidden cell, (min, max) it can take given the shown cells, the line sums, every
    cell >= 0 and >= its lower bound, and small <= large for each order (max is inf where
    unbounded). Every cell is a variable; the shown ones are fixed by their bounds."""
    lower_bounds = lower_bounds or {}
    orders = list(orders)
    cells = list(values)
    position = {cell: k for k, cell in enumerate(cells)}
    equations = np.zeros((len(lines), len(cells)))
    for r, line in enumerate(lines):
        for cell in line[:-1]:
            equations[r, position[cell]] = 1
        equations[r, position[line[-1]]] = -1
    inequalities = np.zeros((len(orders), len(cells)))
    for r, (small, large) in enumerate(orders):
        inequalities[r, position[small]], inequalities[r, position[large]] = 1, -1
    ordered = {"A_ub": inequalities, "b_ub": np.zeros(len(orders))} if orders else {}
    bounds = [
        (max(0, lower_bounds.get(cell, 0)), None) if cell in hidden else (values[cell],) * 2
        for cell in cells
    ]
    ranges = {}
    for cell in hidden:
        objective = np.zeros(len(cells))
        objective[position[cell]] = 1
        sums = {"A_eq": equations, "b_eq": np.zeros(len(lines))} if lines else {}
        low = linprog(objective, **sums, **ordered, bounds=bounds)
        high = linprog(-objective, **sums, **ordered, bounds=bounds)
        assert low.status == 0
        assert high.status in (0, 3)
        ranges[cell] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def whole_numbers(low: float, high: float) -> float:
    """How many whole numbers lie in [low, high], with the tolerance of the module."""
    if high == np.inf:
        return np.inf
    return math.floor(high + 1e-7) - math.ceil(low - 1e-7) + 1


def bridges(hidden) -> set:
    """Hidden cells of a grid that lie on no cycle of the bipartite graph rows-columns whose
    edges are the hidden cells: exactly the cells the published sums pin down."""
    found = set()
    for cell in hidden:
        rest = set(hidden) - {cell}
        start, goal = ("row", cell[0]), ("column", cell[1])
        seen, todo = {start}, [start]
        while todo:
            kind, label = todo.pop()
            for i, j in rest:
                if (kind == "row" and i == label) or (kind == "column" and j == label):
                    step = ("column", j) if kind == "row" else ("row", i)
                    if step not in seen:
                        seen.add(step)
                        todo.append(step)
        if goal not in seen:
            found.add(cell)
    return found


# ---------------------------------------------------------------------------------------------
# Primary suppression and the one-line rule, by hand.


def column(*counts: int) -> tuple[dict, list[tuple]]:
    """A single column of counts closed by its published total."""
    values = {("t", k): count for k, count in enumerate(counts)}
    values[("t", "total")] = sum(counts)
    return values, [tuple(values)]


def test_is_primary_marks_one_to_threshold_less_one():
    assert [is_primary(v) for v in range(7)] == [False, True, True, True, True, False, False]
    assert is_primary(9, threshold=10) and not is_primary(10, threshold=10)


def test_column_2_7_9_30_total_48_suppresses_2_and_7():
    values, lines = column(2, 7, 9, 30)
    assert values[("t", "total")] == 48
    assert suppressed_cells(values, lines) == {("t", 0), ("t", 1)}


def test_zeros_are_never_primary_and_not_chosen_while_a_positive_cell_is_shown():
    values, lines = column(0, 0, 6, 8)
    assert suppressed_cells(values, lines) == frozenset()
    # 3 is primary; the smallest positive cell left is 20 (not a zero), total 23.
    values, lines = column(0, 3, 0, 20)
    assert suppressed_cells(values, lines) == {("t", 1), ("t", 3)}


def test_the_total_is_suppressed_when_it_is_the_only_positive_cell_left():
    values, lines = column(3, 0, 0)
    assert suppressed_cells(values, lines) == {("t", 0), ("t", "total")}


def test_a_line_with_no_suppressed_cell_is_untouched():
    values, lines = column(5, 6, 7)
    other, other_lines = (
        {("u", k): v for k, v in enumerate([2, 8, 10])},
        [(("u", 0), ("u", 1), ("u", 2))],
    )
    assert suppressed_cells(values | other, lines + other_lines) == {("u", 0), ("u", 1)}


def test_ties_go_to_the_cell_that_comes_first_in_the_line():
    values, lines = column(3, 8, 8)
    assert suppressed_cells(values, lines) == {("t", 0), ("t", 1)}


def test_two_primary_cells_in_a_line_need_no_secondary():
    values, lines = column(12, 3, 0, 40, 7, 1)
    assert suppressed_cells(values, lines) == {("t", 1), ("t", 5)}


def test_the_threshold_changes_what_is_suppressed():
    values, lines = column(2, 7, 9, 30)
    # Fewer than 10: 2, 7 and 9 are primary, three in the line, so nothing more.
    assert suppressed_cells(values, lines, threshold=10) == {("t", 0), ("t", 1), ("t", 2)}
    # Fewer than 3: only 2, then 7 as the next smallest.
    assert suppressed_cells(values, lines, threshold=3) == {("t", 0), ("t", 1)}
    # Fewer than 2: nothing here.
    assert suppressed_cells(values, lines, threshold=2) == frozenset()


def test_cells_in_no_line_get_primary_suppression_only():
    values = {("timeliness", "a"): 3, ("timeliness", "b"): 40}
    assert suppressed_cells(values, []) == {("timeliness", "a")}


def test_one_dimensional_reports_by_force_with_the_headline_total():
    forces = pd.DataFrame(
        {"reports": [12, 3, 0, 40, 7, 0]}, index=["A", "B", "C", "D", "E", "unknown"]
    )
    values = table_values("reports_by_force", forces) | {("headline", "reports"): 62}
    lines = [(*(("reports_by_force", f, "reports") for f in forces.index), ("headline", "reports"))]
    hidden = suppressed_cells(values, lines)
    # B = 3 is primary; the next smallest positive cell is E = 7 (not the zeros, not 12).
    assert hidden == {("reports_by_force", "B", "reports"), ("reports_by_force", "E", "reports")}
    shown = apply(forces, table_mask("reports_by_force", forces, hidden))
    assert shown["reports"].tolist() == [12, SUPPRESSED, 0, 40, SUPPRESSED, 0]


def test_a_small_headline_total_takes_its_parts_with_it():
    values = {("headline", "reports"): 3, ("f", "A"): 1, ("f", "B"): 0, ("f", "C"): 2}
    lines = [(("f", "A"), ("f", "B"), ("f", "C"), ("headline", "reports"))]
    assert suppressed_cells(values, lines) == {("f", "A"), ("f", "C"), ("headline", "reports")}


def test_a_total_in_two_lines():
    # reports = phone + online, and also the sum over forces.
    values = {
        ("headline", "reports_phone"): 3,
        ("headline", "reports_online"): 27,
        ("headline", "reports"): 30,
        ("force", "A"): 10,
        ("force", "B"): 20,
    }
    lines = [
        (("headline", "reports_phone"), ("headline", "reports_online"), ("headline", "reports")),
        (("force", "A"), ("force", "B"), ("headline", "reports")),
    ]
    # phone is primary; online (27) is smaller than reports (30); the forces are untouched.
    expected = {("headline", "reports_phone"), ("headline", "reports_online")}
    assert suppressed_cells(values, lines) == expected


def test_two_by_two_table_cascades_through_rows_and_columns():
    # 2 10 | 12
    # 20 30 | 50
    # 22 40 | 62
    values = grid([[2, 10], [20, 30]])
    assert values[(2, 2)] == 62
    # 2 is primary; row 0 then gives 10; column 0 gives 20; column 1 (10 hidden) gives 30.
    expected = {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert suppressed_cells(values, grid_lines(2, 2)) == expected


# ---------------------------------------------------------------------------------------------
# The case the one-line rule cannot see: two blocks of suppressed cells joined by one cell.

BRIDGED = [[2, 3, 1, 20], [4, 2, 30, 40], [50, 60, 3, 2], [70, 80, 4, 1]]
BRIDGED_PRIMARY = {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}


def test_the_one_line_rule_alone_would_disclose_the_joining_cell():
    values, lines = grid(BRIDGED), grid_lines(4, 4)
    # Every row and column holds 0, 2 or 3 of the primary cells, so the rule adds nothing, yet
    # by hand: row 0 gives x00 + x01 + x02 = 26 - 20 = 6; columns 0 and 1 give
    # x00 + x01 = (126 - 120 - x10) + (145 - 140 - x11) = 11 - (x10 + x11) = 11 - (76 - 70) = 5;
    # so x02 = 1, the true value.
    assert is_primary(values[(0, 2)]) and values[(0, 2)] == 1
    assert cell_ranges(values, lines, BRIDGED_PRIMARY)[(0, 2)] == pytest.approx((1, 1))


def test_the_joining_cell_is_protected_by_the_smallest_cell_that_closes_a_cycle():
    values, lines = grid(BRIDGED), grid_lines(4, 4)
    # Candidates sharing a line with (0, 2): 20 at (0, 3), 26 (row total), 30 at (1, 2), 38
    # (column total). 20 joins row 0 to column 3, which is in the other block: a cycle.
    hidden = suppressed_cells(values, lines)
    assert hidden == BRIDGED_PRIMARY | {(0, 3)}
    ranges = cell_ranges(values, lines, hidden)
    assert all(high - low > 0 for low, high in ranges.values())


def test_a_positive_cell_away_from_the_joining_cell_is_preferred_to_a_zero_beside_it():
    # As BRIDGED, but (0, 3) and (1, 2) are 0: row 0 total 6, column 2 total 8.
    interior = [[2, 3, 1, 0], [4, 2, 0, 40], [50, 60, 3, 2], [70, 80, 4, 1]]
    values, lines = grid(interior), grid_lines(4, 4)
    # Beside (0, 2): the zeros (0, 3), (1, 2) and the totals 6 and 8, which join nothing. The
    # cells joining rows 0-1 to columns 2-3 or rows 2-3 to columns 0-1 are 0, 0, 40, 50, 60,
    # 70, 80: the smallest positive is 40 at (1, 3).
    hidden = suppressed_cells(values, lines)
    assert hidden == BRIDGED_PRIMARY | {(1, 3)}
    assert all(high - low > 0 for low, high in cell_ranges(values, lines, hidden).values())


def test_a_zero_is_suppressed_when_no_positive_cell_can_join_the_blocks():
    # Rows 0-1 x columns 0-1 and rows 2-3 x columns 2-3 are the blocks, joined by (0, 2) = 1;
    # every cell between the blocks is 0, column 4 (all 50) and the totals join nothing.
    interior = [[2, 3, 1, 0, 50], [4, 2, 0, 0, 50], [0, 0, 3, 4, 50], [0, 0, 4, 4, 50]]
    values, lines = grid(interior), grid_lines(4, 5)
    assert [values[(4, j)] for j in range(6)] == [6, 5, 8, 8, 200, 227]
    primary = {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    # The first zero beside (0, 2), in row 0 before column 2, is (0, 3).
    hidden = suppressed_cells(values, lines)
    assert hidden == primary | {(0, 3)}
    # A suppressed zero can only go up, but (0, 2) is still 0 or 1, not known.
    assert cell_ranges(values, lines, hidden)[(0, 2)] == pytest.approx((0, 1))


# ---------------------------------------------------------------------------------------------
# Bad input.


@pytest.mark.parametrize(
    ("values", "lines", "message"),
    [
        ({"a": 1, "b": 2, "t": 4}, [("a", "b", "t")], "add up to 3"),
        ({"a": 1, "t": 1}, [("a", "b", "t")], "no value"),
        ({"a": -1, "t": -1}, [("a", "t")], "negative"),
        ({"a": 1.5, "t": 1.5}, [("a", "t")], "whole number"),
        ({"a": 1}, [("a",)], "at least one cell and its total"),
        ({"a": 1, "t": 2}, [("a", "a", "t")], "twice"),
    ],
)
def test_bad_values_or_lines_are_refused(values, lines, message):
    with pytest.raises(ValueError, match=message):
        suppressed_cells(values, lines)


def test_a_threshold_below_two_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        suppressed_cells({"a": 1}, [], threshold=1)


# ---------------------------------------------------------------------------------------------
# Rates.


def test_rate_with_suppressed_numerator_is_suppressed():
    assert suppress_rate(12.5, True, 40) == SUPPRESSED


def test_rate_with_denominator_below_ten_is_suppressed():
    assert suppress_rate(0.5, False, 9) == SUPPRESSED
    assert suppress_rate(0.5, False, 10) == 0.5


def test_rate_with_suppressed_denominator_is_suppressed_even_when_empty():
    assert suppress_rate(0.5, False, 40, denominator_suppressed=True) == SUPPRESSED
    # Empty beside a suppressed denominator would tell that the denominator is zero.
    assert suppress_rate(None, False, 0, denominator_suppressed=True) == SUPPRESSED


def test_a_rate_that_cannot_be_computed_stays_empty():
    assert suppress_rate(None, False, 0) is None
    assert suppress_rate(None, False, None) is None
    assert np.isnan(suppress_rate(float("nan"), False, float("nan")))


def test_min_denominator_zero_for_officer_fte():
    assert suppress_rate(250.0, False, 4.5, min_denominator=0) == 250.0
    assert suppress_rate(250.0, True, 4.5, min_denominator=0) == SUPPRESSED


# ---------------------------------------------------------------------------------------------
# Frames.


def test_apply_suppresses_masked_cells_in_a_copy():
    frame = pd.DataFrame(
        {"reports": [12, 3, 0], "officer_fte": [100.5, 20.0, 7.0]}, index=["A", "B", "C"]
    )
    mask = pd.DataFrame({"reports": [False, True, False]}, index=frame.index)
    shown = apply(frame, mask)
    assert shown["reports"].tolist() == [12, SUPPRESSED, 0]
    assert shown["officer_fte"].tolist() == [100.5, 20.0, 7.0]
    assert shown["officer_fte"].dtype == frame["officer_fte"].dtype
    assert frame["reports"].tolist() == [12, 3, 0]


def test_apply_refuses_a_mask_that_does_not_match():
    frame = pd.DataFrame({"reports": [12, 3]}, index=["A", "B"])
    with pytest.raises(ValueError, match="index"):
        apply(frame, pd.DataFrame({"reports": [False, True]}, index=["A", "C"]))
    with pytest.raises(ValueError, match="not in the frame"):
        apply(frame, pd.DataFrame({"cases": [False, True]}, index=frame.index))


def test_table_lines_for_a_table_with_row_and_column_totals():
    frame = pd.DataFrame(
        {"phone": [1, 2, 3], "online": [4, 5, 9], "all": [5, 7, 12]}, index=["jan", "feb", "total"]
    )
    lines = table_lines("m", frame, row_total="all", column_total="total")
    assert lines == [
        (("m", "jan", "phone"), ("m", "jan", "online"), ("m", "jan", "all")),
        (("m", "feb", "phone"), ("m", "feb", "online"), ("m", "feb", "all")),
        (("m", "total", "phone"), ("m", "total", "online"), ("m", "total", "all")),
        (("m", "jan", "phone"), ("m", "feb", "phone"), ("m", "total", "phone")),
        (("m", "jan", "online"), ("m", "feb", "online"), ("m", "total", "online")),
        (("m", "jan", "all"), ("m", "feb", "all"), ("m", "total", "all")),
    ]
    assert table_values("m", frame)[("m", "feb", "online")] == 5
    assert table_lines("m", frame, ["phone"], column_total="total") == [lines[3]]


def test_rules_state_the_threshold():
    assert "1 to 4" in disclosure.RULES[0]
    assert "1 to 9" in rules(10)[0] and "fewer than 10" in rules(10)[0]
    assert "below 10" in disclosure.RULES[3]
    assert "no ids" in disclosure.RULES[-1]


# ---------------------------------------------------------------------------------------------
# settings.disclosure_threshold


def test_disclosure_threshold_defaults_to_five(monkeypatch):
    monkeypatch.delenv("OVERSIGHT_DISCLOSURE_THRESHOLD", raising=False)
    assert oversight_settings.disclosure_threshold() == 5


def test_disclosure_threshold_from_the_environment(monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_THRESHOLD", "10")
    assert oversight_settings.disclosure_threshold() == 10


@pytest.mark.parametrize("raw", ["ten", "4.5", "", "1", "0", "-3"])
def test_disclosure_threshold_refuses_bad_values(monkeypatch, raw):
    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_THRESHOLD", raw)
    with pytest.raises(ValueError, match="OVERSIGHT_DISCLOSURE_THRESHOLD"):
        oversight_settings.disclosure_threshold()


# ---------------------------------------------------------------------------------------------
# Properties of random two-way tables with all totals published.

counts = st.one_of(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), st.integers(13, 300))


@st.composite
def tables(draw, max_side: int = 6):
    m = draw(st.integers(1, max_side))
    n = draw(st.integers(1, max_side))
    return draw(st.lists(st.lists(counts, min_size=n, max_size=n), min_size=m, max_size=m))


thresholds = st.sampled_from([5, 5, 5, 2, 3, 10])


@settings(max_examples=200, deadline=None)
@given(tables(), thresholds)
def test_property_suppression_is_primary_complete_closed_and_deterministic(interior, threshold):
    m, n = len(interior), len(interior[0])
    values, lines = grid(interior), grid_lines(m, n)
    hidden = suppressed_cells(values, lines, threshold)
    primary = {cell for cell, value in values.items() if 1 <= value < threshold}
    # (1) every small count, in cells and totals, is suppressed.
    assert primary <= hidden
    # (2) no line has exactly one suppressed cell.
    assert all(sum(cell in hidden for cell in line) != 1 for line in lines)
    # (3) deterministic, also from an equal but separate input.
    assert suppressed_cells(dict(values), list(lines), threshold) == hidden
    # No suppressed cell is pinned by the sums: every hidden cell lies on a cycle.
    assert not bridges(hidden)
    # (4) nothing beyond primary when primary is already safe.
    if all(sum(cell in primary for cell in line) != 1 for line in lines) and not bridges(primary):
        assert hidden == primary


@settings(max_examples=100, deadline=None)
@given(tables(max_side=4), thresholds)
def test_property_no_suppressed_cell_can_be_worked_out(interior, threshold):
    m, n = len(interior), len(interior[0])
    values, lines = grid(interior), grid_lines(m, n)
    hidden = suppressed_cells(values, lines, threshold)
    # (5) with the shown cells fixed, all sums holding and every cell >= 0, each suppressed
    # cell can take more than one value.
    for cell, (low, high) in cell_ranges(values, lines, hidden).items():
        assert high - low > 1e-6, (cell, low, high)


# ---------------------------------------------------------------------------------------------
# What the public knows besides the sums: lower bounds and orders (a part <= its whole).

OUTCOMES = "outcomes_by_force"


def outcomes(rows: dict[str, tuple[int, ...]], columns: tuple[str, ...]):
    """outcomes_by_force cells, each column closed by its headline total; the lower bound 1 on
    every listed force's referrals; and the orders of each row, column by column."""
    values = {
        (OUTCOMES, force, column): count
        for force, counts in rows.items()
        for column, count in zip(columns, counts, strict=True)
    }
    lines = []
    for j, column in enumerate(columns):
        values[("headline", column, "value")] = sum(counts[j] for counts in rows.values())
        lines.append(
            (*((OUTCOMES, force, column) for force in rows), ("headline", column, "value"))
        )
    lower = {(OUTCOMES, force, "referrals"): 1 for force in rows}
    orders = [
        ((OUTCOMES, force, small), (OUTCOMES, force, large))
        for force in rows
        for large, small in itertools.pairwise(columns)
    ]
    return values, lines, lower, orders


def test_listed_forces_have_at_least_one_referral_so_two_ones_sharing_two_are_known():
    # Kent 1, Essex 1, Sussex 10, total 12: published [c], [c], 10, 12.
    values, lines, lower, _ = outcomes({"KNT": (1,), "ESX": (1,), "SSX": (10,)}, ("referrals",))
    kent, essex, sussex = ((OUTCOMES, force, "referrals") for force in ("KNT", "ESX", "SSX"))
    # The sums alone leave each 1 anywhere in [0, 2]: the one-line rule is satisfied.
    assert suppressed_cells(values, lines) == {kent, essex}
    # But each listed force has at least one referral: 12 - 10 = 2 shared by two cells >= 1.
    assert cell_ranges(values, lines, {kent, essex}, lower)[kent] == pytest.approx((1, 1))
    # So the smallest positive cell sharing their line, Sussex 10, goes too: each of the three
    # is then anywhere from 1 to 12 - 1 - 1 = 10.
    hidden = suppressed_cells(values, lines, lower_bounds=lower)
    assert hidden == {kent, essex, sussex}
    ranges = cell_ranges(values, lines, hidden, lower)
    assert ranges == {cell: pytest.approx((1, 10)) for cell in hidden}
    assert all(whole_numbers(*ranges[cell]) >= 2 for cell in hidden)


def test_a_part_never_larger_than_its_whole_pins_a_hidden_cell():
    #          referrals investigations case_to_answer
    # Kent          8          1              0
    # Essex         6          6              6
    # Sussex       30         20             10
    # total        44         27             16
    columns = ("referrals", "investigations", "case_to_answer")
    rows = {"KNT": (8, 1, 0), "ESX": (6, 6, 6), "SSX": (30, 20, 10)}
    values, lines, lower, orders = outcomes(rows, columns)
    assert len(orders) == 6 and values[("headline", "investigations", "value")] == 27
    inv_kent, inv_essex = (OUTCOMES, "KNT", "investigations"), (OUTCOMES, "ESX", "investigations")
    ref_kent, ref_essex = (OUTCOMES, "KNT", "referrals"), (OUTCOMES, "ESX", "referrals")
    # Kent's 1 is primary and Essex's 6 the next smallest of the column: from the sums alone
    # both lie anywhere in [0, 7].
    assert suppressed_cells(values, lines) == {inv_kent, inv_essex}
    # But Essex's case to answer 6 <= investigations <= referrals 6, so Essex's is 6 and
    # Kent's 27 - 20 - 6 = 1.
    ranges = cell_ranges(values, lines, {inv_kent, inv_essex}, lower, orders)
    assert ranges == {inv_kent: pytest.approx((1, 1)), inv_essex: pytest.approx((6, 6))}
    # Kent's investigations come first. The shown cells sharing a line or an order with it:
    # Kent's referrals 8 and case to answer 0, Sussex's 20 and the total 27. The smallest
    # positive is Kent's referrals; the referrals column then holds one suppressed cell, so
    # the line rule takes its next smallest, Essex's 6.
    hidden = suppressed_cells(values, lines, lower_bounds=lower, orders=orders)
    assert hidden == {inv_kent, inv_essex, ref_kent, ref_essex}
    # Now Kent's referrals + Essex's = 14, with Essex's >= its investigations >= 6 and Kent's
    # >= 1 and >= its investigations: Kent's investigations 0 or 1, Essex's 6 or 7, Kent's
    # referrals 1 to 8, Essex's 6 to 13.
    ranges = cell_ranges(values, lines, hidden, lower, orders)
    assert ranges == {
        inv_kent: pytest.approx((0, 1)),
        inv_essex: pytest.approx((6, 7)),
        ref_kent: pytest.approx((1, 8)),
        ref_essex: pytest.approx((6, 13)),
    }


def test_an_order_with_a_cell_in_no_line():
    awaiting, overdue = ("headline", "awaiting", "value"), ("headline", "overdue", "value")
    values, order = {awaiting: 9, overdue: 3}, [(overdue, awaiting)]
    # 3 is primary; the public knows only that it is from 0 to 9.
    assert suppressed_cells(values, [], orders=order) == {overdue}
    assert cell_ranges(values, [], {overdue}, orders=order) == {overdue: pytest.approx((0, 9))}
    # Both primary, nothing above the larger: neither is bounded above, so neither is known.
    values[awaiting] = 4
    assert suppressed_cells(values, [], orders=order, lower_bounds={overdue: 1}) == set(values)
    ranges = cell_ranges(values, [], set(values), {overdue: 1}, order)
    assert ranges == {awaiting: pytest.approx((1, np.inf)), overdue: pytest.approx((1, np.inf))}


def test_bounds_and_orders_that_tell_nothing_new_change_nothing():
    values, lines = grid(BRIDGED), grid_lines(4, 4)
    expected = suppressed_cells(values, lines)
    zeros = dict.fromkeys(values, 0)
    # Interior cells are at most their row total: already known from the sums.
    parts = [((i, j), (i, 4)) for i in range(5) for j in range(4)]
    assert suppressed_cells(values, lines, lower_bounds=zeros, orders=parts) == expected


@pytest.mark.parametrize(
    ("lower_bounds", "orders", "message"),
    [
        ({"x": 1}, [], "no value"),
        ({"a": 2}, [], "below its lower bound 2"),
        ({"a": 0.5}, [], "whole number"),
        ({}, [("a", "x")], "no value"),
        ({}, [("t", "a")], "larger than"),
        ({}, [("a", "a")], "twice"),
        ({}, [("a", "b", "t")], "a pair"),
    ],
)
def test_bad_lower_bounds_or_orders_are_refused(lower_bounds, orders, message):
    values = {"a": 1, "b": 6, "t": 7}
    with pytest.raises(ValueError, match=message):
        suppressed_cells(values, [("a", "b", "t")], lower_bounds=lower_bounds, orders=orders)


def test_rules_say_that_what_the_public_knows_is_taken_into_account():
    combining = rules()[2]
    assert "at least one referral" in combining and "never larger than its whole" in combining


# ---------------------------------------------------------------------------------------------
# Property: random outcomes tables, case_to_answer <= investigations <= referrals per row.


@st.composite
def nested_rows(draw):
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        referrals = draw(st.one_of(st.integers(1, 12), st.integers(1, 12), st.integers(13, 300)))
        investigations = draw(st.one_of(st.just(referrals), st.integers(0, referrals)))
        case_to_answer = draw(st.one_of(st.just(investigations), st.integers(0, investigations)))
        rows.append((referrals, investigations, case_to_answer))
    return rows


@settings(max_examples=80, deadline=None)
@given(nested_rows(), st.sampled_from([5, 5, 3, 10]))
def test_property_no_suppressed_cell_can_be_worked_out_with_bounds_and_orders(rows, threshold):
    columns = ("referrals", "investigations", "case_to_answer")
    values, lines, lower, orders = outcomes({f"F{k}": row for k, row in enumerate(rows)}, columns)
    totals = [("headline", column, "value") for column in columns]
    orders += [(totals[1], totals[0]), (totals[2], totals[1])]
    hidden = suppressed_cells(values, lines, threshold, lower_bounds=lower, orders=orders)
    # Every small count is suppressed, and no line has exactly one suppressed cell.
    assert {cell for cell, value in values.items() if 1 <= value < threshold} <= hidden
    assert all(sum(cell in hidden for cell in line) != 1 for line in lines)
    # Deterministic, also from an equal but separate input.
    again = suppressed_cells(
        dict(values), list(lines), threshold, lower_bounds=dict(lower), orders=list(orders)
    )
    assert again == hidden
    # With all that is published and known, each suppressed cell can take two whole numbers.
    for cell, (low, high) in cell_ranges(values, lines, hidden, lower, orders).items():
        assert whole_numbers(low, high) >= 2, (cell, low, high)


def test_a_change_of_1_to_4_between_two_releases_is_not_left_open():
    """An earlier release showed a = 10, b = 20, total 30; now a = 12, b = 20, total 32. Each
    cell alone is safe, but shown beside the earlier release they tell that 2 were added to a:
    the changes are cells too, never published, and must not be possible to work out."""
    earlier = {("old", "a"): 10, ("old", "b"): 20, ("old", "t"): 30}
    new = {"a": 12, "b": 20, "t": 32}
    changes = {("change", c): new[c] - earlier[("old", c)] for c in new}
    lines = [[("old", "a"), ("old", "b"), ("old", "t")], ["a", "b", "t"]]
    lines += [[("old", c), ("change", c), c] for c in new]
    values = {**new, **earlier, **changes}
    assert suppressed_cells(new, [["a", "b", "t"]]) == frozenset()  # alone: nothing to hide
    hidden = suppressed_cells(
        values, lines, settled=dict.fromkeys(earlier, False), unpublished=list(changes)
    )
    assert hidden <= set(new) and "a" in hidden  # only new cells are ever suppressed
    # every way of filling the hidden cells that agrees with what is shown and known (counts
    # only grow): the change to a, and to the total, each take more than one value
    shown = {c: v for c, v in new.items() if c not in hidden}
    seen = {"a": set(), "t": set()}
    for a in range(10, 60):
        for b in range(20, 60):
            filled = {**shown, **{"a": a, "b": b, "t": a + b}}
            if all(filled[c] == shown[c] for c in shown) and filled["t"] >= 30:
                seen["a"].add(a - 10)
                seen["t"].add(filled["t"] - 30)
    assert len(seen["a"]) >= 2 and len(seen["t"]) >= 2, (hidden, seen)


def test_only_the_new_release_is_suppressed_and_its_changes_may_be_worked_out_when_0():
    """An earlier release hid a = 3 and b = 7 (total 10 shown); the same period again, the
    figures unchanged: the earlier cells are out already and are never returned, a change of
    0 may be worked out, and the new a (1 to 4) is hidden with its partner, as it was."""
    earlier = {("old", "a"): 3, ("old", "b"): 7, ("old", "t"): 10}
    new = {"a": 3, "b": 7, "t": 10}
    changes = {("change", c): 0 for c in new}
    lines = [[("old", "a"), ("old", "b"), ("old", "t")], ["a", "b", "t"]]
    lines += [[("old", c), ("change", c), c] for c in new]
    settled = {("old", "a"): True, ("old", "b"): True, ("old", "t"): False}
    hidden = suppressed_cells(
        {**new, **earlier, **changes}, lines, settled=settled, unpublished=list(changes)
    )
    assert hidden == {"a", "b"}
