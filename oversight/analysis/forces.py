"""The Forces page (a Police and Crime Commissioner's view): one force beside its region and
England and Wales, its trend, and every force on a funnel plot and in a table.

A report counts for its subject force and a referral for the force that received it
(docs/metrics.md, "Force"), so each stage count adds up over forces: the region's and England and
Wales' figures are the same counts over their forces, with the same period, channel and
categories (Filters.with_forces).
"""

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from oversight.analysis import QueryRunner
from oversight.analysis.decided import DECIDED_MEASURES, decided_by_force, period_words
from oversight.analysis.exposure import service_days
from oversight.analysis.force_trends import (
    CONVERSION_COLUMNS,
    TrendPeriods,
    conversion_trend,
    counts_by_period,
    trend_periods,
)
from oversight.analysis.reports import rate_period
from oversight.charts import GROUP_COLOURS, OKABE_ITO
from oversight.constants import NATIONAL_LAUNCH
from oversight.filters import Filters
from oversight.measures import (
    FUNNEL_FLAGS,
    FUNNEL_NOT_ASSESSED,
    Dispersion,
    funnel_flags,
    funnel_limits,
    funnel_z_scores,
    officer_years,
    overdispersion,
    proportion_table,
    rate_per_1000,
)
from oversight.peers import peers_of
from oversight.rates import RATES

DEFAULT_FOCUS = "metropolitan"
NATION_LABEL = "England and Wales"
# the force's most similar forces (data/reference/peer_groups.csv), pooled: their counts added
# up, over their denominators added up, as the region's are
PEERS_LABEL = "Most similar forces"
# the colour of each kind of group on every chart of the page
GROUP_KIND_COLOURS = {
    "force": GROUP_COLOURS["force"],
    "peers": OKABE_ITO["bluish_green"],
    "region": GROUP_COLOURS["region"],
    "nation": GROUP_COLOURS["national"],
}
NATIONS = ("england", "wales")
UNKNOWN_FORCE = "unknown"
NO_OFFICER_FIGURE = (
    "no officer figure: the force is outside the Home Office police workforce statistics for "
    "England and Wales"
)
FORCE_NOT_KNOWN = "force not known, so no officer figure"
COUNT_COLUMNS = (
    "reports",
    "reports_phone",
    "reports_online",
    "disseminated_reports",
    "referrals",
    "investigations",
    "transferred",
    "referrals_not_transferred",
    "investigations_with_finding",
    "case_to_answer",
    "dismissals",
    "open_cases",
)
# The outcomes decided in the period (the event view, docs/metrics.md), each a count over forces
# as the cohort's counts are; named apart from them, as two share a measure's name
DECIDED_COUNT_LABELS = {f"decided_{key}": label for key, (label, _) in DECIDED_MEASURES.items()}
DECIDED_COUNT_COLUMNS = tuple(DECIDED_COUNT_LABELS)
# The counts shown for a force beside its region and nation, in the order of a report's path.
COUNT_LABELS = {
    "reports": "Reports",
    "reports_phone": "By phone",
    "reports_online": "Online",
    "disseminated_reports": "Passed on (disseminated)",
    "referrals": "Referrals received",
    "investigations": "Investigations",
    "transferred": "Transferred",
    "case_to_answer": "Case to answer",
    "dismissals": "Dismissals",
    "open_cases": "Open cases",
}
COUNT_HELP = {
    "reports": "Reports received in the period about a person working for the force.",
    "reports_phone": "Of those reports, made by phone.",
    "reports_online": "Of those reports, made online.",
    "disseminated_reports": "Of those reports, passed to at least one force (any force).",
    "referrals": "Referrals of the period's reports that this force received (a report can be "
    "passed to more than one force).",
    "investigations": "Referrals the force received and is investigating.",
    "transferred": "Referrals the force received and transferred to another force.",
    "case_to_answer": "Investigations with a finding of a case to answer for misconduct or gross "
    "misconduct, so far.",
    "dismissals": "Referrals with an outcome of dismissal, so far.",
    "open_cases": "Investigations with no outcome that ends the case yet.",
}
LIMIT_COLUMNS = ("lower_95", "upper_95", "lower_998", "upper_998")
FLAG_LABELS = {
    "above 99.8%": "higher: beyond the 99.8% limit",
    "above 95%": "higher: beyond the 95% limit",
    "within": "within the limits",
    "below 95%": "lower: beyond the 95% limit",
    "below 99.8%": "lower: beyond the 99.8% limit",
    FUNNEL_NOT_ASSESSED: "not assessed",
}


@dataclass(frozen=True)
class Measure:
    """A rate the page compares: what it divides by what, and how its interval is made."""

    key: str
    label: str
    numerator: str
    denominator: str
    kind: str  # "poisson" (per 1,000 officers, exact Poisson) or "proportion" (Wilson)
    numerator_label: str
    denominator_label: str

    @property
    def unit(self) -> str:
        """The unit the rate is shown in."""
        return "per 1,000 officers a year" if self.kind == "poisson" else "%"

    @property
    def titled(self) -> str:
        """The measure's name with its unit, for an axis or a column."""
        return self.label if self.kind == "poisson" else f"{self.label} (%)"

    @property
    def scale(self) -> float:
        """What the stored rate is multiplied by to show it (proportions as percentages)."""
        return 1.0 if self.kind == "poisson" else 100.0


