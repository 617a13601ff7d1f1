"""Outcomes decided in the period, the event view (docs/metrics.md, "Outcomes decided in the
period (event view)"): the outcomes decided in the period, whenever the report came in, with
the days they took from the report, beside the cohort's counts of the same outcomes (of the
reports received in the period, so far). The Overview, Outcomes and Forces pages, the force
briefing and the published tables all take them from here."""

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.overview import headline_counts
from oversight.constants import MIN_BASE
from oversight.filters import Filters

# The measures of the event view, in the published order (decided_measures in
# queries/filtered_tables.sql), each named as in headline_counts: (label, what it counts).
DECIDED_MEASURES = {
    "case_to_answer": (
        "Case to answer",
        "Investigations finding a case to answer for misconduct or gross misconduct",
    ),
    "false_allegations": (
        "False allegations found",
        "Investigations finding the report knowingly false or malicious",
    ),
    "dismissals": ("Dismissals", "Investigations ending in dismissal"),
    "would_have_been_dismissed": (
        "Would have been dismissed",
        "Investigations finding the person would have been dismissed had they not left",
    ),
    "barred": ("Barred from policing", "Referrals (any assessment) ending in barring"),
    "criminal_charges": ("Criminal charges", "Referrals (any assessment) with a criminal charge"),
}
DECIDED_COLUMNS = [
    "measure", "label", "meaning", "decided", "median_days", "p90_days", "caution", "cohort",
]  # fmt: skip


@dataclass(frozen=True)
class DecidedData:
    """The event view for a selection, with the words that label it."""

    # one row per measure (DECIDED_COLUMNS): decided in the period (cases), the median and 90th
    # percentile days from the report (None where none), the caution over fewer than MIN_BASE
    # cases ("" where none is needed), and the cohort's count of the same outcome so far
    measures: pd.DataFrame
    words: str  # the period, after "decided" or "received": "in 2025/26" (period_words)

    @property
    def decided_label(self) -> str:
        """The event view's label: "Decided in 2025/26"."""
        return decided_label(self.words)

    @property
    def cohort_label(self) -> str:
        """The cohort view's label beside it: "Of reports received in 2025/26, so far"."""
        return cohort_label(self.words)

    @property
    def total(self) -> int:
        """Outcomes decided in the period, all measures together (a referral once per measure)."""
        return int(self.measures["decided"].sum())


def decided_label(words: str) -> str:
    """The event view's label for a period in words (period_words): "Decided in 2025/26"."""
    return f"Decided {words}"


def cohort_label(words: str) -> str:
    """The cohort view's label: "Of reports received in 2025/26, so far"."""
    return f"Of reports received {words}, so far"


def period_words(filters: Filters) -> str:
    """The period in words after "decided" or "received": "in 2025/26" for a financial year
    (with the days it is cut to, where the data covers only part of it), else "from 1 Apr 2024
    to 30 Jun 2024"."""
    first, last = filters.first_date, filters.last_date
    key = filters.period_key
    if key.startswith("fy") and key[2:].isdigit():
        year = int(key[2:])
        words = f"in {year}/{str(year + 1)[-2:]}"
        cut = []
        if first != dt.date(year, 4, 1):
            cut.append(f"from {_day(first)}")
        if last != dt.date(year + 1, 3, 31):
            cut.append(f"to {_day(last)}")
        return f"{words} ({' '.join(cut)})" if cut else words
    return f"from {_day(first)} to {_day(last)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def caution(cases: int) -> str:
    """The caution a median or percentile of so few cases carries ("" from MIN_BASE cases)."""
    if 0 < cases < MIN_BASE:
        return f"based on {cases:,} case{'s' if cases != 1 else ''}: read with care"
    return ""


def whole_days(value) -> str | None:
    """Days as shown on screen: whole days (an interpolated quantile rounded half up), None
    where there is no value."""
    if value is None or pd.isna(value):
        return None
    return f"{math.floor(float(value) + 0.5):,}"


