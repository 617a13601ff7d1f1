"""The Overview page: headline counts against the previous period, the path of a report,
monthly reports by channel, and the median days to outcome."""

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.reports import monthly_table, partial_note, rate_period
from oversight.filters import NATIONAL_LAUNCH, Filters
from oversight.measures import kaplan_meier, km_quantile, percent_change


@dataclass(frozen=True)
class Tile:
    """One headline figure: its value now, in the previous period, and how it changed."""

    label: str
    value: float | None
    previous: float | None
    kind: str  # count, share (0..1) or days
    help: str

    @property
    def change(self) -> str | None:
        """The change as text: a percentage for counts and days, points for shares."""
        if self.value is None or self.previous is None:
            return None
        if self.kind == "share":
            return f"{(self.value - self.previous) * 100:+.1f} points"
        change = percent_change(self.value, self.previous)
        return None if change is None else f"{change:+.0f}%"

    @property
    def shown(self) -> str:
        """The value as shown on the tile ("–" where it cannot be computed)."""
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return "–"
        if self.kind == "share":
            return f"{self.value:.0%}"
        if self.kind == "days":
            return f"{self.value:,.0f} days"
        return f"{int(self.value):,}"


@dataclass(frozen=True)
class OverviewData:
    """Everything the Overview page draws."""

    headline: pd.Series
    previous_headline: pd.Series
    comparison_note: str  # why no change is shown, or "" when it is
    tiles: list[Tile]
    path: pd.DataFrame
    monthly: pd.DataFrame  # reports.monthly_table: by month and channel, partial months marked

    @property
    def path_table(self) -> pd.DataFrame:
        """The path of a report as its numbers table shows it, in plain words."""
        return report_path_table(self.path)

    @property
    def path_note(self) -> str:
        """The path chart's note."""
        return report_path_note(self.path)

    @property
    def monthly_note(self) -> str:
        """The monthly chart's note: which months are only partly inside the period."""
        return partial_note(self.monthly, "months")


def headline_counts(run: QueryRunner, filters: Filters, as_at: dt.date) -> pd.Series:
    """The headline counts (published headline.csv) for the filters."""
    return run("headline_counts", **filters.sql_params(), as_at=as_at).iloc[0]


def median_days_to_outcome(run: QueryRunner, filters: Filters, as_at: dt.date) -> float | None:
    """Kaplan-Meier median days from report to the end of the case (open cases censored)."""
    durations = run("outcome_durations", **filters.sql_params(), as_at=as_at)
    if durations.empty:
        return None
    curve = kaplan_meier(durations["days"], durations["ended"].astype(int), durations["cases"])
    median = km_quantile(curve, 0.5)
    return None if median is None or math.isnan(median) else float(median)


def _share(numerator, denominator) -> float | None:
    return None if not denominator else numerator / denominator


def comparison_problem(before: Filters, first_stored: dt.date) -> str:
    """Why the previous period is no fair comparison ("" when it is one)."""
    if before.first_date < first_stored:
        return "the period before starts before the first stored report"
    if before.first_date < NATIONAL_LAUNCH <= before.last_date:
        return (
            "the period before spans the national launch (14 Mar 2024), when only the Met took part"
        )
    if before.last_date < NATIONAL_LAUNCH <= before.last_date + dt.timedelta(days=before.days):
        return "the period before is the Met-only pilot, the period chosen the national service"
    return ""


# The path of a report: (stage, what it counts, the headline_counts column), in order.
PATH_STAGES = (
    ("Reports received", "reports", "reports"),
    ("Passed to a force", "reports", "disseminated_reports"),
    ("Investigated", "referrals", "investigations"),
    ("Case to answer", "referrals", "case_to_answer"),
    ("Misconduct proceedings concluded", "referrals", "investigations_concluded"),
    ("Dismissed or would have been", "referrals", "investigations_removed"),
    ("Barred from policing", "referrals", "investigations_barred"),
)


# What each unit of the path is, in words: (one, several)
UNIT_WORDS = {"reports": ("report", "reports"), "referrals": ("referral", "referrals")}


def report_path(headline: pd.Series) -> pd.DataFrame:
    """How many reached each stage so far (one row per stage, in order), from the headline
    counts, with each stage's share of the stage before (with_stage_shares) and the words that
    label its bar (label)."""
    path = pd.DataFrame(
        [
            (order, stage, unit, int(headline[column]))
            for order, (stage, unit, column) in enumerate(PATH_STAGES, start=1)
        ],
        columns=["stage_order", "stage", "unit", "count"],
    )
    path = with_stage_shares(path)
    labels = []
    for count, unit, share in zip(
        path["count"].tolist(),
        path["unit"].tolist(),
        path["share_of_stage_before"].tolist(),
        strict=True,
    ):
        one, several = UNIT_WORDS[unit]
        label = f"{count:,} {one if count == 1 else several}"
        if not math.isnan(share):
            label += f", {share:.0%} of the stage above"
        labels.append(label)
    return path.assign(label=labels)


