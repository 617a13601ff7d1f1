"""Questions for the chief constable, written from a briefing's numbers.

Each question is asked only where its numbers support it: a wait only where referrals have
waited over 28 days, a rate only where the force's 95% interval leaves out the England and
Wales rate (a difference chance alone would rarely make), a fairness question only where the
Fairness page finds a difference beyond chance. Never from a withheld or suppressed figure.
At most MAX_QUESTIONS, the most pressing first; fewer where the numbers support fewer.
"""

import math

from oversight.briefing.content import Briefing
from oversight.constants import LONG_OVERDUE_DAYS, OVERDUE_DAYS
from oversight.snapshot.commentary import plural

MAX_QUESTIONS = 5
MAX_RATE_QUESTIONS = 2
# What to ask where a rate is above or below England and Wales's, by measure.
RATE_QUESTIONS = {
    "investigation_rate": (
        "of the referrals it kept were investigated",
        "What leads the force to investigate more of them than forces do overall?",
        "How does the force decide that a referral needs no investigation?",
    ),
    "case_to_answer_rate": (
        "of its investigations with a finding found a case to answer",
        "What does the force make of finding a case to answer more often than forces do overall?",
        "Why do its investigations find a case to answer less often than forces' do overall?",
    ),
    "dismissal_rate": (
        "of its investigations ended in dismissal",
        "What lies behind the higher share of dismissals?",
        "Why do fewer of its investigations end in dismissal than forces' do overall?",
    ),
    "reports_per_1000_officers": (
        "reports a year were made per 1,000 of its officers",
        "What does the force make of being reported more often, for its size, than forces overall?",
        "Fewer reports for its size can mean less wrongdoing or less confidence to report: "
        "which does the force believe it is, and why?",
    ),
}


def _rate_text(measure_key: str, value: float) -> str:
    """A rate as the briefing's tables show it (display units)."""
    if measure_key == "reports_per_1000_officers":
        return f"{value:,.1f}"
    return f"{value:.1f}%"


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def rate_questions(briefing: Briefing) -> list[str]:
    """A question for each rate whose 95% interval leaves out England and Wales's rate."""
    asked = []
    for key, (what, higher, lower) in RATE_QUESTIONS.items():
        force, nation = briefing.rate(key, "force"), briefing.rate(key, "nation")
        if (
            force is None
            or nation is None
            or not all(
                _known(v)
                for v in (force["rate"], force["rate_low"], force["rate_high"], nation["rate"])
            )
        ):
            continue
        if force["rate_low"] <= nation["rate"] <= force["rate_high"]:
            continue
        above = force["rate_low"] > nation["rate"]
        asked.append(
            f"In {briefing.force_name}, {_rate_text(key, force['rate'])} {what} (95% interval "
            f"{_rate_text(key, force['rate_low'])} to {_rate_text(key, force['rate_high'])}), "
            f"{'above' if above else 'below'} England and Wales's "
            f"{_rate_text(key, nation['rate'])}. {higher if above else lower}"
        )
    return asked[:MAX_RATE_QUESTIONS]


def waiting_question(briefing: Briefing) -> str | None:
    """How many referrals have waited over 28 days for the force's decision, now."""
    waiting = briefing.waiting
    if waiting is None or waiting.overdue == 0:
        return None
    longer = (
        f", {waiting.long_overdue:,} of them over {LONG_OVERDUE_DAYS} days"
        if waiting.long_overdue
        else ""
    )
    have = "has" if waiting.overdue == 1 else "have"
    return (
        f"{plural(waiting.overdue, 'referral')} {have} waited over {OVERDUE_DAYS} days for the "
        f"force's decision{longer}; the longest {waiting.longest_days:,} days. What is holding "
        "them up, and when will each be decided?"
    )


def long_open_question(briefing: Briefing) -> str | None:
    """How many investigations have been open for more than a year since the report."""
    if not briefing.open_over_365:
        return None
    count = briefing.open_over_365
    return (
        f"{plural(count, 'investigation')} {'has' if count == 1 else 'have'} been open for more "
        "than a year since the report. What stands in the way of concluding "
        f"{'it' if count == 1 else 'them'}?"
    )


def proceedings_question(briefing: Briefing) -> str | None:
    """How many cases to answer still await their misconduct proceedings."""
    mix = briefing.outcome_mix
    if mix is None:
        return None
    waiting = mix.loc[mix["outcome_group"] == "case to answer, awaiting proceedings", "cases"]
    count = int(waiting.iloc[0]) if len(waiting) else 0
    if count == 0:
        return None
    return (
        f"{plural(count, 'investigation')} found a case to answer and "
        f"{'awaits' if count == 1 else 'await'} misconduct proceedings. When will "
        f"{'it' if count == 1 else 'they'} be heard?"
    )


def fairness_questions(briefing: Briefing) -> list[str]:
    """For each characteristic, the first step at which the Fairness page finds a difference
    beyond chance, in its own words."""
    asked = []
    for data in briefing.fairness:
        # the reading lists each difference beyond chance as a bullet, in step order
        found = [line[2:] for line in data.reading if line.startswith("- ")]
        if found:
            asked.append(
                f"{found[0]} What does the force make of this difference, and what is it doing "
                "about it?"
            )
    return asked


def questions(briefing: Briefing) -> list[str]:
    """The questions the briefing's numbers support, most pressing first, at most
    MAX_QUESTIONS."""
    found = [
        waiting_question(briefing),
        *rate_questions(briefing),
        long_open_question(briefing),
        proceedings_question(briefing),
        *fairness_questions(briefing),
    ]
    return [question for question in found if question][:MAX_QUESTIONS]
