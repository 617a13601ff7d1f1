"""The dashboard's filters: what they hold, the period presets, and their form in a URL.

Pure logic, no Streamlit: the sidebar (oversight/sidebar.py) reads and writes these, the pages
pass Filters.sql_params() to every query, and a snapshot can build the same Filters.
"""

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from oversight.constants import NATIONAL_LAUNCH, PILOT_FIRST, PILOT_LAST
from oversight.contract import CATEGORIES, CHANNELS, SUBJECT_ROLES


@dataclass(frozen=True)
class Period:
    """A named span of received_at dates, both ends inclusive."""

    key: str
    label: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Filters:
    """What the user chose: a period, and optional forces, regions, channels, categories and
    roles of the person reported (subject_role: officer, staff, ...).

    An empty tuple means "all". Forces and regions narrow together (a force must match both).
    subject_roles is the reported person's role in the police, not a dashboard user's role
    (oversight/access.py).
    """

    first_date: dt.date
    last_date: dt.date
    period_key: str = "custom"
    forces: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = field(default=())
    subject_roles: tuple[str, ...] = ()
    # the forces' names, for describe() only (never in a query, not part of equality)
    force_labels: tuple[str, ...] = field(default=(), compare=False)

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.last_date - self.first_date).days + 1

    def previous(self) -> "Filters":
        """The same filters over the period of the same length just before this one."""
        last = self.first_date - dt.timedelta(days=1)
        first = last - dt.timedelta(days=self.days - 1)
        return replace(self, first_date=first, last_date=last, period_key="previous")

    def with_forces(self, forces: tuple[str, ...], regions: tuple[str, ...] = ()) -> "Filters":
        """The same filters for other forces (for a force beside its region and nation)."""
        return replace(self, forces=forces, regions=regions, force_labels=())

    def sql_params(self) -> dict:
        """The bound parameters every filtered query takes (see queries/filtered_tables.sql)."""
        return {
            "first_date": self.first_date,
            "last_date": self.last_date,
            "forces": list(self.forces),
            "regions": list(self.regions),
            "channels": list(self.channels),
            "categories": list(self.categories),
            "subject_roles": list(self.subject_roles),
        }

    def with_force_labels(self, names: dict[str, str]) -> "Filters":
        """The same filters with their forces' names from names (code to name), for words."""
        return replace(self, force_labels=tuple(names.get(code, code) for code in self.forces))

    def describe(self) -> str:
        """The filters in words, as a sentence, for chart captions and downloads."""
        parts = [f"Reports received {self.first_date:%d %b %Y} to {self.last_date:%d %b %Y}"]
        forces = self.force_labels if len(self.force_labels) == len(self.forces) else self.forces
        for name, values in (
            ("force", forces),
            ("region", self.regions),
            ("channel", self.channels),
            ("category", tuple(c.replace("_", " ") for c in self.categories)),
            ("role", self.subject_roles),
        ):
            if values:
                parts.append(f"{name}: {', '.join(values)}")
        return "; ".join(parts)

    def about(self) -> list[tuple[str, str]]:
        """The filters as (what, chosen) rows in words, every filter named ("All" where none is
        chosen): for the head of a downloaded file, so that it says what it holds."""
        forces = self.force_labels if len(self.force_labels) == len(self.forces) else self.forces
        chosen = (
            ("Force", forces),
            ("Region", self.regions),
            ("Channel", tuple(c.capitalize() for c in self.channels)),
            ("Category", tuple(c.replace("_", " ").capitalize() for c in self.categories)),
            ("Role of the person reported",
             tuple(SUBJECT_ROLE_PLURALS[r].capitalize() for r in self.subject_roles)),
        )  # fmt: skip
        return [
            ("Reports received", f"{self.first_date:%d %b %Y} to {self.last_date:%d %b %Y}"),
            *((name, ", ".join(values) or "All") for name, values in chosen),
        ]

    def file_tag(self) -> str:
        """The filters in a file name: short and safe (lower-case letters, digits, "_" and "-"),
        e.g. "kent_phone_2025-04-01_2026-03-31". A filter of many values is counted rather than
        listed ("5-forces"), so the name stays short."""
        parts = [
            _tag(values, noun)
            for values, noun in (
                (self.forces, "forces"),
                (self.regions, "regions"),
                (self.channels, "channels"),
                (self.categories, "categories"),
                (self.subject_roles, "roles"),
            )
            if values
        ]
        return "_".join([*parts, self.first_date.isoformat(), self.last_date.isoformat()])


