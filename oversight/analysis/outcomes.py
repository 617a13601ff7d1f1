"""The Outcomes and timeliness page: conversion at each stage, the outcome mix of
investigations, the Kaplan-Meier curve of days to outcome, the timeliness table, the age of open
cases and referrals awaiting a force decision (docs/metrics.md)."""

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.reports import CATEGORY_LABELS
from oversight.filters import Filters
from oversight.measures import kaplan_meier, km_quantile, proportion_table

SPLITS = ("none", "force", "category")
MAX_FORCE_CURVES = 8
OVERDUE_AFTER_DAYS = 28
ALL_SELECTED = "All investigations selected"

STAGES = {
    "dissemination": (
        "Dissemination rate",
        "Reports passed to at least one force, of reports received",
        "disseminated reports / reports",
    ),
    "investigation": (
        "Investigation rate",
        "Referrals investigated, of referrals not transferred to another force",
        "investigations / (referrals − transferred)",
    ),
    "case_to_answer": (
        "Case-to-answer rate",
        "Investigations finding a case to answer, of investigations with a finding",
        "case to answer / investigations with a finding",
    ),
    "false_allegation": (
        "False-allegation rate",
        "Investigations finding the report knowingly false, of investigations with a finding",
        "false allegations found / investigations with a finding",
    ),
    "dismissal": (
        "Dismissal rate",
        "Investigations ending in dismissal, of investigations",
        "dismissals / investigations",
    ),
}
TIMELINESS_MEASURES = {
    "days_to_dissemination": (
        "Days to dissemination",
        "referrals",
        "from the report being received to its referral to a force",
    ),
    "days_to_finding": (
        "Days to finding",
        "referrals with a finding",
        "from the referral to the first investigation finding",
    ),
    "days_to_outcome": (
        "Days to outcome",
        "investigations, open ones included",
        "from the report to the first outcome that ends the case; Kaplan–Meier estimate, "
        "open cases counted as still waiting at the as-at date",
    ),
    "days_to_dismissal": (
        "Days to dismissal",
        "dismissals",
        "from the report to the first dismissal",
    ),
}
# Every investigation is in one group, by its furthest outcome; the first two are still open.
OUTCOME_GROUPS = (
    ("open", True),
    ("case to answer, awaiting proceedings", True),
    ("no case to answer", False),
    ("false allegation", False),
    ("case to answer, no dismissal", False),
    ("dismissed or would have been", False),
)
# Age of open cases in days since the report: (label, first day, last day or None).
AGE_BANDS = (
    ("0–90 days", 0, 90),
    ("91–180 days", 91, 180),
    ("181–365 days", 181, 365),
    ("over 365 days", 366, None),
)
STAGE_COUNTS = {
    "dissemination": ("disseminated_reports", "reports"),
    "investigation": ("investigations", "referrals_not_transferred"),
    "case_to_answer": ("case_to_answer", "investigations_with_finding"),
    "false_allegation": ("false_allegations", "investigations_with_finding"),
    "dismissal": ("dismissals", "investigations"),
}


@dataclass(frozen=True)
class OutcomesData:
    """Everything the Outcomes and timeliness page draws."""

    reports: int
    investigations: int
    open_cases: int
    conversions: pd.DataFrame
    outcome_mix: pd.DataFrame
    split: str
    split_note: str
    curves: pd.DataFrame
    curve_summary: pd.DataFrame
    timeliness: pd.DataFrame
    open_by_age: pd.DataFrame
    long_open_by_force: pd.DataFrame
    pending_by_force: pd.DataFrame

    @property
    def false_allegations(self) -> pd.Series:
        """The false-allegation row of conversions: count found, denominator, rate, interval."""
        return self.conversions.set_index("stage").loc["false_allegation"]

    @property
    def open_over_365(self) -> int:
        """Investigations open for more than 365 days since the report."""
        return int(self.open_by_age["cases"].iloc[-1]) if len(self.open_by_age) else 0

    @property
    def pending(self) -> int:
        """Referrals awaiting a force decision."""
        return int(self.pending_by_force["pending"].sum())

    @property
    def overdue(self) -> int:
        """Referrals awaiting a force decision more than 28 days after referral."""
        return int(self.pending_by_force["overdue"].sum())


