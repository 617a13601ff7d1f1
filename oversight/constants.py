"""The fixed numbers of docs/metrics.md, defined once: every page, query, snapshot and the
command line take them from here (queries receive them as bound parameters)."""

import datetime as dt

# A referral still pending more than this many days after referred_at is overdue.
OVERDUE_DAYS = 28
# ... and long overdue (the last age band of "Overdue now") more than twice as many.
LONG_OVERDUE_DAYS = 2 * OVERDUE_DAYS
# No rate, share, ratio or time is shown over fewer cases than this (its base).
MIN_BASE = 10
# Public outputs show counts from 1 to one less than this as [c].
DEFAULT_THRESHOLD = 5

# When forces joined the service: the Met's pilot began on 29 November 2022 (its published
# figures run to the end of February 2024); every other force joined at the national launch.
PILOT_FIRST = dt.date(2022, 11, 29)
PILOT_LAST = dt.date(2024, 2, 29)
NATIONAL_LAUNCH = dt.date(2024, 3, 14)
PILOT_FORCE = "metropolitan"


def joined_service(force_code: str) -> dt.date:
    """The first day a force's reports could reach the service."""
    return PILOT_FIRST if force_code == PILOT_FORCE else NATIONAL_LAUNCH