def _tag(values: tuple[str, ...], noun: str, most: int = 2) -> str:
    """Up to `most` values joined by "-", each made safe for a file name; more are counted."""
    if len(values) > most:
        return f"{len(values)}-{noun}"
    return "-".join(re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") for value in values)


# Who each subject_role is, in the plural, for sentences ("reports about officers only").
SUBJECT_ROLE_PLURALS = {
    "officer": "officers",
    "staff": "staff",
    "volunteer": "volunteers",
    "unknown": "people whose role is not known",
}


def people_reported(subject_roles: tuple[str, ...]) -> str:
    """Whom a selection's reports are about, by role, in words: "officers only", or "every role
    (officers, staff, ...)" when no role is chosen."""
    names = [
        SUBJECT_ROLE_PLURALS[r] for r in SUBJECT_ROLES if not subject_roles or r in subject_roles
    ]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"every role ({listed})" if not subject_roles else f"{listed} only"


def financial_year(start_year: int) -> Period:
    """The financial year from 1 April start_year to 31 March the next year."""
    return Period(
        f"fy{start_year}",
        f"Financial year {start_year}/{str(start_year + 1)[-2:]}",
        dt.date(start_year, 4, 1),
        dt.date(start_year + 1, 3, 31),
    )


def period_presets(first: dt.date, last: dt.date, as_at: dt.date) -> dict[str, Period]:
    """The preset periods for data received from first to last, as at as_at, by key."""
    presets = [
        Period("all", "All stored reports", first, last),
        Period("last12", "Last 12 months", _months_before(as_at, 12), as_at),
        # short enough for the sidebar's select box: the dates are in the caption under it
        Period("national", "Since national launch", NATIONAL_LAUNCH, as_at),
        Period("pilot", "Met pilot", PILOT_FIRST, PILOT_LAST),
    ]
    start = first.year if first.month >= 4 else first.year - 1
    for year in range(start, last.year + 1):
        period = financial_year(year)
        if period.first > last:
            continue
        # a year the data covers only in part says so (briefly: the sidebar's caption gives its
        # dates), and spans only the days it covers
        if period.first < first:
            period = Period(period.key, f"{period.label} (part)", first, period.last)
        if period.last > as_at:
            period = Period(period.key, f"{period.label} (so far)", period.first, as_at)
        presets.append(period)
    return {period.key: period for period in presets}


def month_end(day: dt.date) -> dt.date:
    """The last day of day's month."""
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The day after the same date `months` earlier (so the span is whole months)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    days_in_month = month_end(dt.date(year, month + 1, 1)).day
    return dt.date(year, month + 1, min(day.day, days_in_month)) + dt.timedelta(days=1)


def filters_from_query(
    query: dict[str, list[str]],
    presets: dict[str, Period],
    force_codes: set[str],
    region_names: set[str],
) -> Filters:
    """Filters from URL query parameters; anything unknown or malformed is ignored."""
    period = presets.get(_first(query, "period") or "all")
    if period is not None and period.key != "custom":
        first, last, key = period.first, period.last, period.key
    else:
        fallback = presets["all"]
        first = _parse_date(_first(query, "from")) or fallback.first
        last = _parse_date(_first(query, "to")) or fallback.last
        key = "custom"
        if first > last:
            first, last = last, first
    return Filters(
        first,
        last,
        key,
        _known(query.get("force", []), force_codes),
        _known(query.get("region", []), region_names),
        _known(query.get("channel", []), set(CHANNELS), CHANNELS),
        _known(query.get("category", []), set(CATEGORIES), CATEGORIES),
        _known(query.get("role", []), set(SUBJECT_ROLES), SUBJECT_ROLES),
    )


def filters_to_query(filters: Filters) -> dict[str, list[str]]:
    """URL query parameters that filters_from_query reads back to the same Filters."""
    query: dict[str, list[str]] = {"period": [filters.period_key]}
    if filters.period_key == "custom":
        query["from"] = [filters.first_date.isoformat()]
        query["to"] = [filters.last_date.isoformat()]
    for name, values in (
        ("force", filters.forces),
        ("region", filters.regions),
        ("channel", filters.channels),
        ("category", filters.categories),
        ("role", filters.subject_roles),
    ):
        if values:
            query[name] = list(values)
    return query


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key) or []
    return values[0] if values else None


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _known(values: list[str], allowed: set[str], order: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The allowed values, each once, in the given order (else as given)."""
    unique = list(dict.fromkeys(v for v in values if v in allowed))
    if order:
        unique.sort(key=order.index)
    return tuple(unique)
