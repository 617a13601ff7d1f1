"""The one code path for published files: the command line (snapshot, publish) and the Publish
page build a snapshot here, and write its files with oversight.snapshot.write.snapshot_files.

A public snapshot is of a fixed period only, once the period is available, audited against
every release already in the register, compared with the period before as it was released,
and listing what changed since the same period's last release. A release is recorded only by
publish(); building or previewing one records nothing.
"""

import datetime as dt
import functools
from pathlib import Path

import duckdb
import pandas as pd

from oversight import ledger
from oversight.constants import DEFAULT_THRESHOLD
from oversight.settings import disclosure_threshold
from oversight.snapshot import register
from oversight.snapshot.across import earlier_constraints
from oversight.snapshot.build import SnapshotError, build_snapshot
from oversight.snapshot.model import Revision, Snapshot
from oversight.snapshot.periods import (
    PublicPeriod,
    month_name,
    revision_round,
    unavailable_reason,
)
from oversight.snapshot.write import snapshot_files, write_files
from oversight.status import data_status


def threshold_for(public: bool) -> int:
    """The disclosure threshold of a snapshot: the setting for a public one (a bad setting
    must not block an internal one, which shows the default it does not apply)."""
    return disclosure_threshold() if public else DEFAULT_THRESHOLD


def prepare(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    public: bool,
    period: PublicPeriod | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> Snapshot:
    """The snapshot the command line and the Publish page both write: public ones of a fixed
    period, audited against the register beside db_path; internal ones of any period."""
    threshold = threshold_for(public)
    if not public:
        if period is not None and (first is not None or last is not None):
            raise SnapshotError("Give a period (a year or a quarter) or dates, not both.")
        if period is not None:
            first, last = period.first, period.last
        return build_snapshot(con, first, last, public=False, threshold=threshold)
    if period is None or first is not None or last is not None:
        raise SnapshotError(
            "A public snapshot is of a financial year (--year 2025: April 2025 to March 2026) "
            "or one of its quarters (--quarter 2025-1: April to June 2025), never of other dates."
        )
    return public_snapshot(con, period, threshold, register.releases(db_path))


def public_snapshot(
    con: duckdb.DuckDBPyConnection,
    period: PublicPeriod,
    threshold: int,
    earlier: list[register.Release],
) -> Snapshot:
    """The public snapshot of a fixed period, suppressed together with the earlier releases."""
    status = data_status(con)
    as_at = status.as_at_date
    if as_at is None:
        raise SnapshotError("The database holds no reports: import an extract first.")
    if period.last < status.first_received_date:
        raise SnapshotError(
            f"{period.label} ended before the first stored report "
            f"({month_name(status.first_received_date)}): there is nothing to release."
        )
    _check_threshold(threshold, earlier)
    reason = unavailable_reason(period, as_at)
    if reason:
        raise SnapshotError(f"Not yet: {reason}.")
    latest = register.latest(earlier)
    before = latest.get(period.previous().key)
    try:
        snapshot = build_snapshot(
            con,
            period.first,
            period.last,
            public=True,
            threshold=threshold,
            no_comparison=f"{period.previous().label} has not been released",
            earlier=functools.partial(earlier_constraints, period=period, earlier=earlier),
        )
    except ValueError as error:
        raise SnapshotError(
            f"The figures of {period.label} cannot be protected against the releases already "
            f"made: {error}"
        ) from error
    snapshot.period = period
    if before is not None:
        snapshot.previous_headline = _published_headline(before)
        snapshot.previous_first_date = before.period.first
        snapshot.previous_last_date = before.period.last
        snapshot.no_comparison_reason = ""
    same = latest.get(period.key)
    if same is not None:
        snapshot.revisions = revisions(same, snapshot)
        snapshot.previous_generated_at = same.released_at.replace(tzinfo=dt.UTC).isoformat()
    return snapshot


def _check_threshold(threshold: int, earlier: list[register.Release]) -> None:
    """One threshold for the whole register: the audit across releases treats every release's
    hidden cells as hidden at its own threshold, so a lower one later would reveal them (a year
    suppressed at 5 beside its quarters at 2)."""
    used = sorted({release.threshold for release in earlier})
    if used and used != [threshold]:
        raise SnapshotError(
            f"the releases already made used a disclosure threshold of {used[-1]}, and every "
            f"later release must use the same (OVERSIGHT_DISCLOSURE_THRESHOLD is {threshold})"
        )


def _published_headline(release: register.Release) -> pd.DataFrame:
    """A release's headline as published: ints, or [c]."""
    cells = {row: text for (t, row, _), text in release.published.items() if t == "headline"}
    return pd.DataFrame(
        {
            "measure": list(cells),
            "value": [text if text == "[c]" else int(text) for text in cells.values()],
        }
    )


def revisions(earlier: register.Release, snapshot: Snapshot) -> list[Revision]:
    """Every published cell that differs from the period's last release (both published, so
    both public; the audit made sure no change of 1 to threshold - 1 can be worked out)."""
    now = {(t, row, column): text for t, _, row, column, text, _ in register.cells(snapshot)}
    changed = []
    for cell in [*now, *(c for c in earlier.published if c not in now)]:
        table, row, column = cell
        was, new = earlier.published.get(cell, ""), now.get(cell, "")
        if was != new:
            changed.append(Revision(table, row, column, was, new))
    return changed


def check_release(period: PublicPeriod, as_at: dt.date, earlier: list[register.Release],
                  revise: bool) -> int | None:  # fmt: skip
    """The release this one revises (None for a first release); SnapshotError where the
    period cannot be released now: each period is released once, and again only at a later
    annual revision point, when asked to (revise)."""
    same = [r for r in earlier if r.period == period]
    if not same:
        if revise:
            raise SnapshotError(f"{period.label} has not been released: nothing to revise.")
        return None
    last = same[-1]
    if not revise:
        raise SnapshotError(
            f"{period.label} was released in {month_name(last.released_at.date())}. Each "
            "period is released once; it can be revised at the annual revision point, with "
            "--revise."
        )
    if revision_round(as_at) <= revision_round(last.as_at):
        point = PublicPeriod(revision_round(last.as_at) + 1).available_from()
        raise SnapshotError(
            f"{period.label} was last released from data as at {month_name(last.as_at)}. It "
            f"can be revised once a year, at the annual revision point: once the data runs to "
            f"{month_name(point)}."
        )
    return last.release_id


def publish(db_path: Path, con: duckdb.DuckDBPyConnection, period: PublicPeriod,
            revise: bool = False, now: dt.datetime | None = None, out: Path | None = None,
            ) -> tuple[int, Snapshot, dict[str, bytes]]:  # fmt: skip
    """Release the period: build it against the register and record it there, with its files,
    in one transaction under the ledger's lock (so two releases cannot both pass the checks).
    With out, the files are written there before the record is committed: a folder that cannot
    be written leaves nothing released. Returns the release id, the snapshot as written and its
    files."""
    threshold = threshold_for(True)
    with ledger.appending(db_path) as ledger_con:
        earlier = register.releases_in(ledger_con)
        as_at = data_status(con).as_at_date
        revises = check_release(period, as_at, earlier, revise) if as_at else None
        snapshot = public_snapshot(con, period, threshold, earlier)
        written, files = snapshot_files(snapshot, now=now)
        release_id = register.record(ledger_con, db_path, period, written, files, revises)
        if out is not None:
            write_files(files, out)
    return release_id, written, files
