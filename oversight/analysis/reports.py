"""The Reports page: volumes by channel, category, force (raw and per 1,000 officers), subject
role, anonymity, duty status and setting; channel by category; trends by month and quarter;
force by category."""

import datetime as dt
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from oversight import charts
from oversight.analysis import QueryRunner
from oversight.analysis.exposure import service_days
from oversight.filters import NATIONAL_LAUNCH, Filters
from oversight.measures import annual_rate_per_1000, rate_per_1000

CATEGORY_LABELS = {
    "corrupt_exchange": "Corrupt exchange",
    "abuse_of_position": "Abuse of position",
    "sexual_misconduct": "Sexual misconduct",
    "domestic_abuse": "Domestic abuse",
    "discrimination": "Discrimination",
    "other": "Other",
}
CHANNEL_LABELS = {"phone": "Phone", "online": "Online"}
# each channel's and category's colour (charts.py), keyed by the label the charts show
CHANNEL_LABEL_COLOURS = {CHANNEL_LABELS[c]: colour for c, colour in charts.CHANNEL_COLOURS.items()}
CATEGORY_LABEL_COLOURS = {
    CATEGORY_LABELS[c]: colour for c, colour in charts.CATEGORY_COLOURS.items()
}
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
# the columns of the page's table of forces with a rate per 1,000 officers
RATE_TABLE_COLUMNS = ("force_name", "region_name", "reports", "officer_fte", "officer_years",
                      "reports_per_1000_officers", "rate_low", "rate_high")  # fmt: skip
NO_OFFICER_FIGURE = "no officer figure: not in the England and Wales workforce statistics"
FORCE_NOT_KNOWN = "force not known, so no officer figure"
NATIONAL_LABEL = "England and Wales (43 forces)"
NATIONAL_LABEL_WITH_PILOT = "England and Wales (43 forces, Met pilot included)"
NATIONAL_LABEL_PILOT_ONLY = "England and Wales (only the Met was in the service)"
# the force-by-category heat map's two views
HEATMAP_COUNTS, HEATMAP_SHARES = "Counts", "Share of the force's reports"
# the channel-by-category table's last row and its column for both channels together
ALL_REPORTS_ROW = "All reports (each counted once)"
BOTH_CHANNELS = "Phone and online"


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
        """What a rate per 1,000 officers a year over this span means."""
        text = (
            f"Reports per 1,000 officers a year over the period {self.describe()}: a force's "
            "reports divided by its officers times the years it was in the service within the "
            "period, so that rates over periods of different lengths, and beside other annual "
            "figures, can be compared. Officers are full-time equivalents at 31 March 2025 "
            "(Home Office). Whiskers: exact Poisson 95% intervals."
        )
        if self.includes_pilot:
            text += (
                " Before the national launch on 14 March 2024 the service took reports about "
                "the Metropolitan Police only (the pilot), so other forces' rates count only "
                "their days from 14 March 2024."
            )
        return text

    def service_days(self, force_codes) -> np.ndarray:
        """Days each force was in the service within the span (0 if none)."""
        return service_days(list(force_codes), self.first, self.last)


class Tile(NamedTuple):
    """One headline figure as the page's tile shows it."""

    label: str
    value: str  # the count, with thousands separators
    share: str | None  # its share of all reports, in words
    help: str


@dataclass(frozen=True)
class ChannelCategoryTable:
    """The channel-by-category table as the page shows it: one row per category, then all
    reports; for each channel its count and share of its reports, then both channels."""

    frame: pd.DataFrame
    count_columns: tuple[str, ...]
    share_columns: tuple[str, ...]  # shares in percent (0..100)
    note: str  # how to read it: categories add up to more than the reports


@dataclass(frozen=True)
class HeatmapView:
    """The force-by-category heat map in one of its views (HEATMAP_COUNTS or HEATMAP_SHARES)."""

    grid: pd.DataFrame
    value: str  # the column drawn
    title: str
    legend: str
    percent: bool
    note: str


