"""What a force briefing says, as numbers and short texts, before it is written out.

Every figure comes from the function the dashboard's pages call (oversight.analysis): the
force's counts and rates beside its region and England and Wales are the Forces page's
(forces_data, audited by force_user_view for a force user as the page is), outcomes, timeliness
and the quarterly conversions are the Outcomes page's (outcomes_data) for the force, the wait
for a decision is Overdue now's, and fairness is the Fairness page's for the force. A public
briefing reads a public snapshot instead (released, or a preview audited against the releases),
so that it holds only figures the disclosure rules let out.
"""

import dataclasses
import datetime as dt
import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.decided import DECIDED_MEASURES
from oversight.analysis.fairness import CHARACTERISTICS, FairnessData, fairness_data
from oversight.analysis.force_view import force_user_view
from oversight.analysis.forces import (
    COUNT_HELP,
    COUNT_LABELS,
    MEASURES,
    NATION_LABEL,
    NATIONS,
    forces_data,
    shown_rate,
)
from oversight.analysis.outcomes import outcomes_data
from oversight.analysis.overdue_now import overdue_now
from oversight.analysis.overview import headline_counts
from oversight.analysis.reports import national_rate
from oversight.constants import DEFAULT_THRESHOLD, MIN_BASE
from oversight.disclosure import SUPPRESSED
from oversight.filters import Filters
from oversight.measures import proportion_table
from oversight.peers import PeerGroupError, peers_of
from oversight.snapshot.commentary import as_number, is_suppressed, period_words
from oversight.snapshot.model import Snapshot
from oversight.snapshot.periods import add_months
from oversight.status import DataStatus

# Who may read a briefing: staff of every force, one force's own staff, or anyone.
INTERNAL, OWN_FORCE, PUBLIC = "internal", "own force", "public"
# Outcome counts the Forces page does not show as tiles, from the Overview's headline counts.
OUTCOME_LABELS = {
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed (had already left)",
    "removed_from_policing": "Removed from policing (dismissed or would have been)",
    "barred": "Barred from policing",
    "criminal_charges": "Criminal charges",
    "false_allegations": "False allegations found",
}
# The Outcomes page's conversions shown by quarter, and the stage each names.
TREND_STAGES = {
    "investigation": "Investigation rate",
    "case_to_answer": "Case-to-answer rate",
    "dismissal": "Dismissal rate",
}
# The public figures of a force: (published table, column, label), in the Forces page's order.
PUBLIC_COUNTS = (
    ("reports_by_force", "reports", "Reports"),
    ("outcomes_by_force", "referrals", "Referrals received"),
    ("outcomes_by_force", "investigations", "Investigations"),
    ("outcomes_by_force", "case_to_answer", "Case to answer"),
    ("outcomes_by_force", "dismissals", "Dismissals"),
    ("outcomes_by_force", "would_have_been_dismissed", "Would have been dismissed"),
)
RATE_HEADER = "Rate (95% interval)"


class BriefingError(Exception):
    """A briefing that cannot be made as asked (the message says why, in plain words)."""


@dataclass(frozen=True)
class Figure:
    """One headline figure: a count, or [c] where it is withheld or suppressed."""

    key: str
    label: str
    value: int | str
    help: str = ""

    @property
    def shown(self) -> str:
        """The figure as printed: thousands separators, or [c]."""
        return self.value if isinstance(self.value, str) else f"{self.value:,}"


