"""The public view (OVERSIGHT_AUDIENCE=public) and the staff-only Publish page, in AppTest:
the public sees only releases from the register, as they were published, checked against
counts worked out by hand from the demo extract."""

import csv
import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oversight.db import connect_read_only
from oversight.ingest import import_extract
from oversight.ledger import ledger_path
from oversight.settings import FORCES_CSV, PEER_GROUPS_CSV
from oversight.snapshot.model import SUPPRESSED
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.release import publish
from tests.pages.conftest import APP, run_app, table
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
    "Awaiting a decision": "awaiting_force_decision",
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


# The columns of the tables shown that hold counts, by their headings on the page (the
# outcomes decided in the period and the cohort's beside them are headed by the period:
# COUNT_HEADING).
COUNT_HEADINGS = (
    "Number",
    "Reports",
    "Referrals received",
    "Investigations",
    "Case to answer",
    "False allegations found",
    "Dismissals",
    "Would have been dismissed",
    "Barred from policing",
    "Criminal charges",
    "Cases measured",
    "Phone",
    "Online",
)
COUNT_HEADING = re.compile(r"Decided in \d{4}/\d\d|Of reports received in \d{4}/\d\d, so far")


def shown_counts(app: AppTest) -> list[str]:
    """Every count the page shows: the tiles' figures (but a force's rate) and the count
    columns of its tables."""
    cells = [metric.value for metric in app.metric if metric.label != "Per 1,000 officers"]
    for frame in app.dataframe:
        for column in frame.value.columns:
            if column in COUNT_HEADINGS or COUNT_HEADING.fullmatch(column):
                cells += list(frame.value[column])
    return cells


def test_the_count_columns_checked_include_the_outcomes_decided(open_public):
    """shown_counts reads every count column of the outcomes decided, on both pages: a column
    it missed would go unchecked by the test of small counts below."""
    app = open_public({"period": "fy2024"})
    decided = table(app, "Outcome", "Decided in 2024/25")
    by_force = table(app, "Force", "Barred from policing")
    counts = shown_counts(app)
    for frame in (decided, by_force):
        for column in frame.columns[1:]:
            if "days" not in column:
                assert column in COUNT_HEADINGS or COUNT_HEADING.fullmatch(column), column
    assert len(counts) >= len(tiles(app)) + 2 * len(decided) + 6 * len(by_force)
    assert set(decided.iloc[:, 1]) | set(by_force["Criminal charges"]) <= set(counts)
    kent = open_public({"period": "fy2024", "force": "kent"})
    assert all(c in COUNT_HEADINGS for c in table(kent, "Force", "Criminal charges").columns[1:])


@pytest.mark.parametrize("query", [{"period": "fy2024"}, {"period": "fy2023"},
                                   {"period": "fy2024", "force": "kent"}])  # fmt: skip
def test_no_count_from_1_to_4_is_shown_and_counts_have_thousands_separators(open_public, query):
    app = open_public(query)
    counts = shown_counts(app)
    assert SUPPRESSED in counts
    for cell in counts:
        assert cell == SUPPRESSED or re.fullmatch(r"0|[1-9]\d{0,2}(,\d{3})*", cell), cell
        assert cell == SUPPRESSED or not 1 <= int(cell.replace(",", "")) <= 4, cell
    assert any("," in cell for cell in counts)


def test_released_rates_are_a_year_over_the_days_in_the_service(open_public, demo):
    """FY 2023/24 spans the national launch: the Met's rate is over all 366 days, every other
    force's over its 18 from 14 March 2024 (worked out by hand in expected_tables), shown to one
    decimal place by force name, with the officers, and [c] where the count of reports is."""
    app = open_public({"period": "fy2023"})
    shown = table(app, "Force", "Officers (full-time equivalent)").set_index("Force")
    exact = expected_tables(demo, *YEARS["fy2023"])["reports_by_force"].set_index("force_code")
    officers = exact["officer_fte"]
    assert exact.loc["metropolitan", "officer_years"] == round(
        officers["metropolitan"] * 366 / 365.25, 2
    )
    assert exact.loc["kent", "officer_years"] == round(officers["kent"] * 18 / 365.25, 2)
    assert "force_code" not in shown.columns and "Officer-years counted" in shown.columns
    # the rate next to the name: on a phone the columns after the first few are off the screen
    assert list(shown.columns)[0] == "Per 1,000 officers a year"
    hidden = 0
    for row in exact.itertuples():
        mine = shown.loc[row.force_name]
        years, rate = row.officer_years, row.reports_per_1000_officers_a_year
        assert mine["Officer-years counted"] == ("–" if pd.isna(years) else whole(years))
        if mine["Reports"] == SUPPRESSED:
            hidden += 1
            assert mine["Per 1,000 officers a year"] in (SUPPRESSED, "–")
        else:
            assert mine["Reports"] == f"{row.reports:,}"
            wanted = "–" if pd.isna(rate) else one_place(f"{rate:.2f}")
            assert mine["Per 1,000 officers a year"] == wanted, row.Index
    assert hidden > 0


