"""Outcomes and timeliness: conversion at each stage, the outcome mix of investigations, days to
outcome (Kaplan-Meier), timeliness, the age of open cases, referrals awaiting a decision, and
those overdue now (whatever the period)."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from oversight import charts
from oversight.activity import recorded
from oversight.analysis.outcomes import (
    ALL_SELECTED,
    CATEGORY_LABELS,
    MAX_FORCE_CURVES,
    OVERDUE_AFTER_DAYS,
    SPLITS,
    outcomes_data,
)
from oversight.analysis.overdue_now import describe as describe_overdue_now
from oversight.analysis.overdue_now import overdue_now
from oversight.constants import LONG_OVERDUE_DAYS
from oversight.dashboard import nothing_to_show, page_setup, query, show_chart
from oversight.exports import csv_bytes, neutralise_formulas

SPLIT_LABELS = {
    "none": "Nothing: all investigations selected",
    "force": "Receiving force",
    "category": "Report category",
}

status, filters = page_setup()
as_at = f"{status.as_at_date:%d %b %Y}"

st.title("Outcomes and timeliness")
selection = filters.describe()
selection = selection[:1].upper() + selection[1:]
st.caption(
    f"{selection}. What has happened to these reports so far, as at "
    f"{as_at}: referrals and outcomes count against the period the report was received in, and "
    "later outcomes can still change these figures."
)


def show_overdue_now() -> None:
    """Every referral awaiting the receiving force's decision at the as-at date, whatever the
    period: headline counts, by age band and force, and the list of those waiting over 28 days."""
    st.header("Overdue now")
    now = overdue_now(query, filters, status.as_at_date)
    st.caption(
        f"Whatever the period chosen: every referral awaiting the receiving force's decision as "
        f"at {as_at}, whenever its report was received. The period filter does not apply here; "
        "the force, region, channel and category filters do. Days waiting: whole days since the "
        "referral was made."
    )
    tiles = [
        ("Awaiting a decision now", now.awaiting,
         "Referrals the receiving force has not yet assessed (still pending), as at the as-at "
         "date, whatever the period."),
        (f"Waiting over {OVERDUE_AFTER_DAYS} days now", now.overdue,
         f"Of those, referrals made more than {OVERDUE_AFTER_DAYS} days before the as-at date "
         "(overdue)."),
        (f"Waiting over {LONG_OVERDUE_DAYS} days now", now.long_overdue,
         f"Of those, referrals made more than {LONG_OVERDUE_DAYS} days (twice "
         f"{OVERDUE_AFTER_DAYS}) before the as-at date."),
    ]  # fmt: skip
    for column, (label, value, help_text) in zip(st.columns(3), tiles, strict=True):
        column.metric(label, f"{value:,}", help=help_text)
    if now.awaiting == 0:
        st.info(f"No referrals are awaiting a force decision as at {as_at}.")
        return
    bands, forces = st.columns(2)
    bands.dataframe(
        pd.DataFrame({
            "Days waiting": now.by_band["age_band"],
            "Referrals awaiting": now.by_band["referrals"],
            "Share": list(map(percent, now.by_band["share"].tolist())),
        }),
        hide_index=True, width="stretch", key="overdue_now_by_band",
    )  # fmt: skip
    forces.dataframe(
        pd.DataFrame({
            "Receiving force": now.by_force["force_name"],
            "Awaiting": now.by_force["awaiting"],
            f"Over {OVERDUE_AFTER_DAYS} days": now.by_force["overdue"],
            f"Over {LONG_OVERDUE_DAYS} days": now.by_force["long_overdue"],
        }),
        hide_index=True, width="stretch", key="overdue_now_by_force",
    )  # fmt: skip
    with st.expander(f"Referrals waiting over {OVERDUE_AFTER_DAYS} days ({now.overdue:,})"):
        if now.overdue_list.empty:
            st.markdown(f"No referral has waited more than {OVERDUE_AFTER_DAYS} days.")
            return
        st.dataframe(
            neutralise_formulas(now.overdue_list).rename(columns={
                "referral_id": "Referral", "force": "Receiving force",
                "categories": "Report categories", "days_waiting": "Days waiting",
                "age_band": "Age band",
            }),
            hide_index=True, width="stretch", key="overdue_now_list",
        )  # fmt: skip
        st.caption(
            "Longest waiting first. No personal data: the referral id, the receiving force, the "
            "report's categories (a report can carry several) and how long it has waited."
        )
        st.download_button(
            "Download the overdue list (CSV)",
            data=recorded(
                "overdue_now.csv",
                partial(csv_bytes, now.overdue_list),
                filters=describe_overdue_now(filters, status.as_at_date),
            ),
            file_name=f"overdue_now_{status.as_at_date}.csv",
            mime="text/csv",
            key="download_overdue_now",
            # no rerun on a download: a rerun can clear the file before the browser fetches it
            on_click="ignore",
        )


def percent(value) -> str:
    return "–" if pd.isna(value) else f"{value:.1%}"


# The split is chosen beside the curve, lower down; its value from the last interaction is read
# here because the one data call below needs it.
split = st.session_state.get("outcomes_split", "none")
split = split if split in SPLITS else "none"
data = outcomes_data(query, filters, status.as_at_date, split)
if data.reports == 0:
    nothing_to_show()
    show_overdue_now()  # whatever the period, so shown for an empty one too
    st.stop()


def timeliness_csv(timeliness: pd.DataFrame) -> bytes:
    """The published timeliness table as CSV, written only when the download is clicked."""
    return csv_bytes(timeliness[["measure", "cases", "median_days", "p90_days"]])


def days(value) -> str:
    """Days as shown: whole days plainly, an interpolated quantile to one decimal."""
    if value is None or pd.isna(value):
        return "not reached yet"
    return f"{value:,.1f}".removesuffix(".0")


false_allegation = data.false_allegations
tiles = [
    ("Investigations", f"{data.investigations:,}",
     "Referrals of these reports that the receiving force decided to investigate."),
    ("Open cases", f"{data.open_cases:,}",
     "Investigations with no outcome that ends the case yet: no misconduct-proceedings "
     "outcome, no 'no case to answer', no 'false allegation'."),
    ("Open over 365 days", f"{data.open_over_365:,}",
     "Open cases whose report was received more than 365 days before the as-at date."),
    ("Awaiting a force decision", f"{data.pending:,}",
     "Referrals of these reports that the receiving force has not yet assessed (still "
     "pending). Overdue now, lower down, counts every referral awaiting, whatever the period."),
    (f"Of those, over {OVERDUE_AFTER_DAYS} days", f"{data.overdue:,}",
     f"Pending referrals made more than {OVERDUE_AFTER_DAYS} days before the as-at date."),
    ("False allegations found", f"{int(false_allegation['numerator']):,}",
     "Investigations that found the report knowingly false or malicious."),
]  # fmt: skip
for row in (tiles[:3], tiles[3:]):
    for column, (label, value, help_text) in zip(st.columns(len(row)), row, strict=True):
        column.metric(label, value, help=help_text)

st.header(f"Conversion at each stage, so far, as at {as_at}")
conversions = data.conversions
# The frames below are built once from plain columns: on frames this small, pandas' per-call
# overhead (assign, filter, select, rename) is what a rerun spends its time on.
stage_labels, rate_notes = conversions["label"].tolist(), conversions["rate_note"].tolist()
shown_rates = {
    "rate_percent": conversions["rate"].to_numpy() * 100,
    "low_percent": conversions["rate_low"].to_numpy() * 100,
    "high_percent": conversions["rate_high"].to_numpy() * 100,
}
with_rate = np.array([note == "" for note in rate_notes])
if not with_rate.any():
    st.info("None of these rates can be worked out: there are no cases to divide by.")
else:
    drawn_rates = pd.DataFrame(
        {
            "label": [label for label, drawn in zip(stage_labels, with_rate, strict=True) if drawn],
            **{column: values[with_rate] for column, values in shown_rates.items()},
            "numerator": conversions["numerator"].to_numpy()[with_rate],
            "denominator": conversions["denominator"].to_numpy()[with_rate],
        }
    )
    rates_figure = charts.interval_dots(
        drawn_rates, "label", "rate_percent", "low_percent", "high_percent",
        f"Share moving on at each stage, so far as at {as_at}, with 95% intervals",
        "Rate (%)", "Stage",
        hover={"numerator": "Moved on", "denominator": "Out of"}, x_range=(0, 100),
    )  # fmt: skip
    show_chart(
        rates_figure,
        pd.DataFrame({
            "stage": stage_labels, "definition": conversions["definition"],
            "moved_on": conversions["numerator"], "out_of": conversions["denominator"],
            **shown_rates, "why_no_rate": rate_notes,
        }),
        "conversions_by_stage", filters, status,
        "Whiskers are 95% Wilson score intervals: the range the underlying rate is likely in, "
        "given the number of cases."
        + "".join(
            f" {label}: – ({note}), so not drawn."
            for label, note in zip(stage_labels, rate_notes, strict=True) if note
        ),
    )  # fmt: skip
st.dataframe(
    pd.DataFrame(
        {
            "Stage": stage_labels,
            "Moved on": conversions["numerator"],
            "Out of": conversions["denominator"],
            "Rate": [
                percent(rate) if note == "" else f"– ({note})"
                for rate, note in zip(conversions["rate"].tolist(), rate_notes, strict=True)
            ],
            "95% interval": [
                "" if note else f"{low:.1%} to {high:.1%}"
                for low, high, note in zip(
                    conversions["rate_low"].tolist(), conversions["rate_high"].tolist(),
                    rate_notes, strict=True,
                )
            ],
            "What it measures": conversions["meaning"],
        }
    ),
    hide_index=True,
    width="stretch",
    key="conversion_table",
)  # fmt: skip

st.header("What has happened to investigations so far")
if data.investigations == 0:
    nothing_to_show("investigations")
else:
    mix = data.outcome_mix
    outcome_groups = mix["outcome_group"].tolist()
    mix_labels = [
        group.capitalize() + (" (still open)" if still_open else "")
        for group, still_open in zip(outcome_groups, mix["still_open"].tolist(), strict=True)
    ]
    show_chart(
        charts.labelled_bars(
            mix.assign(label=mix_labels), "label", "cases",
            f"Outcome of {data.investigations:,} investigation"
            f"{'s' if data.investigations != 1 else ''}, so far "
            f"as at {as_at}", "Investigations", "Furthest outcome",
            colours={
                label: charts.OUTCOME_GROUP_COLOURS[group]
                for label, group in zip(mix_labels, outcome_groups, strict=True)
            },
            share="share",
        ),
        mix,  # outcome_mix holds outcome_group, still_open, cases and share
        "outcome_mix_by_group", filters, status,
        f"Each investigation counts once, under its furthest outcome. The two open groups add "
        f"up to the {data.open_cases:,} open cases. Dismissed or would have been: dismissed, "
        "or would have been had they not left the service.",
    )  # fmt: skip

st.header("How long until a case ends")
st.selectbox(
    "Split the curve by",
    list(SPLIT_LABELS),
    format_func=SPLIT_LABELS.get,
    key="outcomes_split",
    help=f"Receiving force: the forces chosen in the sidebar, or the {MAX_FORCE_CURVES} with the "
    "most investigations. Report category: a case counts under each category its report "
    "carries.",
)
if data.investigations == 0:
    nothing_to_show("investigations")
else:
    summary = data.curve_summary
    title = "Share of investigations still open, by days since the report"
    if data.split != "none":
        title += f", by {SPLIT_LABELS[data.split].lower()}"
    colours = None
    if data.split == "category":
        colours = {CATEGORY_LABELS[c]: colour for c, colour in charts.CATEGORY_COLOURS.items()}
    overall = summary.iloc[summary["group"].tolist().index(ALL_SELECTED)]
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
    st.markdown(
        f"{reading} (Kaplan–Meier estimate over all "
        f"{int(overall['investigations']):,} investigations; the "
        f"{int(overall['still_open']):,} still open count as waiting up to {as_at})."
    )
    note = (
        "Kaplan–Meier estimate: cases still open count up to the as-at date and then drop out "
        "(censored), so the curve does not understate the wait as a median of closed cases "
        "would. Diamonds mark the median (half still open) and the 90th percentile (one in ten "
        "still open); a curve that has not fallen that far has no mark."
    )
    if data.split != "none":
        st.caption(data.split_note)
        note = f"The dashed black line is all investigations selected. {note}"
    # curves holds group, day, at_risk, events, censored, survival, survival_low, survival_high
    curve_numbers = data.curves.rename(columns={
        "at_risk": "open_at_start_of_day", "events": "ended", "survival": "share_still_open",
    })  # fmt: skip
    show_chart(
        charts.survival_steps(
            data.curves, summary, title, "Days since the report", "Share still open",
            colours=colours, reference=ALL_SELECTED if data.split != "none" else None,
        ),
        curve_numbers, f"days_to_outcome_by_{data.split}", filters, status, note,
    )  # fmt: skip
    st.dataframe(
        pd.DataFrame(
            {
                "Curve": summary["group"],
                "Investigations": summary["investigations"],
                "Still open": summary["still_open"],
                "Median days to outcome": list(map(days, summary["median_days"].tolist())),
                "90th percentile (days)": list(map(days, summary["p90_days"].tolist())),
            }
        ),
        hide_index=True,
        width="stretch",
        key="curve_summary",
    )

st.header("Timeliness")
timeliness = data.timeliness
timed_cases = timeliness["cases"].tolist()
st.dataframe(
    pd.DataFrame(
        {
            "Measure": timeliness["label"],
            "Median (days)": [
                days(value) if cases else "– (no cases)"
                for value, cases in zip(
                    timeliness["median_days"].tolist(), timed_cases, strict=True
                )
            ],
            "90th percentile (days)": [
                days(value) if cases else "– (no cases)"
                for value, cases in zip(timeliness["p90_days"].tolist(), timed_cases, strict=True)
            ],
            "Cases measured": timeliness["cases"],
            "Of": timeliness["unit"],
            "Counted": timeliness["meaning"],
        }
    ),
    hide_index=True,
    width="stretch",
    key="timeliness_table",
)
st.caption(
    "Whole days between calendar dates. Medians and 90th percentiles interpolate linearly "
    "between the closest ranks; days to outcome is the Kaplan–Meier estimate above, never the "
    "median of closed cases alone. 'Not reached yet': fewer than half (or nine in ten) of the "
    f"cases have ended so far. {selection}. Data as at {as_at}."
)
st.download_button(
    "Download the timeliness table (CSV)",
    data=recorded(
        "timeliness.csv", partial(timeliness_csv, timeliness), filters=filters.describe()
    ),
    file_name=f"timeliness_{filters.first_date}_{filters.last_date}.csv",
    mime="text/csv",
    key="download_timeliness",
    # no rerun on a download: a rerun can clear the file before the browser fetches it
    on_click="ignore",
)

st.header("How long open cases have been open")
if data.open_cases == 0:
    st.info(f"No investigations of these reports are open as at {as_at}.")
else:
    # open_by_age holds age_band, min_days, max_days and cases; share is added last
    ages = data.open_by_age.assign(share=lambda f: f["cases"] / f["cases"].sum())
    show_chart(
        charts.labelled_bars(
            ages, "age_band", "cases", f"Open cases by days since the report, as at {as_at}",
            "Open cases", "Days since the report",
            colours={band: charts.OUTCOME_GROUP_COLOURS["open"] for band in ages["age_band"]}
            | {"over 365 days": charts.OKABE_ITO["vermillion"]},
            share="share",
        ),
        ages,
        "open_cases_by_age", filters, status,
    )  # fmt: skip
    long_open = data.long_open_by_force
    if long_open.empty:
        st.markdown("No case has been open for more than 365 days.")
    else:
        st.markdown(
            f"**{data.open_over_365:,} cases open for more than 365 days**, listed by receiving "
            "force, with their ages in days since the report (no case is identified):"
        )
        st.dataframe(
            long_open.rename(columns={
                "force_name": "Receiving force", "cases": "Open more than 365 days",
                "over_730_days": "Of which more than 2 years",
                "median_age_days": "Median age (days)", "oldest_age_days": "Oldest (days)",
            }).drop(columns="force_code"),
            hide_index=True, width="stretch", key="long_open_table",
        )  # fmt: skip
        st.download_button(
            "Download this list (CSV)",
            data=recorded(
                "long_open_cases_by_force.csv",
                partial(csv_bytes, long_open),
                filters=filters.describe(),
            ),
            file_name=f"long_open_cases_by_force_{filters.first_date}_{filters.last_date}.csv",
            mime="text/csv",
            key="download_long_open_cases_by_force",
            # no rerun on a download: a rerun can clear the file before the browser fetches it
            on_click="ignore",
        )

st.header("Referrals awaiting a force decision")
pending = data.pending_by_force
if pending.empty:
    st.info(f"No referrals of these reports are awaiting a force decision as at {as_at}.")
else:
    st.markdown(
        f"**{data.pending:,}** referrals of these reports are awaiting the receiving force's "
        "decision; "
        f"**{data.overdue:,}** of them were made more than {OVERDUE_AFTER_DAYS} days before "
        f"{as_at} and are overdue."
    )
    # one row per force and status: every force's overdue referrals, then those within 28 days
    # (forces by their short names, as every chart names them)
    pending_forces = pending["short_name"].tolist()
    long_pending = pd.DataFrame({
        "force_name": pending_forces * 2,
        "status": [f"Overdue (over {OVERDUE_AFTER_DAYS} days)"] * len(pending_forces)
        + [f"Within {OVERDUE_AFTER_DAYS} days"] * len(pending_forces),
        "referrals": pending["overdue"].tolist() + pending["within_28_days"].tolist(),
    })  # fmt: skip
    show_chart(
        charts.bars(
            long_pending, "force_name", "referrals",
            f"Referrals awaiting a force decision, by receiving force, as at {as_at}",
            "Receiving force", "Referrals awaiting a decision", colour="status",
            colours={
                f"Overdue (over {OVERDUE_AFTER_DAYS} days)": charts.OKABE_ITO["vermillion"],
                f"Within {OVERDUE_AFTER_DAYS} days": charts.OKABE_ITO["sky_blue"],
            },
            horizontal=True,
        ),
        # pending_by_force holds force_code, force_name, short_name, pending, overdue,
        # within_28_days and oldest_days: all of it is the chart's numbers
        pending,
        "pending_referrals_by_force", filters, status,
        "The referrals of the reports received in the period (its cohort), as every figure "
        "above; Overdue now, below, counts every referral awaiting a decision, whatever the "
        "period. Forces with the most overdue referrals first. Oldest: days since the "
        "oldest pending referral was made.",
    )  # fmt: skip

show_overdue_now()

st.header("False allegations found")
fa_count, fa_out_of = int(false_allegation["numerator"]), int(false_allegation["denominator"])
if false_allegation["rate_note"]:
    st.markdown(
        f"**{fa_count:,}** investigations found the report knowingly false or malicious. "
        f"Rate: – ({false_allegation['rate_note']}: no investigation has reached a finding yet)."
    )
else:
    st.markdown(
        f"**{fa_count:,}** investigations found the report knowingly false or malicious: "
        f"**{false_allegation['rate']:.1%}** of the {fa_out_of:,} investigations with a finding "
        f"so far (95% interval {false_allegation['rate_low']:.1%} to "
        f"{false_allegation['rate_high']:.1%})."
    )

with st.expander("How this is counted"):
    st.markdown(
        f"""
From the project's definitions (docs/metrics.md):

- **Cohort view.** Referrals and outcomes are counted against the period of the report they
  came from, so these are conversions *so far, as at {as_at}*. A referral and its outcomes
  count for the receiving force.
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
  ranks). Days to outcome is a **Kaplan–Meier** estimate over all investigations, open ones
  censored at the as-at date: its median is the first day on which the estimated share still
  open falls to 0.5 or below (90th percentile: 0.1 or below). A median of closed cases alone
  understates the wait and is never shown.
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
    )