@dataclass(frozen=True)
class Waiting:
    """Referrals awaiting the force's decision now, whatever the period (Overdue now)."""

    awaiting: int
    overdue: int  # waiting more than 28 days
    long_overdue: int  # more than 56 days
    longest_days: int | None  # the longest wait, in days (None: none waiting over 28 days)
    by_band: pd.DataFrame  # age_band, referrals, share (as the Outcomes page's table)


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows, for one force and one period."""

    force: str
    force_name: str
    region_name: str | None
    first_date: dt.date
    last_date: dt.date
    as_at: dt.date
    audience: str  # INTERNAL, OWN_FORCE or PUBLIC
    synthetic: bool
    threshold: int
    generated_at: dt.datetime
    period_label: str  # a public period's name ("Financial year 2025/26"); "" internally
    selection: str  # the channel, category and role filters in words ("" for none)
    headline: tuple[Figure, ...]  # the Forces page's count tiles
    # one row per rate, one column of text per group (the force, its region, England and
    # Wales, and any group forces_data adds): the Forces page's table
    rate_table: pd.DataFrame
    comparison: pd.DataFrame  # one row per count ("measure"), one column per group
    # one row per rate per group, in display units (percent for proportions): measure_key,
    # measure, group_kind, group, rate, rate_low, rate_high, rate_note
    rates: pd.DataFrame
    peers: pd.DataFrame | None  # each most similar force's rates, as text (None: not shown)
    peers_note: str  # why peers are not shown, or where they come from
    peer_rates: pd.DataFrame | None  # force, reports_per_1000_officers (numbers), for the chart
    trend: pd.DataFrame | None  # the Forces page's trend, by quarter (None: not in public)
    conversion_trend: pd.DataFrame | None  # by quarter: conversions and days to outcome
    outcome_figures: tuple[Figure, ...]
    outcome_mix: pd.DataFrame | None  # the Outcomes page's mix of investigations
    conversions: pd.DataFrame | None  # the Outcomes page's conversions
    open_over_365: int | None
    timeliness: pd.DataFrame | None  # the Outcomes page's timeliness table
    waiting: Waiting | None
    fairness: tuple[FairnessData, ...]  # by ethnicity and by sex; empty in public
    has_officer_figure: bool
    officer_fte_date: dt.date | None
    left_out: tuple[str, ...] = ()  # what this briefing does not hold, and why
    questions: tuple[str, ...] = field(default=())
    # the outcomes decided in the period (the event view): one row per outcome ("measure"), one
    # column per group, as comparison (None: not held); and the period after "decided" ("in
    # 2025/26")
    decided: pd.DataFrame | None = None
    decided_words: str = ""

    @property
    def public(self) -> bool:
        return self.audience == PUBLIC

    def rate(self, measure_key: str, group_kind: str) -> pd.Series | None:
        """One group's rate (display units), or None where it is not shown."""
        rows = self.rates.loc[
            (self.rates["measure_key"] == measure_key) & (self.rates["group_kind"] == group_kind)
        ]
        return None if rows.empty else rows.iloc[0]


def force_names(reference: pd.DataFrame) -> dict[str, str]:
    """Every force's full name by code, from the forces reference."""
    return dict(zip(reference["force_code"].astype(str), reference["force_name"], strict=True))


