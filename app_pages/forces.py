"""Forces: one force beside its region and England and Wales, its trend, and every force on a
funnel plot and in a sortable table (a Police and Crime Commissioner's view)."""

import streamlit as st

from oversight import audit, charts
from oversight.activity import recorded
from oversight.analysis.force_view import comparable, force_user_view
from oversight.analysis.forces import (
    COUNT_HELP,
    COUNT_LABELS,
    DEFAULT_FOCUS,
    MEASURES,
    NATION_LABEL,
    forces_data,
)
from oversight.briefing.download import briefing_button
from oversight.dashboard import (
    current_session,
    forces_reference,
    nothing_to_show,
    page_setup,
    query,
    query_every_force,
    runner_for_later,
    show_chart,
)
from oversight.exports import csv_bytes
from oversight.settings import disclosure_threshold
from oversight.snapshot.build import force_snapshot
from oversight.snapshot.write import snapshot_name, snapshot_zip

FOCUS_KEY = "forces_focus"
LIMITS_KEY = "forces_limits"
LIMITS = {
    "adjusted": "Allow for differences between forces beyond chance (over-dispersion)",
    "chance": "Chance alone (unadjusted)",
}


# Read before page_setup, which rewrites the URL from the sidebar's filters.
url_focus = st.query_params.get("focus")
status, filters = page_setup()
session = current_session()
# a force user sees its own forces here, and the others only as published
own_only = session.role == "force"
reference = forces_reference()
names = {
    code: name
    for code, name in zip(reference["force_code"], reference["short_name"], strict=True)
    if not own_only or code in session.forces
}

# The force shown: the URL's "focus" on arrival, then the user's choice; a newly chosen first
# force in the sidebar's force filter moves it; else the Metropolitan Police.
sidebar_first = filters.forces[0] if filters.forces else None
if st.session_state.get(FOCUS_KEY) not in names:
    kept = st.session_state.get("forces_focus_kept")
    st.session_state[FOCUS_KEY] = next(
        code for code in (url_focus, kept, sidebar_first, DEFAULT_FOCUS) if code in names
    )
elif sidebar_first and sidebar_first != st.session_state.get("forces_sidebar_first"):
    st.session_state[FOCUS_KEY] = sidebar_first
st.session_state["forces_sidebar_first"] = sidebar_first

st.title("Forces")
st.caption(
    "Your force beside its region and England and Wales: rates with 95% intervals."
    if own_only
    else "One force beside its region and England and Wales, then every force compared "
    "fairly: rates with 95% intervals, never raw counts ranked."
)
left, right = st.columns([2, 3])
focus = left.selectbox(
    "Force",
    list(names),
    key=FOCUS_KEY,
    format_func=names.get,
    help="The force the reported person works for. The page's address keeps this choice, so "
    "the view can be shared.",
)
st.session_state["forces_focus_kept"] = focus
st.query_params["focus"] = focus
trend_unit = right.radio(
    "Trend by",
    ["quarter", "month"],
    index=0 if filters.days > 731 else 1,
    horizontal=True,
    format_func=str.capitalize,
    key="forces_trend_unit",
)
# the funnel's measure and limits are chosen lower down the page; their widget state is read here
measure_key = st.session_state.get("forces_measure", "reports_per_1000_officers")
adjusted = st.session_state.get(LIMITS_KEY, "adjusted") == "adjusted"
if own_only:
    # the region and England and Wales add up other forces: audited before anything is shown
    data = force_user_view(
        forces_data(query_every_force, filters, status.as_at_date, focus, trend_unit,
                    measure_key, adjusted),
        session.forces,
        disclosure_threshold(),
        filters,
    )  # fmt: skip
else:
    data = forces_data(query, filters, status.as_at_date, focus, trend_unit, measure_key,
                       adjusted)  # fmt: skip
as_at = f"{status.as_at_date:%d %b %Y}"
fte_date = f"{data.officer_fte_date:%d %b %Y}" if data.officer_fte_date else "–"
period = f"{filters.first_date:%d %b %Y} to {filters.last_date:%d %b %Y}"
force_name = data.focus_name  # the full name: a short name can equal its region (West Midlands)
others = ", ".join(
    f"{name}: {', '.join(values)}"
    for name, values in (
        ("channel", filters.channels),
        ("category", filters.categories),
        ("role", filters.subject_roles),
    )
    if values
)
st.caption(
    f"Reports received {period}{f' ({others})' if others else ''}; referrals and outcomes of "
    f"those reports so far, as at {as_at}. A report counts for the force of the person "
    "reported; a referral for the force that received it. "
    + (
        "The region and England and Wales use the same period, channels, categories and roles."
        if own_only
        else "The sidebar's force and region choices pick the force shown first; the region, "
        "England and Wales and all-forces figures use the same period, channels, categories "
        "and roles."
    )
)

