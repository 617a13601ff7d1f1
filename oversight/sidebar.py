"""The sidebar filters every page shares, kept in the URL so a view can be bookmarked.

Streamlit clears query parameters when the user moves to another page, so the filters live in
session state (the sidebar's widgets, drawn on every page by app.py) and are written back to
the URL on every run. On a session's first run they are read from the URL.

The browser's Back and Forward buttons go back through the filters chosen. Streamlit 1.67
pushes a history entry each time a run changes the query string, and on Back or Forward reruns
the page with that entry's query string (writes made during that rerun replace the entry
rather than add one). So a URL whose filters differ from the ones this session last wrote
means the user went back or forward: its filters win over the widgets' state, and the view
changes. (A URL with no filters at all is a page change, which clears them: the session's
filters are kept.)
"""

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.runtime.state import get_session_state

from oversight.analysis.reports import CHANNEL_LABELS
from oversight.contract import CATEGORIES, CHANNELS, SUBJECT_ROLES
from oversight.filters import (
    Filters,
    Period,
    filters_from_query,
    filters_to_query,
    period_presets,
)
from oversight.status import DataStatus

CUSTOM = "custom"
SAVED = "filters_chosen"
WRITTEN = "filters_written"  # the filters' query parameters this session last put in the URL
# The range the custom-date picker allows (the service began in November 2022).
EARLIEST, LATEST = dt.date(2015, 1, 1), dt.date(2035, 12, 31)
URL_KEYS = ("period", "from", "to", "force", "region", "channel", "category", "role")
# The filter widgets' keys
KEYS = ("f_period", "f_dates", "f_regions", "f_forces", "f_channels", "f_categories",
        "f_subject_roles")  # fmt: skip
# The role of the person reported (subject_role), not a dashboard user's role (access.py).
SUBJECT_ROLE_LABELS = {
    "officer": "Officer",
    "staff": "Staff",
    "volunteer": "Volunteer",
    "unknown": "Role not known",
}


def _url_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _sent_by_the_page() -> frozenset[str]:
    """The filter widgets whose values this rerun's request carries although this session has
    never drawn them: the page drew them in a session of another server, which has gone (a
    replica died: docs/deploy.md), and now talks to this one. Their values are the user's
    latest choice (the URL still holds the choice before it), so the URL must not overwrite
    them. Streamlit has no public way to ask: a keyed widget's id ends with "-" and its key."""
    if WRITTEN in st.session_state:
        return frozenset()  # this session drew the filters before: its own state is right
    sent = get_session_state()._state._new_widget_state.states
    return frozenset(key for key in KEYS if any(i.endswith(f"-{key}") for i in sent))


def _seed_widgets(filters: Filters, overwrite: bool = False, sent: frozenset = frozenset()) -> None:
    """Give every filter widget its value: what it holds now, else what filters hold (always
    what filters hold when overwrite is set: the user went back or forward in the browser),
    except the widgets whose values the page sent (sent): the page's are kept.

    Writing each key back on every run keeps it when Streamlit would clean up the widget's
    state on a page change.
    """
    seeds = {
        "f_period": filters.period_key,
        "f_dates": (_clamp(filters.first_date), _clamp(filters.last_date)),
        "f_regions": list(filters.regions),
        "f_forces": list(filters.forces),
        "f_channels": list(filters.channels),
        "f_categories": list(filters.categories),
        "f_subject_roles": list(filters.subject_roles),
    }
    for key, seed in seeds.items():
        if key not in sent:
            st.session_state[key] = seed if overwrite else st.session_state.get(key, seed)


def _filters_in(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters' own parameters of a URL query (no page's own, such as focus)."""
    return {key: query[key] for key in URL_KEYS if query.get(key)}


def _went_back_or_forward(query: dict[str, list[str]]) -> bool:
    """Whether the URL's filters are not the ones this session last wrote: the user moved
    through the browser's history (a URL without filters is a page change)."""
    written = st.session_state.get(WRITTEN)
    in_url = _filters_in(query)
    return written is not None and bool(in_url) and in_url != written


def choose_subject_roles(roles: tuple[str, ...]) -> None:
    """Set the sidebar's role filter to roles: a widget callback (on_click), for a page's
    shortcut such as "officers only", run before the sidebar is drawn again."""
    st.session_state["f_subject_roles"] = [r for r in SUBJECT_ROLES if r in roles]


def _clamp(day: dt.date) -> dt.date:
    return min(max(day, EARLIEST), LATEST)


@dataclass(frozen=True)
class ForceChoices:
    """What the force and region filters offer, from the forces reference (read once per
    database version, not on every rerun)."""

    names: tuple[tuple[str, str], ...]  # (force_code, short_name), in the reference's order
    regions_of: tuple[tuple[str, str | None], ...]  # (force_code, region_name or None)
    regions: tuple[str, ...]  # sorted
    fixed: bool = False  # a force user's own forces: the only ones offered, no region filter

    def only(self, forces: tuple[str, ...]) -> "ForceChoices":
        """The choices a force user has: its own forces, and no region."""
        return ForceChoices(
            names=tuple((code, name) for code, name in self.names if code in forces),
            regions_of=tuple((code, None) for code, _ in self.regions_of if code in forces),
            regions=(),
            fixed=True,
        )


