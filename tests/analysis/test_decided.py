"""Outcomes decided in the period, the event view (docs/metrics.md): checked on a small extract
made by hand, against plain pandas working from the extract's rows (first outcome of each
kind per referral, counted in the period of its decided_at, whenever the report came in), and
a few figures by hand."""

import datetime as dt
import functools

import pandas as pd
import pytest

from oversight.analysis.decided import (
    DECIDED_MEASURES,
    caution,
    days_with_caution,
    decided_by_force,
    decided_counts,
    decided_data,
    decided_days_table,
    decided_table,
    period_words,
)
from oversight.constants import MIN_BASE
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.ingest import import_extract
from oversight.settings import FORCES_CSV
from tests.analysis.decided_reference import decided_rows, selected_referrals
from tests.ingest.helpers import OUTCOME, REFERRAL, REPORT, row, write_extract

AS_AT = dt.date(2026, 6, 30)
FY2024 = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024")
FY2025 = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025")
QUARTERS_2025 = [
    Filters(dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    Filters(dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    Filters(dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
]

REPORTS = [
    # received in 2023/24 (before the period), decided in 2024/25 and 2025/26
    row(REPORT, report_id="R1", received_at="2024-01-10T10:00"),
    row(REPORT, report_id="R2", received_at="2024-02-01T10:00", channel="online",
        categories="sexual_misconduct"),
    row(REPORT, report_id="R3", received_at="2024-06-01T10:00", subject_role="staff"),
    row(REPORT, report_id="R4", received_at="2025-01-15T10:00", subject_force="essex",
        categories="corrupt_exchange;other"),
    row(REPORT, report_id="R5", received_at="2025-05-01T10:00", channel="online"),
    row(REPORT, report_id="R6", received_at="2025-09-01T10:00"),
]  # fmt: skip
INVESTIGATION = {"assessment": "investigation"}
REFERRALS = [
    row(REFERRAL, referral_id="F1", report_id="R1", referred_at="2024-01-12",
        assessed_at="2024-01-20"),
    row(REFERRAL, referral_id="F2", report_id="R2", referred_at="2024-02-03",
        assessed_at="2024-02-10"),
    row(REFERRAL, referral_id="F3", report_id="R3", referred_at="2024-06-03",
        assessed_at="2024-06-10"),
    # a second force received R3 too, and only safeguarded it: barring and a charge still count
    row(REFERRAL, referral_id="F3E", report_id="R3", force="essex", referred_at="2024-06-03",
        assessment="safeguarding", assessed_at="2024-06-10"),
    row(REFERRAL, referral_id="F4", report_id="R4", force="essex", referred_at="2025-01-16",
        assessed_at="2025-01-20"),
    row(REFERRAL, referral_id="F5", report_id="R5", referred_at="2025-05-02",
        assessed_at="2025-05-10"),
    row(REFERRAL, referral_id="F6", report_id="R6", referred_at="2025-09-02",
        assessment="pending", assessed_at=""),
]  # fmt: skip
OUTCOMES = [
    # F1: a case to answer in 2024/25, another (gross misconduct) in 2025/26: counted once, in
    # 2024/25; then dismissed in 2025/26
    row(OUTCOME, outcome_id="O1", referral_id="F1", outcome="case_to_answer_misconduct",
        decided_at="2024-11-01"),
    row(OUTCOME, outcome_id="O2", referral_id="F1", outcome="case_to_answer_gross_misconduct",
        decided_at="2025-05-01"),
    row(OUTCOME, outcome_id="O3", referral_id="F1", outcome="dismissed", decided_at="2025-07-01"),
    # F2: a false allegation on the last day of 2024/25
    row(OUTCOME, outcome_id="O4", referral_id="F2", outcome="false_allegation",
        decided_at="2025-03-31"),
    # F3: case to answer and would have been dismissed on the first day of 2025/26, barred later
    row(OUTCOME, outcome_id="O5", referral_id="F3", outcome="case_to_answer_misconduct",
        decided_at="2025-04-01"),
    row(OUTCOME, outcome_id="O6", referral_id="F3", outcome="would_have_been_dismissed",
        decided_at="2025-04-01"),
    row(OUTCOME, outcome_id="O7", referral_id="F3", outcome="barred", decided_at="2025-10-01"),
    # F3E (safeguarding): charged twice (counted once, at the first) and barred
    row(OUTCOME, outcome_id="O8", referral_id="F3E", outcome="charged", decided_at="2024-09-01"),
    row(OUTCOME, outcome_id="O9", referral_id="F3E", outcome="charged", decided_at="2025-08-01"),
    row(OUTCOME, outcome_id="O10", referral_id="F3E", outcome="barred", decided_at="2026-02-01"),
    # F4 (Essex): case to answer, dismissed
    row(OUTCOME, outcome_id="O11", referral_id="F4", outcome="case_to_answer_gross_misconduct",
        decided_at="2025-06-01"),
    row(OUTCOME, outcome_id="O12", referral_id="F4", outcome="dismissed", decided_at="2025-12-01"),
    # F5: no case to answer (in no measure), and a charge in 2026/27
    row(OUTCOME, outcome_id="O13", referral_id="F5", outcome="no_case_to_answer",
        decided_at="2025-08-01"),
    row(OUTCOME, outcome_id="O14", referral_id="F5", outcome="charged", decided_at="2026-04-15"),
]  # fmt: skip
# Twelve more investigations of one report each, all with a case to answer in 2025/26 (days
# from the report 30, 31, ..., 41): enough cases for a median without a caution.
for n in range(12):
    received = dt.date(2025, 4, 1) + dt.timedelta(days=n)
    REPORTS.append(row(REPORT, report_id=f"M{n}", received_at=f"{received}T08:00"))
    REFERRALS.append(row(REFERRAL, referral_id=f"FM{n}", report_id=f"M{n}",
                         referred_at=str(received), assessed_at=str(received)))  # fmt: skip
    OUTCOMES.append(row(OUTCOME, outcome_id=f"OM{n}", referral_id=f"FM{n}",
                        outcome="case_to_answer_misconduct",
                        decided_at=str(received + dt.timedelta(days=30 + n))))  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decided")
    files = write_extract(folder, reports=REPORTS, referrals=REFERRALS, outcomes=OUTCOMES)
    db_path = folder / "decided.duckdb"
    import_extract(files, db_path, now=dt.datetime(2026, 7, 1))
    con = connect_read_only(db_path)
    yield functools.partial(run_query, con)
    con.close()


def frames() -> dict[str, pd.DataFrame]:
    reports = pd.DataFrame(REPORTS)
    reports["received_date"] = pd.to_datetime(reports["received_at"].str[:10])
    reports["category_list"] = reports["categories"].str.split(";")
    outcomes = pd.DataFrame(OUTCOMES)
    outcomes["decided_date"] = pd.to_datetime(outcomes["decided_at"])
    return {"reports": reports, "referrals": pd.DataFrame(REFERRALS), "outcomes": outcomes}


def expected(filters: Filters) -> pd.DataFrame:
    """One row per referral and measure decided in the period, with its days from the report,
    worked out from the extract's rows."""
    data = frames()
    referrals = selected_referrals(
        data["reports"], data["referrals"], filters.forces, filters.channels,
        filters.categories, filters.subject_roles,
    )  # fmt: skip
    return decided_rows(referrals, data["outcomes"], filters.first_date, filters.last_date)


def check_counts(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got["measure"].tolist() == list(DECIDED_MEASURES)
    for measure, counted in got.set_index("measure").iterrows():
        days = want.loc[want["measure"] == measure, "days"]
        assert counted["cases"] == len(days), measure
        for column, q in (("median_days", 0.5), ("p90_days", 0.9)):
            if days.empty:
                assert pd.isna(counted[column]), (measure, column)
            else:
                assert counted[column] == pytest.approx(days.quantile(q)), (measure, column)


FILTERS = {
    "fy2024": FY2024,
    "fy2025": FY2025,
    "q1-2025": QUARTERS_2025[0],
    "essex": Filters(FY2025.first_date, FY2025.last_date, forces=("essex",)),
    "online": Filters(FY2024.first_date, FY2025.last_date, channels=("online",)),
    "sexual-misconduct": Filters(
        FY2024.first_date, FY2025.last_date, categories=("sexual_misconduct",)
    ),
    "staff": Filters(FY2024.first_date, AS_AT, subject_roles=("staff",)),
    "as-at": Filters(dt.date(2026, 4, 1), AS_AT),
}


@pytest.mark.parametrize("name", FILTERS)
def test_counts_and_days_against_pandas(run, name):
    filters = FILTERS[name]
    want = expected(filters)
    check_counts(decided_counts(run, filters), want)
    by_force = decided_by_force(run, filters).set_index("force_code")
    for measure in DECIDED_MEASURES:
        counts = want.loc[want["measure"] == measure, "force"].value_counts()
        shown = by_force[measure]
        assert shown[shown > 0].to_dict() == counts.to_dict(), measure


def test_by_hand(run):
    """The extract's story, told by hand for 2024/25 and 2025/26."""
    fy2024 = decided_counts(run, FY2024).set_index("measure")["cases"].to_dict()
    # F1's first case to answer; F2's false allegation on 31 Mar 2025; F3E's first charge
    assert fy2024 == {
        "case_to_answer": 1, "false_allegations": 1, "dismissals": 0,
        "would_have_been_dismissed": 0, "barred": 0, "criminal_charges": 1,
    }  # fmt: skip
    fy2025 = decided_counts(run, FY2025).set_index("measure")
    # F1's second case to answer is not counted again; F3 and F4's, and the twelve; F1 and F4
    # dismissed; F3 would have been; F3 and F3E barred (F3E safeguarding: any assessment);
    # F3E's second charge not counted again, F5's charge is after the period
    assert fy2025["cases"].to_dict() == {
        "case_to_answer": 14, "false_allegations": 0, "dismissals": 2,
        "would_have_been_dismissed": 1, "barred": 2, "criminal_charges": 0,
    }  # fmt: skip
    # F1: 10 Jan 2024 to 1 Jul 2025 = 538 days; F4: 15 Jan 2025 to 1 Dec 2025 = 320 days
    assert fy2025.loc["dismissals", "median_days"] == (538 + 320) / 2
    by_force = decided_by_force(run, FY2025).set_index("force_code")
    assert by_force.loc["essex", ["case_to_answer", "dismissals", "barred"]].tolist() == [1, 1, 1]
    # every force of the reference, zeros included, and no "Force not known"
    assert sorted(by_force.index) == sorted(pd.read_csv(FORCES_CSV)["force_code"])


def test_a_year_is_the_sum_of_its_quarters(run):
    year = decided_counts(run, FY2025).set_index("measure")["cases"]
    quarters = sum(decided_counts(run, q).set_index("measure")["cases"] for q in QUARTERS_2025)
    assert quarters.to_dict() == year.to_dict()
    forces = decided_by_force(run, FY2025).set_index("force_code")[list(DECIDED_MEASURES)]
    assert forces.sum().to_dict() == year.to_dict()


def test_beside_the_cohort(run):
    data = decided_data(run, FY2025, AS_AT)
    measures = data.measures.set_index("measure")
    # cohort: of the reports received in 2025/26 (R5, R6 and the twelve), so far: the twelve
    # cases to answer, and F5's charge (decided in 2026/27)
    assert measures["cohort"].to_dict() == {
        "case_to_answer": 12, "false_allegations": 0, "dismissals": 0,
        "would_have_been_dismissed": 0, "barred": 0, "criminal_charges": 1,
    }  # fmt: skip
    assert measures.loc["dismissals", "decided"] == 2
    assert data.total == 14 + 2 + 1 + 2
    # fewer than 10 cases carry a caution; 14 do not
    assert measures.loc["dismissals", "caution"] == "based on 2 cases: read with care"
    assert measures.loc["case_to_answer", "caution"] == ""
    assert measures.loc["false_allegations", "caution"] == ""  # no cases: nothing to caution
    assert (data.decided_label, data.cohort_label) == (
        "Decided in 2025/26",
        "Of reports received in 2025/26, so far",
    )
    table = decided_table(data).set_index("Outcome")
    assert table.loc["Dismissals", "Decided in 2025/26"] == 2
    assert table.loc["Dismissals", "Of reports received in 2025/26, so far"] == 0
    times = decided_days_table(data).set_index("Outcome")
    # 320 and 538 days: median 429, 90th percentile 320 + 0.9 × 218 = 516.2
    assert times.loc["Dismissals"].tolist() == [
        2, "429 (based on 2 cases: read with care)", "516 (based on 2 cases: read with care)",
    ]  # fmt: skip
    none = "– (none decided)"
    assert times.loc["False allegations found"].tolist() == [0, none, none]
    # 14 cases: no caution
    assert "read with care" not in times.loc["Case to answer", "Median days from the report"]


@pytest.mark.parametrize(
    ("first", "last", "key", "words"),
    [
        ("2025-04-01", "2026-03-31", "fy2025", "in 2025/26"),
        ("2026-04-01", "2026-10-31", "fy2026", "in 2026/27 (to 31 Oct 2026)"),
        ("2022-11-29", "2023-03-31", "fy2022", "in 2022/23 (from 29 Nov 2022)"),
        ("2024-04-01", "2024-06-30", "custom", "from 1 Apr 2024 to 30 Jun 2024"),
        ("2025-11-01", "2026-10-31", "last12", "from 1 Nov 2025 to 31 Oct 2026"),
    ],
)
def test_period_words(first, last, key, words):
    filters = Filters(dt.date.fromisoformat(first), dt.date.fromisoformat(last), key)
    assert period_words(filters) == words


def test_caution_below_the_minimum_base():
    assert caution(0) == ""
    assert caution(1) == "based on 1 case: read with care"
    assert caution(MIN_BASE - 1) == f"based on {MIN_BASE - 1} cases: read with care"
    assert caution(MIN_BASE) == ""
    assert days_with_caution(412.5, 3) == "413 (based on 3 cases: read with care)"
    assert days_with_caution(1234.4, MIN_BASE) == "1,234"
    assert days_with_caution(None, 0) == "–"
