"""What the Forces page says around its figures: which force it shows first, the filters its
charts describe, and the captions and notes, in plain words. The figures themselves come from
oversight.analysis.forces (forces_data) and, for a force user, force_view."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from oversight.analysis.decided import cohort_label, decided_label
from oversight.analysis.force_trends import (
    MEDIAN_DAYS,
    MEDIAN_NOT_REACHED,
    TREND_MEASURES,
    UPPER_NOT_REACHED,
)
from oversight.analysis.forces import (
    DEFAULT_FOCUS,
    MEASURES,
    NATION_LABEL,
    PEERS_LABEL,
    ForcesData,
    Funnel,
    Measure,
)
from oversight.filters import Filters

# Counts with thousands separators (a table's number format, printf-style as Streamlit takes it)
COUNT_FORMAT = "%,d"
RATE_FORMAT = "%,.1f"
OFFICER_YEARS_FORMAT = "%,.0f"
OFFICER_YEARS = MEASURES["reports_per_1000_officers"].denominator_label
# The conversion trend's columns in the numbers behind a trend chart, by measure: numerator and
# denominator names
TREND_COUNT_NAMES = {
    "investigation_rate": ("Investigations", "Referrals not transferred"),
    "case_to_answer_rate": ("Case to answer", "Investigations with a finding"),
    MEDIAN_DAYS: ("Investigations ended", "Investigations"),
}


def choose_focus(
    names: Mapping[str, str],
    current: str | None,
    kept: str | None,
    url_focus: str | None,
    sidebar_first: str | None,
    previous_sidebar_first: str | None,
) -> str:
    """The force the page shows: the one chosen (current), unless the sidebar's force filter
    has a newly chosen first force; on arrival the URL's focus, then the last one chosen on the
    page (kept), the sidebar's first force, the Metropolitan Police, or the first force
    offered."""
    if current not in names:
        candidates = (url_focus, kept, sidebar_first, DEFAULT_FOCUS, *names)
        return next(code for code in candidates if code in names)
    if sidebar_first in names and sidebar_first != previous_sidebar_first:
        return sidebar_first
    return current


def focus_filters(filters: Filters, focus: str, name: str) -> Filters:
    """The filters for the force shown, named in words ("force: Kent") where a chart's caption
    or download describes them."""
    return replace(filters.with_forces((focus,)), force_labels=(name,))


@dataclass(frozen=True)
class PageText:
    """The dates and names the page's captions repeat."""

    period: str  # "01 Apr 2025 to 31 Mar 2026"
    as_at: str  # "31 Oct 2026"
    fte_date: str  # the officer figures' date, or "–"
    force_name: str  # the force's full name (a short name can equal its region's)
    others: str  # the channel, category and role filters in words ("" if none)
    words: str = ""  # the period after "decided" or "received" ("in 2025/26"; period_words)


def page_text(data: ForcesData, filters: Filters, as_at: dt.date) -> PageText:
    """The page's repeated dates and names for this selection."""
    others = ", ".join(
        f"{name}: {', '.join(values)}"
        for name, values in (
            ("channel", filters.channels),
            ("category", filters.categories),
            ("role", filters.subject_roles),
        )
        if values
    )
    return PageText(
        period=f"{filters.first_date:%d %b %Y} to {filters.last_date:%d %b %Y}",
        as_at=f"{as_at:%d %b %Y}",
        fte_date=f"{data.officer_fte_date:%d %b %Y}" if data.officer_fte_date else "–",
        force_name=data.focus_name,
        others=others,
        words=data.decided_words,
    )


def selection_caption(text: PageText, own_only: bool) -> str:
    """What the page counts, for which reports, and what the comparators share."""
    return (
        f"Reports received {text.period}{f' ({text.others})' if text.others else ''}; referrals "
        f"and outcomes of those reports so far, as at {text.as_at}. A report counts for the force "
        "of the person reported; a referral for the force that received it. "
        + (
            "Its most similar forces, the region and England and Wales use the same period, "
            "channels, categories and roles."
            if own_only
            else "The sidebar's force and region choices pick the force shown first; its most "
            "similar forces, the region, England and Wales and all-forces figures use the same "
            "period, channels, categories and roles."
        )
    )