@dataclass(frozen=True)
class RateChart:
    """The chart of reports per 1,000 officers a year by force, as a given user sees it."""

    points: pd.DataFrame  # the forces with a rate, highest first
    numbers: pd.DataFrame  # the numbers behind it (England and Wales included where drawn)
    reference: float | None  # the England and Wales rate's line, if drawn
    reference_label: str
    note: str


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
    rate_table: pd.DataFrame  # the forces with a rate, as the page's table shows them
    no_rate_table: pd.DataFrame  # the forces without one, and why
    by_channel_category: pd.DataFrame  # reports_by_channel_category with labels and shares
    channel_category: ChannelCategoryTable

    @property
    def tiles(self) -> list[Tile]:
        """The headline tiles: reports, by phone, online, anonymous, and force not known where
        no force or region is chosen."""
        tiles = [Tile("Reports", f"{self.reports:,}", None, "Reports received in the period.")]
        for label, attribute, value, help_text in (
            ("By phone", "channel", "phone",
             "Reports made by phone, and their share of all reports."),
            ("Online", "channel", "online",
             "Reports made online, and their share of all reports."),
            ("Anonymous", "anonymous", "anonymous",
             "Reports whose reporter chose to stay anonymous, and their share of all reports."),
        ):  # fmt: skip
            count, share = self.count_and_share(attribute, value)
            tiles.append(Tile(label, f"{count:,}", f"{share:.0%} of reports", help_text))
        if self.force_not_known is not None:
            tiles.append(
                Tile(
                    "Force not known",
                    f"{self.force_not_known:,}",
                    f"{self.force_not_known / self.reports:.0%} of reports",
                    "Reports that do not say which force the reported person works for. They "
                    "count in the national totals but under no force.",
                )
            )
        return tiles

    def rate_chart(self, own_force_only: bool) -> RateChart | None:
        """The rate chart's parts (None where no chosen force has a rate). A force user
        (own_force_only) reads its own forces only, so no England and Wales line is drawn:
        the Forces page gives it beside the force, where it is audited."""
        rated = self.rated_forces
        points = rated[rated["force_code"] != "england_and_wales"]
        if points.empty:
            return None
        national = self.national_rate
        rate = national["reports_per_1000_officers"]
        return RateChart(
            points=points,
            # in the chart's words: names, not codes
            numbers=(points if own_force_only else rated).drop(
                columns=["force_code", "short_name"]
            ),
            reference=None if own_force_only else rate,
            reference_label=f"{national['label']}: {rate:,.1f}",
            note=self.rate_period.note()
            + (
                " England and Wales: see the Forces page."
                if own_force_only
                else " Dashed line: every force with an officer figure together (England and "
                "Wales), with the same channel and category filters."
            ),
        )

    def category_note(self, category_chosen: bool) -> str:
        """The note under the categories chart: why its bars add up to more than the reports
        (category_chosen: whether the category filter is set)."""
        carried = int(self.by_category["reports"].sum())
        several = self.several_categories
        note = (
            f"A report can carry several categories and counts under each, so these bars add "
            f"up to {carried:,} for {self.reports:,} reports: {several:,} reports "
            f"({several / self.reports:.0%}) carry more than one. Percentages are shares of all "
            "reports and add up to more than 100%."
        )
        if category_chosen:
            note += (
                " With a category filter, the reports chosen also show under the other "
                "categories they carry."
            )
        return note

    def count_and_share(self, attribute: str, value: str) -> tuple[int, float]:
        """The reports with this value of the attribute, and their share of all reports."""
        table = self.by_attribute
        rows = list(zip(table["attribute"].tolist(), table["value"].tolist(), strict=True))
        at = rows.index((attribute, value))
        return int(table["reports"].iat[at]), float(table["share_of_reports"].iat[at])

    @property
    def several_categories(self) -> int:
        """How many reports carry more than one category."""
        table = self.by_attribute
        return sum(
            reports
            for attribute, value, reports in zip(
                table["attribute"].tolist(),
                table["value"].tolist(),
                table["reports"].tolist(),
                strict=True,
            )
            if attribute == "category_count" and value != "1"
        )


