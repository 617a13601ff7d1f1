"""The Forces page as a force user may see it (docs/deploy.md, "Roles"): its own force in full,
and its most similar forces (pooled), its region and England and Wales only where no other
force's small count can be worked out.

A force user knows its own forces' exact figures. Every aggregate it is shown, less what it
knows, less or plus any other aggregate it is shown, can be a count of other forces: England and
Wales less the region, or (where they do not overlap) less the region and the peers too. Each
such count must be 0 or at least the disclosure threshold, or the aggregate's cell is withheld.
A count that is one other force's figure (a region of two forces, or a selection where only
one other force has any) is withheld whatever its size: other forces one by one are published
only. Two aggregates that overlap without one holding the other (the peers and the region) are
not set against each other to give a count, but their difference, less what the user knows, is
kept from being 1 to 4 too. The groups are audited in the order force, region, England and Wales,
peers: where a cell must go, the peers' goes before the region's.
The trends show a peer or England and Wales line in every period or in none, since the counts
table's total less the periods shown would give a period withheld; each period passes the same
audit, against the force's line and the other line shown.
The outcomes decided in the period (the event view) are counts over forces like the others,
and each goes through the same audit, beside the same comparators.
Where one count of a sum (reports = phone + online; referrals = transferred + not transferred)
is withheld, the next smallest is withheld too, so that it cannot be worked out from the others.
A rate is shown only where its numerator and denominator both are. Other forces one by one (the
peers included), and the funnel of every force, are not shown at all: they are in the published
releases.
"""

import dataclasses
import datetime as dt
import itertools

import numpy as np
import pandas as pd

from oversight.analysis.force_trends import CONVERSION_COLUMNS
from oversight.analysis.forces import (
    COUNT_COLUMNS,
    COUNT_LABELS,
    DECIDED_COUNT_COLUMNS,
    DECIDED_COUNT_LABELS,
    MEASURES,
    NATIONS,
    ForcesData,
    Funnel,
)
from oversight.filters import Filters

WITHHELD = "[c]"
# Counts that add up to another shown count: (total, part, part)
SUMS = (
    ("reports", "reports_phone", "reports_online"),
    ("referrals", "transferred", "referrals_not_transferred"),
)
# Every count shown beside the comparators, each audited on its own: the cohort's and the
# outcomes decided in the period
AUDITED_COLUMNS = (*COUNT_COLUMNS, *DECIDED_COUNT_COLUMNS)
# The order in which comparators are audited: a later one is withheld before an earlier one
AUDIT_ORDER = ("region", "nation", "peers")
# The counts behind each trend chart: reports per 1,000 officers, and conversion and timeliness
REPORTS_TREND_COLUMNS = ("reports",)
# A trend count that is not a cell of the counts table, and the cells it can be worked out from
TABLE_CELLS = {"investigations_ended": ("investigations", "open_cases")}


def _members(data: ForcesData, kind: str) -> set[str]:
    """The force codes a comparison group adds up."""
    forces = data.all_forces
    codes = forces["force_code"]
    if kind == "force":
        return {data.focus}
    if kind == "peers":
        return set(data.peers)
    if kind == "region":
        return set(codes[forces["region_name"] == data.region_name])
    return set(codes[forces["nation"].isin(NATIONS)])


def discloses(
    candidate: np.ndarray, shown: list[np.ndarray], counts: np.ndarray, threshold: int
) -> bool:
    """Whether showing a group's count would let a user work out a small count of other forces.

    Args:
        candidate: Which other forces (the user's own left out) the group adds up, as 0 or 1.
        shown: The same for each group already shown.
        counts: Each of those other forces' count.
        threshold: The disclosure threshold: counts of 1 to threshold - 1 must stay unknown.

    The candidate, plus or minus any of the groups shown, is a count of other forces wherever
    the result counts each force 0 or 1 times (or 0 or -1): that count must be 0 or at least
    the threshold, and neither one force's nor the only force's with any. Its difference with
    each group shown must not be 1 to threshold - 1 either way.
    """
    total = counts @ candidate
    for base in shown:
        if 0 < abs(total - counts @ base) < threshold:
            return True
    for signs in itertools.product((-1, 0, 1), repeat=len(shown)):
        combined = candidate + sum(
            (sign * base for sign, base in zip(signs, shown, strict=True)),
            np.zeros_like(candidate),
        )
        if not combined.any() or not (
            np.isin(combined, (0, 1)).all() or np.isin(combined, (0, -1)).all()
        ):
            continue
        chosen = combined != 0
        others = int(counts[chosen].sum())
        with_any = int((counts[chosen] > 0).sum())
        if 0 < others < threshold or chosen.sum() == 1 or (others > 0 and with_any == 1):
            return True
    return False


