"""Oversight dashboard: the router. Page config, navigation, and the shared data banner."""

import streamlit as st

from oversight.dashboard import data_banner, ensure_database, stored_data_status

st.set_page_config(page_title="Oversight", page_icon=":material/policy:", layout="wide")

ensure_database()
# Drawn above every page, so no page can show the data without saying what it is.
data_banner(stored_data_status())

page = st.navigation(
    [st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True)]
)
page.run()