def comparators_heading(data: ForcesData) -> str:
    """The heading over the force's comparison with its groups."""
    groups = [f"its {PEERS_LABEL.lower()}"] if data.peers else []
    groups += [data.region_name or "its region", NATION_LABEL]
    return "Beside " + ", ".join(groups[:-1]) + " and " + groups[-1]


def peers_note(data: ForcesData) -> str:
    """Which forces are the most similar, and how the pooled figure is made."""
    if not data.peers:
        return (
            f"{data.focus_name} has no group of most similar forces (the peer groups cover the "
            f"43 forces of {NATION_LABEL}), so it is compared with its region and {NATION_LABEL}."
        )
    return (
        f"{PEERS_LABEL}: {_names(list(data.peer_names))}, the {len(data.peers)} forces of "
        f"similar size and density nearest to {data.focus_name} (in residents, officers and "
        "residents per square kilometre; not an official grouping). Their figures are pooled: "
        "their counts added up, over their denominators added up, as for the region."
    )


def rates_caption(data: ForcesData, text: PageText) -> str:
    """What the rates table holds, how its intervals are made, and why a comparator or a rate
    is missing."""
    missing = ""
    if data.region_name is None:
        missing += (
            f"{text.force_name} is not a force of a region of England and Wales, so it is "
            f"compared with {NATION_LABEL} only (– for the region). "
        )
    if not data.has_officer_figure:
        missing += (
            f"– {text.force_name} has no officer figure: it is outside the Home Office police "
            "workforce statistics for England and Wales, so it has no rate per 1,000 officers. "
        )
    return missing + (
        f"Rates so far, as at {text.as_at}, with 95% intervals in brackets (the range of rates "
        f"that fit the counts once chance is allowed for). Reports per 1,000 officers a year: "
        f"reports received {text.period} per 1,000 police officers (full-time equivalent at "
        f"{text.fte_date}) per year the force was in the service (the Metropolitan Police from 29 "
        "Nov 2022, every other force from 14 Mar 2024); exact Poisson interval. Proportions: "
        f"Wilson interval. {NATION_LABEL}: its 43 territorial forces (reports whose force is not "
        "known, Police Scotland, PSNI and the three national forces are not included)."
    )


def counts_caption(text: PageText, own_only: bool, comparable: bool, threshold: int) -> str:
    """What the counts table holds, and for a force user why a cell is withheld."""
    caption = (
        f"{cohort_label(text.words)}: counts as at {text.as_at}. A report can be passed to more "
        f"than one force, so referrals received can differ from reports passed on. "
        f"{PEERS_LABEL}: their counts added up."
    )
    return caption + _withheld_note(own_only, comparable, threshold)


def _withheld_note(own_only: bool, comparable: bool, threshold: int) -> str:
    """For a force user, why a comparator's cell may be withheld ([c])."""
    if not own_only:
        return ""
    caption = (
        f" [c]: withheld, because with your own force's figures and the other columns it would "
        f"show a count of 1 to {threshold - 1} for other forces."
    )
    if not comparable:
        caption += (
            f" Your {PEERS_LABEL.lower()}, region and {NATION_LABEL} are shown for a whole "
            "financial year with every channel, category and role: other choices could be set "
            "against one another to show a small count for other forces."
        )
    return caption


def decided_heading(data: ForcesData) -> str:
    """The heading over the outcomes decided in the period: "Outcomes decided in 2025/26"."""
    return f"Outcomes {decided_label(data.decided_words).lower()}"


def decided_table(data: ForcesData) -> pd.DataFrame:
    """The outcomes decided in the period for the force beside its groups: one row per outcome
    (under "Outcome"), one column per group."""
    return data.decided_comparison.rename(columns={"measure": "Outcome"})