class _Audit:
    """The groups of a ForcesData as 0/1 vectors over the other forces (a user's own left out),
    and every force's counts over the same forces."""

    def __init__(self, data: ForcesData, own: tuple[str, ...]):
        self.codes = data.all_forces["force_code"].tolist()
        other = np.array([code not in own for code in self.codes])
        self.other = other
        kinds = ["force", *(k for k in AUDIT_ORDER if k in set(data.counts["group_kind"]))]
        self.kinds = kinds[1:]
        members = {kind: _members(data, kind) for kind in kinds}
        self.vectors = {
            kind: np.array([code in members[kind] for code in self.codes], dtype=np.int64)[other]
            for kind in kinds
        }

    def others(self, values) -> np.ndarray:
        """Every force's values (in all_forces' order), the other forces' only."""
        return np.asarray(values, dtype=np.int64)[self.other]

    def shown_groups(self, counts: np.ndarray, threshold: int, allowed=None) -> list[str]:
        """The groups (besides the force) that pass the audit for these counts, in audit order:
        each against the force and the groups passed before it. allowed limits the groups."""
        shown = ["force"]
        for kind in self.kinds:
            if allowed is not None and kind not in allowed:
                continue
            vectors = [self.vectors[k] for k in shown]
            if not discloses(self.vectors[kind], vectors, counts, threshold):
                shown.append(kind)
        return shown[1:]


def withheld_cells(data: ForcesData, own: tuple[str, ...], threshold: int) -> dict[str, set[str]]:
    """For each group (peers, region, nation) the count columns withheld from a user who knows
    the exact figures of its own forces."""
    audit = _Audit(data, own)
    withheld: dict[str, set[str]] = {kind: set() for kind in audit.kinds}
    for column in AUDITED_COLUMNS:
        counts = audit.others(data.all_forces[column].to_numpy())
        shown = audit.shown_groups(counts, threshold)
        for kind in audit.kinds:
            if kind not in shown:
                withheld[kind].add(column)
    by_kind = data.counts.set_index("group_kind")
    for kind in audit.kinds:
        values = by_kind.loc[kind]
        for total, *parts in SUMS:
            triple = [total, *parts]
            hidden = [c for c in triple if c in withheld[kind]]
            if len(hidden) == 1:
                rest = sorted((c for c in triple if c not in hidden), key=lambda c: values[c])
                withheld[kind].add(rest[0])
    return withheld


