"""Fairness: who is reported, by subject sex or ethnicity, and where differences enter."""

from itertools import compress

import pandas as pd
import streamlit as st

from oversight import charts
from oversight.analysis.fairness import CHARACTERISTICS, MIN_ENTERING, fairness_data
from oversight.dashboard import analysed, nothing_to_show, page_setup, show_chart
from oversight.filters import people_reported
from oversight.sidebar import choose_subject_roles

status, filters = page_setup()

st.title("Fairness")
choice = st.radio(
    "Compare subjects by",
    list(CHARACTERISTICS),
    format_func=lambda key: CHARACTERISTICS[key].label,
    horizontal=True,
    key="fairness_characteristic",
)
data = analysed(fairness_data, filters, status.as_at_date, choice)
chosen = data.characteristic
as_at = f"{status.as_at_date:%d %b %Y}"
selection = filters.describe()
st.caption(
    f"{selection[0].upper()}{selection[1:]}. People reported: "
    f"{people_reported(filters.subject_roles)}. Referrals and outcomes of those reports so far, "
    f"as at {as_at}. Internal view: exact numbers, however small, are shown; not for publication."
)
if filters.subject_roles != ("officer",):
    # officers are the group whose treatment the misconduct system is about
    st.button(
        "Officers only",
        key="fairness_officers_only",
        on_click=choose_subject_roles,
        args=(("officer",),),
        help="Set the sidebar's filter “Role of the person reported” to officers.",
    )
if data.total_reports == 0:
    nothing_to_show()
    st.stop()

st.header("What the numbers say")
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
        "often as those of White subjects; nothing is planted by sex) so that this page has "
        "something to find. They say nothing about real policing."
    )
st.info(caution, icon=":material/info:")

st.header(f"Relative rate at each step, against {chosen.reference_name}")
rates = data.rates
rate_notes = rates["relative_rate_note"].tolist()
# Only the rows with a ratio, and only the columns the chart draws, built from plain lists: on
# frames this small, pandas' per-call overhead (filtering here, splitting by group in the chart)
# is the cost.
with_ratio = [not note for note in rate_notes]
compared = pd.DataFrame(
    {
        column: list(compress(rates[column].tolist(), with_ratio))
        for column in ("stage", "group", "relative_rate", "relative_rate_low", "relative_rate_high")
    }
)
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
        rates[
            ["stage", "group", "moved_on", "entered", "rate", "rate_low", "rate_high",
             "relative_rate", "relative_rate_low", "relative_rate_high", "relative_rate_note"]
        ],
        f"relative_rates_by_{chosen.key}",
        filters,
        status,
        shares=("rate", "rate_low", "rate_high"),  # shares of the group, shown as percentages
        note=f"Each point is a group's rate of moving on divided by {chosen.reference_name}'s, "
        "with its 95% interval; an interval that does not cross the dashed line marks a difference "
        f"beyond chance. Groups with fewer than {MIN_ENTERING} at a step, and subjects whose "
        f"{chosen.label.lower()} is not stated, are not drawn (see the table).",
    )  # fmt: skip


def _percent(value: float, low: float, high: float, note: str) -> str:
    return f"– ({note})" if note else f"{value:.1%} ({low:.1%} to {high:.1%})"


def _ratio(value: float, low: float, high: float, note: str) -> str:
    if note == "reference group":
        return "1 (reference group)"
    if note:
        return f"– {note}"
    return f"{value:.2f} ({low:.2f} to {high:.2f})"


def _interval_texts(text, stem: str) -> list[str]:
    """text(value, low, high, note) for each row of rates' columns stem, stem_low, stem_high and
    stem_note."""
    columns = (stem, f"{stem}_low", f"{stem}_high", f"{stem}_note")
    return list(map(text, *(rates[column].tolist() for column in columns)))


st.markdown(
    f"**Rates of moving on, by step**, so far, as at {as_at}. Each group's rate, and its rate "
    f"divided by {chosen.reference_name}'s with a 95% interval; a dash gives its reason."
)
st.dataframe(
    pd.DataFrame(
        {
            "Step": rates["stage"],
            "Group": rates["group"],
            "Entered the step": rates["entered"],
            "Moved on": rates["moved_on"],
            "Rate (95% interval)": _interval_texts(_percent, "rate"),
            "Relative rate (95% interval)": _interval_texts(_ratio, "relative_rate"),
        }
    ),
    hide_index=True,
    width="stretch",
    height=36 * (len(rates) + 1) + 3,
    column_config={
        "Step": st.column_config.TextColumn(width=200),
        "Group": st.column_config.TextColumn(width=130),
        "Entered the step": st.column_config.NumberColumn(width=105, format="localized"),
        "Moved on": st.column_config.NumberColumn(width=75, format="localized"),
        "Rate (95% interval)": st.column_config.TextColumn(width=170),
        "Relative rate (95% interval)": st.column_config.TextColumn(width="large"),
    },
)

st.header("Each group's share of each stage")
shares = data.shares
share_notes = shares["share_note"].tolist()
no_share = list(dict.fromkeys(note for note in share_notes if note))
no_share_note = (
    " No share (–) where there is nothing to share out: " + "; ".join(no_share) + "."
    if len(no_share)
    else ""
)
show_chart(
    charts.stage_shares(
        pd.DataFrame({"stage": shares["stage"], "group": shares["group"],
                      "share_percent": shares["share"] * 100}),
        "stage", "group", "share_percent",
        f"Each {chosen.label.lower()} group's share of reports, investigations, cases to answer "
        "and dismissals",
        "Share of the stage (%)", charts.SUBJECT_GROUP_COLOURS,
    ),
    shares[["stage", "group", "count", "total", "share", "share_note"]],
    f"stage_shares_by_{chosen.key}",
    filters,
    status,
    f"Each panel has its own scale. Subjects whose {chosen.label.lower()} is not stated are a "
    "group of their own here. A group whose share grows from one stage to the next moved on "
    "more often than the others did." + no_share_note,
)  # fmt: skip
# shares holds one row per stage per group, stages in order and groups in the order of counts
table = {"Group": data.counts["group"].tolist()}
for stage, count, share, note in zip(
    shares["stage"].tolist(), shares["count"].tolist(), shares["share"].tolist(), share_notes,
    strict=True,
):  # fmt: skip
    table.setdefault(f"{stage} (share)", []).append(
        f"{count:,} ({share:.1%})" if not note else f"{count:,} (–)"
    )
st.markdown(f"**Counts and shares by {chosen.label.lower()}**, so far, as at {as_at}.")
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
if no_share_note:
    st.caption(no_share_note.strip())

with st.expander("How this is counted"):
    st.markdown(
        f"""
From *docs/metrics.md*, "Who is reported, and is it fair": "The subject's sex and ethnicity
(where recorded) are compared stage by stage: for each group, the share of reports, of
investigations, of cases to answer and of dismissals, and the relative rate against the White
group at each stage (the group's rate of moving to the next stage divided by the White group's
rate, with a 95% interval). A relative rate far from 1 at one stage shows where a difference
enters. Groups with fewer than 10 at a stage show no ratio."

- **Whom**: the people reported in the roles the sidebar's filter "Role of the person
  reported" selects: {people_reported(filters.subject_roles)}.
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