st.header(data.focus_name)
if not data.has_reports:
    nothing_to_show(f"reports about {data.focus_name} or referrals to it")
else:
    row = data.counts.iloc[0]
    keys = list(COUNT_LABELS)
    for chunk in (keys[:5], keys[5:]):
        for column, key in zip(st.columns(len(chunk)), chunk, strict=True):
            column.metric(COUNT_LABELS[key], f"{int(row[key]):,}", help=COUNT_HELP[key])

    st.subheader(f"Beside {data.region_name or 'its region'} and {NATION_LABEL}")
    if data.region_name is None:
        st.caption(
            f"{force_name} is not a force of a region of England and Wales, so it is compared "
            f"with {NATION_LABEL} only (– for the region)."
        )
    st.dataframe(data.rate_table, hide_index=True, width="stretch", placeholder="–")
    if not data.has_officer_figure:
        st.caption(
            f"– {force_name} has no officer figure: it is outside the Home Office police "
            "workforce statistics for England and Wales, so it has no rate per 1,000 officers."
        )
    st.caption(
        f"Rates so far, as at {as_at}, with 95% intervals in brackets (the range of rates "
        f"that fit the counts once chance is allowed for). Reports per 1,000 officers a year: "
        f"reports received {period} per 1,000 police officers (full-time equivalent at "
        f"{fte_date}) per year the force was in the service (the Metropolitan Police from 29 "
        "Nov 2022, every other force from 14 Mar 2024); exact Poisson interval. Proportions: "
        f"Wilson interval. {NATION_LABEL}: its 43 territorial "
        "forces (reports whose force is not known, Police Scotland, PSNI and the three national "
        "forces are not included)."
    )
    st.dataframe(
        data.comparison.rename(columns={"measure": "Count"}), hide_index=True, width="stretch"
    )
    st.caption(
        f"Counts so far, as at {as_at}. A report can be passed to more than one force, so "
        "referrals received can differ from reports passed on."
        + (
            f" [c]: withheld, because with your own force's figures it would show a count of "
            f"1 to {disclosure_threshold() - 1} for other forces."
            + (
                ""
                if comparable(filters)
                else " Your region and England and Wales are shown for a whole financial year "
                "with every channel, category and role: other choices could be set against one "
                "another to show a small count for other forces."
            )
            if own_only
            else ""
        )
    )
    proportions = data.rates.loc[data.rates["measure_key"] != "reports_per_1000_officers"]
    show_chart(
        charts.bars(
            proportions,
            "measure",
            "rate",
            f"{force_name} beside {data.region_name + ' and ' if data.region_name else ''}"
            f"{NATION_LABEL}: conversion rates so far, with 95% intervals",
            "Rate",
            "Percent",
            colour="group",
            colours=data.group_colours,
            error=("rate_low", "rate_high"),
            stacked=False,
        ),
        proportions[["measure", "group", "numerator", "denominator", "rate", "rate_low",
                     "rate_high", "rate_note"]],
        f"rates_{focus}",
        filters.with_forces((focus,)),
        status,
        f"Proportions in percent, so far as at {as_at}. A missing bar has no cases to divide "
        "by (see the table above).",
    )  # fmt: skip

    st.subheader("Trend")
    trend = data.trend
    unit = "Month" if data.trend_unit == "month" else "Quarter"
    part_note = (
        f" The first or last {data.trend_unit} is only partly inside the period: its rate counts "
        "only the days inside it, so it is less certain."
        if not trend["whole_period"].all()
        else ""
    )
    if data.has_officer_figure:
        show_chart(
            charts.lines(
                trend, "period_start", "rate",
                f"Reports per 1,000 officers a year, each {data.trend_unit}: {force_name} "
                f"beside {NATION_LABEL}",
                unit, "Reports per 1,000 officers a year", colour="group",
                colours=data.group_colours, band=("rate_low", "rate_high"),
            ),
            trend[["period", "whole_period", "group", "reports", "officer_fte",
                   "officer_years", "rate", "rate_low", "rate_high"]],
            f"trend_{focus}", filters.with_forces((focus,)), status,
            f"Each {data.trend_unit}'s reports per 1,000 officers a year over its days in the "
            f"service. Shaded: 95% exact Poisson interval. Officers: full-time equivalent at "
            f"{fte_date}." + part_note,
        )  # fmt: skip
    else:
        own = trend.loc[trend["group_kind"] == "force"]
        show_chart(
            charts.lines(
                own, "period_start", "reports",
                f"Reports each {data.trend_unit} about {force_name}", unit, "Reports",
            ),
            own[["period", "whole_period", "group", "reports"]],
            f"trend_{focus}", filters.with_forces((focus,)), status,
            f"– no rate per 1,000 officers: {force_name} has no officer figure (it is outside "
            "the Home Office police workforce statistics for England and Wales), so its reports "
            "are shown as counts and not beside the rate for England and Wales." + part_note,
        )  # fmt: skip

