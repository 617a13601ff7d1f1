"""Fairness: who is reported, by subject sex or ethnicity, and where differences enter."""

import pandas as pd
import streamlit as st

from oversight import charts
from oversight.analysis.fairness import CHARACTERISTICS, MIN_ENTERING, fairness_data
from oversight.dashboard import (
    current_filters,
    nothing_to_show,
    query,
    show_chart,
    stored_data_status,
)

status = stored_data_status()
filters = current_filters()

st.title("Fairness")
choice = st.radio(
    "Compare subjects by",
    list(CHARACTERISTICS),
    format_func=lambda key: CHARACTERISTICS[key].label,
    horizontal=True,
    key="fairness_characteristic",
)
data = fairness_data(query, filters, status.as_at_date, choice)
chosen = data.characteristic
as_at = f"{status.as_at_date:%d %b %Y}"
st.caption(
    f"{filters.describe().capitalize()}. Referrals and outcomes of those reports so far, as at "
    f"{as_at}. Internal view: exact numbers, however small, are shown; not for publication."
)
if data.total_reports == 0:
    nothing_to_show()
    st.stop()

st.subheader("What the numbers say")
st.markdown("\n\n".join(data.reading))
caution = (
    "Read with care. A difference in rates shows where to look, not its cause: groups can "
    "differ in the kinds of reports made about them (their category, seriousness or evidence), "
    "not only in how they are treated. With several groups and steps compared, about one 95% "
    "interval in twenty can exclude 1 by chance alone."
)
if status.synthetic:
    caution += (
        " **These are synthetic demonstration data**, with a difference planted on purpose "
        "(investigations of Black and Asian subjects reach a case to answer about 1.2 times as "
        "often as those of White subjects) so that this page has something to find. They say "
        "nothing about real policing."
    )
st.info(caution, icon=":material/info:")

st.subheader(f"Relative rate at each step, against {chosen.reference_name}")
rates = data.rates
compared = rates[rates["relative_rate_note"] == ""]
ratio_numbers = rates[
    ["stage", "group", "moved_on", "entered", "rate", "rate_low", "rate_high", "relative_rate",
     "relative_rate_low", "relative_rate_high", "relative_rate_note"]
]  # fmt: skip
if compared.empty:
    st.info(
        f"No group can be compared with {chosen.reference_name} at any step in this "
        f"selection (fewer than {MIN_ENTERING} at each step, or none moved on). The table "
        "below gives the rates."
    )
else:
    show_chart(
        charts.relative_rates(
            compared, "stage", "group", "relative_rate", "relative_rate_low",
            "relative_rate_high",
            f"How often each group moved on to the next stage, relative to "
            f"{chosen.reference_name}",
            "Step", f"Relative rate (1 = same as {chosen.reference_name}, log scale)",
            f"Same rate as {chosen.reference_name}", charts.SUBJECT_GROUP_COLOURS,
        ),
        ratio_numbers,
        f"relative_rates_by_{chosen.key}",
        filters,
        status,
        f"Each point is a group's rate of moving on divided by {chosen.reference_name}'s, with "
        "its 95% interval; an interval that does not cross the dashed line marks a difference "
        f"beyond chance. Groups with fewer than {MIN_ENTERING} at a step, and subjects whose "
        f"{chosen.label.lower()} is not stated, are not drawn (see the table).",
    )  # fmt: skip


def _percent(value: float, low: float, high: float, note: str) -> str:
    return f"– ({note})" if note else f"{value:.1%} ({low:.1%} to {high:.1%})"


def _ratio(row) -> str:
    if row.relative_rate_note == "reference group":
        return "1 (reference)"
    if row.relative_rate_note:
        return "–"
    return f"{row.relative_rate:.2f}"


def _interval(row) -> str:
    if row.relative_rate_note:
        return row.relative_rate_note if row.relative_rate_note != "reference group" else ""
    return f"{row.relative_rate_low:.2f} to {row.relative_rate_high:.2f}"