def _conversions(counts: pd.Series) -> pd.DataFrame:
    """One row per stage: numerator, denominator, rate and 95% Wilson interval, and labels."""
    counts = counts.copy()
    counts["referrals_not_transferred"] = counts["referrals"] - counts["transferred"]
    frame = pd.DataFrame(
        [
            {"stage": stage, "numerator": int(counts[top]), "denominator": int(counts[bottom])}
            for stage, (top, bottom) in STAGE_COUNTS.items()
        ]
    )
    table = proportion_table(frame, "numerator", "denominator")
    table["label"] = table["stage"].map(lambda s: STAGES[s][0])
    table["meaning"] = table["stage"].map(lambda s: STAGES[s][1])
    table["definition"] = table["stage"].map(lambda s: STAGES[s][2])
    return table


def _outcome_mix(counted: pd.DataFrame) -> pd.DataFrame:
    """Every outcome group (zeros included) with its cases and share of all investigations."""
    cases = counted.loc[counted["part"] == "outcome"].set_index("outcome_group")["cases"]
    mix = pd.DataFrame(OUTCOME_GROUPS, columns=["outcome_group", "still_open"])
    mix["cases"] = mix["outcome_group"].map(cases).fillna(0).astype(int)
    total = int(mix["cases"].sum())
    mix["share"] = mix["cases"] / total if total else np.nan
    return mix


def _open_by_age(durations: pd.DataFrame) -> pd.DataFrame:
    """Open cases by age band: an open case's censoring day is its age at the as-at date."""
    open_days = durations.loc[~durations["ended"].astype(bool)]
    rows = []
    for label, first, last in AGE_BANDS:
        within = open_days["days"] >= first
        if last is not None:
            within &= open_days["days"] <= last
        rows.append(
            {
                "age_band": label,
                "min_days": first,
                "max_days": last,
                "cases": int(open_days.loc[within, "cases"].sum()),
            }
        )
    return pd.DataFrame(rows)


def _curve_groups(
    run: QueryRunner, filters: Filters, as_at: dt.date, split: str
) -> tuple[pd.DataFrame, str]:
    """Durations per (group, days, ended) for the chosen split, and a note saying what is shown."""
    params = {**filters.sql_params(), "as_at": as_at}
    if split == "force":
        frame = run("outcome_durations_by_force", **params, top=MAX_FORCE_CURVES)
        if frame.empty:
            return frame.assign(group=[]), ""
        shown = frame.drop_duplicates("force_code")
        available = int(shown["forces_with_investigations"].iloc[0])
        names = ", ".join(shown["force_name"])
        if available <= MAX_FORCE_CURVES:
            note = (
                f"One curve per receiving force with investigations in this selection "
                f"({available}): {names}."
            )
        else:
            note = (
                f"The {MAX_FORCE_CURVES} forces with the most investigations, of the "
                f"{available} with any in this selection: {names}. Choose forces in the "
                "sidebar to compare others."
            )
        return frame.assign(group=frame["force_name"]), note
    if split == "category":
        frame = run("outcome_durations_by_category", **params)
        note = (
            "One curve per category. A report can carry several categories, and its "
            "investigations count under each of them, so the curves overlap."
        )
        if filters.categories:
            note += " Only the categories chosen in the sidebar are shown."
        order = {code: position for position, code in enumerate(CATEGORY_LABELS)}
        frame = frame.sort_values("category", key=lambda c: c.map(order), kind="stable")
        return frame.assign(group=frame["category"].map(CATEGORY_LABELS)), note
    raise ValueError(f"no query splits the curve by {split!r}")


