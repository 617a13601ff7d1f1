"""The Fairness page: who is reported, by subject sex or ethnicity, stage by stage.

docs/metrics.md, "Who is reported, and is it fair": for each group, its share of reports, of
investigations, of cases to answer and of dismissals; and at each stage the group's rate of
moving to the next stage, divided by the reference group's rate (a relative rate with a 95%
interval). A stage where a group's interval excludes 1 is where a difference enters.
"""

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.analysis import QueryRunner
from oversight.constants import MIN_BASE
from oversight.filters import Filters
from oversight.measures import proportion_table, relative_rate

# Fewer than this many entering a stage (in the group or the reference group): no ratio shown.
MIN_ENTERING = MIN_BASE


@dataclass(frozen=True)
class Group:
    """One subject group: its code in the data, its label, and how a sentence names it."""

    code: str
    label: str
    subjects: str  # "Black subjects"


@dataclass(frozen=True)
class Characteristic:
    """A subject characteristic the page compares by, with its groups and reference group."""

    key: str
    label: str
    groups: tuple[Group, ...]
    reference: str
    reference_name: str  # "the White group", as a sentence names the reference group
    reference_reason: str
    not_stated: str = "not_stated"

    def group(self, code: str) -> Group:
        """The group with this code."""
        return next(g for g in self.groups if g.code == code)


CHARACTERISTICS = {
    "ethnicity": Characteristic(
        key="ethnicity",
        label="Ethnicity",
        groups=(
            Group("white", "White", "White subjects"),
            Group("asian", "Asian", "Asian subjects"),
            Group("black", "Black", "Black subjects"),
            Group("mixed", "Mixed", "subjects of Mixed ethnicity"),
            Group("other", "Other ethnic group", "subjects of another ethnic group"),
            Group("not_stated", "Not stated", "subjects whose ethnicity is not stated"),
        ),
        reference="white",
        reference_name="the White group",
        reference_reason="the White group, as docs/metrics.md sets out: the largest group, so "
        "its rate is the most precise yardstick",
    ),
    "sex": Characteristic(
        key="sex",
        label="Sex",
        groups=(
            Group("male", "Male", "male subjects"),
            Group("female", "Female", "female subjects"),
            Group("other", "Other", "subjects whose sex is recorded as other"),
            Group("not_stated", "Not stated", "subjects whose sex is not stated"),
        ),
        reference="male",
        reference_name="the male group",
        reference_reason="the male group (docs/metrics.md names none for sex): most of those "
        "reported are men, so the male group's rate is the most precise yardstick",
    ),
}


@dataclass(frozen=True)
class Stage:
    """A move from one stage to the next, measured as moved_on / entered."""

    key: str
    label: str
    entered: str  # column of stages_by_group counting those entering the stage
    moved_on: str  # column counting those who moved on to the next stage
    entered_unit: str  # "reports": what entered counts, for "fewer than 10 ..." notes
    sentence: str  # the finding in words, with {subjects}, {times} and {reference}


STAGES = (
    Stage(
        "investigation",
        "Report → investigation",
        "reports",
        "reports_investigated",
        "reports",
        "Reports about {subjects} led to an investigation {times} as often as reports about "
        "{reference}",
    ),
    Stage(
        "case_to_answer",
        "Investigation → case to answer",
        "investigations_with_finding",
        "case_to_answer",
        "investigations with a finding",
        "Investigations of {subjects} reached a case to answer {times} as often as those of "
        "{reference}",
    ),
    Stage(
        "dismissal",
        "Case to answer → dismissal",
        "case_to_answer",
        "dismissals_after_case_to_answer",
        "cases to answer",
        "Cases to answer against {subjects} ended in dismissal {times} as often as those "
        "against {reference}",
    ),
)
# What each stage's share column counts (docs/metrics.md, "Counts").
SHARE_COUNTS = (
    ("reports", "Reports"),
    ("investigations", "Investigations"),
    ("case_to_answer", "Cases to answer"),
    ("dismissals", "Dismissals"),
)


