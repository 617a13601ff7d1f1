"""The Reports page: volumes by channel, category, force (raw and per 1,000 officers), subject
role, anonymity, duty status and setting; trends by month and quarter; force by category."""

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from oversight.analysis import QueryRunner
from oversight.filters import NATIONAL_LAUNCH, Filters
from oversight.measures import rate_per_1000

CATEGORY_LABELS = {
    "corrupt_exchange": "Corrupt exchange",
    "abuse_of_position": "Abuse of position",
    "sexual_misconduct": "Sexual misconduct",
    "domestic_abuse": "Domestic abuse",
    "discrimination": "Discrimination",
    "other": "Other",
}
CHANNEL_LABELS = {"phone": "Phone", "online": "Online"}
ATTRIBUTE_LABELS = {
    "channel": "Channel",
    "subject_role": "Role",
    "anonymous": "Reporter",
    "duty_status": "Duty",
    "setting": "Setting",
    "category_count": "Categories carried",
}
ATTRIBUTE_TITLES = {
    "channel": "Channel: how the report was made",
    "anonymous": "Reporter: anonymous or named",
    "subject_role": "Role of the person reported",
    "duty_status": "On or off duty at the time",
    "setting": "Where it happened: in person or online",
    "category_count": "How many categories the report carries",
}
VALUE_LABELS = {
    "channel": CHANNEL_LABELS,
    "subject_role": {
        "officer": "Police officer",
        "staff": "Police staff",
        "volunteer": "Volunteer",
        "unknown": "Not known",
    },
    "anonymous": {"anonymous": "Anonymous", "named": "Named"},
    "duty_status": {"on_duty": "On duty", "off_duty": "Off duty", "unknown": "Not known"},
    "setting": {"in_person": "In person", "online": "Online", "unknown": "Not known"},
    "category_count": {"1": "One category", "2": "Two categories", "3 or more": "Three or more"},
}
NO_OFFICER_FIGURE = "no officer figure: not in the England and Wales workforce statistics"
FORCE_NOT_KNOWN = "force not known, so no officer figure"
NATIONAL_LABEL = "England and Wales (43 forces)"
NATIONAL_LABEL_WITH_PILOT = "England and Wales (43 forces, Met pilot included)"


@dataclass(frozen=True)
class RatePeriod:
    """The span a rate per 1,000 officers covers: the chosen period, cut at the as-at date."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        """How many days the span covers (0 if it starts after the as-at date)."""
        return max((self.last - self.first).days + 1, 0)

    def describe(self) -> str:
        """The span in words, for the chart note."""
        return f"{self.first:%d %b %Y} to {self.last:%d %b %Y} ({self.days:,} days)"

    @property
    def includes_pilot(self) -> bool:
        """Whether the span starts before the national launch (the Met-only pilot)."""
        return self.first < NATIONAL_LAUNCH

    def note(self) -> str:
        """What a rate per 1,000 officers over this span means, and what it does not."""
        text = (
            f"Reports per 1,000 officers over the period {self.describe()}, not annualised: "
            "a longer period gives a higher rate, so compare forces within one period, not "
            "rates of periods of different lengths. Officers are full-time equivalents at 31 "
            "March 2025 (Home Office). Whiskers: exact Poisson 95% intervals."
        )
        if self.includes_pilot:
            text += (
                " Before the national launch on 14 March 2024 the service took reports about "
                "the Metropolitan Police only (the pilot), so over this period the Met's rate "
                "covers more time than other forces'."
            )
        return text


@dataclass(frozen=True)
class ReportsData:
    """Everything the Reports page draws."""

    reports: int
    by_category: pd.DataFrame
    by_attribute: pd.DataFrame
    by_force: pd.DataFrame
    national_rate: pd.Series
    rated_forces: pd.DataFrame
    force_not_known: int | None
    rate_period: RatePeriod
    monthly: pd.DataFrame
    quarterly: pd.DataFrame
    force_category: pd.DataFrame


def _with_shares(frame: pd.DataFrame, total: int) -> pd.DataFrame:
    """Add share_of_reports (0..1; empty where there are no reports)."""
    share = frame["reports"] / total if total else float("nan")
    return frame.assign(share_of_reports=share)


def force_counts(grid: pd.DataFrame, forces: pd.DataFrame) -> pd.DataFrame:
    """Reports by subject force, as queries/reports_by_force.sql returns them (the same rows in
    the same order), from the force-by-category grid's force totals and the forces reference,
    so the reports need not be read a second time."""
    totals = grid.drop_duplicates("force_code")[["force_code", "force_reports"]]
    reference = forces[
        ["force_code", "force_name", "short_name", "region_name", "officer_fte", "officer_fte_date"]
    ]
    counts = totals.merge(reference, on="force_code", how="left", validate="one_to_one")
    unknown = counts["force_code"] == "unknown"
    counts.loc[unknown, ["force_name", "short_name"]] = "Force not known"
    return counts.rename(columns={"force_reports": "reports"})[
        ["force_code", "force_name", "short_name", "region_name", "officer_fte",
         "officer_fte_date", "reports"]
    ].reset_index(drop=True)  # fmt: skip


def category_totals(grid: pd.DataFrame) -> pd.DataFrame:
    """Reports carrying each category (category, category_label, reports), in the contract's
    order, summed over the force-by-category grid: its rows hold every report the filters
    select (each matching force, and "Force not known" when no force or region is chosen), so
    the reports need not be read a second time."""
    totals = grid.groupby("category", sort=False, as_index=False)["reports"].sum()
    return totals.assign(category_label=totals["category"].map(CATEGORY_LABELS))


def attribute_table(counts: pd.DataFrame, total: int) -> pd.DataFrame:
    """Readable labels and the share of all reports for the reports_by_attribute rows."""
    frame = counts.assign(
        attribute_label=counts["attribute"].map(ATTRIBUTE_LABELS),
        value_label=[
            VALUE_LABELS[a].get(v, v)
            for a, v in zip(counts["attribute"], counts["value"], strict=True)
        ],
    )
    return _with_shares(frame, total)[
        ["attribute", "attribute_label", "value", "value_label", "reports", "share_of_reports"]
    ]


def force_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Reports per 1,000 officers with an exact Poisson 95% interval for each row of
    reports_by_force; rows without an officer figure get no rate and a rate_note saying why."""
    rates = rate_per_1000(counts["reports"], counts["officer_fte"]).rename(
        columns={"rate": "reports_per_1000_officers"}
    )
    missing = counts["officer_fte"].isna()
    rates.loc[missing, "rate_note"] = NO_OFFICER_FIGURE
    rates.loc[counts["force_code"] == "unknown", "rate_note"] = FORCE_NOT_KNOWN
    return pd.concat([counts, rates], axis=1)