def decided_caption(text: PageText, own_only: bool, comparable: bool, threshold: int) -> str:
    """What the table of the outcomes decided in the period holds, against the counts of the
    reports received in it; for a force user, why a cell is withheld."""
    chosen = (
        f" The choices ({text.others}) are the report's, whatever its date." if text.others else ""
    )
    caption = (
        f"{decided_label(text.words)}: the outcomes decided in the period, whenever the report "
        "came in (the Home Office and the IOPC count this way), for the referrals each force "
        f"received. The counts above are {cohort_label(text.words).lower()}: a recent period's "
        "outcomes are few, because cases take months. A referral counts once in each outcome, "
        f"at the first of that kind.{chosen} The days they took from the report are on the "
        f"Outcomes page. {PEERS_LABEL}: their counts added up. Data "
        f"as at {text.as_at}."
    )
    return caption + _withheld_note(own_only, comparable, threshold)


def forces_table_formats(measure: Measure) -> dict[str, str]:
    """How each number column of the every-force table (ForcesData.forces_table) is shown:
    counts with thousands separators, officer-years whole, rates to one decimal place."""
    formats = {"Reports": COUNT_FORMAT}
    for label in (measure.numerator_label, measure.denominator_label):
        formats.setdefault(label, OFFICER_YEARS_FORMAT if label == OFFICER_YEARS else COUNT_FORMAT)
    formats.update(dict.fromkeys((measure.titled, "95% from", "95% to"), RATE_FORMAT))
    return formats


def peer_dots(data: ForcesData, measure_key: str) -> pd.DataFrame:
    """One measure for the force, each peer, the peers pooled, the region and England and
    Wales (in that order), with interval, counts and note: the chart of peers one by one."""
    rows = data.peer_rates.loc[data.peer_rates["measure_key"] == measure_key]
    return rows[["group_kind", "group", "numerator", "denominator", "rate", "rate_low",
                 "rate_high", "rate_note"]].reset_index(drop=True)  # fmt: skip


def peer_dots_numbers(dots: pd.DataFrame, measure_key: str) -> pd.DataFrame:
    """The numbers behind the peers chart, in plain words."""
    measure = MEASURES[measure_key]
    return pd.DataFrame(
        {
            "Force or group": dots["group"],
            measure.numerator_label: dots["numerator"],
            measure.denominator_label: dots["denominator"],
            measure.titled: dots["rate"].round(1),
            "95% from": dots["rate_low"].round(1),
            "95% to": dots["rate_high"].round(1),
            "Why no rate": dots["rate_note"],
        }
    )


def peer_dots_caption(data: ForcesData, measure_key: str, text: PageText) -> str:
    """What the peers chart shows."""
    measure = MEASURES[measure_key]
    interval = "exact Poisson" if measure.kind == "poisson" else "Wilson"
    so_far = f" so far, as at {text.as_at}" if measure.kind == "proportion" else ""
    return (
        f"{measure.label}{so_far}, with 95% {interval} intervals. Dashed line: {NATION_LABEL}. "
        f"A force without a dot has no rate (see the table below)."
    )


def conversion_lines(data: ForcesData, measure_key: str) -> pd.DataFrame:
    """One measure of the conversion trend, with the value and its interval in display units
    (percent for the rates, days for the median). A median's band is left out in a period
    whose interval has no upper end yet."""
    trend = data.conversion_trend
    rows = trend.loc[trend["measure_key"] == measure_key].reset_index(drop=True)
    scale = 1.0 if measure_key == MEDIAN_DAYS else 100.0
    banded = rows["high"].notna() & rows["low"].notna()
    return rows.assign(
        value=rows["value"] * scale,
        low=rows["low"] * scale,
        high=rows["high"] * scale,
        band_low=rows["low"].where(banded) * scale,
        band_high=rows["high"].where(banded) * scale,
    )


def conversion_numbers(lines: pd.DataFrame, measure_key: str, unit: str) -> pd.DataFrame:
    """The numbers behind a conversion trend chart, in plain words."""
    numerator, denominator = TREND_COUNT_NAMES[measure_key]
    label, shown_unit = TREND_MEASURES[measure_key]
    value = f"{label} ({shown_unit})" if shown_unit == "%" else label
    digits = 0 if measure_key == MEDIAN_DAYS else 1
    return pd.DataFrame(
        {
            unit.capitalize(): lines["period"],
            "Whole period": lines["whole_period"].map({True: "yes", False: "no, in part"}),
            "Force or group": lines["group"],
            numerator: lines["numerator"],
            denominator: lines["denominator"],
            value: lines["value"].round(digits),
            "95% from": lines["low"].round(digits),
            "95% to": lines["high"].round(digits),
            "Note": lines["note"],
        }
    )


