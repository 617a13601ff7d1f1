"""The public view (OVERSIGHT_AUDIENCE=public) and the staff-only Publish page, in AppTest:
the public sees only releases from the register, as they were published, checked against
counts worked out by hand from the demo extract."""

import datetime as dt
import shutil
import xml.etree.ElementTree as ET

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oversight.db import connect_read_only
from oversight.ingest import import_extract
from oversight.ledger import ledger_path
from oversight.snapshot.model import SUPPRESSED, TABLES
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.release import publish
from tests.pages.conftest import APP, run_app
from tests.snapshot.test_snapshot import revised_extract
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
         "fy2023": (dt.date(2023, 4, 1), dt.date(2024, 3, 31))}  # fmt: skip


def release(db_path, *periods: PublicPeriod, now: dt.datetime | None = None) -> None:
    con = connect_read_only(db_path)
    try:
        for period in periods:
            publish(db_path, con, period, now=now)
    finally:
        con.close()


@pytest.fixture(scope="module")
def released_db(demo_database, tmp_path_factory):
    """A copy of the demo database (the shared one must stay as it is) with FY 2023/24 and
    FY 2024/25 released."""
    db_path = tmp_path_factory.mktemp("released") / "demo.duckdb"
    shutil.copy(demo_database, db_path)
    release(db_path, PublicPeriod(2024), PublicPeriod(2023))
    return db_path


@pytest.fixture
def open_public(released_db, monkeypatch):
    def opener(query: dict | None = None, db_path=None) -> AppTest:
        monkeypatch.setenv("OVERSIGHT_DB", str(db_path or released_db))
        monkeypatch.setenv("OVERSIGHT_AUDIENCE", "public")
        return run_app(AppTest.from_file(APP, default_timeout=120), query)

    return opener


def published(value: int) -> str:
    """How a count is shown in public, by the rule of docs/metrics.md (threshold 5)."""
    return SUPPRESSED if 1 <= value <= 4 else f"{value:,}"


def tiles(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("year", YEARS)
def test_public_tiles_are_the_released_counts_with_small_ones_hidden(open_public, demo, year):
    app = open_public({"period": year})
    headline = expected_tables(demo, *YEARS[year])["headline"].set_index("measure")["value"]
    assert tiles(app) == {label: published(int(headline[m])) for label, m in TILES.items()}


def test_nothing_is_shown_before_the_first_release(open_public, demo_database, tmp_path):
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_database, db_path)
    app = open_public(db_path=db_path)
    assert [i.value for i in app.info] == ["No figures have been published yet."]
    assert not app.metric and not app.dataframe


def test_a_release_of_an_earlier_layout_is_offered_as_its_files(open_public, released_db, tmp_path):
    """A release whose tables were published with other columns (as an earlier Oversight wrote
    them) is not drawn from the current layout: the page says so and offers its files."""
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(released_db, db_path)
    shutil.copy(ledger_path(released_db), ledger_path(db_path))
    older = (
        b"force_code,force_name,reports,officer_fte,reports_per_1000_officers\nkent,Kent,9,1,9\n"
    )
    with duckdb.connect(str(ledger_path(db_path))) as con:
        con.execute(
            "update release_files set content = $older where file_name = 'reports_by_force.csv'",
            {"older": older},
        )
    app = open_public({"period": "fy2024"}, db_path=db_path)
    assert "earlier layout" in app.info[0].value
    assert not app.metric and not app.dataframe


def test_only_released_periods_are_offered(open_public):
    app = open_public()
    box = app.selectbox(key="public_period")
    assert box.options == ["Financial year 2024/25", "Financial year 2023/24"]
    assert not app.sidebar.multiselect and not app.sidebar.date_input  # no free filters
    app.selectbox(key="public_period").set_value("fy2023").run()
    assert not app.exception
    assert app.query_params["period"] in ("fy2023", ["fy2023"])


def test_the_figures_stay_as_released_whatever_is_imported_since(
    open_public, demo, demo_files, tmp_path
):
    db_path = demo_database_path(demo_files, tmp_path)
    release(db_path, PublicPeriod(2024))
    before = tiles(open_public({"period": "fy2024"}, db_path=db_path))
    # one more report received in FY 2024/25 (online, Kent), imported after the release
    import_extract(revised_extract(demo_files, tmp_path / "extract"), db_path, synthetic=True)
    after = open_public({"period": "fy2024"}, db_path=db_path)
    headline = expected_tables(demo, *YEARS["fy2024"])["headline"].set_index("measure")["value"]
    assert tiles(after) == before
    assert tiles(after)["Reports"] == f"{int(headline['reports']):,}"  # not one more
    caption = " ".join(c.value for c in after.caption)
    assert "Revised" not in caption and "as at October 2026" in caption