def trend_lines_shown(
    data: ForcesData,
    own: tuple[str, ...],
    threshold: int,
    withheld: dict[str, set[str]],
    columns: tuple[str, ...],
) -> set[str]:
    """The groups (peers, nation) whose line a trend of these count columns may show a force
    user, in every period, beside the force's: each period passes the audit of withheld_cells,
    and the group's cells of these columns are shown in the counts table (else its periods
    would add up to a withheld cell). Only for a user of one force, the one shown: a joint
    unit knows other forces' figures that the trend leaves out."""
    by_force = data.trend_counts_by_force
    if len(own) != 1 or data.focus not in own or by_force is None:
        return set()
    audit = _Audit(data, own)
    # the counts table's cells each trend count adds up to (investigations ended: those less
    # open cases)
    cells = {cell for column in columns for cell in TABLE_CELLS.get(column, (column,))}
    allowed = {
        kind for kind in audit.kinds if kind != "region" and not cells & withheld.get(kind, set())
    }
    for column in columns:
        per_period = by_force.pivot_table(
            index="force_code", columns="period_start", values=column, aggfunc="sum"
        ).reindex(audit.codes, fill_value=0)
        for period in per_period.columns:
            counts = audit.others(per_period[period].fillna(0).to_numpy())
            allowed &= set(audit.shown_groups(counts, threshold, allowed))
    return allowed


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
        withheld = {kind: set(AUDITED_COLUMNS) for kind in kinds}

    def hidden(kind: str, column: str) -> bool:
        return column in withheld.get(kind, set())

    groups = data.counts["group"].tolist()
    kinds = data.counts["group_kind"].tolist()

    def as_text(table: pd.DataFrame, keys) -> pd.DataFrame:
        # counts as text, as a withheld cell is: one column holds one type
        shown = table.copy()
        for label_column, kind in zip(groups, kinds, strict=True):
            shown[label_column] = [
                WITHHELD if hidden(kind, key) else f"{int(value):,}"
                for key, value in zip(keys, shown[label_column], strict=True)
            ]
        return shown

    comparison = as_text(data.comparison, COUNT_LABELS)
    decided = data.decided_comparison

    measure_columns = {key: (m.numerator, m.denominator) for key, m in MEASURES.items()}

    def rate_hidden(rates: pd.DataFrame) -> np.ndarray:
        return np.array(
            [
                any(hidden(kind, c) for c in measure_columns[key])
                for key, kind in zip(rates["measure_key"], rates["group_kind"], strict=True)
            ],
            dtype=bool,
        )

    rates = data.rates.copy()
    rates_gone = rate_hidden(rates)
    rate_table = data.rate_table.copy()
    for (key, group), gone in zip(
        zip(rates["measure_key"], rates["group"], strict=True), rates_gone, strict=True
    ):
        if gone:
            rate_table.loc[rate_table.index[list(MEASURES).index(key)], group] = WITHHELD
    counts = data.counts.copy()
    for index, kind in enumerate(kinds):
        for column in withheld.get(kind, set()):
            counts.at[index, column] = np.nan

    # the peers one by one are other forces' live figures: left out (they are published)
    peer_rates = data.peer_rates
    if peer_rates is not None:
        peer_rates = peer_rates.loc[peer_rates["group_kind"] != "peer"]
        gone = rate_hidden(peer_rates)
        peer_rates = peer_rates.assign(
            shown=np.where(gone, WITHHELD, peer_rates["shown"].to_numpy(dtype=object)),
            **{c: np.where(gone, np.nan, peer_rates[c]) for c in ("rate", "rate_low", "rate_high")},
        ).reset_index(drop=True)

    reports_lines = trend_lines_shown(data, own, threshold, withheld, REPORTS_TREND_COLUMNS)
    conversion_lines = trend_lines_shown(data, own, threshold, withheld, CONVERSION_COLUMNS)
    own_rows = data.all_forces["force_code"].isin(own)
    empty = data.funnel.points.iloc[0:0]
    by_force = data.trend_counts_by_force
    return dataclasses.replace(
        data,
        counts=counts,
        comparison=comparison,
        rates=rates.loc[~rates_gone].reset_index(drop=True),
        rate_table=rate_table,
        trend=_lines(data.trend, reports_lines),
        all_forces=data.all_forces.loc[own_rows].reset_index(drop=True),
        funnel=Funnel(data.funnel.measure, None, empty, data.funnel.limits.iloc[0:0], ""),
        peer_rates=peer_rates,
        conversion_trend=_lines(data.conversion_trend, conversion_lines),
        trend_counts_by_force=(
            None
            if by_force is None
            else by_force.loc[by_force["force_code"].isin(own)].reset_index(drop=True)
        ),
        decided_comparison=None if decided is None else as_text(decided, DECIDED_COUNT_LABELS),
    )


def _lines(trend: pd.DataFrame | None, shown: set[str]) -> pd.DataFrame | None:
    """A trend's force line, and the other groups' lines that may be shown."""
    if trend is None:
        return None
    keep = (trend["group_kind"] == "force") | trend["group_kind"].isin(shown)
    return trend.loc[keep].reset_index(drop=True)
