"""What a staff session does, put on record in the audit log (oversight/audit.py): sign-ins and
sign-outs, the pages and filters viewed, and every download.

Only sessions with a user are recorded (signed in, or the no-sign-in "local" user): a public
visitor has no identity to record. Views are recorded when the page or its filters change, not
on every rerun, and written in batches.
"""

from collections.abc import Callable

import streamlit as st

from oversight import audit
from oversight.access import SIGNED_IN, Session, current_session
from oversight.settings import resolve_db_path

_SIGNED_IN_AS = "_oversight_signed_in_as"
_LAST_VIEW = "_oversight_last_view"
_PAGE = "_oversight_page"


def _record(session: Session, event: str, page: str = "", detail: dict | None = None) -> None:
    if session.user:
        audit.record(resolve_db_path(), session.user, session.role, event, page, detail)


def note_sign_in(session: Session) -> None:
    """Record a sign-in the first time a session is seen signed in as its user."""
    if session.how == SIGNED_IN and st.session_state.get(_SIGNED_IN_AS) != session.user:
        st.session_state[_SIGNED_IN_AS] = session.user
        _record(session, audit.SIGN_IN)


def sign_out() -> None:
    """The Sign out button: on record, then Streamlit's sign-out (the cookie is cleared)."""
    session = current_session()
    _record(session, audit.SIGN_OUT)
    audit.flush(resolve_db_path())
    st.session_state.pop(_SIGNED_IN_AS, None)
    st.logout()


def note_page(title: str) -> None:
    """The page this rerun shows (app.py), for the view and download events."""
    st.session_state[_PAGE] = title


def note_view(filters_text: str = "") -> None:
    """Record the page and its filters, if either changed since this session's last view."""
    session = current_session()
    view = (st.session_state.get(_PAGE, ""), filters_text)
    if st.session_state.get(_LAST_VIEW) != view:
        st.session_state[_LAST_VIEW] = view
        _record(session, audit.VIEW, view[0], {"filters": filters_text} if filters_text else None)


def recorded(
    what: str, make: Callable[[], bytes] | bytes, event: str = audit.DOWNLOAD, **detail
) -> Callable[[], bytes]:
    """A download button's data that records the download when it is made (on the click): who,
    what file, from which page, with detail (the period, the force); event is the kind on the
    audit log (audit.SNAPSHOT for a snapshot's zip)."""
    session = current_session()
    page = st.session_state.get(_PAGE, "")

    def made() -> bytes:
        # run when the file is asked for, outside the page's run: what it needs is kept above
        _record(session, event, page, {"file": what, **detail})
        return make() if callable(make) else make

    return made
