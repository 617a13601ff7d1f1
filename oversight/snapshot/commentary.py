"""Plain-language sentences generated from a snapshot's numbers, for the printable report.

The rules (docs/metrics.md, "Disclosure control in public outputs"): nothing is computed from a
suppressed value ([c]): the sentence says that the figure is suppressed instead; no percentage
change is given when the earlier count is below 10 (too few to compare, zero included); no share
is given of fewer than 10 (the rule for a rate's denominator); counts carry thousands separators
and percentages are whole numbers (halves rounded up).

Every function returns plain text (the report escapes it), or None where there is nothing to say.
"""

import datetime as dt
import math
import numbers
from fractions import Fraction

import pandas as pd

from oversight.constants import MIN_BASE, OVERDUE_DAYS
from oversight.disclosure import SUPPRESSED
from oversight.filters import month_end

# an earlier count below MIN_BASE is too few for a percentage change, and no share is given
# of fewer than MIN_BASE (the disclosure rule for a denominator)
SMALL_COUNT = SHARE_MINIMUM = MIN_BASE

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The noun phrase each compared headline measure is named by, in the order compared.
COMPARED_MEASURES = (
    ("reports", "reports"),
    ("disseminated_reports", "reports passed on to a force"),
    ("investigations", "investigations"),
    ("case_to_answer", "cases to answer"),
    ("dismissals", "dismissals"),
)


# --- values ---------------------------------------------------------------------------------


def is_suppressed(value) -> bool:
    """Whether a published cell holds the suppression mark [c]."""
    return isinstance(value, str) and value == SUPPRESSED


def is_empty(value) -> bool:
    """Whether a published cell is empty (cannot be computed): None, NaN or pandas' NA."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(value)
    return False


def as_number(value) -> float | None:
    """A cell's number, or None where it is suppressed, empty or not a number."""
    if is_empty(value) or isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def headline_value(headline: pd.DataFrame | None, measure: str):
    """One figure of a headline table (an int, [c] or None), None where the measure is absent."""
    if headline is None:
        return None
    values = headline.loc[headline["measure"] == measure, "value"]
    if values.empty or is_empty(values.iloc[0]):
        return None
    value = values.iloc[0]
    return value if is_suppressed(value) else int(value)


# --- words for numbers ----------------------------------------------------------------------


def format_count(value: int) -> str:
    """A count with thousands separators: 12345 -> "12,345"."""
    return f"{int(value):,}"


def format_number(value: float, decimals: int) -> str:
    """A number with thousands separators and at most that many decimals, trailing zeros
    dropped: 120.0 -> "120", 3900.25 -> "3,900.25"."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_days(days: float) -> str:
    """Days as said in a sentence: "1 day", "3 days", "120.5 days"."""
    text = format_number(days, 1)
    return f"{text} day" if text == "1" else f"{text} days"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count and the noun that agrees with it: "1 referral", "2 referrals"."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{format_count(count)} {noun}"


def format_date(date: dt.date, long: bool = False) -> str:
    """A date as people write it: "1 Jan 2025", or with long=True "1 January 2025"."""
    month = MONTH_NAMES[date.month - 1]
    return f"{date.day} {month if long else month[:3]} {date.year}"


def format_month(date: dt.date, long: bool = False) -> str:
    """A date's month only: "Jan 2025", or with long=True "January 2025"."""
    month = MONTH_NAMES[date.month - 1]
    return f"{month if long else month[:3]} {date.year}"


def as_at_words(as_at: dt.date, public: bool, long: bool = False) -> str:
    """The as-at date as an output names it: its month only in public (no public output names
    a date finer than a month), the day internally."""
    return format_month(as_at, long) if public else format_date(as_at, long)


def period_words(first: dt.date, last: dt.date, public: bool, long: bool = False) -> str:
    """A period as an output names it: by months in public ("April 2025 to March 2026"; a
    public period is always whole months), by days internally."""
    if not public:
        return format_period(first, last, long)
    if (first.year, first.month) == (last.year, last.month):
        return format_month(first, long)
    if first.year == last.year:
        month = MONTH_NAMES[first.month - 1]
        return f"{month if long else month[:3]} to {format_month(last, long)}"
    return f"{format_month(first, long)} to {format_month(last, long)}"