def whole(number) -> str:
    """A published number as the page shows it whole: halves up, thousands separated."""
    return f"{Decimal(str(number)).quantize(Decimal(1), ROUND_HALF_UP):,}"


def one_place(text: str) -> str:
    """A published rate (its CSV text) as the page shows it: one decimal place, halves up."""
    return f"{Decimal(text).quantize(Decimal('0.1'), ROUND_HALF_UP):,}"


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
    # the address names a public period, as a browser's does (AppTest keeps the sidebar's
    # period=all in it, which the Publish page would follow to an internal snapshot)
    app = open_page("app_pages/publish.py", {"period": "fy2024"})
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
    app = open_page("app_pages/publish.py", {"period": "fy2024"})
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


def test_the_public_page_maps_the_released_rates(open_public, released_db):
    """FY 2023/24: the map draws each force's released rate, hatches the forces whose rate is
    withheld, lists the forces it cannot draw beside it, and carries the licence's attribution."""
    app = open_public({"period": "fy2023"})
    by_force = released_csv(released_db, "fy2023", "reports_by_force")
    figure = next(m.value for m in app.markdown if "<svg" in m.value)
    assert "Office for National Statistics licensed under the Open Government Licence" in figure
    svg = "{http://www.w3.org/2000/svg}"
    drawn = {
        path.get("data-force"): (path.get("fill"), path.find(f"{svg}title").text)
        for path in ET.fromstring(figure).iter(f"{svg}path")
    }
    assert len(drawn) == 43
    withheld = 0
    for row in by_force:
        rate = row["reports_per_1000_officers_a_year"]
        if row["force_code"] not in drawn:
            # no officer figure (or a count withheld): listed beside the map with its reports
            assert rate in ("", SUPPRESSED), row["force_code"]
            beside = next(m.value for m in app.markdown if "Not on the map" in m.value)
            reports = row["reports"] if row["reports"] == SUPPRESSED else f"{int(row['reports']):,}"
            assert f"- {row['force_name']}: {reports} reports" in beside
        elif rate == SUPPRESSED:
            withheld += 1
            assert drawn[row["force_code"]] == ("url(#forcemap-hatch)",
                                                f"{row['force_name']}: [c] withheld")  # fmt: skip
        else:
            fill, title = drawn[row["force_code"]]
            assert fill.startswith("#")
            assert title == (
                f"{row['force_name']}: {float(rate):.1f} reports per 1,000 officers a year"
            )
    assert withheld > 0


def released_csv(db_path, period: str, name: str) -> list[dict[str, str]]:
    """A table of the latest release of the period, read from the register's own copy of the
    file with the csv module (not through the page's reader)."""
    with duckdb.connect(str(ledger_path(db_path)), read_only=True) as con:
        content = con.execute(
            "select content from release_files join releases using (release_id) "
            "where period_key = $period and file_name = $file order by release_id desc limit 1",
            {"period": period, "file": f"{name}.csv"},
        ).fetchone()[0]
    return list(csv.DictReader(io.StringIO(bytes(content).decode("utf-8"))))


def count(text: str) -> str:
    """A released count as the page shows it."""
    return text if text == SUPPRESSED else f"{int(text):,}"


