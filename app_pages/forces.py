"""Forces: one force beside its most similar forces, its region and England and Wales, its
trends, and every force on a funnel plot and in a sortable table (a Police and Crime
Commissioner's view)."""

import streamlit as st

from oversight import audit, charts
from oversight.activity import recorded
from oversight.analysis import force_page
from oversight.analysis.force_trends import TREND_MEASURES
from oversight.analysis.force_view import comparable, force_user_view
from oversight.analysis.forces import (
    COUNT_HELP,
    COUNT_LABELS,
    MEASURES,
    NATION_LABEL,
    forces_data,
)
from oversight.briefing.download import briefing_button
from oversight.dashboard import (
    analysed,
    current_session,
    forces_reference,
    nothing_to_show,
    page_setup,
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
COUNT = st.column_config.NumberColumn(format=force_page.COUNT_FORMAT)


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
st.session_state[FOCUS_KEY] = force_page.choose_focus(
    names,
    st.session_state.get(FOCUS_KEY),
    st.session_state.get("forces_focus_kept"),
    url_focus,
    sidebar_first,
    st.session_state.get("forces_sidebar_first"),
)
st.session_state["forces_sidebar_first"] = sidebar_first

st.title("Forces")
st.caption(
    "Your force beside its most similar forces, its region and England and Wales: rates with "
    "95% intervals."
    if own_only
    else "One force beside its most similar forces, its region and England and Wales, then "
    "every force compared fairly: rates with 95% intervals, never raw counts ranked."
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
if own_only:
    # the peers, region and England and Wales add up other forces: audited before anything is
    # shown
    data = force_user_view(
        analysed(forces_data, filters, status.as_at_date, focus, trend_unit, run=query_every_force),
        session.forces,
        disclosure_threshold(),
        filters,
    )  # fmt: skip
else:
    data = analysed(forces_data, filters, status.as_at_date, focus, trend_unit)
text = force_page.page_text(data, filters, status.as_at_date)
force_name = text.force_name
# the charts' captions and downloads name the force in words
shown_filters = force_page.focus_filters(filters, focus, names[focus])
st.caption(force_page.selection_caption(text, own_only))

st.header(data.focus_name)
if not data.has_reports:
    nothing_to_show(f"reports about {data.focus_name} or referrals to it")
else:
    row = data.counts.iloc[0]
    keys = list(COUNT_LABELS)
    for chunk in (keys[:5], keys[5:]):
        for column, key in zip(st.columns(len(chunk)), chunk, strict=True):
            column.metric(COUNT_LABELS[key], f"{int(row[key]):,}", help=COUNT_HELP[key])

    st.subheader(force_page.comparators_heading(data))
    st.caption(force_page.peers_note(data))
    st.dataframe(data.rate_table, hide_index=True, width="stretch", placeholder="–")
    st.caption(force_page.rates_caption(data, text))
    comparison = data.comparison.rename(columns={"measure": "Count"})
    st.dataframe(
        comparison,
        hide_index=True,
        width="stretch",
        # a force user's counts are text already ("1,234" or "[c]")
        column_config={} if own_only else dict.fromkeys(comparison.columns[1:], COUNT),
    )
    st.caption(
        force_page.counts_caption(text, own_only, comparable(filters), disclosure_threshold())
    )
    proportions = data.rates.loc[data.rates["measure_key"] != "reports_per_1000_officers"]
    show_chart(
        charts.bars(
            proportions,
            "measure",
            "rate",
            f"Conversion rates so far: {force_name} beside its comparators",
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
        shown_filters,
        status,
        f"Proportions in percent with 95% intervals, so far as at {text.as_at}. A missing bar "
        "has no cases to divide by (see the table above).",
    )  # fmt: skip

    # the event view beside the cohort's counts: the outcomes decided in the period
    st.subheader(force_page.decided_heading(data))
    decided = force_page.decided_table(data)
    st.dataframe(
        decided,
        hide_index=True,
        width="stretch",
        key="forces_decided",
        column_config={} if own_only else dict.fromkeys(decided.columns[1:], COUNT),
    )
    st.caption(
        force_page.decided_caption(text, own_only, comparable(filters), disclosure_threshold())
    )

    if data.peers:
        st.subheader("Its most similar forces one by one")
        if own_only:
            st.markdown(
                "Other forces one by one are shown as they are published, with small numbers "
                "protected: see each of your most similar forces there."
            )
            st.page_link(
                "app_pages/published.py",
                label="See the published figures",
                icon=":material/public:",
            )
        else:
            peer_measure = st.selectbox(
                "Measure",
                list(MEASURES),
                format_func=lambda key: MEASURES[key].label,
                key="forces_peer_measure",
            )
            chosen_measure = MEASURES[peer_measure]
            dots = force_page.peer_dots(data, peer_measure)
            nation_rate = dots.loc[dots["group_kind"] == "nation", "rate"]
            show_chart(
                charts.interval_dots(
                    dots, "group", "rate", "rate_low", "rate_high",
                    f"{force_name} and its most similar forces",
                    chosen_measure.titled, "Force or group",
                    reference=nation_rate.iat[0] if len(nation_rate) else None,
                    reference_label=NATION_LABEL,
                ),
                force_page.peer_dots_numbers(dots, peer_measure),
                f"peers_{peer_measure}_{focus}",
                shown_filters,
                status,
                force_page.peer_dots_caption(data, peer_measure, text),
            )  # fmt: skip
            peer_table = data.peer_table
            st.dataframe(
                peer_table, hide_index=True, width="stretch", height=38 + 35 * len(peer_table)
            )
            st.caption(
                f"Every measure with its 95% interval: {force_name}, each of its most similar "
                "forces, their pooled figure, its region and England and Wales."
            )

    st.header("Trends")
    trend = data.trend
    unit = "Month" if data.trend_unit == "month" else "Quarter"
    part_note = force_page.part_period_note(trend, data.trend_unit)
    lines_note = force_page.withheld_lines_note(data, trend, own_only)
    if data.has_officer_figure:
        show_chart(
            charts.lines(
                trend, "period_start", "rate",
                f"Reports per 1,000 officers a year: {force_name} beside its comparators",
                unit, "Reports per 1,000 officers a year", colour="group",
                colours=data.group_colours, band=("rate_low", "rate_high"),
            ),
            trend[["period", "whole_period", "group", "reports", "officer_fte",
                   "officer_years", "rate", "rate_low", "rate_high"]],
            f"trend_{focus}", shown_filters, status,
            f"Each {data.trend_unit}'s reports per 1,000 officers a year over its days in the "
            f"service. Shaded: 95% exact Poisson interval. Officers: full-time equivalent at "
            f"{text.fte_date}." + part_note + lines_note,
        )  # fmt: skip
    else:
        own = trend.loc[trend["group_kind"] == "force"]
        show_chart(
            charts.lines(
                own, "period_start", "reports",
                f"Reports each {data.trend_unit} about {force_name}", unit, "Reports",
            ),
            own[["period", "whole_period", "group", "reports"]],
            f"trend_{focus}", shown_filters, status,
            f"– no rate per 1,000 officers: {force_name} has no officer figure (it is outside "
            "the Home Office police workforce statistics for England and Wales), so its reports "
            "are shown as counts and not beside the rate for England and Wales." + part_note,
        )  # fmt: skip

    st.subheader("Conversion and time to outcome")
    conversion_note = force_page.withheld_lines_note(data, data.conversion_trend, own_only)
    for trend_key, (trend_label, trend_measure_unit) in TREND_MEASURES.items():
        lines = force_page.conversion_lines(data, trend_key)
        show_chart(
            charts.lines(
                lines, "period_start", "value",
                f"{trend_label}: {force_name} beside its comparators",
                unit, "Days" if trend_measure_unit == "days" else "Percent", colour="group",
                colours=data.group_colours, band=("band_low", "band_high"),
            ),
            force_page.conversion_numbers(lines, trend_key, data.trend_unit),
            f"{trend_key}_trend_{focus}", shown_filters, status,
            force_page.conversion_caption(trend_key, data.trend_unit, text, part_note)
            + conversion_note,
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
limits = right.radio(
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
# every force placed on the funnel of the measure and limits just chosen
data = data.on_measure(chosen, limits == "adjusted")
fun = data.funnel
if fun.target is None or fun.points.empty:
    nothing_to_show(f"forces with {measure.denominator_label.lower()}")
elif fun.too_few:
    st.info(force_page.no_funnel_message(fun, text))
else:
    show_chart(
        charts.funnel_plot_focused(
            fun.points, fun.limits, "denominator", "rate", "force", fun.target,
            f"{measure.label} of every force against its size, with limits around "
            f"{NATION_LABEL}",
            f"{measure.denominator_label} (log scale)", measure.titled, highlight=names[focus],
            target_label=force_page.funnel_target_text(fun),
        ),
        force_page.funnel_numbers(fun),
        f"funnel_{chosen}",
        filters.with_forces(()),
        status,
        force_page.funnel_caption(fun, text),
    )  # fmt: skip

shown = data.forces_table(chosen)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    placeholder="–",
    height=min(38 + 35 * len(shown), 560),
    column_config={
        column: st.column_config.NumberColumn(format=number_format)
        for column, number_format in force_page.forces_table_formats(measure).items()
    },
)
st.caption(force_page.forces_table_caption(fun, text))
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
    st.markdown(force_page.how_counted(text))