def demo_database_path(demo_files, tmp_path):
    db_path = tmp_path / "fresh" / "demo.duckdb"
    import_extract(list(demo_files.values()), db_path, synthetic=True)
    return db_path


def test_a_revised_release_says_so(open_public, demo_files, tmp_path):
    db_path = demo_database_path(demo_files, tmp_path)
    release(db_path, PublicPeriod(2024), now=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    # a revision recorded as publish records one (its checks are tested with the command line)
    from oversight import ledger
    from oversight.snapshot import register
    from oversight.snapshot.release import public_snapshot
    from oversight.snapshot.write import snapshot_files

    con = connect_read_only(db_path)
    try:
        with ledger.appending(db_path) as ledger_con:
            earlier = register.releases_in(ledger_con)
            snapshot = public_snapshot(con, PublicPeriod(2024), 5, earlier)
            written, files = snapshot_files(snapshot, now=dt.datetime(2027, 7, 5, tzinfo=dt.UTC))
            written.exact = snapshot.exact
            register.record(ledger_con, db_path, PublicPeriod(2024), written, files, 1)
    finally:
        con.close()
    app = open_public({"period": "fy2024"}, db_path=db_path)
    caption = " ".join(c.value for c in app.caption)
    assert "Revised on release in July 2027" in caption
    assert "first released in November 2026" in caption


def test_no_table_shows_a_count_from_1_to_4(open_public):
    app = open_public({"period": "fy2024"})
    assert len(app.dataframe) == len(TABLES)
    hidden = 0
    for frame in app.dataframe:
        table = frame.value
        for column in ("value", "reports", "referrals", "investigations", "case_to_answer",
                       "dismissals", "would_have_been_dismissed", "cases", "decided",
                       "false_allegations", "barred", "criminal_charges"):  # fmt: skip
            if column in table:
                for cell in table[column]:
                    hidden += cell == SUPPRESSED
                    assert cell == SUPPRESSED or not 1 <= int(cell) <= 4, (column, cell)
    assert hidden > 0


def test_released_rates_are_a_year_over_the_days_in_the_service(open_public, demo):
    """FY 2023/24 spans the national launch: the Met's rate is over all 366 days, every other
    force's over its 18 from 14 March 2024 (worked out by hand in expected_tables), with the
    officer-years beside it, and [c] where the count of reports is."""
    app = open_public({"period": "fy2023"})
    by_force = next(f.value for f in app.dataframe if "officer_years" in f.value)
    shown = by_force.set_index("force_code")
    exact = expected_tables(demo, *YEARS["fy2023"])["reports_by_force"].set_index("force_code")
    officers = exact["officer_fte"]
    assert exact.loc["metropolitan", "officer_years"] == round(
        officers["metropolitan"] * 366 / 365.25, 2
    )
    assert exact.loc["kent", "officer_years"] == round(officers["kent"] * 18 / 365.25, 2)
    hidden = 0
    for code, row in exact.iterrows():
        years, rate = row["officer_years"], row["reports_per_1000_officers_a_year"]
        assert shown.loc[code, "officer_years"] == ("" if pd.isna(years) else f"{years:.2f}")
        if shown.loc[code, "reports"] == SUPPRESSED:
            hidden += 1
            assert shown.loc[code, "reports_per_1000_officers_a_year"] in (SUPPRESSED, "")
        else:
            wanted = "" if pd.isna(rate) else f"{rate:.2f}"
            assert shown.loc[code, "reports_per_1000_officers_a_year"] == wanted, code
    assert hidden > 0


def test_the_public_page_names_no_day(open_public):
    """Months only: not the period's first or last day, nor the as-at date (31 Oct 2026); the
    officer figures' reference date (31 March 2025) is published reference data, not a report's."""
    app = open_public({"period": "fy2024"})
    text = " ".join(e.value for e in [*app.caption, *app.markdown, *app.error])
    for day in ("1 Apr", "31 Oct", "2026-10-31", "1 April", "31 March 2025 (", "31 October"):
        assert day not in text, day
    assert "April 2024 to March 2025" in text and "as at October 2026" in text


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
    text = " ".join(m.value for m in app.markdown)
    # nothing live: the stored data's as-at month and span move with every import, and would
    # tell that reports arrived in months not yet released
    assert "Reports stored" not in text and "As-at date:" not in text
    assert "as-at month" in text


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


def test_publish_page_offers_fixed_periods_in_public_and_any_dates_internally(open_page, demo):
    app = open_page("app_pages/publish.py")
    options = app.selectbox(key="publish_public_period").options
    assert options[:3] == ["April to June 2026 (2026/27 quarter 1)", "Financial year 2025/26",
                           "January to March 2026 (2025/26 quarter 4)"]  # fmt: skip
    assert all("Financial year" in o or "quarter" in o for o in options)
    assert not app.date_input  # no custom dates in public
    app.selectbox(key="publish_public_period").set_value("fy2024").run()
    assert not app.exception
    assert "Public snapshot" in app.success[0].value
    assert "publish --year 2024" in app.success[0].value
    exact = expected_tables(demo, *YEARS["fy2024"])
    public_by_force = app.dataframe[1].value.set_index("force_code")["reports"]
    exact_by_force = exact["reports_by_force"].set_index("force_code")["reports"]
    for code, value in exact_by_force.items():
        assert public_by_force[code] == published(int(value)).replace(",", "")
    app.toggle[0].set_value(False).run()
    assert not app.exception
    assert "Not for publication" in app.warning[-1].value
    app.selectbox(key="publish_period").set_value("fy2024").run()
    internal_by_force = app.dataframe[1].value.set_index("force_code")["reports"]
    assert internal_by_force.to_dict() == {k: str(v) for k, v in exact_by_force.items()}
    app.selectbox(key="publish_period").set_value("custom").run()
    assert app.date_input  # internal previews keep custom dates
    labels = [button.label for button in app.get("download_button")]
    assert any("zip" in label for label in labels)


@pytest.mark.parametrize("public", [True, False])
def test_the_publish_page_and_the_command_line_give_the_same_files(
    open_page, page_db, tmp_path, monkeypatch, public
):
    """Same tables byte for byte, same cover note but its generation time, for the same
    period and audience; a threshold setting applies to both alike (and to no internal one)."""
    from tests.snapshot.test_snapshot import read_tables
    from tests.system.test_cli import oversight

    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_THRESHOLD", "7")
    app = open_page("app_pages/publish.py")
    if public:
        app.selectbox(key="publish_public_period").set_value("fy2024").run()
    else:
        app.toggle[0].set_value(False).run()
        app.selectbox(key="publish_period").set_value("fy2024").run()
    assert not app.exception
    args = ["--year", "2024"] + (["--public"] if public else [])
    env = {**__import__("os").environ, "OVERSIGHT_DISCLOSURE_THRESHOLD": "7"}
    result = oversight("snapshot", "--db", str(page_db), "--out", str(tmp_path / "cli"), *args,
                       env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    files = read_tables(tmp_path / "cli")
    shown = [frame.value for frame in app.dataframe]
    for frame, (name, written) in zip(shown, files.items(), strict=True):
        assert frame.equals(written), name
    page_cover = app.expander[0].markdown[0].value

    def without_time(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("- Generated"))

    cli_cover = (tmp_path / "cli" / "README.md").read_text(encoding="utf-8")
    assert without_time(page_cover) == without_time(cli_cover)
    assert ("fewer than 7" in cli_cover) == public  # the setting, in public only


def test_the_public_page_maps_the_released_rates(open_public):
    """FY 2023/24: the map draws each force's released rate, hatches the forces whose rate is
    withheld, lists the forces it cannot draw beside it, and carries the licence's attribution."""
    app = open_public({"period": "fy2023"})
    by_force = next(f.value for f in app.dataframe if "officer_years" in f.value)
    figure = next(m.value for m in app.markdown if "<svg" in m.value)
    assert "Office for National Statistics licensed under the Open Government Licence" in figure
    svg = "{http://www.w3.org/2000/svg}"
    drawn = {
        path.get("data-force"): (path.get("fill"), path.find(f"{svg}title").text)
        for path in ET.fromstring(figure).iter(f"{svg}path")
    }
    assert len(drawn) == 43
    withheld = 0
    for row in by_force.itertuples():
        rate = row.reports_per_1000_officers_a_year
        if row.force_code not in drawn:
            # no officer figure (or a count withheld): listed beside the map with its reports
            assert rate in ("", SUPPRESSED), row.force_code
            beside = next(m.value for m in app.markdown if "Not on the map" in m.value)
            assert f"- {row.force_name}: {row.reports} reports" in beside
        elif rate == SUPPRESSED:
            withheld += 1
            assert drawn[row.force_code] == ("url(#forcemap-hatch)",
                                             f"{row.force_name}: [c] withheld")  # fmt: skip
        else:
            fill, title = drawn[row.force_code]
            assert fill.startswith("#")
            assert title == f"{row.force_name}: {float(rate):.1f} reports per 1,000 officers a year"
    assert withheld > 0