def format_period(first: dt.date, last: dt.date, long: bool = False) -> str:
    """A period, both dates inclusive: "1 Jan to 31 Mar 2025", "1 Dec 2024 to 31 Mar 2025"."""
    if first == last:
        return format_date(first, long)
    if first.year == last.year:
        month = MONTH_NAMES[first.month - 1]
        return f"{first.day} {month if long else month[:3]} to {format_date(last, long)}"
    return f"{format_date(first, long)} to {format_date(last, long)}"


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def format_percent(part: int, whole: int) -> str:
    """part / whole as a whole-number percentage, never shown as 0% or 100% when it is not:
    (1, 300) -> "less than 1%", (299, 300) -> "more than 99%"."""
    share = Fraction(int(part) * 100, int(whole))
    rounded = _round_half_up(share)
    if rounded == 0 and share > 0:
        return "less than 1%"
    if rounded == 100 and share < 100:
        return "more than 99%"
    return f"{rounded}%"


def percent_of(part, whole) -> str | None:
    """The share part / whole ("67%"), or None where either is suppressed or empty, or where
    whole is below SHARE_MINIMUM."""
    part_number, whole_number = as_number(part), as_number(whole)
    if part_number is None or whole_number is None or whole_number < SHARE_MINIMUM:
        return None
    return format_percent(int(part_number), int(whole_number))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- periods --------------------------------------------------------------------------------


def is_calendar_quarter(first: dt.date, last: dt.date) -> bool:
    """Whether first..last is exactly one calendar quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec)."""
    return (
        first.day == 1
        and first.month in (1, 4, 7, 10)
        and last == month_end(dt.date(first.year, first.month + 2, 1))
    )


def previous_period_phrase(
    first: dt.date,
    last: dt.date,
    previous_first: dt.date,
    previous_last: dt.date,
    short: bool = False,
    public: bool = False,
) -> str:
    """How the commentary names the earlier period: "the previous quarter (January to March
    2025)" when both periods are calendar quarters, else "the previous period of the same length
    (1 Dec 2024 to 28 Feb 2025)"; with short=True "the previous quarter" or "the previous
    period", for sentences under a heading that gives the full name."""
    if is_calendar_quarter(first, last) and is_calendar_quarter(previous_first, previous_last):
        if short:
            return "the previous quarter"
        months = (
            f"{MONTH_NAMES[previous_first.month - 1]} to {MONTH_NAMES[previous_last.month - 1]}"
        )
        return f"the previous quarter ({months} {previous_first.year})"
    if short:
        return "the previous period"
    words = period_words(previous_first, previous_last, public)
    return f"the previous period of the same length ({words})"


# --- sentences ------------------------------------------------------------------------------


def reports_sentence(reports, first: dt.date, last: dt.date, public: bool = False) -> str | None:
    """How many reports the period holds (its months only, in public)."""
    if public:
        when = f"in {period_words(first, last, public)}"
    else:
        when = f"on {format_date(first)}" if first == last else f"from {format_period(first, last)}"
    if reports is None:
        return None
    if is_suppressed(reports):
        return f"The number of reports received {when} is suppressed ([c])."
    if reports == 0:
        return f"No reports were received {when}."
    verb = "was" if reports == 1 else "were"
    return f"{plural(reports, 'report')} {verb} received {when}."


def change_sentence(noun: str, current, previous, previous_period: str) -> str | None:
    """How a count moved on the earlier period: "Reports rose by 20% on the previous quarter
    (January to March 2025), from 100 to 120."; noun is a lower-case plural noun phrase."""
    if current is None or previous is None:
        return None
    if is_suppressed(current):
        return (
            f"The number of {noun} in this period is suppressed ([c]), so it is not compared "
            f"with {previous_period}."
        )
    if is_suppressed(previous):
        return (
            f"The number of {noun} in {previous_period} is suppressed ([c]), so it is not compared."
        )
    current, previous = int(current), int(previous)
    if previous < SMALL_COUNT:
        return (
            f"Too few {noun} in {previous_period} to compare: {format_count(previous)}, "
            f"against {format_count(current)} in this period."
        )
    if current == previous:
        return (
            f"{_capitalised(noun)} were unchanged on {previous_period}, at {format_count(current)}."
        )
    direction = "rose" if current > previous else "fell"
    change = format_percent(abs(current - previous), previous)
    return (
        f"{_capitalised(noun)} {direction} by {change} on {previous_period}, "
        f"from {format_count(previous)} to {format_count(current)}."
    )


