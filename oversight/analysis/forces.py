"""The Forces page (a Police and Crime Commissioner's view): one force beside its region and
England and Wales, its trend, and every force on a funnel plot and in a table.

A report counts for its subject force and a referral for the force that received it
(docs/metrics.md, "Force"), so each stage count adds up over forces: the region's and England and
Wales' figures are the same counts over their forces, with the same period, channel and
categories (Filters.with_forces).
"""

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.analysis import QueryRunner
from oversight.charts import GROUP_COLOURS
from oversight.filters import Filters
from oversight.measures import (
    FUNNEL_FLAGS,
    FUNNEL_NOT_ASSESSED,
    funnel_flags,
    funnel_limits,
    proportion_table,
    rate_per_1000,
)

DEFAULT_FOCUS = "metropolitan"
NATION_LABEL = "England and Wales"
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
    "investigations_with_finding",
    "case_to_answer",
    "dismissals",
    "open_cases",
)
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
        return "per 1,000 officers" if self.kind == "poisson" else "%"

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
        Measure("reports_per_1000_officers", "Reports per 1,000 officers", "reports",
                "officer_fte", "poisson", "Reports", "Officers (FTE)"),
        Measure("dissemination_rate", "Dissemination rate", "disseminated_reports", "reports",
                "proportion", "Passed on", "Reports"),
        Measure("investigation_rate", "Investigation rate", "investigations",
                "referrals_not_transferred", "proportion", "Investigations",
                "Referrals not transferred"),
        Measure("case_to_answer_rate", "Case-to-answer rate", "case_to_answer",
                "investigations_with_finding", "proportion", "Case to answer",
                "Investigations with a finding"),
        Measure("dismissal_rate", "Dismissal rate", "dismissals", "investigations",
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

    @property
    def spread_note(self) -> str:
        """How many forces fall outside the limits, against what chance alone would give."""
        flags = self.points["flag"] if "flag" in self.points else pd.Series(dtype=object)
        assessed = int(flags.isin([FLAG_LABELS[key] for key in FUNNEL_FLAGS]).sum())
        if assessed == 0:
            return ""
        outside_95 = int(flags.str.contains("beyond", na=False).sum())
        outside_998 = int(flags.str.contains("99.8%", na=False).sum())
        expected = 0.05 * assessed
        text = (
            f"{outside_95} of {assessed} forces fall outside the 95% limits ({outside_998} "
            f"outside the 99.8% limits), where chance alone would put about {expected:.0f}."
        )
        if outside_95 > 2 * max(expected, 1):
            text += (
                " Forces differ by more than chance overall (over-dispersion), so one force "
                "outside the limits is a prompt for questions, not a finding by itself."
            )
        return text


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
    trend: pd.DataFrame  # one row per month or quarter per group (force, England and Wales)
    trend_unit: str
    all_forces: pd.DataFrame  # one row per force (and force not known): counts, rates, flags
    funnel: Funnel  # every force on the chosen measure

    @property
    def has_reports(self) -> bool:
        """Whether the chosen force has any report or referral in the period."""
        row = self.counts.iloc[0]
        return bool(row["reports"] > 0 or row["referrals"] > 0)

    def forces_table(self, measure_key: str) -> pd.DataFrame:
        """Every force with its reports, one measure's counts, rate, 95% interval (in display
        units), place against the funnel limits, and why a rate is missing."""
        measure = MEASURES[measure_key]
        rate = measure.titled
        columns = {
            "force": "Force",
            "region_name": "Region",
            "reports": "Reports",
            measure.numerator: measure.numerator_label,
            measure.denominator: measure.denominator_label,
            measure_key: rate,
            f"{measure_key}_low": "95% from",
            f"{measure_key}_high": "95% to",
            f"{measure_key}_flag": f"Against {NATION_LABEL}",
            f"{measure_key}_note": "Why no rate",
        }
        table = self.all_forces[list(columns)].rename(columns=columns)
        table = table.loc[:, ~table.columns.duplicated()]
        for column in (rate, "95% from", "95% to"):
            table[column] = table[column] * measure.scale
        return table

    @property
    def group_colours(self) -> dict[str, str]:
        """The palette's colour for the force, its region and England and Wales, by label."""
        kinds = {"force": "force", "region": "region", "nation": "national"}
        return {
            group: GROUP_COLOURS[kinds[kind]]
            for group, kind in zip(self.counts["group"], self.counts["group_kind"], strict=True)
        }

    @property
    def has_officer_figure(self) -> bool:
        """Whether the chosen force has an officer figure (so a rate per 1,000 officers)."""
        return not pd.isna(self.counts.iloc[0]["officer_fte"])


def forces_data(
    run: QueryRunner,
    filters: Filters,
    as_at: dt.date,
    focus: str = DEFAULT_FOCUS,
    trend_unit: str = "quarter",
    measure_key: str = "reports_per_1000_officers",
) -> ForcesData:
    """The chosen force beside its region and England and Wales, its trend, and every force.

    The sidebar's force and region choices do not narrow the comparison: the region, England and
    Wales and the all-forces figures keep only the period, channel and category filters
    (Filters.with_forces). Each count adds up over forces, so the stage counts and monthly
    reports are queried once for every force and each comparator is the sum of the rows its
    selection matches: the same figures as querying with that selection, and choosing another
    force runs no query at all.
    """
    reference = run("forces_reference")
    known = reference.set_index("force_code")
    if focus not in known.index:
        focus = DEFAULT_FOCUS
    focus_row = known.loc[focus]
    region = None if pd.isna(focus_row["region_name"]) else str(focus_row["region_name"])
    nation_codes = tuple(reference.loc[reference["nation"].isin(NATIONS), "force_code"])

    every_force = filters.with_forces(())
    stage_counts = run("stage_counts_by_force", **every_force.sql_params())
    monthly = run("monthly_reports_by_force", **every_force.sql_params())
    # the force's full name, as a short name can equal its region's (West Midlands)
    groups = [("force", str(focus_row["force_name"]), filters.with_forces((focus,)))]
    if region is not None:
        groups.append(("region", region, filters.with_forces((), (region,))))
    groups.append(("nation", NATION_LABEL, filters.with_forces(nation_codes)))
    counts = pd.DataFrame(
        [
            {"group_kind": kind, "group": label, **_summed(selected(stage_counts, chosen))}
            for kind, label, chosen in groups
        ]
    )
    counts = add_rates(counts)
    if pd.isna(focus_row["officer_fte"]):
        counts.loc[counts["group_kind"] == "force", "reports_per_1000_officers_note"] = (
            "no officer figure"
        )

    all_forces = add_rates(stage_counts).rename(columns={"short_name": "force"})
    missing_fte = all_forces["officer_fte"].isna()
    all_forces.loc[missing_fte, "reports_per_1000_officers_note"] = [
        FORCE_NOT_KNOWN if code == UNKNOWN_FORCE else NO_OFFICER_FIGURE
        for code in all_forces.loc[missing_fte, "force_code"]
    ]
    nation = counts.loc[counts["group_kind"] == "nation"].iloc[0]
    targets = {key: None if pd.isna(nation[key]) else float(nation[key]) for key in MEASURES}
    all_forces = pd.concat(
        [all_forces]
        + [
            _flags(all_forces, measure, targets[key]).map(FLAG_LABELS).rename(f"{key}_flag")
            for key, measure in MEASURES.items()
        ],
        axis=1,
    )
    measure_key = measure_key if measure_key in MEASURES else next(iter(MEASURES))

    trend_groups = [(kind, selected(monthly, chosen, reference)) for kind, _, chosen in groups]
    fte_dates = reference["officer_fte_date"].dropna()
    return ForcesData(
        focus=focus,
        focus_name=str(focus_row["force_name"]),
        region_name=region,
        as_at=as_at,
        officer_fte_date=pd.Timestamp(fte_dates.max()).date() if len(fte_dates) else None,
        counts=counts,
        comparison=_comparison(counts),
        rates=_rates_long(counts),
        trend=_trend(filters, trend_groups, counts, trend_unit, as_at),
        trend_unit=trend_unit,
        all_forces=all_forces,
        funnel=funnel(all_forces, MEASURES[measure_key], targets[measure_key]),
    )


def selected(
    by_force: pd.DataFrame, chosen: Filters, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rows of a by-force frame that chosen's forces and regions select, by the rule of
    queries/filtered_tables.sql: a force must match both lists (an empty list matches all), and
    'unknown' matches only when neither is given. reference supplies region_name if by_force
    lacks it."""
    if not chosen.forces and not chosen.regions:
        return by_force
    frame = by_force
    if "region_name" not in frame.columns:
        regions = reference.set_index("force_code")["region_name"]
        frame = frame.assign(region_name=frame["force_code"].map(regions))
    keep = frame["force_code"] != UNKNOWN_FORCE
    if chosen.forces:
        keep &= frame["force_code"].isin(chosen.forces)
    if chosen.regions:
        keep &= frame["region_name"].isin(chosen.regions)
    return by_force.loc[keep.to_numpy()]


def add_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """The stage counts with every measure's rate, 95% interval and note (why it is missing).

    Proportions are on the 0..1 scale; reports per 1,000 officers per 1,000 officers (FTE).
    """
    frame = counts.assign(referrals_not_transferred=counts["referrals"] - counts["transferred"])
    added = {}
    for measure in MEASURES.values():
        key = measure.key
        numerator, denominator = frame[measure.numerator], frame[measure.denominator]
        if measure.kind == "poisson":
            rates = rate_per_1000(numerator, denominator)
            for suffix in ("", "_low", "_high", "_note"):
                added[f"{key}{suffix}"] = rates[f"rate{suffix}"]
            continue
        # A numerator above its denominator (an outcome on a referral that is not an
        # investigation, in real data) has no proportion: say so rather than fail.
        impossible = numerator > denominator
        counted = pd.DataFrame(
            {"x": numerator.where(~impossible), "n": denominator.where(~impossible)}
        )
        rated = proportion_table(counted, "x", "n")
        for suffix in ("", "_low", "_high", "_note"):
            added[f"{key}{suffix}"] = rated[f"rate{suffix}"]
        added[f"{key}_note"] = added[f"{key}_note"].where(
            ~impossible,
            f"more {measure.numerator_label.lower()} than {measure.denominator_label.lower()}",
        )
    return pd.concat([frame, pd.DataFrame(added, index=frame.index)], axis=1)


def funnel(all_forces: pd.DataFrame, measure: Measure, target: float | None) -> Funnel:
    """Every force's rate against its denominator, with 95% and 99.8% limits around target.

    Forces without a denominator (no officer figure, or no cases to divide by) and reports whose
    force is not known are left out, and left_out says which.
    """
    forces = all_forces.loc[all_forces["force_code"] != UNKNOWN_FORCE]
    denominator = forces[measure.denominator]
    drawn = forces.loc[denominator.notna() & (denominator > 0) & forces[measure.key].notna()]
    left_out = forces.loc[~forces.index.isin(drawn.index)]
    if measure.kind == "poisson":
        no_figure = left_out.loc[left_out["officer_fte"].isna(), "force"]
        one = len(no_figure) == 1
        note = (
            f"{_names(no_figure)} {'has' if one else 'have'} no officer figure "
            f"({'it is' if one else 'they are'} outside the Home Office police workforce "
            f"statistics for England and Wales), so {'it has' if one else 'they have'} no rate "
            "per 1,000 officers and " + ("is" if one else "are") + " not drawn."
            if len(no_figure)
            else ""
        )
        others = left_out.loc[left_out["officer_fte"].notna(), "force"]
    else:
        note, others = "", left_out["force"]
    if len(others):
        note += (
            f" {len(others)} force{'s' if len(others) != 1 else ''} with no "
            f"{measure.denominator_label.lower()} in this selection "
            f"{'are' if len(others) != 1 else 'is'} not drawn."
        )
    points = pd.DataFrame(
        {
            "force_code": drawn["force_code"],
            "force": drawn["force"],
            "numerator": drawn[measure.numerator],
            "denominator": drawn[measure.denominator],
            "rate": drawn[measure.key] * measure.scale,
            "rate_low": drawn[f"{measure.key}_low"] * measure.scale,
            "rate_high": drawn[f"{measure.key}_high"] * measure.scale,
            "flag": drawn[f"{measure.key}_flag"],
        }
    ).reset_index(drop=True)
    limits = pd.DataFrame(columns=["denominator", *LIMIT_COLUMNS], dtype=float)
    if target is not None and len(points):
        grid = _grid(points["denominator"], whole=measure.kind == "proportion")
        limits = _limits(target, grid, measure)
        # each force's own limits, so the table says how far it sits from England and Wales
        own = _limits(target, points["denominator"].to_numpy(dtype=float), measure)
        for column in LIMIT_COLUMNS:
            points[column] = own[column].to_numpy()
    else:
        for column in LIMIT_COLUMNS:
            points[column] = np.nan
    return Funnel(
        measure=measure,
        target=None if target is None else target * measure.scale,
        points=points,
        limits=limits,
        left_out=note.strip(),
    )


def shown_rate(rate: float, low: float, high: float, note: str, measure: Measure) -> str:
    """A rate with its 95% interval as text, or "–" with the reason it cannot be given."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return f"– ({note})" if note else "–"
    if measure.kind == "poisson":
        return f"{rate:,.1f} ({low:,.1f} to {high:,.1f})"
    return f"{rate:.1%} ({low:.1%} to {high:.1%})"


def _summed(frame: pd.DataFrame) -> dict:
    """The counts of the forces in frame added up, with their officers (NaN if any lacks one)."""
    sums = {column: int(frame[column].sum()) for column in COUNT_COLUMNS}
    fte = frame["officer_fte"]
    sums["officer_fte"] = float(fte.sum()) if len(fte) and fte.notna().all() else np.nan
    return sums


def _flags(all_forces: pd.DataFrame, measure: Measure, target: float | None) -> pd.Series:
    """Each force's place against the funnel limits (not assessed where it cannot be)."""
    if target is None:
        return pd.Series(FUNNEL_NOT_ASSESSED, index=all_forces.index)
    flags = funnel_flags(
        all_forces[measure.key], all_forces[measure.denominator].fillna(0), target, measure.kind
    )
    flags.index = all_forces.index
    return flags.where(all_forces["force_code"] != UNKNOWN_FORCE, FUNNEL_NOT_ASSESSED)


def _limits(target: float, denominators: np.ndarray, measure: Measure) -> pd.DataFrame:
    """funnel_limits in the measure's display units, under the names charts.funnel_plot reads."""
    raw = funnel_limits(target, denominators, measure.kind)
    return pd.DataFrame(
        {
            "denominator": raw["denominator"],
            "lower_95": raw["low_95"] * measure.scale,
            "upper_95": raw["high_95"] * measure.scale,
            "lower_998": raw["low_99_8"] * measure.scale,
            "upper_998": raw["high_99_8"] * measure.scale,
        }
    )


def _grid(denominators: pd.Series, whole: bool) -> np.ndarray:
    """Denominators to draw the limits at: a log-spaced grid over (and a little beyond) the data."""
    low = max(float(denominators.min()) * 0.5, 1.0)
    high = max(float(denominators.max()) * 1.2, low + 1)
    grid = np.geomspace(low, high, 200)
    return np.unique(np.round(grid)) if whole else grid


def _names(names: pd.Series) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _comparison(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per count, one column per group (force, region, England and Wales)."""
    table = counts.set_index("group")[list(COUNT_LABELS)].T
    table.insert(0, "measure", [COUNT_LABELS[c] for c in table.index])
    table.columns.name = None
    return table.reset_index(drop=True)


def _rates_long(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per measure per group: numerator, denominator, rate, interval, note and text."""
    rows = []
    for measure in MEASURES.values():
        for _, row in counts.iterrows():
            rate, low, high = (row[measure.key + s] for s in ("", "_low", "_high"))
            note = row[f"{measure.key}_note"]
            rows.append(
                {
                    "measure_key": measure.key,
                    "measure": measure.label,
                    "group_kind": row["group_kind"],
                    "group": row["group"],
                    "numerator": row[measure.numerator],
                    "denominator": row[measure.denominator],
                    "rate": rate * measure.scale,
                    "rate_low": low * measure.scale,
                    "rate_high": high * measure.scale,
                    "rate_note": note,
                    "shown": shown_rate(rate, low, high, note, measure),
                }
            )
    return pd.DataFrame(rows)


def _period_starts(first: dt.date, last: dt.date, unit: str) -> list[dt.date]:
    months = 3 if unit == "quarter" else 1
    month0 = (first.month - 1) // months * months + 1
    start = dt.date(first.year, month0, 1)
    starts = []
    while start <= last:
        starts.append(start)
        year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
        start = dt.date(year, month + 1, 1)
    return starts


def _period_label(start: dt.date, unit: str) -> str:
    if unit == "month":
        return f"{start:%b %Y}"
    end = dt.date(start.year, start.month + 2, 1)
    return f"{start:%b}–{end:%b %Y}"


def _trend(
    filters: Filters,
    groups: list[tuple[str, pd.DataFrame]],
    counts: pd.DataFrame,
    unit: str,
    as_at: dt.date,
) -> pd.DataFrame:
    """Reports per month or quarter for the force and England and Wales, per 1,000 officers,
    up to the as-at date (no month after it is drawn as a zero).

    groups holds, for each group kind, its forces' rows of monthly_reports_by_force. A month or
    quarter at either end of the period that the period covers only in part is flagged (its rate
    counts only the days inside the period).
    """
    unit = unit if unit in ("month", "quarter") else "quarter"
    last = min(filters.last_date, as_at)
    starts = _period_starts(filters.first_date, last, unit)
    frames = []
    for kind, monthly in groups:
        if kind == "region":
            continue
        row = counts.loc[counts["group_kind"] == kind].iloc[0]
        month_start = pd.to_datetime(monthly["month_start"]).dt.date
        if unit == "quarter":
            month_start = month_start.map(lambda d: dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1))
        per_period = monthly["reports"].groupby(month_start.to_numpy()).sum()
        frame = pd.DataFrame({"period_start": starts})
        frame["reports"] = frame["period_start"].map(per_period).fillna(0).astype(int)
        frame["group_kind"] = kind
        frame["group"] = row["group"]
        frame["officer_fte"] = row["officer_fte"]
        frames.append(frame)
    trend = pd.concat(frames, ignore_index=True)
    rates = rate_per_1000(trend["reports"], trend["officer_fte"])
    trend = pd.concat([trend, rates], axis=1)
    trend.loc[trend["officer_fte"].isna(), "rate_note"] = NO_OFFICER_FIGURE
    trend["period"] = [_period_label(s, unit) for s in trend["period_start"]]
    months = 3 if unit == "quarter" else 1
    ends = [_period_end(start, months) for start in trend["period_start"]]
    trend["whole_period"] = [
        s >= filters.first_date and e <= last
        for s, e in zip(trend["period_start"], ends, strict=True)
    ]
    trend["period_start"] = pd.to_datetime(trend["period_start"])
    return trend[
        ["period_start", "period", "whole_period", "group_kind", "group", "reports",
         "officer_fte", "rate", "rate_low", "rate_high", "rate_note"]
    ]  # fmt: skip


def _period_end(start: dt.date, months: int) -> dt.date:
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