@dataclass(frozen=True)
class FairnessData:
    """Everything the Fairness page draws.

    counts: one row per group of the characteristic, in order, zeros included: group_code,
        group and the counts of queries/stages_by_group.sql.
    shares: one row per stage per group: stage (Reports, Investigations, Cases to answer,
        Dismissals), group_code, group, count, total (all groups, "not stated" included),
        share (NaN where the total is 0) and share_note (why there is no share, else "").
    rates: one row per step per group: stage_key, stage, group_code, group, entered, moved_on,
        rate, rate_low, rate_high, rate_note (as measures.proportion_table), relative_rate,
        relative_rate_low, relative_rate_high (against the reference group; 1 for the reference
        group itself, NaN where no ratio is shown), relative_rate_note ("" where a ratio with
        its interval is shown, else why not), differs (the ratio's interval excludes 1).
    reading: plain-language sentences generated from the numbers (markdown).
    """

    characteristic: Characteristic
    as_at: dt.date
    counts: pd.DataFrame
    shares: pd.DataFrame
    rates: pd.DataFrame
    reading: list[str]

    @property
    def total_reports(self) -> int:
        """Reports in the selection, all groups together."""
        return int(self.counts["reports"].sum())


def stage_counts(run: QueryRunner, filters: Filters, characteristic: str) -> pd.DataFrame:
    """Counts at each stage: one row per group of the characteristic, in order, zeros included."""
    groups = CHARACTERISTICS[characteristic].groups
    return run(
        "stages_by_group",
        **filters.sql_params(),
        characteristic=characteristic,
        group_codes=[g.code for g in groups],
        group_labels=[g.label for g in groups],
    )


def stage_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Each group's share of all groups' total at each stage, with a note where it is 0."""
    codes, labels = counts["group_code"].tolist(), counts["group"].tolist()
    columns = {"stage": [], "group_code": [], "group": [], "count": [], "total": [], "share": [],
               "share_note": []}  # fmt: skip
    # stage by stage; count and share collect one array per stage, joined at the end
    for column, label in SHARE_COUNTS:
        stage_count = counts[column].to_numpy()
        total = int(stage_count.sum())
        columns["stage"] += [label] * len(codes)
        columns["group_code"] += codes
        columns["group"] += labels
        columns["count"].append(stage_count)
        columns["total"] += [total] * len(codes)
        columns["share"].append(stage_count / total if total else np.full(len(codes), math.nan))
        note = "" if total else f"no {label.lower()} in this selection"
        columns["share_note"] += [note] * len(codes)
    columns["count"] = np.concatenate(columns["count"])
    columns["share"] = np.concatenate(columns["share"])
    return pd.DataFrame(columns)


def _ratio_note(
    characteristic: Characteristic, stage: Stage, group: str, entered: int, ref_entered: int,
    moved_on: int, ref_moved_on: int,
) -> str:  # fmt: skip
    """Why a group shows no ratio with an interval at this step ("" where it shows one)."""
    if group == characteristic.not_stated:
        return "not a comparison group (not recorded)"
    if group == characteristic.reference:
        return "reference group"
    if entered < MIN_ENTERING:
        return f"fewer than {MIN_ENTERING} {stage.entered_unit} in this group"
    if ref_entered < MIN_ENTERING:
        return f"fewer than {MIN_ENTERING} {stage.entered_unit} in {characteristic.reference_name}"
    if moved_on == 0 or ref_moved_on == 0:
        who = "this group" if moved_on == 0 else characteristic.reference_name
        return f"none moved on in {who}, so no interval can be formed"
    return ""


def stage_rates(counts: pd.DataFrame, characteristic: Characteristic) -> pd.DataFrame:
    """Each group's rate of moving on at each step, and its rate relative to the reference."""
    codes, labels = counts["group_code"].tolist(), counts["group"].tolist()
    reference_row = codes.index(characteristic.reference)
    steps = {"stage_key": [], "stage": [], "group_code": [], "group": [], "entered": [],
             "moved_on": []}  # fmt: skip
    # The reference group's counts at the step of each row, and why a row shows no ratio.
    ref_entered, ref_moved_on, notes = [], [], []
    for stage in STAGES:
        entered, moved_on = counts[stage.entered].tolist(), counts[stage.moved_on].tolist()
        steps["stage_key"] += [stage.key] * len(codes)
        steps["stage"] += [stage.label] * len(codes)
        steps["group_code"] += codes
        steps["group"] += labels
        steps["entered"] += entered
        steps["moved_on"] += moved_on
        ref_entered += [entered[reference_row]] * len(codes)
        ref_moved_on += [moved_on[reference_row]] * len(codes)
        notes += [
            _ratio_note(characteristic, stage, code, group_entered, entered[reference_row],
                        group_moved_on, moved_on[reference_row])
            for code, group_entered, group_moved_on in zip(codes, entered, moved_on, strict=True)
        ]  # fmt: skip
    rates = proportion_table(
        pd.DataFrame({"entered": steps["entered"], "moved_on": steps["moved_on"]}),
        "moved_on",
        "entered",
    )
    ratio, low, high = relative_rate(steps["moved_on"], steps["entered"], ref_moved_on, ref_entered)
    not_compared = np.array(notes) != ""
    ratio, low, high = (np.where(not_compared, math.nan, v) for v in (ratio, low, high))
    ratio[np.array(steps["group_code"]) == characteristic.reference] = 1.0
    return pd.DataFrame(
        {
            **steps,
            "rate": rates["rate"].to_numpy(),
            "rate_low": rates["rate_low"].to_numpy(),
            "rate_high": rates["rate_high"].to_numpy(),
            "rate_note": rates["rate_note"].tolist(),
            "relative_rate": ratio,
            "relative_rate_low": low,
            "relative_rate_high": high,
            "relative_rate_note": notes,
            "differs": ~not_compared & ((low > 1) | (high < 1)),
        }
    )


