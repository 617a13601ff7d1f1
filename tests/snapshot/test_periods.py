"""The fixed public periods: financial years from April, their quarters, when each can be
released (3 months after its end) and the annual revision points (30 June), worked out by hand."""

import datetime as dt

import pytest

from oversight.snapshot.periods import (
    PublicPeriod,
    available_periods,
    parse_period,
    parse_quarter,
    parse_year,
    revision_round,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last", "label", "available"),
    [
        ("2025", D(2025, 4, 1), D(2026, 3, 31), "Financial year 2025/26", D(2026, 6, 30)),
        ("2025-1", D(2025, 4, 1), D(2025, 6, 30), "April to June 2025 (2025/26 quarter 1)",
         D(2025, 9, 30)),
        ("2025-3", D(2025, 10, 1), D(2025, 12, 31),
         "October to December 2025 (2025/26 quarter 3)", D(2026, 3, 31)),
        ("2025-4", D(2026, 1, 1), D(2026, 3, 31), "January to March 2026 (2025/26 quarter 4)",
         D(2026, 6, 30)),
        ("1999", D(1999, 4, 1), D(2000, 3, 31), "Financial year 1999/00", D(2000, 6, 30)),
    ],
)  # fmt: skip
def test_a_period_runs_over_whole_months(text, first, last, label, available):
    period = parse_quarter(text) if "-" in text else parse_year(text)
    assert (period.first, period.last, period.label) == (first, last, label)
    assert period.available_from() == available
    assert parse_period(period.key) == period


@pytest.mark.parametrize("text", ["2025-0", "2025-5", "25-1", "2025-q1", "2025/1", ""])
def test_malformed_quarters_are_refused(text):
    with pytest.raises(ValueError):
        parse_quarter(text)


@pytest.mark.parametrize("text", ["25", "2025/26", "fy2025", "20255", ""])
def test_malformed_years_are_refused(text):
    with pytest.raises(ValueError):
        parse_year(text)


def test_a_year_holds_its_quarters_and_overlaps_nothing_else():
    year = PublicPeriod(2025)
    assert [q.key for q in year.quarters()] == ["fy2025-q1", "fy2025-q2", "fy2025-q3",
                                                "fy2025-q4"]  # fmt: skip
    assert all(year.overlaps(q) and q.year_period == year for q in year.quarters())
    assert not PublicPeriod(2025, 4).overlaps(PublicPeriod(2026, 1))
    assert not PublicPeriod(2024).overlaps(year)
    assert PublicPeriod(2025, 1).previous() == PublicPeriod(2024, 4)
    assert year.previous() == PublicPeriod(2024)


def test_only_ended_periods_with_3_months_of_follow_up_are_available():
    # data from 29 Nov 2022 to 31 Oct 2026: 2026/27 quarter 1 (to 30 June 2026) is the last
    # available; quarter 2 (to 30 Sep 2026) waits for 31 Dec 2026; 2022/23 quarter 3 holds the
    # first report; quarters 1 and 2 of 2022/23 ended before it
    keys = [p.key for p in available_periods(D(2022, 11, 29), D(2026, 10, 31))]
    assert keys[:3] == ["fy2026-q1", "fy2025", "fy2025-q4"]
    assert keys[-3:] == ["fy2022", "fy2022-q4", "fy2022-q3"]
    assert len(keys) == 1 + 5 + 5 + 5 + 3
    assert [p.key for p in available_periods(D(2025, 4, 1), D(2025, 9, 29))] == []
    assert [p.key for p in available_periods(D(2025, 4, 1), D(2025, 9, 30))] == ["fy2025-q1"]


def test_the_annual_revision_point_is_30_june():
    assert revision_round(D(2026, 6, 29)) == revision_round(D(2025, 6, 30)) == 2024
    assert revision_round(D(2026, 6, 30)) == revision_round(D(2027, 6, 29)) == 2025
    assert revision_round(D(2026, 3, 31)) == 2024
