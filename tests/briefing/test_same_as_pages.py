"""A briefing's numbers are the pages' numbers: Kent over 2024/25 ... 2025/26 on the demo, the
Forces and Outcomes pages opened in AppTest with the same period and read as shown, the
briefing's content model compared with them exactly; and the Forces page's button, clicked
by a force user, gives that briefing, on the audit log."""

import datetime as dt
import functools
import io
import json
import shutil
import zipfile

import pandas as pd
import pytest

from oversight import audit
from oversight.briefing.content import internal_briefing
from oversight.briefing.render import percent, render
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.settings import disclosure_threshold
from oversight.status import read_status
from tests.pages.conftest import open_chart_numbers, table
from tests.pages.test_force_snapshot import on_another_thread

FY2025 = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025")
BUTTON = "Download a briefing on this force (zip: printable HTML and PDF)"


@pytest.fixture(scope="module")
def kent(demo_database):
    """The briefing on Kent over 2025/26, from the demo database, as the command line makes it."""
    con = connect_read_only(demo_database)
    run = functools.partial(run_query, con)
    yield internal_briefing(run, FY2025, read_status(run), "kent")
    con.close()


def test_the_forces_page_shows_the_briefings_numbers(open_page, kent):
    app = open_page("app_pages/forces.py", query={"period": "fy2025", "focus": "kent"})
    app.radio(key="forces_trend_unit").set_value("quarter").run()
    app = open_chart_numbers(app)
    assert app.selectbox(key="forces_focus").value == "kent"

    shown = {m.label: m.value for m in app.metric}
    assert shown == {figure.label: figure.shown for figure in kent.headline}
    pd.testing.assert_frame_equal(table(app, "Rate (95% interval)"), kent.rate_table)
    pd.testing.assert_frame_equal(
        table(app, "Count"), kent.comparison.rename(columns={"measure": "Count"})
    )
    # the outcomes decided in the year, beside the same groups
    pd.testing.assert_frame_equal(
        table(app, "Outcome", having="Most similar forces"),
        kent.decided.rename(columns={"measure": "Outcome"}),
    )
    assert kent.decided_words == "in 2025/26"
    # the trend chart's numbers
    trend = table(app, "period", having="officer_years")
    columns = list(trend.columns)
    pd.testing.assert_frame_equal(
        trend.reset_index(drop=True), kent.trend[columns].reset_index(drop=True)
    )
    # the proportions chart's numbers: the rates the questions read
    proportions = table(app, "measure", having="rate_note")
    rates = kent.rates.loc[kent.rates["measure_key"] != "reports_per_1000_officers"]
    for column in ("measure", "group", "rate", "rate_low", "rate_high", "rate_note"):
        assert proportions[column].tolist() == rates[column].tolist(), column
    # the peers' rates are the every-force table's, for the measure it shows
    every_force = table(app, "Force", having="Against England and Wales").set_index("Force")
    peers = kent.peers.set_index("Force")
    measure = "Reports per 1,000 officers a year"
    for name in peers.index:
        row = every_force.loc[name]
        assert peers.at[name, measure] == (
            f"{row[measure]:,.1f} ({row['95% from']:,.1f} to {row['95% to']:,.1f})"
        )


def test_the_outcomes_page_shows_the_briefings_numbers(open_page, kent):
    app = open_page("app_pages/outcomes.py", query={"period": "fy2025", "force": "kent"})
    assert app.sidebar.multiselect(key="f_forces").value == ["kent"]
    shown = {m.label: m.value for m in app.metric}
    mix = kent.outcome_mix
    assert shown["Investigations"] == f"{int(mix['cases'].sum()):,}"
    assert shown["Open over 365 days"] == f"{kent.open_over_365:,}"
    assert shown["Awaiting a decision now"] == f"{kent.waiting.awaiting:,}"
    assert shown["Waiting over 28 days now"] == f"{kent.waiting.overdue:,}"
    assert shown["Waiting over 56 days now"] == f"{kent.waiting.long_overdue:,}"
    false_allegations = {f.key: f.value for f in kent.outcome_figures}["false_allegations"]
    assert shown["False allegations found"] == f"{false_allegations:,}"

    stages = table(app, "Stage").set_index("Stage")
    conversions = kent.conversions.set_index("label")
    for stage in stages.index:
        assert stages.at[stage, "Moved on"] == conversions.at[stage, "numerator"]
        assert stages.at[stage, "Out of"] == conversions.at[stage, "denominator"]
        assert stages.at[stage, "Rate"] == percent(conversions.at[stage, "rate"])

    timeliness = table(app, "Measure").set_index("Measure")
    mine = kent.timeliness.set_index("label")
    for measure in timeliness.index:
        assert timeliness.at[measure, "Cases measured"] == mine.at[measure, "cases"]
        median, cases = mine.at[measure, "median_days"], mine.at[measure, "cases"]
        # whole days, rounded half up, with a caution under 10 cases
        want = "not reached yet" if pd.isna(median) else f"{int(median + 0.5):,}"
        if not pd.isna(median) and cases < 10:
            want += f" (based on {cases} case{'s' if cases != 1 else ''}: read with care)"
        assert timeliness.at[measure, "Median (days)"] == want
    bands = table(app, "Days waiting")
    assert bands["Referrals awaiting"].tolist() == kent.waiting.by_band["referrals"].tolist()


