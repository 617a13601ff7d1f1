"""Overdue now (docs/metrics.md): the referrals awaiting the receiving force's decision at the
as-at date, whatever the report period, by age band and by force, and the list of those waiting
over 28 days, without personal data (queries/overdue_now_counts.sql, overdue_now_list.sql)."""

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.reports import CATEGORY_LABELS
from oversight.filters import Filters

# The filters Overdue now ignores: it counts every referral awaiting, whenever its report came.
PERIOD_PARAMETERS = ("first_date", "last_date")
BAND_COLUMNS = ["age_band_order", "age_band", "is_overdue", "is_long_overdue"]
LIST_COLUMNS = ["referral_id", "force", "categories", "days_waiting", "age_band"]
BY_FORCE_COLUMNS = ["force_code", "force_name", "short_name", "awaiting", "overdue", "long_overdue"]


@dataclass(frozen=True)
class OverdueNow:
    """Everything the "Overdue now" section draws."""

    # age_band_order, age_band, is_overdue, is_long_overdue, referrals, share (of those awaiting)
    by_band: pd.DataFrame
    by_force: pd.DataFrame  # BY_FORCE_COLUMNS: referrals awaiting, over 28 and over 56 days
    overdue_list: pd.DataFrame  # LIST_COLUMNS, one row per referral waiting over 28 days

    @property
    def awaiting(self) -> int:
        """Referrals awaiting the receiving force's decision."""
        return int(self.by_band["referrals"].sum())

    @property
    def overdue(self) -> int:
        """Of those, referrals waiting more than OVERDUE_DAYS (overdue)."""
        return int(self.by_band.loc[self.by_band["is_overdue"], "referrals"].sum())

    @property
    def long_overdue(self) -> int:
        """Of those, referrals waiting more than LONG_OVERDUE_DAYS (twice OVERDUE_DAYS)."""
        return int(self.by_band.loc[self.by_band["is_long_overdue"], "referrals"].sum())


def overdue_now_params(filters: Filters, as_at: dt.date) -> dict:
    """The bound parameters of the Overdue now queries: the filters without the period."""
    params = {k: v for k, v in filters.sql_params().items() if k not in PERIOD_PARAMETERS}
    return {**params, "as_at": as_at}


def describe(filters: Filters, as_at: dt.date) -> str:
    """What Overdue now counts, in words, for its caption and its download's audit record."""
    # describe() begins with the period, which Overdue now ignores; the other filters follow it
    others = filters.describe().partition("; ")[2]
    text = f"Referrals awaiting a force decision as at {as_at:%d %b %Y}, whatever the report period"
    return f"{text}; {others}" if others else text


def category_labels(codes) -> str:
    """A report's category codes as the dashboard names them, separated by semicolons."""
    return "; ".join(CATEGORY_LABELS.get(code, code) for code in codes)


def _by_force(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per force with a referral awaiting: awaiting, overdue, long_overdue; the forces
    with the most long overdue, then overdue, then awaiting first."""
    keys = ["force_code", "force_name", "short_name"]
    referrals = counts["referrals"]
    wide = (
        counts.assign(
            awaiting=referrals,
            overdue=referrals.where(counts["is_overdue"], 0),
            long_overdue=referrals.where(counts["is_long_overdue"], 0),
        )
        .groupby(keys, as_index=False, sort=False)[["awaiting", "overdue", "long_overdue"]]
        .sum()
    )
    return wide.sort_values(
        ["long_overdue", "overdue", "awaiting", "force_name"],
        ascending=[False, False, False, True],
        ignore_index=True,
    )[BY_FORCE_COLUMNS]


def overdue_now(run: QueryRunner, filters: Filters, as_at: dt.date) -> OverdueNow:
    """Referrals awaiting a decision at as_at for the filters' forces, regions, channels and
    categories (never its period): by age band, by force, and those waiting over 28 days."""
    params = overdue_now_params(filters, as_at)
    counts = run("overdue_now_counts", **params)
    by_band = (
        counts.groupby(BAND_COLUMNS, as_index=False, sort=True)["referrals"]
        .sum()
        .astype({"referrals": "int64"})
    )
    total = by_band["referrals"].sum()
    by_band["share"] = by_band["referrals"] / total if total else float("nan")
    waiting = run("overdue_now_list", **params)
    overdue_list = waiting.loc[waiting["is_overdue"].astype(bool), LIST_COLUMNS].reset_index(
        drop=True
    )
    overdue_list["categories"] = pd.Series(
        [category_labels(codes) for codes in overdue_list["categories"]],
        index=overdue_list.index,
        dtype="str",
    )
    return OverdueNow(by_band=by_band, by_force=_by_force(counts), overdue_list=overdue_list)