briefing_button(focus, filters, status)
if own_only:
    st.download_button(
        "Download your force's counts and rates (CSV)",
        data=recorded(
            "own_force.csv", lambda: csv_bytes(data.all_forces), filters=filters.describe()
        ),  # fmt: skip
        file_name=f"{'_'.join(session.forces)}_{filters.first_date}_{filters.last_date}.csv",
        mime="text/csv",
        key="download_own_force",
        on_click="ignore",
    )
    first, last, own = filters.first_date, filters.last_date, session.forces
    # the queries are fixed to this rerun's session now: the file is made on the click, on a
    # thread with no session to ask
    run = runner_for_later()
    snapshot_file = f"{snapshot_name(first, last, False, forces=own)}.zip"
    st.download_button(
        "Download your force's snapshot (zip: tables, spreadsheet, report, cover note)",
        data=recorded(
            snapshot_file,
            lambda: snapshot_zip(force_snapshot(run, own, first, last)),
            event=audit.SNAPSHOT,
            period=f"{first} to {last}",
            forces=list(own),
        ),
        file_name=snapshot_file,
        mime="application/zip",
        key="download_own_snapshot",
        help="An internal snapshot of your force alone, exact and not for publication, for "
        "the period chosen in the sidebar, every channel and category: the published tables "
        "as CSV files, an accessible spreadsheet, a printable report and a cover note.",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )
    st.header("Other forces")
    st.markdown(
        "Other forces' figures are shown as they are published: one force beside another, "
        "with small numbers protected."
    )
    st.page_link(
        "app_pages/published.py", label="See the published figures", icon=":material/public:"
    )
    st.stop()

st.header("Every force")
left, right = st.columns([2, 3])
chosen = left.selectbox(
    "Compare forces on",
    list(MEASURES),
    format_func=lambda key: MEASURES[key].label,
    key="forces_measure",
)
right.radio(
    "Funnel limits",
    list(LIMITS),
    format_func=LIMITS.get,
    key=LIMITS_KEY,
    help="Forces can differ by more than chance alone would make them, for reasons no count "
    "shows (over-dispersion). Where the forces show it, the first choice widens the limits by "
    "that spread, as NHS England does for hospital mortality (SHMI); the second draws limits "
    "for chance alone, which then mark more forces.",
)
measure = MEASURES[chosen]
fun = data.funnel
unit_text = measure.unit
if fun.target is None or fun.points.empty:
    nothing_to_show(f"forces with {measure.denominator_label.lower()}")
elif fun.too_few:
    st.info(
        f"Only one force, {fun.points['force'].iat[0]}, was in the service over this period "
        f"({period}) with a rate to compare, so there is no funnel: one force cannot be "
        f"compared with others. Its rate and 95% interval are in the table below. {fun.left_out}"
    )
else:
    target_text = (
        f"{NATION_LABEL}: {fun.target:,.1f} {unit_text}"
        if measure.kind == "poisson"
        else f"{NATION_LABEL}: {fun.target:.1f}%"
    )
    y_title = measure.titled
    numbers = fun.points.rename(
        columns={
            "numerator": measure.numerator_label,
            "denominator": measure.denominator_label,
            "rate": measure.titled,
        }
    )
    show_chart(
        charts.funnel_plot_focused(
            fun.points, fun.limits, "denominator", "rate", "force", fun.target,
            f"{measure.label} of every force against its size, with limits around "
            f"{NATION_LABEL}",
            f"{measure.denominator_label} (log scale)", y_title, highlight=names[focus],
            target_label=target_text,
        ),
        numbers,
        f"funnel_{chosen}",
        filters.with_forces(()),
        status,
        "Dotted lines: 95% limits; dashed: 99.8% limits around the rate for England and Wales. "
        "A force outside the 99.8% limits differs by more than the limits allow for. "
        + (f"So far, as at {as_at}. " if measure.kind == "proportion" else "")
        + fun.spread_note
        + (" " if fun.spread_note else "")
        + fun.left_out,
    )  # fmt: skip

