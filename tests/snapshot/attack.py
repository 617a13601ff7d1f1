"""A sparse extract, where small counts abound, and an attacker who knows every public release.

The attacker is written here from the published CSV files alone, not from the program's own
constraints: within a release, the forces' reports add up to the headline's, each channel's
months to the headline's channel count, phone and online to all reports, each column of
outcomes by force to its headline count, the timeliness cases to their headline counts, each
column of the outcomes decided by force to the outcomes decided in the period; every
count is at least 0, a listed force's referrals at least 1, and a part no larger than its whole.
Across releases, a later release's cell less an earlier one of the same period (or a year's cell
less its released quarters' cells) is what was added since: an unknown, at least 0.
A linear programme then gives each suppressed cell's range, and each such change's range.
"""

import datetime as dt
import math
import random
from pathlib import Path

import pandas as pd
from scipy.optimize import linprog

C = "[c]"
FORCES = ("kent", "essex", "sussex", "surrey", "dorset", "cumbria", "durham", "gwent", "suffolk",
          "norfolk", "unknown")  # fmt: skip
CATEGORIES = ("corrupt_exchange", "abuse_of_position", "sexual_misconduct", "domestic_abuse",
              "discrimination", "other")  # fmt: skip
TIMES = {"days_to_dissemination": "referrals", "days_to_outcome": "investigations",
         "days_to_dismissal": "dismissals"}  # fmt: skip
OUTCOME_COLUMNS = ("referrals", "investigations", "case_to_answer", "dismissals",
                   "would_have_been_dismissed")  # fmt: skip
# The outcomes decided in the period (the event view), by receiving force.
DECIDED_COLUMNS = ("case_to_answer", "false_allegations", "dismissals",
                   "would_have_been_dismissed", "barred", "criminal_charges")  # fmt: skip
# Counts of cases still waiting, which fall as cases move on.
FALLING = ("open_cases", "awaiting_force_decision", "awaiting_force_decision_overdue")
OUTCOME_ORDERS = (("investigations", "referrals"), ("case_to_answer", "investigations"),
                  ("dismissals", "referrals"),
                  ("would_have_been_dismissed", "referrals"))  # fmt: skip


def sparse_extract(folder: Path, seed: int = 9, n_reports: int = 700,
                   first: dt.date = dt.date(2024, 4, 1), last: dt.date = dt.date(2026, 7, 31),
                   cut: dt.date | None = None, held_back: float = 0.0) -> list[Path]:  # fmt: skip
    """Reports spread thinly over 10 forces (and some with no force) from first to last, a
    third referred, half of those investigated, some with findings and dismissals. With cut,
    only what had happened by then, less a share held_back of the reports (records that arrive
    late). Returns the three CSV files."""
    folder.mkdir(parents=True)
    days = (last - first).days
    reports = ["report_id,received_at,channel,categories,subject_force,subject_role,anonymous"]
    referrals = ["referral_id,report_id,force,referred_at,assessment,assessed_at"]
    outcomes = ["outcome_id,referral_id,outcome,decided_at"]
    for i in range(1, n_reports + 1):
        # one generator per report: a cut extract holds the same reports as the full one
        rng = random.Random(f"{seed}-{i}")
        received = first + dt.timedelta(days=rng.randrange(days))
        late = rng.random() < held_back
        if cut is not None and (received > cut or late):
            continue
        force = rng.choice(FORCES)
        channel = "phone" if rng.random() < 0.6 else "online"
        reports.append(f"R{i},{received}T10:00:00,{channel},{rng.choice(CATEGORIES)},{force},"
                       f"officer,{str(rng.random() < 0.3).lower()}")  # fmt: skip
        if force == "unknown" or rng.random() > 0.35:
            continue
        referred = received + dt.timedelta(days=rng.randrange(1, 20))
        assessed = referred + dt.timedelta(days=rng.randrange(1, 40))
        assessment = rng.choice(["investigation", "investigation", "no_further_action",
                                 "transferred"])  # fmt: skip
        if cut is not None and referred > cut:
            continue
        if cut is not None and assessed > cut:
            referrals.append(f"F{i},R{i},{force},{referred},pending,")
            continue
        referrals.append(f"F{i},R{i},{force},{referred},{assessment},{assessed}")
        if assessment != "investigation" or rng.random() < 0.3:
            continue
        decided = assessed + dt.timedelta(days=rng.randrange(10, 200))
        finding = rng.choice(["no_case_to_answer", "case_to_answer_misconduct",
                              "case_to_answer_gross_misconduct"])  # fmt: skip
        if decided <= (cut or last):
            outcomes.append(f"O{i},F{i},{finding},{decided}")
        dismissed = decided + dt.timedelta(days=rng.randrange(10, 90))
        if finding == "case_to_answer_gross_misconduct" and dismissed <= (cut or last):
            outcomes.append(f"P{i},F{i},dismissed,{dismissed}")
    paths = []
    for name, rows in (("reports", reports), ("referrals", referrals), ("outcomes", outcomes)):
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        paths.append(folder / f"{name}.csv")
    return paths


def read_release(folder: Path) -> dict[tuple, str]:
    """Every count cell of a released folder: (table, row key, column) -> its text."""
    cells = {}

    def read(name, keys, columns):
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for row in frame.itertuples(index=False):
            row = row._asdict()
            for column in columns:
                cells[(name, "/".join(row[k] for k in keys), column)] = row[column]

    read("headline", ["measure"], ["value"])
    read("reports_by_force", ["force_code"], ["reports"])
    read("reports_by_category", ["category"], ["reports"])
    read("reports_by_month", ["month", "channel"], ["reports"])
    read("outcomes_by_force", ["force_code"], list(OUTCOME_COLUMNS))
    read("timeliness", ["measure"], ["cases"])
    read("outcomes_decided", ["measure"], ["decided"])
    read("outcomes_decided_by_force", ["force_code"], list(DECIDED_COLUMNS))
    return cells


