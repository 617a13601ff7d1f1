"""The public view (OVERSIGHT_AUDIENCE=public) and the staff-only Publish page, in AppTest:
the public sees only disclosure-controlled figures of whole financial years, checked against
counts worked out by hand from the demo extract."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from oversight.snapshot.model import SUPPRESSED
from tests.pages.conftest import APP
from tests.snapshot.test_tables import expected_tables

TILES = {
    "Reports": "reports",
    "By phone": "reports_phone",
    "Online": "reports_online",
    "Passed to a force": "disseminated_reports",
    "Investigations": "investigations",
    "Case to answer": "case_to_answer",
    "Dismissals": "dismissals",
    "Removed from policing": "removed_from_policing",
    "Open cases": "open_cases",
    "Awaiting a force's decision": "awaiting_force_decision",
}
YEARS = {"fy2024": (dt.date(2024, 4, 1), dt.date(2025, 3, 31)),
         "fy2025": (dt.date(2025, 4, 1), dt.date(2026, 3, 31))}  # fmt: skip


@pytest.fixture
def open_public(page_db, monkeypatch):
    def opener(query: dict | None = None) -> AppTest:
        monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
        monkeypatch.setenv("OVERSIGHT_AUDIENCE", "public")
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in (query or {}).items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, app.exception
        return app

    return opener


def published(value: int) -> str:
    """How a count is shown in public, by the rule of docs/metrics.md (threshold 5)."""
    return SUPPRESSED if 1 <= value <= 4 else f"{value:,}"


@pytest.mark.parametrize("year", YEARS)
def test_public_tiles_are_the_counts_with_small_ones_hidden(open_public, demo, year):
    app = open_public({"period": year})
    headline = expected_tables(demo, *YEARS[year])["headline"].set_index("measure")["value"]
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown == {label: published(int(headline[m])) for label, m in TILES.items()}


def test_choosing_another_year_changes_the_figures(open_public, demo):
    app = open_public({"period": "fy2024"})
    before = app.metric[0].value
    app.selectbox(key="public_period").set_value("fy2025").run()
    assert not app.exception
    reports = expected_tables(demo, *YEARS["fy2025"])["headline"]["value"].iloc[0]
    assert app.metric[0].value == f"{reports:,}" != before
    assert app.query_params["period"] in ("fy2025", ["fy2025"])


def test_only_whole_financial_years_are_offered(open_public):
    app = open_public()
    options = app.selectbox(key="public_period").options
    assert options and all("Financial year" in option for option in options)
    assert not app.sidebar.multiselect and not app.sidebar.date_input  # no free filters


def test_no_table_shows_a_count_from_1_to_4(open_public):
    app = open_public({"period": "fy2024"})
    assert len(app.dataframe) == 6
    hidden = 0
    for frame in app.dataframe:
        table = frame.value
        for column in ("value", "reports", "referrals", "investigations", "case_to_answer",
                       "dismissals", "would_have_been_dismissed", "cases"):  # fmt: skip
            if column in table:
                for cell in table[column]:
                    hidden += cell == SUPPRESSED
                    assert cell == SUPPRESSED or not 1 <= int(cell) <= 4, (column, cell)
    assert hidden > 0


def test_the_public_reaches_no_staff_page(open_public):
    app = open_public()
    with pytest.raises(ValueError, match="Known pages") as refused:
        app.switch_page("app_pages/overview.py")
    known = str(refused.value).split("Known pages:")[1]
    assert "published.py" in known and "about.py" in known
    for page in ("overview", "reports", "outcomes", "forces", "fairness", "publish"):
        assert f"{page}.py" not in known


def test_public_about_page_hides_import_history_and_exact_counts(open_public):
    app = open_public()
    app.switch_page("app_pages/about.py").run()
    assert not app.exception
    headers = [h.value for h in app.header]
    assert "Import history" not in headers and "Data-quality notes" not in headers
    assert "Protecting reporters and officers" in headers
    assert not app.dataframe


def test_an_unknown_audience_shows_nothing_but_a_plain_message(page_db, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DB", str(page_db))
    monkeypatch.setenv("OVERSIGHT_AUDIENCE", "everyone")
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "This dashboard is not configured correctly. Please try again later."
    ]
    assert not app.metric and not app.dataframe


def test_a_missing_database_tells_the_public_nothing_internal(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DB", str(tmp_path / "missing.duckdb"))
    monkeypatch.setenv("OVERSIGHT_AUDIENCE", "public")
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    messages = [e.value for e in app.error]
    assert messages == ["The figures are not available at the moment. Please try again later."]


def test_publish_page_previews_public_then_internal(open_page, demo):
    app = open_page("app_pages/publish.py")
    app.selectbox(key="publish_period").set_value("fy2024").run()
    assert not app.exception
    assert "Public snapshot" in app.success[0].value
    exact = expected_tables(demo, *YEARS["fy2024"])
    public_by_force = app.dataframe[1].value.set_index("force_code")["reports"]
    exact_by_force = exact["reports_by_force"].set_index("force_code")["reports"]
    for code, value in exact_by_force.items():
        assert public_by_force[code] == published(int(value)).replace(",", "")
    app.toggle[0].set_value(False).run()
    assert not app.exception
    assert "Not for publication" in app.warning[-1].value
    internal_by_force = app.dataframe[1].value.set_index("force_code")["reports"]
    assert internal_by_force.to_dict() == {k: str(v) for k, v in exact_by_force.items()}
    labels = [button.label for button in app.get("download_button")]
    assert any("zip" in label for label in labels)