shown = data.forces_table(chosen)
rate_column = measure.titled
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    placeholder="–",
    height=min(38 + 35 * len(shown), 560),
    column_config={
        "Officers (FTE)": st.column_config.NumberColumn(format="%.0f"),
        "Officer-years in the service": st.column_config.NumberColumn(format="%.0f"),
        rate_column: st.column_config.NumberColumn(format="%.1f"),
        "95% from": st.column_config.NumberColumn(format="%.1f"),
        "95% to": st.column_config.NumberColumn(format="%.1f"),
    },
)
st.caption(
    f"Every force, {period}; sort by any column. {measure.label} with its 95% interval"
    + (
        ""
        if fun.too_few
        else f", and where the force sits against the funnel limits around {NATION_LABEL} "
        f"({'allowing for over-dispersion' if fun.widened else 'chance alone'})"
    )
    + ". Reports whose force is not known, and forces not yet in the service, are listed but "
    "not compared."
)
st.download_button(
    "Download every force's counts and rates (CSV)",
    # made only when asked for: it places every force on every measure, not just the one shown
    data=recorded(
        "forces.csv", lambda: csv_bytes(data.all_forces_download()), filters=filters.describe()
    ),
    file_name=f"forces_{filters.first_date}_{filters.last_date}.csv",
    mime="text/csv",
    key="download_all_forces",
    # no rerun on a download: a rerun can clear the file before the browser fetches it
    on_click="ignore",
)

with st.expander("How this is counted"):
    st.markdown(
        f"""
From the dashboard's definitions (docs/metrics.md):

- **Force**: a report counts for its `subject_force` (the force the reported person works for);
  a referral and its outcomes count for the receiving `force`. Reports with subject force
  `unknown` count in national totals and show as "Force not known".
- **Cohort view**: referrals and outcomes are counted against the period of the report they
  came from, so conversions are *so far, as at {as_at}*.
- **Reports**: reports received in the period; **by phone / online**: reports with `channel` =
  `phone` / `online`.
- **Passed on (disseminated)**: reports with at least one referral.
- **Referrals received**: referrals of those reports that the force received.
- **Investigations**: referrals with `assessment` = `investigation`; **transferred**: referrals
  with `assessment` = `transferred`.
- **Case to answer**: investigations with an outcome `case_to_answer_misconduct` or
  `case_to_answer_gross_misconduct`.
- **Dismissals**: referrals with an outcome `dismissed`.
- **Open cases**: investigations with no outcome that ends the case yet: no
  misconduct-proceedings outcome, no `no_case_to_answer`, no `false_allegation`.
- **Reports per 1,000 officers a year**: reports naming the force / its officer-years in the
  service × 1,000, for the period {period}. Officer-years are the force's `officer_fte`
  (officers, full-time equivalent, at {fte_date}) × the days it was in the service within the
  period / 365.25: the Metropolitan Police joined on 29 Nov 2022 (the pilot), every other force
  on 14 Mar 2024. 95% exact Poisson interval (the count's, divided by the officer-years).
- **Dissemination rate**: disseminated reports / reports; **investigation rate**:
  investigations / (referrals − transferred); **case-to-answer rate**: case to answer /
  investigations with a finding; **dismissal rate**: dismissals / investigations. 95% Wilson
  score intervals.
- A rate whose denominator is 0 is shown as "–" with the reason, never as 0.
- **Comparing forces fairly**: forces differ in size, so raw counts are never ranked on their
  own. The funnel plot shows each force's rate against its denominator, with 95% and 99.8%
  control limits around the rate for {NATION_LABEL} (its 43 territorial forces). Only forces
  in the service during the period are compared; over the Met's pilot there is no funnel.
- **Over-dispersion**: forces usually differ by more than chance alone, for reasons no count
  shows. As NHS England does for hospital mortality (SHMI), each force's z-score is worked out
  on a scale where chance spreads forces evenly (square root for reports per officer, angular
  for proportions), the most extreme 10% at each end are pulled in, and the forces are tested
  for more spread than chance. Where they show it, the limits are widened by the spread
  between forces (τ, estimated by the DerSimonian–Laird method), unless "chance alone" is
  chosen. A force beyond the widened 99.8% limits differs by more than both chance and the
  usual spread between forces.
- Police Scotland, PSNI, British Transport Police, the Civil Nuclear Constabulary and the
  Ministry of Defence Police have no officer figure (they are outside the Home Office police
  workforce statistics for England and Wales), so they have no rate per 1,000 officers and are
  left out of that funnel plot.
"""
    )