st.markdown(
    f"**Rates of moving on, by step**, so far, as at {as_at}. Each group's rate, and its rate "
    f"divided by {chosen.reference_name}'s with a 95% interval; a dash gives its reason."
)
st.dataframe(
    pd.DataFrame(
        {
            "Step": rates["stage"],
            "Group": rates["group"],
            "Moved on": rates["moved_on"],
            "Of": rates["entered"],
            "Rate (95% interval)": [
                _percent(r.rate, r.rate_low, r.rate_high, r.rate_note)
                for r in rates.itertuples(index=False)
            ],
            "Relative rate": [_ratio(r) for r in rates.itertuples(index=False)],
            "95% interval, or why none": [_interval(r) for r in rates.itertuples(index=False)],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Each group's share of each stage")
shares = data.shares
show_chart(
    charts.bars(
        shares.assign(share_percent=shares["share"] * 100), "stage", "share_percent",
        f"Share of reports, investigations, cases to answer and dismissals, by "
        f"{chosen.label.lower()}",
        "Stage", "Share of the stage (%)", colour="group", colours=charts.SUBJECT_GROUP_COLOURS,
    ),
    shares[["stage", "group", "count", "total", "share", "share_note"]],
    f"stage_shares_by_{chosen.key}",
    filters,
    status,
    f"Subjects whose {chosen.label.lower()} is not stated are a group of their own here. If a "
    "group's share grows from one stage to the next, it moved on more often than the others.",
)  # fmt: skip
table = pd.DataFrame({"Group": data.counts["group"]})
for stage, part in shares.groupby("stage", sort=False):
    part = part.reset_index(drop=True)
    table[stage] = part["count"]
    table[f"{stage}, share"] = [
        f"– ({r.share_note})" if r.share_note else f"{r.share:.1%}"
        for r in part.itertuples(index=False)
    ]
st.dataframe(table, hide_index=True, width="stretch")

with st.expander("How this is counted"):
    st.markdown(
        f"""
From *docs/metrics.md*, "Who is reported, and is it fair": the subject's sex and ethnicity
(where recorded) are compared stage by stage: for each group, the share of reports, of
investigations, of cases to answer and of dismissals, and the relative rate at each stage (the
group's rate of moving to the next stage divided by the reference group's rate, with a 95%
interval). A relative rate far from 1 at one stage shows where a difference enters. Groups with
fewer than 10 at a stage show no ratio.

- **Reports**: reports received in the period about subjects of the group (a report counts
  for its subject force). **Investigations**: referrals of those reports with assessment
  `investigation` (a referral counts for the force that received it). **Cases to answer**:
  investigations with an outcome `case_to_answer_misconduct` or
  `case_to_answer_gross_misconduct`. **Dismissals**: referrals with an outcome `dismissed`.
  Each is counted so far, as at {as_at} (cohort view).
- **Shares** are of all groups together, "not stated" included as a group of its own.
- **Report → investigation**: reports about the group that at least one force (within the
  filters) is investigating, divided by reports about the group. A report passed to two forces
  that both investigate counts once, so the rate is a true proportion.
- **Investigation → case to answer**: cases to answer divided by investigations with a finding
  so far (a case to answer, no case to answer, or a false allegation), as the case-to-answer
  rate in *metrics.md*; investigations still awaiting a finding are left out.
- **Case to answer → dismissal**: cases to answer that ended in dismissal, divided by cases to
  answer.
- **Rates** have 95% Wilson score intervals. **Relative rate**: the group's rate divided by
  the reference group's, with a 95% interval on the log scale (Katz). The reference for
  {CHARACTERISTICS["ethnicity"].label.lower()} is {CHARACTERISTICS["ethnicity"].reference_reason};
  for sex it is {CHARACTERISTICS["sex"].reference_reason}.
- **No ratio ("–")** where the group or the reference group has fewer than {MIN_ENTERING} at
  the step (fewer than {MIN_ENTERING} entering it), where none of either moved on (no
  interval can be formed), and always for "not stated": an unrecorded characteristic is not a
  group whose treatment can be compared.
- These are internal views: exact small numbers are shown. Published outputs will suppress
  them (disclosure control).
"""
    )
