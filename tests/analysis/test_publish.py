"""The Publish page's choice of snapshot from its address (oversight/analysis/publish.py), on
periods worked out by hand: data from 14 March 2024 to 31 October 2026."""

import datetime as dt

import pytest

from oversight.analysis.publish import PublishChoice, choice_from_query, choice_to_query
from oversight.filters import period_presets
from oversight.snapshot.periods import PublicPeriod

FIRST, AS_AT = dt.date(2024, 3, 14), dt.date(2026, 10, 31)
EARLIEST = dt.date(2020, 1, 1)
# releasable by 31 October 2026 (3 months past the end): up to April to June 2026
RELEASABLE = [PublicPeriod(2026, 1), PublicPeriod(2025), PublicPeriod(2025, 4)]
FORCES = {"kent", "essex"}


def choose(query: dict[str, list[str]], releasable=RELEASABLE) -> PublishChoice:
    presets = period_presets(FIRST, AS_AT, AS_AT)
    return choice_from_query(query, releasable, presets, FORCES, AS_AT, EARLIEST)


def test_a_releasable_period_is_public():
    assert choose({"period": ["fy2025"]}) == PublishChoice(True, "fy2025")
    assert choose({"period": ["fy2025-q4"]}) == PublishChoice(True, "fy2025-q4")


def test_no_period_is_the_latest_releasable_or_none():
    assert choose({}) == PublishChoice(True, "fy2026-q1")
    assert choose({}, releasable=[]) == PublishChoice(True, "")


def test_a_force_makes_it_internal_and_says_why():
    choice = choose({"period": ["fy2025"], "force": ["kent", "nowhere", "kent"]})
    assert (choice.public, choice.period, choice.forces) == (False, "fy2025", ("kent",))
    assert "A public release covers every force" in choice.note


def test_a_period_not_releasable_yet_is_internal_and_says_when_it_will_be():
    choice = choose({"period": ["fy2026"]})
    assert (choice.public, choice.period) == (False, "fy2026")
    assert choice.note.startswith("Financial year 2026/27 can be released once the data runs "
                                  "to June 2027")  # fmt: skip
    # a quarter is no sidebar period: its dates, as chosen dates
    quarter = choose({"period": ["fy2026-q2"]})
    assert (quarter.period, quarter.first, quarter.last) == (
        "custom",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )
    assert "July to September 2026" in quarter.note


def test_internal_periods_and_dates_are_kept_within_what_can_be_chosen():
    assert choose({"period": ["national"]}).period == "national"
    assert "a financial year or a quarter only" in choose({"period": ["national"]}).note
    dates = choose({"period": ["custom"], "from": ["2019-06-01"], "to": ["2027-01-31"]})
    assert (dates.first, dates.last) == (EARLIEST, AS_AT)
    before = choose({"period": ["fy2018"]})  # wholly before the earliest date allowed
    assert (before.public, before.period) == (False, "all")
    assert "ended before the first stored report" in before.note


def test_an_internal_address_is_followed_without_a_note():
    choice = choose({"snapshot": ["internal"], "period": ["fy2025"]})
    assert choice == PublishChoice(False, "fy2025")


@pytest.mark.parametrize(
    "choice",
    [
        PublishChoice(True, "fy2025-q4"),
        PublishChoice(False, "fy2025"),
        PublishChoice(False, "all", forces=("kent", "essex")),
        PublishChoice(False, "custom", dt.date(2025, 1, 2), dt.date(2025, 2, 3), ("essex",)),
    ],
)
def test_the_address_written_opens_the_same_choice(choice):
    assert choose(choice_to_query(choice)) == choice
