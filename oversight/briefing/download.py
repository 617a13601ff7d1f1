"""The Forces page's button: a briefing on the force shown, for the sidebar's selection, as a
zip of briefing.html and briefing.pdf, made on the click and put on the audit log as a
briefing.

The file is made after the rerun, on a thread with no session to ask, so the queries are fixed
now to this rerun's database version and the user's role: everything through runner_for_later
(narrowed to a force user's forces), and for a force user its region and England and Wales
counted over every force and audited by force_user_view, as the page shows them.
"""

import functools

import streamlit as st

from oversight import audit
from oversight.access import current_session
from oversight.activity import recorded
from oversight.briefing.content import internal_briefing
from oversight.briefing.write import briefing_name, briefing_zip
from oversight.dashboard import connection, runner_for_later
from oversight.db import run_query
from oversight.filters import Filters
from oversight.settings import disclosure_threshold
from oversight.status import DataStatus


def briefing_button(focus: str, filters: Filters, status: DataStatus) -> None:
    """Draw the download button of a briefing on focus for the filters."""
    session = current_session()
    own = session.forces if session.role == "force" else ()
    run = runner_for_later()
    # audited before anything reaches the file, as query_every_force's figures on the page
    every_force = functools.partial(run_query, connection()) if own else None
    threshold = disclosure_threshold()
    name = briefing_name(focus, filters.first_date, filters.last_date)

    def make() -> bytes:
        briefing = internal_briefing(run, filters, status, focus, every_force=every_force,
                                     own=own, threshold=threshold)  # fmt: skip
        return briefing_zip(briefing, name)

    st.download_button(
        "Download a briefing on this force (zip: printable HTML and PDF)",
        data=recorded(
            f"{name}.zip",
            make,
            event=audit.BRIEFING,
            period=f"{filters.first_date} to {filters.last_date}",
            forces=[focus],
        ),
        file_name=f"{name}.zip",
        mime="application/zip",
        key="download_briefing",
        help="For the accountability meeting with the chief constable: this force's figures "
        "beside its region and England and Wales, trends, outcomes, timeliness, referrals "
        "overdue now, fairness and questions written from the figures, for the period and "
        "choices in the sidebar. Internal: exact figures, not for publication.",
        # no rerun on a download: a rerun can clear the file before the browser fetches it
        on_click="ignore",
    )
