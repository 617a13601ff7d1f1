"""What a snapshot holds, in memory, before it is written out (docs/metrics.md, "The published
tables"). Built by oversight.snapshot.tables, written by oversight.snapshot.write (CSV files,
cover note, metadata.json), oversight.snapshot.workbook (snapshot.xlsx) and
oversight.snapshot.report (snapshot.html).

Cell values in a table are: an int (a count), a float already rounded to 2 decimal places (a
rate, officer-years) or to 1 (days), None (left empty: cannot be computed), or, in a public
snapshot only, the string SUPPRESSED ("[c]").
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from oversight.disclosure import SUPPRESSED  # noqa: F401  (re-exported: "[c]")
from oversight.snapshot.periods import PublicPeriod


@dataclass(frozen=True)
class TableSpec:
    """One published table: its file stem, columns in order, and words for people."""

    name: str
    columns: tuple[str, ...]
    title: str
    description: str


# The published tables of docs/metrics.md, in that order.
TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "headline",
        ("measure", "value"),
        "Headline counts",
        "Reports received in the period, and the referrals and outcomes of those reports so far.",
    ),
    TableSpec(
        "reports_by_force",
        (
            "force_code",
            "force_name",
            "reports",
            "officer_fte",
            "officer_years",
            "reports_per_1000_officers_a_year",
        ),
        "Reports by force named, and per 1,000 officers a year",
        "Reports received in the period by the force the reported person works for, with the "
        "force's officers (full-time equivalent, 31 March 2025), its officer-years in the "
        "service (its officers times the years it was in the service within the period, up to "
        "the as-at date) and reports per 1,000 officers a year (reports / officer-years "
        "× 1,000).",
    ),
    TableSpec(
        "reports_by_category",
        ("category", "reports"),
        "Reports by category",
        "Reports received in the period carrying each category. A report can carry several "
        "categories, so the rows add up to more than the number of reports.",
    ),
    TableSpec(
        "reports_by_month",
        ("month", "channel", "reports"),
        "Reports by month and channel",
        "Reports received in each month of the period, by phone and online.",
    ),
    TableSpec(
        "outcomes_by_force",
        (
            "force_code",
            "force_name",
            "referrals",
            "investigations",
            "case_to_answer",
            "dismissals",
            "would_have_been_dismissed",
        ),
        "Referrals and outcomes by receiving force",
        "Referrals of reports received in the period, by the force that received them, and "
        "their outcomes so far.",
    ),
    TableSpec(
        "timeliness",
        ("measure", "cases", "median_days", "p90_days"),
        "Time taken at each stage, in days",
        "Median and 90th percentile days. Days to outcome is a Kaplan-Meier estimate over all "
        "investigations, open ones counted as still open at the as-at date; it is empty where "
        "the estimate never falls that far.",
    ),
    TableSpec(
        "outcomes_decided",
        ("measure", "decided", "median_days", "p90_days"),
        "Outcomes decided in the period",
        "Outcomes decided in the period, whenever the report was received (not the outcomes of "
        "the reports received in the period, which the other tables count): referrals counted "
        "once in each outcome, in the period of their first outcome of that kind, with the "
        "median and 90th percentile days from the report to it.",
    ),
    TableSpec(
        "outcomes_decided_by_force",
        (
            "force_code",
            "force_name",
            "case_to_answer",
            "false_allegations",
            "dismissals",
            "would_have_been_dismissed",
            "barred",
            "criminal_charges",
        ),
        "Outcomes decided in the period, by receiving force",
        "The outcomes decided in the period, whenever the report was received, by the force "
        "that received the referral: every force, zeros included.",
    ),
)

TABLE_NAMES = tuple(spec.name for spec in TABLES)


@dataclass(frozen=True)
class Revision:
    """One published figure that differs from an earlier snapshot of the same period."""

    table: str
    row: str  # the row's key, e.g. "reports" in headline, "MPS" in reports_by_force
    column: str
    old: str  # as written in the earlier snapshot's CSV ("" for empty)
    new: str


@dataclass
class Snapshot:
    """A snapshot's tables and everything said about them."""

    tables: dict[str, pd.DataFrame]  # keyed by TableSpec.name, columns exactly as TableSpec
    first_date: dt.date  # period: received_at dates, both inclusive
    last_date: dt.date
    as_at: dt.date
    generated_at: dt.datetime  # UTC
    public: bool
    threshold: int  # counts from 1 to threshold - 1 are suppressed in a public snapshot
    synthetic: bool  # built from synthetic (demo) data
    software_version: str
    # The headline of the period of the same length just before this one, for commentary
    # ("reports rose by 12% on the previous period"); None when that period is not covered
    # by the stored data. Disclosure-controlled like the tables when public.
    previous_headline: pd.DataFrame | None = None
    previous_first_date: dt.date | None = None
    previous_last_date: dt.date | None = None
    # Why there is no comparison (when previous_headline is None), completing "No comparison
    # is made: ..."
    no_comparison_reason: str = (
        "the period of the same length just before this one is not covered by the stored data"
    )
    # Figures that changed since an earlier snapshot of the same period (--previous), or None
    # when no earlier snapshot was given.
    revisions: list[Revision] | None = None
    previous_generated_at: str | None = None
    notes: list[str] = field(default_factory=list)  # data-quality notes for the cover
    # The extract files the database was built from (import_id, imported_at, file_name,
    # table_name, sha256, rows_read), for metadata.json.
    sources: list[dict] = field(default_factory=list)
    # A public snapshot's fixed period (a financial year or a quarter), or None.
    period: PublicPeriod | None = None
    # The exact tables behind a public snapshot, kept for the register's audits of later
    # releases; never written to a file.
    exact: dict[str, pd.DataFrame] | None = field(default=None, repr=False)
    # A force's own snapshot (internal, for the force): its force codes and names, every table
    # counting only them; empty for a snapshot of every force.
    forces: tuple[str, ...] = ()
    force_names: tuple[str, ...] = ()

    @property
    def whose(self) -> str:
        """The forces a force's own snapshot is of, in words ("Kent Police"); "" for every
        force."""
        names = list(self.force_names or self.forces)
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)

    def table(self, name: str) -> pd.DataFrame:
        """The published table of that name."""
        return self.tables[name]

    def headline_value(self, measure: str):
        """One headline figure (an int, or SUPPRESSED)."""
        headline = self.tables["headline"]
        return headline.loc[headline["measure"] == measure, "value"].iloc[0]
