"""Outcomes and timeliness: the outcomes decided in the period beside the cohort's, conversion at
each stage, the outcome mix of investigations, days to outcome (Kaplan-Meier), timeliness, the
age of open cases, referrals awaiting a decision, and those overdue now (whatever the period)."""

from functools import partial

import streamlit as st

from oversight import charts
from oversight.activity import recorded
from oversight.analysis import outcomes_view as view
from oversight.analysis.decided import (
    decided_caption,
    decided_data,
    decided_days_table,
    decided_table,
)
from oversight.analysis.outcomes import (
    ALL_SELECTED,
    MAX_FORCE_CURVES,
    OVERDUE_AFTER_DAYS,
    outcomes_data,
    with_split,
)
from oversight.analysis.overdue_now import describe as describe_overdue_now
from oversight.analysis.overdue_now import overdue_now
from oversight.constants import MIN_BASE
from oversight.dashboard import analysed, nothing_to_show, page_setup, query, show_chart
from oversight.exports import csv_bytes

status, filters = page_setup()
as_at = f"{status.as_at_date:%d %b %Y}"
period = f"{filters.first_date}_{filters.last_date}"

st.title("Outcomes and timeliness")
selection = filters.describe()
selection = selection[:1].upper() + selection[1:]
st.caption(
    f"{selection}. What has happened to these reports so far, as at "
    f"{as_at}: referrals and outcomes count against the period the report was received in, and "
    "later outcomes can still change these figures. The outcomes decided in the period, "
    "whenever the report came in, are shown beside them."
)


def download(label: str, stem: str, write, described: str, suffix: str = period) -> None:
    """A CSV download (stem_suffix.csv), written only when clicked, on the audit log."""
    st.download_button(
        label,
        data=recorded(f"{stem}.csv", write, filters=described),
        file_name=f"{stem}_{suffix}.csv",
        mime="text/csv",
        key=f"download_{stem}",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )


def show_tiles(tiles: list[view.Tile], per_row: int) -> None:
    for start in range(0, len(tiles), per_row):
        row = tiles[start : start + per_row]
        for column, (label, value, help_text) in zip(st.columns(len(row)), row, strict=True):
            column.metric(label, value, help=help_text)


def show_overdue_now() -> None:
    """Every referral awaiting the receiving force's decision at the as-at date, whatever the
    period: headline counts, by age band and force, and the list of those waiting over 28 days."""
    st.header("Overdue now")
    now = analysed(overdue_now, filters, status.as_at_date)
    st.caption(
        f"Whatever the period chosen: every referral awaiting the receiving force's decision as "
        f"at {as_at}, whenever its report was received. The period filter does not apply here; "
        "the force, region, channel and category filters do. Days waiting: whole days since the "
        "referral was made."
    )
    show_tiles(view.overdue_now_tiles(now), 3)
    if now.awaiting == 0:
        st.info(f"No referrals are awaiting a force decision as at {as_at}.")
        return
    by_band, by_force, listed = view.overdue_now_tables(now)
    bands, forces = st.columns(2)
    bands.dataframe(by_band, hide_index=True, width="stretch", key="overdue_now_by_band")
    forces.dataframe(by_force, hide_index=True, width="stretch", key="overdue_now_by_force")
    with st.expander(f"Referrals waiting over {OVERDUE_AFTER_DAYS} days ({now.overdue:,})"):
        if now.overdue_list.empty:
            st.markdown(f"No referral has waited more than {OVERDUE_AFTER_DAYS} days.")
            return
        st.dataframe(listed, hide_index=True, width="stretch", key="overdue_now_list")
        st.caption(
            "Longest waiting first. No personal data: the referral id, the receiving force, the "
            "report's categories (a report can carry several) and how long it has waited."
        )
        download(
            "Download the overdue list (CSV)", "overdue_now",
            partial(csv_bytes, now.overdue_list),
            describe_overdue_now(filters, status.as_at_date), str(status.as_at_date),
        )  # fmt: skip


data = analysed(outcomes_data, filters, status.as_at_date)
decided = analysed(decided_data, filters, status.as_at_date)
if data.reports == 0 and decided.total == 0:
    nothing_to_show()
    show_overdue_now()  # whatever the period, so shown for an empty one too
    st.stop()

if data.reports:
    show_tiles(view.cohort_tiles(data), 3)
else:
    nothing_to_show()

st.header(f"Outcomes decided {decided.words}, and of the reports received so far")
st.dataframe(decided_table(decided), hide_index=True, width="stretch", key="decided_table")
st.markdown(f"**Days from the report to the outcomes decided {decided.words}**")
st.dataframe(
    decided_days_table(decided), hide_index=True, width="stretch", key="decided_days_table"
)
st.caption(decided_caption(decided, selection, as_at))
download(
    "Download these outcomes (CSV)", "outcomes_decided", partial(view.decided_csv, decided),
    filters.describe(),
)  # fmt: skip
if data.reports == 0:
    show_overdue_now()
    st.stop()

st.header(f"Conversion at each stage, so far, as at {as_at}")
conversions = view.conversion_view(data.conversions)
if conversions.drawn.empty:
    st.info("None of these rates can be worked out: there are no cases to divide by.")
