"""The Outcomes and timeliness page: conversion at each stage, the outcome mix of
investigations, the Kaplan-Meier curve of days to outcome, the timeliness table, the age of open
cases and referrals awaiting a force decision (docs/metrics.md)."""

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.reports import CATEGORY_LABELS
from oversight.constants import OVERDUE_DAYS
from oversight.filters import Filters
from oversight.measures import kaplan_meier, km_quantile, proportion_table
from oversight.rates import RATES

SPLITS = ("none", "force", "category")
MAX_FORCE_CURVES = 8
OVERDUE_AFTER_DAYS = OVERDUE_DAYS
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
STAGE_COUNTS = {stage: RATES[f"{stage}_rate"] for stage in STAGES}
# Each stage's label, meaning and definition, in the order of STAGE_COUNTS: the last columns
# of every conversions table, built once (frames are copied on write, so sharing it is safe).
STAGE_TEXTS = pd.DataFrame(
    [STAGES[stage] for stage in STAGE_COUNTS], columns=["label", "meaning", "definition"]
)
LONG_OPEN_COLUMNS = [
    "force_code", "force_name", "cases", "over_730_days", "median_age_days", "oldest_age_days",
]  # fmt: skip


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


@dataclass(frozen=True)
class GroupDurations:
    """One curve's investigations, aggregated: cases with the same days and ended share a row."""

    group: str
    days: np.ndarray  # whole days from the report to the outcome, or to the as-at date if open
    ended: np.ndarray  # bool: the case ended that day (False: still open, censored)
    cases: np.ndarray


def _first_row(frame: pd.DataFrame) -> dict:
    """The one row of a one-row query result, as a dict of plain Python numbers."""
    return frame.iloc[0].to_dict()


def _conversions(counts: dict) -> pd.DataFrame:
    """One row per stage: numerator, denominator, rate and 95% Wilson interval, and labels."""
    counted = pd.DataFrame(
        {
            "stage": list(STAGE_COUNTS),
            "numerator": [int(counts[top]) for top, _ in STAGE_COUNTS.values()],
            "denominator": [int(counts[bottom]) for _, bottom in STAGE_COUNTS.values()],
        }
    )
    table = proportion_table(counted, "numerator", "denominator")
    return pd.concat([table, STAGE_TEXTS], axis=1)


def _outcome_mix(cases_by_group: dict[str, int]) -> pd.DataFrame:
    """Every outcome group (zeros included) with its cases and share of all investigations."""
    cases = np.array([cases_by_group.get(group, 0) for group, _ in OUTCOME_GROUPS], dtype=np.int64)
    total = int(cases.sum())
    return pd.DataFrame(
        {
            "outcome_group": [group for group, _ in OUTCOME_GROUPS],
            "still_open": [still_open for _, still_open in OUTCOME_GROUPS],
            "cases": cases,
            "share": cases / total if total else np.full(len(cases), np.nan),
        }
    )


def _open_by_age(durations: GroupDurations) -> pd.DataFrame:
    """Open cases by age band: an open case's censoring day is its age at the as-at date."""
    open_days = durations.days[~durations.ended]
    open_cases = durations.cases[~durations.ended]
    band_cases = []
    for _, first, last in AGE_BANDS:
        within = open_days >= first
        if last is not None:
            within &= open_days <= last
        band_cases.append(int(open_cases[within].sum()))
    return pd.DataFrame(
        {
            "age_band": [label for label, _, _ in AGE_BANDS],
            "min_days": [first for _, first, _ in AGE_BANDS],
            "max_days": [last for _, _, last in AGE_BANDS],
            "cases": band_cases,
        }
    )


def _durations(frame: pd.DataFrame, rows: np.ndarray | None = None) -> GroupDurations:
    """The days, ended and cases columns of frame (only its rows where given) as plain arrays,
    named as the curve of all investigations selected (_split_by splits them into groups)."""

    def column(name: str, dtype) -> np.ndarray:
        values = frame[name].array
        return (values if rows is None else values[rows]).to_numpy(dtype=dtype)

    return GroupDurations(
        ALL_SELECTED, column("days", np.int64), column("ended", bool), column("cases", np.int64)
    )


