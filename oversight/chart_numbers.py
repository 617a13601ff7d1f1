"""The numbers behind a chart as people read them: plain column names, the units the screen
uses (shares as percentages), rounded as the screen rounds them.

One vocabulary of the columns the pages pass to dashboard.show_chart, so that its table and its
download say the same thing in the same words. Pure pandas: the table's Streamlit column
settings are made from these specs in oversight/dashboard.py.
"""

from dataclasses import dataclass

import pandas as pd

from oversight.constants import OVERDUE_DAYS

# What a column holds, and so how it is shown:
#   count    whole numbers (thousands separators on screen)
#   share    a 0..1 share, shown and written as a percentage to one decimal place
#   percent  already a percentage: one decimal place
#   rate     a rate in the unit it is shown in (per 1,000 officers a year, or a percentage
#            where the page has already made it one): one decimal place
#   ratio    a ratio such as a relative rate: two decimal places
#   number   any other measured number (officers, officer-years, days): one decimal place
#   flag     yes or no
#   text     words, codes and dates, as they are
KINDS = ("count", "share", "percent", "rate", "ratio", "number", "flag", "text")
DECIMALS = {"share": 1, "percent": 1, "rate": 1, "ratio": 2, "number": 1}

# Every column a page passes to show_chart, by name: its heading and what it holds.
COLUMNS: dict[str, tuple[str, str]] = {
    # reports: what, when, how
    "stage": ("Stage", "text"),
    "unit": ("What the stage counts", "text"),
    "count": ("Count", "count"),
    "share_of_stage_before": ("Share of the stage before", "share"),
    "month": ("Month", "text"),
    "quarter_start": ("Quarter starting", "text"),
    "label": ("Label", "text"),
    "channel": ("Channel", "text"),
    "category": ("Category", "text"),
    "attribute": ("Split by", "text"),
    "value": ("Value", "text"),
    "reports": ("Reports", "count"),
    "share_of_reports": ("Share of all reports", "share"),
    "days_covered": ("Days inside the period", "count"),
    "partial": ("Only partly inside the period", "flag"),
    # forces
    "force_code": ("Force code", "text"),
    "force_name": ("Force", "text"),
    "short_name": ("Force (short name)", "text"),
    "force": ("Force", "text"),
    "region_name": ("Region", "text"),
    "officer_fte": ("Officers (FTE)", "number"),
    "officer_years": ("Officer-years in the service", "number"),
    "reports_per_1000_officers": ("Reports per 1,000 officers a year", "rate"),
    "force_reports": ("The force's reports", "count"),
    "share_of_force_reports": ("Share of the force's reports", "share"),
    "measure": ("Measure", "text"),
    "group": ("Group", "text"),
    "numerator": ("Count", "count"),
    "denominator": ("Out of", "count"),
    "rate": ("Rate", "rate"),
    "rate_low": ("Rate, 95% interval from", "rate"),
    "rate_high": ("Rate, 95% interval to", "rate"),
    "rate_note": ("Why there is no rate", "text"),
    "period": ("Period", "text"),
    "whole_period": ("Wholly inside the period", "flag"),
    "flag": ("Against the funnel limits", "text"),
    "lower_95": ("95% limit, lower", "rate"),
    "upper_95": ("95% limit, upper", "rate"),
    "lower_998": ("99.8% limit, lower", "rate"),
    "upper_998": ("99.8% limit, upper", "rate"),
    # outcomes
    "definition": ("Definition", "text"),
    "moved_on": ("Moved on", "count"),
    "out_of": ("Out of", "count"),
    "rate_percent": ("Rate (%)", "percent"),
    "low_percent": ("95% interval from (%)", "percent"),
    "high_percent": ("95% interval to (%)", "percent"),
    "why_no_rate": ("Why there is no rate", "text"),
    "outcome_group": ("Furthest outcome", "text"),
    "still_open": ("Still open", "flag"),
    "cases": ("Cases", "count"),
    "share": ("Share", "share"),
    "day": ("Day", "count"),
    "open_at_start_of_day": ("Open at the start of the day", "count"),
    "ended": ("Ended that day", "count"),
    "censored": ("Still open at the as-at date, last counted that day", "count"),
    "share_still_open": ("Share still open", "share"),
    "survival_low": ("Share still open, 95% interval from", "share"),
    "survival_high": ("Share still open, 95% interval to", "share"),
    "age_band": ("Days since the report", "text"),
    "min_days": ("From day", "count"),
    "max_days": ("To day", "count"),
    "pending": ("Awaiting a decision", "count"),
    "overdue": (f"Overdue (over {OVERDUE_DAYS} days)", "count"),
    "within_28_days": (f"Within {OVERDUE_DAYS} days", "count"),
    "oldest_days": ("Oldest (days waiting)", "count"),
    # fairness
    "entered": ("Entered the step", "count"),
    "relative_rate": ("Relative rate", "ratio"),
    "relative_rate_low": ("Relative rate, 95% interval from", "ratio"),
    "relative_rate_high": ("Relative rate, 95% interval to", "ratio"),
    "relative_rate_note": ("Why there is no relative rate", "text"),
    "total": ("Total", "count"),
    "share_note": ("Why there is no share", "text"),
}


@dataclass(frozen=True)
class Column:
    """One column of a chart's numbers: its name in the frame, its heading, what it holds."""

    name: str
    label: str
    kind: str


def columns(
    frame: pd.DataFrame, shares: tuple[str, ...] = (), labels: dict[str, str] | None = None
) -> list[Column]:
    """The frame's columns as people read them.

    shares names further columns that hold 0..1 shares (where a name alone cannot say, such as
    a rate that one page gives as a share and another as a percentage); labels gives headings
    that replace the vocabulary's. A column the vocabulary does not know keeps a name that is
    already words ("Officers (FTE)"), or has its underscores made spaces.
    """
    found, used = [], set()
    for name in frame.columns:
        label, kind = COLUMNS.get(str(name), (_plain(str(name)), _guessed_kind(frame[name])))
        if name in shares:
            kind = "share"
        label = (labels or {}).get(name, label)
        if kind == "share" and "(%)" not in label:
            label = f"{label} (%)"
        while label in used:  # headings must differ, or a spreadsheet reader loses a column
            label = f"{label} ({name})"
        used.add(label)
        found.append(Column(str(name), label, kind))
    return found


def for_people(
    frame: pd.DataFrame, shares: tuple[str, ...] = (), labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """The frame as a download gives it: headings in words, shares as percentages, numbers
    rounded as on screen, flags as yes or no, nothing missing shown as anything but empty."""
    shown = {}
    for column in columns(frame, shares, labels):
        values = frame[column.name]
        if column.kind == "share":
            values = pd.to_numeric(values, errors="coerce") * 100
        if column.kind in DECIMALS:
            values = pd.to_numeric(values, errors="coerce").round(DECIMALS[column.kind])
        elif column.kind == "count":
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif column.kind == "flag":
            values = values.map(lambda v: "" if pd.isna(v) else ("yes" if v else "no"))
        shown[column.label] = values
    return pd.DataFrame(shown, index=frame.index)


def _plain(name: str) -> str:
    """A column name as words: kept where it already is words, else underscores made spaces."""
    if "_" not in name and name[:1].isupper():
        return name
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _guessed_kind(values: pd.Series) -> str:
    """What a column the vocabulary does not know holds, from its type."""
    if pd.api.types.is_bool_dtype(values):
        return "flag"
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if pd.api.types.is_float_dtype(values):
        return "number"
    return "text"