def _sentence(stage: Stage, characteristic: Characteristic, step: dict) -> str:
    """One finding in words: "Investigations of Black subjects ... 1.20 times as often ..."."""
    text = stage.sentence.format(
        subjects=characteristic.group(step["group_code"]).subjects,
        times=f"{step['relative_rate']:.2f} times",
        reference=characteristic.group(characteristic.reference).subjects,
    )
    return (
        f"{text} (95% interval {step['relative_rate_low']:.2f} to "
        f"{step['relative_rate_high']:.2f}; {step['moved_on']:,} of {step['entered']:,} "
        f"{stage.entered_unit})."
    )


def _steps(rates: pd.DataFrame, columns: tuple[str, ...]) -> list[dict]:
    """The rows of rates as plain dicts of the given columns, in order."""
    values = [rates[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def reading(rates: pd.DataFrame, characteristic: Characteristic, as_at: dt.date) -> list[str]:
    """Where a difference enters, in plain words generated from the relative rates."""
    stages = {s.key: s for s in STAGES}
    steps = _steps(
        rates,
        ("stage_key", "stage", "group_code", "group", "entered", "moved_on", "relative_rate",
         "relative_rate_low", "relative_rate_high", "relative_rate_note", "differs"),
    )  # fmt: skip
    if all(step["relative_rate_note"] for step in steps):
        return [
            f"No group can be compared with {characteristic.reference_name} at any step: at "
            f"each, a group has fewer than {MIN_ENTERING}, or none moved on."
        ]
    differing = [step for step in steps if step["differs"]]
    lines = []
    if not differing:
        lines.append(
            f"At no step is any group's rate clearly different from {characteristic.reference_name}"
            "'s: every 95% interval includes 1, so the differences seen could be chance."
        )
    else:
        first = stages[differing[0]["stage_key"]]
        lines.append(
            f"A difference first appears at the step **{first.label.lower()}** "
            f"(so far, as at {as_at:%d %b %Y}):"
        )
        lines.extend(
            "- " + _sentence(stages[step["stage_key"]], characteristic, step) for step in differing
        )
        differing_keys = {step["stage_key"] for step in differing}
        quiet = [s.label.lower() for s in STAGES if s.key not in differing_keys]
        if quiet:
            lines.append(
                "At the other steps (" + "; ".join(quiet) + ") every group's 95% interval "
                "includes 1: no difference beyond what chance could produce."
            )
    skipped = [
        f"{step['group']} at {step['stage'].lower()}"
        for step in steps
        if step["relative_rate_note"] not in ("", "reference group")
        and step["group_code"] != characteristic.not_stated
    ]
    if skipped:
        lines.append(f"Too few to compare, so no ratio is shown for: {'; '.join(skipped)}.")
    return lines


def fairness_data(
    run: QueryRunner, filters: Filters, as_at: dt.date, characteristic: str = "ethnicity"
) -> FairnessData:
    """Shares and relative rates by stage for subject sex or ethnicity, with a plain reading."""
    chosen = CHARACTERISTICS[characteristic]
    counts = stage_counts(run, filters, characteristic)
    rates = stage_rates(counts, chosen)
    return FairnessData(
        characteristic=chosen,
        as_at=as_at,
        counts=counts,
        shares=stage_shares(counts),
        rates=rates,
        reading=reading(rates, chosen, as_at),
    )
