"""The fixed periods of public releases: financial years and their quarters (docs/metrics.md,
"Public releases").

Public figures exist only for these periods, one hierarchy (a year is the sum of its four
quarters, a quarter of its three months), so that no published period can be subtracted from
another to leave a few days or a single month. A period can be released once it has ended and
the data has had FOLLOW_UP_MONTHS more to arrive.
"""

import datetime as dt
import re
from dataclasses import dataclass

from oversight.filters import month_end
from oversight.snapshot.commentary import MONTH_NAMES

# Months after a period's end before the data's as-at date makes it releasable: long enough for
# the last month's referrals to be assessed (28 days is overdue) and for late records to arrive.
FOLLOW_UP_MONTHS = 3
# Financial years start in April; quarter 1 is April to June.
YEAR_START_MONTH = 4


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after day's month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, 1)


@dataclass(frozen=True, order=True)
class PublicPeriod:
    """A financial year (quarter None) or one of its quarters (1 = April to June)."""

    year: int  # the financial year starting in April of this year
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"a quarter is 1 to 4, got {self.quarter}")

    @property
    def key(self) -> str:
        """The period's name in the register and in file names: fy2025, fy2025-q1."""
        return f"fy{self.year}" + (f"-q{self.quarter}" if self.quarter else "")

    @property
    def option(self) -> str:
        """The period as the command line takes it: --year 2025, --quarter 2025-1."""
        return f"--quarter {self.year}-{self.quarter}" if self.quarter else f"--year {self.year}"

    @property
    def first(self) -> dt.date:
        start = dt.date(self.year, YEAR_START_MONTH, 1)
        return add_months(start, 3 * (self.quarter - 1)) if self.quarter else start

    @property
    def last(self) -> dt.date:
        return month_end(add_months(self.first, (3 if self.quarter else 12) - 1))

    @property
    def label(self) -> str:
        """In words, months only: "Financial year 2025/26", "April to June 2025 (2025/26
        quarter 1)"."""
        year = f"{self.year}/{str(self.year + 1)[-2:]}"
        if self.quarter is None:
            return f"Financial year {year}"
        first, last = self.first, self.last
        return (
            f"{MONTH_NAMES[first.month - 1]} to {MONTH_NAMES[last.month - 1]} {last.year} "
            f"({year} quarter {self.quarter})"
        )

    @property
    def year_period(self) -> "PublicPeriod":
        """The financial year this period belongs to (itself for a year)."""
        return PublicPeriod(self.year)

    def quarters(self) -> list["PublicPeriod"]:
        """A year's four quarters; a quarter is its own only part."""
        return [self] if self.quarter else [PublicPeriod(self.year, q) for q in (1, 2, 3, 4)]

    def overlaps(self, other: "PublicPeriod") -> bool:
        return self.first <= other.last and other.first <= self.last

    def available_from(self) -> dt.date:
        """The earliest as-at date at which the period can be released: its end plus the
        follow-up months."""
        return month_end(add_months(self.last, FOLLOW_UP_MONTHS))

    def previous(self) -> "PublicPeriod":
        """The period of the same kind just before (for the comparison in the commentary)."""
        if self.quarter is None:
            return PublicPeriod(self.year - 1)
        if self.quarter == 1:
            return PublicPeriod(self.year - 1, 4)
        return PublicPeriod(self.year, self.quarter - 1)


def parse_period(key: str) -> PublicPeriod:
    """A period from its key (fy2025, fy2025-q1); ValueError if it is not one."""
    found = re.fullmatch(r"fy(\d{4})(?:-q([1-4]))?", key)
    if not found:
        raise ValueError(f"{key!r} is not a public period (fy2025 or fy2025-q1)")
    return PublicPeriod(int(found[1]), int(found[2]) if found[2] else None)


def parse_year(text: str) -> PublicPeriod:
    """--year 2025: the financial year from 1 April 2025."""
    if not re.fullmatch(r"(19|2\d)\d\d", text):
        raise ValueError(f"{text!r} is not a financial year: give the year it starts, e.g. 2025")
    return PublicPeriod(int(text))


def parse_quarter(text: str) -> PublicPeriod:
    """--quarter 2025-1: April to June 2025 (quarters 1 to 4 of the financial year)."""
    found = re.fullmatch(r"((?:19|2\d)\d\d)-([1-4])", text)
    if not found:
        raise ValueError(
            f"{text!r} is not a quarter: give the financial year and 1 to 4, e.g. 2025-1 for "
            "April to June 2025"
        )
    return PublicPeriod(int(found[1]), int(found[2]))


def available_periods(first_received: dt.date, as_at: dt.date) -> list[PublicPeriod]:
    """Every year and quarter the stored data reaches and the as-at date allows, latest first,
    each year before its quarters."""
    first_year = first_received.year - (first_received.month < YEAR_START_MONTH)
    periods = []
    for year in range(as_at.year, first_year - 1, -1):
        for period in [PublicPeriod(year), *reversed(PublicPeriod(year).quarters())]:
            if period.last >= first_received and period.available_from() <= as_at:
                periods.append(period)
    return periods


def unavailable_reason(period: PublicPeriod, as_at: dt.date) -> str:
    """Why a period cannot be released yet ("" if it can)."""
    if period.available_from() <= as_at:
        return ""
    return (
        f"{period.label} can be released once the data runs to "
        f"{month_name(period.available_from())} ({FOLLOW_UP_MONTHS} months after it ends, "
        f"for late records and follow-up); the data runs to {month_name(as_at)}"
    )


def month_name(day: dt.date) -> str:
    """A date as its month only: "October 2026"."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def revision_round(as_at: dt.date) -> int:
    """Which annual revision point the data has passed: the financial year whose figures the
    as-at date first allows (each year's point is its year's end plus the follow-up months,
    30 June). A period already released can be released again only in a later round."""
    year = as_at.year - (as_at.month < YEAR_START_MONTH)
    while PublicPeriod(year).available_from() > as_at:
        year -= 1
    return year
