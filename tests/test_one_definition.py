"""One definition per measure: every page, the snapshot and the queries count the same way.

The data contract now refuses a misconduct-route outcome on a referral that is not an
investigation, but a database imported before that rule may hold one: here referral F2 was
imported as an investigation with a false allegation and a dismissal, then (as an older extract
could) left assessed `no_further_action`. The copies of each count written before this change
disagreed on it: the Overview counted 2 dismissals, the Outcomes page 1 of 2 investigations, and
the Forces page a dismissal rate of 100%. Every expected value below is worked out by hand from
the extract.
"""

import datetime as dt
import functools
import re
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from oversight.analysis.decided import decided_counts
from oversight.analysis.fairness import stage_counts
from oversight.analysis.outcomes import outcomes_data
from oversight.analysis.overview import headline_counts
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT, QUERIES_DIR
from oversight.snapshot.tables import exact_tables
from tests.ingest.helpers import OUTCOME, REFERRAL, REPORT, row, write_extract

# real (not synthetic) databases: the staff view without sign-in, on this computer
pytestmark = pytest.mark.usefixtures("staff_on_this_computer")

AS_AT = dt.date(2024, 9, 30)
FY2024 = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31))

REPORTS = [
    row(REPORT, report_id="R1", received_at="2024-05-01T10:00"),
    row(REPORT, report_id="R2", received_at="2024-05-02T10:00", channel="online"),
    row(REPORT, report_id="R3", received_at="2024-05-03T10:00"),
    row(REPORT, report_id="R4", received_at="2024-05-04T10:00"),
    row(REPORT, report_id="R5", received_at="2024-05-05T10:00"),
]
DATES = {"assessed_at": "2024-05-10"}
REFERRALS = [
    row(REFERRAL, referral_id="F1", report_id="R1", referred_at="2024-05-03", **DATES),
    row(REFERRAL, referral_id="F2", report_id="R2", referred_at="2024-05-04", **DATES),
    row(REFERRAL, referral_id="F3", report_id="R3", referred_at="2024-05-05", **DATES),
    row(REFERRAL, referral_id="F4", report_id="R4", referred_at="2024-05-06", **DATES,
        assessment="safeguarding"),
]  # fmt: skip
OUTCOMES = [
    row(OUTCOME, outcome_id="O1", referral_id="F1", outcome="case_to_answer_misconduct",
        decided_at="2024-06-01"),
    row(OUTCOME, outcome_id="O2", referral_id="F1", outcome="dismissed", decided_at="2024-09-01"),
    row(OUTCOME, outcome_id="O3", referral_id="F2", outcome="false_allegation",
        decided_at="2024-06-01"),
    row(OUTCOME, outcome_id="O4", referral_id="F2", outcome="dismissed", decided_at="2024-07-01"),
    # criminal outcomes and barring are allowed on any referral
    row(OUTCOME, outcome_id="O5", referral_id="F4", outcome="charged", decided_at="2024-07-01"),
    row(OUTCOME, outcome_id="O6", referral_id="F4", outcome="barred", decided_at="2024-08-01"),
]  # fmt: skip

# By hand: investigations F1 and F3 (F2 is no_further_action, F4 safeguarding). Only F1's
# dismissal and no false allegation count; F3 is open; F4's charge and barring count.
EXPECTED = {
    "reports": 5, "reports_phone": 4, "reports_online": 1, "disseminated_reports": 4,
    "referrals": 4, "investigations": 2, "transferred": 0, "case_to_answer": 1,
    "false_allegations": 0, "dismissals": 1, "would_have_been_dismissed": 0,
    "removed_from_policing": 1, "barred": 1, "criminal_charges": 1, "open_cases": 1,
    "awaiting_force_decision": 0,
}  # fmt: skip


@pytest.fixture(scope="module")
def legacy_db(tmp_path_factory):
    """A database holding the extract, with F2 then left no_further_action as a database
    imported before the contract's rule could hold it."""
    folder = tmp_path_factory.mktemp("legacy")
    files = write_extract(folder, reports=REPORTS, referrals=REFERRALS, outcomes=OUTCOMES)
    imported = folder / "imported.duckdb"
    import_extract(files, imported, now=dt.datetime(2024, 10, 1))
    legacy = folder / "legacy.duckdb"
    shutil.copy(imported, legacy)
    with duckdb.connect(str(legacy)) as con:
        for table in ("referrals", "referral_facts"):
            con.execute(
                f"update {table} set assessment = 'no_further_action' where referral_id = 'F2'"
            )
    return legacy


