"""The Forces page as a force user may see it (docs/deploy.md, "Roles"): its own force in full,
and its region and England and Wales only where no other force's small count can be worked out.

A force user knows its own forces' exact figures. Every aggregate it is shown, less what it
knows, less any smaller aggregate it is shown inside it, is a count of other forces: each such
difference must be 0 or at least the disclosure threshold, or the aggregate's cell is withheld.
A difference that is one other force's figure (a region of two forces, or a selection where only
one other force has any) is withheld whatever its size: other forces one by one are published only.
The trend shows England and Wales in every period or in none, since the counts table's total
less the periods shown would give a period withheld.
Where one count of a sum (reports = phone + online; referrals = transferred + not transferred)
is withheld, the next smallest is withheld too, so that it cannot be worked out from the others.
A rate is shown only where its numerator and denominator both are. Other forces one by one, and
the funnel of every force, are not shown at all: they are in the published releases.
"""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from oversight.analysis.forces import (
    COUNT_COLUMNS,
    COUNT_LABELS,
    MEASURES,
    NATIONS,
    ForcesData,
    Funnel,
)
from oversight.constants import NATIONAL_LAUNCH
from oversight.filters import Filters

WITHHELD = "[c]"
# Counts that add up to another shown count: (total, part, part)
SUMS = (
    ("reports", "reports_phone", "reports_online"),
    ("referrals", "transferred", "referrals_not_transferred"),
)


def _members(all_forces: pd.DataFrame, kind: str, focus: str, region: str | None) -> set[str]:
    """The force codes a comparison group adds up."""
    codes = all_forces["force_code"]
    if kind == "force":
        return {focus}
    if kind == "region":
        return set(codes[all_forces["region_name"] == region])
    return set(codes[all_forces["nation"].isin(NATIONS)])


def withheld_cells(data: ForcesData, own: tuple[str, ...], threshold: int) -> dict[str, set[str]]:
    """For each group (region, nation) the count columns withheld from a user who knows the
    exact figures of its own forces."""
    forces = data.all_forces.set_index("force_code")
    counts = data.counts.set_index("group_kind")
    kinds = [kind for kind in ("region", "nation") if kind in counts.index]
    members = {
        kind: _members(data.all_forces, kind, data.focus, data.region_name)
        for kind in ["force", *kinds]
    }
    withheld: dict[str, set[str]] = {kind: set() for kind in kinds}
    for column in COUNT_COLUMNS:
        shown = {"force": (members["force"], int(counts.at["force", column]))}
        for kind in kinds:
            value = int(counts.at[kind, column])
            inside = [(set(), 0), *(s for s in shown.values() if s[0] <= members[kind])]
            for subset, subset_value in inside:
                known = [c for c in own if c in members[kind] - subset and c in forces.index]
                others = value - subset_value - int(forces.loc[known, column].sum())
                # the other forces in the difference: where only one of them is there (a
                # region of two forces) or has any count, the difference is that force's own
                rest = [c for c in members[kind] - subset - set(own) if c in forces.index]
                counted = sum(int(forces.at[c, column]) > 0 for c in rest)
                if 0 < others < threshold or len(rest) == 1 or (others > 0 and counted == 1):
                    withheld[kind].add(column)
                    break
            else:
                shown[kind] = (members[kind], value)
    for kind in kinds:
        values = counts.loc[kind]
        for total, *parts in SUMS:
            triple = [total, *parts]
            hidden = [c for c in triple if c in withheld[kind]]
            if len(hidden) == 1:
                rest = sorted((c for c in triple if c not in hidden), key=lambda c: values[c])
                withheld[kind].add(rest[0])
    return withheld


def comparable(filters: Filters) -> bool:
    """Whether a force user is shown its region and England and Wales for this selection: a
    whole financial year, every channel, category and role of the person reported. Free dates,
    channels, categories and roles could be set against one another (1 April to 1 June, less 1
    April to 31 May, is 1 June; officers, less officers and staff, is staff) to show a small
    count of other forces that each view on its own withholds."""
    first, last = filters.first_date, filters.last_date
    return (
        filters.period_key.startswith("fy")
        and (first.month, first.day) == (4, 1)
        and last == dt.date(first.year + 1, 3, 31)
        and not filters.channels
        and not filters.categories
        and not filters.subject_roles
    )


