"""The Publish page's choice of snapshot, read from its address and written back to it, so that
a link such as /publish?period=fy2025 or /publish?period=fy2025&force=kent opens that snapshot.

A public release is national: it covers every force, and is audited against the releases of
every force (docs/metrics.md, "Public releases"). So a force is chosen for an internal snapshot
only: the force's own exact figures (oversight.snapshot.build.force_snapshot), as a force user
downloads from the Forces page, for national staff to prepare for a force.

The address's keys: `period` (a public period such as fy2025 or fy2025-q1, or one of the
sidebar's periods), `from` and `to` (with period=custom), `force` (any number), and
`snapshot=internal` where the rest would read as a public one.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oversight.filters import Period, filters_from_query
from oversight.snapshot.periods import PublicPeriod, parse_period, unavailable_reason

INTERNAL = "internal"
CUSTOM = "custom"  # the period key of chosen dates, as in the sidebar and filters_from_query


@dataclass(frozen=True)
class PublishChoice:
    """Which snapshot the Publish page shows."""

    public: bool
    # public: an available public period's key (fy2025, fy2025-q1); internal: a preset's key
    # (all, fy2025, ...) or "custom"
    period: str
    first: dt.date | None = None  # internal custom dates
    last: dt.date | None = None
    forces: tuple[str, ...] = ()  # internal only: a snapshot of these forces alone
    note: str = ""  # what of the address was not followed, and why


def choice_from_query(
    query: dict[str, list[str]],
    public_periods: Sequence[PublicPeriod],
    presets: dict[str, Period],
    force_codes: set[str],
    as_at: dt.date,
    earliest: dt.date,
) -> PublishChoice:
    """The snapshot an address asks for. Anything unknown or malformed is ignored; what cannot
    be followed (a force in a public release, a period not yet releasable) is said in note.

    Args:
        query: the address's parameters, each a list of values.
        public_periods: the periods that can be released now (available_periods), latest first.
        presets: the internal periods by key (oversight.filters.period_presets).
        force_codes: the forces that exist.
        as_at: the data's as-at date, the last date an internal snapshot may run to.
        earliest: the first date an internal snapshot may start from.
    """
    releasable = {period.key: period for period in public_periods}
    asked = (query.get("period") or [""])[0]
    audience = (query.get("snapshot") or [""])[0]
    wanted = filters_from_query(query, presets, force_codes, set())
    public_asked = _public_period(asked)
    if audience != INTERNAL and not wanted.forces:
        if asked in releasable:
            return PublishChoice(True, asked)
        if not asked:  # the latest releasable period ("" when there is none yet)
            return PublishChoice(True, next(iter(releasable), ""))
    note = ""  # an address that asks for an internal snapshot is followed as it is
    if audience == INTERNAL:
        pass
    elif wanted.forces:
        note = "A public release covers every force, so a force's own snapshot is internal."
    elif public_asked is not None:
        reason = unavailable_reason(public_asked, as_at) or (
            f"{public_asked.label} ended before the first stored report: there is nothing to "
            "release"
        )
        note = f"{reason}. This is an internal preview of it, exact and not for publication."
    else:
        note = (
            "A public release is of a financial year or a quarter only: this is an internal "
            "preview of the period asked for, exact and not for publication."
        )
    if asked in presets:
        return PublishChoice(False, asked, forces=wanted.forces, note=note)
    if public_asked is not None:  # a quarter, or a year the data does not reach yet
        first, last = public_asked.first, public_asked.last
    else:
        first, last = wanted.first_date, wanted.last_date
    first, last = max(first, earliest), min(last, as_at)
    if first > last:  # a period wholly outside the dates allowed
        return PublishChoice(False, "all", forces=wanted.forces, note=note)
    return PublishChoice(False, CUSTOM, first, last, wanted.forces, note)


def choice_to_query(choice: PublishChoice) -> dict[str, list[str]]:
    """The address's parameters for a choice (choice_from_query reads them back)."""
    if choice.public:
        return {"period": [choice.period]}
    query = {"snapshot": [INTERNAL], "period": [choice.period]}
    if choice.period == CUSTOM:
        query |= {"from": [choice.first.isoformat()], "to": [choice.last.isoformat()]}
    if choice.forces:
        query["force"] = list(choice.forces)
    return query


def _public_period(key: str) -> PublicPeriod | None:
    try:
        return parse_period(key)
    except ValueError:
        return None