@pytest.fixture(scope="module")
def run(legacy_db):
    con = connect_read_only(legacy_db)
    yield functools.partial(run_query, con)
    con.close()


def test_headline_counts_use_the_definitions(run):
    headline = headline_counts(run, FY2024, AS_AT)
    assert {key: int(headline[key]) for key in EXPECTED} == EXPECTED


def test_forces_sum_to_the_headline_and_no_rate_passes_100_percent(run):
    forces = run("stage_counts_by_force", **FY2024.sql_params())
    kent = forces.set_index("force_code").loc["kent"]
    assert (int(kent["investigations"]), int(kent["dismissals"])) == (2, 1)
    for column in ("reports", "referrals", "investigations", "case_to_answer", "dismissals"):
        assert int(forces[column].sum()) == EXPECTED[column]
    assert (forces["dismissals"] <= forces["investigations"]).all()


def test_outcomes_page_counts_and_times(run):
    data = outcomes_data(run, FY2024, AS_AT)
    dismissal = data.conversions.set_index("stage").loc["dismissal"]
    assert (int(dismissal["numerator"]), int(dismissal["denominator"])) == (1, 2)
    times = data.timeliness.set_index("measure")
    # days to finding: F1 only (29 days from 3 May); to dismissal: F1 only (1 May to 1 Sep)
    assert int(times.loc["days_to_finding", "cases"]) == 1
    assert times.loc["days_to_finding", "median_days"] == 29
    assert int(times.loc["days_to_dismissal", "cases"]) == 1
    assert times.loc["days_to_dismissal", "median_days"] == 123
    assert data.investigations == 2 and data.open_cases == 1


def test_outcomes_decided_count_the_same_referrals(run):
    """The event view counts what the cohort counts: F2's dismissal and false allegation are
    not counted (it is no investigation), F4's charge and barring are."""
    decided = decided_counts(run, FY2024).set_index("measure")["cases"].to_dict()
    assert decided == {
        "case_to_answer": 1, "false_allegations": 0, "dismissals": 1,
        "would_have_been_dismissed": 0, "barred": 1, "criminal_charges": 1,
    }  # fmt: skip


def test_fairness_counts_the_same_dismissals(run):
    counts = stage_counts(run, FY2024, "sex")
    assert int(counts["dismissals"].sum()) == 1
    assert int(counts["investigations"].sum()) == 2


def test_snapshot_tables_use_the_definitions(run):
    tables = exact_tables(run, FY2024, AS_AT)
    headline = dict(zip(tables["headline"]["measure"], tables["headline"]["value"], strict=True))
    assert {key: int(headline[key]) for key in EXPECTED} == EXPECTED
    by_force = tables["outcomes_by_force"].set_index("force_code")
    assert int(by_force.loc["kent", "dismissals"]) == 1
    times = tables["timeliness"].set_index("measure")
    assert int(times.loc["days_to_dismissal", "cases"]) == 1


@pytest.mark.parametrize(
    "page",
    ["overview", "reports", "outcomes", "forces", "fairness", "publish", "about"],
)
def test_every_page_runs_on_it(legacy_db, monkeypatch, page):
    monkeypatch.setenv("OVERSIGHT_DB", str(legacy_db))
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.query_params["period"] = "fy2024"
    app.run()
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    if page == "overview":
        tiles = {metric.label: metric.value for metric in app.metric}
        assert tiles["Dismissals"] == "1"
        assert tiles["Investigations"] == "2"


# The macros of queries/filtered_tables.sql that apply the selection (the sidebar's filters)
SELECTION_MACROS = (
    "filtered_reports", "disseminated_reports", "cohort_referrals", "counts_by_force",
    "headline_counts", "decided_outcomes",
)  # fmt: skip


def test_every_query_of_the_filtered_tables_passes_every_filter():
    """A query reading the filtered tables binds every filter of Filters.sql_params(), so none
    is ignored by one query (the role filter, added last, is the one a new query would miss)."""
    checked = []
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        code = "\n".join(line.split("--", 1)[0] for line in path.read_text().splitlines())
        if path.stem == "filtered_tables" or not any(
            re.search(rf"\b{macro}\s*\(", code) for macro in SELECTION_MACROS
        ):
            continue
        missing = [name for name in FY2024.sql_params() if f"${name}" not in code]
        assert not missing, (path.name, missing)
        checked.append(path.stem)
    assert {"headline_counts", "stages_by_group", "reports_by_force"} <= set(checked)
