"""Trends on the Forces page: the months or quarters of the period, and each one's conversion
and timeliness (investigation rate, case-to-answer rate, median days to outcome) for the force,
its most similar forces pooled and England and Wales.

Every figure is a cohort figure (docs/metrics.md, "Periods and attribution"): a quarter's
investigation rate is that of the referrals of the reports received in the quarter, so far. The
rates and their intervals are those of "Rates"; the median days to outcome is the Kaplan-Meier
median of "Times", with the interval of "Times" (Brookmeyer and Crowley).
"""

import datetime as dt
import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.filters import Filters
from oversight.measures import kaplan_meier, km_quantile, proportion_table
from oversight.rates import RATES

UNIT_MONTHS = {"month": 1, "quarter": 3}
# The counts behind the conversion trend (queries/conversion_counts_by_force_and_month.sql):
# the rates' numerators and denominators, and the investigations ended that the median days to
# outcome counts
CONVERSION_COLUMNS = (
    "referrals_not_transferred",
    "investigations",
    "investigations_with_finding",
    "case_to_answer",
    "investigations_ended",
)
MEDIAN_DAYS = "median_days_to_outcome"
# What the conversion trend shows, in the order of a referral's path: key -> label, unit
TREND_MEASURES = {
    "investigation_rate": ("Investigation rate", "%"),
    "case_to_answer_rate": ("Case-to-answer rate", "%"),
    MEDIAN_DAYS: ("Median days to outcome", "days"),
}
# Why a median has no value, or no upper end to its interval
NO_INVESTIGATIONS = "no investigations"
MEDIAN_NOT_REACHED = "fewer than half of the investigations have ended so far"
UPPER_NOT_REACHED = "upper end not reached yet"


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of the months-long period starting on start (the first of a month)."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def period_starts(first: dt.date, last: dt.date, unit: str) -> list[dt.date]:
    """The first days of the calendar months or quarters that meet first to last."""
    months = UNIT_MONTHS[unit]
    month0 = (first.month - 1) // months * months + 1
    start = dt.date(first.year, month0, 1)
    starts = []
    while start <= last:
        starts.append(start)
        start = period_end(start, months) + dt.timedelta(days=1)
    return starts


def period_label(start: dt.date, unit: str) -> str:
    """A month or quarter in words: "Apr 2025", "Apr–Jun 2025"."""
    if unit == "month":
        return f"{start:%b %Y}"
    return f"{start:%b}–{period_end(start, 3):%b %Y}"


@dataclass(frozen=True)
class TrendPeriods:
    """The months or quarters of a trend: those that meet the chosen period, up to the as-at
    date (no month after it is drawn as a zero)."""

    unit: str  # "month" or "quarter"
    first: dt.date  # the chosen period's first day
    last: dt.date  # its last day, or the as-at date if earlier
    starts: tuple[dt.date, ...]

    @property
    def months(self) -> int:
        return UNIT_MONTHS[self.unit]

    @functools.cached_property
    def ends(self) -> list[dt.date]:
        return [period_end(start, self.months) for start in self.starts]

    @functools.cached_property
    def labels(self) -> list[str]:
        return [period_label(start, self.unit) for start in self.starts]

    @property
    def whole(self) -> list[bool]:
        """Whether each month or quarter lies wholly inside the chosen period."""
        return [
            start >= self.first and end <= self.last
            for start, end in zip(self.starts, self.ends, strict=True)
        ]

    def index(self, month_starts) -> tuple[np.ndarray, np.ndarray]:
        """For each month (the first of it), the position of its month or quarter among
        starts, and whether it is one of them."""
        month = np.asarray(pd.to_datetime(pd.Series(month_starts)), dtype="datetime64[M]")
        first_month = np.datetime64(self.starts[0] if self.starts else self.first, "M")
        period = (month - first_month).astype(np.int64) // self.months
        return period, (period >= 0) & (period < len(self.starts))


