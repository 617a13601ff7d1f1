"""Oversight dashboard: the router. Page config and navigation; each page begins with
oversight.dashboard.page_setup(), which draws the data banner and the shared sidebar filters."""

import streamlit as st

st.set_page_config(page_title="Oversight", page_icon=":material/policy:", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/reports.py", title="Reports", icon=":material/campaign:"),
    st.Page("app_pages/outcomes.py", title="Outcomes and timeliness", icon=":material/gavel:"),
    st.Page("app_pages/forces.py", title="Forces", icon=":material/local_police:"),
    st.Page("app_pages/fairness.py", title="Fairness", icon=":material/balance:"),
    st.Page("app_pages/about.py", title="About the data", icon=":material/info:"),
]
st.navigation(pages).run()
