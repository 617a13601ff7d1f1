"""What the Outcomes and timeliness page shows, in words and tables for people, built from
OutcomesData (oversight.analysis.outcomes), OverdueNow and DecidedData, so that the page only
draws. Days are whole days; a median or percentile of fewer than MIN_BASE cases carries a
caution (oversight.analysis.decided.caution)."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight import charts
from oversight.analysis.decided import DecidedData, caution, whole_days
from oversight.analysis.outcomes import (
    ALL_SELECTED,
    CATEGORY_LABELS,
    OVERDUE_AFTER_DAYS,
    OutcomesData,
)
from oversight.analysis.overdue_now import OverdueNow
from oversight.constants import LONG_OVERDUE_DAYS, MIN_BASE
from oversight.exports import csv_bytes, neutralise_formulas

SPLIT_LABELS = {
    "none": "Nothing: all investigations selected",
    "force": "Receiving force",
    "category": "Report category",
}
NOT_REACHED = "not reached yet"
NO_CASES = "– (no cases)"
Tile = tuple[str, str, str]  # label, value shown, help


def percent(value) -> str:
    """A share as shown: one decimal place, "–" where there is none."""
    return "–" if pd.isna(value) else f"{value:.1%}"


def days(value, cases: int | None = None) -> str:
    """Days as shown: whole days, "not reached yet" where a curve never fell that far, and the
    caution over fewer than MIN_BASE cases where cases is given."""
    shown = whole_days(value)
    if shown is None:
        return NOT_REACHED
    warning = "" if cases is None else caution(cases)
    return f"{shown} ({warning})" if warning else shown


def cohort_tiles(data: OutcomesData) -> list[Tile]:
    """The headline tiles of the cohort: investigations, open cases, pending referrals and
    false allegations of the period's reports, so far."""
    false_allegations = int(data.false_allegations["numerator"])
    return [
        ("Investigations", f"{data.investigations:,}",
         "Referrals of these reports that the receiving force decided to investigate."),
        ("Open cases", f"{data.open_cases:,}",
         "Investigations with no outcome that ends the case yet: no misconduct-proceedings "
         "outcome, no 'no case to answer', no 'false allegation'."),
        ("Open over 365 days", f"{data.open_over_365:,}",
         "Open cases whose report was received more than 365 days before the as-at date."),
        ("Awaiting a force decision", f"{data.pending:,}",
         "Referrals of these reports that the receiving force has not yet assessed (still "
         "pending). Overdue now, lower down, counts every referral awaiting, whatever the "
         "period."),
        (f"Of those, over {OVERDUE_AFTER_DAYS} days", f"{data.overdue:,}",
         f"Pending referrals made more than {OVERDUE_AFTER_DAYS} days before the as-at date."),
        ("False allegations found", f"{false_allegations:,}",
         "Investigations that found the report knowingly false or malicious."),
    ]  # fmt: skip


def decided_csv(data: DecidedData) -> bytes:
    """The event view beside the cohort as CSV, written only when the download is clicked."""
    return csv_bytes(
        data.measures[["measure", "decided", "median_days", "p90_days", "cohort"]].rename(
            columns={"decided": "decided_in_period", "cohort": "of_reports_received_so_far"}
        )
    )


@dataclass(frozen=True)
class ConversionView:
    """The conversion rates as drawn (rows with a rate only), their numbers, the chart's note
    and the table for people."""

    drawn: pd.DataFrame  # label, rate_percent, low_percent, high_percent, numerator, denominator
    numbers: pd.DataFrame
    note: str
    table: pd.DataFrame


def conversion_view(conversions: pd.DataFrame) -> ConversionView:
    """The conversions (outcomes.OutcomesData.conversions) for the chart and the table. Built
    from plain columns: on frames this small, pandas' per-call overhead is a rerun's cost."""
    labels, notes = conversions["label"].tolist(), conversions["rate_note"].tolist()
    shown = {
        "rate_percent": conversions["rate"].to_numpy() * 100,
        "low_percent": conversions["rate_low"].to_numpy() * 100,
        "high_percent": conversions["rate_high"].to_numpy() * 100,
    }
    with_rate = np.array([note == "" for note in notes])
    drawn = pd.DataFrame(
        {
            "label": [label for label, drawn in zip(labels, with_rate, strict=True) if drawn],
            **{column: values[with_rate] for column, values in shown.items()},
            "numerator": conversions["numerator"].to_numpy()[with_rate],
            "denominator": conversions["denominator"].to_numpy()[with_rate],
        }
    )
    numbers = pd.DataFrame({
        "stage": labels, "definition": conversions["definition"],
        "moved_on": conversions["numerator"], "out_of": conversions["denominator"],
        **shown, "why_no_rate": notes,
    })  # fmt: skip
    note = (
        "Whiskers are 95% Wilson score intervals: the range the underlying rate is likely in, "
        "given the number of cases."
        + "".join(
            f" {label}: – ({why}), so not drawn."
            for label, why in zip(labels, notes, strict=True) if why
        )
    )  # fmt: skip
    lows, highs = conversions["rate_low"].tolist(), conversions["rate_high"].tolist()
    table = pd.DataFrame(
        {
            "Stage": labels,
            "Moved on": conversions["numerator"],
            "Out of": conversions["denominator"],
            "Rate": [
                percent(rate) if why == "" else f"– ({why})"
                for rate, why in zip(conversions["rate"].tolist(), notes, strict=True)
            ],
            "95% interval": [
                "" if why else f"{low:.1%} to {high:.1%}"
                for low, high, why in zip(lows, highs, notes, strict=True)
            ],
            "What it measures": conversions["meaning"],
        }
    )
    return ConversionView(drawn, numbers, note, table)


