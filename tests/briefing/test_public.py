"""The public briefing: a fixed period only, its figures the public tables' (small counts
suppressed, as released where the period has been), and nothing that docs/metrics.md keeps
national (no fairness)."""

import datetime as dt
import re
import shutil

import pytest

from oversight.briefing.content import BriefingError
from oversight.briefing.render import render
from oversight.briefing.sources import database_briefing
from oversight.db import connect_read_only
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.release import prepare, publish
from tests.snapshot.attack import DECIDED_COLUMNS

FY2024 = PublicPeriod(2024)
NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)


def shown_counts(briefing) -> list:
    """Every count the briefing shows: its headline figures and its comparison's cells."""
    cells = [f.value for f in briefing.headline]
    for column in briefing.comparison.columns[1:]:
        cells += briefing.comparison[column].tolist()
    return cells


def test_small_counts_are_suppressed_and_fairness_left_out(tiny_con, tiny_db):
    kent = database_briefing(tiny_con, tiny_db, "kent", FY2024, public=True, now=NOW)
    figures = {f.label: f.value for f in kent.headline}
    assert figures["Case to answer"] == "[c]"  # 1
    assert figures["Dismissals"] == 0  # a zero is shown
    surrey = database_briefing(tiny_con, tiny_db, "surrey", FY2024, public=True, now=NOW)
    assert {f.label: f.value for f in surrey.headline}["Reports"] == "[c]"  # 1
    for briefing in (kent, surrey):
        assert all(v == "[c]" or v == 0 or v >= 5 for v in shown_counts(briefing))
        assert briefing.fairness == () and briefing.waiting is None and briefing.trend is None
        html = render(briefing)
        assert 'id="fairness"' not in html and "By ethnicity" not in html
        assert "Relative rate" not in html
        assert "Not in the public briefing" in html
        # months only: no public output names a date finer than a month
        assert "June 2025" in html and not re.search(r"\b\d{1,2} (Jun|June) 2025\b", html)
    # a rate is never given over a suppressed count: Surrey's rate per 1,000 officers
    assert surrey.rate_table.loc[0, "Surrey Police"] == "[c]"


def test_the_figures_are_the_public_tables(tiny_con, tiny_db):
    preview = prepare(tiny_con, tiny_db, True, FY2024)
    kent = database_briefing(tiny_con, tiny_db, "kent", FY2024, public=True, now=NOW)
    by_force = preview.tables["reports_by_force"].set_index("force_code")
    outcomes = preview.tables["outcomes_by_force"].set_index("force_code")
    figures = {f.key: f.value for f in kent.headline}
    assert figures["reports"] == by_force.at["kent", "reports"]
    for column in ("referrals", "investigations", "case_to_answer", "dismissals"):
        assert figures[column] == outcomes.at["kent", column]


def test_the_outcomes_decided_are_the_public_tables_row(tiny_con, tiny_db):
    """2024/25 on the tiny extract: Kent's one case to answer decided (K01, 1 Jul 2024) is
    suppressed, and so are Essex's ten (the published total, 11, less them would give Kent's
    1); England and Wales adds suppressed cells, so is [c]; no dismissal was decided: 0."""
    preview = prepare(tiny_con, tiny_db, True, FY2024)
    released = preview.tables["outcomes_decided_by_force"].set_index("force_code")
    for code, name in (("kent", "Kent Police"), ("essex", "Essex Police")):
        briefing = database_briefing(tiny_con, tiny_db, code, FY2024, public=True, now=NOW)
        decided = briefing.decided.set_index("measure")[name]
        assert decided.tolist() == released.loc[code, list(DECIDED_COLUMNS)].tolist()
        html = render(briefing)
        assert 'id="decided"' in html
        assert "<caption>Outcomes decided in April 2024 to March 2025</caption>" in html
    kent = database_briefing(tiny_con, tiny_db, "kent", FY2024, public=True, now=NOW)
    decided = kent.decided.set_index("measure")
    assert decided.at["Case to answer", "Kent Police"] == "[c]"  # 1
    assert decided.at["Dismissals", "Kent Police"] == 0
    assert decided.at["Case to answer", "England and Wales"] == "[c]"
    essex = database_briefing(tiny_con, tiny_db, "essex", FY2024, public=True, now=NOW)
    assert essex.decided.set_index("measure").at["Case to answer", "Essex Police"] == "[c]"


def test_a_released_period_shows_what_was_released(tiny_db, tmp_path):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(tiny_db, db_path)
    con = connect_read_only(db_path)
    try:
        _, released, _ = publish(db_path, con, FY2024, out=tmp_path / "release")
        kent = database_briefing(con, db_path, "kent", FY2024, public=True, now=NOW)
    finally:
        con.close()
    by_force = released.tables["reports_by_force"].set_index("force_code")
    assert {f.key: f.value for f in kent.headline}["reports"] == by_force.at["kent", "reports"]
    assert kent.period_label == "Financial year 2024/25"


def test_a_public_briefing_is_of_a_fixed_period_that_can_be_released(tiny_con, tiny_db):
    with pytest.raises(BriefingError, match="financial year"):
        database_briefing(tiny_con, tiny_db, "kent", None, public=True)
    # April to June 2025 can be released once the data runs to September 2025
    with pytest.raises(BriefingError, match="Not yet"):
        database_briefing(tiny_con, tiny_db, "kent", PublicPeriod(2025, 1), public=True)


def test_the_internal_briefing_keeps_fairness(tiny_con, tiny_db):
    kent = database_briefing(tiny_con, tiny_db, "kent", FY2024, now=NOW)
    assert [data.characteristic.key for data in kent.fairness] == ["ethnicity", "sex"]
    assert 'id="fairness"' in render(kent)