def reference(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def peers_in_rank_order(force: str) -> list[str]:
    rows = [r for r in reference(PEER_GROUPS_CSV) if r["force_code"] == force]
    return [r["peer_code"] for r in sorted(rows, key=lambda r: int(r["rank"]))]


def test_a_force_page_shows_its_released_figures_beside_england_and_wales_and_each_peer(
    open_public, released_db
):
    """?force=kent: Kent's released figures, England and Wales's rate worked out from the
    released table (its forces' reports over their officer-years), every force's counts
    (the headline) and each of Kent's 7 peers, one by one, in rank order: every figure equal
    to the released CSV file's, read here with the csv module."""
    app = open_public({"period": "fy2024", "force": "kent"})
    by_force = {r["force_code"]: r for r in released_csv(released_db, "fy2024", "reports_by_force")}
    outcomes = {r["force_code"]: r for r in released_csv(released_db, "fy2024",
                                                         "outcomes_by_force")}  # fmt: skip
    headline = {r["measure"]: r["value"] for r in released_csv(released_db, "fy2024", "headline")}
    short = {r["force_code"]: r["short_name"] for r in reference(FORCES_CSV)}
    peers = peers_in_rank_order("kent")
    assert len(peers) == 7
    kent = by_force["kent"]

    assert [h.value for h in app.header][0] == "Kent Police"
    assert tiles(app) == {
        "Reports": count(kent["reports"]),
        "Per 1,000 officers": one_place(kent["reports_per_1000_officers_a_year"]),
        "Referrals received": count(outcomes["kent"]["referrals"]),
        "Investigations": count(outcomes["kent"]["investigations"]),
        "Case to answer": count(outcomes["kent"]["case_to_answer"]),
        "Dismissals": count(outcomes["kent"]["dismissals"]),
    }

    with_officers = [r for r in by_force.values() if r["officer_fte"]]
    assert len(with_officers) == 43 and all(r["reports"] != SUPPRESSED for r in with_officers)
    reports = sum(int(r["reports"]) for r in with_officers)
    years = sum(Decimal(r["officer_years"]) for r in with_officers)
    national = f"{Decimal(reports) * 1000 / years:.2f}"

    def rate_row(name: str, row: dict) -> dict:
        return {
            "Force": name,
            "Per 1,000 officers a year": one_place(row["reports_per_1000_officers_a_year"]),
            "Reports": count(row["reports"]),
            "Officers (full-time equivalent)": whole(row["officer_fte"]),
        }

    rates = table(app, "Force", "Per 1,000 officers a year")
    assert rates.to_dict("records") == [
        rate_row("Kent", kent),
        {"Force": "England and Wales", "Per 1,000 officers a year": one_place(national),
         "Reports": f"{reports:,}",
         "Officers (full-time equivalent)": whole(sum(Decimal(r["officer_fte"])
                                                      for r in with_officers))},
        *(rate_row(short[p], by_force[p]) for p in peers),
    ]  # fmt: skip

    columns = ("referrals", "investigations", "case_to_answer", "dismissals",
               "would_have_been_dismissed")  # fmt: skip
    headings = ("Referrals received", "Investigations", "Case to answer", "Dismissals",
                "Would have been dismissed")  # fmt: skip

    def outcome_row(name: str, row: dict | None) -> dict:
        cells = {h: count(row[c]) if row else "0" for h, c in zip(headings, columns, strict=True)}
        return {"Force": name, **cells}

    shown = table(app, "Force", "Referrals received")
    assert shown.to_dict("records") == [
        outcome_row("Kent", outcomes["kent"]),
        outcome_row("Every force in the service", headline),
        *(outcome_row(short[p], outcomes.get(p)) for p in peers),
    ]
    # Kent's dismissals are withheld in this release: shown as such, and said what it means
    assert outcomes["kent"]["dismissals"] == SUPPRESSED
    assert tiles(app)["Dismissals"] == SUPPRESSED
    words = " ".join(c.value for c in app.caption)
    assert f"{SUPPRESSED} means withheld: fewer than 5" in words
    assert "No figure is given for the similar forces together" in words
    # the force's chart draws the same rates, Kent first, no bar where a rate is withheld
    chart = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    assert chart["y"][:2] == ["Kent", "England and Wales"]
    assert chart["text"] == list(rates["Per 1,000 officers a year"])


def test_the_force_chooser_sets_the_address_and_keeps_it_across_periods(open_public):
    app = open_public({"period": "fy2024"})
    assert app.selectbox(key="public_force").value == ""
    assert "force" not in app.query_params
    app.selectbox(key="public_force").set_value("essex").run()
    assert not app.exception
    assert app.query_params["force"] in ("essex", ["essex"])
    assert [h.value for h in app.header][0] == "Essex Police"
    app.selectbox(key="public_period").set_value("fy2023").run()
    assert [h.value for h in app.header][0] == "Essex Police"
    app.selectbox(key="public_force").set_value("").run()
    assert "force" not in app.query_params
    assert "What the figures say" in [h.value for h in app.header]


def test_a_force_code_is_read_in_any_case(open_public):
    app = open_public({"period": "fy2024", "force": " KENT "})
    assert [h.value for h in app.header][0] == "Kent Police"


@pytest.mark.parametrize("asked", ["nowhere", "unknown", "<b>kent</b>"])
def test_an_unknown_force_code_gets_a_plain_message(open_public, released_db, asked):
    """A code that is no force of the release ("unknown" is the release's "Force not known"
    row, not a force): a plain message that does not repeat the address, and every force's
    figures."""
    app = open_public({"period": "fy2024", "force": asked})
    messages = [i.value for i in app.info]
    assert len(messages) == 1 and "not in these figures" in messages[0]
    assert asked not in messages[0]
    assert "force" not in app.query_params
    headline = {r["measure"]: r["value"] for r in released_csv(released_db, "fy2024", "headline")}
    assert tiles(app)["Reports"] == count(headline["reports"])


def test_a_force_outside_england_and_wales_has_no_peers_and_says_so(open_public, released_db):
    app = open_public({"period": "fy2024", "force": "police_scotland"})
    assert [h.value for h in app.header][0] == "Police Scotland"
    rates = table(app, "Force", "Per 1,000 officers a year")
    assert list(rates["Force"]) == ["Police Scotland", "England and Wales"]
    # no officer figure, so no rate: shown as not worked out, not as 0
    assert rates.iloc[0]["Per 1,000 officers a year"] == "–"
    assert "no group of most similar forces" in " ".join(c.value for c in app.caption)


def shown_text(app: AppTest) -> list[str]:
    """Every word the page shows but the files it offers: headings, captions, prose, tiles,
    choices, tables (headings and cells) and charts (labels, legends, axis titles)."""
    texts = [e.value for e in [*app.title, *app.header, *app.subheader, *app.caption, *app.info]]
    # the map is checked on its own (its SVG names each area by an attribute)
    texts += [m.value for m in app.markdown if "<svg" not in m.value]
    texts += [m.label for m in app.metric] + [m.value for m in app.metric]
    texts += [e.label for e in app.expander]
    for box in app.selectbox:
        texts += [box.label, *box.options]
    for frame in app.dataframe:
        texts += [str(c) for c in frame.value.columns]
        texts += [str(v) for v in frame.value.to_numpy().ravel()]
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            texts += [str(v) for v in (trace.get("y", []), trace.get("x", []))[0]
                      if isinstance(v, str)]  # fmt: skip
            texts += [str(trace.get("name", "")), *map(str, trace.get("text", []))]
        for key, axis in spec["layout"].items():
            if key.startswith(("xaxis", "yaxis")):
                texts.append(str(axis.get("title", {}).get("text", "")))
        texts.append(chart.proto.alt)
    return texts


CODE_NAME = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize("query", [{"period": "fy2024"}, {"period": "fy2023"},
                                   {"period": "fy2024", "force": "kent"}])  # fmt: skip
def test_no_code_name_is_shown(open_public, query):
    """No snake_case name of a column, measure or force (force_code, disseminated_reports,
    avon_and_somerset), and no force's one-word code (kent, btp) where a name belongs."""
    texts = shown_text(open_public(query))
    codes = {r["force_code"] for r in reference(FORCES_CSV)} | {"unknown"}
    found = [t for t in texts if CODE_NAME.search(t) or codes & set(re.findall(r"[\w]+", t))]
    assert found == []
    # what is shown is what a reader needs: force names, plain headings
    assert "Force" in texts


def test_days_are_whole(open_public, released_db):
    """FY 2024/25: half of the dismissals came within 340.5 days (the released median): shown
    as 341 in the table, the chart and the sentence; no fraction of a day anywhere."""
    app = open_public({"period": "fy2024"})
    released = {r["measure"]: r for r in released_csv(released_db, "fy2024", "timeliness")}
    assert released["days_to_dismissal"]["median_days"] == "340.5"
    times = table(app, "Stage", "Cases measured").set_index("Stage")
    for measure, stage in (("days_to_dissemination", "Report to referral"),
                           ("days_to_finding", "Referral to finding"),
                           ("days_to_outcome", "Report to outcome (Kaplan–Meier)"),
                           ("days_to_dismissal", "Report to dismissal")):  # fmt: skip
        for column, heading in (("median_days", "Half took no longer than (days)"),
                                ("p90_days", "9 in 10 took no longer than (days)")):  # fmt: skip
            assert times.loc[stage, heading] == whole(released[measure][column])
    assert times.loc["Report to dismissal", "Half took no longer than (days)"] == "341"
    text = " ".join(shown_text(app))
    assert "within 341 days of the report" in text
    assert not re.search(r"\d\.\d+ days?\b", text), re.search(r"\d\.\d+ days?\b", text)


def test_withheld_cells_are_shown_as_withheld_never_as_0(open_public, released_db):
    """The force tables as released, cell by cell in words: [c] where the file has [c]."""
    app = open_public({"period": "fy2024"})
    outcomes = released_csv(released_db, "fy2024", "outcomes_by_force")
    shown = table(app, "Force", "Referrals received")
    headings = {"Referrals received": "referrals", "Investigations": "investigations",
                "Case to answer": "case_to_answer", "Dismissals": "dismissals",
                "Would have been dismissed": "would_have_been_dismissed"}  # fmt: skip
    assert list(shown["Force"]) == [r["force_name"] for r in outcomes]
    withheld = 0
    for mine, row in zip(shown.to_dict("records"), outcomes, strict=True):
        for heading, column in headings.items():
            assert mine[heading] == count(row[column])
            withheld += row[column] == SUPPRESSED
    assert withheld > 0
    assert any(f"{SUPPRESSED} means withheld" in c.value for c in app.caption)


def test_a_new_released_table_is_shown_in_words(open_public, released_db, monkeypatch):
    """A table the page has no words of its own for (as a later release may add) is shown all
    the same, its columns and codes in words made from their names."""
    from oversight.snapshot import model, reading

    columns = ("force_code", "force_name", "dismissals", "median_days")
    extra = model.TableSpec("decided_by_force", columns, "Outcomes decided in the period", "")
    monkeypatch.setattr(model, "TABLES", (*model.TABLES, extra))
    original = reading.released_snapshot

    def with_extra(files):
        snapshot = original(files)
        snapshot.tables["decided_by_force"] = pd.DataFrame(
            {"force_code": ["kent"], "force_name": ["Kent Police"], "dismissals": [SUPPRESSED],
             "median_days": [120.5]}
        )  # fmt: skip
        return snapshot

    monkeypatch.setattr(reading, "released_snapshot", with_extra)
    app = open_public({"period": "fy2024"})
    assert "Outcomes decided in the period" in [h.value for h in app.header]
    shown = table(app, "Force", "Half took no longer than (days)")
    assert shown.to_dict("records") == [
        {"Force": "Kent Police", "Dismissals": SUPPRESSED, "Half took no longer than (days)": "121"}
    ]


# The outcomes decided in the period, in the released order, as the page names them.
DECIDED_OUTCOMES = {
    "case_to_answer": "Case to answer",
    "false_allegations": "False allegations found",
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed",
    "barred": "Barred from policing",
    "criminal_charges": "Criminal charges",
}
YEAR_WORDS = {"fy2024": "2024/25", "fy2023": "2023/24"}


def days(text: str) -> str:
    """Released days as the page shows them: whole, [c] as it is, – where none was decided."""
    return {"": "–", SUPPRESSED: SUPPRESSED}.get(text) or whole(text)


@pytest.mark.parametrize("year", YEARS)
def test_the_outcomes_decided_are_shown_beside_the_cohorts_as_released(
    open_public, released_db, year
):
    """Every force: the outcomes decided in the year (outcomes_decided.csv) beside the same
    outcomes of the year's reports so far (headline.csv), each column labelled with its view,
    days whole; the chart draws the same figures; and the table by force is
    outcomes_decided_by_force.csv cell by cell, every file read here with the csv module."""
    app = open_public({"period": year})
    words = YEAR_WORDS[year]
    decided = released_csv(released_db, year, "outcomes_decided")
    headline = {r["measure"]: r["value"] for r in released_csv(released_db, year, "headline")}
    headers = [h.value for h in app.header]
    assert f"Outcomes decided in {words}" in headers
    assert headers.index(f"Outcomes decided in {words}") == headers.index("Outcomes so far") + 1
    shown = table(app, "Outcome", f"Decided in {words}")
    assert [r["measure"] for r in decided] == list(DECIDED_OUTCOMES)
    assert shown.to_dict("records") == [
        {
            "Outcome": DECIDED_OUTCOMES[r["measure"]],
            f"Decided in {words}": count(r["decided"]),
            f"Of reports received in {words}, so far": count(headline[r["measure"]]),
            "Half took no longer than (days)": days(r["median_days"]),
            "9 in 10 took no longer than (days)": days(r["p90_days"]),
        }
        for r in decided
    ]
    charts = [json.loads(c.proto.spec)["data"] for c in app.get("plotly_chart")]
    bars = next(data for data in charts if data[0].get("name") == f"Decided in {words}")
    cohort = f"Of reports received in {words}, so far"
    assert [trace["name"] for trace in bars] == [f"Decided in {words}", cohort]
    assert bars[0]["y"] == list(DECIDED_OUTCOMES.values())
    assert bars[0]["text"] == [count(r["decided"]) for r in decided]
    assert bars[1]["text"] == [count(headline[m]) for m in DECIDED_OUTCOMES]

    by_force = released_csv(released_db, year, "outcomes_decided_by_force")
    assert f"Outcomes decided in {words}, by force" in headers
    shown = table(app, "Force", "Barred from policing")
    assert shown.to_dict("records") == [
        {"Force": r["force_name"], **{label: count(r[m]) for m, label in DECIDED_OUTCOMES.items()}}
        for r in by_force
    ]
    words_shown = " ".join(c.value for c in app.caption)
    assert "whenever the report came in" in words_shown
    withheld = [v for r in by_force for m, v in r.items() if m in DECIDED_OUTCOMES]
    assert SUPPRESSED in withheld and f"{SUPPRESSED} means withheld: fewer than 5" in words_shown
    # no generic table made from the column names any more
    assert "Outcomes decided in the period" not in headers


def test_days_of_too_few_outcomes_decided_are_withheld_and_said_why(open_public, released_db):
    """FY 2023/24 ends a fortnight after the national launch: some outcomes were decided fewer
    than 10 times, and their days are [c], with the reason under the table."""
    decided = released_csv(released_db, "fy2023", "outcomes_decided")
    few = [r for r in decided if r["median_days"] == SUPPRESSED]
    assert few
    app = open_public({"period": "fy2023"})
    shown = table(app, "Outcome", "Decided in 2023/24").set_index("Outcome")
    for r in few:
        assert shown.loc[DECIDED_OUTCOMES[r["measure"]], "Half took no longer than (days)"] == (
            SUPPRESSED
        )
    words = " ".join(c.value for c in app.caption)
    assert f"Days are withheld ({SUPPRESSED}) where fewer than 10 outcomes" in words


def test_a_force_page_shows_the_outcomes_decided_beside_each_peer(open_public, released_db):
    """?force=kent: Kent's row of outcomes_decided_by_force.csv, every force's (the totals of
    outcomes_decided.csv) and each of Kent's peers' rows, one by one in rank order: no figure
    for the peers together."""
    app = open_public({"period": "fy2024", "force": "kent"})
    by_force = {r["force_code"]: r for r in released_csv(released_db, "fy2024",
                                                         "outcomes_decided_by_force")}  # fmt: skip
    totals = {r["measure"]: r["decided"] for r in released_csv(released_db, "fy2024",
                                                               "outcomes_decided")}  # fmt: skip
    short = {r["force_code"]: r["short_name"] for r in reference(FORCES_CSV)}
    peers = peers_in_rank_order("kent")
    assert "Outcomes decided in 2024/25" in [h.value for h in app.subheader]
    shown = table(app, "Force", "Criminal charges")
    assert shown.to_dict("records") == [
        {"Force": "Kent", **{label: count(by_force["kent"][m])
                             for m, label in DECIDED_OUTCOMES.items()}},
        {"Force": "Every force in the service",
         **{label: count(totals[m]) for m, label in DECIDED_OUTCOMES.items()}},
        *({"Force": short[p], **{label: count(by_force[p][m])
                                 for m, label in DECIDED_OUTCOMES.items()}} for p in peers),
    ]  # fmt: skip
    assert SUPPRESSED in shown.to_numpy()
    assert f"{SUPPRESSED} means withheld" in " ".join(c.value for c in app.caption)