def conversion_caption(measure_key: str, unit: str, text: PageText, part_note: str) -> str:
    """What a conversion trend chart shows, and how its interval is made."""
    if measure_key == MEDIAN_DAYS:
        return (
            f"Of the investigations of each {unit}'s reports: the Kaplan–Meier median days "
            f"from report to the outcome that ends the case, open cases counted as waiting up to "
            f"{text.as_at}. Shaded: 95% interval (Brookmeyer–Crowley). No point where "
            f"{MEDIAN_NOT_REACHED}; no shading where the interval's {UPPER_NOT_REACHED}: later "
            f"{unit}s' cases have had less time to end, so their medians will change." + part_note
        )
    numerator, denominator = TREND_COUNT_NAMES[measure_key]
    return (
        f"{numerator} / {denominator.lower()}, of each {unit}'s reports, so far as at "
        f"{text.as_at}. Shaded: 95% Wilson interval." + part_note
    )


def part_period_note(trend: pd.DataFrame, unit: str) -> str:
    """A note where the first or last month or quarter is only partly inside the period."""
    if trend is None or trend.empty or trend["whole_period"].all():
        return ""
    return (
        f" The first or last {unit} is only partly inside the period: its figures count only the "
        "days inside it, so they are less certain."
    )


def withheld_lines_note(data: ForcesData, trend: pd.DataFrame, own_only: bool) -> str:
    """For a force user (own_only): which comparison lines a trend leaves out, and why."""
    if not own_only:
        return ""
    gone = [
        label
        for kind, label in (("peers", PEERS_LABEL.lower()), ("nation", NATION_LABEL))
        if (kind != "peers" or data.peers) and kind not in set(trend["group_kind"])
    ]
    if not gone:
        return ""
    return (
        f" No line for {' or '.join(gone)}: with your own force's figures, some {data.trend_unit} "
        "would show a small count for other forces, or a count of one other force."
    )


def no_funnel_message(fun: Funnel, text: PageText) -> str:
    """Why there is no funnel when only one force can be compared."""
    return (
        f"Only one force, {fun.points['force'].iat[0]}, was in the service over this period "
        f"({text.period}) with a rate to compare, so there is no funnel: one force cannot be "
        f"compared with others. Its rate and 95% interval are in the table below. {fun.left_out}"
    )


def funnel_target_text(fun: Funnel) -> str:
    """The England and Wales rate the funnel's limits are drawn around, in words."""
    if fun.measure.kind == "poisson":
        return f"{NATION_LABEL}: {fun.target:,.1f} {fun.measure.unit}"
    return f"{NATION_LABEL}: {fun.target:.1f}%"


def funnel_numbers(fun: Funnel) -> pd.DataFrame:
    """The numbers behind the funnel plot, its counts and rate named as the measure names
    them."""
    measure = fun.measure
    return fun.points.rename(
        columns={
            "numerator": measure.numerator_label,
            "denominator": measure.denominator_label,
            "rate": measure.titled,
        }
    )


def funnel_caption(fun: Funnel, text: PageText) -> str:
    """What the funnel plot's lines are, and how many forces fall outside them."""
    return (
        "Dotted lines: 95% limits; dashed: 99.8% limits around the rate for England and Wales. "
        "A force outside the 99.8% limits differs by more than the limits allow for. "
        + (f"So far, as at {text.as_at}. " if fun.measure.kind == "proportion" else "")
        + fun.spread_note
        + (" " if fun.spread_note else "")
        + fun.left_out
    )


