"""Building a snapshot from the database: its period, tables, comparison and notes."""

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable

import duckdb

from oversight import __version__
from oversight.analysis import QueryRunner
from oversight.analysis.overview import comparison_problem
from oversight.constants import DEFAULT_THRESHOLD
from oversight.db import run_query
from oversight.filters import Filters, month_end
from oversight.snapshot.commentary import as_at_words
from oversight.snapshot.model import SUPPRESSED, Snapshot
from oversight.snapshot.tables import (
    Constraints,
    constraints,
    exact_tables,
    headline_table,
    public_tables,
)
from oversight.status import read_status


class SnapshotError(Exception):
    """A snapshot that cannot be built or written as asked (the message says why)."""


def build_snapshot(
    con: duckdb.DuckDBPyConnection,
    first_date: dt.date | None = None,
    last_date: dt.date | None = None,
    public: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
    now: dt.datetime | None = None,
    no_comparison: str = "",
    earlier: Callable[[dict], Constraints] | None = None,
) -> Snapshot:
    """The snapshot of reports received from first_date to last_date (both inclusive; by
    default the first and last stored), exact, or disclosure-controlled when public; with the
    headline of the period before for comparison, when the data covers it and no reason not
    to compare is given (no_comparison completes "No comparison is made: ..."). earlier: what
    releases already made add to a public snapshot's suppression, from its exact counts
    (oversight.snapshot.across)."""
    run = functools.partial(run_query, con)
    return _build(run, first_date, last_date, public, threshold, now, no_comparison, earlier)


def force_snapshot(
    run: QueryRunner,
    forces: tuple[str, ...],
    first_date: dt.date | None = None,
    last_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Snapshot:
    """An internal snapshot of these forces only, for the forces themselves: exact (never
    public), every table and the comparison counting only the reports about people working
    for them and the referrals they received. Every query goes through run, so the dashboard
    passes its runner narrowed to the session's own forces."""
    if not forces:
        raise SnapshotError("A force snapshot needs at least one force.")
    reference = run("forces_reference")
    names = dict(zip(reference["force_code"].astype(str), reference["force_name"], strict=True))
    unknown = [code for code in forces if code not in names]
    if unknown:
        raise SnapshotError(f"No force has the code {', '.join(unknown)}.")
    return _build(run, first_date, last_date, False, DEFAULT_THRESHOLD, now, "", None,
                  tuple(forces), tuple(names[code] for code in forces))  # fmt: skip


def _build(
    run: QueryRunner,
    first_date: dt.date | None,
    last_date: dt.date | None,
    public: bool,
    threshold: int,
    now: dt.datetime | None,
    no_comparison: str,
    earlier: Callable[[dict], Constraints] | None,
    forces: tuple[str, ...] = (),
    force_names: tuple[str, ...] = (),
) -> Snapshot:
    status = read_status(run)
    if status.first_received_date is None or status.as_at_date is None:
        raise SnapshotError("The database holds no reports: import an extract first.")
    first = first_date or status.first_received_date
    last = last_date or status.last_received_date
    if public:
        # the first and last report's own dates are finer than a month: a public snapshot's
        # default period runs over whole months
        first = first_date or first.replace(day=1)
        last = last_date or month_end(last)
    if first > last:
        raise SnapshotError(f"The period starts ({first}) after it ends ({last}).")
    # with forces, every query counts only theirs: no other force's row, no national total
    filters = Filters(first, last, forces=forces)
    exact = exact_tables(run, filters, status.as_at_date)
    audit = earlier(constraints(exact).values) if public and earlier is not None else None
    tables = public_tables(exact, threshold, audit) if public else exact

    before = previous_period(filters)
    problem = no_comparison or comparison_problem(before, status.first_received_date)
    comparable = not problem
    previous = (
        headline_table(run, before, status.as_at_date, public, threshold) if comparable else None
    )
    return Snapshot(
        tables=tables,
        first_date=first,
        last_date=last,
        as_at=status.as_at_date,
        generated_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        public=public,
        threshold=threshold,
        synthetic=status.synthetic,
        software_version=__version__,
        previous_headline=previous,
        previous_first_date=before.first_date if comparable else None,
        previous_last_date=before.last_date if comparable else None,
        no_comparison_reason=problem or "",
        notes=_notes(tables, last, status.as_at_date, public),
        # the imported files' row counts are totals over every force: not in a force's own
        sources=[] if forces else _sources(run),
        exact=exact if public else None,
        forces=forces,
        force_names=force_names,
    )


def previous_period(filters: Filters) -> Filters:
    """The period just before: the same number of whole months when the period is whole
    months (a financial year is compared with the one before, a quarter with the quarter
    before, whatever their days), else the same number of days."""
    first, last = filters.first_date, filters.last_date
    next_day = last + dt.timedelta(days=1)
    if first.day != 1 or next_day.day != 1:
        return filters.previous()
    months = (next_day.year - first.year) * 12 + next_day.month - first.month
    start = first.year * 12 + first.month - 1 - months
    before_first = dt.date(start // 12, start % 12 + 1, 1)
    # the same forces and other choices: a force's snapshot compares the force with itself
    return dataclasses.replace(
        filters, first_date=before_first, last_date=first - dt.timedelta(days=1),
        period_key="previous",
    )  # fmt: skip


def _sources(run) -> list[dict]:
    files = run("imported_files")
    return [
        {
            "import_id": int(row.import_id),
            "imported_at": row.imported_at.isoformat(),
            "file_name": row.file_name,
            "table": row.table_name,
            "sha256": row.sha256,
            "rows_read": int(row.rows_read),
        }
        for row in files.itertuples()
    ]


def _notes(tables: dict, last: dt.date, as_at: dt.date, public: bool) -> list[str]:
    """Data-quality notes a reader of these tables should know, from the published values
    (naming the as-at date's month only in public)."""
    when = as_at_words(as_at, public, long=True)
    notes = []
    by_force = tables["reports_by_force"]
    unknown = by_force.loc[by_force["force_code"] == "unknown", "reports"]
    if len(unknown) and unknown.iloc[0] != 0:
        count = unknown.iloc[0]
        shown = f"A suppressed number ({SUPPRESSED}) of" if count == SUPPRESSED else f"{count:,}"
        notes.append(
            f"{shown} reports do not say which force the reported person works for; they "
            "count in the national figures and show as 'Force not known'."
        )
    if last > as_at:
        notes.append(
            f"The period runs past the as-at date ({when}): it holds no reports "
            "after that date yet."
        )
    notes.append(
        "Referrals and outcomes are counted against the period of the report they came from "
        f"(cohort view), so far, as at {when}: later snapshots of the same period "
        "will show more of them as cases progress. The tables of outcomes decided in the period "
        "(outcomes_decided.csv, outcomes_decided_by_force.csv) count outcomes by the date they "
        "were decided instead, whenever the report came in."
    )
    return notes
