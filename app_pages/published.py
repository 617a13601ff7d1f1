"""Published figures (the public view): the releases in the register, exactly as they were
published (whatever has been imported since), shown for people: words, charts and tables of the
released figures, every force's own page (?force=kent) beside England and Wales and its most
similar forces, and the released files to download as they are."""

from pathlib import Path

import streamlit as st

from oversight import disclosure, forcemap, public_charts
from oversight.activity import recorded
from oversight.analysis import published as shown
from oversight.analysis.reports import CHANNEL_LABELS
from oversight.charts import CATEGORY_COLOURS, CHANNEL_COLOURS, GROUP_COLOURS, NEUTRAL
from oversight.dashboard import database_path, page_setup
from oversight.ledger import version_of_ledger
from oversight.peers import PeerGroupError, peers_of
from oversight.snapshot import register
from oversight.snapshot.commentary import as_at_words, commentary, period_words
from oversight.snapshot.model import SUPPRESSED, TABLES
from oversight.snapshot.periods import month_name
from oversight.snapshot.reading import ReleaseFormatError, released_snapshot
from oversight.snapshot.write import files_zip


@st.cache_data(max_entries=4, show_spinner=False)
def _listing(path: str, version: tuple | None) -> list[register.Listed]:
    return register.listing(Path(path))


@st.cache_data(max_entries=16, show_spinner=False)
def _files(path: str, release_id: int) -> dict[str, bytes]:
    # a release never changes once recorded: its id is key enough
    return register.released_files(Path(path), release_id)


page_setup(with_filters=False)
db_path = database_path()
listed = {r.period.key: r for r in _listing(str(db_path), version_of_ledger(db_path))}
st.title("Published figures")
if not listed:
    st.info("No figures have been published yet.")
    st.stop()

keys = list(listed)  # the latest first
asked = st.query_params.get("period")
if st.session_state.get("public_period") not in keys:
    st.session_state["public_period"] = asked if asked in keys else keys[0]
period_column, force_column = st.columns(2)
key = period_column.selectbox(
    "Period (financial years run from April to March, by the date the report was received)",
    keys,
    format_func=lambda k: listed[k].period.label,
    key="public_period",
)
st.query_params["period"] = key
release = listed[key]
files = _files(str(db_path), release.release_id)
folder = f"oversight_{key}_public"


def download_zip() -> None:
    st.download_button(
        "Download this release (zip: the tables, a spreadsheet, a printable report, metadata)",
        data=recorded(f"{folder}.zip", lambda: files_zip(files, folder)),
        file_name=f"{folder}.zip",
        mime="application/zip",
        key="public_zip",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )


try:
    published = released_snapshot(files)
except ReleaseFormatError:
    st.info(
        "This release was published in an earlier layout, which this page does not draw. "
        "Its files are kept exactly as they were published:"
    )
    download_zip()
    st.stop()

forces = shown.released_forces(published)
asked_force = st.query_params.get("force")
if st.session_state.get("public_force") not in ("", *forces):
    st.session_state["public_force"] = shown.asked_force(asked_force, forces) or ""
force = force_column.selectbox(
    "Figures for",
    ["", *forces],
    format_func=lambda code: forces.get(code, "Every force"),
    key="public_force",
    help="Choose a force to see its figures beside England and Wales and its most similar forces.",
)
if force:
    st.query_params["force"] = force
elif "force" in st.query_params:
    del st.query_params["force"]
if asked_force and shown.asked_force(asked_force, forces) is None:
    # the address is not echoed: it is the visitor's text, not ours
    st.info(
        "The address names a force that is not in these figures, so the figures for every "
        "force are shown. Choose a force from the list above to see its own figures."
    )

released = f"Released in {month_name(release.released_at.date())}."
if release.released_at != release.first_released_at:
    released = (
        f"Revised on release in {month_name(release.released_at.date())}, replacing the "
        f"figures first released in {month_name(release.first_released_at.date())}."
    )
st.caption(
    f"Reports received {period_words(published.first_date, published.last_date, True, True)}; "
    "referrals and outcomes of those reports so far, as at "
    f"{as_at_words(published.as_at, True, True)}. {released} Experimental statistics. "
    f"{SUPPRESSED} means fewer than {published.threshold} (or a figure that would reveal one), "
    "withheld to protect reporters and officers."
)
whole = shown.with_whole_days(published)  # the sentences say whole days too


