"""A page's analysis is worked out once for every session asking for the same figures with the
same reach (dashboard.analysed), and never shared between reaches: measured by a real analysis
that notes each time it runs in a file, in separate AppTest sessions on the demo database."""

import datetime as dt
import os

import pandas as pd
from streamlit.testing.v1 import AppTest

from oversight.analysis.overview import headline_counts
from oversight.filters import Filters

CALLS = "OVERSIGHT_TEST_ANALYSIS_CALLS"
PERIOD = (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def counted_headline(run, filters: Filters, as_at: dt.date) -> int:
    """The headline report count, noting in a file each time it is worked out."""
    with open(os.environ[CALLS], "a") as log:
        log.write(f"{filters.forces}\n")
    return int(headline_counts(run, filters, as_at)["reports"])


def _page(role: str, forces: tuple, period: tuple) -> None:
    import streamlit as st

    from oversight.access import SIGNED_IN, Session
    from oversight.dashboard import analysed
    from oversight.filters import Filters
    from oversight.roles import Access
    from tests.pages.test_shared_analysis import counted_headline

    st.session_state["_oversight_session"] = Session(Access(role, forces), SIGNED_IN)
    filters = Filters(*period, forces=forces)
    st.markdown(f"reports {analysed(counted_headline, filters, period[1])}")


def _open(role: str, forces: tuple = (), period: tuple = PERIOD) -> str:
    app = AppTest.from_function(_page, kwargs={"role": role, "forces": forces, "period": period})
    app.run(timeout=60)
    assert not app.exception, app.exception
    return app.markdown[0].value


def _expected(demo: dict, forces: tuple) -> str:
    reports = demo["reports"]
    received = reports["received_date"]
    chosen = (received >= pd.Timestamp(PERIOD[0])) & (received <= pd.Timestamp(PERIOD[1]))
    if forces:
        chosen &= reports["subject_force"].isin(forces)
    return f"reports {int(chosen.sum())}"


def test_sessions_asking_for_the_same_figures_share_one_analysis(
    page_db, demo, tmp_path, monkeypatch
):
    calls = tmp_path / "calls.txt"
    calls.touch()
    monkeypatch.setenv(CALLS, str(calls))
    monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
    # a period no other test asks for, so that nothing is cached before the first session
    national = _expected(demo, ())
    assert _open("national") == national
    assert _open("national") == national  # a second session: from the cache
    assert _open("admin") == national  # another role of the same reach still works it out
    assert calls.read_text().splitlines() == ["()", "()"]


def test_a_force_users_analysis_is_never_another_reachs(page_db, demo, tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    calls.touch()
    monkeypatch.setenv(CALLS, str(calls))
    monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
    kent = _expected(demo, ("kent",))
    # the same arguments: a national user narrowing to Kent, then Kent's own user
    assert _open("national", ("kent",)) == kent
    assert _open("force", ("kent",)) == kent
    assert _open("force", ("kent",)) == kent
    assert _open("force", ("lincolnshire",)) == _expected(demo, ("lincolnshire",))
    assert calls.read_text().splitlines() == ["('kent',)", "('kent',)", "('lincolnshire',)"]
