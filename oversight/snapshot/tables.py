"""The published tables of docs/metrics.md, computed by the functions the dashboard's pages use,
exact (internal) or disclosure-controlled (public)."""

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field

import pandas as pd

from oversight import disclosure
from oversight.analysis import QueryRunner
from oversight.analysis.decided import DECIDED_MEASURES, decided_by_force, decided_counts
from oversight.analysis.outcomes import timeliness
from oversight.analysis.overview import headline_counts
from oversight.analysis.reports import (
    RatePeriod,
    category_totals,
    force_counts,
    force_rates,
    rate_period,
)
from oversight.constants import DEFAULT_THRESHOLD, MIN_BASE
from oversight.contract import UNKNOWN_FORCE
from oversight.filters import Filters
from oversight.snapshot.model import TABLES

HEADLINE_MEASURES = (
    "reports",
    "reports_phone",
    "reports_online",
    "anonymous_reports",
    "disseminated_reports",
    "referrals",
    "investigations",
    "transferred",
    "case_to_answer",
    "false_allegations",
    "dismissals",
    "would_have_been_dismissed",
    "removed_from_policing",
    "barred",
    "criminal_charges",
    "open_cases",
    "awaiting_force_decision",
    "awaiting_force_decision_overdue",
)
OUTCOME_COUNTS = (
    "referrals",
    "investigations",
    "case_to_answer",
    "dismissals",
    "would_have_been_dismissed",
)
# The event view's counts (docs/metrics.md, "Outcomes decided in the period"), by measure.
DECIDED_COUNTS = tuple(DECIDED_MEASURES)
# Each table's key columns: together they name a row (for suppression and revisions).
ROW_KEYS = {
    "headline": ("measure",),
    "reports_by_force": ("force_code",),
    "reports_by_category": ("category",),
    "reports_by_month": ("month", "channel"),
    "outcomes_by_force": ("force_code",),
    "timeliness": ("measure",),
    "outcomes_decided": ("measure",),
    "outcomes_decided_by_force": ("force_code",),
}
# The count columns of each table (the cells disclosure control looks at).
COUNT_COLUMNS = {
    "headline": ("value",),
    "reports_by_force": ("reports",),
    "reports_by_category": ("reports",),
    "reports_by_month": ("reports",),
    "outcomes_by_force": OUTCOME_COUNTS,
    "timeliness": ("cases",),
    "outcomes_decided": ("decided",),
    "outcomes_decided_by_force": DECIDED_COUNTS,
}
# The tables with a median and a 90th percentile of days, and the count of cases behind them.
TIMED_CASES = {"timeliness": "cases", "outcomes_decided": "decided"}
# The published rate per 1,000 officers a year, computed from reports_by_force's reports.
RATE_COLUMN = "reports_per_1000_officers_a_year"
# A median or percentile of fewer cases than this describes too few people to publish.
MIN_CASES_FOR_TIMES = MIN_BASE


def exact_tables(run: QueryRunner, filters: Filters, as_at: dt.date) -> dict[str, pd.DataFrame]:
    """Every published table for the filters, with exact numbers, columns as in metrics.md."""
    params = filters.sql_params()
    headline = headline_counts(run, filters, as_at)
    reference = run("forces_reference")
    grid = run("reports_by_force_category", **params)
    stages = run("stage_counts_by_force", **params)
    tables = {
        "headline": _headline_frame(headline),
        "reports_by_force": _reports_by_force(
            force_counts(grid, reference), reference, rate_period(filters, as_at)
        ),
        "reports_by_category": category_totals(grid)[["category", "reports"]],
        "reports_by_month": run("reports_by_month", **params)[["month", "channel", "reports"]],
        "outcomes_by_force": _outcomes_by_force(stages, reference),
        "timeliness": _rounded_days(timeliness(run, filters, as_at)),
        # the event view: the period is the outcomes' decided_at dates
        "outcomes_decided": _rounded_days(
            decided_counts(run, filters).rename(columns={"cases": "decided"})
        ),
        "outcomes_decided_by_force": _in_reference_order(decided_by_force(run, filters), reference),
    }
    return {spec.name: _typed(tables[spec.name], spec.columns) for spec in TABLES}


def _headline_frame(counts: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"measure": HEADLINE_MEASURES, "value": [int(counts[m]) for m in HEADLINE_MEASURES]}
    )