def _finite(value) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _survival_curves(durations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan-Meier curves per group from (group, days, ended, cases), and per group a summary:
    investigations, still open, median and 90th-percentile days (None where never reached)."""
    curves, summary = [], []
    for group, part in durations.groupby("group", sort=False):
        curve = kaplan_meier(part["days"], part["ended"].astype(int), part["cases"])
        curves.append(curve.assign(group=group))
        median, p90 = km_quantile(curve, [0.5, 0.9])
        summary.append(
            {
                "group": group,
                "investigations": int(part["cases"].sum()),
                "still_open": int(part.loc[~part["ended"].astype(bool), "cases"].sum()),
                "median_days": _finite(median),
                "p90_days": _finite(p90),
            }
        )
    columns = ["group", "day", "at_risk", "events", "censored", "survival"]
    curve_frame = (
        pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame(columns=[*columns, "survival_low", "survival_high"])
    )
    summary_columns = ["group", "investigations", "still_open", "median_days", "p90_days"]
    return curve_frame[[*columns, "survival_low", "survival_high"]], pd.DataFrame(
        summary, columns=summary_columns
    )


def _timeliness(counts: pd.Series, overall: pd.DataFrame) -> pd.DataFrame:
    """The published timeliness.csv rows (measure, cases, median_days, p90_days), days to
    outcome from the Kaplan-Meier curve of all selected investigations, with labels."""
    rows = []
    for measure, (label, unit, meaning) in TIMELINESS_MEASURES.items():
        if measure == "days_to_outcome":
            summary = overall.iloc[0] if len(overall) else None
            cases = 0 if summary is None else int(summary["investigations"])
            median = None if summary is None else summary["median_days"]
            p90 = None if summary is None else summary["p90_days"]
        else:
            stem = measure.removeprefix("days_to_")
            cases = int(counts[f"{stem}_cases"])
            median, p90 = counts[f"{stem}_median_days"], counts[f"{stem}_p90_days"]
        rows.append(
            {
                "measure": measure,
                "cases": cases,
                "median_days": _finite(_as_float(median)),
                "p90_days": _finite(_as_float(p90)),
                "label": label,
                "unit": unit,
                "meaning": meaning,
            }
        )
    return pd.DataFrame(rows)


def _as_float(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def timeliness(run: QueryRunner, filters: Filters, as_at: dt.date) -> pd.DataFrame:
    """The published timeliness rows for the filters (as the Outcomes page shows them), with
    only the queries they need: the plain times, and days to outcome for Kaplan-Meier."""
    counts = run("conversion_and_time_counts", **filters.sql_params()).iloc[0]
    durations = run("outcome_durations", **filters.sql_params(), as_at=as_at)
    _, summary = _survival_curves(durations.assign(group=ALL_SELECTED))
    return _timeliness(counts, summary)


def outcomes_data(
    run: QueryRunner, filters: Filters, as_at: dt.date, split: str = "none"
) -> OutcomesData:
    """Conversions, outcome mix, days-to-outcome curves (split by nothing, force or category),
    timeliness, open cases by age and pending referrals for the filters, as at as_at."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    params = {**filters.sql_params(), "as_at": as_at}
    counts = run("conversion_and_time_counts", **filters.sql_params()).iloc[0]
    counted = run("investigations_by_outcome_and_duration", **params)
    durations = counted.loc[counted["part"] == "duration", ["days", "ended", "cases"]]
    long_open = counted.loc[
        counted["part"] == "force",
        ["force_code", "force_name", "cases", "over_730_days", "median_age_days",
         "oldest_age_days"],
    ].reset_index(drop=True)  # fmt: skip
    mix = _outcome_mix(counted)

    curves, summary = _survival_curves(durations.assign(group=ALL_SELECTED))
    timeliness = _timeliness(counts, summary)
    note = ""
    if split != "none":
        groups, note = _curve_groups(run, filters, as_at, split)
        split_curves, split_summary = _survival_curves(groups)
        # The whole selection stays on the chart as the reference the groups differ from.
        curves = pd.concat([curves, split_curves], ignore_index=True)
        summary = pd.concat([summary, split_summary], ignore_index=True)

    return OutcomesData(
        reports=int(counts["reports"]),
        investigations=int(mix["cases"].sum()),
        open_cases=int(mix.loc[mix["still_open"], "cases"].sum()),
        conversions=_conversions(counts),
        outcome_mix=mix,
        split=split,
        split_note=note,
        curves=curves,
        curve_summary=summary,
        timeliness=timeliness,
        open_by_age=_open_by_age(durations),
        long_open_by_force=long_open,
        pending_by_force=run("pending_referrals_by_force", **params),
    )
