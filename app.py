"""Oversight dashboard: the router. Decides who this session is (oversight/access.py), then
registers only the pages their role may use; each page begins with
oversight.dashboard.page_setup(), which draws the data banner (and, for staff, the sidebar
filters).

The public view (a public server, a visitor who has not signed in, a user without a staff role)
has the published figures and the definitions; force users their own force's pages; national
staff every page and Publish; admins Import and the audit log as well.
"""

from pathlib import Path

import streamlit as st

from oversight import access, activity
from oversight.dashboard import ensure_database, stored_data_status
from oversight.settings import SettingError, audience

ASSETS = Path(__file__).parent / "oversight" / "assets"
# an SVG file, sent inline as a data: address: a ":material/...:" icon makes every browser fetch
# the favicon from fonts.gstatic.com, and the dashboard makes no request outside its server
st.set_page_config(page_title="Oversight", page_icon=str(ASSETS / "favicon.svg"), layout="wide")
# .streamlit/config.toml says the same, but only when streamlit is started from this folder:
# visitors never see a traceback, wherever it is started from
st.set_option("client.showErrorDetails", "none")
st.html(ASSETS / "dashboard.css")  # what the theme cannot say: focus outlines, target sizes


def _synthetic() -> bool:
    """Whether the database holds the synthetic demo (read only when there is no sign-in)."""
    ensure_database()
    return stored_data_status().synthetic


try:
    audience()
    session = access.resolve_session(_synthetic)
except (SettingError, access.AccessRefused) as error:
    # a misconfigured server must not fall back to the staff pages, nor tell a visitor more
    st.error("This dashboard is not configured correctly. Please try again later.")
    print(f"Oversight refused to serve: {error}", flush=True)  # for the operator's log
    st.stop()

access.account_box(session, on_sign_out=activity.sign_out)
activity.note_sign_in(session)

about = st.Page("app_pages/about.py", title="About the data", icon=":material/info:")
published = st.Page("app_pages/published.py", title="Published figures", icon=":material/public:")


def at_root(first: st.Page) -> st.Page:
    """The app's root: it sends the browser on to the role's first page, so that every page,
    the first included, has an address of its own (Streamlit serves its default page at / and
    answers "page not found" at that page's own name)."""

    def home() -> None:
        # a bookmarked view (/?period=fy2025&force=kent) keeps its filters on the way
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page(first, query_params=query)

    return st.Page(home, title=first.title, default=True, visibility="hidden")


if session.is_public:
    pages = [published, about]
else:
    pages = [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:"),
        st.Page("app_pages/reports.py", title="Reports", icon=":material/campaign:"),
        st.Page("app_pages/outcomes.py", title="Outcomes and timeliness", icon=":material/gavel:"),
        st.Page("app_pages/forces.py", title="Forces", icon=":material/local_police:"),
        st.Page("app_pages/fairness.py", title="Fairness", icon=":material/balance:"),
    ]
    if session.role in ("national", "admin"):
        pages.append(st.Page("app_pages/publish.py", title="Publish", icon=":material/publish:"))
    if session.role == "admin":
        pages += [
            st.Page("app_pages/import_data.py", title="Import", icon=":material/upload_file:"),
            st.Page("app_pages/audit_log.py", title="Audit log", icon=":material/history:"),
        ]
    pages += [published, about]
page = st.navigation([at_root(pages[0]), *pages])
activity.note_page(page.title)
page.run()
