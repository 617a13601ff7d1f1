"""Audit log (admins only): who signed in, which pages they viewed with which filters, what
they downloaded, imported and published, newest first, from the ledger beside the data file."""

import datetime as dt

import streamlit as st

from oversight import audit
from oversight.access import require_role
from oversight.activity import recorded
from oversight.dashboard import database_path, page_setup
from oversight.exports import csv_bytes, neutralise_formulas
from oversight.ledger import LedgerError

require_role("admin")  # the router shows this page to admins only; a direct run is refused too

ALL_USERS = "All users"
SPANS = {7: "The last 7 days", 30: "The last 30 days", 365: "The last 12 months",
         0: "Everything on record"}  # fmt: skip
SHOWN = 5_000  # rows drawn on the page; the download has them all

page_setup(with_filters=False)
db_path = database_path()
st.title("Audit log")
st.caption(
    "Every sign-in and sign-out, page viewed (with its filters), download, export, import and "
    "publication, and every refused attempt, newest first. Times are in UTC. The log is kept "
    "beside the data file; Oversight never changes or deletes it."
)

# events are written every few seconds: write the waiting ones so that the log is up to date
audit.flush(db_path)
today = dt.datetime.now(dt.UTC).date()
left, right = st.columns(2)
try:
    who = left.selectbox("User", [ALL_USERS, *audit.users(db_path)], key="audit_user")
    # a choice of spans rather than a date picker, whose small date parts fail WCAG's target size
    days = right.selectbox("When", list(SPANS), index=1, format_func=SPANS.get, key="audit_span")
    first = today - dt.timedelta(days=days - 1) if days else None
    last = today
    user = None if who == ALL_USERS else who
    shown = audit.events(db_path, user, first, last, limit=SHOWN)
except LedgerError as error:
    st.error(f"The audit log cannot be read: {error}")
    st.stop()

if shown.empty:
    st.info("No events match this user and these dates.")
    st.stop()
if len(shown) == SHOWN:
    st.caption(f"The newest {SHOWN:,} events are shown; the download has them all.")
# neutralised: user ids, pages and details come from outside and could read as formulas
st.dataframe(
    neutralise_formulas(audit.readable(shown)),
    hide_index=True,
    width="stretch",
    column_config={"What": st.column_config.TextColumn(width="large")},
)
st.download_button(
    "Download the audit log (CSV)",
    # read and written only when clicked, with every event of the choice
    data=recorded("audit_log.csv", lambda: csv_bytes(audit.events(db_path, user, first, last))),
    file_name=f"audit_log_{first or 'start'}_{last}.csv",
    mime="text/csv",
    key="audit_download",
    # no rerun on a download: a rerun can clear the file before the browser fetches it
    on_click="ignore",
)
