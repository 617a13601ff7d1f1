"""Auditing a release against the releases before it (docs/metrics.md, "Public releases").

Whoever has two releases can subtract one from the other. So a new release is suppressed
together with every earlier release of the same financial year (the year and its quarters are
one hierarchy): each earlier cell is settled (shown cells are known values, suppressed ones
must stay unknown), and each way of subtracting becomes a cell of its own, never published,
that must not be possible to work out when it is 1 to threshold - 1:
- a period released again: the change in each cell since every earlier release of it;
- a year beside its released quarters: the year's cell less the sum of the quarters' cells
  (the quarters not released, and what was added since they were).
"""

from collections.abc import Hashable

from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.register import Release
from oversight.snapshot.tables import Constraints, constraints

NEW = "new"  # the release being made; earlier ones go by their release id


def earlier_constraints(
    new_values: dict[Hashable, int], period: PublicPeriod, earlier: list[Release]
) -> Constraints:
    """What the earlier releases of period's financial year add to the new one's suppression."""
    family = [r for r in earlier if r.period.year == period.year]
    out = Constraints({}, [], {}, [])
    values: dict[object, dict[Hashable, int]] = {NEW: new_values}
    for release in family:
        own = constraints(release.exact_frames())
        tag = release.release_id
        values[tag] = own.values
        out.values.update({(tag, *c): v for c, v in own.values.items()})
        out.lines += [[(tag, *c) for c in line] for line in own.lines]
        out.lower_bounds.update({(tag, *c): k for c, k in own.lower_bounds.items()})
        out.orders += [((tag, *a), (tag, *b)) for a, b in own.orders]
        out.settled.update({(tag, *c): release.hidden(c) for c in own.values})

    versions: dict[PublicPeriod, list] = {}
    for release in family:
        versions.setdefault(release.period, []).append(release.release_id)
    versions.setdefault(period, []).append(NEW)
    # each period released more than once: every version against every other
    for tags in versions.values():
        for i, first in enumerate(tags):
            for second in tags[i + 1 :]:
                for cell in values[first].keys() & values[second].keys():
                    _difference(out, _key(first, cell), values[first][cell],
                                _key(second, cell), values[second][cell])  # fmt: skip

    # every release of the year beside the latest release of each of its quarters
    year = period.year_period
    parts = [versions[q][-1] for q in year.quarters() if q in versions]
    for whole in versions.get(year, []) if parts else []:
        for cell, total in values[whole].items():
            members = [part for part in parts if cell in values[part]]
            if not members:
                continue
            quarters = ("released quarters", year.key, *cell)
            if quarters not in out.values:
                out.values[quarters] = sum(values[part][cell] for part in members)
                out.unpublished.append(quarters)
                out.lines.append([*(_key(part, cell) for part in members), quarters])
            _difference(out, quarters, out.values[quarters], _key(whole, cell), total)
    return out


def _key(tag, cell: tuple) -> tuple:
    return cell if tag == NEW else (tag, *cell)


def _difference(out: Constraints, a: Hashable, a_value: int, b: Hashable, b_value: int) -> None:
    """The change between two cells as a cell of its own: the smaller plus it is the larger.
    (Its sign taken as known to the public: more cautious than not.)"""
    change = ("change", a, b)
    out.values[change] = abs(a_value - b_value)
    out.unpublished.append(change)
    out.lines.append([b, change, a] if a_value >= b_value else [a, change, b])