def national_rate(counts: pd.DataFrame, label: str = NATIONAL_LABEL) -> pd.Series:
    """Reports per 1,000 officers over every force with an officer figure (England and Wales)."""
    with_figure = counts[counts["officer_fte"].notna() & (counts["force_code"] != "unknown")]
    reports = int(with_figure["reports"].sum())
    officers = float(with_figure["officer_fte"].sum())
    rate = rate_per_1000(reports, officers).iloc[0]
    return pd.Series(
        {
            "label": label,
            "forces": len(with_figure),
            "reports": reports,
            "officer_fte": officers,
            "reports_per_1000_officers": rate["rate"],
            "rate_low": rate["rate_low"],
            "rate_high": rate["rate_high"],
            "rate_note": rate["rate_note"],
        }
    )


def rated_forces(by_force: pd.DataFrame, national: pd.Series) -> pd.DataFrame:
    """The forces that have a rate, highest first, then the England and Wales row (force_code
    england_and_wales) where it has a rate: the numbers of the rate chart."""
    columns = [
        "force_code",
        "force_name",
        "short_name",
        "reports",
        "officer_fte",
        "reports_per_1000_officers",
        "rate_low",
        "rate_high",
    ]
    rated = by_force.dropna(subset=["reports_per_1000_officers"]).sort_values(
        ["reports_per_1000_officers", "short_name"], ascending=[False, True]
    )[columns]
    if national["rate_note"] or rated.empty:
        return rated.reset_index(drop=True)
    row = national.rename({"label": "force_name"}).reindex(columns)
    row["force_code"], row["short_name"] = "england_and_wales", national["label"]
    return pd.concat([rated, row.to_frame().T.astype(rated.dtypes)], ignore_index=True)


def _covered_days(starts: pd.Series, ends: pd.Series, span: RatePeriod) -> pd.Series:
    """Days of each [start, end] calendar span inside the span covered by the data."""
    first = starts.clip(lower=pd.Timestamp(span.first))
    last = ends.clip(upper=pd.Timestamp(span.last))
    return ((last - first).dt.days + 1).clip(lower=0)


def time_table(
    counts: pd.DataFrame, start: str, end: pd.Series, span: RatePeriod, label: pd.Series
) -> pd.DataFrame:
    """Monthly or quarterly counts with their label, the days of each inside the period up to
    the as-at date, and whether that is only part of it; spans after the as-at date dropped."""
    starts = pd.to_datetime(counts[start])
    ends = pd.to_datetime(end)
    days = _covered_days(starts, ends, span)
    frame = counts.assign(
        label=label,
        days_covered=days,
        partial=days < (ends - starts).dt.days + 1,
    )
    return frame[frame["days_covered"] > 0].reset_index(drop=True)


