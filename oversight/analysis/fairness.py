"""The Fairness page: who is reported, by subject sex or ethnicity, stage by stage.

docs/metrics.md, "Who is reported, and is it fair": for each group, its share of reports, of
investigations, of cases to answer and of dismissals; and at each stage the group's rate of
moving to the next stage, divided by the reference group's rate (a relative rate with a 95%
interval). A stage where a group's interval excludes 1 is where a difference enters.
"""

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from oversight.analysis import QueryRunner
from oversight.filters import Filters
from oversight.measures import proportion_table, relative_rate

# Fewer than this many entering a stage (in the group or the reference group): no ratio shown.
MIN_ENTERING = 10


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
COUNT_COLUMNS = (
    "reports",
    "reports_investigated",
    "investigations",
    "investigations_with_finding",
    "case_to_answer",
    "dismissals",
    "dismissals_after_case_to_answer",
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
    found = run("stages_by_group", **filters.sql_params(), characteristic=characteristic)
    groups = CHARACTERISTICS[characteristic].groups
    counts = (
        found.set_index("subject_group")
        .reindex([g.code for g in groups])
        .loc[:, list(COUNT_COLUMNS)]
        .fillna(0)
        .astype("int64")
    )
    counts.index.name = "group_code"
    counts.insert(0, "group", [g.label for g in groups])
    return counts.reset_index()


def stage_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Each group's share of all groups' total at each stage, with a note where it is 0."""
    parts = []
    for column, label in SHARE_COUNTS:
        total = int(counts[column].sum())
        parts.append(
            pd.DataFrame(
                {
                    "stage": label,
                    "group_code": counts["group_code"],
                    "group": counts["group"],
                    "count": counts[column],
                    "total": total,
                    "share": counts[column] / total if total else math.nan,
                    "share_note": "" if total else f"no {label.lower()} in this selection",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


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
    reference = counts.set_index("group_code").loc[characteristic.reference]
    parts = []
    for stage in STAGES:
        part = pd.DataFrame(
            {
                "stage_key": stage.key,
                "stage": stage.label,
                "group_code": counts["group_code"],
                "group": counts["group"],
                "entered": counts[stage.entered],
                "moved_on": counts[stage.moved_on],
            }
        )
        part = proportion_table(part, "moved_on", "entered")
        ref_entered, ref_moved_on = int(reference[stage.entered]), int(reference[stage.moved_on])
        ratio, low, high = relative_rate(
            part["moved_on"], part["entered"], ref_moved_on, ref_entered
        )
        part["relative_rate"] = ratio
        part["relative_rate_low"] = low
        part["relative_rate_high"] = high
        part["relative_rate_note"] = [
            _ratio_note(characteristic, stage, row.group_code, row.entered, ref_entered,
                        row.moved_on, ref_moved_on)
            for row in part.itertuples(index=False)
        ]  # fmt: skip
        not_compared = part["relative_rate_note"] != ""
        ratio_columns = ["relative_rate", "relative_rate_low", "relative_rate_high"]
        part.loc[not_compared, ratio_columns] = math.nan
        part.loc[part["group_code"] == characteristic.reference, "relative_rate"] = 1.0
        part["differs"] = ~not_compared & (
            (part["relative_rate_low"] > 1) | (part["relative_rate_high"] < 1)
        )
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _sentence(stage: Stage, characteristic: Characteristic, row) -> str:
    """One finding in words: "Investigations of Black subjects ... 1.20 times as often ..."."""
    text = stage.sentence.format(
        subjects=characteristic.group(row.group_code).subjects,
        times=f"{row.relative_rate:.2f} times",
        reference=characteristic.group(characteristic.reference).subjects,
    )
    return (
        f"{text} (95% interval {row.relative_rate_low:.2f} to {row.relative_rate_high:.2f}; "
        f"{row.moved_on:,} of {row.entered:,} {stage.entered_unit})."
    )


def reading(rates: pd.DataFrame, characteristic: Characteristic, as_at: dt.date) -> list[str]:
    """Where a difference enters, in plain words generated from the relative rates."""
    stages = {s.key: s for s in STAGES}
    compared = rates[rates["relative_rate_note"] == ""]
    differing = rates[rates["differs"]]
    if compared.empty:
        return [
            f"No group can be compared with {characteristic.reference_name} at any step: at "
            f"each, a group has fewer than {MIN_ENTERING}, or none moved on."
        ]
    lines = []
    if differing.empty:
        lines.append(
            f"At no step is any group's rate clearly different from {characteristic.reference_name}"
            "'s: every 95% interval includes 1, so the differences seen could be chance."
        )
    else:
        first = stages[differing.iloc[0]["stage_key"]]
        lines.append(
            f"A difference first appears at the step **{first.label.lower()}** "
            f"(so far, as at {as_at:%d %b %Y}):"
        )
        lines.extend(
            "- " + _sentence(stages[row.stage_key], characteristic, row)
            for row in differing.itertuples(index=False)
        )
        quiet = [s.label.lower() for s in STAGES if s.key not in set(differing["stage_key"])]
        if quiet:
            lines.append(
                "At the other steps (" + "; ".join(quiet) + ") every group's 95% interval "
                "includes 1: no difference beyond what chance could produce."
            )
    skipped = rates[
        ~rates["relative_rate_note"].isin(["", "reference group"])
        & (rates["group_code"] != characteristic.not_stated)
    ]
    if not skipped.empty:
        names = "; ".join(
            f"{row.group} at {row.stage.lower()}" for row in skipped.itertuples(index=False)
        )
        lines.append(f"Too few to compare, so no ratio is shown for: {names}.")
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