def outcome_mix_chart(data: OutcomesData) -> tuple[pd.DataFrame, dict[str, str]]:
    """The outcome mix with a label per group ("Open (still open)") and each label's colour."""
    mix = data.outcome_mix
    groups = mix["outcome_group"].tolist()
    labels = [
        group.capitalize() + (" (still open)" if still_open else "")
        for group, still_open in zip(groups, mix["still_open"].tolist(), strict=True)
    ]
    colours = {
        label: charts.OUTCOME_GROUP_COLOURS[group]
        for label, group in zip(labels, groups, strict=True)
    }
    return mix.assign(label=labels), colours


def curve_title(split: str) -> str:
    """The title of the days-to-outcome chart."""
    title = "Share of investigations still open, by days since the report"
    return title if split == "none" else f"{title}, by {SPLIT_LABELS[split].lower()}"


def curve_colours(split: str) -> dict[str, str] | None:
    """The curves' colours: the categories' own where split by category."""
    if split != "category":
        return None
    return {CATEGORY_LABELS[c]: colour for c, colour in charts.CATEGORY_COLOURS.items()}


def curve_reading(summary: pd.DataFrame, as_at: str) -> str:
    """The Kaplan-Meier curve of all investigations selected, in a sentence."""
    overall = summary.iloc[summary["group"].tolist().index(ALL_SELECTED)]
    cases = int(overall["investigations"])
    median, p90 = overall["median_days"], overall["p90_days"]
    if pd.isna(median):
        reading = "Fewer than half of the investigations have ended so far"
    else:
        reading = f"Half of the investigations had ended by day **{days(median)}** after the report"
        reading += (
            f", and nine in ten by day **{days(p90)}**"
            if pd.notna(p90)
            else ", but fewer than nine in ten have ended so far"
        )
    warning = caution(cases)
    return (
        f"{reading} (Kaplan–Meier estimate over all {cases:,} investigations; the "
        f"{int(overall['still_open']):,} still open count as waiting up to {as_at})."
        + (f" These days are {warning}." if warning else "")
    )


def curve_note(data: OutcomesData) -> str:
    """The caption under the days-to-outcome chart."""
    note = (
        "Kaplan–Meier estimate: cases still open count up to the as-at date and then drop out "
        "(censored), so the curve does not understate the wait as a median of closed cases "
        "would. Diamonds mark the median (half still open) and the 90th percentile (one in ten "
        "still open); a curve that has not fallen that far has no mark."
    )
    return (
        note
        if data.split == "none"
        else f"The dashed black line is all investigations selected. {note}"
    )


def curve_numbers(curves: pd.DataFrame) -> pd.DataFrame:
    """The curves' numbers (group, day, at_risk, events, censored, survival and its interval)
    with plain column names."""
    return curves.rename(columns={
        "at_risk": "open_at_start_of_day", "events": "ended", "survival": "share_still_open",
    })  # fmt: skip