def quarters_from_months(by_month: pd.DataFrame) -> pd.DataFrame:
    """Calendar quarters by channel (quarter_start, quarter_end, channel, reports) summed from
    the months of reports_by_month, which list every month of the period: no second pass over
    the reports."""
    starts = pd.to_datetime(by_month["month_start"])
    quarter_start = starts.dt.to_period("Q").dt.start_time
    summed = (
        by_month.assign(quarter_start=quarter_start)
        .groupby(["quarter_start", "channel"], sort=False, as_index=False)["reports"]
        .sum()
    )
    quarter_end = summed["quarter_start"] + pd.offsets.QuarterEnd(0)
    return summed.assign(
        quarter_start=summed["quarter_start"].dt.date, quarter_end=quarter_end.dt.date
    )[["quarter_start", "quarter_end", "channel", "reports"]]


def _quarter_label(start: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(start)
    return stamps.dt.strftime("%b") + "–" + (stamps + pd.DateOffset(months=2)).dt.strftime("%b %Y")


def partial_note(frame: pd.DataFrame, unit: str) -> str:
    """A sentence naming the months or quarters (unit, plural) only partly inside the period."""
    partial = frame.loc[frame["partial"], ["label", "days_covered"]].drop_duplicates()
    if partial.empty:
        return ""
    parts = [f"{row.label} ({row.days_covered} days)" for row in partial.itertuples()]
    return (
        f"{unit.capitalize()} only partly inside the period (or up to the as-at date) have "
        f"lower counts for that reason: {', '.join(parts)}."
    )


def rate_period(filters: Filters, as_at: dt.date | None) -> RatePeriod:
    """The chosen period, ending at the as-at date if it runs beyond it."""
    last = filters.last_date if as_at is None else min(filters.last_date, as_at)
    return RatePeriod(filters.first_date, last)


def reports_data(run: QueryRunner, filters: Filters, as_at: dt.date | None) -> ReportsData:
    """Every volume the Reports page shows, for the filters, as at as_at."""
    params = filters.sql_params()
    attributes = run("reports_by_attribute", **params)
    total = int(attributes.loc[attributes["attribute"] == "channel", "reports"].sum())
    by_attribute = attribute_table(attributes, total)

    grid = run("reports_by_force_category", **params)
    by_category = _with_shares(category_totals(grid), total)[
        ["category", "category_label", "reports", "share_of_reports"]
    ]

    by_force = force_rates(force_counts(grid, run("forces_reference")))
    unknown = by_force.loc[by_force["force_code"] == "unknown", "reports"]
    # the national comparator keeps the channel and category filters but takes every force
    all_forces = filters.with_forces(())
    everywhere = (
        by_force if all_forces == filters else run("reports_by_force", **all_forces.sql_params())
    )

    span = rate_period(filters, as_at)
    by_month = run("reports_by_month", **params)
    month_starts = pd.to_datetime(by_month["month_start"])
    monthly = time_table(
        by_month.assign(channel_label=by_month["channel"].map(CHANNEL_LABELS)),
        "month_start",
        month_starts + pd.offsets.MonthEnd(0),
        span,
        by_month["month"],
    )
    by_quarter = quarters_from_months(by_month)
    quarterly = time_table(
        by_quarter.assign(channel_label=by_quarter["channel"].map(CHANNEL_LABELS)),
        "quarter_start",
        by_quarter["quarter_end"],
        span,
        _quarter_label(by_quarter["quarter_start"]),
    )
    if filters.channels:
        # a channel left out by the filter would only draw a line of zeros
        monthly = monthly[monthly["channel"].isin(filters.channels)].reset_index(drop=True)
        quarterly = quarterly[quarterly["channel"].isin(filters.channels)].reset_index(drop=True)

    force_reports = grid["force_reports"]
    force_category = grid.assign(
        category_label=grid["category"].map(CATEGORY_LABELS),
        share_of_force_reports=(grid["reports"] / force_reports.where(force_reports > 0)),
    )
    label = NATIONAL_LABEL_WITH_PILOT if span.includes_pilot else NATIONAL_LABEL
    national = national_rate(everywhere, label)
    return ReportsData(
        reports=total,
        by_category=by_category,
        by_attribute=by_attribute,
        by_force=by_force,
        national_rate=national,
        rated_forces=rated_forces(by_force, national),
        force_not_known=None if unknown.empty else int(unknown.iloc[0]),
        rate_period=span,
        monthly=monthly,
        quarterly=quarterly,
        force_category=force_category,
    )