def _split_by(keys: np.ndarray, durations: GroupDurations) -> dict[str, GroupDurations]:
    """durations split by keys (one per row), in order of first appearance, as
    groupby(sort=False) splits them (missing keys are dropped)."""
    codes, names = pd.factorize(keys)
    split = {}
    for code, name in enumerate(names.tolist()):
        within = codes == code
        split[name] = GroupDurations(
            name, durations.days[within], durations.ended[within], durations.cases[within]
        )
    return split


def _curves_to_draw(durations: GroupDurations) -> list[GroupDurations]:
    """The one curve of these durations, or none where there are no investigations."""
    return [durations] if len(durations.cases) else []


def _curve_groups(
    run: QueryRunner, filters: Filters, as_at: dt.date, split: str
) -> tuple[list[GroupDurations], str]:
    """Durations per group for the chosen split, in the order drawn, and a note saying what is
    shown."""
    params = {**filters.sql_params(), "as_at": as_at}
    if split == "force":
        frame = run("outcome_durations_by_force", **params, top=MAX_FORCE_CURVES)
        if frame.empty:
            return [], ""
        # rows come in force_rank order, so the forces do too
        by_force = _split_by(frame["force_name"].to_numpy(), _durations(frame))
        available = int(frame["forces_with_investigations"].iloc[0])
        names = ", ".join(by_force)
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
        return list(by_force.values()), note
    if split == "category":
        frame = run("outcome_durations_by_category", **params)
        note = (
            "One curve per category. A report can carry several categories, and its "
            "investigations count under each of them, so the curves overlap."
        )
        if filters.categories:
            note += " Only the categories chosen in the sidebar are shown."
        by_category = _split_by(frame["category"].to_numpy(), _durations(frame))
        groups = [
            replace(by_category[code], group=label)
            for code, label in CATEGORY_LABELS.items()
            if code in by_category
        ]
        return groups, note
    raise ValueError(f"no query splits the curve by {split!r}")


