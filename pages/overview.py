"""Overview (placeholder until the full pages land): headline counts for all stored reports."""

import streamlit as st

from oversight.dashboard import query, stored_data_status

status = stored_data_status()
st.title("Police Anti-Corruption and Abuse Reporting Service")

if status.first_received_date is None:
    st.info("No reports are stored yet. Import an extract with `python -m oversight import`.")
    st.stop()

first, last = status.first_received_date, status.last_received_date
counts = query("headline_counts", first_date=first, last_date=last).iloc[0]
st.subheader(f"Reports received {first:%d %B %Y} to {last:%d %B %Y}")
st.caption(f"Referrals and investigations of those reports so far, as at {status.as_at_date}.")

tiles = [
    ("Reports", counts["reports_count"]),
    ("By phone", counts["phone_count"]),
    ("Online", counts["online_count"]),
    ("Passed to a force", counts["disseminated_count"]),
    ("Investigations", counts["investigations_count"]),
    ("Transferred", counts["transferred_count"]),
]
for column, (label, value) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, f"{int(value):,}")