def tiles(figures: list[shown.Tile]) -> None:
    # a row that wraps: two tiles a row on a phone, five on a desktop
    with st.container(horizontal=True, gap="xsmall"):
        for tile in figures:
            st.metric(tile.label, tile.value, help=tile.help, border=True, width=172)


def chart(figure, alt: str) -> None:
    st.plotly_chart(figure, width="stretch", config=public_charts.CONFIG, alt=alt)


def bars_alt(what: str, bars: shown.Bars) -> str:
    """A chart's text alternative: what it shows and every bar's figure."""
    return f"{what}: " + "; ".join(
        f"{label} {text}" for label, text in zip(bars.labels, bars.texts, strict=True)
    )


def table(frame, caption: str = "") -> None:
    # the first column (what each row is) stays in view while a phone scrolls the rest
    config = {column: st.column_config.Column(alignment="right") for column in
              shown.numeric_columns(frame)}  # fmt: skip
    config[frame.columns[0]] = st.column_config.Column(pinned=True)
    st.dataframe(frame, hide_index=True, width="stretch", height="content", column_config=config)
    if caption:
        st.caption(caption)


def numbers(frame, caption: str = "") -> None:
    with st.expander("The numbers behind this chart"):
        table(frame, caption)


def marks(name: str) -> str:
    return shown.marks_note(published.tables[name], published.threshold)


def force_page(code: str) -> None:
    """One force's released figures beside England and Wales and each of its peers."""
    try:
        peers = peers_of(code)
        peers_readable = True
    except PeerGroupError:
        peers, peers_readable = (), False
    figures = shown.force_figures(published, code, peers)
    st.header(figures.name)
    st.caption(
        f"{figures.name}'s figures as released, for reports received "
        f"{period_words(published.first_date, published.last_date, True, True)}. Reports "
        "count against the force the person reported works for; referrals and their outcomes "
        "against the force that received them."
    )
    tiles(figures.tiles)
    if figures.peers:
        similar = (
            f"its {len(figures.peers)} most similar forces, most similar first: forces of "
            "similar size and population density (officers, residents, and residents per "
            "square kilometre; About the data says how the groups are drawn), each with its "
            "own released figures"
        )
    elif not peers_readable:
        similar = "no similar forces: the list of most similar forces cannot be read just now"
    else:
        similar = (
            "no group of most similar forces: groups are drawn for the 43 forces of England "
            "and Wales"
        )
    st.subheader("Reports per 1,000 officers a year")
    colours = [GROUP_COLOURS["force"], GROUP_COLOURS["national"]] + [NEUTRAL] * len(figures.peers)
    chart(
        public_charts.labelled_bars(
            figures.rate_bars, "Reports per 1,000 officers a year", colours
        ),
        bars_alt("Reports per 1,000 officers a year", figures.rate_bars),
    )
    table(
        figures.rates,
        f"{figures.name}, England and Wales, then {similar}. England and Wales is worked out "
        "from the released table of forces (their reports over their officer-years), and "
        "cannot be when a force's count there is withheld. No figure is given for the "
        "similar forces together: it is not a released table, and would have to be released "
        "and checked like one.",
    )
    st.subheader("Referrals and outcomes so far")
    table(
        figures.outcomes,
        f"Referrals received in the period's reports, and their outcomes so far. "
        f"{shown.WHOLE_SERVICE_NAME}: the release's headline figures, which count every force "
        "in the service together (forces outside England and Wales included); England and "
        "Wales alone is not released for these counts. A force that received no referral is "
        "shown with 0.",
    )
    if figures.decided is not None:
        words = shown.decided_words(published)
        st.subheader(f"Outcomes decided {words}")
        table(
            figures.decided,
            f"The outcomes each force decided {words}, whenever the report came in (as the Home "
            "Office and the IOPC count), by the force that received the referral; the table "
            f"above counts the outcomes of the reports received {words}, so far. "
            f"{shown.WHOLE_SERVICE_NAME}: the release's table of outcomes decided, which every "
            "force's figures add up to. No figure is given for the similar forces together.",
        )
    if figures.marks:
        st.caption(figures.marks)
    st.caption("The figures for every force, the map and the charts: choose Every force above.")


