"""Fixtures for the page tests: the demo database (tests/conftest.py) and a helper to open a
page in AppTest."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oversight.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
AS_AT = pd.Timestamp("2026-10-31")


@pytest.fixture(scope="session")
def page_db(demo_database) -> Path:
    return demo_database


@pytest.fixture
def open_page(page_db, monkeypatch):
    """open_page("app_pages/x.py", query={...}) -> AppTest that has run app.py on that page;
    with chart_numbers=True, every chart's numbers are shown as well (see open_chart_numbers)."""

    def opener(
        page: str, query: dict[str, str | list[str]] | None = None, chart_numbers: bool = False
    ) -> AppTest:
        monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in (query or {}).items():
            app.query_params[key] = value
        app.run()
        if page != "app_pages/overview.py":
            app.switch_page(page).run()
        assert not app.exception, app.exception
        return open_chart_numbers(app) if chart_numbers else app

    return opener


def open_chart_numbers(app: AppTest) -> AppTest:
    """Open every "The numbers behind this chart" box and rerun: a chart's numbers table is
    drawn only while its box is open (dashboard.show_chart). Boxes stay open across reruns.
    A page showing no chart (an empty selection) is left as it is."""
    boxes = [key for key in app.session_state if key.startswith("numbers_")]
    if not boxes:
        return app
    for key in boxes:
        app.session_state[key] = True
    app.run()
    assert not app.exception, app.exception
    return app