def curve_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per curve: investigations, still open, median and 90th percentile days to outcome
    (with the caution over fewer than MIN_BASE investigations)."""
    cases = summary["investigations"].tolist()
    return pd.DataFrame(
        {
            "Curve": summary["group"],
            "Investigations": summary["investigations"],
            "Still open": summary["still_open"],
            "Median days to outcome": [
                days(value, n)
                for value, n in zip(summary["median_days"].tolist(), cases, strict=True)
            ],
            "90th percentile (days)": [
                days(value, n) for value, n in zip(summary["p90_days"].tolist(), cases, strict=True)
            ],
        }
    )


def timeliness_table(timeliness: pd.DataFrame) -> pd.DataFrame:
    """The timeliness table for people: each time's median and 90th percentile in whole days,
    with the caution over fewer than MIN_BASE cases, the cases measured and of what. What each
    counts is said under the table (timeliness_definitions), where no column can cut it off."""
    cases = [int(n) for n in timeliness["cases"]]

    def shown(column: str) -> list[str]:
        values = timeliness[column].tolist()
        return [days(v, n) if n else NO_CASES for v, n in zip(values, cases, strict=True)]

    return pd.DataFrame(
        {
            "Measure": timeliness["label"],
            "Median (days)": shown("median_days"),
            "90th percentile (days)": shown("p90_days"),
            "Cases measured": cases,
            "Of": timeliness["unit"],
        }
    )


def timeliness_definitions(timeliness: pd.DataFrame) -> str:
    """What each time counts, as a list (markdown)."""
    return "\n".join(
        f"- **{label}**: {meaning}."
        for label, meaning in zip(timeliness["label"], timeliness["meaning"], strict=True)
    )


def timeliness_csv(timeliness: pd.DataFrame) -> bytes:
    """The published timeliness table as CSV, written only when the download is clicked."""
    return csv_bytes(timeliness[["measure", "cases", "median_days", "p90_days"]])


def open_ages(data: OutcomesData) -> tuple[pd.DataFrame, dict[str, str]]:
    """Open cases by age band (age_band, min_days, max_days, cases, share), and each band's
    colour (the oldest stands out)."""
    ages = data.open_by_age.assign(share=lambda f: f["cases"] / f["cases"].sum())
    colours = {band: charts.OUTCOME_GROUP_COLOURS["open"] for band in ages["age_band"]}
    return ages, colours | {"over 365 days": charts.OKABE_ITO["vermillion"]}


def long_open_table(long_open: pd.DataFrame) -> pd.DataFrame:
    """Cases open more than 365 days by receiving force, for people (no case identified)."""
    return long_open.rename(columns={
        "force_name": "Receiving force", "cases": "Open more than 365 days",
        "over_730_days": "Of which more than 2 years", "median_age_days": "Median age (days)",
        "oldest_age_days": "Oldest (days)",
    }).drop(columns="force_code")  # fmt: skip


OVERDUE_STATUS = f"Overdue (over {OVERDUE_AFTER_DAYS} days)"
WITHIN_STATUS = f"Within {OVERDUE_AFTER_DAYS} days"
PENDING_COLOURS = {
    OVERDUE_STATUS: charts.OKABE_ITO["vermillion"],
    WITHIN_STATUS: charts.OKABE_ITO["sky_blue"],
}


def pending_by_status(pending: pd.DataFrame) -> pd.DataFrame:
    """One row per receiving force and status: every force's overdue referrals, then those
    within 28 days (force_name, status, referrals); forces by their short names, as every chart
    names them."""
    forces = pending["short_name"].tolist()
    return pd.DataFrame({
        "force_name": forces * 2,
        "status": [OVERDUE_STATUS] * len(forces) + [WITHIN_STATUS] * len(forces),
        "referrals": pending["overdue"].tolist() + pending["within_28_days"].tolist(),
    })  # fmt: skip


def overdue_now_tiles(now: OverdueNow) -> list[Tile]:
    """The tiles of Overdue now: awaiting a decision, and of those overdue and long overdue."""
    return [
        ("Awaiting a decision now", f"{now.awaiting:,}",
         "Referrals the receiving force has not yet assessed (still pending), as at the as-at "
         "date, whatever the period."),
        (f"Waiting over {OVERDUE_AFTER_DAYS} days now", f"{now.overdue:,}",
         f"Of those, referrals made more than {OVERDUE_AFTER_DAYS} days before the as-at date "
         "(overdue)."),
        (f"Waiting over {LONG_OVERDUE_DAYS} days now", f"{now.long_overdue:,}",
         f"Of those, referrals made more than {LONG_OVERDUE_DAYS} days (twice "
         f"{OVERDUE_AFTER_DAYS}) before the as-at date."),
    ]  # fmt: skip


def overdue_now_tables(now: OverdueNow) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Overdue now's tables for people: referrals awaiting by days waiting, by receiving force,
    and the list of those waiting over 28 days (no personal data)."""
    by_band = pd.DataFrame({
        "Days waiting": now.by_band["age_band"],
        "Referrals awaiting": now.by_band["referrals"],
        "Share": list(map(percent, now.by_band["share"].tolist())),
    })  # fmt: skip
    by_force = pd.DataFrame({
        "Receiving force": now.by_force["force_name"],
        "Awaiting": now.by_force["awaiting"],
        f"Over {OVERDUE_AFTER_DAYS} days": now.by_force["overdue"],
        f"Over {LONG_OVERDUE_DAYS} days": now.by_force["long_overdue"],
    })  # fmt: skip
    listed = neutralise_formulas(now.overdue_list).rename(columns={
        "referral_id": "Referral", "force": "Receiving force", "categories": "Report categories",
        "days_waiting": "Days waiting", "age_band": "Age band",
    })  # fmt: skip
    return by_band, by_force, listed