def every_force_page() -> None:
    """The release's figures for every force: words, charts and tables."""
    tiles(shown.tiles(published))
    with st.expander("Every headline figure"):
        table(shown.people_table("headline", published.tables["headline"]), marks("headline"))

    st.header("What the figures say")
    for heading, sentences in commentary(whole):
        if sentences:
            st.subheader(heading)
            st.markdown("\n".join(f"- {text}" for text in sentences))

    st.header("Reports by month")
    months = shown.monthly(published)
    channel_colours = {CHANNEL_LABELS[c]: colour for c, colour in CHANNEL_COLOURS.items()}
    chart(
        public_charts.monthly_bars(months.months, months.by_channel, channel_colours),
        "Reports received each month, by phone and online, as stacked bars; the numbers are "
        "in the table below the chart.",
    )
    withheld = (
        f" {months.withheld} of the month's figures are withheld ({SUPPRESSED}) and have no bar."
        if months.withheld
        else ""
    )
    st.caption("Reports received each month, by how the report was made." + withheld)
    numbers(shown.monthly_table(published), marks("reports_by_month"))

    st.header("The path of a report")
    path = shown.report_path(published)
    chart(
        public_charts.labelled_bars(path, "Number"),
        bars_alt("The path of a report", path),
    )
    st.caption(
        "Each stage counts what reached it so far: reports, then reports passed on to a force, "
        "then the referrals the force investigated, those with a case to answer, and the people "
        "removed from policing (dismissed, or would have been had they not left). The unit "
        "changes along the way (a report can be passed to more than one force), so no stage is "
        "given as a share of the first. "
        + shown.marks_note(published.tables["headline"], published.threshold)
    )
    numbers(path.frame("Stage", "Number"))

    st.header("Outcomes so far")
    outcome_bars = shown.outcomes(published)
    chart(
        public_charts.labelled_bars(outcome_bars, "Number"),
        bars_alt("Outcomes so far", outcome_bars),
    )
    st.caption(
        "Outcomes of the period's referrals so far. One referral can have more than one "
        "outcome (a criminal charge and a dismissal, say); barring and charges can follow any "
        "referral, the others follow an investigation. Still open: investigations with no "
        "outcome that ends the case yet."
    )
    numbers(outcome_bars.frame("Outcome", "Number"))

    event = shown.decided(published)
    if event is not None:
        decided_section(event)

    st.header("How long it takes")
    times = shown.times(published)
    chart(
        public_charts.timeliness_bars(times),
        "How long each stage took, in days: "
        + "; ".join(
            f"{stage}: half within {median}, 9 in 10 within {p90}"
            for stage, median, p90 in zip(
                times.stages, times.median_texts, times.p90_texts, strict=True
            )
        ),
    )
    st.caption(
        "Whole days. Half of the cases took no longer than the first bar, 9 in 10 no longer "
        "than the second. Report to outcome is an estimate that counts the investigations "
        "still open as open (a Kaplan–Meier estimate); where too few have ended it is not "
        "reached yet."
    )
    numbers(shown.people_table("timeliness", published.tables["timeliness"]), marks("timeliness"))

    st.header("Reports by category")
    by_category = shown.categories(published)
    category_colours = {
        shown.value_label("category", c): colour for c, colour in CATEGORY_COLOURS.items()
    }
    chart(
        public_charts.labelled_bars(
            by_category, "Reports", [category_colours.get(c, NEUTRAL) for c in by_category.labels]
        ),
        bars_alt("Reports by category", by_category),
    )
    st.caption("A report can carry several categories, so these add up to more than the reports.")
    numbers(
        shown.people_table("reports_by_category", published.tables["reports_by_category"]),
        marks("reports_by_category"),
    )

    st.header("Reports per 1,000 officers a year, by force")
    by_force = published.tables["reports_by_force"]
    rate_map, outside = forcemap.release_map(by_force, release.period.label)
    on_map, beside = st.columns([3, 2])
    on_map.markdown(rate_map, unsafe_allow_html=True)  # st.html would strip the SVG
    if outside:
        beside.markdown(
            "Not on the map of England and Wales, and with no officer figure here, so no rate:\n"
            + "\n".join(f"- {line}" for line in outside)
        )
    st.caption(
        "Each colour holds about a fifth of the forces with a figure (a rate on the edge of "
        f"two classes is in the lower one). Hatched: withheld ({SUPPRESSED}). Tidal estuaries "
        "belong to no force and show as gaps. Each force's figure is in the table below; "
        "choose a force above for its own page."
    )
    table(
        shown.force_table(published),
        "Reports about people working for each force, its officers (full-time equivalent, "
        "31 March 2025) and reports per 1,000 officers a year: reports over the officer-years "
        "counted (its officers times the years it was in the service within the period). "
        + marks("reports_by_force"),
    )

    st.header("Referrals and outcomes by force")
    table(
        shown.people_table("outcomes_by_force", published.tables["outcomes_by_force"]),
        "Referrals of the period's reports by the force that received them, and their "
        "outcomes so far; only forces that received a referral. " + marks("outcomes_by_force"),
    )
    if not published.tables["outcomes_decided_by_force"].empty:
        words = shown.decided_words(published)
        st.header(f"Outcomes decided {words}, by force")
        table(
            shown.people_table(
                "outcomes_decided_by_force", published.tables["outcomes_decided_by_force"]
            ),
            f"The outcomes decided {words}, whenever the report came in, by the force that "
            "received the referral: every force, 0 where it decided none. "
            + marks("outcomes_decided_by_force"),
        )

    # a table added to the release later is shown here, in words, until it is drawn apart
    for spec in TABLES:
        if spec.name not in DRAWN_APART and spec.name in published.tables:
            st.header(spec.title)
            table(
                shown.people_table(spec.name, published.tables[spec.name]),
                f"{spec.description} {marks(spec.name)}".strip(),
            )