MEASURES = {
    m.key: m
    for m in (
        Measure("reports_per_1000_officers", "Reports per 1,000 officers a year", "reports",
                "officer_years", "poisson", "Reports", "Officer-years in the service"),
        Measure("dissemination_rate", "Dissemination rate", *RATES["dissemination_rate"],
                "proportion", "Passed on", "Reports"),
        Measure("investigation_rate", "Investigation rate", *RATES["investigation_rate"],
                "proportion", "Investigations", "Referrals not transferred"),
        Measure("case_to_answer_rate", "Case-to-answer rate", *RATES["case_to_answer_rate"],
                "proportion", "Case to answer", "Investigations with a finding"),
        Measure("dismissal_rate", "Dismissal rate", *RATES["dismissal_rate"],
                "proportion", "Dismissals", "Investigations"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Funnel:
    """One measure for every force: points, control limits around the England and Wales rate."""

    measure: Measure
    target: float | None  # the England and Wales rate, in display units; None if none
    points: pd.DataFrame  # force_code, force, denominator, rate (display units), flag
    limits: pd.DataFrame  # denominator, lower_95, upper_95, lower_998, upper_998
    left_out: str  # which forces are not drawn, and why ("" if none)
    dispersion: Dispersion | None = None  # over-dispersion of the forces drawn
    adjusted: bool = True  # whether the limits allow for over-dispersion where it is found
    # forces outside the 95% and 99.8% limits of the other kind (chance alone, or adjusted)
    outside_otherwise: tuple[int, int] | None = None

    @property
    def widened(self) -> bool:
        """Whether the limits drawn are widened for over-dispersion."""
        return bool(self.adjusted and self.dispersion and self.dispersion.overdispersed)

    @property
    def too_few(self) -> bool:
        """Whether fewer than two forces can be compared, so no funnel can be drawn."""
        return len(self.points) < 2

    @property
    def spread_note(self) -> str:
        """Which limits are drawn, whether forces differ by more than chance (with τ), and how
        many forces fall outside the limits, against what chance alone would give."""
        flags = self.points["flag"].tolist() if "flag" in self.points else []
        texts = [flag for flag in flags if isinstance(flag, str)]
        assessed_labels = {FLAG_LABELS[key] for key in FUNNEL_FLAGS}
        assessed = sum(flag in assessed_labels for flag in texts)
        if assessed == 0:
            return ""
        outside_95 = sum("beyond" in flag for flag in texts)
        outside_998 = sum("99.8%" in flag for flag in texts)
        expected = 0.05 * assessed
        counted = (
            f"{outside_95} of {assessed} forces fall outside the 95% limits ({outside_998} "
            f"outside the 99.8% limits)"
        )
        chance = f", where chance alone would put about {expected:.0f}."
        spread = self.dispersion
        if spread is None or math.isnan(spread.phi):
            text = counted + chance
            if outside_95 > 2 * max(expected, 1):
                text += (
                    " Forces differ by more than chance overall (over-dispersion), so one force "
                    "outside the limits is a prompt for questions, not a finding by itself."
                )
            return text
        other_95, other_998 = self.outside_otherwise or (outside_95, outside_998)
        if self.widened:
            return (
                "Limits drawn: they allow for differences between forces beyond chance "
                f"(over-dispersion), which the forces show ({self.tau_text}). {counted}; with "
                f"limits for chance alone, {other_95} would ({other_998} outside the 99.8% "
                "limits)."
            )
        if spread.overdispersed:
            return (
                "Limits drawn: chance alone (unadjusted), as chosen. Forces differ by more than "
                f"chance alone explains (over-dispersion; {self.tau_text}), so these limits mark "
                f"more forces than the limits that allow for it. {counted}{chance[:-1]}; with "
                f"the adjusted limits, {other_95} would ({other_998} outside the 99.8% limits)."
            )
        return (
            "Limits drawn: chance alone. The forces show no over-dispersion (they differ by no "
            f"more than chance would explain; {self.tau_text}), so the limits need no widening. "
            + counted
            + chance
        )

    @property
    def tau_text(self) -> str:
        """τ, with what it means on the rate's own scale."""
        spread = self.dispersion
        if spread is None or self.target is None:
            return ""
        if spread.tau2 == 0:
            return "τ = 0"
        scale = "angular" if self.measure.kind == "proportion" else "square-root"
        text = f"τ = {spread.tau:.3f} on the {scale} scale"
        if not spread.overdispersed:
            return text + ", too small to use"
        if self.measure.kind == "poisson":
            typical = f"{spread.spread(self.target, 'poisson'):.0%}"
        else:
            typical = (
                f"{spread.spread(self.target / 100, 'proportion') * 100:.1f} percentage points"
            )
        return (
            f"{text}: beyond chance, a force's rate typically differs from the rate for "
            f"{NATION_LABEL} by about {typical}"
        )


@dataclass(frozen=True)
class ForcesData:
    """Everything the Forces page draws."""

    focus: str
    focus_name: str
    region_name: str | None
    as_at: dt.date
    officer_fte_date: dt.date | None
    counts: pd.DataFrame  # one row per group (force, region, nation): counts and rates
    comparison: pd.DataFrame  # one row per count: measure, force, region, England and Wales
    rates: pd.DataFrame  # one row per measure per group, with interval and shown text
    rate_table: pd.DataFrame  # one row per measure, one column of shown text per group
    trend: pd.DataFrame  # one row per month or quarter per group (force, England and Wales)
    trend_unit: str
    # one row per force (and force not known): counts, rates, and the funnel measure's flag
    all_forces: pd.DataFrame
    funnel: Funnel  # every force on the chosen measure
    peers: tuple[str, ...] = ()  # the force's most similar forces, most similar first
    peer_names: tuple[str, ...] = ()  # their short names, in the same order
    # every measure for the force, each peer (group_kind "peer"), the peers pooled, the region
    # and England and Wales (peer_rates)
    peer_rates: pd.DataFrame | None = None
    # investigation rate, case-to-answer rate and median days to outcome per month or quarter
    # for the force, its peers pooled and England and Wales (force_trends.conversion_trend)
    conversion_trend: pd.DataFrame | None = None
    # every force's counts per month or quarter of the trends, for the audit of a force user's
    # view (force_view), which keeps its own forces' rows only
    trend_counts_by_force: pd.DataFrame | None = None
    # the outcomes decided in the period (the event view), one row per outcome ("measure"), one
    # column per group, as comparison is; and the period in words ("in 2025/26")
    decided_comparison: pd.DataFrame | None = None
    decided_words: str = ""

    @property
    def has_reports(self) -> bool:
        """Whether the chosen force has any report or referral in the period."""
        return bool(self.counts["reports"].iat[0] > 0 or self.counts["referrals"].iat[0] > 0)

    def forces_table(self, measure_key: str) -> pd.DataFrame:
        """Every force with its reports, one measure's counts, rate, 95% interval (in display
        units), place against the funnel limits, and why a rate is missing.

        all_forces holds the flags of the funnel's measure only, so measure_key must be it."""
        measure = MEASURES[measure_key]
        forces = self.all_forces
        scaled = {measure_key, f"{measure_key}_low", f"{measure_key}_high"}
        columns = {
            "force": "Force",
            "region_name": "Region",
            "reports": "Reports",
            measure.numerator: measure.numerator_label,
            measure.denominator: measure.denominator_label,
            measure_key: measure.titled,
            f"{measure_key}_low": "95% from",
            f"{measure_key}_high": "95% to",
            f"{measure_key}_flag": f"Against {NATION_LABEL}",
            f"{measure_key}_note": "Why no rate",
        }
        table = {}
        for column, label in columns.items():
            if label not in table:  # two counts under one name keep the first
                values = forces[column]
                table[label] = values.to_numpy() * measure.scale if column in scaled else values
        return pd.DataFrame(table, index=forces.index)

    def on_measure(self, measure_key: str, adjusted: bool) -> "ForcesData":
        """The same figures with every force placed on the funnel of another measure or kind
        of limits: the page draws those choices first, then asks for their funnel."""
        if measure_key == self.funnel.measure.key and adjusted == self.funnel.adjusted:
            return self
        unplaced = self.all_forces.drop(columns=f"{self.funnel.measure.key}_flag")
        counts = {column: self.counts[column].tolist() for column in self.counts}
        return replace(self, **_placed(unplaced, counts, measure_key, adjusted))

    def all_forces_download(self) -> pd.DataFrame:
        """Every force's counts, rates and place against the funnel limits on every measure:
        the page's CSV. The flags of the measures the page does not show are worked out only
        here, when the file is asked for."""
        shown_key = self.funnel.measure.key
        targets = _targets({column: self.counts[column].tolist() for column in self.counts})
        flags = {
            f"{key}_flag": (
                self.all_forces[f"{key}_flag"]
                if key == shown_key
                else flag_labels(
                    self.all_forces, measure, targets[key],
                    drawn_tau2(forces_dispersion(self.all_forces, measure, targets[key]),
                               self.funnel.adjusted),
                )
            )
            for key, measure in MEASURES.items()
        }  # fmt: skip
        rated = self.all_forces.drop(columns=f"{shown_key}_flag")
        return pd.concat([rated, pd.DataFrame(flags, index=rated.index)], axis=1)

    @property
    def group_colours(self) -> dict[str, str]:
        """The palette's colour for the force, its peers, its region and England and Wales, by
        label."""
        return {
            group: GROUP_KIND_COLOURS[kind]
            for group, kind in zip(self.counts["group"], self.counts["group_kind"], strict=True)
        }

    @property
    def peer_table(self) -> pd.DataFrame:
        """The force, each of its most similar forces, the peers pooled, its region and England
        and Wales: one row each, one column per measure (peer_table)."""
        return peer_table(self.peer_rates)

    @property
    def has_officer_figure(self) -> bool:
        """Whether the chosen force has an officer figure (so a rate per 1,000 officers)."""
        return not pd.isna(self.counts["officer_fte"].iat[0])


def forces_data(
    run: QueryRunner,
    filters: Filters,
    as_at: dt.date,
    focus: str = DEFAULT_FOCUS,
    trend_unit: str = "quarter",
    measure_key: str = "reports_per_1000_officers",
    adjusted: bool = True,
) -> ForcesData:
    """The chosen force beside its region and England and Wales, its trend, and every force.

    The sidebar's force and region choices do not narrow the comparison: the region, England and
    Wales and the all-forces figures keep only the period, channel and category filters
    (Filters.with_forces). Each count adds up over forces, so the stage counts and monthly
    reports are queried once for every force and each comparator is the sum of the rows its
    selection matches: the same figures as querying with that selection, and choosing another
    force runs no query at all.

    Every force is placed against the funnel limits of the chosen measure only (the page shows
    no other); ForcesData.all_forces_download adds the other measures' places for the CSV. Only
    forces that were in the service during the period are compared. The limits allow for
    over-dispersion where the forces show it, unless adjusted is False (chance alone).
    """
    reference = run("forces_reference")
    codes = reference["force_code"].tolist()
    if focus not in codes:
        focus = DEFAULT_FOCUS
    focus_row = reference.iloc[codes.index(focus)]
    region = None if pd.isna(focus_row["region_name"]) else str(focus_row["region_name"])
    nation_codes = tuple(
        code
        for code, nation in zip(codes, reference["nation"].tolist(), strict=True)
        if nation in NATIONS
    )

    every_force = filters.with_forces(())
    span = rate_period(filters, as_at)
    stage_counts = with_decided(
        with_exposure(
            run("stage_counts_by_force", **every_force.sql_params()), span.first, span.last
        ),
        decided_by_force(run, every_force),
    )
    monthly = run("monthly_reports_by_force", **every_force.sql_params())
    conversions = run("conversion_counts_by_force_and_month", **every_force.sql_params())
    try:
        peers = peers_of(focus)
    except ValueError:  # a force of the database that data/forces.csv does not hold
        peers = ()
    # the force's full name, as a short name can equal its region's (West Midlands)
    groups = [("force", str(focus_row["force_name"]), filters.with_forces((focus,)))]
    if peers:
        groups.append(("peers", PEERS_LABEL, filters.with_forces(peers)))
    if region is not None:
        groups.append(("region", region, filters.with_forces((), (region,))))
    groups.append(("nation", NATION_LABEL, filters.with_forces(nation_codes)))
    # the groups' rows are kept as lists until the frame is made: each is read often
    all_forces, group_columns = _rated_together(stage_counts, _group_counts(stage_counts, groups))
    if pd.isna(focus_row["officer_fte"]):
        group_columns["reports_per_1000_officers_note"][0] = "no officer figure"
    all_forces = all_forces.rename(columns={"short_name": "force"})
    all_forces["reports_per_1000_officers_note"] = _officer_notes(all_forces)
    placed = _placed(all_forces, group_columns, measure_key, adjusted)

    # the trends leave out the region (the page compares it for the whole period only)
    trended = [(kind, label, chosen) for kind, label, chosen in groups if kind != "region"]
    periods = trend_periods(filters, as_at, trend_unit)
    trend_groups = [
        (
            kind,
            label,
            selection_mask(stage_counts, chosen),
            selection_mask(monthly, chosen, reference),
        )
        for kind, label, chosen in trended
    ]
    durations = {
        kind: run("outcome_durations_by_month", **chosen.sql_params(), as_at=as_at)
        for kind, _, chosen in trended
    }
    conversion_groups = [
        (kind, label, selection_mask(conversions, chosen, reference))
        for kind, label, chosen in trended
    ]
    fte_dates = reference["officer_fte_date"].dropna()
    rates = _rates_long(group_columns)
    rates_frame = pd.DataFrame(rates)
    return ForcesData(
        focus=focus,
        focus_name=str(focus_row["force_name"]),
        region_name=region,
        as_at=as_at,
        officer_fte_date=pd.Timestamp(fte_dates.max()).date() if len(fte_dates) else None,
        counts=pd.DataFrame(group_columns),
        comparison=_comparison(group_columns),
        rates=rates_frame,
        rate_table=_rate_table(rates["shown"], group_columns["group"]),
        trend=_trend(periods, monthly, stage_counts, trend_groups),
        trend_unit=periods.unit,
        all_forces=placed["all_forces"],
        funnel=placed["funnel"],
        peers=peers,
        peer_names=tuple(
            str(reference["short_name"].iat[codes.index(code)]) for code in peers if code in codes
        ),
        peer_rates=peer_rates(rates_frame, all_forces, peers),
        conversion_trend=conversion_trend(periods, conversions, durations, conversion_groups),
        trend_counts_by_force=_trend_counts_by_force(
            periods, monthly, conversions, all_forces["force_code"].tolist()
        ),
        decided_comparison=_comparison(group_columns, DECIDED_COUNT_LABELS),
        decided_words=period_words(filters),
    )


def with_decided(by_force: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """by_force with each force's outcomes decided in the period (decided_by_force) as the
    DECIDED_COUNT_COLUMNS; 0 for a row the event view does not list (force not known)."""
    counts = decided.set_index("force_code")[list(DECIDED_MEASURES)].set_axis(
        list(DECIDED_COUNT_COLUMNS), axis=1
    )
    joined = counts.reindex(by_force["force_code"].tolist(), fill_value=0)
    return by_force.assign(
        **{column: joined[column].to_numpy(dtype=np.int64) for column in DECIDED_COUNT_COLUMNS}
    )


def _trend_counts_by_force(
    periods: TrendPeriods, monthly: pd.DataFrame, conversions: pd.DataFrame, codes: list[str]
) -> pd.DataFrame:
    """Every force's reports and conversion counts in each month or quarter of the trend (zeros
    where it has none): what the trends' lines add up, for the audit of a force user's view."""
    reports = counts_by_period(periods, monthly, ("reports",), codes)
    converted = counts_by_period(periods, conversions, CONVERSION_COLUMNS, codes)
    return pd.concat([reports, converted[list(CONVERSION_COLUMNS)]], axis=1)


def peer_rates(
    rates: pd.DataFrame, all_forces: pd.DataFrame, peers: tuple[str, ...]
) -> pd.DataFrame:
    """Every measure for the force, each of its most similar forces (group_kind "peer", in rank
    order), the peers pooled, its region and England and Wales: ForcesData.rates' columns,
    measures in MEASURES' order, with force_code ("" for a group). Rates in display units."""
    codes = all_forces["force_code"].tolist()
    rows = [codes.index(code) for code in peers if code in codes]
    ranked = [codes[at] for at in rows]
    names = all_forces["force"].to_numpy()[rows].tolist()
    groups = {column: rates[column].tolist() for column in rates.columns}
    kinds = groups["group_kind"]
    columns: dict[str, list] = {column: [] for column in [*rates.columns, "force_code"]}
    for measure in MEASURES.values():
        at = [i for i, key in enumerate(groups["measure_key"]) if key == measure.key]
        values = {
            suffix: all_forces[f"{measure.key}{suffix}"].to_numpy(dtype=float)[rows]
            for suffix in ("", "_low", "_high")
        }
        notes = all_forces[f"{measure.key}_note"].to_numpy()[rows].tolist()
        one_by_one = {
            "measure_key": [measure.key] * len(rows),
            "measure": [measure.label] * len(rows),
            "group_kind": ["peer"] * len(rows),
            "group": names,
            "numerator": all_forces[measure.numerator].to_numpy()[rows].tolist(),
            "denominator": all_forces[measure.denominator].to_numpy()[rows].tolist(),
            "rate": (values[""] * measure.scale).tolist(),
            "rate_low": (values["_low"] * measure.scale).tolist(),
            "rate_high": (values["_high"] * measure.scale).tolist(),
            "rate_note": notes,
            "shown": [
                shown_rate(*numbers, note, measure)
                for *numbers, note in zip(
                    values[""], values["_low"], values["_high"], notes, strict=True
                )
            ],  # fmt: skip
            "force_code": ranked,
        }
        # the force first, then its peers one by one, then the groups
        force = [i for i in at if kinds[i] == "force"]
        rest = [i for i in at if kinds[i] != "force"]
        for column, values_out in columns.items():
            if column == "force_code":
                values_out += [""] * len(force) + ranked + [""] * len(rest)
            else:
                own = groups[column]
                values_out += [own[i] for i in force] + one_by_one[column] + [own[i] for i in rest]
    frame = pd.DataFrame(columns)
    for column in ("measure_key", "measure", "group_kind", "group", "rate_note", "shown",
                   "force_code"):  # fmt: skip
        frame[column] = frame[column].astype("str")
    return frame


def peer_table(peer_rates: pd.DataFrame) -> pd.DataFrame:
    """One row per force or group of peer_rates (its label under "Force or group"), one column
    per measure: the rate with its 95% interval as text, or "–" with the reason."""
    labels = list(dict.fromkeys(peer_rates["group"]))
    table = {"Force or group": labels}
    for key, rows in peer_rates.groupby("measure_key", sort=False):
        shown = dict(zip(rows["group"], rows["shown"], strict=True))
        table[MEASURES[key].label] = [shown.get(label, "–") for label in labels]
    return pd.DataFrame(table)


def _placed(
    all_forces: pd.DataFrame, counts: Mapping[str, Sequence], measure_key: str, adjusted: bool
) -> dict:
    """Every force placed against one measure's funnel limits: all_forces with that measure's
    flag column, and the funnel (an unknown measure key gives the first measure)."""
    measure_key = measure_key if measure_key in MEASURES else next(iter(MEASURES))
    measure = MEASURES[measure_key]
    target = _targets(counts)[measure_key]
    spread = forces_dispersion(all_forces, measure, target)
    flags = flag_labels(all_forces, measure, target, drawn_tau2(spread, adjusted))
    placed = all_forces.assign(**{f"{measure_key}_flag": flags})
    return {"all_forces": placed, "funnel": funnel(placed, measure, target, spread, adjusted)}


def selection_mask(
    by_force: pd.DataFrame, chosen: Filters, reference: pd.DataFrame | None = None
) -> np.ndarray:
    """Which rows of a by-force frame chosen's forces and regions select, by the rule of
    queries/filtered_tables.sql: a force must match both lists (an empty list matches all), and
    'unknown' matches only when neither is given. reference supplies region_name if by_force
    lacks it."""
    codes = by_force["force_code"].tolist()
    if not chosen.forces and not chosen.regions:
        return np.ones(len(codes), dtype=bool)
    if not chosen.regions:
        regions = [None] * len(codes)
    elif "region_name" in by_force.columns:
        regions = by_force["region_name"].tolist()
    else:
        region_of = dict(zip(reference["force_code"], reference["region_name"], strict=True))
        regions = [region_of.get(code) for code in codes]
    forces, wanted_regions = set(chosen.forces), set(chosen.regions)
    return np.array(
        [
            code != UNKNOWN_FORCE
            and (not forces or code in forces)
            and (not wanted_regions or region in wanted_regions)
            for code, region in zip(codes, regions, strict=True)
        ],
        dtype=bool,
    )


def selected(
    by_force: pd.DataFrame, chosen: Filters, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rows of a by-force frame that chosen's forces and regions select (selection_mask)."""
    if not chosen.forces and not chosen.regions:
        return by_force
    return by_force.loc[selection_mask(by_force, chosen, reference)]


def with_exposure(by_force: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """by_force with each force's days_in_service from first to last and its officer_years (its
    officers times those days in years; NaN without an officer figure)."""
    days = service_days(by_force["force_code"].tolist(), first, last)
    return by_force.assign(
        days_in_service=days, officer_years=officer_years(by_force["officer_fte"], days)
    )


def add_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """The stage counts with every measure's rate, 95% interval and note (why it is missing).

    Proportions are on the 0..1 scale; reports per 1,000 officers per 1,000 officers (FTE).
    forces_data adds the same columns to every force and its groups at once (_rated_together).
    """
    rates = pd.DataFrame(_rate_columns(counts), index=counts.index)
    return pd.concat([counts, rates], axis=1)


def _rate_columns(
    counts: Mapping[str, Sequence],
) -> dict[str, np.ndarray | pd.api.extensions.ExtensionArray]:
    """Every measure's rate, interval and note (the columns add_rates adds) for the rows of
    counts: a frame, or lists by column name, of the counts each measure divides.

    The four proportions are stacked into one frame, so that proportion_table runs once for
    all of them rather than once per measure.
    """
    per_officer = rate_per_1000(
        counts["reports"], counts["officer_years"], officers=counts["officer_fte"]
    )
    proportions = [measure for measure in MEASURES.values() if measure.kind == "proportion"]
    numerators = np.concatenate([np.asarray(counts[m.numerator], dtype=float) for m in proportions])
    denominators = np.concatenate(
        [np.asarray(counts[m.denominator], dtype=float) for m in proportions]
    )
    # A numerator above its denominator (an outcome on a referral that is not an
    # investigation, in real data) has no proportion: say so rather than fail.
    impossible = numerators > denominators
    stacked = proportion_table(
        pd.DataFrame(
            {
                "x": np.where(impossible, np.nan, numerators),
                "n": np.where(impossible, np.nan, denominators),
            }
        ),
        "x",
        "n",
    )
    suffixes = ("", "_low", "_high")
    stacked_rates = {suffix: stacked[f"rate{suffix}"].to_numpy() for suffix in suffixes}
    stacked_notes = stacked["rate_note"].tolist()
    size = len(counts["reports"])
    columns = {}
    for measure in MEASURES.values():
        if measure.kind == "poisson":
            rates = {suffix: per_officer[f"rate{suffix}"].to_numpy() for suffix in suffixes}
            notes = per_officer["rate_note"].tolist()
        else:
            at = proportions.index(measure) * size
            rates = {suffix: values[at : at + size] for suffix, values in stacked_rates.items()}
            beyond = (
                f"more {measure.numerator_label.lower()} than {measure.denominator_label.lower()}"
            )
            notes = [
                beyond if is_impossible else note
                for is_impossible, note in zip(
                    impossible[at : at + size].tolist(), stacked_notes[at : at + size], strict=True
                )
            ]
        for suffix in suffixes:
            columns[f"{measure.key}{suffix}"] = rates[suffix]
        columns[f"{measure.key}_note"] = pd.array(notes, dtype="str")
    return columns


def _group_counts(
    stage_counts: pd.DataFrame, groups: list[tuple[str, str, Filters]]
) -> dict[str, list | np.ndarray]:
    """One entry per group in each column: group_kind, group, the counts of the forces its
    selection matches added up, and their officers (NaN if any of them lacks an officer
    figure)."""
    summed_columns = (*COUNT_COLUMNS, *DECIDED_COUNT_COLUMNS)
    matrix = stage_counts[list(summed_columns)].to_numpy()
    exposures = {
        column: stage_counts[column].to_numpy(dtype=float)
        for column in ("officer_fte", "officer_years")
    }
    sums, summed = [], {column: [] for column in exposures}
    for _, _, chosen in groups:
        keep = selection_mask(stage_counts, chosen)
        sums.append(matrix[keep].sum(axis=0))
        for column, values in exposures.items():
            kept = values[keep]
            whole = len(kept) and not np.isnan(kept).any()
            summed[column].append(float(kept.sum()) if whole else np.nan)
    by_group = np.array(sums, dtype=np.int64)  # one row per group, one column per count
    return {
        "group_kind": [kind for kind, _, _ in groups],
        "group": [label for _, label, _ in groups],
        **{column: by_group[:, at] for at, column in enumerate(summed_columns)},
        **{column: np.array(values, dtype=float) for column, values in summed.items()},
    }


def _rated_together(
    stage_counts: pd.DataFrame, group_counts: dict[str, list | np.ndarray]
) -> tuple[pd.DataFrame, dict[str, list | np.ndarray]]:
    """add_rates for every force (a frame) and for the groups (arrays by column), the groups'
    rows rated along with the forces' so that each measures function runs once."""
    forces, groups = stage_counts, dict(group_counts)
    counted = {
        name: np.concatenate([forces[name].to_numpy(), groups[name]])
        for measure in MEASURES.values()
        for name in (measure.numerator, measure.denominator, "officer_fte")
    }
    rates = _rate_columns(counted)
    size = len(forces)
    forces_rates = pd.DataFrame(
        {name: values[:size] for name, values in rates.items()}, index=forces.index
    )
    groups.update({name: values[size:] for name, values in rates.items()})
    return pd.concat([forces, forces_rates], axis=1), groups


def _officer_notes(all_forces: pd.DataFrame) -> list[str]:
    """The note on each force's rate per 1,000 officers, saying why a force without an officer
    figure has none."""
    return [
        (FORCE_NOT_KNOWN if code == UNKNOWN_FORCE else NO_OFFICER_FIGURE)
        if math.isnan(officers)
        else note
        for code, officers, note in zip(
            all_forces["force_code"].tolist(),
            all_forces["officer_fte"].tolist(),
            all_forces["reports_per_1000_officers_note"].tolist(),
            strict=True,
        )
    ]


def _targets(counts: Mapping[str, Sequence]) -> dict[str, float | None]:
    """Each measure's England and Wales rate (None where it has none), from the nation's entry
    in the groups' columns."""
    nation_at = list(counts["group_kind"]).index("nation")
    targets = {}
    for key in MEASURES:
        rate = counts[key][nation_at]
        targets[key] = None if math.isnan(rate) else float(rate)
    return targets


def compared_forces(all_forces: pd.DataFrame, measure: Measure) -> np.ndarray:
    """Which forces a measure's funnel compares: known forces that were in the service during
    the period and have a rate (a denominator above 0)."""
    denominators = all_forces[measure.denominator].to_numpy(dtype=float)
    return (
        (all_forces["force_code"].to_numpy() != UNKNOWN_FORCE)
        & (all_forces["days_in_service"].to_numpy() > 0)
        & (denominators > 0)  # NaN > 0 is False
        & ~np.isnan(all_forces[measure.key].to_numpy(dtype=float))
    )


def forces_dispersion(
    all_forces: pd.DataFrame, measure: Measure, target: float | None
) -> Dispersion | None:
    """Over-dispersion of the compared forces around target (None without a target)."""
    if target is None:
        return None
    keep = compared_forces(all_forces, measure)
    z, s = funnel_z_scores(
        all_forces[measure.numerator].to_numpy(dtype=float)[keep],
        all_forces[measure.denominator].to_numpy(dtype=float)[keep],
        target,
        measure.kind,
    )
    return overdispersion(z, s)


def drawn_tau2(spread: Dispersion | None, adjusted: bool) -> float | None:
    """The τ² the limits are widened by: over-dispersion's, where it is found and asked for."""
    return spread.applied_tau2 if adjusted and spread is not None else None


def funnel(
    all_forces: pd.DataFrame,
    measure: Measure,
    target: float | None,
    spread: Dispersion | None = None,
    adjusted: bool = True,
) -> Funnel:
    """Every compared force's rate against its denominator, with 95% and 99.8% limits around
    target, widened by the forces' over-dispersion (spread) where adjusted and found.

    Forces without a denominator (no officer figure, or no cases to divide by), forces not in the
    service in the period and reports whose force is not known are left out, and left_out says
    which. With fewer than two forces to compare no limits are drawn.
    """
    key = measure.key
    codes = all_forces["force_code"].to_numpy()
    names = all_forces["force"].to_numpy()
    denominators = all_forces[measure.denominator].to_numpy(dtype=float)
    rates = all_forces[key].to_numpy(dtype=float)
    known = codes != UNKNOWN_FORCE
    drawn = compared_forces(all_forces, measure)
    out_of_service = known & (all_forces["days_in_service"].to_numpy() == 0)
    left_out = known & ~drawn & ~out_of_service
    note = ""
    if out_of_service.any():
        count = int(out_of_service.sum())
        note = (
            f"{count} force{'s were' if count != 1 else ' was'} not yet in the service in this "
            f"period (every force but the Metropolitan Police joined on "
            f"{NATIONAL_LAUNCH:%d %b %Y}), so {'they are' if count != 1 else 'it is'} not "
            "compared."
        )
    if measure.kind == "poisson":
        no_officers = np.isnan(all_forces["officer_fte"].to_numpy(dtype=float))
        no_figure = names[left_out & no_officers].tolist()
        one = len(no_figure) == 1
        if no_figure:
            note += (
                f" {_names(no_figure)} {'has' if one else 'have'} no officer figure "
                f"({'it is' if one else 'they are'} outside the Home Office police workforce "
                f"statistics for England and Wales), so {'it has' if one else 'they have'} no "
                "rate per 1,000 officers and " + ("is" if one else "are") + " not drawn."
            )
        others = names[left_out & ~no_officers]
    else:
        others = names[left_out]
    if len(others):
        note += (
            f" {len(others)} force{'s' if len(others) != 1 else ''} with no "
            f"{measure.denominator_label.lower()} in this selection "
            f"{'are' if len(others) != 1 else 'is'} not drawn."
        )
    tau2 = drawn_tau2(spread, adjusted)
    outside_otherwise = None
    if target is not None and drawn.sum() >= 2:
        grid = _grid(denominators[drawn], whole=measure.kind == "proportion")
        # one call for the drawn limits and each force's own (so the table says how far it
        # sits from England and Wales)
        both = _limits(target, np.concatenate([grid, denominators[drawn]]), measure, tau2)
        limits = both.iloc[: len(grid)]
        own_limits = {column: both[column].to_numpy()[len(grid) :] for column in LIMIT_COLUMNS}
        if spread is not None and spread.overdispersed:
            # the other kind of limits, so the note can say how many forces they would mark
            other = funnel_flags(
                rates[drawn], denominators[drawn], target, measure.kind,
                None if tau2 is not None else spread.tau2,
            ).tolist()  # fmt: skip
            outside_otherwise = (
                sum(flag != "within" for flag in other),
                sum("99.8" in flag for flag in other),
            )
    else:
        limits = pd.DataFrame(columns=["denominator", *LIMIT_COLUMNS], dtype=float)
        own_limits = dict.fromkeys(LIMIT_COLUMNS, np.nan)
    points = pd.DataFrame(
        {
            "force_code": pd.array(codes[drawn], dtype="str"),
            "force": pd.array(names[drawn], dtype="str"),
            "numerator": all_forces[measure.numerator].to_numpy()[drawn],
            "denominator": all_forces[measure.denominator].to_numpy()[drawn],
            "rate": rates[drawn] * measure.scale,
            "rate_low": all_forces[f"{key}_low"].to_numpy()[drawn] * measure.scale,
            "rate_high": all_forces[f"{key}_high"].to_numpy()[drawn] * measure.scale,
            "flag": pd.array(all_forces[f"{key}_flag"].to_numpy()[drawn], dtype="str"),
            **own_limits,
        }
    )
    return Funnel(
        measure=measure,
        target=None if target is None else target * measure.scale,
        points=points,
        limits=limits,
        left_out=note.strip(),
        dispersion=spread,
        adjusted=adjusted,
        outside_otherwise=outside_otherwise,
    )


def shown_rate(rate: float, low: float, high: float, note: str, measure: Measure) -> str:
    """A rate with its 95% interval as text, or "–" with the reason it cannot be given."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return f"– ({note})" if note else "–"
    if measure.kind == "poisson":
        return f"{rate:,.1f} ({low:,.1f} to {high:,.1f})"
    return f"{rate:.1%} ({low:.1%} to {high:.1%})"


def flag_labels(
    all_forces: pd.DataFrame, measure: Measure, target: float | None, tau2: float | None = None
) -> pd.Series:
    """Each force's place against the measure's funnel limits (widened by tau2 if given), in
    words (FLAG_LABELS); not assessed where it cannot be: no target, no rate, force not known,
    not in the service, or fewer than two forces to compare."""
    keep = compared_forces(all_forces, measure)
    if target is None or keep.sum() < 2:
        flags = [FUNNEL_NOT_ASSESSED] * len(all_forces)
    else:
        placed = funnel_flags(
            all_forces[measure.key], all_forces[measure.denominator].fillna(0), target,
            measure.kind, tau2,
        ).tolist()  # fmt: skip
        flags = [
            flag if kept else FUNNEL_NOT_ASSESSED
            for flag, kept in zip(placed, keep.tolist(), strict=True)
        ]
    return pd.Series([FLAG_LABELS[flag] for flag in flags], index=all_forces.index, dtype="str")


def _limits(
    target: float, denominators: np.ndarray, measure: Measure, tau2: float | None = None
) -> pd.DataFrame:
    """funnel_limits in the measure's display units, under the names charts.funnel_plot reads."""
    raw = funnel_limits(target, denominators, measure.kind, tau2=tau2)
    return pd.DataFrame(
        {
            "denominator": raw["denominator"],
            "lower_95": raw["low_95"] * measure.scale,
            "upper_95": raw["high_95"] * measure.scale,
            "lower_998": raw["low_99_8"] * measure.scale,
            "upper_998": raw["high_99_8"] * measure.scale,
        }
    )


def _grid(denominators: np.ndarray, whole: bool) -> np.ndarray:
    """Denominators to draw the limits at: a log-spaced grid over (and a little beyond) the data."""
    low = max(float(denominators.min()) * 0.5, 1.0)
    high = max(float(denominators.max()) * 1.2, low + 1)
    grid = np.geomspace(low, high, 200)
    return np.unique(np.round(grid)) if whole else grid


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _comparison(
    counts: Mapping[str, Sequence], labels: Mapping[str, str] = COUNT_LABELS
) -> pd.DataFrame:
    """One row per count of labels, one column per group (force, region, England and Wales)."""
    table = {"measure": list(labels.values())}
    for at, group in enumerate(counts["group"]):
        table[group] = [counts[column][at] for column in labels]
    return pd.DataFrame(table)


def _rates_long(counts: Mapping[str, Sequence]) -> dict[str, list]:
    """One entry per measure per group (groups within measures): numerator, denominator, rate,
    interval, note and shown text, by column."""
    columns = {
        "measure_key": [], "measure": [], "group_kind": [], "group": [], "numerator": [],
        "denominator": [], "rate": [], "rate_low": [], "rate_high": [], "rate_note": [],
        "shown": [],
    }  # fmt: skip
    size = len(counts["group"])
    for measure in MEASURES.values():
        rates, lows, highs, notes = (
            counts[f"{measure.key}{suffix}"] for suffix in ("", "_low", "_high", "_note")
        )
        columns["measure_key"] += [measure.key] * size
        columns["measure"] += [measure.label] * size
        columns["group_kind"] += counts["group_kind"]
        columns["group"] += counts["group"]
        columns["numerator"] += list(counts[measure.numerator])
        columns["denominator"] += list(counts[measure.denominator])
        columns["rate"] += [rate * measure.scale for rate in rates]
        columns["rate_low"] += [low * measure.scale for low in lows]
        columns["rate_high"] += [high * measure.scale for high in highs]
        columns["rate_note"] += list(notes)
        columns["shown"] += [
            shown_rate(rate, low, high, note, measure)
            for rate, low, high, note in zip(rates, lows, highs, notes, strict=True)
        ]
    return columns


def _rate_table(shown: list[str], groups: list[str]) -> pd.DataFrame:
    """One row per measure (its label under "Rate (95% interval)"), one column per group: the
    rate with its 95% interval as text, or "–" with the reason. shown is _rates_long's, groups
    within measures."""
    table = {"Rate (95% interval)": [measure.label for measure in MEASURES.values()]}
    for at, group in enumerate(groups):
        table[group] = shown[at :: len(groups)]
    return pd.DataFrame(table)


def _trend(
    periods: TrendPeriods,
    monthly: pd.DataFrame,
    stage_counts: pd.DataFrame,
    groups: list[tuple[str, str, np.ndarray, np.ndarray]],
) -> pd.DataFrame:
    """Reports per month or quarter (periods) for the force, its most similar forces and England
    and Wales, per 1,000 officers a year.

    groups holds, for each group, its kind, label and which rows of stage_counts (with
    officer_fte) and of monthly_reports_by_force are its forces'. Each month's or quarter's rate
    counts only its days inside the period on which each force was in the service; one that the
    period covers only in part is flagged.
    """
    starts, ends = list(periods.starts), periods.ends
    period, inside = periods.index(monthly["month_start"])
    reports = monthly["reports"].to_numpy()
    # days of each force (row) in the service in each period (column), within the period chosen
    days = service_days(
        stage_counts["force_code"].tolist(),
        np.maximum(np.array(starts, dtype="datetime64[D]"), np.datetime64(periods.first)),
        np.minimum(np.array(ends, dtype="datetime64[D]"), np.datetime64(periods.last)),
    ).reshape(len(stage_counts), len(starts))
    fte = stage_counts["officer_fte"].to_numpy(dtype=float)
    counted, officers, exposure, kinds, labels = [], [], [], [], []
    for kind, label, forces, rows in groups:
        keep = rows & inside
        per_period = np.bincount(period[keep], weights=reports[keep], minlength=len(starts))
        counted.append(per_period.astype(np.int64))
        group_fte = fte[forces]
        staffed = len(group_fte) > 0 and not np.isnan(group_fte).any()
        officers += [float(group_fte.sum()) if staffed else np.nan] * len(starts)
        exposure.append(
            officer_years(group_fte, days[forces].T).sum(axis=1)
            if staffed
            else np.full(len(starts), np.nan)
        )
        kinds += [kind] * len(starts)
        labels += [label] * len(starts)
    reports_per_period = np.concatenate(counted) if counted else np.array([], dtype=np.int64)
    officer_years_per_period = np.concatenate(exposure) if exposure else np.array([])
    rates = rate_per_1000(reports_per_period, officer_years_per_period, officers=officers)
    whole = periods.whole
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(pd.Series(starts * len(groups), dtype=object)),
            "period": periods.labels * len(groups),
            "whole_period": whole * len(groups),
            # text columns declared, so that an empty trend (a period after the as-at date)
            # still has them as text
            "group_kind": pd.array(kinds, dtype="str"),
            "group": pd.array(labels, dtype="str"),
            "reports": reports_per_period,
            "officer_fte": officers,
            "officer_years": officer_years_per_period,
            "rate": rates["rate"].to_numpy(),
            "rate_low": rates["rate_low"].to_numpy(),
            "rate_high": rates["rate_high"].to_numpy(),
            "rate_note": pd.array(
                [
                    NO_OFFICER_FIGURE if math.isnan(fte) else note
                    for fte, note in zip(officers, rates["rate_note"].tolist(), strict=True)
                ],
                dtype="str",
            ),
        }
    )