def _in_reference_order(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Forces in the reference's order (data/forces.csv), "Force not known" last."""
    position = frame["force_code"].map(
        dict(zip(reference["force_code"], reference["reference_position"], strict=True))
    )
    return frame.assign(_position=position.fillna(len(reference))).sort_values(
        "_position", kind="stable"
    )


def _reports_by_force(
    counts: pd.DataFrame, reference: pd.DataFrame, period: RatePeriod
) -> pd.DataFrame:
    """Reports by force with the rate the Reports page shows: per 1,000 officers a year over
    the period cut at the as-at date, with the officer-years it divides by."""
    rated = force_rates(counts, period)
    return _in_reference_order(
        rated.assign(
            officer_years=pd.to_numeric(rated["officer_years"], errors="coerce").round(2),
            reports_per_1000_officers_a_year=pd.to_numeric(
                rated["reports_per_1000_officers"], errors="coerce"
            ).round(2),
        ),
        reference,
    )


def _outcomes_by_force(stages: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    received = stages[(stages["referrals"] > 0) & (stages["force_code"] != UNKNOWN_FORCE)]
    return _in_reference_order(received, reference)


def _rounded_days(rows: pd.DataFrame) -> pd.DataFrame:
    """Median and 90th percentile days to 1 decimal place (None where nothing was measured)."""
    # numeric first, so an all-empty column still rounds
    return rows.assign(
        **{c: pd.to_numeric(rows[c], errors="coerce").round(1) for c in ("median_days", "p90_days")}
    )


def _typed(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Just the published columns, counts as ints, a missing number as None (left empty)."""
    out = frame[list(columns)].reset_index(drop=True).astype(object)
    return out.where(out.notna(), None)


@dataclass
class Constraints:
    """What suppression works over: the counts by cell, the published sums tying them, what the
    public knows besides (lower bounds, orders), and, across releases, the cells already
    published (True where suppressed) and the changes between releases, never published."""

    values: dict[Hashable, int]
    lines: list[list[Hashable]]
    lower_bounds: dict[Hashable, int]
    orders: list[tuple[Hashable, Hashable]]
    settled: dict[Hashable, bool] = field(default_factory=dict)
    unpublished: list[Hashable] = field(default_factory=list)

    def add(self, other: "Constraints") -> None:
        self.values.update(other.values)
        self.lines += other.lines
        self.lower_bounds.update(other.lower_bounds)
        self.orders += other.orders
        self.settled.update(other.settled)
        self.unpublished += other.unpublished


def constraints(exact: dict[str, pd.DataFrame]) -> Constraints:
    """The constraints of one set of tables (cells keyed (table, row key, column))."""
    return Constraints(
        _values(exact),
        _lines(exact),
        _lower_bounds(exact),
        [*_headline_orders(), *_outcome_orders(exact)],
    )


def public_tables(
    exact: dict[str, pd.DataFrame],
    threshold: int = DEFAULT_THRESHOLD,
    earlier: Constraints | None = None,
) -> dict[str, pd.DataFrame]:
    """The same tables under the disclosure rules of docs/metrics.md: small counts and the
    cells that would reveal them, and the rates and times built on them, shown as [c]; with
    earlier, also so that nothing already released, and no change since, can be worked out."""
    known = constraints(exact)
    if earlier is not None:
        known.add(earlier)
    hidden = disclosure.suppressed_cells(
        known.values,
        known.lines,
        threshold,
        lower_bounds=known.lower_bounds,
        orders=known.orders,
        settled=known.settled,
        unpublished=known.unpublished,
    )
    return {name: _suppressed(name, frame, hidden) for name, frame in exact.items()}


def _keyed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table's count columns with each row labelled by its key (as cells are named)."""
    keys = [_row_key(frame, i, name) for i in frame.index]
    return frame[list(COUNT_COLUMNS[name])].set_axis(keys)


def _values(tables: dict[str, pd.DataFrame]) -> dict[tuple, int]:
    """Every published count, keyed (table, row key, column)."""
    return {
        key: value
        for name, frame in tables.items()
        for key, value in disclosure.table_values(name, _keyed(name, frame)).items()
    }


def _suppressed(name: str, frame: pd.DataFrame, hidden: frozenset) -> pd.DataFrame:
    """One table with its hidden counts, and the rates and times built on them, as [c]."""
    mask = disclosure.table_mask(name, _keyed(name, frame), hidden).set_axis(frame.index)
    table = disclosure.apply(frame, mask)
    if name == "reports_by_force":
        table[RATE_COLUMN] = [
            # officer-years come from published reference data and the period, not a count of
            # people: only a suppressed count of reports hides the rate
            disclosure.suppress_rate(rate, hid, years, min_denominator=0)
            for rate, hid, years in zip(
                frame[RATE_COLUMN], mask["reports"], frame["officer_years"], strict=True
            )
        ]
    if name in TIMED_CASES:
        counted = TIMED_CASES[name]
        for column in ("median_days", "p90_days"):
            table[column] = [
                # even an empty value says something of a few cases (fewer than half ended)
                disclosure.SUPPRESSED
                if 0 < cases < MIN_CASES_FOR_TIMES
                else disclosure.suppress_rate(days, hid, cases, min_denominator=MIN_CASES_FOR_TIMES)
                for days, hid, cases in zip(
                    frame[column], mask[counted], frame[counted], strict=True
                )
            ]
    return table


def _row_key(frame: pd.DataFrame, i, name: str) -> str:
    return "/".join(str(frame.at[i, key]) for key in ROW_KEYS[name])


def _lines(exact: dict[str, pd.DataFrame]) -> list[list[tuple]]:
    """Groups of published cells tied by a published sum, each listing the cells and then the
    cell holding their sum (disclosure.suppressed_cells), so that a suppressed cell cannot be
    worked out by subtraction, within a table or across tables."""

    def headline(measure: str) -> tuple:
        return ("headline", measure, "value")

    def column(name: str, counted: str, rows=None) -> list[tuple]:
        frame = exact[name]
        index = frame.index if rows is None else frame.index[rows]
        return [(name, _row_key(frame, i, name), counted) for i in index]

    lines = _headline_lines(exact["headline"])
    # every report names one force or none: the forces' reports add up to all reports
    lines.append([*column("reports_by_force", "reports"), headline("reports")])
    months = exact["reports_by_month"]
    for channel in ("phone", "online"):
        cells = column("reports_by_month", "reports", months["channel"] == channel)
        lines.append([*cells, headline(f"reports_{channel}")])
    # every referral goes to a named force: each outcomes_by_force column adds up to headline
    for counted in OUTCOME_COUNTS:
        lines.append([*column("outcomes_by_force", counted), headline(counted)])
    # the times' case counts equal headline counts
    for measure, counted in (
        ("days_to_dissemination", "referrals"),
        ("days_to_outcome", "investigations"),
        ("days_to_dismissal", "dismissals"),
    ):
        lines.append([("timeliness", measure, "cases"), headline(counted)])
    # every referral goes to a named force: each column of the event view by force adds up to
    # the event view's count of that outcome
    for counted in DECIDED_COUNTS:
        total = ("outcomes_decided", counted, "decided")
        lines.append([*column("outcomes_decided_by_force", counted), total])
    # a table with no rows (no referrals yet) leaves its total alone: nothing to protect
    return [line for line in lines if len(line) > 1]


# What anyone knows of the headline counts without being told: a part is never larger than its
# whole. Each pair (part, whole) holds by the definitions of docs/metrics.md.
HEADLINE_ORDERS = (
    ("anonymous_reports", "reports"),
    ("disseminated_reports", "reports"),
    ("disseminated_reports", "referrals"),
    ("investigations", "referrals"),
    ("transferred", "referrals"),
    ("case_to_answer", "investigations"),
    ("false_allegations", "referrals"),
    ("dismissals", "removed_from_policing"),
    ("would_have_been_dismissed", "removed_from_policing"),
    ("removed_from_policing", "referrals"),
    ("barred", "referrals"),
    ("criminal_charges", "referrals"),
    ("open_cases", "investigations"),
    ("awaiting_force_decision", "referrals"),
    ("awaiting_force_decision_overdue", "awaiting_force_decision"),
)
# The same within each row of outcomes_by_force.
OUTCOME_ORDERS = (
    ("investigations", "referrals"),
    ("case_to_answer", "investigations"),
    ("dismissals", "referrals"),
    ("would_have_been_dismissed", "referrals"),
)


def _headline_lines(headline: pd.DataFrame) -> list[list[tuple]]:
    """The sums within the headline: reports by phone and online make all reports; dismissals
    and would-have-been dismissals make removed from policing (counted once: a sum only while
    no referral has both outcomes)."""
    values = dict(zip(headline["measure"], headline["value"], strict=True))

    def cells(*measures: str) -> list[tuple]:
        return [("headline", m, "value") for m in measures]

    lines = [cells("reports_phone", "reports_online", "reports")]
    removed = ("dismissals", "would_have_been_dismissed", "removed_from_policing")
    if values[removed[0]] + values[removed[1]] == values[removed[2]]:
        lines.append(cells(*removed))
    return lines


def _headline_orders() -> list[tuple[tuple, tuple]]:
    return [(("headline", a, "value"), ("headline", b, "value")) for a, b in HEADLINE_ORDERS]


def _outcome_orders(exact: dict[str, pd.DataFrame]) -> list[tuple[tuple, tuple]]:
    frame = exact["outcomes_by_force"]
    return [
        (("outcomes_by_force", row, part), ("outcomes_by_force", row, whole))
        for row in (_row_key(frame, i, "outcomes_by_force") for i in frame.index)
        for part, whole in OUTCOME_ORDERS
    ]


def _lower_bounds(exact: dict[str, pd.DataFrame]) -> dict[tuple, int]:
    """outcomes_by_force lists only forces that received a referral: each row's referrals are
    known to be at least 1."""
    frame = exact["outcomes_by_force"]
    return {
        ("outcomes_by_force", _row_key(frame, i, "outcomes_by_force"), "referrals"): 1
        for i in frame.index
    }


def headline_table(
    run: QueryRunner, filters: Filters, as_at: dt.date, public: bool, threshold: int
) -> pd.DataFrame:
    """headline.csv alone (for the previous period the commentary compares with)."""
    frame = _typed(_headline_frame(headline_counts(run, filters, as_at)), ("measure", "value"))
    if not public:
        return frame
    hidden = disclosure.suppressed_cells(
        _values({"headline": frame}), _headline_lines(frame), threshold, orders=_headline_orders()
    )
    return _suppressed("headline", frame, hidden)