def force_counts(grid: pd.DataFrame, forces: pd.DataFrame) -> pd.DataFrame:
    """Reports by subject force, as queries/reports_by_force.sql returns them (the same rows in
    the same order), from the force-by-category grid's force totals and the forces reference,
    so the reports need not be read a second time."""
    # the grid lists each force's categories together, each row with the force's total
    totals = dict(zip(grid["force_code"].tolist(), grid["force_reports"].tolist(), strict=True))
    codes = list(totals)
    position = {code: at for at, code in enumerate(forces["force_code"].tolist())}
    # -1 takes a missing value: "unknown" is not in the reference
    rows = np.array([position.get(code, -1) for code in codes], dtype=np.intp)
    counts = {"force_code": pd.array(codes, dtype=grid["force_code"].dtype)}
    for column in ("force_name", "short_name", "region_name", "officer_fte", "officer_fte_date"):
        counts[column] = forces[column].array.take(rows, allow_fill=True)
    unknown = [code == "unknown" for code in codes]
    for column in ("force_name", "short_name"):
        counts[column][unknown] = "Force not known"
    counts["reports"] = np.array(list(totals.values()), dtype=np.int64)
    return pd.DataFrame(counts)


def category_totals(grid: pd.DataFrame) -> pd.DataFrame:
    """Reports carrying each category (category, category_label, reports), in the contract's
    order, summed over the force-by-category grid: its rows hold every report the filters
    select (each matching force, and "Force not known" when no force or region is chosen), so
    the reports need not be read a second time."""
    totals = _summed_by_category(grid)
    return pd.DataFrame(
        {
            "category": pd.array(list(totals), dtype=grid["category"].dtype),
            "reports": np.array(list(totals.values()), dtype=np.int64),
            "category_label": _category_labels(totals),
        }
    )


def _summed_by_category(grid: pd.DataFrame) -> dict[str, int]:
    """Each category's reports, summed over the force-by-category grid, in the grid's order."""
    totals: dict[str, int] = {}
    for category, reports in zip(grid["category"].tolist(), grid["reports"].tolist(), strict=True):
        totals[category] = totals.get(category, 0) + reports
    return totals


def _category_labels(categories) -> pd.api.extensions.ExtensionArray:
    return pd.array([CATEGORY_LABELS.get(category) for category in categories], dtype="str")


def category_table(grid: pd.DataFrame, total: int) -> pd.DataFrame:
    """category_totals with each category's share of all reports (0..1; empty where there are
    no reports): category, category_label, reports, share_of_reports."""
    totals = category_totals(grid)
    reports = totals["reports"].to_numpy()
    return pd.DataFrame(
        {
            "category": totals["category"],
            "category_label": totals["category_label"],
            "reports": reports,
            "share_of_reports": reports / total if total else float("nan"),
        }
    )


def attribute_table(counts: pd.DataFrame, total: int) -> pd.DataFrame:
    """Readable labels and the share of all reports for the reports_by_attribute rows."""
    attributes, values = counts["attribute"].tolist(), counts["value"].tolist()
    reports = counts["reports"]
    return pd.DataFrame(
        {
            "attribute": counts["attribute"],
            "attribute_label": pd.array(
                [ATTRIBUTE_LABELS.get(attribute) for attribute in attributes], dtype="str"
            ),
            "value": counts["value"],
            "value_label": pd.array(
                [VALUE_LABELS[a].get(v, v) for a, v in zip(attributes, values, strict=True)],
                dtype="str",
            ),
            "reports": reports,
            "share_of_reports": reports / total if total else float("nan"),
            # channels keep their colour on every page; the other panels are one colour
            "colour": [
                charts.CHANNEL_COLOURS[v] if a == "channel" else charts.OKABE_ITO["blue"]
                for a, v in zip(attributes, values, strict=True)
            ],
        }
    )


# A label column, in a table of numbers behind a chart, is named for what it holds.
WORD_COLUMNS = {
    "channel_label": "channel",
    "category_label": "category",
    "attribute_label": "attribute",
    "value_label": "value",
    "short_name": "force",
}