def force_choices(forces: pd.DataFrame) -> ForceChoices:
    """The filters' choices from the forces reference (queries/forces_reference.sql)."""
    codes = forces["force_code"].tolist()
    regions = [None if pd.isna(r) else str(r) for r in forces["region_name"].tolist()]
    return ForceChoices(
        names=tuple(zip(codes, forces["short_name"].tolist(), strict=True)),
        regions_of=tuple(zip(codes, regions, strict=True)),
        regions=tuple(sorted({r for r in regions if r is not None})),
    )


def sidebar_filters(status: DataStatus, choices: ForceChoices) -> Filters:
    """Draw the filters in the sidebar and return what they select (also written to the URL)."""
    presets = period_presets(
        status.first_received_date, status.last_received_date, status.as_at_date
    )
    force_names = dict(choices.names)
    regions = list(choices.regions)
    # A new session reads the URL, and so does Back or Forward. A page change clears the URL
    # and may drop the widgets' state: restore what this session chose before, and hold each
    # value over the change.
    query = _url_query()
    moved = _went_back_or_forward(query)
    chosen = (None if moved else st.session_state.get(SAVED)) or filters_from_query(
        query, presets, set(force_names), set(regions)
    )
    sent = _sent_by_the_page()
    _seed_widgets(chosen, overwrite=moved, sent=sent)

    with st.sidebar:
        st.header("Filters")
        options = [*presets, CUSTOM]
        if "f_period" not in sent and st.session_state.get("f_period") not in options:
            st.session_state["f_period"] = "all"
        key = st.selectbox(
            "Period (date the report was received)",
            options,
            key="f_period",
            format_func=lambda k: presets[k].label if k in presets else "Custom dates",
        )
        if key == CUSTOM:
            first, last = _date_range(presets["all"])
        else:
            first, last = presets[key].first, presets[key].last
            st.caption(f"{first:%d %b %Y} to {last:%d %b %Y}")
        chosen_regions = (
            st.multiselect("Region", regions, key="f_regions", placeholder="All") if regions else []
        )
        force_options = [
            code for code, region in choices.regions_of
            if not chosen_regions or region in chosen_regions
        ]  # fmt: skip
        if "f_forces" not in sent:
            st.session_state["f_forces"] = [
                f for f in st.session_state.get("f_forces", []) if f in force_options
            ]
        if choices.fixed and len(force_options) == 1:
            # a force user's one force: nothing to choose
            st.markdown(f"**Force:** {force_names[force_options[0]]}")
            chosen_forces = force_options
        else:
            chosen_forces = st.multiselect(
                "Force",
                force_options,
                key="f_forces",
                format_func=force_names.get,
                placeholder="All your forces" if choices.fixed else "All forces",
            )
        chosen_channels = st.multiselect(
            "Channel",
            list(CHANNELS),
            key="f_channels",
            format_func=CHANNEL_LABELS.get,
            placeholder="Phone and online",
        )
        chosen_categories = st.multiselect(
            "Category",
            list(CATEGORIES),
            key="f_categories",
            format_func=lambda c: c.replace("_", " "),
            placeholder="All categories",
        )
        st.caption("Categories: a report that carries any chosen category is included.")
        chosen_roles = st.multiselect(
            "Role of the person reported",
            list(SUBJECT_ROLES),
            key="f_subject_roles",
            format_func=SUBJECT_ROLE_LABELS.get,
            placeholder="Officers, staff and volunteers",
        )

    if choices.fixed and not chosen_forces:
        chosen_forces = force_options  # "all" is all of the user's own forces, named
    filters = Filters(
        first,
        last,
        key,
        tuple(chosen_forces),
        tuple(chosen_regions),
        tuple(c for c in CHANNELS if c in chosen_channels),
        tuple(c for c in CATEGORIES if c in chosen_categories),
        tuple(r for r in SUBJECT_ROLES if r in chosen_roles),
        tuple(force_names[code] for code in chosen_forces),
    )
    st.session_state[SAVED] = filters
    _write_url(filters_to_query(filters))
    return filters


def _write_url(wanted: dict[str, list[str]]) -> None:
    """Put the filters in the URL, leaving any other key (a page's own, e.g. focus) alone.

    In one write: each write of st.query_params that changes the URL adds a browser history
    entry, so a change of several filters at once must be one step back, not several.
    """
    query = _url_query()
    if _filters_in(query) != wanted:
        others = {key: values for key, values in query.items() if key not in URL_KEYS}
        st.query_params.from_dict({**others, **wanted})
    st.session_state[WRITTEN] = wanted


def _date_range(all_data: Period) -> tuple[dt.date, dt.date]:
    chosen = st.date_input(
        "From and to",
        key="f_dates",
        min_value=EARLIEST,
        max_value=LATEST,
        format="YYYY-MM-DD",
    )
    if isinstance(chosen, tuple | list) and len(chosen) == 2:
        return chosen[0], chosen[1]
    # while the user has picked only the first date of a range
    start = chosen[0] if isinstance(chosen, tuple | list) and chosen else all_data.first
    return start, all_data.last
