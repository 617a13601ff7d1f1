"""Outcomes of the misconduct route are accepted only on a referral assessed investigation.

The misconduct route is written out here from the contract's table of outcomes (findings and
misconduct proceedings), not imported from the code under test. The database of stored_db holds
report R1, its referral F1 (investigation) and outcome O1 (no_case_to_answer).
"""

import pytest

from .helpers import (
    OUTCOME,
    REFERRAL,
    REPORT,
    accept,
    places,
    query,
    refuse,
    row,
    write_extract,
    write_table,
)

MISCONDUCT_ROUTE = [
    "no_case_to_answer",
    "false_allegation",
    "case_to_answer_misconduct",
    "case_to_answer_gross_misconduct",
    "no_further_action",
    "reflective_practice",
    "management_advice",
    "written_warning",
    "final_written_warning",
    "reduction_in_rank",
    "dismissed",
    "would_have_been_dismissed",
]
ANY_ASSESSMENT = ["charged", "convicted", "acquitted", "barred"]
NOT_INVESTIGATION = ["safeguarding", "intelligence_only", "no_further_action", "transferred"]
R2 = row(REPORT, report_id="R2")


def referral(assessment: str, referral_id: str = "F2") -> dict:
    return row(REFERRAL, referral_id=referral_id, report_id="R2", assessment=assessment)


@pytest.mark.parametrize("assessment", NOT_INVESTIGATION + ["pending"])
def test_every_misconduct_route_outcome_is_refused_off_investigation(tmp_path, db_path, assessment):
    changes = {"assessed_at": ""} if assessment == "pending" else {}
    outcomes = [
        row(OUTCOME, outcome_id=f"O{i}", referral_id="F2", outcome=code)
        for i, code in enumerate(MISCONDUCT_ROUTE, start=2)
    ]
    paths = write_extract(
        tmp_path / "x", reports=[R2], referrals=[referral(assessment) | changes], outcomes=outcomes
    )
    error = refuse(paths, db_path)
    assert places(error) == [
        ("outcomes.csv", line, "outcome", code) for line, code in enumerate(MISCONDUCT_ROUTE, 2)
    ]
    for problem in error.problems:
        assert f"referral F2, assessed {assessment} (referrals.csv, line 2)" in problem.expected
        assert "accepted only on a referral assessed investigation" in problem.expected


@pytest.mark.parametrize("assessment", NOT_INVESTIGATION)
def test_criminal_and_barring_outcomes_follow_any_assessment(tmp_path, db_path, assessment):
    outcomes = [
        row(OUTCOME, outcome_id=f"O{i}", referral_id="F2", outcome=code)
        for i, code in enumerate(ANY_ASSESSMENT)
    ]
    paths = write_extract(
        tmp_path / "x", reports=[R2], referrals=[referral(assessment)], outcomes=outcomes
    )
    accept(paths, db_path)
    stored = query(db_path, "select outcome::varchar from outcomes order by outcome_id")
    assert stored == [(code,) for code in ANY_ASSESSMENT]


def test_outcome_on_a_stored_referral_off_investigation_is_refused(tmp_path, stored_db):
    safeguarding = referral("safeguarding", "F5") | {"report_id": "R1"}
    accept([write_table(tmp_path / "a", "referrals", [safeguarding])], stored_db)
    dismissed = row(OUTCOME, outcome_id="O5", referral_id="F5", outcome="dismissed")
    error = refuse([write_table(tmp_path / "b", "outcomes", [dismissed])], stored_db)
    assert places(error) == [("outcomes.csv", 2, "outcome", "dismissed")]
    assert "referral F5, assessed safeguarding (stored)" in error.problems[0].expected


def test_moving_a_stored_referral_off_investigation_is_refused(tmp_path, stored_db):
    second = row(OUTCOME, outcome_id="O2", outcome="dismissed", decided_at="2024-07-01")
    accept([write_table(tmp_path / "a", "outcomes", [second])], stored_db)
    moved = row(REFERRAL, assessment="no_further_action")
    error = refuse([write_table(tmp_path / "b", "referrals", [moved])], stored_db)
    assert places(error) == [("referrals.csv", 2, "assessment", "no_further_action")]
    assert "referral F1" in error.problems[0].expected
    assert "(stored: O1 no_case_to_answer, O2 dismissed)" in error.problems[0].expected


def test_moving_a_referral_off_investigation_with_outcomes_in_the_extract_is_refused(
    tmp_path, stored_db
):
    moved = row(REFERRAL, assessment="transferred")
    revised = row(OUTCOME, outcome="case_to_answer_misconduct")
    paths = write_extract(tmp_path / "x", referrals=[moved], outcomes=[revised])
    error = refuse(paths, stored_db)
    assert places(error) == [("outcomes.csv", 2, "outcome", "case_to_answer_misconduct")]
    assert "referral F1, assessed transferred (referrals.csv, line 2)" in error.problems[0].expected


def test_moving_a_referral_with_only_criminal_outcomes_is_accepted(tmp_path, db_path):
    charged = row(OUTCOME, referral_id="F2", outcome="charged")
    accept(write_extract(tmp_path / "a", reports=[R2], referrals=[referral("investigation")],
                         outcomes=[charged]), db_path)  # fmt: skip
    accept([write_table(tmp_path / "b", "referrals", [referral("safeguarding")])], db_path)
    assert query(db_path, "select assessment::varchar from referrals") == [("safeguarding",)]