def _finite(value) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _survival_curves(groups: list[GroupDurations]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan-Meier curves per group, and per group a summary: investigations, still open,
    median and 90th-percentile days (None where never reached)."""
    curves, summary = [], []
    for durations in groups:
        curve = kaplan_meier(durations.days, durations.ended.astype(int), durations.cases)
        curves.append(curve)
        median, p90 = km_quantile(curve, [0.5, 0.9])
        summary.append(
            {
                "group": durations.group,
                "investigations": int(durations.cases.sum()),
                "still_open": int(durations.cases[~durations.ended].sum()),
                "median_days": _finite(median),
                "p90_days": _finite(p90),
            }
        )
    if curves:
        curve_frame = pd.concat(curves, ignore_index=True)
        curve_frame.insert(
            0, "group", np.repeat([g.group for g in groups], [len(c) for c in curves])
        )
    else:
        curve_frame = pd.DataFrame(
            columns=["group", "day", "at_risk", "events", "censored", "survival", "survival_low",
                     "survival_high"]
        )  # fmt: skip
    summary_columns = ["group", "investigations", "still_open", "median_days", "p90_days"]
    return curve_frame, pd.DataFrame(summary, columns=summary_columns)


def _timeliness(counts: dict, overall: pd.DataFrame) -> pd.DataFrame:
    """The published timeliness.csv rows (measure, cases, median_days, p90_days), days to
    outcome from the Kaplan-Meier curve of all selected investigations, with labels."""
    summary = overall.iloc[0].to_dict() if len(overall) else None
    cases, medians, p90s = [], [], []
    for measure in TIMELINESS_MEASURES:
        if measure == "days_to_outcome":
            cases.append(0 if summary is None else int(summary["investigations"]))
            median = None if summary is None else summary["median_days"]
            p90 = None if summary is None else summary["p90_days"]
        else:
            stem = measure.removeprefix("days_to_")
            cases.append(int(counts[f"{stem}_cases"]))
            median, p90 = counts[f"{stem}_median_days"], counts[f"{stem}_p90_days"]
        medians.append(_finite(_as_float(median)))
        p90s.append(_finite(_as_float(p90)))
    texts = TIMELINESS_MEASURES.values()
    return pd.DataFrame(
        {
            "measure": list(TIMELINESS_MEASURES),
            "cases": cases,
            "median_days": medians,
            "p90_days": p90s,
            "label": [label for label, _, _ in texts],
            "unit": [unit for _, unit, _ in texts],
            "meaning": [meaning for _, _, meaning in texts],
        }
    )


def _as_float(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def timeliness(run: QueryRunner, filters: Filters, as_at: dt.date) -> pd.DataFrame:
    """The published timeliness rows for the filters (as the Outcomes page shows them), with
    only the queries they need: the plain times, and days to outcome for Kaplan-Meier."""
    counts = _first_row(run("conversion_and_time_counts", **filters.sql_params()))
    durations = run("outcome_durations", **filters.sql_params(), as_at=as_at)
    _, summary = _survival_curves(_curves_to_draw(_durations(durations)))
    return _timeliness(counts, summary)


def _investigation_parts(
    counted: pd.DataFrame,
) -> tuple[dict[str, int], GroupDurations, pd.DataFrame]:
    """The three parts of investigations_by_outcome_and_duration: cases by outcome group, the
    durations of all investigations selected, and the forces with cases open over 365 days."""
    # Rows picked with plain arrays and by position: much cheaper than pandas masks and names.
    part = counted["part"].to_numpy()
    outcome_rows = part == "outcome"
    cases_by_group = dict(
        zip(
            counted["outcome_group"].to_numpy()[outcome_rows].tolist(),
            counted["cases"].to_numpy()[outcome_rows].tolist(),
            strict=True,
        )
    )
    long_open = counted.iloc[
        np.flatnonzero(part == "force"), counted.columns.get_indexer(LONG_OPEN_COLUMNS)
    ].reset_index(drop=True)
    return cases_by_group, _durations(counted, part == "duration"), long_open


def outcomes_data(
    run: QueryRunner, filters: Filters, as_at: dt.date, split: str = "none"
) -> OutcomesData:
    """Conversions, outcome mix, days-to-outcome curves (split by nothing, force or category),
    timeliness, open cases by age and pending referrals for the filters, as at as_at."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    params = {**filters.sql_params(), "as_at": as_at}
    counts = _first_row(run("conversion_and_time_counts", **filters.sql_params()))
    cases_by_group, all_selected, long_open = _investigation_parts(
        run("investigations_by_outcome_and_duration", **params)
    )
    mix = _outcome_mix(cases_by_group)
    mix_cases = mix["cases"].to_numpy()
    curves, summary = _survival_curves(_curves_to_draw(all_selected))
    data = OutcomesData(
        reports=int(counts["reports"]),
        investigations=int(mix_cases.sum()),
        open_cases=int(mix_cases[mix["still_open"].to_numpy()].sum()),
        conversions=_conversions(counts),
        outcome_mix=mix,
        split="none",
        split_note="",
        curves=curves,
        curve_summary=summary,
        timeliness=_timeliness(counts, summary),
        open_by_age=_open_by_age(all_selected),
        long_open_by_force=long_open,
        pending_by_force=run("pending_referrals_by_force", **params),
    )
    return with_split(run, filters, as_at, data, split)


def with_split(
    run: QueryRunner, filters: Filters, as_at: dt.date, data: OutcomesData, split: str
) -> OutcomesData:
    """data (as outcomes_data gives it, split by nothing) with its days-to-outcome curves split
    by force or category too, beside the curve of all investigations selected. The page asks
    for it once the split is chosen, after the figures above it are drawn."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    if split == "none":
        return data
    groups, note = _curve_groups(run, filters, as_at, split)
    split_curves, split_summary = _survival_curves(groups)
    # The whole selection stays on the chart as the reference the groups differ from.
    return replace(
        data,
        split=split,
        split_note=note,
        curves=pd.concat([data.curves, split_curves], ignore_index=True),
        curve_summary=pd.concat([data.curve_summary, split_summary], ignore_index=True),
    )