else:
    rates_figure = charts.interval_dots(
        conversions.drawn, "label", "rate_percent", "low_percent", "high_percent",
        f"Share moving on at each stage, so far as at {as_at}, with 95% intervals",
        "Rate (%)", "Stage",
        hover={"numerator": "Moved on", "denominator": "Out of"}, x_range=(0, 100),
    )  # fmt: skip
    show_chart(
        rates_figure, conversions.numbers, "conversions_by_stage", filters, status,
        conversions.note,
    )  # fmt: skip
st.dataframe(conversions.table, hide_index=True, width="stretch", key="conversion_table")

st.header("What has happened to investigations so far")
if data.investigations == 0:
    nothing_to_show("investigations")
else:
    mix, mix_colours = view.outcome_mix_chart(data)
    show_chart(
        charts.labelled_bars(
            mix, "label", "cases",
            f"Outcome of {data.investigations:,} investigation"
            f"{'s' if data.investigations != 1 else ''}, so far as at {as_at}",
            "Investigations", "Furthest outcome", colours=mix_colours, share="share",
        ),
        data.outcome_mix,  # outcome_group, still_open, cases and share
        "outcome_mix_by_group", filters, status,
        f"Each investigation counts once, under its furthest outcome. The two open groups add "
        f"up to the {data.open_cases:,} open cases. Dismissed or would have been: dismissed, "
        "or would have been had they not left the service.",
    )  # fmt: skip

st.header("How long until a case ends")
split = st.selectbox(
    "Split the curve by",
    list(view.SPLIT_LABELS),
    format_func=view.SPLIT_LABELS.get,
    key="outcomes_split",
    help=f"Receiving force: the forces chosen in the sidebar, or the {MAX_FORCE_CURVES} with the "
    "most investigations. Report category: a case counts under each category its report "
    "carries.",
)
if data.investigations == 0:
    nothing_to_show("investigations")
else:
    data = with_split(query, filters, status.as_at_date, data, split)
    st.markdown(view.curve_reading(data.curve_summary, as_at))
    if data.split != "none":
        st.caption(data.split_note)
    show_chart(
        charts.survival_steps(
            data.curves, data.curve_summary, view.curve_title(data.split),
            "Days since the report", "Share still open", colours=view.curve_colours(data.split),
            reference=ALL_SELECTED if data.split != "none" else None,
        ),
        view.curve_numbers(data.curves), f"days_to_outcome_by_{data.split}", filters, status,
        view.curve_note(data),
    )  # fmt: skip
    st.dataframe(
        view.curve_table(data.curve_summary), hide_index=True, width="stretch", key="curve_summary"
    )

st.header("Timeliness")
st.dataframe(
    view.timeliness_table(data.timeliness), hide_index=True, width="stretch",
    key="timeliness_table",
)  # fmt: skip
st.markdown(view.timeliness_definitions(data.timeliness))
st.caption(
    "Whole days between calendar dates. Medians and 90th percentiles interpolate linearly "
    f"between the closest ranks and are rounded to whole days; over fewer than {MIN_BASE} cases "
    "they carry a caution. Days to outcome is the Kaplan–Meier estimate above, never the median of "
    "closed cases alone. 'Not reached yet': fewer than half (or nine in ten) of the cases have "
    f"ended so far. {selection}. Data as at {as_at}."
)
download(
    "Download the timeliness table (CSV)", "timeliness",
    partial(view.timeliness_csv, data.timeliness), filters.describe(),
)  # fmt: skip

st.header("How long open cases have been open")
if data.open_cases == 0:
    st.info(f"No investigations of these reports are open as at {as_at}.")
else:
    ages, age_colours = view.open_ages(data)
    show_chart(
        charts.labelled_bars(
            ages, "age_band", "cases", f"Open cases by days since the report, as at {as_at}",
            "Open cases", "Days since the report", colours=age_colours, share="share",
        ),
        ages, "open_cases_by_age", filters, status,
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
            view.long_open_table(long_open), hide_index=True, width="stretch",
            key="long_open_table",
        )  # fmt: skip
        download(
            "Download this list (CSV)", "long_open_cases_by_force",
            partial(csv_bytes, long_open), filters.describe(),
        )  # fmt: skip

st.header("Referrals awaiting a force decision")
pending = data.pending_by_force
if pending.empty:
    st.info(f"No referrals of these reports are awaiting a force decision as at {as_at}.")
else:
    st.markdown(
        f"**{data.pending:,}** referrals of these reports are awaiting the receiving force's "
        f"decision; **{data.overdue:,}** of them were made more than {OVERDUE_AFTER_DAYS} days "
        f"before {as_at} and are overdue."
    )
    show_chart(
        charts.bars(
            view.pending_by_status(pending), "force_name", "referrals",
            f"Referrals awaiting a force decision, by receiving force, as at {as_at}",
            "Receiving force", "Referrals awaiting a decision", colour="status",
            colours=view.PENDING_COLOURS, horizontal=True,
        ),
        # force_code, force_name, short_name, pending, overdue, within_28_days and oldest_days:
        # all of it is the chart's numbers
        pending, "pending_referrals_by_force", filters, status,
        "The referrals of the reports received in the period (its cohort), as every figure "
        "above; Overdue now, below, counts every referral awaiting a decision, whatever the "
        "period. Forces with the most overdue referrals first. Oldest: days since the "
        "oldest pending referral was made.",
    )  # fmt: skip

show_overdue_now()

st.header("False allegations found")
st.markdown(view.false_allegation_sentence(data))

with st.expander("How this is counted"):
    st.markdown(view.how_counted(as_at))
