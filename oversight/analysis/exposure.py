"""Days in the service: how long each force could receive reports within a period, the exposure
behind every rate per 1,000 officers a year (docs/metrics.md, "Rates")."""

import datetime as dt
from collections.abc import Sequence

import numpy as np

from oversight.constants import joined_service


def service_days(force_codes: Sequence[str], first, last) -> np.ndarray:
    """Days each force was in the service from first to last, both inclusive (0 if none).

    Args:
        force_codes: The forces, one per row.
        first: The first day of the period: a date, or an array of them (one per column).
        last: The last day, as first.

    Returns:
        One value per force for a single period; one row per force and one column per period
        where first and last are arrays.
    """
    joined = np.array([joined_service(code) for code in force_codes], dtype="datetime64[D]")
    firsts = np.atleast_1d(np.asarray(first, dtype="datetime64[D]"))
    lasts = np.atleast_1d(np.asarray(last, dtype="datetime64[D]"))
    start = np.maximum(joined[:, np.newaxis], firsts[np.newaxis, :])
    days = np.maximum((lasts[np.newaxis, :] - start).astype(np.int64) + 1, 0)
    single = isinstance(first, dt.date) and isinstance(last, dt.date)
    return days[:, 0] if single else days