def with_stage_shares(path: pd.DataFrame) -> pd.DataFrame:
    """The path with each stage's count as a share of the stage before, where both count the
    same thing (reports, or referrals); empty where the unit changes, since a share of referrals
    in reports is no conversion rate. no_share_reason says, in words, why a stage has none."""
    before = path["count"].shift(1)
    same_unit = path["unit"].eq(path["unit"].shift(1))
    share = (path["count"] / before).where(same_unit & before.gt(0)).round(3)
    units, counts = path["unit"].tolist(), path["count"].tolist()
    reasons = [""] * len(path)
    for at in range(len(path)):
        if at == 0:
            reasons[at] = "first stage"
        elif units[at] != units[at - 1]:
            reasons[at] = f"stage above counts {units[at - 1]}"
        elif counts[at - 1] == 0:
            reasons[at] = "none in the stage above"
    return path.assign(share_of_stage_before=share, no_share_reason=reasons)


def report_path_table(path: pd.DataFrame) -> pd.DataFrame:
    """report_path as a table for people: the stage, what it counts, how many, and its share of
    the stage above, or "–" and why there is none (as the Outcomes page gives a missing rate)."""
    return pd.DataFrame(
        {
            "Stage": path["stage"],
            "Counts": [UNIT_WORDS[unit][1].capitalize() for unit in path["unit"].tolist()],
            "Number": path["count"],
            "Share of the stage above": [
                f"– ({reason})" if math.isnan(share) else f"{share:.0%}"
                for share, reason in zip(
                    path["share_of_stage_before"].tolist(),
                    path["no_share_reason"].tolist(),
                    strict=True,
                )
            ],
        }
    )


def report_path_note(path: pd.DataFrame) -> str:
    """What the path chart shows, naming the stages where the unit changes (no share)."""
    changes = [
        stage
        for stage, reason in zip(
            path["stage"].tolist(), path["no_share_reason"].tolist(), strict=True
        )
        if reason.startswith("stage above counts")
    ]
    note = (
        "The first two stages count reports; the rest count referrals to forces (a report can "
        "be passed to more than one force, so there can be more referrals than reports). Each "
        "bar gives its number and, where it counts the same thing as the stage above, its share "
        "of that stage."
    )
    if changes:
        quoted = " and ".join(f"“{stage}”" for stage in changes)
        note += (
            f" {quoted} counts referrals where the stage above counts reports, so no share is "
            "given there: a share of referrals in reports would be no conversion rate."
        )
    return note


def overview_data(
    run: QueryRunner, filters: Filters, as_at: dt.date, first_stored: dt.date
) -> OverviewData:
    """Headline tiles, path and monthly trend. Report counts and shares are compared with the
    period of the same length before, when that is a fair comparison; referral and outcome
    counts are not (an earlier cohort has had longer to reach each stage)."""
    before = filters.previous()
    problem = comparison_problem(before, first_stored)
    now, then = headline_counts(run, filters, as_at), headline_counts(run, before, as_at)
    days_now = median_days_to_outcome(run, filters, as_at)

    def count(label, column, help_text, compared=True):
        previous = None if problem or not compared else then[column]
        return Tile(label, now[column], previous, "count", help_text)

    # Referrals and outcomes are counted so far for the reports of each period, so an earlier
    # period's reports have had longer to reach them: such counts are not compared.
    later = ("Not compared with the period before: its reports have had longer to reach this "
             "stage.")  # fmt: skip

    def share_then(numerator: str) -> float | None:
        return None if problem else _share(then[numerator], then["reports"])

    tiles = [
        count("Reports", "reports", "Reports received in the period."),
        Tile("Online share", _share(now["reports_online"], now["reports"]),
             share_then("reports_online"), "share",
             "Reports made online, as a share of all reports (the rest came by phone)."),
        Tile("Anonymous", _share(now["anonymous_reports"], now["reports"]),
             share_then("anonymous_reports"), "share",
             "Reports whose reporter chose to stay anonymous, as a share of all reports."),
        count("Passed to a force", "disseminated_reports",
              "Reports passed to at least one force (disseminated). " + later, compared=False),
        count("Investigations", "investigations",
              "Referrals of these reports that the receiving force is investigating. " + later,
              compared=False),
        count("Case to answer", "case_to_answer",
              "Investigations with a finding of a case to answer for misconduct or gross "
              "misconduct, so far. " + later, compared=False),
        count("Dismissals", "dismissals",
              "Referrals with an outcome of dismissal, so far. " + later, compared=False),
        count("Removed from policing", "removed_from_policing",
              "Dismissed, or would have been dismissed had they not left (counted once). "
              + later, compared=False),
        count("Open cases", "open_cases",
              "Investigations with no outcome that ends the case yet. " + later,
              compared=False),
        Tile("Median days to outcome", days_now, None, "days",
             "Kaplan-Meier median: days from the report to the outcome that ends the case, "
             "with open cases counted as still waiting (censored at the as-at date). " + later),
    ]  # fmt: skip
    return OverviewData(
        headline=now,
        previous_headline=then,
        comparison_note=problem,
        tiles=tiles,
        path=report_path(now),
        monthly=monthly_table(
            run("reports_by_month", **filters.sql_params()), filters, rate_period(filters, as_at)
        ),
    )
