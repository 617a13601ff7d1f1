"""Questions for the chief constable appear only where the numbers support them, worked out by
hand on the tiny extract of conftest.py."""

import datetime as dt

from oversight.briefing.content import internal_briefing
from oversight.briefing.render import render
from oversight.filters import Filters
from oversight.status import read_status

FY2024 = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024")
NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)


def test_kent_gets_a_question_for_each_thing_its_numbers_show(tiny_run):
    briefing = internal_briefing(tiny_run, FY2024, read_status(tiny_run), "kent", now=NOW)
    assert list(briefing.questions) == [
        "3 referrals have waited over 28 days for the force's decision, 1 of them over 56 days; "
        "the longest 60 days. What is holding them up, and when will each be decided?",
        "In Kent Police, 100.0% of the referrals it kept were investigated (95% interval 83.9% "
        "to 100.0%), above England and Wales's 50.8%. What leads the force to investigate more "
        "of them than forces do overall?",
        "In Kent Police, 5.6% of its investigations with a finding found a case to answer (95% "
        "interval 1.0% to 25.8%), below England and Wales's 37.9%. Why do its investigations "
        "find a case to answer less often than forces' do overall?",
        "3 investigations have been open for more than a year since the report. What stands in "
        "the way of concluding them?",
        "1 investigation found a case to answer and awaits misconduct proceedings. When will it "
        "be heard?",
    ]
    # Kent's 20 reports per its officers also leave out England and Wales's rate, but at most
    # two rates are questioned
    kent = briefing.rate("reports_per_1000_officers", "force")
    nation = briefing.rate("reports_per_1000_officers", "nation")
    assert kent["rate_low"] > nation["rate"]
    html = render(briefing)
    assert html.count("<li>3 referrals have waited over 28 days") == 1


def test_the_figures_behind_the_questions(tiny_run):
    briefing = internal_briefing(tiny_run, FY2024, read_status(tiny_run), "kent", now=NOW)
    waiting = briefing.waiting
    assert (waiting.awaiting, waiting.overdue, waiting.long_overdue) == (4, 3, 1)
    assert waiting.longest_days == 60
    assert briefing.open_over_365 == 3
    assert [f.value for f in briefing.headline] == [20, 20, 0, 20, 20, 20, 0, 1, 0, 3]


def test_no_question_where_the_numbers_support_none(tiny_run):
    """Surrey: one report, investigated, no case to answer: every interval holds England and
    Wales's rate, nothing waits, nothing is open."""
    briefing = internal_briefing(tiny_run, FY2024, read_status(tiny_run), "surrey", now=NOW)
    assert briefing.questions == ()
    html = render(briefing)
    assert '<ol class="questions">' not in html
    assert "The figures raise no question that they can support on their own" in html


def test_a_question_never_uses_a_withheld_figure(tiny_run):
    """A force user's view of a period that is not a whole financial year withholds the region
    and England and Wales: no rate can be set against them, so no rate is questioned."""
    first_half = Filters(dt.date(2024, 4, 1), dt.date(2024, 9, 30))
    briefing = internal_briefing(
        tiny_run, first_half, read_status(tiny_run), "kent", every_force=tiny_run, own=("kent",),
        now=NOW,
    )  # fmt: skip
    assert briefing.rate("investigation_rate", "nation") is None
    assert not any("England and Wales" in q for q in briefing.questions)
    assert briefing.questions[0].startswith("3 referrals have waited over 28 days")
    assert briefing.rate_table["England and Wales"].tolist() == ["[c]"] * 5
