"""Oversight dashboard: the router. Page config and navigation by audience; each page begins
with oversight.dashboard.page_setup(), which draws the data banner (and, for staff, the shared
sidebar filters).

OVERSIGHT_AUDIENCE=public serves only the published, disclosure-controlled figures and the
definitions; staff (the default, "internal") see every page and the Publish page.
"""

import streamlit as st

from oversight.settings import SettingError, audience

st.set_page_config(page_title="Oversight", page_icon=":material/policy:", layout="wide")
# .streamlit/config.toml says the same, but only when streamlit is started from this folder:
# visitors never see a traceback, wherever it is started from
st.set_option("client.showErrorDetails", "none")

try:
    who = audience()
except SettingError:
    # a misconfigured server must not fall back to the internal pages, nor say more than this
    st.error("This dashboard is not configured correctly. Please try again later.")
    st.stop()

about = st.Page("app_pages/about.py", title="About the data", icon=":material/info:")
if who == "public":
    pages = [
        st.Page(
            "app_pages/published.py",
            title="Published figures",
            icon=":material/public:",
            default=True,
        ),  # fmt: skip
        about,
    ]
else:
    pages = [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),  # fmt: skip
        st.Page("app_pages/reports.py", title="Reports", icon=":material/campaign:"),
        st.Page("app_pages/outcomes.py", title="Outcomes and timeliness", icon=":material/gavel:"),
        st.Page("app_pages/forces.py", title="Forces", icon=":material/local_police:"),
        st.Page("app_pages/fairness.py", title="Fairness", icon=":material/balance:"),
        st.Page("app_pages/publish.py", title="Publish", icon=":material/publish:"),
        about,
    ]
st.navigation(pages).run()