def trend_periods(filters: Filters, as_at: dt.date, unit: str) -> TrendPeriods:
    """The months or quarters (unit; any other value is taken as quarters) of the filters'
    period, cut at the as-at date."""
    unit = unit if unit in UNIT_MONTHS else "quarter"
    last = min(filters.last_date, as_at)
    starts = tuple(period_starts(filters.first_date, last, unit))
    return TrendPeriods(unit, filters.first_date, last, starts)


def median_days_with_interval(days, ended, cases) -> tuple[float, float, float]:
    """The Kaplan-Meier median days to outcome (docs/metrics.md, "Times") and its 95% interval,
    from aggregated durations; NaN where it cannot be given.

    The interval is Brookmeyer and Crowley's (1982): the days on which the curve's 95%
    pointwise interval (Greenwood, on the log(-log) scale, kaplan_meier's band) holds 0.5, so
    its ends are the first days on which the band's lower and upper edges fall to 0.5 or below
    (as R's survival and lifelines give it). Its upper end is NaN until the band's upper edge
    falls that far.
    """
    if not len(cases) or float(np.sum(cases)) == 0:
        return math.nan, math.nan, math.nan
    curve = kaplan_meier(days, np.asarray(ended, dtype=int), cases)
    # the curve and the band's two edges, each read as a curve (km_quantile reads day and
    # survival only)
    return tuple(
        float(km_quantile({"day": curve["day"], "survival": curve[column]}, 0.5))
        for column in ("survival", "survival_low", "survival_high")
    )


def counts_by_period(
    periods: TrendPeriods, by_month: pd.DataFrame, columns: tuple[str, ...], codes: list[str]
) -> pd.DataFrame:
    """A by-force, by-month frame (force_code, month_start and columns) summed into the
    trend's months or quarters: one row per force of codes per period (forces, then periods),
    with force_code and period_start; zeros where a force has none. Other forces' rows and
    months outside the periods are left out."""
    size = len(periods.starts)
    period, inside = periods.index(by_month["month_start"])
    position = {code: at for at, code in enumerate(codes)}
    force = np.array(
        [position.get(code, -1) for code in by_month["force_code"].tolist()], dtype=np.int64
    )
    keep = inside & (force >= 0)
    # whole numbers even when no row is kept (an empty array is float by default)
    cell = (force[keep] * size + period[keep]).astype(np.int64)
    summed = {
        column: np.bincount(
            cell, weights=by_month[column].to_numpy()[keep], minlength=len(codes) * size
        ).astype(np.int64)
        for column in columns
    }
    return pd.DataFrame(
        {
            "force_code": np.repeat(np.array(codes, dtype=object), size),
            "period_start": pd.to_datetime(
                pd.Series(list(periods.starts) * len(codes), dtype=object)
            ),  # fmt: skip
            **summed,
        }
    )