def check_force(code: str, reference: pd.DataFrame) -> str:
    """The force's full name; BriefingError naming the code where no force has it."""
    names = force_names(reference)
    if code in names:
        return names[code]
    close = difflib.get_close_matches(code.lower(), list(names), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise BriefingError(
        f"No force has the code {code!r}.{hint} The codes are the force_code column of "
        "data/forces.csv (kent, metropolitan, west_midlands, ...)."
    )


def _selection(filters: Filters) -> str:
    """The channel, category and role filters in words ("" for none)."""
    # describe() begins with the period, which the briefing names on its own
    return filters.with_forces(()).describe().partition("; ")[2]


def _peer_codes(focus: str) -> tuple[tuple[str, ...], str]:
    """The force's most similar forces, and a note where there are none to show."""
    try:
        peers = peers_of(focus)
    except (PeerGroupError, ValueError) as error:
        return (), f"The most similar forces cannot be shown: {error}."
    if not peers:
        return (), "This force has no group of most similar forces."
    return peers, ""


def _peer_table(all_forces: pd.DataFrame, peers: Sequence[str]) -> pd.DataFrame:
    """Each peer's rates as the Forces page's every-force table gives them, as text."""
    rows = all_forces.set_index("force_code")
    table: dict[str, list] = {"Force": [str(rows.at[code, "force"]) for code in peers]}
    for key, measure in MEASURES.items():
        table[measure.label] = [
            shown_rate(rows.at[code, key], rows.at[code, f"{key}_low"],
                       rows.at[code, f"{key}_high"], rows.at[code, f"{key}_note"], measure)
            for code in peers
        ]  # fmt: skip
    return pd.DataFrame(table)


def _quarters(trend: pd.DataFrame, filters: Filters, as_at: dt.date) -> list[tuple[str, Filters]]:
    """The Forces page's trend quarters (its label, and the filters of its days inside the
    period, up to the as-at date)."""
    own = trend.loc[trend["group_kind"] == "force"]
    last_day = min(filters.last_date, as_at)
    quarters = []
    for start, label in zip(own["period_start"].tolist(), own["period"].tolist(), strict=True):
        start = pd.Timestamp(start).date()
        first = max(start, filters.first_date)
        last = min(add_months(start, 3) - dt.timedelta(days=1), last_day)
        if first <= last:
            chosen = dataclasses.replace(filters, first_date=first, last_date=last,
                                         period_key="custom")  # fmt: skip
            quarters.append((label, chosen))
    return quarters


def conversion_trend(
    run: QueryRunner, filters: Filters, as_at: dt.date, trend: pd.DataFrame
) -> pd.DataFrame:
    """By quarter of the Forces page's trend: the Outcomes page's conversions (rate and 95%
    interval, in percent) and Kaplan-Meier median days to outcome for the filters' force, as
    the Outcomes page shows them with that quarter chosen. One row per quarter: period, whole
    (the quarter lies wholly in the period), investigations, then for each stage of
    TREND_STAGES its rate, rate_low, rate_high, numerator and denominator, then
    median_days_to_outcome (NaN where fewer than half have ended) and outcome_cases."""
    whole = dict(zip(trend["period"].tolist(), trend["whole_period"].tolist(), strict=False))
    rows = []
    for label, chosen in _quarters(trend, filters, as_at):
        data = outcomes_data(run, chosen, as_at)
        stages = data.conversions.set_index("stage")
        days = data.timeliness.set_index("measure").loc["days_to_outcome"]
        row = {"period": label, "whole": bool(whole.get(label, True)),
               "investigations": data.investigations}  # fmt: skip
        for stage in TREND_STAGES:
            for column in ("rate", "rate_low", "rate_high"):
                row[f"{stage}_{column}"] = float(stages.at[stage, column]) * 100
            row[f"{stage}_numerator"] = int(stages.at[stage, "numerator"])
            row[f"{stage}_denominator"] = int(stages.at[stage, "denominator"])
        median = days["median_days"]
        row["median_days_to_outcome"] = math.nan if median is None else float(median)
        row["outcome_cases"] = int(days["cases"])
        rows.append(row)
    return pd.DataFrame(rows)


def _waiting(run: QueryRunner, filters: Filters, as_at: dt.date) -> Waiting:
    now = overdue_now(run, filters, as_at)
    waits = now.overdue_list["days_waiting"]
    return Waiting(
        awaiting=now.awaiting,
        overdue=now.overdue,
        long_overdue=now.long_overdue,
        longest_days=int(waits.max()) if len(waits) else None,
        by_band=now.by_band[["age_band", "referrals", "share"]].reset_index(drop=True),
    )


def internal_briefing(
    run: QueryRunner,
    filters: Filters,
    status: DataStatus,
    focus: str,
    *,
    every_force: QueryRunner | None = None,
    own: tuple[str, ...] = (),
    threshold: int = DEFAULT_THRESHOLD,
    now: dt.datetime | None = None,
) -> Briefing:
    """The briefing on focus for the filters' period, channels, categories and roles, exact.

    For a force user (own: its forces) the region and England and Wales come as the Forces page
    shows them to it: counted over every force (every_force, a runner not narrowed to its
    forces) and audited by force_user_view; every other query goes through run, narrowed to its
    forces. Its briefing shows no other force one by one (no peers).
    """
    as_at = status.as_at_date
    if as_at is None or status.first_received_date is None:
        raise BriefingError("The database holds no reports: import an extract first.")
    reference = run("forces_reference")
    check_force(focus, reference)
    if own:
        if focus not in own or every_force is None:
            raise BriefingError(f"A briefing on {focus} is not one of your forces' briefings.")
        data = force_user_view(
            forces_data(every_force, filters, as_at, focus, "quarter"),
            own, threshold, filters,
        )  # fmt: skip
        peers, peers_note = (
            (),
            ("Other forces one by one are shown only as published: see the published figures."),
        )
    else:
        data = forces_data(run, filters, as_at, focus, "quarter")
        peers, peers_note = _peer_codes(focus)
    mine = filters.with_forces((focus,))
    outcomes = outcomes_data(run, mine, as_at)
    counts = headline_counts(run, mine, as_at)
    force_row = data.counts.iloc[0]
    peer_rows = data.all_forces.set_index("force_code").reindex(list(peers))
    briefing = Briefing(
        force=focus,
        force_name=data.focus_name,
        region_name=data.region_name,
        first_date=filters.first_date,
        last_date=filters.last_date,
        as_at=as_at,
        audience=OWN_FORCE if own else INTERNAL,
        synthetic=status.synthetic,
        threshold=threshold,
        generated_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        period_label="",
        selection=_selection(filters),
        headline=tuple(
            Figure(key, label, int(force_row[key]), COUNT_HELP[key])
            for key, label in COUNT_LABELS.items()
        ),
        rate_table=data.rate_table,
        comparison=data.comparison,
        rates=data.rates[
            [
                "measure_key",
                "measure",
                "group_kind",
                "group",
                "rate",
                "rate_low",
                "rate_high",
                "rate_note",
            ]
        ].reset_index(drop=True),  # fmt: skip
        peers=_peer_table(data.all_forces, peers) if peers else None,
        peers_note=peers_note,
        peer_rates=pd.DataFrame(
            {
                "force": peer_rows["force"].tolist(),
                "reports_per_1000_officers": peer_rows["reports_per_1000_officers"].tolist(),
            }
        )
        if peers
        else None,
        trend=data.trend,
        conversion_trend=conversion_trend(run, mine, as_at, data.trend),
        outcome_figures=tuple(
            Figure(key, label, int(counts[key])) for key, label in OUTCOME_LABELS.items()
        ),
        outcome_mix=outcomes.outcome_mix,
        conversions=outcomes.conversions,
        open_over_365=outcomes.open_over_365,
        timeliness=outcomes.timeliness,
        waiting=_waiting(run, mine, as_at),
        fairness=tuple(fairness_data(run, mine, as_at, key) for key in CHARACTERISTICS),
        has_officer_figure=data.has_officer_figure,
        officer_fte_date=data.officer_fte_date,
        decided=data.decided_comparison,
        decided_words=data.decided_words,
    )
    return _with_questions(briefing)


def _with_questions(briefing: Briefing) -> Briefing:
    from oversight.briefing.questions import questions

    return dataclasses.replace(briefing, questions=tuple(questions(briefing)))


# --- the public briefing: from a public snapshot's tables -------------------------------------


def _cell(table: pd.DataFrame, code: str, column: str):
    """A published cell of a force's row: an int, a float, None or [c]; 0 for a count of a
    force the table does not list (outcomes_by_force lists forces with a referral)."""
    rows = table.loc[table["force_code"] == code, column]
    return rows.iloc[0] if len(rows) else 0


def _sum(values: list):
    """The sum of published counts, or [c] where any of them is suppressed."""
    if any(is_suppressed(v) for v in values):
        return SUPPRESSED
    return int(sum(as_number(v) or 0 for v in values))


WITHHELD_RATE = {"rate": math.nan, "rate_low": math.nan, "rate_high": math.nan,
                 "rate_note": SUPPRESSED}  # fmt: skip


def _per_officer(reports: list, years: list, codes: list[str], officers: dict) -> dict:
    """Reports per 1,000 officers a year over published cells, as the Reports page works out
    England and Wales's (national_rate); withheld where a count is suppressed."""
    if any(is_suppressed(v) for v in reports):
        return WITHHELD_RATE
    counted = pd.DataFrame(
        {
            "force_code": codes,
            "reports": [int(as_number(v) or 0) for v in reports],
            "officer_fte": [officers.get(code, math.nan) for code in codes],
            "officer_years": [math.nan if as_number(v) is None else as_number(v) for v in years],
        }
    )
    rate = national_rate(counted)
    return {
        "rate": float(rate["reports_per_1000_officers"]),
        "rate_low": float(rate["rate_low"]),
        "rate_high": float(rate["rate_high"]),
        "rate_note": rate["rate_note"],
    }


def _dismissal_rate(dismissals, investigations) -> dict:
    """Dismissals / investigations (percent, Wilson interval) over published cells; withheld
    where either is suppressed or there are fewer than 10 investigations (the public rule)."""
    if is_suppressed(dismissals) or is_suppressed(investigations) or investigations < MIN_BASE:
        return WITHHELD_RATE
    rate = proportion_table(pd.DataFrame({"x": [dismissals], "n": [investigations]}), "x", "n")
    row = rate.iloc[0]
    scaled = {column: float(row[column]) * 100 for column in ("rate", "rate_low", "rate_high")}
    return {**scaled, "rate_note": row["rate_note"]}


def _group_rates(
    tables: dict[str, pd.DataFrame], codes: list[str], kind: str, label: str, officers: dict
) -> list[dict]:
    """A group's rate per 1,000 officers a year and dismissal rate, from the published cells of
    its forces alone."""
    by_force, outcomes = tables["reports_by_force"], tables["outcomes_by_force"]
    per_officer = _per_officer(
        [_cell(by_force, code, "reports") for code in codes],
        [_cell(by_force, code, "officer_years") for code in codes],
        codes,
        officers,
    )
    dismissal = _dismissal_rate(
        _sum([_cell(outcomes, code, "dismissals") for code in codes]),
        _sum([_cell(outcomes, code, "investigations") for code in codes]),
    )
    return [
        {"measure_key": key, "measure": MEASURES[key].label, "group_kind": kind, "group": label,
         **values}
        for key, values in (("reports_per_1000_officers", per_officer),
                            ("dismissal_rate", dismissal))
    ]  # fmt: skip


def _public_shown(row: dict) -> str:
    if row["rate_note"] == SUPPRESSED:
        return SUPPRESSED
    measure = MEASURES[row["measure_key"]]
    scale = 1.0 if measure.kind == "poisson" else 100.0
    return shown_rate(row["rate"] / scale, row["rate_low"] / scale, row["rate_high"] / scale,
                      row["rate_note"], measure)  # fmt: skip


def public_briefing(
    snapshot: Snapshot, focus: str, reference: pd.DataFrame, now: dt.datetime | None = None
) -> Briefing:
    """The public briefing on focus: the force's figures in a public snapshot (a fixed period,
    disclosure-controlled), beside its region, England and Wales and its most similar forces,
    all worked out from the published cells alone. No subject characteristics (they are
    published nationally only), no quarters (public figures exist for whole released periods)
    and no referrals awaiting a decision now (not a published table)."""
    name = check_force(focus, reference)
    tables = snapshot.tables
    codes = reference["force_code"].astype(str).tolist()
    region_of = dict(zip(codes, reference["region_name"].tolist(), strict=True))
    nation_of = dict(zip(codes, reference["nation"].tolist(), strict=True))
    officers = {
        code: float(fte)
        for code, fte in zip(codes, reference["officer_fte"].tolist(), strict=True)
        if not pd.isna(fte)
    }
    region = None if pd.isna(region_of[focus]) else str(region_of[focus])
    groups = [("force", name, [focus])]
    if region is not None:
        groups.append(("region", region, [c for c in codes if region_of[c] == region]))
    groups.append(("nation", NATION_LABEL, [c for c in codes if nation_of[c] in NATIONS]))
    comparison = {"measure": [label for _, _, label in PUBLIC_COUNTS]}
    # a release made before the outcomes decided were published holds their table empty
    decided_table = tables.get("outcomes_decided_by_force")
    has_decided = decided_table is not None and len(decided_table) > 0
    decided = {"measure": [label for label, _ in DECIDED_MEASURES.values()]}
    rates = []
    for kind, label, members in groups:
        comparison[label] = [
            _sum([_cell(tables[table], code, column) for code in members])
            for table, column, _ in PUBLIC_COUNTS
        ]
        if has_decided:
            decided[label] = [
                _sum([_cell(decided_table, code, column) for code in members])
                for column in DECIDED_MEASURES
            ]
        rates += _group_rates(tables, members, kind, label, officers)
    rates_frame = pd.DataFrame(rates)
    rate_table = {RATE_HEADER: [MEASURES[k].label for k in ("reports_per_1000_officers",
                                                             "dismissal_rate")]}  # fmt: skip
    for _, label, _ in groups:
        rate_table[label] = [_public_shown(r) for r in rates if r["group"] == label]
    peers, peers_note = _peer_codes(focus)
    peer_rates = [
        _group_rates(tables, [code], "peer", force_names(reference)[code], officers)
        for code in peers
    ]
    short = dict(zip(codes, reference["short_name"].tolist(), strict=True))
    force_column = comparison[name]
    return _with_questions(
        Briefing(
            force=focus,
            force_name=name,
            region_name=region,
            first_date=snapshot.first_date,
            last_date=snapshot.last_date,
            as_at=snapshot.as_at,
            audience=PUBLIC,
            synthetic=snapshot.synthetic,
            threshold=snapshot.threshold,
            generated_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
            period_label=snapshot.period.label if snapshot.period else "",
            selection="",
            headline=tuple(
                Figure(column, label, value)
                for (_, column, label), value in zip(PUBLIC_COUNTS, force_column, strict=True)
            ),
            rate_table=pd.DataFrame(rate_table),
            comparison=pd.DataFrame(comparison),
            rates=rates_frame,
            peers=pd.DataFrame(
                {
                    "Force": [short[code] for code in peers],
                    **{
                        MEASURES[key].label: [_public_shown(rows[at]) for rows in peer_rates]
                        for at, key in enumerate(("reports_per_1000_officers", "dismissal_rate"))
                    },
                }
            )
            if peers
            else None,
            peers_note=peers_note,
            peer_rates=pd.DataFrame(
                {
                    "force": [short[code] for code in peers],
                    "reports_per_1000_officers": [rows[0]["rate"] for rows in peer_rates],
                }
            )
            if peers
            else None,
            trend=None,
            conversion_trend=None,
            outcome_figures=(),
            outcome_mix=None,
            conversions=None,
            open_over_365=None,
            timeliness=None,
            waiting=None,
            fairness=(),
            has_officer_figure=focus in officers,
            officer_fte_date=None,
            left_out=PUBLIC_LEFT_OUT if has_decided else (*PUBLIC_LEFT_OUT, NO_DECIDED),
            decided=pd.DataFrame(decided) if has_decided else None,
            decided_words=f"in {period_words(snapshot.first_date, snapshot.last_date, True, True)}",
        )
    )


NO_DECIDED = "The outcomes decided in the period: this release was made before they were published."
PUBLIC_LEFT_OUT = (
    "The characteristics of the people reported (sex, ethnicity): published for the whole "
    "service only, never below it.",
    "Trends by quarter: public figures exist only for whole periods, each released once.",
    "Referrals awaiting the force's decision now, the force's times to outcome and the mix "
    "of its outcomes: they are not among the published tables.",
)