def days_with_caution(value, cases: int, missing: str = "–") -> str:
    """A median or percentile of days as shown, with the caution over fewer than MIN_BASE cases
    ("412 (based on 3 cases: read with care)"); missing where there is none."""
    shown = whole_days(value)
    if shown is None:
        return missing
    warning = caution(cases)
    return f"{shown} ({warning})" if warning else shown


def decided_counts(run: QueryRunner, filters: Filters) -> pd.DataFrame:
    """The event view's counts and days for the filters, one row per measure in order:
    measure, cases, median_days, p90_days (queries/outcomes_decided.sql)."""
    frame = run("outcomes_decided", **filters.sql_params())
    return frame[["measure", "cases", "median_days", "p90_days"]]


def decided_data(run: QueryRunner, filters: Filters, as_at: dt.date) -> DecidedData:
    """The event view beside the cohort view, for the filters (the period: decided_at dates for
    the one, received_at dates for the other), as at as_at."""
    counted = decided_counts(run, filters)
    cohort = headline_counts(run, filters, as_at)
    cases = [int(n) for n in counted["cases"]]
    measures = pd.DataFrame(
        {
            "measure": counted["measure"].tolist(),
            "label": [DECIDED_MEASURES[m][0] for m in counted["measure"]],
            "meaning": [DECIDED_MEASURES[m][1] for m in counted["measure"]],
            "decided": cases,
            "median_days": [_number(v) for v in counted["median_days"]],
            "p90_days": [_number(v) for v in counted["p90_days"]],
            "caution": [caution(n) for n in cases],
            "cohort": [int(cohort[m]) for m in counted["measure"]],
        },
        columns=DECIDED_COLUMNS,
    )
    return DecidedData(measures, period_words(filters))


def decided_table(data: DecidedData) -> pd.DataFrame:
    """The event view beside the cohort, for people: each outcome decided in the period, and
    the same outcome of the reports received in it, so far."""
    return pd.DataFrame(
        {
            "Outcome": data.measures["label"],
            data.decided_label: data.measures["decided"],
            data.cohort_label: data.measures["cohort"],
        }
    )


def decided_days_table(data: DecidedData) -> pd.DataFrame:
    """The days the outcomes decided in the period took from the report, for people: median and
    90th percentile in whole days, each with the caution over fewer than MIN_BASE cases."""
    measures = data.measures
    cases = measures["decided"].tolist()

    def shown(column: str) -> list[str]:
        return [
            days_with_caution(value, n, missing="– (none decided)" if not n else "–")
            for value, n in zip(measures[column].tolist(), cases, strict=True)
        ]

    return pd.DataFrame(
        {
            "Outcome": measures["label"],
            data.decided_label: cases,
            "Median days from the report": shown("median_days"),
            "90th percentile (days)": shown("p90_days"),
        }
    )


def decided_caption(data: DecidedData, selection: str, as_at: str, with_days: bool = True) -> str:
    """What the table of decided_table shows (selection: the filters in words)."""
    days = (
        "Days from the report: whole days from the report to that outcome, for the outcomes "
        f"decided in the period; over fewer than {MIN_BASE} cases, read them with care. "
        if with_days
        else "The days they took from the report are on the Outcomes page. "
    )
    return (
        f"'{data.decided_label}': the outcomes decided in the period, whenever the report came "
        f"in (the Home Office and the IOPC count this way). '{data.cohort_label}': the outcomes "
        "of the reports received in the period, decided by the as-at date; a recent period's "
        "are few, because cases take months. A referral counts once in each outcome, at the "
        f"first of that kind. {days}{selection} (for the outcomes decided: the receiving force, "
        f"and the report's channel, category and role, whatever its date). Data as at {as_at}."
    )


def decided_by_force(run: QueryRunner, filters: Filters) -> pd.DataFrame:
    """The event view's counts by receiving force (for the Forces page and the briefing): one
    row per force matching the force and region filters, zeros included, in name order, with
    force_code, force_name, short_name, region_name and a count per measure of
    DECIDED_MEASURES."""
    return run("outcomes_decided_by_force", **filters.sql_params())


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