def in_words(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns of frame as a table of the numbers behind a chart: in the chart's words
    ("Phone", "Kent"), each label column named for what it holds (channel_label as channel),
    so the table on screen and its CSV say what the chart says."""
    return frame[columns].rename(columns={c: WORD_COLUMNS[c] for c in columns if c in WORD_COLUMNS})


def channel_category_counts(counts: pd.DataFrame, channels: tuple[str, ...]) -> pd.DataFrame:
    """The rows of reports_by_channel_category for the channels chosen (all if none), with
    channel_label, category_label and share_of_channel_reports: of the channel's reports, the
    share carrying the category (0..1; empty where the channel has no reports)."""
    if channels:
        counts = counts[counts["channel"].isin(channels)].reset_index(drop=True)
    reports = counts["reports"].to_numpy()
    channel_reports = counts["channel_reports"].to_numpy()
    return counts.assign(
        channel_label=pd.array(
            [CHANNEL_LABELS.get(c) for c in counts["channel"].tolist()], dtype="str"
        ),
        category_label=_category_labels(counts["category"].tolist()),
        share_of_channel_reports=reports / np.where(channel_reports > 0, channel_reports, np.nan),
    )


def channel_category_table(counts: pd.DataFrame) -> ChannelCategoryTable:
    """channel_category_counts as the page's table: a row per category and a last row of all
    reports (each counted once); for each channel with reports, its count and the share of its
    reports, then both channels together where there are two. A channel with no reports has no
    share to give, so it is left out, and the note says so."""
    labels = dict(zip(counts["channel"].tolist(), counts["channel_label"].tolist(), strict=True))
    totals = dict(zip(counts["channel"].tolist(), counts["channel_reports"].tolist(), strict=True))
    shown = [channel for channel, total in totals.items() if total > 0]
    cells = {
        (channel, category): reports
        for channel, category, reports in zip(
            counts["channel"].tolist(),
            counts["category"].tolist(),
            counts["reports"].tolist(),
            strict=True,
        )
    }
    categories = list(dict.fromkeys(counts["category"].tolist()))
    columns: dict[str, list] = {
        "Category": [CATEGORY_LABELS.get(c, c) for c in categories] + [ALL_REPORTS_ROW]
    }
    groups = [(labels[c], [c]) for c in shown]
    if len(shown) > 1:
        groups.append((BOTH_CHANNELS, shown))
    count_columns, share_columns = [], []
    for label, members in groups:
        total = sum(totals[c] for c in members)
        column = [sum(cells[c, category] for c in members) for category in categories] + [total]
        share = f"Share of {label.lower()} reports" if len(members) == 1 else "Share of all reports"
        columns[label] = column
        columns[share] = [count / total * 100 for count in column]
        count_columns.append(label)
        share_columns.append(share)
    frame = pd.DataFrame(columns).astype({"Category": "str"})
    note = (
        "A report can carry several categories and counts under each, so a channel's categories "
        "add up to more than its reports (the last row counts each report once). Shares are of "
        "the channel's reports, so the two channels' mixes of categories can be compared."
    )
    missing = [labels[c].lower() for c in totals if totals[c] == 0]
    if missing:
        note += f" No {' or '.join(missing)} reports match this selection."
    return ChannelCategoryTable(frame, tuple(count_columns), tuple(share_columns), note)


def heatmap_view(grid: pd.DataFrame, view: str) -> HeatmapView:
    """The force-by-category grid (ReportsData.force_category) in view HEATMAP_COUNTS or
    HEATMAP_SHARES; shares leave out forces with no reports (they have none to divide)."""
    if view == HEATMAP_COUNTS:
        return HeatmapView(
            grid, "reports", "Reports by force and category (a report can carry several)",
            "Reports", False,
            "A report can carry several categories and counts under each, so a force's row "
            "adds up to more than its reports. Raw counts mostly reflect force size.",
        )  # fmt: skip
    return HeatmapView(
        grid[grid["force_reports"] > 0], "share_of_force_reports",
        "Share of each force's reports carrying each category (a report can carry several)",
        "Share of the force's reports", True,
        "A report can carry several categories, so a force's row adds up to more than 100%. "
        "Forces with no reports in the selection are left out.",
    )  # fmt: skip


def force_rates(counts: pd.DataFrame, period: RatePeriod) -> pd.DataFrame:
    """Reports per 1,000 officers a year with an exact Poisson 95% interval for each row of
    reports_by_force; rows without an officer figure get no rate and a rate_note saying why.

    The rate counts only the days the force was in the service within period (docs/metrics.md,
    "Rates"): days_in_service and officer_years are added beside it.
    """
    codes = counts["force_code"].tolist()
    days = period.service_days(codes)
    rates = annual_rate_per_1000(counts["reports"], counts["officer_fte"], days)
    notes = [
        FORCE_NOT_KNOWN if code == "unknown" else NO_OFFICER_FIGURE if math.isnan(fte) else note
        for code, fte, note in zip(
            codes, counts["officer_fte"].tolist(), rates["rate_note"].tolist(), strict=True
        )
    ]
    rated = pd.DataFrame(
        {
            "days_in_service": days,
            "officer_years": rates["officer_years"].to_numpy(),
            "reports_per_1000_officers": rates["rate"].to_numpy(),
            "rate_low": rates["rate_low"].to_numpy(),
            "rate_high": rates["rate_high"].to_numpy(),
            "rate_note": pd.array(notes, dtype="str"),
        },
        index=counts.index,
    )
    return pd.concat([counts, rated], axis=1)


def rate_table(by_force: pd.DataFrame) -> pd.DataFrame:
    """The forces of by_force that have a rate per 1,000 officers, as the page's table shows
    them: name, region, reports, officers, rate and its 95% interval."""
    rates = by_force["reports_per_1000_officers"].tolist()
    kept = [at for at, rate in enumerate(rates) if not math.isnan(rate)]
    return pd.DataFrame(
        {column: _rows(by_force[column], kept) for column in RATE_TABLE_COLUMNS},
        index=by_force.index.take(kept),
    )


def no_rate_table(by_force: pd.DataFrame) -> pd.DataFrame:
    """The forces of by_force with no rate per 1,000 officers, as the page's table shows them:
    name, reports, "–" for the rate, and why there is none."""
    kept = [at for at, note in enumerate(by_force["rate_note"].tolist()) if note != ""]
    return pd.DataFrame(
        {
            "force_name": _rows(by_force["force_name"], kept),
            "reports": _rows(by_force["reports"], kept),
            "rate": pd.array(["–"] * len(kept), dtype="str"),
            "rate_note": _rows(by_force["rate_note"], kept),
        },
        index=by_force.index.take(kept),
    )


def _rows(column: pd.Series, positions: list[int]) -> pd.api.extensions.ExtensionArray:
    """The values of column at positions, keeping its type (plain lists: a few dozen rows)."""
    values = column.tolist()
    return pd.array([values[at] for at in positions], dtype=column.dtype)


def national_rate(counts: pd.DataFrame, label: str = NATIONAL_LABEL) -> pd.Series:
    """Reports per 1,000 officers a year over every force with an officer figure (England and
    Wales): their reports over the sum of their officer-years (force_rates' officer_years)."""
    officers = counts["officer_fte"].to_numpy(dtype=float)
    with_figure = ~np.isnan(officers) & (counts["force_code"] != "unknown").to_numpy()
    reports = int(counts["reports"].to_numpy()[with_figure].sum())
    officers = float(officers[with_figure].sum())
    exposure = float(counts["officer_years"].to_numpy(dtype=float)[with_figure].sum())
    rate = rate_per_1000(reports, exposure)
    return pd.Series(
        {
            "label": label,
            "forces": int(with_figure.sum()),
            "reports": reports,
            "officer_fte": officers,
            "officer_years": exposure,
            "reports_per_1000_officers": rate["rate"].iat[0],
            "rate_low": rate["rate_low"].iat[0],
            "rate_high": rate["rate_high"].iat[0],
            "rate_note": rate["rate_note"].iat[0],
        }
    )


def rated_forces(by_force: pd.DataFrame, national: pd.Series) -> pd.DataFrame:
    """The forces that have a rate, highest first, then the England and Wales row (force_code
    england_and_wales) where it has a rate: the numbers of the rate chart."""
    columns = {
        column: by_force[column].tolist()
        for column in ("force_code", "force_name", "short_name", "reports", "officer_fte",
                       "officer_years", "reports_per_1000_officers", "rate_low", "rate_high")
        if column in by_force.columns
    }  # fmt: skip
    rates, names = columns["reports_per_1000_officers"], columns["short_name"]
    order = sorted(
        (at for at, rate in enumerate(rates) if not math.isnan(rate)),
        key=lambda at: (-rates[at], names[at]),
    )
    rated = {column: [values[at] for at in order] for column, values in columns.items()}
    if not national["rate_note"] and order:
        england_and_wales = {
            "force_code": "england_and_wales",
            "force_name": national["label"],
            "short_name": national["label"],
            "reports": national["reports"],
            "officer_fte": national["officer_fte"],
            "officer_years": national["officer_years"],
            "reports_per_1000_officers": national["reports_per_1000_officers"],
            "rate_low": national["rate_low"],
            "rate_high": national["rate_high"],
        }
        for column, values in rated.items():
            values.append(england_and_wales[column])
    # by_force's types, so that an empty table keeps them too
    return pd.DataFrame(
        {column: pd.array(values, dtype=by_force[column].dtype) for column, values in rated.items()}
    )


def _covered_days(starts: np.ndarray, ends: np.ndarray, span: RatePeriod) -> np.ndarray:
    """Days of each [start, end] calendar span (datetime64[D]) inside the span covered by the
    data."""
    first = np.maximum(starts, np.datetime64(span.first, "D"))
    last = np.minimum(ends, np.datetime64(span.last, "D"))
    return np.maximum((last - first).astype(np.int64) + 1, 0)


def time_table(
    counts: pd.DataFrame,
    start: str,
    end: pd.Series | np.ndarray,
    span: RatePeriod,
    label: pd.Series | list[str],
) -> pd.DataFrame:
    """Monthly or quarterly counts with their label, the days of each inside the period up to
    the as-at date (days_covered, of span_days), and whether that is only part of it; spans
    after the as-at date dropped."""
    starts = np.asarray(pd.to_datetime(counts[start]), dtype="datetime64[D]")
    ends = np.asarray(pd.to_datetime(end), dtype="datetime64[D]")
    days = _covered_days(starts, ends, span)
    whole = (ends - starts).astype(np.int64) + 1
    frame = counts.assign(
        label=label,
        days_covered=days,
        span_days=whole,
        partial=days < whole,
    )
    inside = days > 0
    return (frame if inside.all() else frame[inside]).reset_index(drop=True)


def quarters_from_months(by_month: pd.DataFrame) -> pd.DataFrame:
    """Calendar quarters by channel (quarter_start, quarter_end, channel, reports) summed from
    the months of reports_by_month, which list every month of the period: no second pass over
    the reports."""
    months = np.asarray(pd.to_datetime(by_month["month_start"]), dtype="datetime64[M]")
    quarter_months = months.astype(np.int64) // 3 * 3
    summed: dict[tuple[int, str], int] = {}
    for quarter, channel, reports in zip(
        quarter_months.tolist(),
        by_month["channel"].tolist(),
        by_month["reports"].tolist(),
        strict=True,
    ):
        summed[quarter, channel] = summed.get((quarter, channel), 0) + reports
    quarters = np.array([quarter for quarter, _ in summed], dtype="datetime64[M]")
    return pd.DataFrame(
        {
            # datetime.date objects, as the months' dates are
            "quarter_start": pd.Series(quarters.astype("datetime64[D]").tolist(), dtype=object),
            "quarter_end": pd.Series(
                ((quarters + 3).astype("datetime64[D]") - 1).tolist(), dtype=object
            ),
            "channel": pd.array([channel for _, channel in summed], dtype="str"),
            "reports": np.array(list(summed.values()), dtype=np.int64),
        }
    )


def _quarter_label(start: pd.Series) -> list[str]:
    return [
        f"{first:%b}–{dt.date(first.year, first.month + 2, 1):%b %Y}" for first in start.tolist()
    ]


def partial_note(frame: pd.DataFrame, unit: str) -> str:
    """A sentence naming the months or quarters (unit, plural) only partly inside the period
    or cut at the as-at date, so that a short one is not read as a dip ("" if none is)."""
    parts = {
        f"{label} ({days} of its {whole} days)": None
        for label, days, whole, partial in zip(
            frame["label"].tolist(),
            frame["days_covered"].tolist(),
            frame["span_days"].tolist(),
            frame["partial"].tolist(),
            strict=True,
        )
        if partial
    }
    if not parts:
        return ""
    return (
        f"{unit.capitalize()} only partly inside the period, or cut at the as-at date, have "
        f"lower counts for that reason alone: {', '.join(parts)}."
    )


def monthly_table(by_month: pd.DataFrame, filters: Filters, span: RatePeriod) -> pd.DataFrame:
    """reports_by_month for the channels chosen (a channel left out by the filter would only
    draw a line of zeros), with channel_label, the month's label ("Mar 2024") and the days of
    it inside span (time_table): the monthly chart of the Reports page and the Overview."""
    if filters.channels:
        by_month = by_month[by_month["channel"].isin(filters.channels)].reset_index(drop=True)
    months = np.asarray(pd.to_datetime(by_month["month_start"]), dtype="datetime64[M]")
    return time_table(
        _with_channel_labels(by_month),
        "month_start",
        (months + 1).astype("datetime64[D]") - 1,  # each month's last day
        span,
        [f"{month:%b %Y}" for month in by_month["month_start"].tolist()],
    )


def rate_period(filters: Filters, as_at: dt.date | None) -> RatePeriod:
    """The chosen period, ending at the as-at date if it runs beyond it."""
    last = filters.last_date if as_at is None else min(filters.last_date, as_at)
    return RatePeriod(filters.first_date, last)


def _with_channel_labels(counts: pd.DataFrame) -> pd.DataFrame:
    """counts with the readable name of each row's channel (channel_label)."""
    return counts.assign(
        channel_label=pd.array(
            [CHANNEL_LABELS.get(channel) for channel in counts["channel"].tolist()], dtype="str"
        )
    )


def reports_data(run: QueryRunner, filters: Filters, as_at: dt.date | None) -> ReportsData:
    """Every volume the Reports page shows, for the filters, as at as_at."""
    params = filters.sql_params()
    attributes = run("reports_by_attribute", **params)
    total = sum(
        reports
        for attribute, reports in zip(
            attributes["attribute"].tolist(), attributes["reports"].tolist(), strict=True
        )
        if attribute == "channel"
    )
    by_attribute = attribute_table(attributes, total)

    grid = run("reports_by_force_category", **params)
    by_category = category_table(grid, total)

    span = rate_period(filters, as_at)
    by_force = force_rates(force_counts(grid, run("forces_reference")), span)
    codes = by_force["force_code"].tolist()
    force_not_known = (
        int(by_force["reports"].iat[codes.index("unknown")]) if "unknown" in codes else None
    )
    # the national comparator keeps the channel and category filters but takes every force
    all_forces = filters.with_forces(())
    everywhere = (
        by_force
        if all_forces == filters
        else force_rates(run("reports_by_force", **all_forces.sql_params()), span)
    )

    by_month = run("reports_by_month", **params)
    by_quarter = quarters_from_months(by_month)
    if filters.channels:
        # a channel left out by the filter would only draw a line of zeros
        by_quarter = by_quarter[by_quarter["channel"].isin(filters.channels)].reset_index(drop=True)
    monthly = monthly_table(by_month, filters, span)
    quarterly = time_table(
        _with_channel_labels(by_quarter),
        "quarter_start",
        by_quarter["quarter_end"],
        span,
        _quarter_label(by_quarter["quarter_start"]),
    )

    force_reports = grid["force_reports"].to_numpy()
    force_category = grid.assign(
        category_label=pd.array(
            [CATEGORY_LABELS.get(category) for category in grid["category"].tolist()],
            dtype="str",
        ),
        share_of_force_reports=grid["reports"].to_numpy()
        / np.where(force_reports > 0, force_reports, np.nan),
    )
    label = NATIONAL_LABEL_WITH_PILOT if span.includes_pilot else NATIONAL_LABEL
    if span.last < NATIONAL_LAUNCH:
        label = NATIONAL_LABEL_PILOT_ONLY
    national = national_rate(everywhere, label)
    by_channel_category = channel_category_counts(
        run("reports_by_channel_category", **params), filters.channels
    )
    return ReportsData(
        reports=total,
        by_category=by_category,
        by_attribute=by_attribute,
        by_force=by_force,
        national_rate=national,
        rated_forces=rated_forces(by_force, national),
        rate_table=rate_table(by_force),
        no_rate_table=no_rate_table(by_force),
        force_not_known=force_not_known,
        rate_period=span,
        monthly=monthly,
        quarterly=quarterly,
        force_category=force_category,
        by_channel_category=by_channel_category,
        channel_category=channel_category_table(by_channel_category),
    )
