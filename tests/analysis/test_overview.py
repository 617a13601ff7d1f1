"""The Overview's path of a report (oversight/analysis/overview.py) on hand-made headline
counts: a share of the stage above only where both stages count the same thing, and words, not
None or column names, where there is none."""

import math

import pandas as pd
import pytest

from oversight import charts
from oversight.analysis.overview import (
    report_path,
    report_path_note,
    report_path_table,
    with_stage_shares,
)

HEADLINE = pd.Series(
    {
        "reports": 200,
        "disseminated_reports": 50,
        "investigations": 40,
        "case_to_answer": 10,
        "investigations_concluded": 4,
        "investigations_removed": 1,
        "investigations_barred": 0,
    }
)


def test_bars_give_shares_only_between_stages_that_count_the_same_thing():
    path = report_path(HEADLINE)
    assert path["label"].tolist() == [
        "200 reports",
        "50 reports, 25% of the stage above",
        "40 referrals",  # referrals, where the stage above counts reports: no share
        "10 referrals, 25% of the stage above",
        "4 referrals, 40% of the stage above",
        "1 referral, 25% of the stage above",
        "0 referrals, 0% of the stage above",
    ]


def test_table_in_plain_words():
    table = report_path_table(report_path(HEADLINE))
    assert list(table.columns) == ["Stage", "Counts", "Number", "Share of the stage above"]
    assert table["Counts"].tolist() == ["Reports"] * 2 + ["Referrals"] * 5
    assert table["Number"].tolist() == [200, 50, 40, 10, 4, 1, 0]
    assert table["Share of the stage above"].tolist() == [
        "– (first stage)", "25%", "– (stage above counts reports)", "25%", "40%", "25%", "0%",
    ]  # fmt: skip


def test_a_stage_after_none_has_no_share_and_says_why():
    headline = HEADLINE.copy()
    headline[["investigations", "case_to_answer", "investigations_concluded",
              "investigations_removed"]] = 0  # fmt: skip
    table = report_path_table(report_path(headline))
    assert table["Share of the stage above"].tolist()[3:] == ["– (none in the stage above)"] * 4
    assert "stage above" not in "".join(report_path(headline)["label"].tolist()[3:])


def test_note_names_the_stage_where_the_unit_changes():
    note = report_path_note(report_path(HEADLINE))
    assert "“Investigated” counts referrals where the stage above counts reports" in note
    assert "share of reports received" not in note


def test_stage_shares_only_between_stages_that_count_the_same_thing():
    path = pd.DataFrame({
        "stage": ["Reports received", "Passed to a force", "Investigated", "Case to answer"],
        "unit": ["reports", "reports", "referrals", "referrals"],
        "count": [200, 50, 40, 10],
    })  # fmt: skip
    shares = with_stage_shares(path)["share_of_stage_before"].tolist()
    assert shares[1] == 0.25 and shares[3] == 0.25
    assert math.isnan(shares[0]) and math.isnan(shares[2])
    assert shares[1:] == [0.25, pytest.approx(float("nan"), nan_ok=True), 0.25]


def test_the_path_chart_names_each_stage_and_sums_up_first_and_last():
    fig = charts.stage_bars(report_path(HEADLINE), "stage", "count", "label", "The path")
    layout = fig.to_dict()["layout"]
    assert [note["text"] for note in layout["annotations"]][:2] == [
        "<b>Reports received</b><br>200 reports",
        "<b>Passed to a force</b><br>50 reports, 25% of the stage above",
    ]
    assert charts.title_and_summary(fig) == (
        "The path",
        "7 stages, from Reports received: 200 reports, to Barred from policing: 0 referrals, 0% "
        "of the stage above.",
    )