def false_allegation_sentence(data: OutcomesData) -> str:
    """The false allegations found, and their rate over investigations with a finding."""
    row = data.false_allegations
    count, out_of = int(row["numerator"]), int(row["denominator"])
    found = f"**{count:,}** investigations found the report knowingly false or malicious"
    if row["rate_note"]:
        return f"{found}. Rate: – ({row['rate_note']}: no investigation has reached a finding yet)."
    return (
        f"{found}: **{row['rate']:.1%}** of the {out_of:,} investigations with a finding so far "
        f"(95% interval {row['rate_low']:.1%} to {row['rate_high']:.1%})."
    )


def how_counted(as_at: str) -> str:
    """The definitions behind the page (docs/metrics.md), as markdown."""
    return f"""
From the project's definitions (docs/metrics.md):

- **Cohort view.** Referrals and outcomes are counted against the period of the report they
  came from, so these are conversions *so far, as at {as_at}*. A referral and its outcomes
  count for the receiving force.
- **Outcomes decided in the period** (the event view): the outcomes whose `decided_at` falls in
  the period, whenever the report came in. A referral counts once in each outcome, in the
  period of its first outcome of that kind; dismissals, would have been dismissed, cases to
  answer and false allegations count on investigations, barring and charges on any referral.
  The force is the receiving force; the channel, category and role are the report's. Days from
  the report: whole days from the report's `received_at` to that first outcome's `decided_at`,
  as the median and 90th percentile.
- **Dissemination rate**: disseminated reports (reports with at least one referral) / reports.
- **Investigation rate**: investigations / (referrals − transferred).
- **Case-to-answer rate**: case to answer (an outcome `case_to_answer_misconduct` or
  `case_to_answer_gross_misconduct`) / investigations with a finding.
- **False-allegation rate**: false allegations found (an outcome `false_allegation`) /
  investigations with a finding.
- **Dismissal rate**: dismissals (an outcome `dismissed`) / investigations.
- Each rate has a **95% Wilson score interval**. A rate whose denominator is 0 is shown as
  "–" with the reason, never as 0.
- **Open cases**: investigations with no outcome that ends the case yet: no
  misconduct-proceedings outcome, no `no_case_to_answer`, no `false_allegation` (criminal
  outcomes do not end the misconduct case). A case to answer awaiting its proceedings is open.
- **Days to dissemination**: per referral, `referred_at` − the report's `received_at`.
  **Days to finding**: per referral with an investigation finding, the first finding's
  `decided_at` − `referred_at`. **Days to outcome**: per investigation, from the report's
  `received_at` to the first outcome that ends the case. **Days to dismissal**: per
  dismissal, from the report's `received_at` to the first `dismissed` outcome. All in whole
  days between calendar dates.
- Times are shown as the median and 90th percentile (linear interpolation between closest
  ranks), rounded to whole days. Over fewer than {MIN_BASE} cases they are shown with a
  caution ("based on 3 cases: read with care"). Days to outcome is a **Kaplan–Meier**
  estimate over all investigations, open ones censored at the as-at date: its median is the
  first day on which the estimated share still open falls to 0.5 or below (90th percentile:
  0.1 or below). A median of closed cases alone understates the wait and is never shown.
- **Cases open for more than 365 days** are counted and listed by force, with ages only.
- **Awaiting force decision**: referrals of the period's reports still `pending`; those
  pending more than {OVERDUE_AFTER_DAYS} days after `referred_at` (as at the as-at date) are
  overdue.
- **Overdue now**: every referral still `pending` as at the as-at date, whatever the period
  (the force, region, channel and category filters apply), by days waiting since
  `referred_at`: up to {OVERDUE_AFTER_DAYS} days, {OVERDUE_AFTER_DAYS + 1}–{LONG_OVERDUE_DAYS}
  days, over {LONG_OVERDUE_DAYS} days. Its list holds no personal data.
- **Outcome mix**: each investigation counts once, under its furthest outcome: dismissed or
  would have been; false allegation; no case to answer; case to answer ended without
  dismissal; and, while open, case to answer awaiting proceedings, or open with no finding.
- **Categories**: a report can carry several categories; split by category, an investigation
  counts under each category its report carries.
"""