def share_sentence(part, whole, noun: str, predicate: str) -> str | None:
    """A share of a count: "67% of reports were made by phone (80 of 120)."."""
    if part is None or whole is None:
        return None
    if is_suppressed(whole):
        return f"The number of {noun} is suppressed ([c]), so the share {predicate} is not given."
    if is_suppressed(part):
        return f"The number of {noun} {predicate} is suppressed ([c]), so its share is not given."
    if whole == 0:
        return None
    if whole < SHARE_MINIMUM:
        return f"Too few {noun} ({format_count(whole)}) to give the share {predicate}."
    share = format_percent(part, whole)
    return _capitalised(
        f"{share} of {noun} were {predicate} ({format_count(part)} of {format_count(whole)})."
    )


def case_to_answer_sentence(
    case_to_answer, investigations, as_at: dt.date, public: bool = False
) -> str | None:
    """How many investigations have found a case to answer so far."""
    so_far = f"so far (as at {as_at_words(as_at, public)})"
    if case_to_answer is None or investigations is None:
        return None
    if is_suppressed(investigations):
        return (
            "The number of investigations is suppressed ([c]), so how many have found a case "
            "to answer is not given."
        )
    if is_suppressed(case_to_answer):
        return (
            f"How many of the {plural(investigations, 'investigation')} have found a case to "
            "answer so far is suppressed ([c])."
        )
    if investigations == 0:
        return f"None of the reports has led to an investigation {so_far}."
    if case_to_answer == 0:
        return (
            f"None of the {plural(investigations, 'investigation')} has found a case to answer "
            f"{so_far}."
        )
    verb = "has" if case_to_answer == 1 else "have"
    return (
        f"{format_count(case_to_answer)} of {plural(investigations, 'investigation')} {verb} "
        f"found a case to answer {so_far}."
    )


def removal_sentence(removed, dismissals) -> str | None:
    """How many referrals have led to removal from policing so far."""
    if removed is None:
        return None
    if is_suppressed(removed):
        return (
            "The number of referrals that have led to removal from policing so far is "
            "suppressed ([c])."
        )
    if removed == 0:
        return "No referral has led to removal from policing so far."
    verb = "has" if removed == 1 else "have"
    text = (
        f"{plural(removed, 'referral')} {verb} led to removal from policing so far (dismissal, "
        "or a finding that the person would have been dismissed had they not left)"
    )
    if dismissals is not None and not is_suppressed(dismissals):
        noun = "a dismissal" if dismissals == 1 else "dismissals"
        text += f", {format_count(dismissals)} of them {noun}"
    return text + "."


def open_cases_sentence(open_cases) -> str | None:
    """How many investigations are still open."""
    if open_cases is None:
        return None
    if is_suppressed(open_cases):
        return "The number of investigations still open is suppressed ([c])."
    if open_cases == 0:
        return "No investigation is still open."
    verb = "is" if open_cases == 1 else "are"
    return (
        f"{plural(open_cases, 'investigation')} {verb} still open (no outcome that ends the "
        "case yet)."
    )


def awaiting_sentence(awaiting, overdue) -> str | None:
    """How many referrals await a force's decision, and how many of them are overdue."""
    if awaiting is None:
        return None
    if is_suppressed(awaiting):
        return "The number of referrals awaiting a force's decision is suppressed ([c])."
    if awaiting == 0:
        return "No referral is awaiting a force's decision."
    verb = "is" if awaiting == 1 else "are"
    text = f"{plural(awaiting, 'referral')} {verb} awaiting a force's decision"
    if overdue is None:
        return text + "."
    if is_suppressed(overdue):
        return text + f"; how many for more than {OVERDUE_DAYS} days is suppressed ([c])."
    if overdue == 0:
        return text + f", none of them for more than {OVERDUE_DAYS} days."
    return text + f", {format_count(overdue)} of them for more than {OVERDUE_DAYS} days."


def _p90_tail(p90) -> str:
    days = as_number(p90)
    return "" if days is None else f", and 90% within {format_days(days)}"


def dissemination_time_sentence(cases, median, p90) -> str | None:
    """Days from a report to its referral to a force."""
    if is_suppressed(cases) or is_suppressed(median):
        return "The days taken to pass reports on to a force are suppressed ([c])."
    days = as_number(median)
    if days is None or not cases:
        return (
            "No report has been passed on to a force yet, so there is no time to pass on to give."
        )
    return (
        f"Half of the referrals reached a force within {format_days(days)} of the report being "
        f"received{_p90_tail(p90)}."
    )


def finding_time_sentence(cases, median, p90) -> str | None:
    """Days from a referral to the investigation's first finding."""
    if is_suppressed(cases) or is_suppressed(median):
        return "The days taken to reach an investigation finding are suppressed ([c])."
    days = as_number(median)
    if days is None or not cases:
        return "No investigation has reached a finding yet, so there is no time to finding to give."
    return (
        f"Half of the investigation findings came within {format_days(days)} of the referral"
        f"{_p90_tail(p90)}."
    )