def decided_section(event: shown.Decided) -> None:
    """The outcomes decided in the period beside the same outcomes of the period's reports."""
    words = shown.decided_words(published)
    st.header(f"Outcomes decided {words}")
    chart(
        public_charts.paired_bars(
            event.decided.labels,
            [
                (event.decided_label, event.decided.values, event.decided.texts),
                (event.cohort_label, event.cohort.values, event.cohort.texts),
            ],
            "Number",
            ",~g",
        ),
        f"Outcomes decided {words}, beside the same outcomes of the reports received {words} "
        "so far: "
        + "; ".join(
            f"{label}: {decided} decided, {cohort} of the period's reports"
            for label, decided, cohort in zip(
                event.decided.labels, event.decided.texts, event.cohort.texts, strict=True
            )
        ),
    )
    st.caption(
        f"Two ways of counting. '{event.decided_label}': the outcomes decided in the period, "
        "whenever the report came in, as the Home Office and the IOPC count them. "
        f"'{event.cohort_label}': the same outcomes of the reports received in the period, "
        f"decided by {as_at_words(published.as_at, True, True)}; a recent period's are few, "
        "because cases take months. A referral counts once in each outcome, at its first of "
        "that kind."
    )
    table(
        event.table,
        "Days: whole days from the report to the outcome, for the outcomes decided in the "
        "period; half took no longer than the first, 9 in 10 no longer than the second. "
        + event.note,
    )


DRAWN_APART = {
    "headline",
    "reports_by_month",
    "timeliness",
    "reports_by_category",
    "reports_by_force",
    "outcomes_by_force",
    "outcomes_decided",
    "outcomes_decided_by_force",
}

if force:
    force_page(force)
else:
    every_force_page()

if published.revisions:
    st.header("What changed on revision")
    st.caption(f"{len(published.revisions):,} figures changed since the earlier release.")
    table(shown.revisions_table(published))

st.header("Download the figures")
st.caption(
    "The released files, exactly as published: each table as a CSV file (codes and exact "
    f"decimals, for reuse; {SUPPRESSED} marks a withheld figure), and the whole release."
)
for spec in TABLES:
    if f"{spec.name}.csv" in files:
        st.download_button(
            f"{spec.title} ({spec.name}.csv)",
            # as released, byte for byte
            data=recorded(f"{spec.name}.csv", files[f"{spec.name}.csv"]),
            file_name=f"{spec.name}_{key}.csv",
            mime="text/csv",
            key=f"public_{spec.name}",
            # no rerun on a download: a rerun can clear the file before the browser fetches it
            on_click="ignore",
        )
download_zip()
with st.expander("How small numbers are protected"):
    st.markdown(shown.suppressed_words(published.threshold))
    st.markdown("\n".join(f"- {rule}" for rule in disclosure.rules(published.threshold)))
