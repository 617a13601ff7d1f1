"""Where the command line's briefing reads its figures: the database through a plain query
runner (internal, exact), or a public snapshot of a fixed period (the release in the register
where the period has been released, so the briefing shows what was published; else a preview
audited against the releases, as `snapshot --public` builds it)."""

import datetime as dt
import functools
from pathlib import Path

import duckdb

from oversight.briefing.content import (
    Briefing,
    BriefingError,
    check_force,
    internal_briefing,
    public_briefing,
)
from oversight.db import run_query
from oversight.filters import Filters
from oversight.snapshot import register
from oversight.snapshot.build import SnapshotError
from oversight.snapshot.model import Snapshot
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.reading import released_snapshot
from oversight.snapshot.release import prepare
from oversight.status import read_status

PUBLIC_PERIOD_NEEDED = (
    "A public briefing is of a financial year (--year 2025: April 2025 to March 2026) or one of "
    "its quarters (--quarter 2025-1: April to June 2025), as public figures are."
)


def public_figures(con: duckdb.DuckDBPyConnection, db_path: Path, period: PublicPeriod) -> Snapshot:
    """The period's public tables: as released, where it has been; else the preview that a
    release would publish now (audited against the releases already made)."""
    released = register.latest(register.releases(db_path)).get(period.key)
    if released is not None:
        return released_snapshot(register.released_files(db_path, released.release_id))
    return prepare(con, db_path, True, period)


def database_briefing(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    force: str,
    period: PublicPeriod | None = None,
    public: bool = False,
    now: dt.datetime | None = None,
) -> Briefing:
    """The briefing on force: internal (exact, for the period, or everything stored), or public
    (a fixed period, disclosure-controlled). BriefingError says why it cannot be made."""
    run = functools.partial(run_query, con)
    status = read_status(run)
    if status.first_received_date is None:
        raise BriefingError("The database holds no reports: import an extract first.")
    check_force(force, run("forces_reference"))
    if public:
        if period is None:
            raise BriefingError(PUBLIC_PERIOD_NEEDED)
        try:
            figures = public_figures(con, db_path, period)
        except SnapshotError as error:
            raise BriefingError(str(error)) from error
        return public_briefing(figures, force, run("forces_reference"), now)
    if period is None:
        filters = Filters(status.first_received_date, status.last_received_date, "all")
    else:
        filters = Filters(period.first, period.last, period.key)
    return internal_briefing(run, filters, status, force, now=now)