def outcome_time_sentence(cases, median, p90) -> str | None:
    """Days from a report to the outcome that ends the case: a Kaplan-Meier estimate over all
    investigations, open ones counted as still open at the as-at date."""
    if is_suppressed(cases) or is_suppressed(median):
        return "The days taken to reach an outcome that ends the case are suppressed ([c])."
    if not cases:
        return "There is no investigation yet, so the days to an outcome cannot be estimated."
    days = as_number(median)
    if days is None:
        return (
            f"Fewer than half of the {plural(cases, 'investigation')} have reached an outcome "
            "that ends the case so far, so the median days to outcome cannot be estimated yet."
        )
    text = (
        f"An estimated half of the {plural(cases, 'investigation')} reached an outcome that ends "
        f"the case within {format_days(days)} of the report (a Kaplan–Meier estimate that counts "
        "open cases as still open)"
    )
    if is_empty(p90):
        return text + "; the 90th percentile cannot be estimated yet."
    return text + _p90_tail(p90) + "."


def dismissal_time_sentence(cases, median, p90) -> str | None:
    """Days from a report to a dismissal."""
    if is_suppressed(cases) or is_suppressed(median):
        return "The days taken to a dismissal are suppressed ([c])."
    days = as_number(median)
    if days is None or not cases:
        return None
    return (
        f"Half of the dismissals came within {format_days(days)} of the report being received"
        f"{_p90_tail(p90)}."
    )


TIME_SENTENCES = {
    "days_to_dissemination": dissemination_time_sentence,
    "days_to_finding": finding_time_sentence,
    "days_to_outcome": outcome_time_sentence,
    "days_to_dismissal": dismissal_time_sentence,
}


# --- the commentary -------------------------------------------------------------------------


def _cell(value):
    """A table cell as the sentence functions take it: an int, [c], a float or None."""
    if is_empty(value):
        return None
    if is_suppressed(value) or isinstance(value, str):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def commentary(snapshot) -> list[tuple[str, list[str]]]:
    """The report's commentary: (heading, sentences) in reading order."""
    headline = snapshot.tables["headline"]

    def now(measure):
        return headline_value(headline, measure)

    reports = now("reports")
    about_reports = [
        reports_sentence(reports, snapshot.first_date, snapshot.last_date, snapshot.public),
        share_sentence(now("reports_phone"), reports, "reports", "made by phone"),
        share_sentence(now("reports_online"), reports, "reports", "made online"),
        share_sentence(now("anonymous_reports"), reports, "reports", "made anonymously"),
        share_sentence(now("disseminated_reports"), reports, "reports", "passed on to a force"),
    ]

    previous = snapshot.previous_headline
    compared_heading = "Change on the previous period"
    if previous is None or snapshot.previous_first_date is None:
        compared = [f"No comparison is made: {snapshot.no_comparison_reason}."]
    else:
        dates = (
            snapshot.first_date,
            snapshot.last_date,
            snapshot.previous_first_date,
            snapshot.previous_last_date,
        )
        # the heading names the earlier period in full, its sentences briefly
        compared_heading = "Change on " + previous_period_phrase(*dates, public=snapshot.public)
        phrase = previous_period_phrase(*dates, short=True)
        compared = [
            change_sentence(noun, now(measure), headline_value(previous, measure), phrase)
            for measure, noun in COMPARED_MEASURES
        ]
        compared.append(
            "Referrals and outcomes count against the period of the report they came from, so "
            "the earlier period's reports have had longer to reach them."
        )

    outcomes = [
        case_to_answer_sentence(
            now("case_to_answer"), now("investigations"), snapshot.as_at, snapshot.public
        ),
        removal_sentence(now("removed_from_policing"), now("dismissals")),
        open_cases_sentence(now("open_cases")),
        awaiting_sentence(now("awaiting_force_decision"), now("awaiting_force_decision_overdue")),
    ]

    timeliness = []
    for row in snapshot.tables["timeliness"].itertuples(index=False):
        sentence = TIME_SENTENCES.get(row.measure)
        if sentence is not None:
            timeliness.append(
                sentence(_cell(row.cases), _cell(row.median_days), _cell(row.p90_days))
            )

    sections = [
        ("Reports", about_reports),
        (compared_heading, compared),
        ("Outcomes so far", outcomes),
        ("How long it takes", timeliness),
    ]
    return [(heading, [text for text in sentences if text]) for heading, sentences in sections]