def forces_table_caption(fun: Funnel, text: PageText) -> str:
    """What the every-force table holds."""
    return (
        f"Every force, {text.period}; sort by any column. {fun.measure.label} with its 95% "
        "interval"
        + (
            ""
            if fun.too_few
            else f", and where the force sits against the funnel limits around {NATION_LABEL} "
            f"({'allowing for over-dispersion' if fun.widened else 'chance alone'})"
        )
        + ". Reports whose force is not known, and forces not yet in the service, are listed but "
        "not compared."
    )


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def how_counted(text: PageText) -> str:
    """The page's definitions (docs/metrics.md), as markdown."""
    return f"""
From the dashboard's definitions (docs/metrics.md):

- **Force**: a report counts for its `subject_force` (the force the reported person works for);
  a referral and its outcomes count for the receiving `force`. Reports with subject force
  `unknown` count in national totals and show as "Force not known".
- **Cohort view**: referrals and outcomes are counted against the period of the report they
  came from, so conversions are *so far, as at {text.as_at}*.
- **Reports**: reports received in the period; **by phone / online**: reports with `channel` =
  `phone` / `online`.
- **Passed on (disseminated)**: reports with at least one referral.
- **Referrals received**: referrals of those reports that the force received.
- **Investigations**: referrals with `assessment` = `investigation`; **transferred**: referrals
  with `assessment` = `transferred`.
- **Case to answer**: investigations with an outcome `case_to_answer_misconduct` or
  `case_to_answer_gross_misconduct`.
- **Dismissals**: referrals with an outcome `dismissed`.
- **Open cases**: investigations with no outcome that ends the case yet: no
  misconduct-proceedings outcome, no `no_case_to_answer`, no `false_allegation`.
- **Reports per 1,000 officers a year**: reports naming the force / its officer-years in the
  service × 1,000, for the period {text.period}. Officer-years are the force's `officer_fte`
  (officers, full-time equivalent, at {text.fte_date}) × the days it was in the service within
  the period / 365.25: the Metropolitan Police joined on 29 Nov 2022 (the pilot), every other
  force on 14 Mar 2024. 95% exact Poisson interval (the count's, divided by the officer-years).
- **Dissemination rate**: disseminated reports / reports; **investigation rate**:
  investigations / (referrals − transferred); **case-to-answer rate**: case to answer /
  investigations with a finding; **dismissal rate**: dismissals / investigations. 95% Wilson
  score intervals.
- **Most similar forces**: each force's peer group, forces of similar size and density
  (data/reference/peer_groups.csv: the forces nearest it in residents, officers and residents
  per square kilometre; not an official grouping). The peer figure pools them: their counts
  added up over their denominators added up, as for the region, with the same kind of
  interval.
- **Median days to outcome**: per investigation, days from the report to the first outcome that
  ends the case; a Kaplan–Meier estimate, open cases counted as waiting up to the as-at date.
  Its 95% interval (Brookmeyer–Crowley) is the range of days on which the curve's 95%
  interval holds one half; its upper end is not reached while too few cases have ended.
- A rate whose denominator is 0 is shown as "–" with the reason, never as 0.
- **Comparing forces fairly**: forces differ in size, so raw counts are never ranked on their
  own. The funnel plot shows each force's rate against its denominator, with 95% and 99.8%
  control limits around the rate for {NATION_LABEL} (its 43 territorial forces). Only forces
  in the service during the period are compared; over the Met's pilot there is no funnel.
- **Over-dispersion**: forces usually differ by more than chance alone, for reasons no count
  shows. As NHS England does for hospital mortality (SHMI), each force's z-score is worked out
  on a scale where chance spreads forces evenly (square root for reports per officer, angular
  for proportions), the most extreme 10% at each end are pulled in, and the forces are tested
  for more spread than chance. Where they show it, the limits are widened by the spread
  between forces (τ, estimated by the DerSimonian–Laird method), unless "chance alone" is
  chosen. A force beyond the widened 99.8% limits differs by more than both chance and the
  usual spread between forces.
- Police Scotland, PSNI, British Transport Police, the Civil Nuclear Constabulary and the
  Ministry of Defence Police have no officer figure (they are outside the Home Office police
  workforce statistics for England and Wales), so they have no rate per 1,000 officers and are
  left out of that funnel plot.
"""