def _equations(cells: dict[tuple, str]) -> list[list[tuple]]:
    """One release's sums, each as [parts..., total]."""

    def column(table, counted, suffix=""):
        return [k for k in cells if k[0] == table and k[2] == counted and k[1].endswith(suffix)]

    def headline(measure):
        return ("headline", measure, "value")

    sums = [[headline("reports_phone"), headline("reports_online"), headline("reports")],
            [*column("reports_by_force", "reports"), headline("reports")]]  # fmt: skip
    for channel in ("phone", "online"):
        months = column("reports_by_month", "reports", f"/{channel}")
        sums.append([*months, headline(f"reports_{channel}")])
    for counted in OUTCOME_COLUMNS:
        sums.append([*column("outcomes_by_force", counted), headline(counted)])
    for measure, counted in TIMES.items():
        sums.append([("timeliness", measure, "cases"), headline(counted)])
    for counted in DECIDED_COLUMNS:
        sums.append([*column("outcomes_decided_by_force", counted),
                     ("outcomes_decided", counted, "decided")])  # fmt: skip
    return [line for line in sums if len(line) > 1]


def attack(releases: list[tuple[str, dict[tuple, str]]], threshold: int = 5) -> dict:
    """What an attacker holding these releases (period key, cells; oldest first) can work out:
    {"cells": suppressed cells whose range holds one whole number, "changes": changes between
    releases pinned to 1..threshold-1}."""
    variables: dict[tuple, int] = {}

    def term(release: int, cell: tuple):
        """(variable index or None, constant)."""
        text = releases[release][1][cell]
        if text != C:
            return None, int(text)
        return variables.setdefault((release, cell), len(variables)), 0

    equalities: list[tuple[dict, float]] = []  # ({index: coefficient}, right-hand side)
    orders: list[tuple[dict, float]] = []  # ({index: coefficient}, bound) meaning <= bound
    lower: dict[int, float] = {}

    def equation(parts: list, total, extra: dict | None = None):
        row, rhs = dict(extra or {}), 0.0
        for (index, constant), sign in [*((p, 1) for p in parts), (total, -1)]:
            if index is None:
                rhs -= sign * constant
            else:
                row[index] = row.get(index, 0) + sign
        if row:
            equalities.append((row, rhs))

    for r, (_, cells) in enumerate(releases):
        for line in _equations(cells):
            equation([term(r, c) for c in line[:-1]], term(r, line[-1]))
        forces = {key[1] for key in cells if key[0] == "outcomes_by_force"}
        for force in forces:
            index, _ = term(r, ("outcomes_by_force", force, "referrals"))
            if index is not None:
                lower[index] = 1
            for part, whole in OUTCOME_ORDERS:
                (a, av), (b, bv) = (term(r, ("outcomes_by_force", force, part)),
                                    term(r, ("outcomes_by_force", force, whole)))  # fmt: skip
                row = {k: v for k, v in ((a, 1), (b, -1)) if k is not None}
                if row:
                    orders.append((row, bv - av))

    changes = []  # (name, variable index)

    def change(name, parts: list, total):
        # total = parts + added: added unknown, and at least 0 but for counts that can fall
        index = variables.setdefault(("change", name), len(variables))
        changes.append((name, index))
        if name[-1][1] in FALLING:
            lower[index] = None
        equation(parts, total, {index: 1})

    periods = [key for key, _ in releases]
    for r, key in enumerate(periods):
        for earlier in range(r):
            if periods[earlier] == key:
                for cell in releases[r][1].keys() & releases[earlier][1].keys():
                    change((earlier, r, cell), [term(earlier, cell)], term(r, cell))
    for r, key in enumerate(periods):
        if "-q" in key:
            continue
        quarters = {}
        for q, other in enumerate(periods):
            if other.startswith(key + "-q"):
                quarters[other] = q  # the latest release of each quarter
        for cell in releases[r][1]:
            parts = [term(q, cell) for q in quarters.values() if cell in releases[q][1]]
            if parts:
                change((r, "quarters", cell), parts, term(r, cell))

    n = len(variables)
    a_eq = [[row.get(i, 0) for i in range(n)] for row, _ in equalities]
    b_eq = [rhs for _, rhs in equalities]
    a_ub = [[row.get(i, 0) for i in range(n)] for row, _ in orders] or None
    b_ub = [bound for _, bound in orders] or None
    bounds = [(lower.get(i, 0), None) for i in range(n)]

    def span(index):
        ends = []
        for sign in (1, -1):
            objective = [0] * n
            objective[index] = sign
            result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq or None,
                             b_eq=b_eq or None, bounds=bounds, method="highs")  # fmt: skip
            assert result.status in (0, 3), result.message
            ends.append(sign * result.fun if result.status == 0 else sign * math.inf)
        low, high = ends  # minimising x gives its least value; minimising -x its greatest
        return (
            -math.inf if math.isinf(low) else math.ceil(low - 1e-7),
            math.inf if math.isinf(high) else math.floor(high + 1e-7),
        )

    pinned_cells, pinned_changes = [], []
    for key, index in variables.items():
        if key[0] == "change":
            continue
        low, high = span(index)
        if low == high:
            pinned_cells.append((key, low))
    for name, index in changes:
        low, high = span(index)
        if low == high and 1 <= low < threshold:
            pinned_changes.append((name, low))
    return {"cells": pinned_cells, "changes": pinned_changes, "suppressed": sum(
        1 for _, cells in releases for text in cells.values() if text == C)}  # fmt: skip