def force_user_view(
    data: ForcesData, own: tuple[str, ...], threshold: int, filters: Filters
) -> ForcesData:
    """data as a user of the force role, whose own forces are own, may see it."""
    if comparable(filters):
        withheld = withheld_cells(data, own, threshold)
    else:
        kinds = set(data.counts["group_kind"]) - {"force"}
        withheld = {kind: set(COUNT_COLUMNS) for kind in kinds}

    def hidden(kind: str, column: str) -> bool:
        return column in withheld.get(kind, set())

    # counts as text, as a withheld cell is: one column holds one type
    comparison = data.comparison.copy()
    groups = data.counts["group"].tolist()
    kinds = data.counts["group_kind"].tolist()
    for label_column, kind in zip(groups, kinds, strict=True):
        comparison[label_column] = [
            WITHHELD if hidden(kind, key) else f"{int(value):,}"
            for key, value in zip(COUNT_LABELS, comparison[label_column], strict=True)
        ]

    rates = data.rates.copy()
    measure_columns = {key: (m.numerator, m.denominator) for key, m in MEASURES.items()}
    rate_hidden = np.array(
        [
            any(hidden(kind, c) for c in measure_columns[key])
            for key, kind in zip(rates["measure_key"], rates["group_kind"], strict=True)
        ],
        dtype=bool,
    )
    rate_table = data.rate_table.copy()
    for (key, group), gone in zip(
        zip(rates["measure_key"], rates["group"], strict=True), rate_hidden, strict=True
    ):
        if gone:
            rate_table.loc[rate_table.index[list(MEASURES).index(key)], group] = WITHHELD
    counts = data.counts.copy()
    for index, kind in enumerate(kinds):
        for column in withheld.get(kind, set()):
            counts.at[index, column] = np.nan

    own_rows = data.all_forces["force_code"].isin(own)
    empty = data.funnel.points.iloc[0:0]
    return dataclasses.replace(
        data,
        counts=counts,
        comparison=comparison,
        rates=rates.loc[~rate_hidden].reset_index(drop=True),
        rate_table=rate_table,
        trend=_trend(data, own, threshold, "reports" not in withheld.get("nation", set())),
        all_forces=data.all_forces.loc[own_rows].reset_index(drop=True),
        funnel=Funnel(data.funnel.measure, None, empty, data.funnel.limits.iloc[0:0], ""),
    )


def _trend(
    data: ForcesData, own: tuple[str, ...], threshold: int, nation_shown: bool
) -> pd.DataFrame:
    """The trend: the force, and England and Wales where in every period the other forces'
    reports are 0 or at least the threshold (only for a user of one force: a joint unit knows
    other forces' figures that the trend does not hold)."""
    trend = data.trend
    force_rows = trend.loc[trend["group_kind"] == "force"]
    nation_rows = trend.loc[trend["group_kind"] == "nation"]
    if not nation_shown or len(own) != 1 or data.focus not in own or nation_rows.empty:
        return force_rows.reset_index(drop=True)
    own_reports = force_rows.set_index("period_start")["reports"]
    others = (
        nation_rows["reports"].to_numpy()
        - own_reports.reindex(nation_rows["period_start"]).fillna(0).to_numpy()
    )
    # all periods or none: one period withheld among those shown is the counts table's total
    # less the others (and a quarter less two of its months is the third)
    # before the national launch only the Met was in the service: the other forces' reports of
    # a period starting then are the Met's alone
    pilot = (pd.to_datetime(nation_rows["period_start"]) < pd.Timestamp(NATIONAL_LAUNCH)).to_numpy()
    if not ((others == 0) | (others >= threshold)).all() or (pilot & (others > 0)).any():
        return force_rows.reset_index(drop=True)
    return pd.concat([force_rows, nation_rows]).reset_index(drop=True)