def conversion_trend(
    periods: TrendPeriods,
    conversions: pd.DataFrame,
    durations: dict[str, pd.DataFrame],
    groups: list[tuple[str, str, np.ndarray]],
) -> pd.DataFrame:
    """Each month's or quarter's investigation rate, case-to-answer rate and median days to
    outcome, with 95% intervals, for each group.

    Args:
        periods: The trend's months or quarters.
        conversions: conversion_counts_by_force_and_month's rows (every force).
        durations: outcome_durations_by_month's rows for each group, by group kind.
        groups: For each group, its kind, label and which rows of conversions are its forces'.

    Returns:
        One row per group, measure and period (groups, then measures, then periods):
        period_start, period, whole_period, group_kind, group, measure_key, measure, unit,
        numerator, denominator (for the median: investigations ended, and investigations),
        value (proportions on 0..1, the median in days), low, high, note (why a value or an
        upper end is missing; "" otherwise).
    """
    size = len(periods.starts)
    period, inside = periods.index(conversions["month_start"])
    rates = {key: RATES[key] for key in TREND_MEASURES if key != MEDIAN_DAYS}
    # every group's and rate's counts per period, stacked so that proportion_table runs once
    counted = {
        column: np.stack(
            [
                np.bincount(
                    period[rows & inside],
                    weights=conversions[column].to_numpy()[rows & inside],
                    minlength=size,
                )
                for _, _, rows in groups
            ]
        ).astype(np.int64)
        if groups
        else np.zeros((0, size), dtype=np.int64)
        for column in {column for pair in rates.values() for column in pair}
    }
    x = np.concatenate([counted[numerator] for numerator, _ in rates.values()]).ravel()
    n = np.concatenate([counted[denominator] for _, denominator in rates.values()]).ravel()
    table = proportion_table(pd.DataFrame({"x": x, "n": n}), "x", "n")
    stacked = [table[c].to_numpy() for c in ("rate", "rate_low", "rate_high")]
    stacked_notes = table["rate_note"].tolist()
    columns: dict[str, list] = {
        name: []
        for name in ("group_kind", "group", "measure_key", "numerator", "denominator", "value",
                     "low", "high", "note")
    }  # fmt: skip
    for at, (kind, label, _) in enumerate(groups):
        for rate_at, key in enumerate(rates):
            # the stacked rows: rates, then groups, then periods
            part = slice(
                (rate_at * len(groups) + at) * size, (rate_at * len(groups) + at + 1) * size
            )
            _extend(columns, kind, label, key, x[part], n[part], *(v[part] for v in stacked),
                    stacked_notes[part])  # fmt: skip
        _extend(
            columns, kind, label, MEDIAN_DAYS, *_medians_by_period(periods, durations.get(kind))
        )
    groups_count = len(groups) * len(TREND_MEASURES)
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(
                pd.Series(list(periods.starts) * groups_count, dtype=object)
            ),
            "period": periods.labels * groups_count,
            "whole_period": periods.whole * groups_count,
            "group_kind": pd.array(columns["group_kind"], dtype="str"),
            "group": pd.array(columns["group"], dtype="str"),
            "measure_key": pd.array(columns["measure_key"], dtype="str"),
            "measure": pd.array(
                [TREND_MEASURES[key][0] for key in columns["measure_key"]], dtype="str"
            ),
            "unit": pd.array([TREND_MEASURES[key][1] for key in columns["measure_key"]], "str"),
            "numerator": np.array(columns["numerator"], dtype=np.int64),
            "denominator": np.array(columns["denominator"], dtype=np.int64),
            "value": np.array(columns["value"], dtype=float),
            "low": np.array(columns["low"], dtype=float),
            "high": np.array(columns["high"], dtype=float),
            "note": pd.array(columns["note"], dtype="str"),
        }
    )


def _extend(columns, kind, label, key, numerators, denominators, values, lows, highs, notes):
    """Add one group's measure, period by period, to the trend's columns."""
    size = len(numerators)
    columns["group_kind"] += [kind] * size
    columns["group"] += [label] * size
    columns["measure_key"] += [key] * size
    columns["numerator"] += list(numerators)
    columns["denominator"] += list(denominators)
    columns["value"] += list(values)
    columns["low"] += list(lows)
    columns["high"] += list(highs)
    columns["note"] += list(notes)


def _medians_by_period(periods: TrendPeriods, durations: pd.DataFrame | None) -> tuple:
    """Per period: investigations ended, investigations, the Kaplan-Meier median days to
    outcome, its interval, and why a value is missing."""
    size = len(periods.starts)
    ended_count, cases_count = [0] * size, [0] * size
    medians, lows, highs = [math.nan] * size, [math.nan] * size, [math.nan] * size
    notes = [NO_INVESTIGATIONS] * size
    if durations is not None and not durations.empty:
        period, inside = periods.index(durations["month_start"])
        period = period[inside]
        days = durations["days"].to_numpy()[inside]
        ended = durations["ended"].to_numpy(dtype=bool)[inside]
        cases = durations["cases"].to_numpy()[inside]
        for at in np.unique(period).tolist():
            rows = period == at
            ended_count[at] = int(cases[rows & ended].sum())
            cases_count[at] = int(cases[rows].sum())
            medians[at], lows[at], highs[at] = median_days_with_interval(
                days[rows], ended[rows], cases[rows]
            )
            notes[at] = (
                MEDIAN_NOT_REACHED
                if math.isnan(medians[at])
                else UPPER_NOT_REACHED
                if math.isnan(highs[at])
                else ""
            )
    return ended_count, cases_count, medians, lows, highs, notes