def test_each_quarter_is_the_outcomes_page_with_that_quarter_chosen(open_page, kent):
    """The second quarter of the conversion trend: the Outcomes page for Kent, 1 Jul to
    30 Sep 2025."""
    quarter = kent.conversion_trend.iloc[1]
    assert quarter["period"] == "Jul–Sep 2025"
    app = open_page(
        "app_pages/outcomes.py",
        query={"period": "custom", "from": "2025-07-01", "to": "2025-09-30", "force": "kent"},
    )
    stages = table(app, "Stage").set_index("Stage")
    for stage, label in (("investigation", "Investigation rate"),
                         ("case_to_answer", "Case-to-answer rate")):  # fmt: skip
        assert stages.at[label, "Moved on"] == quarter[f"{stage}_numerator"]
        assert stages.at[label, "Out of"] == quarter[f"{stage}_denominator"]
    outcome = table(app, "Measure").set_index("Measure").loc["Days to outcome"]
    assert outcome["Cases measured"] == quarter["outcome_cases"]


def test_a_force_users_briefing_shows_the_audited_outcomes_decided_of_its_page(
    app_as, demo_database
):
    """Kent's own briefing: the outcomes decided beside its groups, withheld ([c]) where the
    Forces page withholds them from Kent's user, and shown in the Outcomes section."""
    con = connect_read_only(demo_database)
    try:
        run = functools.partial(run_query, con)
        own = internal_briefing(
            run, FY2025, read_status(run), "kent", every_force=run, own=("kent",),
            threshold=disclosure_threshold(),
        )  # fmt: skip
    finally:
        con.close()
    app = app_as("pcc@kent.example", {"period": "fy2025"})
    app.switch_page("app_pages/forces.py").run()
    assert not app.exception, app.exception
    shown = table(app, "Outcome", having="Most similar forces")
    pd.testing.assert_frame_equal(shown, own.decided.rename(columns={"measure": "Outcome"}))
    assert "[c]" in set(shown.drop(columns="Outcome").to_numpy().ravel())
    html = render(own)
    outcomes = html[html.index('id="outcomes"') : html.index('id="timeliness"')]
    assert "<caption>Outcomes decided in 2025/26</caption>" in outcomes
    assert ">[c]</td>" in outcomes


def test_a_force_users_button_gives_the_briefing_on_record(
    app_as, demo_database, tmp_path, made_on_click, kent
):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(demo_database, db_path)
    app = app_as("pcc@kent.example", {"period": "fy2025"}, db=db_path)
    app.switch_page("app_pages/forces.py").run()
    assert not app.exception, app.exception
    assert BUTTON in [b.proto.label for b in app.get("download_button")]
    name = "oversight_briefing_kent_2025-04-01_2026-03-31.zip"
    # made on the click, on a thread with no session, as Streamlit makes it
    with zipfile.ZipFile(io.BytesIO(on_another_thread(made_on_click[name]))) as archive:
        folder = name.removesuffix(".zip")
        names = set(archive.namelist())
        html = archive.read(f"{folder}/briefing.html").decode()
    assert names == {f"{folder}/briefing.html", f"{folder}/briefing.pdf"} or names == {
        f"{folder}/briefing.html",
        f"{folder}/NO_PDF.txt",
    }
    assert "Internal: for Kent Police only, not for publication." in html
    for figure in kent.headline:  # Kent's own counts: the same for a force user
        card = f'<span class="value">{figure.shown}</span><span class="label">{figure.label}'
        assert card in html
    assert "Most similar forces" in html and "shown only as published" in html

    audit.flush(db_path)
    log = audit.events(db_path)
    made_log = log.loc[log["event"] == audit.BRIEFING]
    assert made_log["user_id"].tolist() == ["pcc@kent.example"]
    assert made_log["page"].tolist() == ["Forces"]
    assert json.loads(made_log["detail"].iat[0]) == {
        "file": name, "forces": ["kent"], "period": "2025-04-01 to 2026-03-31",
    }  # fmt: skip
